/*
 * smtp_reply.c: one SMTP reply out of the bytes received so far.
 */
#include <string.h>
#include <strings.h>

#include "net/smtp_reply.h"

const char *
smtp_reply_status_name(enum smtp_reply_status s)
{
	static const char *const names[] = {
		[SMTP_REPLY_DONE] = "complete",
		[SMTP_REPLY_MORE] = "incomplete",
		[SMTP_REPLY_SYNTAX] = "not an SMTP reply line",
		[SMTP_REPLY_CODE_MISMATCH] =
		    "the lines of one reply have different codes",
		[SMTP_REPLY_LINE_TOO_LONG] = "reply line over 512 octets",
		[SMTP_REPLY_TOO_MANY_LINES] = "reply over 64 lines",
	};

	if ((size_t)s >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[s];
}

/* Reply-code = %x32-35 %x30-35 %x30-39; -1 when s[0..3) is not one. */
static int
reply_code(const char *s)
{
	if (s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '5' ||
	    s[2] < '0' || s[2] > '9')
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

static bool
text_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch != '\t' && (ch < 32 || ch > 126))
			return false;
	}
	return true;
}

/*
 * One line s[0..n) without its ending; *last says whether it ends the
 * reply.  Fills line and checks the code against r->code.
 */
static enum smtp_reply_status
one_line(struct smtp_reply *r, const char *s, size_t n, bool *last)
{
	struct smtp_line *l = &r->line[r->nlines];
	int code;

	code = n >= 3 ? reply_code(s) : -1;
	if (code < 0)
		return SMTP_REPLY_SYNTAX;
	if (n > 3 && s[3] != '-' && s[3] != ' ')
		return SMTP_REPLY_SYNTAX;
	if (r->nlines > 0 && code != r->code)
		return SMTP_REPLY_CODE_MISMATCH;
	r->code = code;
	*last = n == 3 || s[3] == ' ';
	l->text = s + (n > 3 ? 4 : 3);
	l->len = n > 3 ? n - 4 : 0;
	if (!text_ok(l->text, l->len))
		r->bad_text = true;
	r->nlines++;
	return SMTP_REPLY_DONE;
}

enum smtp_reply_status
smtp_reply_parse(const char *buf, size_t len, struct smtp_reply *out,
    size_t *used)
{
	enum smtp_reply_status st;
	size_t pos = 0, n;
	const char *lf;
	bool last = false;

	memset(out, 0, sizeof(*out));
	*used = 0;
	while (!last) {
		if (out->nlines >= SMTP_REPLY_LINES_MAX) {
			out->err_off = pos;
			return SMTP_REPLY_TOO_MANY_LINES;
		}
		lf = memchr(buf + pos, '\n', len - pos);
		if (lf == NULL) {
			out->err_off = pos;
			return len - pos >= SMTP_LINE_MAX ?
			    SMTP_REPLY_LINE_TOO_LONG : SMTP_REPLY_MORE;
		}
		n = (size_t)(lf - (buf + pos));
		if (n + 1 > SMTP_LINE_MAX) {
			out->err_off = pos;
			return SMTP_REPLY_LINE_TOO_LONG;
		}
		if (n > 0 && buf[pos + n - 1] == '\r')
			n--;
		else
			out->bare_lf = true;
		st = one_line(out, buf + pos, n, &last);
		if (st != SMTP_REPLY_DONE) {
			out->err_off = pos;
			return st;
		}
		pos = (size_t)(lf - buf) + 1;
	}
	*used = pos;
	return SMTP_REPLY_DONE;
}

bool
smtp_reply_has_ext(const struct smtp_reply *r, const char *kw)
{
	size_t i, klen = strlen(kw);

	for (i = 1; i < r->nlines; i++) {
		const struct smtp_line *l = &r->line[i];

		if (l->len >= klen && strncasecmp(l->text, kw, klen) == 0 &&
		    (l->len == klen || l->text[klen] == ' '))
			return true;
	}
	return false;
}
