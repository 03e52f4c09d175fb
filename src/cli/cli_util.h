/* cli_util.h: small helpers shared by the commands. */
#ifndef DW_CLI_UTIL_H
#define DW_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

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

/* A JSON string even for bytes that are not UTF-8 (escaped first); null
 * for NULL. */
json_t *cli_json_str(const char *s);
/* Prints j as one line and drops the reference. */
void cli_json_print(json_t *j);

#endif
