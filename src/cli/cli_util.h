/* cli_util.h: small helpers shared by the commands. */
#ifndef DW_CLI_UTIL_H
#define DW_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "cli.h"
#include "cli_json.h"
#include "base/buf.h"

/* Monotonic seconds, for durations. */
double cli_now(void);
/* Strict decimal: digits only, within [min, max]. */
bool cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Reads a whole file into b (initialized here, capped at max bytes); logs
 * "WHAT PATH: reason" and returns false when it cannot.  The caller frees
 * b with buf_fini() after a success.
 */
bool cli_read_file(const char *path, size_t max, const char *what,
    struct buf *b);

/* Prints doc indented, ASCII-only, with a newline; keeps the ref. */
struct json_t;
void cli_json_out(struct json_t *doc);
/* Report content for a terminal: controls and bad UTF-8 escaped. */
char *cli_clean(char *out, size_t sz, const char *s);

/* YYYY-MM-DD as UTC seconds at 00:00:00. */
bool cli_parse_date(const char *s, int64_t *out);
/*
 * --since or --until (since true: --since): the date into *out, or a
 * warning naming the option and the bad value.
 */
bool cli_date_opt(bool since, const char *arg, int64_t *out);
/* "YYYY-MM-DD HH:MM:SS" in UTC. */
void cli_format_utc(int64_t t, char *out, size_t sz);
/* "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339), for JSON. */
void cli_format_iso(int64_t t, char *out, size_t sz);

/*
 * Reads a secret (a password, a token) from path, or from standard input
 * when path is "-": one line, the newline dropped, at most len - 1 bytes.
 * False, with a message logged, when it cannot.
 */
bool cli_read_secret(const char *path, char *out, size_t len);

/*
 * Reads a failure report sample key file (seal.h) into key (32 bytes).
 * A secret key file that others can read is refused.  False, with a
 * message logged, when it cannot.
 */
bool cli_read_sample_key(const char *path, bool secret, uint8_t *key);
/*
 * The --keep-samples and --sample-key options of ingest and fetch: both
 * or neither.  *out is key, filled from keyfile, or NULL.  False, with a
 * message logged, when they are wrong.
 */
bool cli_sample_opts(bool keep, const char *keyfile, uint8_t *key,
    const uint8_t **out);
/*
 * Reads a list (domains) from path, or standard input for "-", into b
 * (whose cap bounds the file): one item per line, blank lines and "#"
 * comments skipped, surrounding blanks dropped.  *out points into b and
 * is freed by the caller.  Returns the number of items, or -1 (logged
 * with opt, the option that named the file) when it cannot be used.
 */
struct buf;
long cli_read_list(const char *path, const char *opt, struct buf *b,
    char ***out);

#endif
