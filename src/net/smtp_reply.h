/*
 * smtp_reply.h: SMTP server replies (RFC 5321 §4.2), the bytes an MX
 * sends to the STARTTLS probe.
 *
 *   Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 *                Reply-code [ SP textstring ] CRLF
 *   Reply-code = %x32-35 %x30-35 %x30-39
 *
 * smtp_reply_parse() reads buf[0..len), the bytes received so far, and
 * says whether they start with one whole reply.  It needs no NUL, never
 * writes to buf and keeps no state, so the caller appends what it reads
 * and calls it again.  The line texts of *out point into buf (borrowed):
 * valid while buf is.
 *
 * Structure is checked strictly: the code, the separator, one code for
 * every line of a multi-line reply, line length (SMTP_LINE_MAX) and line
 * count (SMTP_REPLY_LINES_MAX).  The text itself is taken as it is, and
 * bytes outside %d9 / %d32-126 only set bad_text; a line ending in LF
 * without CR sets bare_lf.  Callers escape the text before showing it.
 */
#ifndef DW_SMTP_REPLY_H
#define DW_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#define SMTP_LINE_MAX		512	/* RFC 5321 §4.5.3.1.5, with CRLF */
#define SMTP_REPLY_LINES_MAX	64	/* lines of one reply we accept */
#define SMTP_REPLY_MAX		(SMTP_LINE_MAX * SMTP_REPLY_LINES_MAX)

enum smtp_reply_status {
	SMTP_REPLY_DONE,		/* one whole reply; *used bytes */
	SMTP_REPLY_MORE,		/* incomplete: read more, call again */
	SMTP_REPLY_SYNTAX,		/* a line is not a reply line */
	SMTP_REPLY_CODE_MISMATCH,	/* lines of one reply differ in code */
	SMTP_REPLY_LINE_TOO_LONG,	/* over SMTP_LINE_MAX */
	SMTP_REPLY_TOO_MANY_LINES,	/* over SMTP_REPLY_LINES_MAX */
};

struct smtp_line {
	const char	*text;		/* after "NNN-" or "NNN ", borrowed */
	size_t		 len;		/* without the line ending */
};

struct smtp_reply {
	int		 code;		/* 200..559 */
	size_t		 nlines;
	struct smtp_line line[SMTP_REPLY_LINES_MAX];
	bool		 bare_lf;	/* a line ended in LF alone */
	bool		 bad_text;	/* text bytes outside RFC 5321 */
	size_t		 err_off;	/* where the fault is, on an error */
};

enum smtp_reply_status smtp_reply_parse(const char *buf, size_t len,
    struct smtp_reply *out, size_t *used);
const char *smtp_reply_status_name(enum smtp_reply_status s);

/*
 * True when an EHLO reply (lines after the first) announces the
 * extension keyword kw, compared without regard to ASCII case
 * (RFC 5321 §4.1.1.1).
 */
bool smtp_reply_has_ext(const struct smtp_reply *r, const char *kw);

#endif
