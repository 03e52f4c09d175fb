/* cli_util.h: small helpers shared by the commands. */
#ifndef DW_CLI_UTIL_H
#define DW_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "cli.h"

/* Monotonic seconds, for durations. */
double cli_now(void);
/* Strict decimal: digits only, within [min, max]. */
bool cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* YYYY-MM-DD as UTC seconds at 00:00:00. */
bool cli_parse_date(const char *s, int64_t *out);
/* "YYYY-MM-DD HH:MM:SS" in UTC. */
void cli_format_utc(int64_t t, char *out, size_t sz);

/*
 * Reads a secret (a password, a token) from path, or from standard input
 * when path is "-": one line, the newline dropped, at most len - 1 bytes.
 * False, with a message logged, when it cannot.
 */
bool cli_read_secret(const char *path, char *out, size_t len);

/* A subcommand: "spf eval", "probe smtp". */
struct cli_sub {
	const char	*name;
	int		(*run)(struct cli *c, int argc, char **argv);
};

/*
 * Runs the subcommand of subs[0..n) named by argv[1], with argv + 1 (so
 * its argv[0] is its own name).  No name, -h or --help prints usage;
 * an unknown name is a usage error naming argv[0] and the subcommand.
 */
int cli_subcommand(struct cli *c, int argc, char **argv,
    const struct cli_sub *subs, size_t n, void (*usage)(FILE *));

/* A JSON string even for bytes that are not UTF-8 (escaped first); null
 * for NULL. */
json_t *cli_json_str(const char *s);
/* Prints j as one line and drops the reference. */
void cli_json_print(json_t *j);

#endif
