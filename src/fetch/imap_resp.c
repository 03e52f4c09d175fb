/*
 * imap_resp.c: SEARCH and STATUS responses.  Lines end in CRLF (a bare LF
 * is taken too); a line is looked at only from its start, so a literal or
 * a stray "* SEARCH" inside another response's text cannot be mistaken
 * for one unless it starts a line, which the server controls anyway.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "imap_resp.h"

/* Parses a number-nz (RFC 9051): 1..4294967295, no sign, no zero lead. */
static bool
num32(const char **p, const char *end, uint32_t *out)
{
	uint64_t v = 0;
	const char *s = *p;

	if (s >= end || *s < '1' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
		s++;
	}
	*p = s;
	*out = (uint32_t)v;
	return true;
}

/* A number (RFC 9051): 0..4294967295. */
static bool
num32z(const char **p, const char *end, uint32_t *out)
{
	if (*p < end && **p == '0') {
		(*p)++;
		*out = 0;
		return !(*p < end && **p >= '0' && **p <= '9');
	}
	return num32(p, end, out);
}

static bool
prefix(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) >= n && strncasecmp(p, word, n) == 0;
}

static const char *
line_end(const char *p, const char *end)
{
	const char *q = memchr(p, '\n', (size_t)(end - p));

	return q != NULL ? q : end;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

enum dw_err
imap_parse_search(const char *resp, size_t len, uint32_t **uids, size_t *n,
    struct dw_error *e)
{
	const char *p = resp, *end = resp + len, *le;
	uint32_t *v = NULL, *nv, u;
	size_t cnt = 0, cap = 0, i, j;

	*uids = NULL;
	*n = 0;
	if (len > IMAP_MAX_RESP)
		return dw_fail(e, DW_ELIMIT, "IMAP response over %d bytes",
		    IMAP_MAX_RESP);
	for (; p < end; p = le + 1) {
		le = line_end(p, end);
		if (!prefix(p, le, "* SEARCH"))
			continue;
		p += 8;
		while (p < le && *p != '\r') {
			if (*p != ' ')
				goto bad;
			p++;
			if (p < le && *p == '(')
				break;	/* a MODSEQ or other extension */
			if (!num32(&p, le, &u))
				goto bad;
			if (cnt == IMAP_MAX_UIDS) {
				free(v);
				return dw_fail(e, DW_ELIMIT, "mailbox search "
				    "returned over %d messages",
				    IMAP_MAX_UIDS);
			}
			if (cnt == cap) {
				cap = cap ? cap * 2 : 64;
				if ((nv = realloc(v, cap * sizeof(*v))) ==
				    NULL) {
					free(v);
					return dw_fail(e, DW_ENOMEM,
					    "out of memory");
				}
				v = nv;
			}
			v[cnt++] = u;
		}
		if (le == end)
			break;
	}
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), cmp_u32);
	for (i = j = 0; i < cnt; i++)
		if (j == 0 || v[j - 1] != v[i])
			v[j++] = v[i];
	*uids = v;
	*n = j;
	return DW_OK;
bad:
	free(v);
	return dw_fail(e, DW_ESYNTAX, "malformed SEARCH response at byte %zu",
	    (size_t)(p - resp));
}

/* Skips the mailbox name: an atom, or a quoted string. */
static bool
skip_mailbox(const char **pp, const char *end)
{
	const char *p = *pp;

	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++)
			if (*p == '\\' && ++p == end)
				return false;
		if (p == end)
			return false;
		p++;
	} else {
		while (p < end && *p != ' ' && *p != '(' && *p != '\r' &&
		    *p != '\n')
			p++;
	}
	*pp = p;
	return true;
}

enum dw_err
imap_parse_status(const char *resp, size_t len, struct imap_status *st,
    struct dw_error *e)
{
	const char *p = resp, *end = resp + len, *le, *name;
	uint32_t v;
	size_t nl;

	memset(st, 0, sizeof(*st));
	if (len > IMAP_MAX_RESP)
		return dw_fail(e, DW_ELIMIT, "IMAP response over %d bytes",
		    IMAP_MAX_RESP);
	for (; p < end; p = le + 1) {
		le = line_end(p, end);
		if (prefix(p, le, "* STATUS "))
			break;
		if (le == end)
			return dw_fail(e, DW_ESYNTAX, "no STATUS response");
	}
	if (p >= end)
		return dw_fail(e, DW_ESYNTAX, "no STATUS response");
	p += 9;
	if (!skip_mailbox(&p, le) || p + 2 > le || *p++ != ' ' || *p++ != '(')
		return dw_fail(e, DW_ESYNTAX, "malformed STATUS response");
	while (p < le && *p != ')') {
		name = p;
		while (p < le && *p != ' ')
			p++;
		nl = (size_t)(p - name);
		if (p == le || *p++ != ' ' || !num32z(&p, le, &v))
			return dw_fail(e, DW_ESYNTAX, "malformed STATUS "
			    "response");
		if (nl == 11 && strncasecmp(name, "UIDVALIDITY", 11) == 0)
			st->uidvalidity = v;
		else if (nl == 7 && strncasecmp(name, "UIDNEXT", 7) == 0)
			st->uidnext = v;
		else if (nl == 8 && strncasecmp(name, "MESSAGES", 8) == 0) {
			st->messages = v;
			st->have_messages = 1;
		}
		if (p < le && *p == ' ')
			p++;
	}
	if (p == le)
		return dw_fail(e, DW_ESYNTAX, "malformed STATUS response");
	if (st->uidvalidity == 0)
		return dw_fail(e, DW_ESYNTAX, "STATUS response without "
		    "UIDVALIDITY");
	return DW_OK;
}
