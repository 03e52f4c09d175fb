/*
 * phi.c: PHI patterns in free text (phi.h).  The text is folded to one
 * spelling (fold()), then scanned once from left to right: at each place
 * a labelled value ("MRN: 12345") is tried first, then the bare shapes in
 * a fixed order; the first match is replaced by its marker and the scan
 * goes on after it.  Every matcher reads a bounded number of bytes, so the
 * scan is linear in the text.
 */
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "base/utf8.h"
#include "phi.h"

#define LABEL_GAP	6	/* separator bytes between a label and value */
#define LABEL_WORDS	2	/* filler words ("number", "id") after it */
#define ID_MIN		5	/* a labelled identifier: 5..20 characters */
#define ID_MAX		20
#define ID_DIGITS	3	/* ...holding at least three digits */
#define RUN_MIN		7	/* a bare digit run taken for a record number */
#define PHONE_MIN	7	/* digits of a labelled phone number */
#define PHONE_MAX	15	/* ITU-T E.164 */
#define INTL_MIN	8

static const char *const kind_names[PHI_NKINDS] = {
	"SSN", "DOB", "PHONE", "NPI", "MEMBER_ID", "ICD10", "MRN",
};
static const char *const kind_keys[PHI_NKINDS] = {
	"ssn", "dob", "phone", "npi", "member_id", "icd10", "mrn",
};

const char *
phi_kind_name(enum phi_kind k)
{
	return (unsigned)k < PHI_NKINDS ? kind_names[k] : "?";
}

const char *
phi_kind_key(enum phi_kind k)
{
	return (unsigned)k < PHI_NKINDS ? kind_keys[k] : "?";
}

uint64_t
phi_total(const struct phi_counts *c)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < PHI_NKINDS; i++)
		t += c->n[i];
	return t;
}

/* ---- character classes on the folded text ------------------------- */

static bool
dig(char c)
{
	return c >= '0' && c <= '9';
}

static bool
alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
alnum(char c)
{
	return dig(c) || alpha(c);
}

static char
lower(char c)
{
	return upper(c) ? (char)(c - 'A' + 'a') : c;
}

/* The text being scanned. */
struct tx {
	const char	*s;
	size_t		 n;
};

static char
at(const struct tx *t, size_t i)
{
	return i < t->n ? t->s[i] : '\0';
}

/* No digit right before i. */
static bool
left_nd(const struct tx *t, size_t i)
{
	return i == 0 || !dig(t->s[i - 1]);
}

/* No letter or digit right before i. */
static bool
left_na(const struct tx *t, size_t i)
{
	return i == 0 || !alnum(t->s[i - 1]);
}

/* Digits from i, at most max + 1 of them counted. */
static size_t
ndig(const struct tx *t, size_t i, size_t max)
{
	size_t k = 0;

	while (k <= max && dig(at(t, i + k)))
		k++;
	return k;
}

static unsigned
num(const struct tx *t, size_t i, size_t k)
{
	unsigned v = 0;

	while (k-- > 0)
		v = v * 10 + (unsigned)(t->s[i++] - '0');
	return v;
}

/* Exactly k digits at i (no digit after them): i + k, else 0. */
static size_t
exact(const struct tx *t, size_t i, size_t k)
{
	return ndig(t, i, k) == k ? i + k : 0;
}

/* ---- SSN ------------------------------------------------------------ */

static bool
is_sep(char c)
{
	return c == '-' || c == '.' || c == ' ';
}

/* ddd-dd-dddd, the same separator twice; bare when plain is set. */
static size_t
m_ssn_at(const struct tx *t, size_t i, bool plain)
{
	char sep;
	size_t j;

	if (!left_nd(t, i))
		return 0;
	if (plain && exact(t, i, 9) != 0)
		return i + 9;
	if (exact(t, i, 3) == 0)
		return 0;
	sep = at(t, i + 3);
	if (!is_sep(sep) || exact(t, i + 4, 2) == 0 || at(t, i + 6) != sep)
		return 0;
	j = exact(t, i + 7, 4);
	return j;
}

static size_t
m_ssn(const struct tx *t, size_t i)
{
	return m_ssn_at(t, i, false);
}

static size_t
v_ssn(const struct tx *t, size_t i)
{
	return m_ssn_at(t, i, true);
}

/* ---- dates ---------------------------------------------------------- */

static bool
year4(unsigned y)
{
	return y >= 1900 && y <= 2099;
}

/* a/b could be month/day or day/month. */
static bool
md_ok(unsigned a, unsigned b)
{
	if (a == 0 || b == 0)
		return false;
	return (a <= 12 && b <= 31) || (a <= 31 && b <= 12);
}

/* m/d/yyyy, m/d/yy, m-d-yy(yy), d.m.yyyy. */
static size_t
m_date_mdy(const struct tx *t, size_t i)
{
	size_t ka, kb, ky, j;
	char sep;

	ka = ndig(t, i, 2);
	if (ka == 0 || ka > 2)
		return 0;
	sep = at(t, i + ka);
	if (sep != '/' && sep != '-' && sep != '.')
		return 0;
	j = i + ka + 1;
	kb = ndig(t, j, 2);
	if (kb == 0 || kb > 2 || at(t, j + kb) != sep)
		return 0;
	if (!md_ok(num(t, i, ka), num(t, j, kb)))
		return 0;
	j += kb + 1;
	ky = ndig(t, j, 4);
	if (ky == 4 && year4(num(t, j, 4)))
		return j + 4;
	if (ky == 2 && sep != '.')
		return j + 2;
	return 0;
}

/* yyyy-mm-dd, yyyy/mm/dd, yyyy.mm.dd. */
static size_t
m_date_ymd(const struct tx *t, size_t i)
{
	size_t km, kd, j;
	unsigned m, d;
	char sep;

	if (exact(t, i, 4) == 0 || !year4(num(t, i, 4)))
		return 0;
	sep = at(t, i + 4);
	if (sep != '/' && sep != '-' && sep != '.')
		return 0;
	j = i + 5;
	km = ndig(t, j, 2);
	if (km == 0 || km > 2 || at(t, j + km) != sep)
		return 0;
	m = num(t, j, km);
	j += km + 1;
	kd = ndig(t, j, 2);
	if (kd == 0 || kd > 2)
		return 0;
	d = num(t, j, kd);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	return j + kd;
}

/* A month name at i ending before a non-letter: its end, else 0. */
static size_t
month_at(const struct tx *t, size_t i)
{
	static const char *const names[] = {
		"january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november",
		"december", "sept", "jan", "feb", "mar", "apr", "jun", "jul",
		"aug", "sep", "oct", "nov", "dec",
	};
	size_t k, m;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		m = strlen(names[k]);
		if (i + m <= t->n && strncasecmp(t->s + i, names[k], m) == 0 &&
		    !alpha(at(t, i + m)))
			return i + m;
	}
	return 0;
}

/* Up to max bytes of set at i; sets *k to how many. */
static size_t
skip_set(const struct tx *t, size_t i, const char *set, size_t max,
    size_t *k)
{
	*k = 0;
	while (*k < max && at(t, i + *k) != '\0' &&
	    strchr(set, at(t, i + *k)) != NULL)
		(*k)++;
	return i + *k;
}

/* A day 1..31 with an optional ordinal suffix: its end, else 0. */
static size_t
day_at(const struct tx *t, size_t i)
{
	size_t k = ndig(t, i, 2);
	unsigned d;

	if (k == 0 || k > 2)
		return 0;
	d = num(t, i, k);
	if (d < 1 || d > 31)
		return 0;
	i += k;
	if (alpha(at(t, i)) && alpha(at(t, i + 1)) && !alpha(at(t, i + 2))) {
		char a = lower(at(t, i)), b = lower(at(t, i + 1));

		if ((a == 's' && b == 't') || (a == 'n' && b == 'd') ||
		    (a == 'r' && b == 'd') || (a == 't' && b == 'h'))
			i += 2;
	}
	return i;
}

/* A four-digit year, or a two-digit one when short is allowed. */
static size_t
year_at(const struct tx *t, size_t i, bool short_ok)
{
	size_t k = ndig(t, i, 4);

	if (k == 4 && year4(num(t, i, 4)))
		return i + 4;
	if (k == 2 && short_ok)
		return i + 2;
	return 0;
}

/* "Jan 5, 1980", "January 5th 1980". */
static size_t
m_date_month_first(const struct tx *t, size_t i)
{
	size_t j, k;

	if (!left_na(t, i) || (j = month_at(t, i)) == 0)
		return 0;
	j = skip_set(t, j, " .,-/", 3, &k);
	if (k == 0 || (j = day_at(t, j)) == 0)
		return 0;
	j = skip_set(t, j, " ,-/", 3, &k);
	if (k == 0)
		return 0;
	return year_at(t, j, false);
}

/* "5 January 1980", "5-Jan-80", "05JAN1980". */
static size_t
m_date_day_first(const struct tx *t, size_t i)
{
	size_t j, k1, k2;

	if (!left_na(t, i) || (j = day_at(t, i)) == 0)
		return 0;
	j = skip_set(t, j, " -/.", 3, &k1);
	if ((j = month_at(t, j)) == 0)
		return 0;
	j = skip_set(t, j, " ,-/.", 3, &k2);
	/* a two-digit year only in the compact forms: 5-Jan-80, 05JAN80 */
	return year_at(t, j, k1 == k2 && (k2 == 0 || at(t, j - 1) == '-' ||
	    at(t, j - 1) == '/'));
}

static size_t
m_date(const struct tx *t, size_t i)
{
	size_t j;

	if (dig(at(t, i))) {
		if (!left_nd(t, i))
			return 0;
		if ((j = m_date_ymd(t, i)) != 0 || (j = m_date_mdy(t, i)) != 0)
			return j;
		return m_date_day_first(t, i);
	}
	if (alpha(at(t, i)))
		return m_date_month_first(t, i);
	return 0;
}

/* After a DOB label also "05/1980" and "5/80". */
static size_t
v_date(const struct tx *t, size_t i)
{
	size_t j, k;
	unsigned m;
	char sep;

	if ((j = m_date(t, i)) != 0)
		return j;
	k = ndig(t, i, 2);
	if (k == 0 || k > 2)
		return 0;
	m = num(t, i, k);
	sep = at(t, i + k);
	if (m < 1 || m > 12 || (sep != '/' && sep != '-' && sep != '.'))
		return 0;
	return year_at(t, i + k + 1, true);
}

/* ---- phone numbers ------------------------------------------------ */

static bool
nanp_lead(char c)
{
	return c >= '2' && c <= '9';
}

/* (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567 at i. */
static size_t
nanp_core(const struct tx *t, size_t i)
{
	size_t j = i;
	char sep;

	if (at(t, j) == '(') {
		if (exact(t, j + 1, 3) == 0 || !nanp_lead(at(t, j + 1)) ||
		    at(t, j + 4) != ')')
			return 0;
		j += 5;
		if (at(t, j) == ' ' || at(t, j) == '-')
			j++;
	} else {
		if (exact(t, j, 3) == 0 || !nanp_lead(at(t, j)) ||
		    !is_sep(at(t, j + 3)))
			return 0;
		j += 4;
	}
	if (exact(t, j, 3) == 0 || !nanp_lead(at(t, j)))
		return 0;
	sep = at(t, j + 3);
	if (!is_sep(sep))
		return 0;
	return exact(t, j + 4, 4);
}

/* +CC and 8..15 digits in groups split by one separator each. */
static size_t
intl(const struct tx *t, size_t i)
{
	size_t j = i + 1, k, digits = 0, end = 0;

	for (;;) {
		k = ndig(t, j, PHONE_MAX);
		if (k == 0)
			break;
		digits += k;
		j += k;
		end = j;
		if (digits > PHONE_MAX)
			return 0;
		if (!is_sep(at(t, j)) || !dig(at(t, j + 1)))
			break;
		j++;
	}
	if (digits < INTL_MIN)
		return 0;
	return end;
}

static size_t
m_phone(const struct tx *t, size_t i)
{
	size_t j;
	char c = at(t, i);

	if (c == '+') {
		if (!left_na(t, i))
			return 0;
		if (at(t, i + 1) == '1' && !dig(at(t, i + 2))) {
			j = i + 2 + (is_sep(at(t, i + 2)) ? 1 : 0);
			if ((j = nanp_core(t, j)) != 0)
				return j;
		}
		return intl(t, i);
	}
	if (c == '(')
		return left_na(t, i) ? nanp_core(t, i) : 0;
	if (!dig(c) || !left_nd(t, i))
		return 0;
	if (c == '1' && is_sep(at(t, i + 1)) &&
	    (j = nanp_core(t, i + 2)) != 0)
		return j;
	if ((j = nanp_core(t, i)) != 0)
		return j;
	/* local 555-1234 */
	if (exact(t, i, 3) != 0 && nanp_lead(c) &&
	    (at(t, i + 3) == '-' || at(t, i + 3) == '.') &&
	    (j = exact(t, i + 4, 4)) != 0)
		return j;
	return 0;
}

/* Ten bare digits, or eleven starting with 1, of a NANP number. */
static size_t
m_phone_bare(const struct tx *t, size_t i)
{
	size_t j = i;

	if (!left_nd(t, i))
		return 0;
	if (at(t, j) == '1' && exact(t, j, 11) != 0)
		j++;
	else if (exact(t, j, 10) == 0)
		return 0;
	if (!nanp_lead(at(t, j)) || !nanp_lead(at(t, j + 3)))
		return 0;
	return j + 10;
}

/* After a phone label: 7..15 digits among "-. ()" and a leading '+'. */
static size_t
v_phone(const struct tx *t, size_t i)
{
	size_t j = i, digits = 0, end = 0;
	char c;

	if ((end = m_phone(t, i)) != 0)
		return end;
	if (at(t, j) == '+')
		j++;
	for (; j < t->n && digits <= PHONE_MAX; j++) {
		c = t->s[j];
		if (dig(c)) {
			digits++;
			end = j + 1;
		} else if (!is_sep(c) && c != '(' && c != ')')
			break;
	}
	if (digits < PHONE_MIN || digits > PHONE_MAX || dig(at(t, end)))
		return 0;
	return end;
}

/* ---- NPI ------------------------------------------------------------ */

/* Luhn over "80840" and the ten digits at p (NPI, 45 CFR 162.406). */
static bool
npi_luhn(const char *p)
{
	char d[15];
	unsigned sum = 0, v;
	int k;

	memcpy(d, "80840", 5);
	memcpy(d + 5, p, 10);
	for (k = 14; k >= 0; k--) {
		v = (unsigned)(d[k] - '0');
		if ((14 - k) % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

static size_t
m_npi(const struct tx *t, size_t i)
{
	if (!left_nd(t, i) || exact(t, i, 10) == 0)
		return 0;
	if (t->s[i] != '1' && t->s[i] != '2')
		return 0;
	return npi_luhn(t->s + i) ? i + 10 : 0;
}

static size_t
v_npi(const struct tx *t, size_t i)
{
	return left_nd(t, i) ? exact(t, i, 10) : 0;
}

/* ---- member identifiers --------------------------------------------- */

/* Letters of an MBI: A-Z but S, L, O, I, B, Z (CMS MBI format). */
static bool
mbi_alpha(char c)
{
	return upper(c) && strchr("SLOIBZ", c) == NULL;
}

static bool
mbi_class(char c, char cls)
{
	switch (cls) {
	case 'C':
		return c >= '1' && c <= '9';
	case 'A':
		return mbi_alpha(c);
	case 'N':
		return dig(c);
	default:	/* 'P': either */
		return mbi_alpha(c) || dig(c);
	}
}

static size_t
m_mbi(const struct tx *t, size_t i)
{
	static const char shape[] = "CAPNAPNAANN";
	size_t j = i, k;
	bool dashed = at(t, i + 4) == '-';

	if (!left_na(t, i))
		return 0;
	for (k = 0; k < 11; k++) {
		if (dashed && (k == 4 || k == 7)) {
			if (at(t, j) != '-')
				return 0;
			j++;
		}
		if (!mbi_class(at(t, j), shape[k]))
			return 0;
		j++;
	}
	return alnum(at(t, j)) ? 0 : j;
}

/* A legacy Medicare HICN: nine digits and a letter, maybe one more. */
static size_t
m_hicn(const struct tx *t, size_t i)
{
	size_t j;

	if (!left_na(t, i) || exact(t, i, 9) == 0 || !upper(at(t, i + 9)))
		return 0;
	j = i + 10;
	if (upper(at(t, j)) || dig(at(t, j)))
		j++;
	return alnum(at(t, j)) ? 0 : j;
}

static size_t
m_member(const struct tx *t, size_t i)
{
	size_t j;

	if ((j = m_mbi(t, i)) != 0)
		return j;
	return m_hicn(t, i);
}

/* After a label: 4..20 letters, digits or '-', with 3 digits or more. */
static size_t
v_id(const struct tx *t, size_t i)
{
	size_t j = i, digits = 0;

	if (!alnum(at(t, i)))
		return 0;
	while (j < t->n && (alnum(t->s[j]) || t->s[j] == '-')) {
		if (j - i == ID_MAX)
			return 0;
		digits += dig(t->s[j]);
		j++;
	}
	while (j > i && t->s[j - 1] == '-')
		j--;
	if (j - i < ID_MIN || digits < ID_DIGITS)
		return 0;
	return j;
}

/* ---- ICD-10 --------------------------------------------------------- */

/* Letter, digit, digit or letter, then ".x" (dot required unless
 * labelled); uppercase unless labelled. */
static size_t
icd_at(const struct tx *t, size_t i, bool labelled)
{
	size_t j = i + 3, k = 0;
	char a = at(t, i), c = at(t, i + 2);

	if (!left_na(t, i))
		return 0;
	if (labelled) {
		if (!alpha(a) || !dig(at(t, i + 1)) || !alnum(c))
			return 0;
	} else if (!upper(a) || !dig(at(t, i + 1)) || !(dig(c) || upper(c)))
		return 0;
	if (at(t, j) == '.')
		j++;
	else if (!labelled)
		return 0;
	while (k < 4 && (labelled ? alnum(at(t, j + k)) :
	    dig(at(t, j + k)) || upper(at(t, j + k))))
		k++;
	if (k == 0 && (!labelled || at(t, j - 1) == '.'))
		return 0;
	j += k;
	return alnum(at(t, j)) ? 0 : j;
}

static size_t
m_icd(const struct tx *t, size_t i)
{
	return icd_at(t, i, false);
}

/* After a label also without the dot (E119) and a bare category (J45). */
static size_t
v_icd(const struct tx *t, size_t i)
{
	return icd_at(t, i, true);
}

/* ---- record numbers ------------------------------------------------- */

static size_t
m_run(const struct tx *t, size_t i)
{
	size_t k;

	if (!left_nd(t, i))
		return 0;
	k = ndig(t, i, t->n);
	return k >= RUN_MIN ? i + k : 0;
}

/* ---- labels --------------------------------------------------------- */

typedef size_t (*matcher)(const struct tx *, size_t);

struct label {
	const char	*word;		/* lower case; ' ' matches " -_." */
	enum phi_kind	 kind;
	matcher		 value;
};

static const struct label labels[] = {
	{ "social security", PHI_SSN, v_ssn },
	{ "soc sec", PHI_SSN, v_ssn },
	{ "ssn", PHI_SSN, v_ssn },
	{ "date of birth", PHI_DOB, v_date },
	{ "birth date", PHI_DOB, v_date },
	{ "birthdate", PHI_DOB, v_date },
	{ "birthday", PHI_DOB, v_date },
	{ "d.o.b", PHI_DOB, v_date },
	{ "dob", PHI_DOB, v_date },
	{ "born", PHI_DOB, v_date },
	{ "medical record", PHI_MRN, v_id },
	{ "med rec", PHI_MRN, v_id },
	{ "mrn", PHI_MRN, v_id },
	{ "mr", PHI_MRN, v_id },
	{ "chart", PHI_MRN, v_id },
	{ "patient", PHI_MRN, v_id },
	{ "pt", PHI_MRN, v_id },
	{ "account", PHI_MRN, v_id },
	{ "acct", PHI_MRN, v_id },
	{ "encounter", PHI_MRN, v_id },
	{ "subscriber", PHI_MEMBER_ID, v_id },
	{ "beneficiary", PHI_MEMBER_ID, v_id },
	{ "member", PHI_MEMBER_ID, v_id },
	{ "mbr", PHI_MEMBER_ID, v_id },
	{ "policy", PHI_MEMBER_ID, v_id },
	{ "insurance", PHI_MEMBER_ID, v_id },
	{ "medicare", PHI_MEMBER_ID, v_id },
	{ "medicaid", PHI_MEMBER_ID, v_id },
	{ "mbi", PHI_MEMBER_ID, v_id },
	{ "hicn", PHI_MEMBER_ID, v_id },
	{ "npi", PHI_NPI, v_npi },
	{ "icd-10-cm", PHI_ICD10, v_icd },
	{ "icd-10", PHI_ICD10, v_icd },
	{ "icd10", PHI_ICD10, v_icd },
	{ "icd", PHI_ICD10, v_icd },
	{ "diagnosis", PHI_ICD10, v_icd },
	{ "diag", PHI_ICD10, v_icd },
	{ "dx", PHI_ICD10, v_icd },
	{ "telephone", PHI_PHONE, v_phone },
	{ "phone", PHI_PHONE, v_phone },
	{ "mobile", PHI_PHONE, v_phone },
	{ "cell", PHI_PHONE, v_phone },
	{ "tel", PHI_PHONE, v_phone },
	{ "fax", PHI_PHONE, v_phone },
	{ "ph", PHI_PHONE, v_phone },
	{ "call", PHI_PHONE, v_phone },
};

/* The label word at i (not inside a word, not followed by a letter). */
static size_t
word_at(const struct tx *t, size_t i, const char *w)
{
	size_t k;
	char c;

	for (k = 0; w[k] != '\0'; k++) {
		c = at(t, i + k);
		if (w[k] == ' ' ? strchr(" -_.", c) == NULL || c == '\0' :
		    lower(c) != w[k])
			return 0;
	}
	return alpha(at(t, i + k)) ? 0 : i + k;
}

/* Separators and filler words between a label and its value. */
static size_t
skip_filler(const struct tx *t, size_t j)
{
	static const char *const words[] = {
		"number", "num", "nbr", "no", "id", "is", "on",
	};
	size_t w, k, e;
	int n;

	for (n = 0; n <= LABEL_WORDS; n++) {
		j = skip_set(t, j, " \t:#=.-_/", LABEL_GAP, &k);
		if (n == LABEL_WORDS)
			break;
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if ((e = word_at(t, j, words[w])) != 0)
				break;
		if (w == sizeof(words) / sizeof(words[0]))
			break;
		j = e;
	}
	return j;
}

/* A label and its value at i: sets *vs..*ve and the kind. */
static bool
m_label(const struct tx *t, size_t i, size_t *vs, size_t *ve,
    enum phi_kind *kind)
{
	size_t k, j, e;

	if (!alpha(at(t, i)) || !left_na(t, i))
		return false;
	for (k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
		if (lower(at(t, i)) != labels[k].word[0] ||
		    (j = word_at(t, i, labels[k].word)) == 0)
			continue;
		j = skip_filler(t, j);
		if ((e = labels[k].value(t, j)) == 0)
			continue;
		*vs = j;
		*ve = e;
		*kind = labels[k].kind;
		return true;
	}
	return false;
}

/* ---- the scan ------------------------------------------------------- */

static const struct {
	enum phi_kind	 kind;
	matcher		 m;
} shapes[] = {
	{ PHI_SSN, m_ssn },
	{ PHI_DOB, m_date },
	{ PHI_PHONE, m_phone },
	{ PHI_NPI, m_npi },
	{ PHI_PHONE, m_phone_bare },
	{ PHI_MEMBER_ID, m_member },
	{ PHI_ICD10, m_icd },
	{ PHI_MRN, m_run },
};

static enum dw_err
marker(struct buf *out, enum phi_kind k, struct phi_counts *c)
{
	c->n[k]++;
	return buf_printf(out, "[REDACTED:%s]", kind_names[k]);
}

static enum dw_err
scan(const struct tx *t, struct buf *out, struct phi_counts *c)
{
	size_t i = 0, vs, ve, k, e;
	enum phi_kind kind;
	enum dw_err err;

	while (i < t->n) {
		if (m_label(t, i, &vs, &ve, &kind)) {
			err = buf_append(out, t->s + i, vs - i);
			if (err == DW_OK)
				err = marker(out, kind, c);
			if (err != DW_OK)
				return err;
			i = ve;
			continue;
		}
		for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++)
			if ((e = shapes[k].m(t, i)) != 0)
				break;
		if (k < sizeof(shapes) / sizeof(shapes[0])) {
			if ((err = marker(out, shapes[k].kind, c)) != DW_OK)
				return err;
			i = e;
			continue;
		}
		/* no match here: copy up to the next place one could start */
		e = i + 1;
		while (e < t->n && alnum(t->s[e]) && alnum(t->s[e - 1]) &&
		    !(dig(t->s[e]) && !dig(t->s[e - 1])))
			e++;
		if ((err = buf_append(out, t->s + i, e - i)) != DW_OK)
			return err;
		i = e;
	}
	return DW_OK;
}

/* ---- folding -------------------------------------------------------- */

/* s[0..n) with every invalid UTF-8 byte replaced by U+FFFD. */
static char *
valid_copy(const char *s, size_t n)
{
	GString *g = g_string_sized_new(n + 1);
	size_t i = 0, l;

	while (i < n) {
		l = utf8_valid_prefix(s + i, n - i);
		if (l == 0 || (l == 1 && s[i] == '\0')) {
			g_string_append(g, l == 0 ? "\xef\xbf\xbd" : " ");
			i++;
			continue;
		}
		g_string_append_len(g, s + i, (gssize)l);
		i += l;
	}
	return g_string_free(g, FALSE);
}

static bool
is_control(gunichar u)
{
	return u < 0x20 || (u >= 0x7f && u < 0xa0) || u == 0x2028 ||
	    u == 0x2029;
}

/* One code point of the normalized text, folded, appended to g. */
static void
fold_char(GString *g, gunichar u)
{
	GUnicodeType ty = g_unichar_type(u);

	if (is_control(u))
		g_string_append_c(g, ' ');
	else if (ty == G_UNICODE_FORMAT)
		return;
	else if (ty == G_UNICODE_DECIMAL_NUMBER)
		g_string_append_c(g, (gchar)('0' + g_unichar_digit_value(u)));
	else if (ty == G_UNICODE_DASH_PUNCTUATION || u == 0x2212)
		g_string_append_c(g, '-');
	else if (ty == G_UNICODE_SPACE_SEPARATOR)
		g_string_append_c(g, ' ');
	else if (u == 0x2044 || u == 0x2215)
		g_string_append_c(g, '/');
	else
		g_string_append_unichar(g, u);
}

static char *
fold(const char *s, size_t n, size_t *outlen)
{
	char *v, *norm;
	const char *p;
	GString *g;

	v = valid_copy(s, n);
	norm = g_utf8_normalize(v, -1, G_NORMALIZE_NFKC);
	g_free(v);
	if (norm == NULL)
		return NULL;
	g = g_string_sized_new(strlen(norm) + 1);
	for (p = norm; *p != '\0'; p = g_utf8_next_char(p))
		fold_char(g, g_utf8_get_char(p));
	g_free(norm);
	*outlen = g->len;
	return g_string_free(g, FALSE);
}

enum dw_err
phi_redact(const char *s, size_t n, struct buf *out, struct phi_counts *c)
{
	struct tx t;
	char *f;
	size_t m;
	enum dw_err err;

	if (n > PHI_MAX_TEXT)
		return DW_ELIMIT;
	if (n == 0)
		return DW_OK;
	f = fold(s, n, &m);
	if (f == NULL)
		return DW_ENOMEM;
	t.s = f;
	t.n = m;
	err = scan(&t, out, c);
	g_free(f);
	return err;
}

/* ---- which header fields are free text ------------------------------ */

static bool
name_in(const char *name, size_t n, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && strncasecmp(name, list[i], n) == 0)
			return true;
	return false;
}

bool
phi_header_is_free_text(const char *name, size_t n)
{
	static const char *const structured[] = {
		"Received", "Return-Path", "Received-SPF",
		"Authentication-Results", "ARC-Seal",
		"ARC-Message-Signature", "ARC-Authentication-Results",
		"DKIM-Signature", "DomainKey-Signature",
		"X-Google-DKIM-Signature", "X-Received", "Message-ID",
		"Resent-Message-ID", "In-Reply-To", "References", "Date",
		"Resent-Date", "Delivery-Date", "Expiry-Date", "Expires",
		"MIME-Version", "Content-Transfer-Encoding", "Content-ID",
		"Thread-Index", NULL,
	};

	if (phi_header_has_params(name, n))
		return false;
	/* X-MS-Exchange-Parent-Message-Id and the like: msg-id syntax */
	if (n > 11 && strncasecmp(name + n - 11, "-Message-ID", 11) == 0)
		return false;
	return !name_in(name, n, structured);
}

bool
phi_header_has_params(const char *name, size_t n)
{
	static const char *const params[] = {
		"Content-Type", "Content-Disposition", NULL,
	};

	return name_in(name, n, params);
}

bool
phi_param_is_free_text(const char *name)
{
	size_t n = strcspn(name, "*");

	return (n == 4 && strncasecmp(name, "name", 4) == 0) ||
	    (n == 8 && strncasecmp(name, "filename", 8) == 0);
}
