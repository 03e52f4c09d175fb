/*
 * dwtest_json.h: the shared conformance case files, for the table tests
 * that run them.  Include after dwtest.h.
 */
#ifndef DW_DWTEST_JSON_H
#define DW_DWTEST_JSON_H

#include <stdio.h>

#include <jansson.h>

/*
 * Loads dwtest_shared()/rel with duplicate keys refused; NULL when the
 * shared data is not there.  The caller owns the result.
 */
static inline json_t *
dwtest_shared_json(const char *rel)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dwtest_shared(), rel);
	return json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
}

static inline void
dwtest_shared_absent(void **state)
{
	(void)state;
	skip();
}

/* A group of one skipped test, for when the shared data is absent. */
static inline int
dwtest_run_absent(const char *group)
{
	const struct CMUnitTest none[] = {
		cmocka_unit_test(dwtest_shared_absent),
	};

	return _cmocka_run_group_tests(group, none, 1, NULL, NULL);
}

#endif
