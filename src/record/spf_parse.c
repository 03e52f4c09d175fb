/* spf_parse.c: the SPF record grammar of RFC 7208 §12, term by term. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "spf_parse.h"

static const char *const result_names[] = {
	[SPF_NONE] = "none", [SPF_NEUTRAL] = "neutral", [SPF_PASS] = "pass",
	[SPF_FAIL] = "fail", [SPF_SOFTFAIL] = "softfail",
	[SPF_TEMPERROR] = "temperror", [SPF_PERMERROR] = "permerror",
};

const char *
spf_result_name(enum spf_result r)
{
	if ((size_t)r >= sizeof(result_names) / sizeof(result_names[0]))
		return "?";
	return result_names[r];
}

static const char *const kind_names[] = {
	[SPF_ALL] = "all", [SPF_INCLUDE] = "include", [SPF_A] = "a",
	[SPF_MX] = "mx", [SPF_PTR] = "ptr", [SPF_IP4] = "ip4",
	[SPF_IP6] = "ip6", [SPF_EXISTS] = "exists",
	[SPF_REDIRECT] = "redirect", [SPF_EXP] = "exp",
	[SPF_UNKNOWN_MOD] = "modifier",
};

const char *
spf_kind_name(enum spf_kind k)
{
	if ((size_t)k >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "?";
	return kind_names[k];
}

bool
spf_kind_queries(enum spf_kind k)
{
	return k == SPF_INCLUDE || k == SPF_A || k == SPF_MX ||
	    k == SPF_PTR || k == SPF_EXISTS || k == SPF_REDIRECT;
}

bool
spf_is_spf1(const char *rec, size_t len)
{
	if (len < 6 || strncasecmp(rec, "v=spf1", 6) != 0)
		return false;
	return len == 6 || rec[6] == ' ';
}

/* ---- macros (§7.1) ---- */

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_delim(char c)
{
	return c != '\0' && strchr(".-+,/_=", c) != NULL;
}

/*
 * Scans one macro-expand at s[i] == '%'.  Returns the length, or 0 when
 * invalid.  Sets *letter ('%', '_', '-' for the escapes), *digits (-1 if
 * none), *rev, and the delimiters [*d0, *d1).
 */
static size_t
macro_scan(const char *s, size_t len, size_t i, bool explain, char *letter,
    long *digits, bool *rev, size_t *d0, size_t *d1)
{
	size_t j = i + 1;
	char l;

	if (j >= len)
		return 0;
	if (s[j] == '%' || s[j] == '_' || s[j] == '-') {
		*letter = s[j];
		return 2;
	}
	if (s[j] != '{' || ++j >= len)
		return 0;
	l = (char)(s[j] | 0x20);
	if (strchr(explain ? "slodiphcrtv" : "slodiphv", l) == NULL ||
	    !is_alpha(s[j]))
		return 0;
	*letter = s[j++];
	*digits = -1;
	while (j < len && is_digit(s[j])) {
		if (*digits < 0)
			*digits = 0;
		if (*digits < 100000)
			*digits = *digits * 10 + (s[j] - '0');
		j++;
	}
	if (*digits == 0)
		return 0;	/* §7.3: the value MUST be nonzero */
	*rev = false;
	if (j < len && (s[j] == 'r' || s[j] == 'R')) {
		*rev = true;
		j++;
	}
	*d0 = j;
	while (j < len && is_delim(s[j]))
		j++;
	*d1 = j;
	if (j >= len || s[j] != '}')
		return 0;
	return j + 1 - i;
}

static bool
literal_ok(char c, bool explain)
{
	unsigned char u = (unsigned char)c;

	if (explain && u == ' ')
		return true;
	return u >= 0x21 && u <= 0x7e && u != '%';
}

bool
spf_macro_valid(const char *s, size_t len, bool explain)
{
	size_t i = 0, n, d0, d1;
	long digits;
	bool rev;
	char l;

	while (i < len) {
		if (s[i] != '%') {
			if (!literal_ok(s[i], explain))
				return false;
			i++;
			continue;
		}
		n = macro_scan(s, len, i, explain, &l, &digits, &rev, &d0,
		    &d1);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

static enum dw_err
url_escape(struct buf *out, const char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < n && err == DW_OK; i++) {
		char c = v[i];

		if (is_alpha(c) || is_digit(c) || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			err = buf_putc(out, c);
		} else {
			char e[3] = { '%', hex[(unsigned char)c >> 4],
			    hex[(unsigned char)c & 0xf] };

			err = buf_append(out, e, 3);
		}
	}
	return err;
}

static enum dw_err
letter_value(const struct spf_macro_ctx *c, char l, struct buf *v)
{
	char tmp[INET6_ADDRSTRLEN];
	const char *p = NULL;
	enum dw_err err;
	int i;

	switch (l | 0x20) {
	case 's': return buf_puts(v, c->sender);
	case 'l': return buf_puts(v, c->local);
	case 'o': return buf_puts(v, c->sender_dom);
	case 'd': return buf_puts(v, c->domain);
	case 'h': return buf_puts(v, c->helo);
	case 'v': return buf_puts(v, c->v6 ? "ip6" : "in-addr");
	case 'r':
		return buf_puts(v, c->receiver != NULL ? c->receiver :
		    "unknown");
	case 't': return buf_printf(v, "%lld", c->now);
	case 'c':
		inet_ntop(c->v6 ? AF_INET6 : AF_INET, c->ip, tmp,
		    sizeof(tmp));
		return buf_puts(v, tmp);
	case 'p':
		if (c->p_fn != NULL) {
			err = c->p_fn(c->p_arg, &p);
			if (err != DW_OK)
				return err;
		}
		return buf_puts(v, p != NULL ? p : "unknown");
	default:	/* 'i' */
		if (!c->v6)
			return buf_printf(v, "%u.%u.%u.%u", c->ip[0],
			    c->ip[1], c->ip[2], c->ip[3]);
		err = DW_OK;
		/* nibbles in upper case, as the conformance suite has it */
		for (i = 0; i < 16 && err == DW_OK; i++)
			err = buf_printf(v, "%s%X.%X", i ? "." : "",
			    c->ip[i] >> 4, c->ip[i] & 0xf);
		return err;
	}
}

#define MACRO_PARTS_MAX	256

/* Splits, reverses, keeps the rightmost digits parts, joins with '.'. */
static enum dw_err
transform(const struct buf *v, const char *dl, size_t dn, long digits,
    bool rev, struct buf *out, bool upper)
{
	size_t start[MACRO_PARTS_MAX], end[MACRO_PARTS_MAX];
	size_t np = 0, i, first, s = 0;
	enum dw_err err = DW_OK;

	if (dn == 0) {
		dl = ".";
		dn = 1;
	}
	for (i = 0; i <= v->len; i++) {
		if (i < v->len && memchr(dl, v->data[i], dn) == NULL)
			continue;
		if (np == MACRO_PARTS_MAX)
			return DW_ELIMIT;
		start[np] = s;
		end[np++] = i;
		s = i + 1;
	}
	first = (digits > 0 && (size_t)digits < np) ? np - (size_t)digits : 0;
	/* rev: the parts are reversed first, then the rightmost kept */
	for (i = first; i < np && err == DW_OK; i++) {
		size_t k = rev ? np - 1 - i : i;
		const char *p = v->data + start[k];
		size_t n = end[k] - start[k];

		if (i > first)
			err = buf_putc(out, '.');
		if (err == DW_OK)
			err = upper ? url_escape(out, p, n) :
			    buf_append(out, p, n);
	}
	return err;
}

static enum dw_err
expand_one(const struct spf_macro_ctx *ctx, const char *s, char l,
    long digits, bool rev, size_t d0, size_t d1, struct buf *out)
{
	struct buf v;
	enum dw_err err;

	if (l == '%')
		return buf_putc(out, '%');
	if (l == '_')
		return buf_putc(out, ' ');
	if (l == '-')
		return buf_puts(out, "%20");
	buf_init(&v, SPF_MACRO_OUT_MAX);
	err = letter_value(ctx, l, &v);
	if (err == DW_OK && v.data == NULL)
		err = buf_puts(&v, "");
	if (err == DW_OK)
		err = transform(&v, s + d0, d1 - d0, digits, rev, out,
		    l >= 'A' && l <= 'Z');
	buf_fini(&v);
	return err;
}

enum dw_err
spf_macro_expand(const struct spf_macro_ctx *ctx, const char *s,
    size_t len, bool explain, struct buf *out)
{
	size_t i = 0, n, d0 = 0, d1 = 0;
	enum dw_err err = DW_OK;
	long digits = -1;
	bool rev = false;
	char l;

	while (i < len && err == DW_OK) {
		if (s[i] != '%') {
			if (!literal_ok(s[i], explain))
				return DW_ESYNTAX;
			err = buf_putc(out, s[i++]);
			continue;
		}
		n = macro_scan(s, len, i, explain, &l, &digits, &rev, &d0,
		    &d1);
		if (n == 0)
			return DW_ESYNTAX;
		err = expand_one(ctx, s, l, digits, rev, d0, d1, out);
		i += n;
	}
	if (err == DW_OK && out->data == NULL)
		err = buf_puts(out, "");
	return err;
}

bool
spf_domain_fix(struct buf *b)
{
	size_t i, lab;

	if (b->len > 0 && b->data[b->len - 1] == '.')
		b->data[--b->len] = '\0';
	while (b->len > SPF_DOMAIN_MAX) {
		char *dot = memchr(b->data, '.', b->len);

		if (dot == NULL)
			return false;
		i = (size_t)(dot - b->data) + 1;
		memmove(b->data, b->data + i, b->len - i + 1);
		b->len -= i;
	}
	if (b->len == 0)
		return false;
	lab = 0;
	for (i = 0; i <= b->len; i++) {
		if (i < b->len && b->data[i] != '.')
			continue;
		if (i - lab < 1 || i - lab > 63)
			return false;
		lab = i + 1;
	}
	return true;
}

/* ---- terms ---- */

struct pstate {
	struct arena		*a;
	struct spf_record	*rec;
	const char		*base;
};

static enum dw_err finding(struct pstate *, enum spf_fcode, size_t,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static enum dw_err
finding(struct pstate *ps, enum spf_fcode code, size_t off, const char *fmt,
    ...)
{
	struct spf_finding *f;
	char msg[256];
	va_list ap;

	ps->rec->valid = false;
	if (ps->rec->nfindings == SPF_FINDINGS_MAX)
		return DW_OK;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f = &ps->rec->findings[ps->rec->nfindings];
	f->code = code;
	f->off = off;
	f->msg = arena_strdup(ps->a, msg);
	if (f->msg == NULL)
		return DW_ENOMEM;
	ps->rec->nfindings++;
	return DW_OK;
}

/* toplabel (§7.1): alphanumerics with one letter, or dashes inside. */
static bool
toplabel_ok(const char *p, size_t n)
{
	bool alpha = false, dash = false;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (is_alpha(p[i]))
			alpha = true;
		else if (p[i] == '-')
			dash = true;
		else if (!is_digit(p[i]))
			return false;
	}
	if (dash)
		return p[0] != '-' && p[n - 1] != '-';
	return alpha;
}

/* domain-spec = macro-string domain-end (§7.1) */
static bool
domain_spec_ok(const char *s, size_t n)
{
	size_t end = n, dot;

	if (n == 0 || !spf_macro_valid(s, n, false))
		return false;
	if (s[n - 1] == '}') {
		/* ends in a macro-expand: find its "%{" */
		for (dot = n; dot > 0; dot--)
			if (s[dot - 1] == '%' && dot < n && s[dot] == '{')
				return true;
		return false;
	}
	if (n >= 2 && s[n - 2] == '%')
		return true;	/* "%%", "%_", "%-" */
	if (s[end - 1] == '.')
		end--;
	for (dot = end; dot > 0 && s[dot - 1] != '.'; dot--)
		;
	if (dot == 0)
		return false;
	return toplabel_ok(s + dot, end - dot);
}

/* "/" ("0" / %x31-39 0*2DIGIT) with value <= max; -1 when invalid. */
static int
cidr_value(const char *p, size_t n, int max)
{
	int v = 0;
	size_t i;

	if (n == 0 || n > 3 || (p[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v <= max ? v : -1;
}

/* Strips a trailing "/N" (and "//N" when dual) off [p, *n). */
static bool
strip_cidr(struct spf_term *t, const char *p, size_t *n, bool dual, int max4)
{
	size_t i = *n;

	while (i > 0 && is_digit(p[i - 1]))
		i--;
	if (dual && i >= 2 && i < *n && p[i - 1] == '/' && p[i - 2] == '/') {
		t->cidr6 = cidr_value(p + i, *n - i, 128);
		if (t->cidr6 < 0)
			return false;
		*n = i - 2;
		i = *n;
		while (i > 0 && is_digit(p[i - 1]))
			i--;
	}
	if (i > 0 && i < *n && p[i - 1] == '/') {
		t->cidr4 = cidr_value(p + i, *n - i, max4);
		if (t->cidr4 < 0)
			return false;
		*n = i - 1;
	} else if (*n > 0 && p[*n - 1] == '/') {
		return false;
	}
	return true;
}

/* ip4-network: four qnums, no leading zeros (§12). */
static bool
ip4_parse(const char *p, size_t n, uint8_t *out)
{
	size_t i = 0, k;

	for (k = 0; k < 4; k++) {
		size_t s = i;
		int v;

		while (i < n && is_digit(p[i]))
			i++;
		v = cidr_value(p + s, i - s, 255);
		if (v < 0)
			return false;
		out[k] = (uint8_t)v;
		if (k < 3 && (i >= n || p[i++] != '.'))
			return false;
	}
	return i == n;
}

static bool
ip6_parse(const char *p, size_t n, uint8_t *out)
{
	char tmp[INET6_ADDRSTRLEN + 1];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, out) == 1;
}

static const struct {
	const char	*name;
	enum spf_kind	 kind;
} mechs[] = {
	{ "all", SPF_ALL }, { "include", SPF_INCLUDE }, { "a", SPF_A },
	{ "mx", SPF_MX }, { "ptr", SPF_PTR }, { "ip4", SPF_IP4 },
	{ "ip6", SPF_IP6 }, { "exists", SPF_EXISTS },
};

static enum dw_err
mech_args(struct pstate *ps, struct spf_term *t, const char *p, size_t n)
{
	bool colon = n > 0 && p[0] == ':';
	const char *arg = p + colon;
	size_t an = n - colon;

	switch (t->kind) {
	case SPF_ALL:
		if (n != 0)
			return finding(ps, SPF_F_BAD_TERM, t->off,
			    "\"%.80s\": all takes no argument", t->text);
		return DW_OK;
	case SPF_IP4:
	case SPF_IP6:
		if (!colon || !strip_cidr(t, arg, &an, false,
		    t->kind == SPF_IP4 ? 32 : 128))
			return finding(ps, SPF_F_BAD_CIDR, t->off,
			    "\"%.80s\": bad network or prefix length",
			    t->text);
		if (t->kind == SPF_IP6) {
			t->cidr6 = t->cidr4;
			t->cidr4 = -1;
		}
		if (!(t->kind == SPF_IP4 ? ip4_parse(arg, an, t->addr) :
		    ip6_parse(arg, an, t->addr)))
			return finding(ps, SPF_F_BAD_IP, t->off,
			    "\"%.80s\": bad address", t->text);
		return DW_OK;
	case SPF_A:
	case SPF_MX:
		if (!strip_cidr(t, arg, &an, true, 32))
			return finding(ps, SPF_F_BAD_CIDR, t->off,
			    "\"%.80s\": bad prefix length", t->text);
		break;
	default:
		break;
	}
	if (!colon && an > 0)
		return finding(ps, SPF_F_BAD_TERM, t->off,
		    "\"%.80s\": unknown mechanism", t->text);
	if (!colon && (t->kind == SPF_INCLUDE || t->kind == SPF_EXISTS))
		return finding(ps, SPF_F_BAD_DOMAIN, t->off,
		    "\"%.80s\": a domain is required", t->text);
	if (colon) {
		t->spec = arena_strndup(ps->a, arg, an);
		if (t->spec == NULL)
			return DW_ENOMEM;
		if (!domain_spec_ok(arg, an))
			return finding(ps, SPF_F_BAD_DOMAIN, t->off,
			    "\"%.80s\": bad domain-spec", t->text);
	}
	return DW_OK;
}

static enum dw_err
parse_mech(struct pstate *ps, struct spf_term *t, const char *p, size_t n)
{
	size_t i, nl = 0;

	t->qual = SPF_PASS;
	switch (n > 0 ? p[0] : 0) {
	case '+': t->qual = SPF_PASS; p++; n--; break;
	case '-': t->qual = SPF_FAIL; p++; n--; break;
	case '~': t->qual = SPF_SOFTFAIL; p++; n--; break;
	case '?': t->qual = SPF_NEUTRAL; p++; n--; break;
	default: break;
	}
	while (nl < n && p[nl] != ':' && p[nl] != '/')
		nl++;
	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		if (strlen(mechs[i].name) == nl &&
		    strncasecmp(mechs[i].name, p, nl) == 0)
			break;
	}
	if (i == sizeof(mechs) / sizeof(mechs[0]))
		return finding(ps, SPF_F_BAD_TERM, t->off,
		    "\"%.80s\": unknown mechanism", t->text);
	t->kind = mechs[i].kind;
	return mech_args(ps, t, p + nl, n - nl);
}

static enum dw_err
parse_mod(struct pstate *ps, struct spf_term *t, const char *p, size_t nl,
    size_t n)
{
	const char *v = p + nl + 1;
	size_t vn = n - nl - 1;

	t->kind = SPF_UNKNOWN_MOD;
	if (nl == 8 && strncasecmp(p, "redirect", 8) == 0)
		t->kind = SPF_REDIRECT;
	else if (nl == 3 && strncasecmp(p, "exp", 3) == 0)
		t->kind = SPF_EXP;
	t->modname = arena_strndup(ps->a, p, nl);
	t->spec = arena_strndup(ps->a, v, vn);
	if (t->modname == NULL || t->spec == NULL)
		return DW_ENOMEM;
	if (t->kind == SPF_UNKNOWN_MOD) {
		if (!spf_macro_valid(v, vn, false))
			return finding(ps, SPF_F_BAD_MACRO, t->off,
			    "\"%.80s\": bad macro-string", t->text);
		return DW_OK;
	}
	if ((t->kind == SPF_REDIRECT && ps->rec->redirect != NULL) ||
	    (t->kind == SPF_EXP && ps->rec->exp != NULL))
		return finding(ps, SPF_F_DUP_MODIFIER, t->off,
		    "\"%.80s\": modifier given twice", t->text);
	if (t->kind == SPF_REDIRECT)
		ps->rec->redirect = t;
	else
		ps->rec->exp = t;
	if (!domain_spec_ok(v, vn))
		return finding(ps, SPF_F_BAD_DOMAIN, t->off,
		    "\"%.80s\": bad domain-spec", t->text);
	return DW_OK;
}

static enum dw_err
parse_term(struct pstate *ps, size_t off, size_t n)
{
	const char *p = ps->base + off;
	struct spf_term *t;
	size_t nl = 0;

	if (ps->rec->nterms == SPF_TERMS_MAX)
		return finding(ps, SPF_F_TOO_MANY, off,
		    "more than 1024 terms");
	t = &ps->rec->terms[ps->rec->nterms++];
	memset(t, 0, sizeof(*t));
	t->off = off;
	t->cidr4 = t->cidr6 = -1;
	t->text = arena_strndup(ps->a, p, n);
	if (t->text == NULL)
		return DW_ENOMEM;
	/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) then "=" */
	if (n > 0 && is_alpha(p[0])) {
		while (nl < n && (is_alpha(p[nl]) || is_digit(p[nl]) ||
		    p[nl] == '-' || p[nl] == '_' || p[nl] == '.'))
			nl++;
		if (nl < n && p[nl] == '=')
			return parse_mod(ps, t, p, nl, n);
	}
	return parse_mech(ps, t, p, n);
}

enum dw_err
spf_parse(struct arena *a, const char *s, size_t len,
    struct spf_record **out)
{
	struct pstate ps = { a, NULL, s };
	struct spf_record *rec;
	enum dw_err err = DW_OK;
	size_t i, start;

	rec = arena_zalloc(a, sizeof(*rec));
	if (rec == NULL)
		return DW_ENOMEM;
	*out = rec;
	ps.rec = rec;
	rec->valid = true;
	rec->findings = arena_zalloc(a, SPF_FINDINGS_MAX *
	    sizeof(*rec->findings));
	if (rec->findings == NULL)
		return DW_ENOMEM;
	if (len > SPF_RECORD_MAX)
		return finding(&ps, SPF_F_TOO_MANY, 0,
		    "record longer than 65535 bytes");
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return finding(&ps, SPF_F_NONASCII, i,
			    "byte outside 7-bit ASCII");
	}
	if (!spf_is_spf1(s, len))
		return finding(&ps, SPF_F_VERSION, 0,
		    "not an SPF version 1 record");
	rec->terms = arena_alloc(a, (len / 2 + 1 < SPF_TERMS_MAX ?
	    len / 2 + 1 : SPF_TERMS_MAX) * sizeof(*rec->terms));
	if (rec->terms == NULL)
		return DW_ENOMEM;
	for (i = 6; i < len && err == DW_OK;) {
		if (s[i] == ' ') {
			i++;
			continue;
		}
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		err = parse_term(&ps, start, i - start);
	}
	return err;
}
