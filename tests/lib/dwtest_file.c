/* dwtest_file.c: reading test fixtures whole (dwtest_file.h). */
#include <stdio.h>

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
