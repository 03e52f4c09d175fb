/* dwtest_tmp.c: a fresh scratch directory per test (see dwtest.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dwtest.h"

int
dwtest_tmp_setup(void **state)
{
	const char *t = getenv("TMPDIR");
	struct dwtest_tmp *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return -1;
	snprintf(d->dir, sizeof(d->dir), "%s/dwtestXXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(d->dir) == NULL) {
		free(d);
		return -1;
	}
	snprintf(d->path, sizeof(d->path), "%s/store.db", d->dir);
	*state = d;
	return 0;
}

int
dwtest_tmp_teardown(void **state)
{
	struct dwtest_tmp *d = *state;
	struct dirent *de;
	char p[1400];
	DIR *dir = opendir(d->dir);

	while (dir != NULL && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", d->dir, de->d_name);
		(void)unlink(p);
	}
	if (dir != NULL)
		closedir(dir);
	(void)rmdir(d->dir);
	free(d);
	return 0;
}

int64_t
dwtest_sql_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}
