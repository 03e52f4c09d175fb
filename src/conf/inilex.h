/*
 * inilex.h: the line format of dmarcward's data files (the known-service
 * catalog, the domains file): the INI shape of the daemon's configuration
 * (a section [TYPE:NAME], key = value), read strictly.
 *
 *	# a comment; blank lines are ignored
 *	[service:sendgrid]		a section: a type and a name
 *	name = SendGrid			a key and its value
 *	spf  = sendgrid.net		# a comment after whitespace
 *
 * Not inih (which reads the daemon's configuration): its build here cuts
 * lines at 200 bytes into two lines, stops at a NUL, and never reports a
 * section that has no keys (a monitored [domain:NAME] needs none).  This
 * lexer takes (buf, len), reports every section header, and refuses
 * what it does not take, naming the line.
 *
 * Section types and keys are lower-case letters, digits, '_' and '-';
 * a section name is 1 to 253 bytes of letters, digits, '.', '_' and '-'
 * (a service key or a domain name; its reader checks which).  A value
 * is the rest of the line, trimmed: printable ASCII or UTF-8, no control
 * characters.  A
 * key before any section, a line over INILEX_LINE_MAX bytes, a NUL byte or
 * anything else is an error naming the line.
 *
 * inilex_parse() reads buf[0..len) (no NUL needed, never written to) and
 * calls cb once per section header and once per key; the strings in the
 * event live only during the call.  A callback's error stops the parse
 * and is returned as it is.
 */
#ifndef DW_INILEX_H
#define DW_INILEX_H

#include <stddef.h>

#include "base/err.h"

#define INILEX_LINE_MAX	1024	/* bytes of one line, without its end */
#define INILEX_NAME_MAX	253	/* a section name: a domain at most */
#define INILEX_WORD_MAX	32	/* a section type or a key */

struct inilex_event {
	const char	*type;		/* section type, e.g. "service" */
	const char	*name;		/* section name, "" if none */
	const char	*key;		/* NULL for a section header */
	const char	*value;		/* NULL for a section header */
	size_t		 line;		/* 1-based */
};

typedef enum dw_err (*inilex_cb)(void *ctx, const struct inilex_event *ev,
    struct dw_error *e);

enum dw_err inilex_parse(const char *buf, size_t len, inilex_cb cb, void *ctx,
    struct dw_error *e);

/*
 * Splits a list value ("a, b,c") into items: calls fn for each item, with
 * its length, trimmed; empty items are an error.  Borrows v.
 */
enum dw_err inilex_list(const char *v, enum dw_err (*fn)(void *ctx,
    const char *item, size_t len, struct dw_error *e), void *ctx,
    struct dw_error *e);

#endif
