/*
 * test_bimi.c: BIMI records beyond the text cases in tests/cases/bimi.test:
 * the values kept, and inputs that are not NUL-terminated.
 */
#include <string.h>

#include "dwtest.h"

#include "base/arena.h"
#include "record/bimi.h"

static void
values(void **state)
{
	static const char rec[] = "v=BIMI1; l=https://c.example/l.svg; a=;X";
	static const char dup[] = "v=BIMI1; l=https://x.example/l.svg; l=";
	struct arena *a = arena_new(1 << 16);
	struct bimi_record *r;
	struct diag_list dl;

	(void)state;
	diag_list_init(&dl);
	/* the length stops before ";X": no NUL is needed */
	assert_int_equal(bimi_parse(a, rec, sizeof(rec) - 3, &r, &dl), DW_OK);
	assert_int_equal(r->status, REC_VALID);
	assert_string_equal(r->l, "https://c.example/l.svg");
	assert_string_equal(r->a, "");
	assert_false(r->declined);
	assert_non_null(diag_find(&dl, DIAG_BIMI_NO_AUTHORITY));
	diag_list_init(&dl);
	assert_int_equal(bimi_parse(a, dup, strlen(dup), &r, &dl), DW_OK);
	assert_int_equal(r->status, REC_INVALID);
	assert_non_null(diag_find(&dl, DIAG_TL_DUPLICATE));
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values),
	};

	return cmocka_run_group_tests_name("bimi", tests, NULL, NULL);
}
