/* dwtest_file.c: reading test fixtures whole (dwtest_file.h). */
#include "dwtest.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "dwtest_file.h"

bool
dwtest_slurp(const char *path, struct buf *b)
{
	char tmp[65536];
	FILE *fp;
	size_t n;
	bool ok = true;

	buf_init(b, DWTEST_FILE_MAX);
	if ((fp = fopen(path, "rb")) == NULL)
		return false;
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		if (buf_append(b, tmp, n) != DW_OK)
			ok = false;
	if (ferror(fp))
		ok = false;
	fclose(fp);
	return ok;
}

bool
dwtest_has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

size_t
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
