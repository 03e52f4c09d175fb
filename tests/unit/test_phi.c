/*
 * test_phi.c: the PHI redactor (src/report/phi.c).  A table of texts with
 * what each must become and how many redactions of which kind, including
 * the text that must come through untouched (version numbers, IP
 * addresses, times, short numbers); then folding, limits and the list of
 * free-text header fields.
 */
#include "dwtest.h"

#include <stdio.h>
#include <string.h>

#include "report/phi.h"

struct case_ {
	const char	*in;
	const char	*want;
	const char	*kinds;	/* "SSN DOB": the kinds counted, in order */
};

static const struct case_ redacted[] = {
	/* SSN */
	{ "SSN 123-45-6789 on file", "SSN [REDACTED:SSN] on file", "SSN" },
	{ "ssn: 123456789", "ssn: [REDACTED:SSN]", "SSN" },
	{ "Social Security Number 123 45 6789",
	    "Social Security Number [REDACTED:SSN]", "SSN" },
	{ "id 123.45.6789", "id [REDACTED:SSN]", "SSN" },
	{ "note123-45-6789x", "note[REDACTED:SSN]x", "SSN" },
	/* dates */
	{ "DOB: 05/12/1980", "DOB: [REDACTED:DOB]", "DOB" },
	{ "dob 5/12/80", "dob [REDACTED:DOB]", "DOB" },
	{ "Date of birth 05/1980", "Date of birth [REDACTED:DOB]", "DOB" },
	{ "born on 5 May 1980", "born on [REDACTED:DOB]", "DOB" },
	{ "Appointment 2024-05-06 confirmed",
	    "Appointment [REDACTED:DOB] confirmed", "DOB" },
	{ "seen 31.12.1999", "seen [REDACTED:DOB]", "DOB" },
	{ "on Jan 5, 1980", "on [REDACTED:DOB]", "DOB" },
	{ "on September 5th 1980.", "on [REDACTED:DOB].", "DOB" },
	{ "05JAN1980", "[REDACTED:DOB]", "DOB" },
	{ "5-Jan-80 visit", "[REDACTED:DOB] visit", "DOB" },
	{ "12-25-24", "[REDACTED:DOB]", "DOB" },
	/* phones */
	{ "call (555) 234-5678", "call [REDACTED:PHONE]", "PHONE" },
	{ "555-234-5678 or 555.234.5678",
	    "[REDACTED:PHONE] or [REDACTED:PHONE]", "PHONE PHONE" },
	{ "+1 555 234 5678", "[REDACTED:PHONE]", "PHONE" },
	{ "1-800-555-1234", "[REDACTED:PHONE]", "PHONE" },
	{ "+44 20 7946 0958", "[REDACTED:PHONE]", "PHONE" },
	{ "ext 555-1234", "ext [REDACTED:PHONE]", "PHONE" },
	{ "2125551234", "[REDACTED:PHONE]", "PHONE" },
	{ "Phone: 12 34 56 78", "Phone: [REDACTED:PHONE]", "PHONE" },
	/* NPI: 1234567893 has the right check digit, ...890 does not */
	{ "provider 1234567893", "provider [REDACTED:NPI]", "NPI" },
	{ "NPI# 1234567890", "NPI# [REDACTED:NPI]", "NPI" },
	/* member identifiers */
	{ "MBI 1EG4-TE5-MK73", "MBI [REDACTED:MEMBER_ID]", "MEMBER_ID" },
	{ "card 1EG4TE5MK73", "card [REDACTED:MEMBER_ID]", "MEMBER_ID" },
	{ "HICN 123456789A", "HICN [REDACTED:MEMBER_ID]", "MEMBER_ID" },
	{ "Member ID: XYZ123456789", "Member ID: [REDACTED:MEMBER_ID]",
	    "MEMBER_ID" },
	{ "Subscriber # W123-456", "Subscriber # [REDACTED:MEMBER_ID]",
	    "MEMBER_ID" },
	/* ICD-10-CM */
	{ "Dx E11.9", "Dx [REDACTED:ICD10]", "ICD10" },
	{ "codes E11.9, S72.001A", "codes [REDACTED:ICD10], "
	    "[REDACTED:ICD10]", "ICD10 ICD10" },
	{ "ICD-10: J45", "ICD-10: [REDACTED:ICD10]", "ICD10" },
	{ "diagnosis e119", "diagnosis [REDACTED:ICD10]", "ICD10" },
	/* record numbers */
	{ "MRN: A1234567", "MRN: [REDACTED:MRN]", "MRN" },
	{ "MRN12345678", "MRN[REDACTED:MRN]", "MRN" },
	{ "Medical Record Number 00123",
	    "Medical Record Number [REDACTED:MRN]", "MRN" },
	{ "Chart #AB-12345", "Chart #[REDACTED:MRN]", "MRN" },
	{ "results for 0012345678901", "results for [REDACTED:MRN]",
	    "MRN" },
	/* several kinds in one subject */
	{ "Jane 05/12/1980 MRN 7654321 (555) 234-5678",
	    "Jane [REDACTED:DOB] MRN [REDACTED:MRN] [REDACTED:PHONE]",
	    "DOB MRN PHONE" },
	/* look-alikes folded before the scan */
	{ "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93-45-6789", "[REDACTED:SSN]",
	    "SSN" },				/* full-width digits */
	{ "123\xe2\x80\x8b-45-6789", "[REDACTED:SSN]", "SSN" },	/* ZWSP */
	{ "123\xe2\x80\x93" "45\xe2\x80\x93" "6789", "[REDACTED:SSN]",
	    "SSN" },				/* en dashes */
	{ "\xd9\xa1\xd9\xa2\xd9\xa3-45-6789", "[REDACTED:SSN]", "SSN" },
	{ "123\xc2\xa0" "45\xc2\xa0" "6789", "[REDACTED:SSN]", "SSN" },
};

/* Text that must come through as it is. */
static const char *const untouched[] = {
	"Release 10.2.3",
	"Windows 10.0.19045.3693",
	"from 192.168.10.10",
	"Q3 2024 results",
	"meeting at 10:30",
	"Order 12345",
	"RFC 7489 section 6.6.1",
	"ISO 27001 audit",
	"Policy 2024 update",
	"Re: [Ticket #4521] password reset",
	"firmware v10.2",
	"Price $1,299.99",
	"Version 2.4.50",
	"Mr Smith, your visit",
	"Your code is 123456",
	"12/25 holiday hours",
	"Account locked",
	"1st floor",
	"NPI 123",
	"born in the USA",
	"Patient Portal 2.0",
	"Fwd: Re: Lab results are ready",
	"",
};

static void
kinds_of(const struct phi_counts *c, char *out, size_t sz, const char *want)
{
	const char *p = want;
	char name[32];
	size_t i, n, len = 0;
	struct phi_counts wc = { { 0 } };

	/* the wanted counts */
	while (*p != '\0') {
		n = strcspn(p, " ");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		for (i = 0; i < PHI_NKINDS; i++)
			if (strcmp(name, phi_kind_name((enum phi_kind)i)) == 0)
				wc.n[i]++;
		p += n;
		while (*p == ' ')
			p++;
	}
	out[0] = '\0';
	for (i = 0; i < PHI_NKINDS; i++)
		if (c->n[i] != wc.n[i])
			len += (size_t)snprintf(out + len, sz - len,
			    "%s got %u want %u; ", phi_kind_name(
			    (enum phi_kind)i), c->n[i], wc.n[i]);
}

static char *
redact(const char *s, size_t n, struct phi_counts *c, enum dw_err *err)
{
	struct buf b;
	char *out;
	size_t len;

	buf_init(&b, 1 << 20);
	memset(c, 0, sizeof(*c));
	*err = phi_redact(s, n, &b, c);
	if (b.data == NULL)
		(void)buf_puts(&b, "");
	out = buf_steal(&b, &len);
	return out;
}

static void
test_redacted(void **state)
{
	struct phi_counts c;
	enum dw_err err;
	char diff[512];
	size_t i;
	char *got;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(redacted) / sizeof(redacted[0]); i++) {
		got = redact(redacted[i].in, strlen(redacted[i].in), &c, &err);
		kinds_of(&c, diff, sizeof(diff), redacted[i].kinds);
		if (err != DW_OK || strcmp(got, redacted[i].want) != 0 ||
		    diff[0] != '\0') {
			printf("# \"%s\"\n#   got  \"%s\" %s\n#   want \"%s\"\n",
			    redacted[i].in, got, diff, redacted[i].want);
			bad++;
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

static void
test_untouched(void **state)
{
	struct phi_counts c;
	enum dw_err err;
	size_t i;
	char *got;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(untouched) / sizeof(untouched[0]); i++) {
		got = redact(untouched[i], strlen(untouched[i]), &c, &err);
		if (err != DW_OK || strcmp(got, untouched[i]) != 0 ||
		    phi_total(&c) != 0) {
			printf("# \"%s\" became \"%s\"\n", untouched[i], got);
			bad++;
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

/* Invalid UTF-8, NUL and control bytes come out as valid text. */
static void
test_folding(void **state)
{
	static const char in[] = "a\xff" "b\0c\r\nd\x1b[2Je\xc2\x85";
	struct phi_counts c;
	enum dw_err err;
	char *got;

	(void)state;
	got = redact(in, sizeof(in) - 1, &c, &err);
	assert_int_equal(err, DW_OK);
	assert_string_equal(got, "a\xef\xbf\xbd" "b c  d [2Je ");
	free(got);
}

static void
test_limits(void **state)
{
	struct phi_counts c = { { 0 } };
	struct buf b;
	char *big;

	(void)state;
	big = malloc(PHI_MAX_TEXT + 1);
	assert_non_null(big);
	memset(big, 'a', PHI_MAX_TEXT + 1);
	buf_init(&b, 1 << 20);
	assert_int_equal(phi_redact(big, PHI_MAX_TEXT, &b, &c), DW_OK);
	buf_reset(&b);
	assert_int_equal(phi_redact(big, PHI_MAX_TEXT + 1, &b, &c),
	    DW_ELIMIT);
	buf_fini(&b);
	/* the output's own cap is an error, not a cut */
	buf_init(&b, 8);
	assert_int_equal(phi_redact("SSN 123-45-6789", 15, &b, &c),
	    DW_ELIMIT);
	buf_fini(&b);
	free(big);
}

/* Every shape at every offset of a long text: linear, no overrun. */
static void
test_dense(void **state)
{
	static const char piece[] = "1-(555) 234-5678 E11.9 12/12/2012 ";
	struct phi_counts c;
	struct buf in;
	enum dw_err err;
	char *got;
	size_t n;

	(void)state;
	buf_init(&in, PHI_MAX_TEXT);
	while (in.len + sizeof(piece) < PHI_MAX_TEXT)
		(void)buf_puts(&in, piece);
	n = in.len / (sizeof(piece) - 1);
	got = redact(in.data, in.len, &c, &err);
	assert_int_equal(err, DW_OK);
	assert_int_equal(c.n[PHI_PHONE], n);
	assert_int_equal(c.n[PHI_ICD10], n);
	assert_int_equal(c.n[PHI_DOB], n);
	assert_null(strstr(got, "234-5678"));
	free(got);
	buf_fini(&in);
}

static void
test_headers(void **state)
{
	static const char *const free_text[] = {
		"Subject", "subject", "Thread-Topic", "From", "To", "Cc",
		"Reply-To", "Sender", "Comments", "Keywords", "X-Mailer",
		"X-Patient", "Organization", "List-Unsubscribe",
	};
	static const char *const structured[] = {
		"Received", "Message-ID", "message-id", "Date",
		"DKIM-Signature", "Authentication-Results", "References",
		"In-Reply-To", "Return-Path", "MIME-Version", "Thread-Index",
		"ARC-Seal", "Received-SPF",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(free_text) / sizeof(free_text[0]); i++)
		assert_true(phi_header_is_free_text(free_text[i],
		    strlen(free_text[i])));
	for (i = 0; i < sizeof(structured) / sizeof(structured[0]); i++)
		assert_false(phi_header_is_free_text(structured[i],
		    strlen(structured[i])));
	/* a prefix of a structured name is not that name */
	assert_true(phi_header_is_free_text("Date-Of-Birth", 13));
	assert_true(phi_header_is_free_text("Dat", 3));
	assert_true(phi_header_has_params("content-type", 12));
	assert_false(phi_header_is_free_text("Content-Type", 12));
	assert_true(phi_param_is_free_text("filename*0*"));
	assert_true(phi_param_is_free_text("NAME"));
	assert_false(phi_param_is_free_text("boundary"));
	assert_false(phi_param_is_free_text("charset"));
	assert_string_equal(phi_kind_key(PHI_MEMBER_ID), "member_id");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redacted),
		cmocka_unit_test(test_untouched),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_dense),
		cmocka_unit_test(test_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
