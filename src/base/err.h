/*
 * err.h: the one error enum of dmarcward.
 *
 * Numbers are stable and append only: a code is never renumbered or reused
 * once it has shipped, so logs and the JSON API stay comparable across
 * versions.  Fallible library functions return enum dw_err and put results
 * in out-parameters; bool is kept for predicates.
 */
#ifndef DW_ERR_H
#define DW_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum dw_err {
	DW_OK = 0,
	DW_ENOMEM = 1,		/* allocation failed */
	DW_ESYNTAX = 2,		/* malformed input; details in the message */
	DW_ELIMIT = 3,		/* a configured bound was hit */
	DW_EDNS_TEMP = 4,	/* SERVFAIL or timeout: retry later */
	DW_EDNS_PERM = 5,	/* NXDOMAIN */
	DW_EIO = 6,		/* read, write or open failed */
	DW_ESTORE = 7,		/* the store failed */
	DW_EAUTH = 8,		/* authentication failed */
	DW_EUNSUPPORTED = 9,	/* valid input of a kind not handled */
	DW_ENOTREPORT = 10,	/* input holds no report of the wanted kind */
	DW_EDUP = 11,		/* already stored */
	DW_EINVAL = 12,		/* bad argument or configuration */
	DW_ENOTFOUND = 13,	/* the thing asked for does not exist */
	DW_EINTR = 14,		/* interrupted by a signal or a callback */
	DW_EFULL = 15,		/* the store's disk or size limit is full */
};

const char *dw_strerror(enum dw_err);

/*
 * A failure with its reason, filled by the function that failed.  The text
 * names what was wrong ("gzip: decompressed size over 64 MiB limit"); the
 * caller adds which input it was.  Messages longer than the buffer are cut
 * at a character boundary: this is a diagnostic, never data.
 */
#define DW_ERRMSG_MAX 512

struct dw_error {
	enum dw_err	 code;
	char		 msg[DW_ERRMSG_MAX];
};

/* Sets e (may be NULL) and returns code, so "return dw_fail(e, ...)" works. */
enum dw_err dw_fail(struct dw_error *e, enum dw_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
enum dw_err dw_vfail(struct dw_error *e, enum dw_err code, const char *fmt,
    va_list ap) __attribute__((format(printf, 3, 0)));
void dw_error_clear(struct dw_error *e);

#endif
