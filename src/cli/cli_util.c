/* cli_util.c: small helpers shared by the commands. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "cli_util.h"

double
cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool
cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool
cli_read_secret(const char *path, char *out, size_t len)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t n;

	if (fp == NULL) {
		log_warnx("%s: %s", path, strerror(errno));
		return false;
	}
	if (fgets(out, (int)len, fp) == NULL)
		out[0] = '\0';
	if (fp != stdin)
		fclose(fp);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	else if (n == len - 1) {
		log_warnx("%s: the secret is longer than %zu bytes", path,
		    len - 1);
		return false;
	}
	if (n > 0 && out[n - 1] == '\r')
		out[--n] = '\0';
	if (n == 0) {
		log_warnx("%s: the secret is empty", path);
		return false;
	}
	return true;
}
