/*
 * agg_repair.c: bounded repairs of the faults real reporters are known to
 * send, for a document (at most AGG_REPAIR_MAX bytes) that failed to
 * parse.  Only these, each found by a specific test and nothing else:
 *
 * 1. An unescaped '<' in element text, as in
 *    <email><bad-xml@example.net></email> or bad<xml.example: a '<' that
 *    cannot start markup (a tag name followed by space, '/' or '>', a
 *    closing tag, a comment, CDATA or a processing instruction) becomes
 *    "&lt;".
 * 2. Bytes that are not UTF-8 in a document declared (or defaulting to)
 *    UTF-8: each such byte is read as Windows-1252 and written as UTF-8.
 *    A byte Windows-1252 leaves undefined means this repair does not
 *    apply.
 * 3. An unclosed wrapper element around <feedback> (one reporter sends
 *    <xs:schema ...> before it and never closes it): the wrapper's start
 *    tag is removed when the document has no end tag for it.
 *
 * A generic broken document (truncated, mismatched tags) gets none of
 * them: agg_repair() then returns DW_ENOTFOUND.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "agg_xml.h"

const uint16_t agg_cp1252_hi[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

struct fixes {
	size_t	 wrap_off;	/* the wrapper's start tag, when wrap_len */
	size_t	 wrap_len;
	char	 wrap_name[64];
	size_t	 nlt;		/* stray '<' */
	size_t	 nbytes;	/* bytes transcoded from Windows-1252 */
};

static bool
name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '_' || c == ':' || c >= 0x80;
}

static bool
name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	    c == '.';
}

static bool
space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset just past the first "end" at or after i, or len. */
static size_t
past(const char *d, size_t len, size_t i, const char *end)
{
	size_t n = strlen(end);

	for (; i + n <= len; i++)
		if (memcmp(d + i, end, n) == 0)
			return i + n;
	return len;
}

/* Offset just past the '>' closing a tag begun at i, quotes respected. */
static size_t
tag_end(const char *d, size_t len, size_t i)
{
	char q = 0;

	for (; i < len; i++) {
		if (q != 0) {
			if (d[i] == q)
				q = 0;
		} else if (d[i] == '"' || d[i] == '\'') {
			q = d[i];
		} else if (d[i] == '>') {
			return i + 1;
		}
	}
	return len;
}

/* Length of the name at d[i..), 0 when none starts there. */
static size_t
name_len(const char *d, size_t len, size_t i)
{
	size_t j = i;

	if (j >= len || !name_start((unsigned char)d[j]))
		return 0;
	while (j < len && name_char((unsigned char)d[j]))
		j++;
	return j - i;
}

/*
 * Where the markup starting with '<' at i ends, or 0 when this '<' cannot
 * start markup (a stray one).
 */
static size_t
markup(const char *d, size_t len, size_t i)
{
	size_t n, j;

	if (len - i >= 4 && memcmp(d + i, "<!--", 4) == 0)
		return past(d, len, i + 4, "-->");
	if (len - i >= 9 && memcmp(d + i, "<![CDATA[", 9) == 0)
		return past(d, len, i + 9, "]]>");
	if (len - i >= 2 && (d[i + 1] == '?' || d[i + 1] == '!'))
		return past(d, len, i + 2, d[i + 1] == '?' ? "?>" : ">");
	if (len - i >= 2 && d[i + 1] == '/') {
		if ((n = name_len(d, len, i + 2)) == 0)
			return 0;
		for (j = i + 2 + n; j < len && space((unsigned char)d[j]); j++)
			;
		return j < len && d[j] == '>' ? j + 1 : 0;
	}
	if ((n = name_len(d, len, i + 1)) == 0)
		return 0;
	j = i + 1 + n;
	if (j < len && !space((unsigned char)d[j]) && d[j] != '/' &&
	    d[j] != '>')
		return 0;
	return tag_end(d, len, j);
}

/* The offset of the next stray '<' at or after i, or len. */
static size_t
next_stray(const char *d, size_t len, size_t i)
{
	const char *lt;
	size_t end;

	while (i < len) {
		lt = memchr(d + i, '<', len - i);
		if (lt == NULL)
			return len;
		i = (size_t)(lt - d);
		end = markup(d, len, i);
		if (end == 0)
			return i;
		i = end;
	}
	return len;
}

/* Length of the valid UTF-8 sequence at d[i..), 0 when invalid. */
static size_t
utf8_len(const unsigned char *d, size_t len, size_t i)
{
	unsigned char c = d[i];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, k;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (len - i < n)
		return 0;
	for (k = 1; k < n; k++) {
		if (d[i + k] < lo || d[i + k] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/* True when the document is, by its declaration, UTF-8. */
static bool
declared_utf8(const char *d, size_t len)
{
	const char *enc, *q;
	size_t end, n;

	if (len >= 2 && ((unsigned char)d[0] == 0xfe ||
	    (unsigned char)d[0] == 0xff || d[0] == '\0' || d[1] == '\0'))
		return false;
	if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
		d += 3;
		len -= 3;
	}
	if (len < 5 || memcmp(d, "<?xml", 5) != 0)
		return true;
	end = past(d, len, 5, "?>");
	n = past(d, end, 5, "encoding");
	if (n == end)
		return true;
	enc = d + n;
	q = memchr(enc, '"', end - (size_t)(enc - d));
	if (q == NULL)
		q = memchr(enc, '\'', end - (size_t)(enc - d));
	if (q == NULL)
		return false;
	n = end - (size_t)(q + 1 - d);
	return n >= 6 && strncasecmp(q + 1, "utf-8", 5) == 0 &&
	    (q[6] == '"' || q[6] == '\'');
}

/* A few stray bytes are a reporter's bug; many are another encoding. */
#define AGG_REPAIR_MAX_CP1252	16

/* Counts the bytes to transcode; false when one has no meaning. */
static bool
count_cp1252(const char *d, size_t len, size_t *n)
{
	const unsigned char *u = (const unsigned char *)d;
	size_t i = 0, l;

	*n = 0;
	while (i < len) {
		if ((l = utf8_len(u, len, i)) != 0) {
			i += l;
			continue;
		}
		if (u[i] < 0xa0 && agg_cp1252_hi[u[i] - 0x80] == 0)
			return false;
		/*
		 * A lead byte followed by a continuation byte is malformed
		 * UTF-8 (overlong, surrogate, past U+10FFFF), not a stray
		 * Windows-1252 byte: no repair, so it is rejected.
		 */
		if (u[i] >= 0xc0 && i + 1 < len && (u[i + 1] & 0xc0) == 0x80)
			return false;
		if (++*n > AGG_REPAIR_MAX_CP1252)
			return false;
		i++;
	}
	return true;
}

/* The wrapper: the first element, not <feedback>, right around it. */
static void
find_wrapper(const char *d, size_t len, struct fixes *f)
{
	size_t i = 0, n, e, j, k;
	char close[80];

	if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (;;) {
		while (i < len && space((unsigned char)d[i]))
			i++;
		if (i + 1 >= len || d[i] != '<')
			return;
		if (d[i + 1] != '?' && d[i + 1] != '!')
			break;
		i = markup(d, len, i);
	}
	n = name_len(d, len, i + 1);
	if (n == 0 || n + 3 > sizeof(close) || n >= sizeof(f->wrap_name) ||
	    (e = markup(d, len, i)) == 0 || e >= len || d[e - 2] == '/')
		return;
	for (j = e; j < len && space((unsigned char)d[j]); j++)
		;
	if (j >= len || d[j] != '<' || (k = name_len(d, len, j + 1)) == 0)
		return;
	if (!((k == 8 && memcmp(d + j + 1, "feedback", 8) == 0) ||
	    (k > 9 && memcmp(d + j + 1 + k - 9, ":feedback", 9) == 0)))
		return;
	if ((n == 8 && memcmp(d + i + 1, "feedback", 8) == 0) ||
	    (n > 9 && memcmp(d + i + n - 8, ":feedback", 9) == 0))
		return;
	close[0] = '<';
	close[1] = '/';
	memcpy(close + 2, d + i + 1, n);
	close[n + 2] = '\0';
	if (past(d, len, e, close) != len)
		return;
	f->wrap_off = i;
	f->wrap_len = e - i;
	memcpy(f->wrap_name, d + i + 1, n);
	f->wrap_name[n] = '\0';
}

static enum dw_err
put_cp1252(struct buf *out, unsigned char c)
{
	unsigned cp = c < 0xa0 ? agg_cp1252_hi[c - 0x80] : c;
	char u[3];

	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		return buf_append(out, u, 2);
	}
	u[0] = (char)(0xe0 | (cp >> 12));
	u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[2] = (char)(0x80 | (cp & 0x3f));
	return buf_append(out, u, 3);
}

static enum dw_err
emit(const char *d, size_t len, const struct fixes *f, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)d;
	size_t i = 0, l, stray = f->nlt ? next_stray(d, len, 0) : len;
	enum dw_err err = DW_OK;

	while (i < len && err == DW_OK) {
		if (f->wrap_len > 0 && i == f->wrap_off) {
			i += f->wrap_len;
			continue;
		}
		if (i == stray) {
			err = buf_append(out, "&lt;", 4);
			stray = next_stray(d, len, ++i);
			continue;
		}
		l = 1;
		if (f->nbytes > 0 && u[i] >= 0x80 &&
		    (l = utf8_len(u, len, i)) == 0) {
			err = put_cp1252(out, u[i++]);
			continue;
		}
		err = buf_append(out, d + i, l);
		i += l;
	}
	return err;
}

static void
describe(const struct fixes *f, char *note, size_t notesz)
{
	size_t n = 0;

	note[0] = '\0';
	if (f->wrap_len > 0)
		n += (size_t)snprintf(note + n, notesz - n, "removed unclosed "
		    "<%s> wrapper", f->wrap_name);
	if (f->nbytes > 0 && n < notesz)
		n += (size_t)snprintf(note + n, notesz - n, "%stranscoded %zu "
		    "non-UTF-8 byte%s as Windows-1252", n ? "; " : "",
		    f->nbytes, f->nbytes == 1 ? "" : "s");
	if (f->nlt > 0 && n < notesz)
		(void)snprintf(note + n, notesz - n, "%sescaped %zu stray "
		    "'<' in element text", n ? "; " : "", f->nlt);
}

enum dw_err
agg_repair(const char *doc, size_t len, struct buf *out, char *note,
    size_t notesz)
{
	struct fixes f;
	size_t i;
	enum dw_err err;

	memset(&f, 0, sizeof(f));
	if (notesz > 0)
		note[0] = '\0';
	if (len == 0 || len > AGG_REPAIR_MAX)
		return DW_ENOTFOUND;
	find_wrapper(doc, len, &f);
	if (declared_utf8(doc, len) && !count_cp1252(doc, len, &f.nbytes))
		f.nbytes = 0;
	for (i = next_stray(doc, len, 0); i < len;
	    i = next_stray(doc, len, i + 1))
		f.nlt++;
	if (f.wrap_len == 0 && f.nbytes == 0 && f.nlt == 0)
		return DW_ENOTFOUND;
	buf_reset(out);
	err = emit(doc, len, &f, out);
	if (err != DW_OK)
		return err;
	if (notesz > 0)
		describe(&f, note, notesz);
	return DW_OK;
}
