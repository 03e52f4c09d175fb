/*
 * test_mtasts.c: MTA-STS records, policy files and MX patterns.  Every
 * case of the shared file mta-sts/cases.json is one test; the one where
 * implementations disagree against RFC 8461 follows the RFC and says so.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dwtest.h"
#include "dwtest_json.h"

#include "base/arena.h"
#include "record/mtasts.h"

#define ARENA_MAX	(1 << 20)

static const struct {
	const char	*id;
	const char	*verdict;
	const char	*why;
} rfc8461[] = {
	{ "checkdmarc-policy-13", "valid", "§3.2 allows extension pairs:"
	    " accepted and ignored" },
};

static size_t n_cases[3], n_passed[3];

static const char *
override(const char *id, const char **why)
{
	size_t i;

	*why = NULL;
	for (i = 0; i < sizeof(rfc8461) / sizeof(rfc8461[0]); i++) {
		if (strcmp(rfc8461[i].id, id) == 0) {
			*why = rfc8461[i].why;
			return rfc8461[i].verdict;
		}
	}
	return NULL;
}

static void
check_ext(json_t *want, const struct mtasts_ext *ext, size_t n)
{
	size_t i;
	json_t *w;

	assert_int_equal(json_array_size(want), n);
	json_array_foreach(want, i, w) {
		assert_string_equal(json_string_value(json_array_get(w, 0)),
		    ext[i].name);
		assert_string_equal(json_string_value(json_array_get(w, 1)),
		    ext[i].value);
	}
}

static void
record_case(void **state)
{
	json_t *c = *state, *e, *v;
	const char *in = json_string_value(json_object_get(c, "input"));
	struct arena *a = arena_new(ARENA_MAX);
	struct mtasts_record *r;
	struct diag_list dl;

	diag_list_init(&dl);
	assert_int_equal(mtasts_record_parse(a, in, strlen(in), &r, &dl),
	    DW_OK);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")),
	    rec_status_name(r->status));
	e = json_object_get(c, "expect");
	if ((v = json_object_get(e, "id")) != NULL)
		assert_string_equal(json_string_value(v), r->id);
	if ((v = json_object_get(e, "extensions")) != NULL)
		check_ext(v, r->ext, r->next);
	arena_free(a);
	n_passed[0]++;
}

static void
policy_case(void **state)
{
	json_t *c = *state, *e, *v, *m;
	const char *in = json_string_value(json_object_get(c, "input"));
	const char *why, *want = override(json_string_value(
	    json_object_get(c, "id")), &why);
	struct arena *a = arena_new(ARENA_MAX);
	struct mtasts_policy *p;
	struct diag_list dl;
	size_t i;

	if (want == NULL)
		want = json_string_value(json_object_get(c, "verdict"));
	diag_list_init(&dl);
	assert_int_equal(mtasts_policy_parse(a, in, strlen(in), &p, &dl),
	    DW_OK);
	assert_string_equal(want, rec_status_name(p->status));
	e = json_object_get(c, "expect");
	if ((v = json_object_get(e, "mode")) != NULL)
		assert_int_equal(p->mode, strcmp(json_string_value(v),
		    "enforce") == 0 ? MTASTS_MODE_ENFORCE :
		    strcmp(json_string_value(v), "testing") == 0 ?
		    MTASTS_MODE_TESTING : MTASTS_MODE_NONE);
	if ((v = json_object_get(e, "max_age")) != NULL)
		assert_int_equal(json_integer_value(v), p->max_age);
	if ((v = json_object_get(e, "mx")) != NULL) {
		assert_int_equal(json_array_size(v), p->nmx);
		json_array_foreach(v, i, m)
			assert_string_equal(json_string_value(m), p->mx[i]);
	}
	if ((v = json_object_get(e, "extensions")) != NULL)
		check_ext(v, p->ext, p->next);
	arena_free(a);
	n_passed[1]++;
}

static void
mx_case(void **state)
{
	json_t *c = *state, *pats = json_object_get(c, "policy_mx"), *m;
	const char *host = json_string_value(json_object_get(c, "host"));
	struct mtasts_policy p;
	size_t i;

	memset(&p, 0, sizeof(p));
	json_array_foreach(pats, i, m)
		p.mx[p.nmx++] = json_string_value(m);
	assert_int_equal(mtasts_mx_match(&p, host, strlen(host)),
	    json_is_true(json_object_get(c, "match")));
	n_passed[2]++;
}


static void
add_tests(struct CMUnitTest *tests, size_t *k, json_t *arr,
    void (*fn)(void **), const char *kind)
{
	char buf[512];
	const char *id, *why;
	size_t i;
	json_t *c;

	json_array_foreach(arr, i, c) {
		id = json_string_value(json_object_get(c, "id"));
		if (id == NULL)
			snprintf(buf, sizeof(buf), "%s %s", kind,
			    json_string_value(json_object_get(c, "host")));
		else if (override(id, &why) != NULL)
			snprintf(buf, sizeof(buf), "%s divergent, RFC 8461"
			    " says %s: %s", id, override(id, &why), why);
		else
			snprintf(buf, sizeof(buf), "%s", id);
		tests[*k].name = strdup(buf);
		tests[*k].test_func = fn;
		tests[*k].initial_state = c;
		(*k)++;
	}
}

static int
run_conformance(void)
{
	static const char *parts[] = { "records", "policies", "mx_matching" };
	json_t *root;
	struct CMUnitTest *tests;
	size_t i, k = 0, total = 0;
	int rc;

	root = dwtest_shared_json("conformance/mta-sts/cases.json");
	if (root == NULL)
		return dwtest_run_absent("mta-sts conformance");
	for (i = 0; i < 3; i++) {
		n_cases[i] = json_array_size(json_object_get(root, parts[i]));
		total += n_cases[i];
	}
	tests = calloc(total, sizeof(*tests));
	assert_non_null(tests);
	add_tests(tests, &k, json_object_get(root, "records"), record_case,
	    "record");
	add_tests(tests, &k, json_object_get(root, "policies"), policy_case,
	    "policy");
	add_tests(tests, &k, json_object_get(root, "mx_matching"), mx_case,
	    "mx");
	rc = _cmocka_run_group_tests("mta-sts conformance", tests, total,
	    NULL, NULL);
	for (i = 0; i < 3; i++)
		printf("# cases.json %s: %zu cases, %zu passed\n", parts[i],
		    n_cases[i], n_passed[i]);
	for (i = 0; i < total; i++)
		free((char *)tests[i].name);
	free(tests);
	json_decref(root);
	return rc;
}

static void
policy_limits(void **state)
{
	struct arena *a = arena_new(ARENA_MAX);
	struct mtasts_policy *p;
	struct diag_list dl;
	char *big;
	static const char ok[] = "version: STSv1\nmode: enforce\n"
	    "mx: mx.clinic.example\nmax_age: 604800\n";
	static const char blank[] = "version: STSv1\n\nmode: none\n"
	    "max_age: 604800\n";

	(void)state;
	big = malloc(MTASTS_POLICY_MAX + 1);
	assert_non_null(big);
	memset(big, 'x', MTASTS_POLICY_MAX + 1);
	diag_list_init(&dl);
	assert_int_equal(mtasts_policy_parse(a, big, MTASTS_POLICY_MAX + 1,
	    &p, &dl), DW_ELIMIT);
	assert_int_equal(p->status, REC_INVALID);
	assert_non_null(diag_find(&dl, DIAG_STS_POLICY_TOO_LARGE));
	free(big);
	diag_list_init(&dl);
	assert_int_equal(mtasts_policy_parse(a, ok, sizeof(ok) - 1, &p, &dl),
	    DW_OK);
	assert_int_equal(p->status, REC_VALID);
	assert_true(mtasts_mx_match(p, "MX.clinic.example.", 18));
	assert_false(mtasts_mx_match(p, "mx.clinic.example.org", 21));
	diag_list_init(&dl);
	assert_int_equal(mtasts_policy_parse(a, blank, sizeof(blank) - 1, &p,
	    &dl), DW_OK);
	assert_int_equal(p->status, REC_INVALID);
	assert_int_equal(diag_find(&dl, DIAG_STS_POLICY_BAD_LINE)->off, 15);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_limits),
	};
	int rc;

	rc = cmocka_run_group_tests_name("mta-sts", tests, NULL, NULL);
	return rc | run_conformance();
}
