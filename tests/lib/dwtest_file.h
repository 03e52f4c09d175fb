/*
 * dwtest_file.h: reading fixture files, for the table tests that run a
 * folder of them.  Include after dwtest.h.
 */
#ifndef DW_DWTEST_FILE_H
#define DW_DWTEST_FILE_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"

#define DWTEST_FILE_MAX	((size_t)64 << 20)

/* Reads path into b (initialized here, capped at DWTEST_FILE_MAX). */
static inline bool
dwtest_slurp(const char *path, struct buf *b)
{
	char tmp[65536];
	FILE *fp = fopen(path, "rb");
	size_t n;
	bool ok = true;

	buf_init(b, DWTEST_FILE_MAX);
	if (fp == NULL)
		return false;
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		if (buf_append(b, tmp, n) != DW_OK)
			ok = false;
	fclose(fp);
	return ok;
}

static inline bool
dwtest_has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

/*
 * Calls fn(dir, base) for every dir/BASE+suffix (base without the
 * suffix); returns how many.
 */
static inline size_t
dwtest_each(const char *dir, const char *suffix,
    void (*fn)(const char *dir, const char *base))
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char base[512];
	size_t n = 0, k = strlen(suffix);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (!dwtest_has_suffix(de->d_name, suffix) ||
		    strlen(de->d_name) >= sizeof(base))
			continue;
		snprintf(base, sizeof(base), "%.*s",
		    (int)(strlen(de->d_name) - k), de->d_name);
		fn(dir, base);
		n++;
	}
	closedir(d);
	return n;
}

#endif
