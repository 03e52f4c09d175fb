/*
 * test_tlsrpt_json.c: the SMTP TLS report parser (RFC 8460 §4.4).
 *
 * - tests/reports/tlsrpt/valid/NAME.json gives exactly NAME.expect (the
 *   normalized dump, one line);
 * - tests/reports/tlsrpt/corrupt/NAME.json fails with the first line of
 *   NAME.err in its message;
 * - every file of the shared TLS-RPT conformance reports and of the
 *   parsedmarc smtp_tls corpus parses with the figures counted by hand
 *   below (e-mails through the unpacker, and stalwart's .eml must give
 *   the same report as its .json); a file the table does not know fails;
 * - ADVERSARIAL.md J1/J2 generated here: deep nesting, huge documents,
 *   numbers, RFC 3339 date-times, limits.
 * The shared data is found through DW_SHARED; without it those tests skip.
 */
#include "dwtest.h"
#include "dwtest_file.h"
#include "dwtest_json.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/date.h"
#include "report/tlsrpt_json.h"
#include "report/unpack.h"

#define FILE_MAX	((size_t)64 << 20)
#define DIR_VALID	"tests/reports/tlsrpt/valid"
#define DIR_CORRUPT	"tests/reports/tlsrpt/corrupt"

/* Parses d[0..n) and dumps it into out; the report stays in *a. */
static enum dw_err
parse_dump(struct arena **a, const char *d, size_t n, struct buf *out,
    const struct tlsrpt_report **rp, struct dw_error *e)
{
	struct tlsrpt_report *r;
	enum dw_err err;

	*a = arena_new(TLSRPT_ARENA_MAX);
	assert_non_null(*a);
	buf_init(out, FILE_MAX);
	dw_error_clear(e);
	err = tlsrpt_json_parse(*a, d, n, &r, e);
	if (err != DW_OK) {
		assert_null(r);
		return err;
	}
	assert_int_equal(tlsrpt_json_dump(r, out), DW_OK);
	if (rp != NULL)
		*rp = r;
	return DW_OK;
}

static enum dw_err
parse_str(const char *s, struct dw_error *e)
{
	struct arena *a;
	struct buf out;
	enum dw_err err;

	err = parse_dump(&a, s, strlen(s), &out, NULL, e);
	buf_fini(&out);
	arena_free(a);
	return err;
}

/*
 * DIR/BASE.json against DIR/BASE.expect (valid: the dump, exactly) or
 * DIR/BASE.err (corrupt: the first line occurs in the message).
 */
static void
one_file(const char *dir, const char *base, bool valid)
{
	char path[1024];
	struct buf json, want, got;
	struct arena *a;
	struct dw_error e;
	enum dw_err err;
	char *nl;

	snprintf(path, sizeof(path), "%s/%s.json", dir, base);
	assert_true(dwtest_slurp(path, &json));
	snprintf(path, sizeof(path), "%s/%s.%s", dir, base, valid ? "expect" :
	    "err");
	assert_true(dwtest_slurp(path, &want));
	if ((nl = strchr(want.data, '\n')) != NULL)
		*nl = '\0';
	err = parse_dump(&a, json.data, json.len, &got, NULL, &e);
	if (valid && (err != DW_OK ||
	    strcmp(buf_str(&got), buf_str(&want)) != 0)) {
		print_error("%s: got\n%s%s\nwant\n%s\n", base, buf_str(&got),
		    err != DW_OK ? e.msg : "", buf_str(&want));
		fail();
	}
	if (!valid && (err == DW_OK || strstr(e.msg, want.data) == NULL)) {
		print_error("%s: got \"%s\", want \"%s\"\n", base, e.msg,
		    want.data);
		fail();
	}
	arena_free(a);
	buf_fini(&got);
	buf_fini(&json);
	buf_fini(&want);
}

static void
one_valid(const char *dir, const char *base)
{
	one_file(dir, base, true);
}

static void
one_corrupt(const char *dir, const char *base)
{
	one_file(dir, base, false);
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(dwtest_each(DIR_VALID, ".json", one_valid) >= 7);
}

static void
test_corrupt(void **state)
{
	(void)state;
	assert_true(dwtest_each(DIR_CORRUPT, ".json", one_corrupt) >= 40);
}

/* ---- the shared reports: figures counted by hand ---------------------- */

struct expect {
	const char	*file;		/* under DW_SHARED */
	const char	*org;
	const char	*report_id;
	const char	*start;		/* start-datetime, normalized */
	size_t		 npolicies;
	int64_t		 successful;
	int64_t		 failed;
	size_t		 nfailures;	/* failure details, all policies */
	size_t		 nnotes;
	const char	*types;		/* policy types, "," separated */
	const char	*domain;	/* first policy's domain or NULL */
	bool		 seen;
};

#define CONF	"conformance/tlsrpt/reports/"
#define PDM	"corpus/parsedmarc/smtp_tls/"

static struct expect expects[] = {
	{ CONF "cry-inc-dmarc-report-viewer/google.json", "Google Inc.",
	    "2025-05-22T00:00:00Z_foo-bar.io", "2025-05-22T00:00:00Z", 1, 1,
	    0, 0, 0, "sts", "foo-bar.io", false },
	{ CONF "cry-inc-dmarc-report-viewer/microsoft.json",
	    "Microsoft Corporation", "133925885310113267+random.net",
	    "2025-05-23T00:00:00Z", 2, 4, 0, 0, 0, "sts,tlsa", "random.net",
	    false },
	{ CONF "cry-inc-dmarc-report-viewer/no-contact.json", "server.com",
	    "123_456", "2026-01-11T00:00:00Z", 1, 1, 0, 0, 0, "sts",
	    "server.com", false },
	{ CONF "cry-inc-dmarc-report-viewer/no-policy.json", "Google Inc.",
	    "2025-03-27T00:00:00Z_foo-bar.io", "2025-03-27T00:00:00Z", 1, 1,
	    0, 0, 0, "no-policy-found", "foo-bar.io", false },
	{ CONF "cry-inc-dmarc-report-viewer/no_ip_and_mx.json",
	    "Microsoft Corporation", "1234567890+", "2025-06-14T00:00:00Z", 1,
	    0, 3, 1, 0, "sts", "xxxxxxxx.xx", false },
	{ CONF "cry-inc-dmarc-report-viewer/rfc-example.json", "Company-X",
	    "5065427c-23d3-47ca-b6e0-946ea0e8c4be", "2016-04-01T00:00:00Z", 1,
	    5326, 303, 3, 0, "sts", "company-y.example", false },
	{ CONF "stalwart-mail-auth/rpt01.json", "Company-X",
	    "5065427c-23d3-47ca-b6e0-946ea0e8c4be", "2016-04-01T00:00:00Z", 1,
	    5326, 303, 3, 0, "sts", "company-y.example", false },
	{ CONF "stalwart-mail-auth/rpt02.json", "Google Inc.",
	    "2020-01-01T00:00:00Z_example.com", "2020-01-01T00:00:00Z", 1, 23,
	    1, 1, 0, "sts", "example.com", false },
	/* no policy-domain in either policy: two notes */
	{ CONF "stalwart-mail-auth/rpt03.json", "Google Inc.",
	    "2019-04-14T00:00:00Z_example.org", "2019-04-14T00:00:00Z", 2, 2,
	    0, 0, 2, "no-policy-found,invalid-policy-type", NULL, false },
	{ CONF "stalwart-mail-auth/rpt01.eml", "Company-X",
	    "5065427c-23d3-47ca-b6e0-946ea0e8c4be", "2016-04-01T00:00:00Z", 1,
	    5326, 303, 3, 0, "sts", "company-y.example", false },
	{ CONF "stalwart-mail-auth/rpt02.eml", "Google Inc.",
	    "2020-01-01T00:00:00Z_example.com", "2020-01-01T00:00:00Z", 1, 23,
	    1, 1, 0, "sts", "example.com", false },
	{ CONF "mox/example.eml", "Google Inc.",
	    "2022-09-15T00:00:00Z_test.xmox.nl", "2022-09-15T00:00:00Z", 1, 3,
	    0, 0, 0, "sts", "test.xmox.nl", false },
	/* date-times without a time zone: two notes */
	{ CONF "mox/microsoft.eml", "Microsoft Corporation",
	    "133198585438131172+test.xmox.nl", "2023-01-10T00:00:00Z", 1, 2,
	    0, 0, 2, "sts", "test.xmox.nl", false },
	{ PDM "google.com_smtp_tls_report.eml", "Google Inc.",
	    "2024-09-03T00:00:00Z_cardinalhealth.ca", "2024-09-03T00:00:00Z",
	    1, 48, 0, 0, 0, "no-policy-found", "cardinalhealth.ca", false },
	/* failure details add up to 2, the summary says 1: a note */
	{ PDM "mail.ru.json", "Mail.ru",
	    "b28254de-7b2e-be36-bb5c-4c3b92da8b25@mail.ru",
	    "2024-02-22T00:00:00Z", 1, 0, 1, 2, 1, "sts", "example.com",
	    false },
	/* mx-host a string, as in the RFC's example: a note */
	{ PDM "rfc8460.json", "Company-X",
	    "5065427c-23d3-47ca-b6e0-946ea0e8c4be", "2016-04-01T00:00:00Z", 1,
	    5326, 303, 3, 1, "sts", "company-y.example", false },
	{ PDM "smtp_tls.json", "Example Inc.",
	    "2024-01-09T00:00:00Z_example.com", "2024-01-09T00:00:00Z", 1, 0,
	    3, 2, 0, "sts", "example.com", false },
};
#define NEXPECTS (sizeof(expects) / sizeof(expects[0]))

static struct expect *
expect_for(const char *rel)
{
	size_t i;

	for (i = 0; i < NEXPECTS; i++)
		if (strcmp(expects[i].file, rel) == 0)
			return &expects[i];
	return NULL;
}

static void
check_figures(struct expect *x, const struct tlsrpt_report *r)
{
	char types[256] = "", t[32];
	size_t i, nf = 0;

	x->seen = true;
	assert_string_equal(r->organization_name, x->org);
	assert_string_equal(r->report_id, x->report_id);
	date_format_rfc3339(r->begin, t, sizeof(t));
	assert_string_equal(t, x->start);
	assert_int_equal(r->npolicies, x->npolicies);
	assert_int_equal(r->successful, x->successful);
	assert_int_equal(r->failed, x->failed);
	for (i = 0; i < r->npolicies; i++) {
		nf += r->policies[i].nfailures;
		if (i > 0)
			strncat(types, ",", sizeof(types) - strlen(types) - 1);
		strncat(types, r->policies[i].policy_type,
		    sizeof(types) - strlen(types) - 1);
	}
	assert_int_equal(nf, x->nfailures);
	assert_int_equal(r->nnotes, x->nnotes);
	assert_string_equal(types, x->types);
	if (x->domain == NULL)
		assert_null(r->policies[0].policy_domain);
	else
		assert_string_equal(r->policies[0].policy_domain, x->domain);
}

/* The one JSON document of an e-mail, through the unpacker. */
static enum dw_err
take_json(void *ctx, const struct doc *d, struct dw_error *e)
{
	struct buf *b = ctx;

	assert_int_equal(d->kind, DOC_JSON);
	assert_int_equal(b->len, 0);
	return rd_slurp(d->rd, b, e);
}

static void
doc_of(const char *path, struct buf *doc)
{
	struct buf raw;
	struct rd *rd;
	struct dw_error e;

	assert_true(dwtest_slurp(path, &raw));
	buf_init(doc, TLSRPT_MAX_INPUT);
	if (!dwtest_has_suffix(path, ".eml")) {
		assert_int_equal(buf_append(doc, raw.data, raw.len), DW_OK);
		buf_fini(&raw);
		return;
	}
	rd = rd_mem_new(raw.data, raw.len);
	assert_non_null(rd);
	if (unpack(rd, path, NULL, take_json, doc, &e) != DW_OK) {
		print_error("%s: %s\n", path, e.msg);
		fail();
	}
	rd_free(rd);
	buf_fini(&raw);
}

static void
one_shared(const char *rel)
{
	char path[1024];
	struct buf doc, out;
	struct arena *a;
	const struct tlsrpt_report *r;
	struct expect *x = expect_for(rel);
	struct dw_error e;

	if (x == NULL) {
		print_error("%s: no expected figures in this test\n", rel);
		fail();
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dwtest_shared(),
	    rel) >= sizeof(path))
		fail();
	doc_of(path, &doc);
	if (parse_dump(&a, doc.data, doc.len, &out, &r, &e) != DW_OK) {
		print_error("%s: %s\n", rel, e.msg);
		fail();
	}
	check_figures(x, r);
	arena_free(a);
	buf_fini(&out);
	buf_fini(&doc);
}

/* Every .json and .eml below DW_SHARED/rel, recursively. */
static void
walk_shared(const char *rel)
{
	char path[1024], sub[1024];
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dwtest_shared(),
	    rel) >= sizeof(path))
		fail();
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s", rel,
		    de->d_name) >= sizeof(sub) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s",
		    dwtest_shared(), sub) >= sizeof(path))
			fail();
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			strncat(sub, "/", sizeof(sub) - strlen(sub) - 1);
			walk_shared(sub);
		} else if (dwtest_has_suffix(sub, ".json") ||
		    dwtest_has_suffix(sub, ".eml")) {
			one_shared(sub);
		}
	}
	closedir(d);
}

static void
test_shared(void **state)
{
	size_t i;

	(void)state;
	walk_shared(CONF);
	walk_shared(PDM);
	for (i = 0; i < NEXPECTS; i++) {
		if (!expects[i].seen)
			print_error("%s: not found\n", expects[i].file);
		assert_true(expects[i].seen);
	}
}

/* stalwart: parsing the .eml must give the matching .json. */
static void
test_eml_matches_json(void **state)
{
	static const char *const pairs[] = { "rpt01", "rpt02" };
	char path[1024];
	struct buf d1, d2, o1, o2;
	struct arena *a1, *a2;
	struct dw_error e;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%sstalwart-mail-auth/%s.eml",
		    dwtest_shared(), CONF, pairs[i]);
		doc_of(path, &d1);
		snprintf(path, sizeof(path), "%s/%sstalwart-mail-auth/%s.json",
		    dwtest_shared(), CONF, pairs[i]);
		doc_of(path, &d2);
		assert_int_equal(parse_dump(&a1, d1.data, d1.len, &o1, NULL,
		    &e), DW_OK);
		assert_int_equal(parse_dump(&a2, d2.data, d2.len, &o2, NULL,
		    &e), DW_OK);
		assert_string_equal(buf_str(&o1), buf_str(&o2));
		arena_free(a1);
		arena_free(a2);
		buf_fini(&o1);
		buf_fini(&o2);
		buf_fini(&d1);
		buf_fini(&d2);
	}
}

/* ---- ADVERSARIAL.md J1, J2 ------------------------------------------- */

#define HEAD	"{\"organization-name\":\"o\",\"date-range\":{" \
	"\"start-datetime\":\"2025-01-01T00:00:00Z\",\"end-datetime\":" \
	"\"2025-01-01T23:59:59Z\"},\"report-id\":\"r\","

static void
expect_fail(const char *doc, size_t n, enum dw_err code, const char *msg)
{
	struct arena *a;
	struct buf out;
	struct dw_error e;
	enum dw_err err;

	err = parse_dump(&a, doc, n, &out, NULL, &e);
	if (err != code || strstr(e.msg, msg) == NULL) {
		print_error("got %d \"%s\", want %d \"%s\"\n", err, e.msg,
		    code, msg);
		fail();
	}
	arena_free(a);
	buf_fini(&out);
}

/* J1: 100,000 levels of [ ... never reaches jansson's recursion. */
static void
test_deep_nesting(void **state)
{
	size_t n = 100000, i;
	struct dw_error e;
	struct buf b;

	(void)state;
	buf_init(&b, 4 * n);
	assert_int_equal(buf_puts(&b, HEAD "\"x\":"), DW_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_putc(&b, '['), DW_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_putc(&b, ']'), DW_OK);
	assert_int_equal(buf_puts(&b, ",\"policies\":[]}"), DW_OK);
	expect_fail(b.data, b.len, DW_ELIMIT, "nested more than 32 levels");
	/* brackets inside strings are not nesting */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, HEAD "\"contact-info\":\""), DW_OK);
	for (i = 0; i < 100; i++)
		assert_int_equal(buf_puts(&b, "[{\\\""), DW_OK);
	assert_int_equal(buf_puts(&b, "\",\"policies\":[]}"), DW_OK);
	assert_int_equal(parse_str(b.data, &e), DW_OK);
	buf_fini(&b);
}

/* J1: a document over the size limit, and one with too many values. */
static void
test_size_limits(void **state)
{
	size_t n = TLSRPT_MAX_INPUT + 1, i;
	char *big = malloc(n);
	struct buf b;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	expect_fail(big, n, DW_ELIMIT, "over the 4 MiB limit");
	free(big);
	buf_init(&b, TLSRPT_MAX_INPUT);
	assert_int_equal(buf_puts(&b, HEAD "\"x\":[0"), DW_OK);
	for (i = 0; i < TLSRPT_MAX_VALUES; i++)
		assert_int_equal(buf_puts(&b, ",0"), DW_OK);
	assert_int_equal(buf_puts(&b, "],\"policies\":[]}"), DW_OK);
	expect_fail(b.data, b.len, DW_ELIMIT, "more than 500000 values");
	buf_fini(&b);
}

static void
test_numbers(void **state)
{
	static const struct {
		const char	*num;
		enum dw_err	 err;
		const char	*msg;
	} cases[] = {
		{ "0", DW_OK, "" },
		{ "-0", DW_OK, "" },
		{ "9007199254740991", DW_OK, "" },
		{ "9007199254740992", DW_ELIMIT, "over 2^53 - 1" },
		{ "9007199254740993", DW_ELIMIT, "over 2^53 - 1" },
		{ "9223372036854775807", DW_ELIMIT, "over 2^53 - 1" },
		{ "18446744073709551616", DW_ESYNTAX, "too big integer" },
		{ "-1", DW_ESYNTAX, "-1 is negative" },
		{ "-9223372036854775808", DW_ESYNTAX, "is negative" },
		{ "1e400", DW_ESYNTAX, "real number overflow" },
		{ "1e2", DW_ESYNTAX, "100 is not an integer" },
		{ "5.0", DW_ESYNTAX, "5 is not an integer" },
		{ "NaN", DW_ESYNTAX, "invalid token" },
		{ "Infinity", DW_ESYNTAX, "invalid token" },
		{ "0x10", DW_ESYNTAX, "JSON: line 1" },
		{ "012", DW_ESYNTAX, "JSON: line 1" },
		{ "true", DW_ESYNTAX, "is true, want an integer" },
		{ "null", DW_ESYNTAX, "total-successful-session-count: is "
		    "null" },
	};
	struct dw_error e;
	char doc[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(doc, sizeof(doc), HEAD "\"policies\":[{\"policy\":"
		    "{\"policy-type\":\"sts\",\"policy-domain\":\"a.example\"},"
		    "\"summary\":{\"total-successful-session-count\":%s}}]}",
		    cases[i].num);
		if (cases[i].err == DW_OK)
			assert_int_equal(parse_str(doc, &e), DW_OK);
		else
			expect_fail(doc, strlen(doc), cases[i].err,
			    cases[i].msg);
	}
}

/* J1: encodings: BOMs, invalid UTF-8, escapes. */
static void
test_encoding(void **state)
{
	static const char ok_bom[] = "\xef\xbb\xbf" HEAD "\"policies\":[]}";
	static const char bad_utf8[] = HEAD "\"contact-info\":\"\xc3\x28\","
	    "\"policies\":[]}";
	static const char overlong[] = HEAD "\"contact-info\":\"\xc0\xaf\","
	    "\"policies\":[]}";
	static const char cesu[] = HEAD "\"contact-info\":\"\xed\xa0\x80\","
	    "\"policies\":[]}";
	static const char pair[] = HEAD "\"contact-info\":\"\\ud83d\\ude00\","
	    "\"policies\":[]}";
	static const char low[] = HEAD "\"contact-info\":\"\\udc00\","
	    "\"policies\":[]}";
	static const char nul[] = HEAD "\"policies\":[]}\0";
	static const char utf16[] = "\xff\xfe{\0\"\0}\0";
	struct arena *a;
	struct buf out;
	const struct tlsrpt_report *r;
	struct dw_error e;

	(void)state;
	assert_int_equal(parse_dump(&a, ok_bom, strlen(ok_bom), &out, &r, &e),
	    DW_OK);
	assert_int_equal(r->nnotes, 1);
	assert_non_null(strstr(r->notes[0], "byte order mark"));
	arena_free(a);
	buf_fini(&out);
	expect_fail(bad_utf8, strlen(bad_utf8), DW_ESYNTAX, "unable to decode");
	expect_fail(overlong, strlen(overlong), DW_ESYNTAX, "unable to decode");
	expect_fail(cesu, strlen(cesu), DW_ESYNTAX, "unable to decode");
	expect_fail(low, strlen(low), DW_ESYNTAX, "invalid Unicode");
	expect_fail(nul, sizeof(nul) - 1, DW_ESYNTAX, "JSON: line 1");
	expect_fail(utf16, sizeof(utf16) - 1, DW_ESYNTAX, "unable to decode");
	assert_int_equal(parse_dump(&a, pair, strlen(pair), &out, &r, &e),
	    DW_OK);
	assert_string_equal(r->contact_info, "\xf0\x9f\x98\x80");
	arena_free(a);
	buf_fini(&out);
}

static void
test_dates(void **state)
{
	static const struct {
		const char	*start;
		int64_t		 t;		/* -1: rejected */
		size_t		 notes;
	} cases[] = {
		{ "2025-01-01T00:00:00Z", 1735689600, 0 },
		{ "2025-01-01t00:00:00z", 1735689600, 0 },
		{ "2025-01-01 00:00:00Z", 1735689600, 0 },
		{ "2025-01-01T00:00:00.123456Z", 1735689600, 0 },
		{ "2025-01-01T02:00:00+02:00", 1735689600, 0 },
		{ "2024-12-31T19:30:00-04:30", 1735689600, 0 },
		{ "2025-01-01T00:00:00", 1735689600, 1 },
		{ "2024-12-31T23:59:60Z", 1735689600, 0 },
		{ "2024-02-29T00:00:00Z", 1709164800, 0 },
		{ "2023-12-01T00:00:00Z", -1, 0 },	/* over 366 days */
		{ "2023-02-29T00:00:00Z", -1, 0 },
		{ "2025-13-01T00:00:00Z", -1, 0 },
		{ "2025-01-01T24:00:00Z", -1, 0 },
		{ "2025-01-01T00:00:00.Z", -1, 0 },
		{ "2025-01-01T00:00:00+0200", -1, 0 },
		{ "2025-01-01T00:00:00Z junk", -1, 0 },
		{ "2025-1-1T00:00:00Z", -1, 0 },
		{ "+2025-01-01T00:00:00Z", -1, 0 },
		{ "", -1, 0 },
	};
	char doc[512];
	struct arena *a;
	struct buf out;
	const struct tlsrpt_report *r;
	struct dw_error e;
	enum dw_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"organization-name\":\"o\","
		    "\"date-range\":{\"start-datetime\":\"%s\","
		    "\"end-datetime\":\"2025-01-01T23:59:59Z\"},\"report-id\":"
		    "\"r\",\"policies\":[]}", cases[i].start);
		err = parse_dump(&a, doc, strlen(doc), &out, &r, &e);
		if (cases[i].t < 0) {
			if (err == DW_OK)
				print_error("%s: accepted\n", cases[i].start);
			assert_int_not_equal(err, DW_OK);
			assert_non_null(strstr(e.msg, "date-range"));
		} else {
			if (err != DW_OK)
				print_error("%s: %s\n", cases[i].start, e.msg);
			assert_int_equal(err, DW_OK);
			assert_int_equal(r->begin, cases[i].t);
			assert_int_equal(r->nnotes, cases[i].notes);
		}
		arena_free(a);
		buf_fini(&out);
	}
}

/* The arena cap is a clear error, never a crash or a truncation. */
static void
test_arena_cap(void **state)
{
	static const char doc[] = HEAD "\"policies\":[{\"policy\":{"
	    "\"policy-type\":\"sts\",\"policy-domain\":\"a.example\","
	    "\"policy-string\":[\"version: STSv1\",\"mode: enforce\"]},"
	    "\"summary\":{\"total-successful-session-count\":1}}]}";
	struct tlsrpt_report *r;
	struct dw_error e;
	struct arena *a;
	size_t cap;
	enum dw_err err;

	(void)state;
	for (cap = 64; cap < 8192; cap += 64) {
		a = arena_new(cap);
		assert_non_null(a);
		err = tlsrpt_json_parse(a, doc, strlen(doc), &r, &e);
		arena_free(a);
		if (err == DW_OK)
			return;
		assert_int_equal(err, DW_ELIMIT);
		assert_non_null(strstr(e.msg, "TLSRPT_ARENA_MAX"));
	}
	fail();
}

/* More deviations than TLSRPT_MAX_NOTES: the rest are counted. */
static void
test_notes_cap(void **state)
{
	struct buf b;
	struct arena *a;
	struct buf out;
	const struct tlsrpt_report *r;
	struct dw_error e;
	size_t i;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(buf_puts(&b, HEAD "\"policies\":["), DW_OK);
	for (i = 0; i < 100; i++)
		assert_int_equal(buf_printf(&b, "%s{\"policy\":{\"policy-type\":"
		    "\"no-policy-found\"},\"summary\":{"
		    "\"total-successful-session-count\":1}}", i ? "," : ""),
		    DW_OK);
	assert_int_equal(buf_puts(&b, "]}"), DW_OK);
	assert_int_equal(parse_dump(&a, b.data, b.len, &out, &r, &e), DW_OK);
	assert_int_equal(r->npolicies, 100);
	assert_int_equal(r->successful, 100);
	assert_int_equal(r->nnotes, TLSRPT_MAX_NOTES);
	assert_string_equal(r->notes[TLSRPT_MAX_NOTES - 1],
	    "69 further notes not kept (TLSRPT_MAX_NOTES)");
	arena_free(a);
	buf_fini(&out);
	buf_fini(&b);
}

/* Too many policies, failure details and list entries. */
static void
test_count_limits(void **state)
{
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, TLSRPT_MAX_INPUT);
	assert_int_equal(buf_puts(&b, HEAD "\"policies\":[{}"), DW_OK);
	for (i = 0; i < TLSRPT_MAX_POLICIES; i++)
		assert_int_equal(buf_puts(&b, ",{}"), DW_OK);
	assert_int_equal(buf_puts(&b, "]}"), DW_OK);
	expect_fail(b.data, b.len, DW_ELIMIT, "10001 policies, over the "
	    "10000 limit (TLSRPT_MAX_POLICIES)");
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, HEAD "\"policies\":[{\"policy\":{"
	    "\"policy-type\":\"sts\",\"policy-domain\":\"a.example\"},"
	    "\"summary\":{\"total-successful-session-count\":1},"
	    "\"failure-details\":[{}"), DW_OK);
	for (i = 0; i < TLSRPT_MAX_FAILURES; i++)
		assert_int_equal(buf_puts(&b, ",{}"), DW_OK);
	assert_int_equal(buf_puts(&b, "]}]}"), DW_OK);
	expect_fail(b.data, b.len, DW_ELIMIT, "more than 50000 failure "
	    "details in the report (TLSRPT_MAX_FAILURES)");
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, HEAD "\"policies\":[{\"policy\":{"
	    "\"policy-type\":\"sts\",\"mx-host\":[\"a\""), DW_OK);
	for (i = 0; i < TLSRPT_MAX_LIST; i++)
		assert_int_equal(buf_puts(&b, ",\"a\""), DW_OK);
	assert_int_equal(buf_puts(&b, "]}}]}"), DW_OK);
	expect_fail(b.data, b.len, DW_ELIMIT, "policies[0].policy.mx-host: "
	    "1001 entries, over the 1000 limit");
	buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest local[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_arena_cap),
		cmocka_unit_test(test_notes_cap),
		cmocka_unit_test(test_count_limits),
	};
	const struct CMUnitTest shared[] = {
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_eml_matches_json),
	};
	char path[1024];
	struct stat sb;
	int rc;

	rc = cmocka_run_group_tests_name("tlsrpt_json", local, NULL, NULL);
	snprintf(path, sizeof(path), "%s/%s", dwtest_shared(), CONF);
	if (stat(path, &sb) != 0)
		return rc | dwtest_run_absent("tlsrpt_json_shared");
	return rc | cmocka_run_group_tests_name("tlsrpt_json_shared", shared,
	    NULL, NULL);
}
