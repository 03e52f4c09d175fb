/*
 * test_failure.c: the failure report parser (src/report/failure*.c).
 *
 * - tests/reports/failure/NAME.eml gives exactly NAME.json, also with its
 *   line endings turned into CRLF (same hash: the same report);
 * - tests/reports/failure/bad/NAME.eml fails with the first line of
 *   NAME.err in its message;
 * - no string of tests/reports/failure/phi-strings.txt (the PHI the
 *   fixtures carry) is in any parsed report;
 * - limits, notes, ADVERSARIAL.md B7 (MIME) and G1/G3/L1 cases written
 *   here;
 * - the stalwart known-answer reports agree with their .json, and every
 *   parsedmarc failure sample parses (skipped without DW_SHARED).
 */
#include "dwtest.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "dwtest_file.h"
#include "report/failure.h"
#include "report/failure_json.h"

#define DIR_FIX		"tests/reports/failure"
#define FILE_MAX	((size_t)16 << 20)

/* Parses p[0..n) with lim (NULL: defaults); *j is its JSON when OK. */
static enum dw_err
parse(const char *p, size_t n, const struct failure_limits *lim, json_t **j,
    struct dw_error *e)
{
	struct arena *a = arena_new(failure_arena_max(n));
	struct failure_report *r;
	enum dw_err err;

	assert_non_null(a);
	dw_error_clear(e);
	err = failure_parse(a, p, n, lim, &r, e);
	if (j != NULL)
		*j = err == DW_OK ? failure_json(r) : NULL;
	arena_free(a);
	return err;
}

static enum dw_err
parse_str(const char *s, json_t **j, struct dw_error *e)
{
	return parse(s, strlen(s), NULL, j, e);
}

static const char *
jstr(json_t *j, const char *k)
{
	return json_string_value(json_object_get(j, k));
}

/* The names in dir ending in ext, sorted; NULL-terminated. */
static char **
list(const char *dir, const char *ext, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t m = strlen(ext), l;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l <= m || strcmp(de->d_name + l - m, ext) != 0)
			continue;
		v = realloc(v, (*n + 2) * sizeof(*v));
		v[(*n)++] = strdup(de->d_name);
		v[*n] = NULL;
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), (int (*)(const void *, const void *))
	    strcmp);
	return v;
}

static void
list_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The PHI strings of the fixtures, one per line. */
static char **
phi_strings(size_t *n)
{
	struct buf b;
	char **v = NULL, *line, *save = NULL;

	*n = 0;
	assert_true(dwtest_slurp(DIR_FIX "/phi-strings.txt", &b));
	for (line = strtok_r(b.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = strdup(line);
	}
	buf_fini(&b);
	return v;
}

static int
no_phi(const char *what, json_t *j)
{
	char **phi, *s;
	size_t n, i;
	int bad = 0;

	phi = phi_strings(&n);
	s = json_dumps(j, JSON_COMPACT);
	for (i = 0; i < n; i++)
		if (strstr(s, phi[i]) != NULL) {
			printf("# %s: holds \"%s\"\n", what, phi[i]);
			bad++;
		}
	free(s);
	list_free(phi, n);
	return bad;
}

static char *
to_crlf(const char *s, size_t n, size_t *outlen)
{
	char *o = malloc(2 * n + 1);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			o[k++] = '\r';
		o[k++] = s[i];
	}
	*outlen = k;
	return o;
}

static void
test_golden(void **state)
{
	char **names, path[512], *crlf;
	struct buf in;
	struct dw_error e;
	json_t *got, *got2, *want;
	size_t n, i, cl;
	int bad = 0;

	(void)state;
	names = list(DIR_FIX, ".eml", &n);
	assert_true(n >= 5);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), DIR_FIX "/%s", names[i]);
		assert_true(dwtest_slurp(path, &in));
		if (parse(in.data, in.len, NULL, &got, &e) != DW_OK) {
			printf("# %s: %s\n", names[i], e.msg);
			bad++;
			buf_fini(&in);
			continue;
		}
		snprintf(path + strlen(path) - 4, 6, ".json");
		want = json_load_file(path, 0, NULL);
		if (want == NULL || !json_equal(got, want)) {
			char *s = json_dumps(got, JSON_INDENT(1));

			printf("# %s differs from its .json:\n%s\n", names[i],
			    s);
			free(s);
			bad++;
		}
		bad += no_phi(names[i], got);
		crlf = to_crlf(in.data, in.len, &cl);
		if (parse(crlf, cl, NULL, &got2, &e) != DW_OK ||
		    !json_equal(got, got2)) {
			printf("# %s with CRLF differs\n", names[i]);
			bad++;
		}
		free(crlf);
		json_decref(got);
		json_decref(got2);
		json_decref(want);
		buf_fini(&in);
	}
	list_free(names, n);
	assert_int_equal(bad, 0);
}

static void
test_bad(void **state)
{
	char **names, path[512];
	struct buf in, want;
	struct dw_error e;
	size_t n, i;
	int bad = 0;

	(void)state;
	names = list(DIR_FIX "/bad", ".eml", &n);
	assert_true(n >= 8);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), DIR_FIX "/bad/%s", names[i]);
		assert_true(dwtest_slurp(path, &in));
		snprintf(path + strlen(path) - 4, 5, ".err");
		assert_true(dwtest_slurp(path, &want));
		want.data[strcspn(want.data, "\n")] = '\0';
		if (parse(in.data, in.len, NULL, NULL, &e) == DW_OK ||
		    strstr(e.msg, want.data) == NULL) {
			printf("# %s: got \"%s\", want \"%s\"\n", names[i],
			    e.msg, want.data);
			bad++;
		}
		buf_fini(&in);
		buf_fini(&want);
	}
	list_free(names, n);
	assert_int_equal(bad, 0);
}

/* A report with fb as its feedback part and hdr as the original. */
static char *
mkreport(const char *fb, const char *hdr)
{
	struct buf b;
	size_t len;

	buf_init(&b, FILE_MAX);
	buf_printf(&b, "From: r@receiver.example\nSubject: x\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/report; "
	    "report-type=feedback-report; boundary=\"x\"\n\n--x\n"
	    "Content-Type: message/feedback-report\n\n%s\n--x\n"
	    "Content-Type: text/rfc822-headers\n\n%s\n--x--\n", fb, hdr);
	return buf_steal(&b, &len);
}

#define FB_OK "Feedback-Type: auth-failure\nUser-Agent: t/1\nVersion: 1\n"

static void
test_limits(void **state)
{
	struct failure_limits lim;
	struct dw_error e;
	struct buf b;
	char *m;
	size_t len;
	int i;

	(void)state;
	failure_limits_default(&lim);
	lim.max_headers = 3;
	m = mkreport(FB_OK, "A: 1\nB: 2\nC: 3\nD: 4\n");
	assert_int_equal(parse(m, strlen(m), &lim, NULL, &e), DW_ELIMIT);
	assert_non_null(strstr(e.msg, "more than 3 fields (field limit)"));
	lim.max_headers = 4;
	assert_int_equal(parse(m, strlen(m), &lim, NULL, &e), DW_OK);
	free(m);

	failure_limits_default(&lim);
	lim.max_field = 64;
	m = mkreport(FB_OK, "Subject: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	    " bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n");
	assert_int_equal(parse(m, strlen(m), &lim, NULL, &e), DW_ELIMIT);
	assert_non_null(strstr(e.msg, "field 1 is over the 64-byte field "
	    "limit"));
	lim.max_message = 100;
	assert_int_equal(parse(m, strlen(m), &lim, NULL, &e), DW_ELIMIT);
	assert_non_null(strstr(e.msg, "over the 100-byte limit"));
	free(m);

	failure_limits_default(&lim);
	lim.max_fields = 2;
	m = mkreport(FB_OK, "From: a@b.example\n");
	assert_int_equal(parse(m, strlen(m), &lim, NULL, &e), DW_ELIMIT);
	assert_non_null(strstr(e.msg, "feedback report: more than 2 fields"));
	free(m);

	/* MIME nesting deeper than the depth limit, under the part limit */
	buf_init(&b, FILE_MAX);
	buf_printf(&b, "From: r@x.example\nMIME-Version: 1.0\n");
	for (i = 0; i < 12; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\""
		    "\n\n--b%d\n", i, i);
	buf_printf(&b, "Content-Type: text/plain\n\nhi\n");
	m = buf_steal(&b, &len);
	assert_int_equal(parse(m, len, NULL, NULL, &e), DW_ELIMIT);
	assert_non_null(strstr(e.msg, "levels deep (depth limit)"));
	free(m);

	/* 1,000 levels: refused before gmime parses */
	buf_init(&b, FILE_MAX);
	buf_printf(&b, "From: r@x.example\nMIME-Version: 1.0\n");
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\""
		    "\n\n--b%d\n", i, i);
	m = buf_steal(&b, &len);
	assert_int_equal(parse(m, len, NULL, NULL, &e), DW_ELIMIT);
	assert_non_null(strstr(e.msg, "1000 multipart or message types"));
	free(m);

	/* many parts at one level */
	buf_init(&b, FILE_MAX);
	buf_printf(&b, "From: r@x.example\nMIME-Version: 1.0\nContent-Type: "
	    "multipart/mixed; boundary=\"p\"\n\n");
	for (i = 0; i < 100; i++)
		buf_printf(&b, "--p\nContent-Type: text/plain\n\npart %d\n", i);
	buf_printf(&b, "--p--\n");
	m = buf_steal(&b, &len);
	assert_int_equal(parse(m, len, NULL, NULL, &e), DW_ELIMIT);
	assert_non_null(strstr(e.msg, "more than 64 MIME parts"));
	free(m);
}

/* Whether the JSON text of j holds text. */
static bool
holds(json_t *j, const char *text)
{
	char *s = json_dumps(j, JSON_COMPACT);
	bool r = s != NULL && strstr(s, text) != NULL;

	free(s);
	return r;
}

static bool
has_note(json_t *j, const char *text)
{
	json_t *a = json_object_get(j, "notes"), *v;
	size_t i;

	json_array_foreach(a, i, v)
		if (strstr(json_string_value(v), text) != NULL)
			return true;
	return false;
}

static void
test_notes(void **state)
{
	struct dw_error e;
	json_t *j;
	char *m;

	(void)state;
	m = mkreport("Feedback-Type: Auth-Failure\nSource-IP: 256.1.1.1\n"
	    "Arrival-Date: yesterday 123-45-6789\nReported-Domain: exa mple."
	    "com\nIncidents: -4\nDKIM-Selector: a b\nFeedback-Id: 5\n",
	    "Subject: hello\n");
	assert_int_equal(parse_str(m, &j, &e), DW_OK);
	assert_string_equal(jstr(j, "feedback_type"), "auth-failure");
	assert_null(jstr(j, "source_ip"));
	assert_true(json_is_null(json_object_get(j, "arrival_date")));
	assert_null(jstr(j, "reported_domain"));
	assert_null(jstr(j, "dkim_selector"));
	assert_int_equal(json_integer_value(json_object_get(j, "incidents")),
	    1);
	assert_true(has_note(j, "Source-IP is not an IP address"));
	assert_true(has_note(j, "Arrival-Date is not an RFC 5322 date"));
	assert_true(has_note(j, "Reported-Domain is not a domain name"));
	assert_true(has_note(j, "Incidents is not a count"));
	assert_true(has_note(j, "no User-Agent field"));
	assert_true(has_note(j, "original headers have no From address"));
	/* notes never quote the values */
	assert_int_equal(no_phi("notes", json_object_get(j, "notes")), 0);
	assert_false(holds(json_object_get(j, "notes"), "256.1.1.1"));
	json_decref(j);
	free(m);
}

/* ADVERSARIAL.md G1 and G3: several From addresses, forged A-R values. */
static void
test_identities(void **state)
{
	struct dw_error e;
	json_t *j;
	char *m;

	(void)state;
	m = mkreport(FB_OK "Authentication-Results: rx.example; dkim=pass "
	    "header.d=exa<script>mple.com; dmarc=fail header.from=example."
	    "com\nAuthentication-Results: rx.example; spf=pass smtp.mailfrom"
	    "=example.net(.example.com; dmarc=pass\n",
	    "From: a@gmail.example, \"b@bank.example\" <b@hotmail.example>\n"
	    "From: (a@bank.example) c@evil.example\nTo: undisclosed-"
	    "recipients:;\n");
	assert_int_equal(parse_str(m, &j, &e), DW_OK);
	assert_string_equal(jstr(j, "header_from"), "a@gmail.example, "
	    "b@hotmail.example, c@evil.example");
	assert_true(has_note(j, "original headers have 2 From fields"));
	assert_true(has_note(j, "original From holds 3 addresses"));
	assert_string_equal(jstr(j, "spf_domain"), "example.net");
	assert_string_equal(jstr(j, "spf_result"), "pass");
	assert_null(jstr(j, "dkim_domain"));
	assert_true(has_note(j, "header.d is not a domain name"));
	assert_string_equal(jstr(j, "dmarc_result"), "fail");
	assert_string_equal(jstr(j, "domain"), "gmail.example");
	json_decref(j);
	free(m);
}

/*
 * ADVERSARIAL.md L1: bodies, the reporter's text and the fields that copy
 * the message never reach the model; B7: MIME forms.
 */
static void
test_adversarial(void **state)
{
	static const char ctl[] = "From: r@x.example\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=\"x\"\n\n--x\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: auth-failure\nUser-Agent: a\0b\x1b[2J\n--x\n"
	    "Content-Type: text/rfc822-headers\n\nSubject: a\0b\x1b]0;x\x07\n"
	    "--x--\n";
	struct dw_error e;
	json_t *j;
	char *s;

	(void)state;
	/* base64 feedback part with junk, no padding, no closing boundary */
	assert_int_equal(parse_str("From: r@x.example\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=\"x\"\n\n--x\nContent-Type: message/feedback-report\n"
	    "Content-Transfer-Encoding: base64\n\nRmVlZGJhY2stVHlwZTog!!YX"
	    "V0aC1mYWlsdXJlClNvdXJjZS1JUDogMTkyLjAuMi45\n", &j, &e), DW_OK);
	assert_string_equal(jstr(j, "source_ip"), "192.0.2.9");
	json_decref(j);

	/* ADVERSARIAL B7: the report as the whole body, no multipart */
	assert_int_equal(parse_str("From: r@x.example\nMIME-Version: 1.0\n"
	    "Content-Type: message/feedback-report\n\nFeedback-Type: "
	    "auth-failure\nSource-IP: 192.0.2.11\n", &j, &e), DW_OK);
	assert_string_equal(jstr(j, "source_ip"), "192.0.2.11");
	assert_true(has_note(j, "holds no original headers"));
	json_decref(j);

	/* the feedback part one multipart down, under multipart/mixed */
	assert_int_equal(parse_str("From: r@x.example\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"o\"\n\n--o\n"
	    "Content-Type: text/plain\n\nsee below\n--o\nContent-Type: "
	    "multipart/report; boundary=\"i\"\n\n--i\nContent-Type: "
	    "message/feedback-report\n\nFeedback-Type: auth-failure\n\n--i"
	    "\nContent-Type: text/rfc822-headers\n\nSubject: x\n--i--\n"
	    "--o--\n", &j, &e), DW_OK);
	assert_string_equal(jstr(j, "headers"), "Subject: x\n");
	json_decref(j);

	/* quoted-printable feedback part */
	assert_int_equal(parse_str("From: r@x.example\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=\"x\"\n\n--x\nContent-Type: message/feedback-report\n"
	    "Content-Transfer-Encoding: quoted-printable\n\nFeedback-Type: "
	    "auth-fail=\nure\nSource-IP: 192.0.2.=310\n--x--\n", &j, &e),
	    DW_OK);
	assert_string_equal(jstr(j, "feedback_type"), "auth-failure");
	assert_string_equal(jstr(j, "source_ip"), "192.0.2.10");
	json_decref(j);

	/* RFC 2047 in the subject, RFC 2231 in a file name: both scanned */
	s = mkreport(FB_OK, "Subject: =?utf-8?Q?DOB_01=2F02=2F1970?=\n"
	    "Content-Type: text/plain; name*0=\"a 219-09-\"; "
	    "name*1=\"9999.txt\"\n");
	assert_int_equal(parse_str(s, &j, &e), DW_OK);
	assert_non_null(strstr(jstr(j, "headers"), "Subject: DOB "
	    "[REDACTED:DOB]\n"));
	assert_non_null(strstr(jstr(j, "headers"), "name=\"a [REDACTED:SSN]"
	    ".txt\""));
	json_decref(j);
	free(s);

	/* L1: a whole original message; only its header block is kept */
	s = mkreport(FB_OK "DKIM-Canonicalized-Header: U3ViamVjdDogU1NOIDIx"
	    "OS0wOS05OTk5\nDKIM-Canonicalized-Body: Ym9keQ==\n",
	    "Subject: visit\n\nBody line SSN 219-09-9999 DOB 03/14/1962\n");
	assert_int_equal(parse_str(s, &j, &e), DW_OK);
	assert_string_equal(jstr(j, "headers"), "Subject: visit\n");
	assert_int_equal(no_phi("L1", j), 0);
	assert_false(holds(j, "U3ViamVjd"));
	assert_false(holds(j, "Body line"));
	json_decref(j);
	free(s);

	/* a header block line that is no field ends the block there */
	s = mkreport(FB_OK, "Subject: a\nnot a header line\nTo: b@x.example\n");
	assert_int_equal(parse_str(s, &j, &e), DW_OK);
	assert_string_equal(jstr(j, "headers"), "Subject: a\n");
	assert_true(has_note(j, "end at line 2"));
	json_decref(j);
	free(s);

	/* a domain with bytes that are not UTF-8 is kept cleaned, never raw */
	s = mkreport(FB_OK "Original-Mail-From: a@clin\xb4\xb4ic.example\n"
	    "Reported-Domain: x\xff.example\n", "Subject: a\n");
	assert_int_equal(parse_str(s, &j, &e), DW_OK);
	assert_string_equal(jstr(j, "envelope_from"),
	    "a@clin\xef\xbf\xbd\xef\xbf\xbdic.example");
	assert_null(jstr(j, "reported_domain"));
	json_decref(j);
	free(s);

	/* NUL and control bytes in values are never stored as such */
	assert_int_equal(parse(ctl, sizeof(ctl) - 1, NULL, &j, &e), DW_OK);
	assert_string_equal(jstr(j, "user_agent"), "a b [2J");
	assert_non_null(strstr(jstr(j, "headers"), "Subject: a b ]0;x\n"));
	json_decref(j);
}

/* What is no free text is kept as it came: ids, dates, trace fields. */
static void
test_not_free_text(void **state)
{
	struct dw_error e;
	const char *h;
	json_t *j;
	char *m;

	(void)state;
	m = mkreport(FB_OK "Original-Envelope-Id: MRN-84736251-x\n",
	    "Message-ID: <219-09-9999.1700000000@x.example>\n"
	    "Date: Tue, 04 Mar 2025 10:14:55 +0000\n"
	    "Received: from a (a [192.0.2.1]) by b; Tue, 4 Mar 2025 10:14:55 "
	    "+0000\nX-Mailer: Release 10.2.3 build 2024.1\n"
	    "Subject: Tue, 04 Mar 2025 10:14:55 +0000\n");
	assert_int_equal(parse_str(m, &j, &e), DW_OK);
	h = jstr(j, "headers");
	assert_non_null(strstr(h, "Message-ID: <219-09-9999.1700000000@"
	    "x.example>\n"));
	assert_non_null(strstr(h, "Date: Tue, 04 Mar 2025 10:14:55 +0000\n"));
	assert_non_null(strstr(h, "by b; Tue, 4 Mar 2025 10:14:55 +0000\n"));
	assert_non_null(strstr(h, "X-Mailer: Release 10.2.3 build 2024.1\n"));
	/* the same date in the subject is free text, and goes */
	assert_non_null(strstr(h, "Subject: Tue, [REDACTED:DOB] 10:14:55 "
	    "+0000\n"));
	assert_string_equal(jstr(j, "original_envelope_id"),
	    "MRN-[REDACTED:MRN]");
	json_decref(j);
	free(m);
}

static void
test_maybe(void **state)
{
	static const char agg[] = "From: a@google.example\nContent-Type: "
	    "application/zip\n\nUEsDBA==\n";
	static const char fb[] = "Content-Type: Message/Feedback-Report\n";
	static const char txt[] = "A message Claiming To Be From You has "
	    "failed";

	(void)state;
	assert_false(failure_maybe(agg, sizeof(agg) - 1));
	assert_true(failure_maybe(fb, sizeof(fb) - 1));
	assert_true(failure_maybe(txt, sizeof(txt) - 1));
	assert_false(failure_maybe(fb, 10));
}

/* stalwart's .json: "Abuse" -> "abuse", "BodyHash" -> "bodyhash". */
static char *
stalwart_enum(const char *s)
{
	char *o = malloc(strlen(s) * 2 + 1), *q = o;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i > 0 && s[i] >= 'A' && s[i] <= 'Z' &&
		    strcmp(s, "BodyHash") != 0)
			*q++ = '-';
		*q++ = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' :
		    s[i]);
	}
	*q = '\0';
	return o;
}

static int
ka_compare(const char *name, json_t *got, json_t *want)
{
	static const char *const same[][2] = {
		{ "source_ip", "source_ip" }, { "user_agent", "user_agent" },
		{ "dkim_domain", "dkim_domain" },
		{ "dkim_identity", "dkim_identity" },
		{ "dkim_selector", "dkim_selector" },
		{ "original_envelope_id", "original_envelope_id" },
		{ "reporting_mta", "reporting_mta" },
	};
	json_t *w;
	char *en;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (!json_equal(json_object_get(got, same[i][0]),
		    json_object_get(want, same[i][1]))) {
			printf("# %s: %s differs\n", name, same[i][0]);
			bad++;
		}
	if (!json_equal(json_object_get(got, "arrival_date"),
	    json_object_get(want, "arrival_date"))) {
		printf("# %s: arrival_date differs\n", name);
		bad++;
	}
	en = stalwart_enum(json_string_value(json_object_get(want,
	    "feedback_type")));
	bad += strcmp(en, jstr(got, "feedback_type")) != 0;
	free(en);
	w = json_object_get(want, "auth_failure");
	en = stalwart_enum(json_string_value(w));
	if (strcmp(en, "unspecified") == 0 ? jstr(got, "auth_failure") !=
	    NULL : strcmp(en, jstr(got, "auth_failure")) != 0) {
		printf("# %s: auth_failure differs\n", name);
		bad++;
	}
	free(en);
	w = json_object_get(want, "reported_domain");
	if (json_array_size(w) > 0 && strcmp(json_string_value(
	    json_array_get(w, 0)), jstr(got, "reported_domain")) != 0) {
		printf("# %s: reported_domain differs\n", name);
		bad++;
	}
	if (json_array_size(json_object_get(want, "authentication_results")) !=
	    json_array_size(json_object_get(got, "auth_results"))) {
		printf("# %s: authentication_results count differs\n", name);
		bad++;
	}
	return bad;
}

static void
test_known_answer(void **state)
{
	char dir[512], path[1024], **names;
	struct buf in;
	struct dw_error e;
	json_t *got, *want;
	size_t n, i;
	int bad = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/conformance/dmarc/known-answer/"
	    "stalwart-mail-auth/failure-arf", dwtest_shared());
	names = list(dir, ".eml", &n);
	if (n == 0)
		skip();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		assert_true(dwtest_slurp(path, &in));
		assert_int_equal(parse(in.data, in.len, NULL, &got, &e), DW_OK);
		snprintf(path + strlen(path) - 4, 6, ".json");
		want = json_load_file(path, 0, NULL);
		assert_non_null(want);
		bad += ka_compare(names[i], got, want);
		json_decref(got);
		json_decref(want);
		buf_fini(&in);
	}
	list_free(names, n);
	assert_int_equal(bad, 0);
}

static void
test_parsedmarc(void **state)
{
	char dir[512], path[1024], **names;
	char sha_lf[65] = "", sha_crlf[65] = "";
	struct buf in;
	struct dw_error e;
	json_t *got;
	size_t n, i;
	int bad = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/corpus/parsedmarc/failure",
	    dwtest_shared());
	names = list(dir, ".eml", &n);
	if (n == 0)
		skip();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		assert_true(dwtest_slurp(path, &in));
		if (parse(in.data, in.len, NULL, &got, &e) != DW_OK) {
			printf("# %s: %s\n", names[i], e.msg);
			bad++;
		} else {
			bad += jstr(got, "source_ip") == NULL;
			bad += jstr(got, "headers") == NULL;
			bad += jstr(got, "domain") == NULL;
			if (strstr(names[i], "linkedin.crlf") != NULL)
				snprintf(sha_crlf, 65, "%s", jstr(got, "sha256"));
			else if (strstr(names[i], "linkedin") != NULL)
				snprintf(sha_lf, 65, "%s", jstr(got, "sha256"));
			if (strstr(names[i], "exim") != NULL)
				bad += strcmp(jstr(got, "form"), "text") != 0;
		}
		json_decref(got);
		buf_fini(&in);
	}
	list_free(names, n);
	assert_int_equal(bad, 0);
	/* the same report with CRLF line endings is the same report */
	assert_string_equal(sha_lf, sha_crlf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_identities),
		cmocka_unit_test(test_adversarial),
		cmocka_unit_test(test_not_free_text),
		cmocka_unit_test(test_maybe),
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_parsedmarc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
