/*
 * failure_int.h: what the files of the failure report parser share
 * (failure.c: the MIME walk; failure_hdr.c: header blocks, text clean-up
 * and redaction; failure_arf.c: the feedback fields and the text form).
 * Not for use outside src/report/.
 */
#ifndef DW_FAILURE_INT_H
#define DW_FAILURE_INT_H

#include <gmime/gmime.h>

#include "../base/buf.h"
#include "failure.h"

#define FP_NAME_MAX	76	/* a field name (RFC 5322 2.1.1 line length) */

/* The parser's state for one report. */
struct fp {
	struct arena			*a;
	const struct failure_limits	*lim;
	struct failure_report		*r;
	struct dw_error			*e;
	unsigned			 parts;
	const char			*notes[FAILURE_MAX_NOTES];
	const char			*rcpt[FAILURE_MAX_LIST];
	const char			*ar[FAILURE_MAX_LIST];
	unsigned			 ndomains;	/* Reported-Domain */
};

/* One field of a header block: the value unfolded, not NUL-terminated. */
struct hfield {
	const char	*name;
	size_t		 nlen;
	const char	*value;
	size_t		 vlen;
};

struct hblock {
	struct hfield	*f;
	size_t		 n;
	size_t		 stop_line;	/* 0, or the line that was no field */
};

/*
 * Splits the header block at the start of s[0..n) into fields (arena),
 * up to the first empty line.  Leading empty lines are skipped.  A line
 * that is no field ends the block at that line (stop_line) unless strict,
 * when it is an error.  what names the block in errors.
 */
enum dw_err hblock_parse(struct fp *p, const char *s, size_t n,
    unsigned max, const char *what, bool strict, struct hblock *hb);

/* Adds a note (without any value of the report); printf-like. */
void fp_note(struct fp *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets the parser's error to out of memory or the arena's limit. */
enum dw_err fp_nomem(struct fp *p);
/* s[0..n) as clean text in the arena: valid UTF-8 (U+FFFD for bad
 * bytes), control characters as spaces, trimmed.  NULL: no memory. */
char *fp_text(struct fp *p, const char *s, size_t n);
/* s[0..n) through phi_redact() into the arena, counted in the report. */
enum dw_err fp_redact(struct fp *p, const char *s, size_t n, char **out);
/* An address with its local part redacted and its domain normalized;
 * "" for "<>". */
enum dw_err fp_addr(struct fp *p, const char *s, size_t n, char **out);
/*
 * Calls cb with the addr-spec of every mailbox of l, groups flattened,
 * until cb fails or sets *stop.
 */
typedef enum dw_err (*fp_addr_cb)(struct fp *p, const char *addr,
    void *ctx, bool *stop);
enum dw_err fp_each_mailbox(struct fp *p, InternetAddressList *l,
    fp_addr_cb cb, void *ctx);
/* A copy of s[0..n) lower-cased, trimmed, in the arena. */
char *fp_lower(struct fp *p, const char *s, size_t n);

/* The original header block: r->headers, r->nheaders, r->header_from. */
enum dw_err failure_headers(struct fp *p, const char *s, size_t n);
/* The fields of a message/feedback-report part. */
enum dw_err failure_arf_fields(struct fp *p, const char *s, size_t n);
/*
 * The fields of Exim's text form; *hdr and *hlen are set to the copied
 * header block after the marker line, or NULL when there is none.
 */
enum dw_err failure_text_fields(struct fp *p, const char *s, size_t n,
    const char **hdr, size_t *hlen);
/* Case-insensitive search of needle in s[0..n). */
const char *fp_memcasemem(const char *s, size_t n, const char *needle);

#endif
