/*
 * test_agg_golden.c: the aggregate report parser against data files.
 *
 * - tests/reports/valid/NAME.xml gives exactly NAME.json (JSON lines:
 *   report, then records), fed whole and one byte at a time;
 * - tests/reports/corrupt/NAME.xml fails with the first line of NAME.err
 *   in its message;
 * - the stalwart known-answer aggregate reports (00[1-5].xml) agree with
 *   their .json on every field both sides have (the .eml ones belong to
 *   the unpacker's tests);
 * - every XML file of the parsedmarc corpus parses, after a repair when
 *   one applies, or is rejected with a reason.
 * The shared data is found through DW_SHARED; without it those tests skip.
 */
#include "dwtest.h"
#include "dwtest_file.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "report/agg_dump.h"
#include "report/agg_xml.h"

#define FILE_MAX	((size_t)64 << 20)

struct lines {
	struct buf	 out;
	size_t		 nrec;
};

static enum dw_err
l_report(void *ctx, const struct agg_report *r)
{
	struct lines *l = ctx;

	if (agg_report_json(r, &l->out) != DW_OK)
		return DW_ELIMIT;
	return buf_putc(&l->out, '\n');
}

static enum dw_err
l_record(void *ctx, const struct agg_record *rec)
{
	struct lines *l = ctx;

	l->nrec++;
	if (agg_record_json(rec, &l->out) != DW_OK)
		return DW_ELIMIT;
	return buf_putc(&l->out, '\n');
}

/* Parses d[0..n) in pieces of chunk bytes (0: whole) into l. */
static enum dw_err
parse(const char *d, size_t n, size_t chunk, struct lines *l,
    struct dw_error *e)
{
	struct agg_sink sink = { l, l_report, l_record };
	struct agg_xml *p = agg_xml_new(&sink);
	enum dw_err err;
	size_t off = 0, k;

	assert_non_null(p);
	buf_init(&l->out, FILE_MAX * 4);
	l->nrec = 0;
	dw_error_clear(e);
	if (chunk == 0)
		chunk = n > 0 ? n : 1;
	do {
		k = n - off < chunk ? n - off : chunk;
		err = agg_xml_feed(p, d + off, k, off + k == n, e);
		off += k;
	} while (err == DW_OK && off < n);
	agg_xml_free(p);
	return err;
}

static void
one_valid(const char *dir, const char *base)
{
	char path[1024];
	struct buf xml, want;
	struct lines whole, bytes;
	struct dw_error e;

	snprintf(path, sizeof(path), "%s/%s.xml", dir, base);
	assert_true(dwtest_slurp(path, &xml));
	snprintf(path, sizeof(path), "%s/%s.json", dir, base);
	assert_true(dwtest_slurp(path, &want));
	if (parse(xml.data, xml.len, 0, &whole, &e) != DW_OK) {
		print_error("%s: %s\n", base, e.msg);
		fail();
	}
	assert_int_equal(parse(xml.data, xml.len, 1, &bytes, &e), DW_OK);
	if (strcmp(buf_str(&whole.out), buf_str(&want)) != 0) {
		print_error("%s: got\n%s\nwant\n%s\n", base,
		    buf_str(&whole.out), buf_str(&want));
		fail();
	}
	assert_string_equal(buf_str(&bytes.out), buf_str(&want));
	buf_fini(&whole.out);
	buf_fini(&bytes.out);
	buf_fini(&xml);
	buf_fini(&want);
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(dwtest_each("tests/reports/valid", ".xml", one_valid) >=
	    9);
}

static void
one_corrupt(const char *dir, const char *base)
{
	char path[1024];
	struct buf xml, want;
	struct lines l;
	struct dw_error e;
	char *nl;

	snprintf(path, sizeof(path), "%s/%s.xml", dir, base);
	assert_true(dwtest_slurp(path, &xml));
	snprintf(path, sizeof(path), "%s/%s.err", dir, base);
	assert_true(dwtest_slurp(path, &want));
	if ((nl = strchr(want.data, '\n')) != NULL)
		*nl = '\0';
	if (parse(xml.data, xml.len, 0, &l, &e) == DW_OK ||
	    strstr(e.msg, want.data) == NULL) {
		print_error("%s: got \"%s\", want \"%s\"\n", base, e.msg,
		    want.data);
		fail();
	}
	buf_fini(&l.out);
	buf_fini(&xml);
	buf_fini(&want);
}

static void
test_corrupt(void **state)
{
	(void)state;
	assert_true(dwtest_each("tests/reports/corrupt", ".xml",
	    one_corrupt) >= 10);
}

/* ---- known-answer: stalwart's expected JSON ---- */

/*
 * Their enumerations as ours: "Relaxed" is "r", "MailFrom" "mfrom",
 * "TrustedForwarder" "trusted_forwarder".  NULL when theirs says nothing
 * ("Unspecified", or "Other" for a reason it does not know).
 */
static const char *
their_enum(const char *s, char *out, size_t outsz)
{
	size_t i, j = 0;

	if (strcmp(s, "Unspecified") == 0 || strcmp(s, "Other") == 0)
		return NULL;
	if (strcmp(s, "Relaxed") == 0 || strcmp(s, "Strict") == 0) {
		snprintf(out, outsz, "%c", tolower((unsigned char)s[0]));
		return out;
	}
	if (strcmp(s, "MailFrom") == 0)
		return "mfrom";
	for (i = 0; s[i] != '\0' && j + 2 < outsz; i++) {
		if (i > 0 && isupper((unsigned char)s[i]))
			out[j++] = '_';
		out[j++] = (char)tolower((unsigned char)s[i]);
	}
	out[j] = '\0';
	return out;
}

static size_t nchecked;

/* One field: theirs (a JSON value) against ours (NULL: absent). */
static void
same(const char *what, json_t *theirs, const char *ours, bool is_enum)
{
	char tmp[128], num[32];
	const char *t;

	if (theirs == NULL || json_is_null(theirs)) {
		if (ours != NULL && *ours != '\0')
			goto differ;
		return;
	}
	if (json_is_integer(theirs)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(theirs));
		t = num;
	} else if (json_is_boolean(theirs)) {
		if (ours == NULL)
			return;
		t = json_is_true(theirs) ? "y" : "n";
	} else {
		t = json_string_value(theirs);
		assert_non_null(t);
		if (is_enum && (t = their_enum(t, tmp, sizeof(tmp))) == NULL)
			return;
		if (*t == '\0' && ours == NULL)
			return;
	}
	nchecked++;
	if (ours != NULL && strcmp(t, ours) == 0)
		return;
differ:
	print_error("%s: expected %s, parsed %s\n", what,
	    json_dumps(theirs, JSON_ENCODE_ANY), ours ? ours : "(absent)");
	fail();
}

struct ka {
	json_t		*exp;
	size_t		 nrec;
};

static const char *
num(char *b, size_t n, int64_t v)
{
	snprintf(b, n, "%lld", (long long)v);
	return b;
}

static enum dw_err
ka_report(void *ctx, const struct agg_report *r)
{
	struct ka *k = ctx;
	json_t *m = json_object_get(k->exp, "report_metadata");
	json_t *p = json_object_get(k->exp, "policy_published");
	json_t *dr = json_object_get(m, "date_range");
	char b[32];

	same("org_name", json_object_get(m, "org_name"), r->org_name, false);
	same("email", json_object_get(m, "email"), r->email, false);
	same("extra_contact_info", json_object_get(m, "extra_contact_info"),
	    r->extra_contact_info, false);
	same("report_id", json_object_get(m, "report_id"), r->report_id,
	    false);
	same("generator", json_object_get(m, "generator"), r->generator,
	    false);
	same("begin", json_object_get(dr, "begin"),
	    num(b, sizeof(b), r->begin), false);
	same("end", json_object_get(dr, "end"), num(b, sizeof(b), r->end),
	    false);
	assert_int_equal(json_array_size(json_object_get(m, "error")),
	    r->nerrors);
	same("domain", json_object_get(p, "domain"), r->policy.domain, false);
	same("adkim", json_object_get(p, "adkim"), r->policy.adkim, true);
	same("aspf", json_object_get(p, "aspf"), r->policy.aspf, true);
	same("p", json_object_get(p, "p"), r->policy.p, true);
	same("sp", json_object_get(p, "sp"), r->policy.sp, true);
	same("np", json_object_get(p, "np"), r->policy.np, true);
	same("testing", json_object_get(p, "testing"), r->policy.testing,
	    false);
	same("discovery_method", json_object_get(p, "discovery_method"),
	    r->policy.discovery_method, true);
	same("fo", json_object_get(p, "fo"), r->policy.fo, false);
	return DW_OK;
}

static void
ka_auth(json_t *list, const struct agg_record *rec, enum agg_auth_kind kind)
{
	const struct agg_auth *a;
	json_t *x;
	size_t i, n = 0;

	for (i = 0; i < rec->nauth; i++) {
		a = &rec->auth[i];
		if (a->kind != kind)
			continue;
		x = json_array_get(list, n++);
		assert_non_null(x);
		same("auth domain", json_object_get(x, "domain"), a->domain,
		    false);
		same("auth result", json_object_get(x, "result"), a->result,
		    true);
		same("human_result", json_object_get(x, "human_result"),
		    a->human_result, false);
		if (kind == AGG_AUTH_DKIM)
			same("selector", json_object_get(x, "selector"),
			    a->selector, false);
		else
			same("scope", json_object_get(x, "scope"), a->scope,
			    true);
	}
	assert_int_equal(n, json_array_size(list));
}

static enum dw_err
ka_record(void *ctx, const struct agg_record *rec)
{
	struct ka *k = ctx;
	json_t *x = json_array_get(json_object_get(k->exp, "record"),
	    k->nrec++);
	json_t *row = json_object_get(x, "row");
	json_t *pe = json_object_get(row, "policy_evaluated");
	json_t *id = json_object_get(x, "identifiers");
	json_t *ar = json_object_get(x, "auth_results");
	json_t *rs = json_object_get(pe, "reason");
	char b[32];
	size_t i;

	assert_non_null(x);
	same("source_ip", json_object_get(row, "source_ip"), rec->source_ip,
	    false);
	same("count", json_object_get(row, "count"),
	    num(b, sizeof(b), (int64_t)rec->count), false);
	same("disposition", json_object_get(pe, "disposition"),
	    rec->disposition, true);
	same("dkim", json_object_get(pe, "dkim"), rec->dkim, true);
	same("spf", json_object_get(pe, "spf"), rec->spf, true);
	assert_int_equal(json_array_size(rs), rec->nreasons);
	for (i = 0; i < rec->nreasons; i++) {
		same("reason type", json_object_get(json_array_get(rs, i),
		    "type_"), rec->reasons[i].type, true);
		same("reason comment", json_object_get(json_array_get(rs, i),
		    "comment"), rec->reasons[i].comment, false);
	}
	same("header_from", json_object_get(id, "header_from"),
	    rec->header_from, false);
	same("envelope_from", json_object_get(id, "envelope_from"),
	    rec->envelope_from, false);
	same("envelope_to", json_object_get(id, "envelope_to"),
	    rec->envelope_to, false);
	ka_auth(json_object_get(ar, "dkim"), rec, AGG_AUTH_DKIM);
	ka_auth(json_object_get(ar, "spf"), rec, AGG_AUTH_SPF);
	return DW_OK;
}

static void
test_known_answer(void **state)
{
	char path[1024];
	struct buf xml;
	struct ka k;
	struct agg_sink sink = { &k, ka_report, ka_record };
	struct agg_xml *p;
	struct dw_error e;
	json_error_t je;
	FILE *fp;
	int i;

	(void)state;
	snprintf(path, sizeof(path), "%s/conformance/dmarc/known-answer/"
	    "stalwart-mail-auth/aggregate/001.xml", dwtest_shared());
	if ((fp = fopen(path, "rb")) == NULL)
		skip();
	fclose(fp);
	for (i = 1; i <= 5; i++) {
		snprintf(path, sizeof(path), "%s/conformance/dmarc/"
		    "known-answer/stalwart-mail-auth/aggregate/%03d.xml",
		    dwtest_shared(), i);
		assert_true(dwtest_slurp(path, &xml));
		memcpy(path + strlen(path) - 3, "json", 5);
		k.exp = json_load_file(path, 0, &je);
		assert_non_null(k.exp);
		k.nrec = 0;
		p = agg_xml_new(&sink);
		if (agg_xml_feed(p, xml.data, xml.len, true, &e) != DW_OK) {
			print_error("%03d.xml: %s\n", i, e.msg);
			fail();
		}
		assert_int_equal(k.nrec, json_array_size(json_object_get(
		    k.exp, "record")));
		agg_xml_free(p);
		json_decref(k.exp);
		buf_fini(&xml);
	}
	print_message("# known-answer: 5 reports, %zu fields compared\n",
	    nchecked);
	assert_true(nchecked > 100);
}

/* ---- the shared corpus ---- */

struct corpus {
	size_t		 parsed;
	size_t		 repaired;
	size_t		 rejected;
};

static struct corpus cor;

/* Parses a file, with one repair retry; records per file returned. */
static size_t
corpus_one(const char *path, const char *name)
{
	struct buf xml, fixed;
	struct lines l;
	struct dw_error e;
	char note[256];
	size_t n = 0;

	assert_true(dwtest_slurp(path, &xml));
	if (parse(xml.data, xml.len, 0, &l, &e) == DW_OK) {
		cor.parsed++;
		n = l.nrec;
		goto out;
	}
	buf_fini(&l.out);
	buf_init(&l.out, 1);
	buf_init(&fixed, AGG_REPAIR_MAX * 2);
	if (agg_repair(xml.data, xml.len, &fixed, note, sizeof(note)) ==
	    DW_OK) {
		buf_fini(&l.out);
		if (parse(fixed.data, fixed.len, 7, &l, &e) == DW_OK) {
			cor.repaired++;
			n = l.nrec;
			print_message("# %s: repaired (%s), %zu records\n",
			    name, note, n);
			buf_fini(&fixed);
			goto out;
		}
	}
	assert_true(strlen(e.msg) > 0);
	cor.rejected++;
	print_message("# %s: rejected: %s\n", name, e.msg);
	buf_fini(&fixed);
out:
	buf_fini(&l.out);
	buf_fini(&xml);
	return n;
}

static void
test_corpus(void **state)
{
	static const struct {
		const char	*name;
		size_t		 records;
	} want[] = {
		{ "invalid_xml.xml", 1 },
		{ "invalid_utf_8.xml", 1 },
		{ "ikea.com!example.de!1538690400!1538776800.xml", 1 },
		{ "!large-example.com!1711897200!1711983600.xml", 2286 },
		{ "report_with_upper_cased_pass.xml", 1 },
		{ "old_draft_from_wiki.xml", 1 },
		{ "empty.xml", 0 },
	};
	static const char *const dirs[] = { "aggregate", "aggregate_invalid",
	    "." };
	char dir[768], path[1024];
	struct dirent *de;
	DIR *d;
	size_t i, j, n, found = 0;

	(void)state;
	memset(&cor, 0, sizeof(cor));
	for (i = 0; i < 3; i++) {
		snprintf(dir, sizeof(dir), "%s/corpus/parsedmarc/%s",
		    dwtest_shared(), dirs[i]);
		if ((d = opendir(dir)) == NULL) {
			if (i == 0)
				skip();
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			if (!dwtest_has_suffix(de->d_name, ".xml"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			n = corpus_one(path, de->d_name);
			for (j = 0; j < sizeof(want) / sizeof(want[0]); j++)
				if (strcmp(want[j].name, de->d_name) == 0) {
					assert_int_equal(n, want[j].records);
					found++;
				}
		}
		closedir(d);
	}
	print_message("# corpus: %zu parsed, %zu repaired, %zu rejected\n",
	    cor.parsed, cor.repaired, cor.rejected);
	assert_int_equal(found, sizeof(want) / sizeof(want[0]));
	assert_int_equal(cor.repaired, 3);
	assert_int_equal(cor.rejected, 1);	/* empty.xml */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
