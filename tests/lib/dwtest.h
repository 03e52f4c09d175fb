/*
 * dwtest.h: what every cmocka test file needs, in the order cmocka wants
 * it, plus the location of the shared conformance data.
 */
#ifndef DW_DWTEST_H
#define DW_DWTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

/*
 * The directory holding the shared conformance suites and report corpus:
 * $DW_SHARED, else ../shared beside the repository.  Tests that need it
 * call skip() when it is missing.
 */
static inline const char *
dwtest_shared(void)
{
	const char *s = getenv("DW_SHARED");

	return (s != NULL && *s != '\0') ? s : "../shared";
}

/*
 * A scratch directory under $TMPDIR for one test, with path naming a
 * store file in it: cmocka setup and teardown functions (the state is a
 * struct dwtest_tmp); teardown removes the files and the directory.
 */
struct dwtest_tmp {
	char	dir[1024];
	char	path[1100];
};
int dwtest_tmp_setup(void **state);
int dwtest_tmp_teardown(void **state);

/*
 * The first column of the first row of sql on the store file db, opened
 * read-only beside the store under test, or -1 when there is no row.
 */
int64_t dwtest_sql_int(const char *db, const char *sql);

#endif
