/* dwtest_tmp.c: a fresh scratch directory per test (see dwtest.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
