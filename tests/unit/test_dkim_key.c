/*
 * test_dkim_key.c: DKIM key records.  Every case of the shared file
 * dkim/key-record-cases.json is one test (the two where implementations
 * disagree follow the strict RFC 6376 §3.2 tag-list and say so), then
 * findings of our own: key sizes, hashes, revocation.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "dwtest.h"
#include "dwtest_json.h"

#include "base/arena.h"
#include "record/dkim_key.h"

#define ARENA_MAX	(1 << 20)

static const struct {
	const char	*id;
	const char	*verdict;
	const char	*why;
} strict[] = {
	{ "stalwart-02", "invalid", "';;', 'sha 256' are not RFC 6376 §3.2"
	    " / §3.6.1 syntax" },
	{ "mox-04", "invalid", "no FWS after the final ';' (§3.2)" },
};

static size_t n_cases, n_passed;

static unsigned
list_bits(json_t *arr, const char *what)
{
	unsigned bits = 0;
	size_t i;
	json_t *v;
	const char *s;

	json_array_foreach(arr, i, v) {
		s = json_string_value(v);
		if (strcmp(what, "h") == 0)
			bits |= strcasecmp(s, "sha1") == 0 ? DKIM_H_SHA1 :
			    strcasecmp(s, "sha256") == 0 ? DKIM_H_SHA256 : 0;
		else if (strcmp(what, "s") == 0)
			bits |= strcmp(s, "*") == 0 ? DKIM_S_ANY :
			    strcmp(s, "email") == 0 ? DKIM_S_EMAIL : 0;
		else
			bits |= strcmp(s, "y") == 0 ? DKIM_T_Y :
			    strcmp(s, "s") == 0 ? DKIM_T_S : 0;
	}
	return bits;
}

static void
check_expect(json_t *e, const struct dkim_key *k)
{
	json_t *v;
	const char *enc;

	if ((v = json_object_get(e, "k")) != NULL)
		assert_int_equal(strcmp(json_string_value(v), "ed25519") == 0 ?
		    DKIM_K_ED25519 : DKIM_K_RSA, k->k);
	if ((v = json_object_get(e, "h")) != NULL)
		assert_int_equal(list_bits(v, "h"), k->h);
	if ((v = json_object_get(e, "s")) != NULL)
		assert_int_equal(list_bits(v, "s"), k->s);
	if ((v = json_object_get(e, "t")) != NULL)
		assert_int_equal(list_bits(v, "t"), k->t);
	if ((v = json_object_get(e, "flags")) != NULL)
		assert_int_equal(json_array_size(v), k->t);
	if ((v = json_object_get(e, "p")) != NULL)
		assert_string_equal(json_string_value(v), k->p);
	if ((v = json_object_get(e, "n")) != NULL)
		assert_string_equal(json_string_value(v), k->n);
	if ((v = json_object_get(e, "revoked")) != NULL)
		assert_int_equal(json_is_true(v), k->revoked);
	if ((v = json_object_get(e, "key_bits")) != NULL)
		assert_int_equal(json_integer_value(v), k->bits);
	if ((v = json_object_get(e, "key_encoding")) != NULL) {
		enc = json_string_value(v);
		assert_int_equal(strstr(enc, "PKCS#1") != NULL ?
		    DKIM_ENC_PKCS1 : DKIM_ENC_SPKI, k->enc);
	}
}

static void
conformance_case(void **state)
{
	json_t *c = *state;
	const char *rec = json_string_value(json_object_get(c, "record"));
	const char *want = json_string_value(json_object_get(c, "verdict"));
	const char *id = json_string_value(json_object_get(c, "id"));
	struct arena *a = arena_new(ARENA_MAX);
	struct dkim_key *k;
	struct diag_list dl;
	json_t *v;
	size_t i;

	for (i = 0; i < sizeof(strict) / sizeof(strict[0]); i++)
		if (strcmp(strict[i].id, id) == 0)
			want = strict[i].verdict;
	diag_list_init(&dl);
	assert_int_equal(dkim_key_parse(a, rec, strlen(rec), &k, &dl), DW_OK);
	if (strcmp(want, "revoked") == 0) {
		assert_int_equal(k->status, REC_VALID);
		assert_true(k->revoked);
	} else
		assert_string_equal(want, rec_status_name(k->status));
	if ((v = json_object_get(c, "is_dkim_record")) != NULL)
		assert_int_equal(json_is_true(v), k->is_dkim);
	if (k->status == REC_VALID &&
	    (v = json_object_get(c, "expect")) != NULL)
		check_expect(v, k);
	arena_free(a);
	n_passed++;
}


static const char *
case_name(const char *id)
{
	static char buf[256];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", id);
	for (i = 0; i < sizeof(strict) / sizeof(strict[0]); i++)
		if (strcmp(strict[i].id, id) == 0)
			snprintf(buf, sizeof(buf), "%s divergent, strict RFC"
			    " 6376 says %s: %s", id, strict[i].verdict,
			    strict[i].why);
	return strdup(buf);
}

static int
run_conformance(void)
{
	json_t *root, *cases, *c;
	struct CMUnitTest *tests;
	size_t i;
	int rc;

	root = dwtest_shared_json("conformance/dkim/key-record-cases.json");
	if (root == NULL)
		return dwtest_run_absent("dkim conformance");
	cases = json_object_get(root, "cases");
	n_cases = json_array_size(cases);
	tests = calloc(n_cases, sizeof(*tests));
	assert_non_null(tests);
	json_array_foreach(cases, i, c) {
		tests[i].name = case_name(json_string_value(
		    json_object_get(c, "id")));
		tests[i].test_func = conformance_case;
		tests[i].initial_state = c;
	}
	rc = _cmocka_run_group_tests("dkim conformance", tests, n_cases,
	    NULL, NULL);
	printf("# key-record-cases.json: %zu cases, %zu passed\n", n_cases,
	    n_passed);
	for (i = 0; i < n_cases; i++)
		free((char *)tests[i].name);
	free(tests);
	json_decref(root);
	return rc;
}

/* A 512-bit RSA SubjectPublicKeyInfo, generated for this test. */
#define RSA512 "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAM5wd1/q/NJUSSZqrEw3P3eF" \
	"UCRtIiY+DDdPzRdgjY7N9ZHZPqHvvs3ggtggMLVQRhwcjNEDS+Gwvs91uPclSCcC" \
	"AwEAAQ=="

static void
findings(void **state)
{
	static const struct {
		const char	*rec;
		enum rec_status	 st;
		enum diag_code	 code;
	} cases[] = {
		{ "v=DKIM1; p=" RSA512, REC_INVALID, DIAG_DKIM_RSA_TOO_SHORT },
		{ "v=DKIM1; h=sha1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPap"
		    "iMlrwIaaPcHURo=", REC_INVALID, DIAG_DKIM_H_SHA1_ONLY },
		{ "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIa"
		    "aPcHURo", REC_INVALID, DIAG_DKIM_BAD_BASE64 },
		{ "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIa"
		    "aPcHUR=o", REC_INVALID, DIAG_DKIM_BAD_BASE64 },
		{ "k=ed25519; s=tlsrpt; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIa"
		    "aPcHURo=", REC_INVALID, DIAG_DKIM_S_NO_EMAIL },
		{ "v=DKIM1; t=y; p=", REC_VALID, DIAG_DKIM_TESTING },
		{ "v=DKIM1; p=\r\n ", REC_VALID, DIAG_DKIM_REVOKED },
		{ "v=DKIM1; p=A\nB", REC_INVALID, DIAG_TL_BAD_CHAR },
		{ "v=DKIM1; p=; ", REC_INVALID, DIAG_TL_TRAILING_WSP },
	};
	struct arena *a = arena_new(ARENA_MAX);
	struct dkim_key *k;
	struct diag_list dl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		diag_list_init(&dl);
		assert_int_equal(dkim_key_parse(a, cases[i].rec,
		    strlen(cases[i].rec), &k, &dl), DW_OK);
		assert_int_equal(k->status, cases[i].st);
		assert_non_null(diag_find(&dl, cases[i].code));
	}
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(findings),
	};
	int rc;

	rc = cmocka_run_group_tests_name("dkim key", tests, NULL, NULL);
	return rc | run_conformance();
}
