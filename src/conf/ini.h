/*
 * ini.h: the line format of dmarcward's data and configuration files (the
 * known-service catalog, the domains file).
 *
 *	# a comment; blank lines are ignored
 *	[service sendgrid]		a section: a type and a name
 *	name = SendGrid			a key and its value
 *	spf  = sendgrid.net		# a comment after whitespace
 *
 * Section types and keys are lower-case letters, digits, '_' and '-';
 * a section name is 1 to 253 bytes of lower-case letters, digits, '.',
 * '_' and '-' (a service key or a domain name).  A value is the rest of
 * the line, trimmed: printable ASCII or UTF-8, no control characters.  A
 * key before any section, a line over INI_LINE_MAX bytes, a NUL byte or
 * anything else is an error naming the line.
 *
 * ini_parse() reads buf[0..len) (no NUL needed, never written to) and
 * calls cb once per section header and once per key; the strings in the
 * event live only during the call.  A callback's error stops the parse
 * and is returned as it is.
 */
#ifndef DW_INI_H
#define DW_INI_H

#include <stddef.h>

#include "base/err.h"

#define INI_LINE_MAX	1024	/* bytes of one line, without its end */
#define INI_NAME_MAX	253	/* a section name: a domain at most */
#define INI_WORD_MAX	32	/* a section type or a key */

struct ini_event {
	const char	*type;		/* section type, e.g. "service" */
	const char	*name;		/* section name, "" if none */
	const char	*key;		/* NULL for a section header */
	const char	*value;		/* NULL for a section header */
	size_t		 line;		/* 1-based */
};

typedef enum dw_err (*ini_cb)(void *ctx, const struct ini_event *ev,
    struct dw_error *e);

enum dw_err ini_parse(const char *buf, size_t len, ini_cb cb, void *ctx,
    struct dw_error *e);

/*
 * Splits a list value ("a, b,c") into items: calls fn for each item, with
 * its length, trimmed; empty items are an error.  Borrows v.
 */
enum dw_err ini_list(const char *v, enum dw_err (*fn)(void *ctx,
    const char *item, size_t len, struct dw_error *e), void *ctx,
    struct dw_error *e);

#endif
