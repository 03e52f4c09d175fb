/*
 * log.h: logging for the front ends (OpenSMTPD log.c).
 *
 * Library code does not log on its own initiative: it returns errors.  The
 * CLI and daemon log to stderr or syslog.  Every message passes through
 * log_sanitize() so report content can never forge a log line or send
 * terminal escapes (CWE-117, CWE-150).
 */
#ifndef DW_LOG_H
#define DW_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *progname, enum log_level level, bool use_syslog);
void log_setlevel(enum log_level level);
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));
/*
 * Copies s into out (size outsz, always NUL-terminated), replacing C0/C1
 * controls, DEL and invalid UTF-8 by "\xNN" escapes.  Returns out.
 */
char *log_sanitize(char *out, size_t outsz, const char *s);

#endif
