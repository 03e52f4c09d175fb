/*
 * test_spf_suite.c: the SPF conformance suites, read unchanged from
 * $DW_SHARED/conformance/spf: every scenario's zonedata feeds the zone
 * data resolver, every case runs check_host() and compares the result
 * (any of a list counts) and the explanation.  Prints "NAME: N/M passed".
 */
#include <stdio.h>
#include <string.h>

#include "dwtest.h"

#include <yaml.h>

#include "base/arena.h"
#include "dns/dns_fake.h"
#include "record/spf_eval.h"

#define SUITE_MAX_BYTES	(8u << 20)

struct tally {
	unsigned	 passed, total, skipped;
};

static const char *
scalar(yaml_document_t *d, yaml_node_t *n)
{
	(void)d;
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static yaml_node_t *
get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(d, yaml_document_get_node(d, p->key));

		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *
norm_result(const char *r)
{
	if (strcmp(r, "unknown") == 0)
		return "permerror";
	if (strcmp(r, "error") == 0)
		return "temperror";
	return r;
}

static bool
result_ok(yaml_document_t *d, yaml_node_t *want, const char *got,
    char *wbuf, size_t wsz)
{
	yaml_node_item_t *it;
	bool ok = false;

	wbuf[0] = '\0';
	if (want != NULL && want->type == YAML_SCALAR_NODE) {
		snprintf(wbuf, wsz, "%s", scalar(d, want));
		return strcmp(norm_result(scalar(d, want)), got) == 0;
	}
	if (want == NULL || want->type != YAML_SEQUENCE_NODE)
		return false;
	for (it = want->data.sequence.items.start;
	    it < want->data.sequence.items.top; it++) {
		const char *w = scalar(d, yaml_document_get_node(d, *it));
		size_t l = strlen(wbuf);

		if (w == NULL)
			continue;
		snprintf(wbuf + l, wsz - l, "%s%s", l ? "|" : "", w);
		if (strcmp(norm_result(w), got) == 0)
			ok = true;
	}
	return ok;
}

/* Reviewed skips: cases whose expectation is not RFC 7208's. */
static const struct {
	const char	*name, *why;
} skips[] = {
	{ "default-modifier", "pyspf lax mode (strict: 0): a \"default=\" "
	    "modifier RFC 7208 does not have" },
	{ "resolution-with-10-lookups", "include:d11 names a single label, "
	    "a syntax error by RFC 7208 section 7.1 (domain-end)" },
	{ "mx-resolution-10-terms", "sender domain \"mx10\" is a single "
	    "label: RFC 7208 section 4.3 gives none" },
	{ "mx-resolution-11-terms", "sender domain \"mx11\" is a single "
	    "label: RFC 7208 section 4.3 gives none" },
	{ "one-mx-not-found", "single-label sender domain (RFC 7208 "
	    "section 4.3: none)" },
	{ "all-mx-not-found", "single-label sender domain (RFC 7208 "
	    "section 4.3: none)" },
	{ "include-not-found", "single-label sender domain (RFC 7208 "
	    "section 4.3: none)" },
	{ "redirect-not-found", "single-label sender domain (RFC 7208 "
	    "section 4.3: none)" },
};

/* A reason to skip a case, or NULL. */
static const char *
skip_reason(yaml_document_t *d, const char *name, yaml_node_t *tc)
{
	yaml_node_t *r = get(d, tc, "result");
	size_t i;

	for (i = 0; i < sizeof(skips) / sizeof(skips[0]); i++)
		if (strcmp(skips[i].name, name) == 0)
			return skips[i].why;

	if (r != NULL && r->type == YAML_SCALAR_NODE &&
	    strcmp(scalar(d, r), "ambiguous") == 0)
		return "pyspf-only result \"ambiguous\"";
	if (get(d, tc, "host") == NULL)
		return "no client address";
	return NULL;
}

static void
run_case(yaml_document_t *d, struct dns_resolver *r, const char *name,
    yaml_node_t *tc, struct tally *t)
{
	const char *exp = scalar(d, get(d, tc, "explanation"));
	const char *why = skip_reason(d, name, tc);
	struct spf_query q = { 0 };
	struct spf_outcome o;
	struct arena *a;
	char want[128];
	bool ok;

	if (why != NULL) {
		printf("# skip %s: %s\n", name, why);
		t->skipped++;
		return;
	}
	a = arena_new(64u << 20);
	assert_non_null(a);
	q.ip = scalar(d, get(d, tc, "host"));
	q.sender = scalar(d, get(d, tc, "mailfrom"));
	q.helo = scalar(d, get(d, tc, "helo"));
	q.receiver = "receiver.com";
	q.default_exp = "DEFAULT";
	q.now = 1;
	t->total++;
	if (spf_check_host(a, r, &q, &o) != DW_OK) {
		printf("# FAIL %s: check_host failed\n", name);
		arena_free(a);
		return;
	}
	ok = result_ok(d, get(d, tc, "result"), spf_result_name(o.result),
	    want, sizeof(want));
	if (ok && exp != NULL && o.result == SPF_FAIL)
		ok = o.explanation != NULL && strcmp(o.explanation, exp) == 0;
	if (ok)
		t->passed++;
	else
		printf("# FAIL %s: got %s (%s) want %s (%s) problem %s\n",
		    name, spf_result_name(o.result),
		    o.explanation ? o.explanation : "-", want,
		    exp ? exp : "-", o.problem ? o.problem : "-");
	arena_free(a);
}

static void
run_doc(yaml_document_t *d, struct tally *t)
{
	yaml_node_t *root = yaml_document_get_root_node(d), *tests, *zone;
	struct dns_resolver *r;
	yaml_node_pair_t *p;
	struct dw_error e;

	tests = get(d, root, "tests");
	zone = get(d, root, "zonedata");
	if (tests == NULL || tests->type != YAML_MAPPING_NODE)
		return;
	r = dns_fake_new();
	assert_non_null(r);
	if (zone != NULL && dns_fake_load_node(r, d, zone, &e) != DW_OK) {
		printf("# zonedata refused: %s\n", e.msg);
		fail();
	}
	for (p = tests->data.mapping.pairs.start;
	    p < tests->data.mapping.pairs.top; p++)
		run_case(d, r, scalar(d, yaml_document_get_node(d, p->key)),
		    yaml_document_get_node(d, p->value), t);
	dns_free(r);
}

static bool
run_file(const char *rel, const char *label, struct tally *t)
{
	char path[1024];
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/conformance/spf/%s", dwtest_shared(),
	    rel);
	fp = fopen(path, "rb");
	if (fp == NULL)
		return false;
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_file(&parser, fp);
	for (;;) {
		yaml_node_t *root;

		if (!yaml_parser_load(&parser, &doc)) {
			printf("# %s: YAML error %s\n", label,
			    parser.problem ? parser.problem : "?");
			fail();
		}
		root = yaml_document_get_root_node(&doc);
		if (root == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		run_doc(&doc, t);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	printf("# %s: %u/%u passed", label, t->passed, t->total);
	if (t->skipped > 0)
		printf(", %u skipped", t->skipped);
	printf("\n");
	return true;
}

static void
suite(const char *rel, const char *label, bool gate)
{
	struct tally t = { 0, 0, 0 };

	if (!run_file(rel, label, &t)) {
		printf("# %s: %s not found under %s\n", label, rel,
		    dwtest_shared());
		skip();
	}
	if (gate)
		assert_int_equal(t.passed, t.total);
}

static void
rfc7208(void **state)
{
	(void)state;
	suite("rfc7208-tests.yml", "rfc7208", true);
}

static void
rfc4408(void **state)
{
	(void)state;
	suite("rfc4408-tests.yml", "rfc4408", true);
}

static void
pyspf(void **state)
{
	(void)state;
	suite("pyspf-tests.yml", "pyspf", true);
}

static void
blitiri(void **state)
{
	(void)state;
	suite("extra/blitiri/blitirispf-tests.yml", "blitiri", true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc7208),
		cmocka_unit_test(rfc4408),
		cmocka_unit_test(pyspf),
		cmocka_unit_test(blitiri),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
