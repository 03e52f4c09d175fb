/* secret.c: see secret.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "secret.h"

enum dw_err
secret_read(const char *path, char *out, size_t len, struct dw_error *e)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t n;

	out[0] = '\0';
	if (fp == NULL)
		return dw_fail(e, DW_EIO, "%s: %s", path, strerror(errno));
	if (fgets(out, (int)len, fp) == NULL)
		out[0] = '\0';
	if (fp != stdin)
		fclose(fp);
	n = strlen(out);
	if (n == len - 1 && out[n - 1] != '\n') {
		memset(out, 0, len);
		return dw_fail(e, DW_ELIMIT, "%s: the secret is longer than "
		    "%zu bytes", path, len - 2);
	}
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	if (n == 0)
		return dw_fail(e, DW_EINVAL, "%s: the secret is empty", path);
	return DW_OK;
}
