/*
 * test_tlsrpt_record.c: _smtp._tls records.  Every case of the shared
 * file tlsrpt/record-cases.json is one test; the repeated-rua case where
 * implementations disagree is accepted with a finding and named so.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dwtest.h"
#include "dwtest_json.h"

#include "base/arena.h"
#include "record/tlsrpt_record.h"

#define ARENA_MAX	(1 << 20)

static size_t n_cases, n_passed;

static void
check_expect(json_t *e, const struct tlsrpt_record *r)
{
	json_t *v, *g, *u;
	size_t i, j, k = 0;

	if ((v = json_object_get(e, "rua_groups")) != NULL) {
		assert_int_equal(json_array_size(v), r->ngroups);
		json_array_foreach(v, i, g) {
			json_array_foreach(g, j, u) {
				assert_true(k < r->nrua);
				assert_int_equal(r->rua[k].group, i);
				assert_string_equal(json_string_value(u),
				    r->rua[k++].uri);
			}
		}
		assert_int_equal(k, r->nrua);
	}
	if ((v = json_object_get(e, "rua")) != NULL) {
		assert_int_equal(json_array_size(v), r->nrua);
		json_array_foreach(v, i, u)
			assert_string_equal(json_string_value(u), r->rua[i].uri);
	}
	if ((v = json_object_get(e, "extensions")) != NULL) {
		assert_int_equal(json_array_size(v), r->next);
		json_array_foreach(v, i, g) {
			assert_string_equal(json_string_value(
			    json_array_get(g, 0)), r->ext[i].name);
			assert_string_equal(json_string_value(
			    json_array_get(g, 1)), r->ext[i].value);
		}
	}
}

static void
conformance_case(void **state)
{
	json_t *c = *state, *e;
	const char *in = json_string_value(json_object_get(c, "input"));
	struct arena *a = arena_new(ARENA_MAX);
	struct tlsrpt_record *r;
	struct diag_list dl;

	diag_list_init(&dl);
	assert_int_equal(tlsrpt_record_parse(a, in, strlen(in), &r, &dl),
	    DW_OK);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")),
	    rec_status_name(r->status));
	e = json_object_get(c, "expect");
	if (e != NULL)
		check_expect(e, r);
	if (r->ngroups > 1)
		assert_non_null(diag_find(&dl, DIAG_TLSRPT_REPEATED_RUA));
	arena_free(a);
	n_passed++;
}


static int
run_conformance(void)
{
	char buf[256];
	json_t *root, *cases, *c;
	struct CMUnitTest *tests;
	const char *id;
	size_t i;
	int rc;

	root = dwtest_shared_json("conformance/tlsrpt/record-cases.json");
	if (root == NULL)
		return dwtest_run_absent("tlsrpt conformance");
	cases = json_object_get(root, "records");
	n_cases = json_array_size(cases);
	tests = calloc(n_cases, sizeof(*tests));
	assert_non_null(tests);
	json_array_foreach(cases, i, c) {
		id = json_string_value(json_object_get(c, "id"));
		snprintf(buf, sizeof(buf), "%s%s", id, strcmp(id, "mox-04") ==
		    0 ? " divergent, RFC 8460 §3 ABNF repeats fields: valid"
		    " with a tlsrpt.repeated_rua finding" : "");
		tests[i].name = strdup(buf);
		tests[i].test_func = conformance_case;
		tests[i].initial_state = c;
	}
	rc = _cmocka_run_group_tests("tlsrpt conformance", tests, n_cases,
	    NULL, NULL);
	printf("# record-cases.json: %zu cases, %zu passed\n", n_cases,
	    n_passed);
	for (i = 0; i < n_cases; i++)
		free((char *)tests[i].name);
	free(tests);
	json_decref(root);
	return rc;
}

static void
own_cases(void **state)
{
	static const struct {
		const char	*rec;
		enum rec_status	 st;
	} cases[] = {
		{ "v=TLSRPTv1; rua=mailto:tls@clinic.example", REC_VALID },
		{ "v=TLSRPTv1; rua=http://clinic.example/r", REC_INVALID },
		{ "v=TLSRPTv1; rua = mailto:tls@clinic.example", REC_INVALID },
		{ "v=TLSRPTv1; rua=mailto:nobody", REC_INVALID },
		{ " v=TLSRPTv1; rua=mailto:tls@clinic.example", REC_INVALID },
		{ "v=TLSRPTv1; v=TLSRPTv1; rua=mailto:t@c.example",
		    REC_INVALID },
		{ "", REC_INVALID },
	};
	struct arena *a = arena_new(ARENA_MAX);
	struct tlsrpt_record *r;
	struct diag_list dl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		diag_list_init(&dl);
		assert_int_equal(tlsrpt_record_parse(a, cases[i].rec,
		    strlen(cases[i].rec), &r, &dl), DW_OK);
		assert_int_equal(r->status, cases[i].st);
	}
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_cases),
	};
	int rc;

	rc = cmocka_run_group_tests_name("tlsrpt record", tests, NULL, NULL);
	return rc | run_conformance();
}
