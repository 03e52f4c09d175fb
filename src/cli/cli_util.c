/* cli_util.c: small helpers shared by the commands. */
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/mono.h"
#include "base/secret.h"
#include "cli_util.h"

double
cli_now(void)
{
	return mono_now();
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
	struct dw_error e;

	if (secret_read(path, out, len, &e) == DW_OK)
		return true;
	log_warnx("%s", e.msg);
	return false;
}
