/* cli_util.c: small helpers shared by the commands. */
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/secret.h"
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
	struct dw_error e;

	if (secret_read(path, out, len, &e) == DW_OK)
		return true;
	log_warnx("%s", e.msg);
	return false;
}

int
cli_subcommand(struct cli *c, int argc, char **argv,
    const struct cli_sub *subs, size_t n, void (*usage)(FILE *))
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	for (i = 0; i < n; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(c, argc - 1, argv + 1);
	log_warnx("%s: unknown subcommand \"%s\"", argv[0], argv[1]);
	usage(stderr);
	return CLI_EXIT_FAIL;
}
