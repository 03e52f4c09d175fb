/*
 * taglist.c: the RFC 6376 §3.2 tag-list lexer.
 *
 *   tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
 *   tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *   tag-name  =  ALPHA *ALNUMPUNC          ; ALNUMPUNC = ALPHA / DIGIT / "_"
 *   tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
 *   tval      =  1*VALCHAR                 ; VALCHAR = %x21-3A / %x3C-7E
 *
 * A cursor (pos) moves over the input; every step checks the length, so
 * the input needs no NUL.  After an error inside a tag-spec the lexer
 * skips to the next ';' and carries on, so one pass reports everything.
 */
#include <string.h>

#include "record/taglist.h"

struct lex {
	const char		*s;
	size_t			 len;
	size_t			 pos;
	unsigned		 flags;
	struct taglist		*tl;
	struct diag_list	*dl;
	struct arena		*a;
};

bool
tl_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

bool
tl_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool
tl_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool
tl_eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

bool
tl_ieq(const char *s, size_t len, const char *lit)
{
	size_t i;

	if (strlen(lit) != len)
		return false;
	for (i = 0; i < len; i++)
		if (lower(s[i]) != lower(lit[i]))
			return false;
	return true;
}

bool
tl_ext_value_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == ';' || s[i] == '=')
			return false;
	return true;
}

bool
tl_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (!tl_is_digit(s[i]))
			return false;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* Length of the whitespace (WSP, or FWS when allowed) at pos. */
static size_t
wsp_at(const struct lex *lx, size_t pos)
{
	size_t p = pos;

	for (;;) {
		if (p < lx->len && tl_is_wsp(lx->s[p])) {
			p++;
			continue;
		}
		if ((lx->flags & TL_FWS) && p + 2 < lx->len &&
		    lx->s[p] == '\r' && lx->s[p + 1] == '\n' &&
		    tl_is_wsp(lx->s[p + 2])) {
			p += 3;
			continue;
		}
		return p - pos;
	}
}

static void
lex_err(struct lex *lx, enum diag_code code, size_t off)
{
	lx->tl->nerr++;
	diag_add(lx->dl, code, off, NULL);
}

static void
skip_to_sep(struct lex *lx)
{
	while (lx->pos < lx->len && lx->s[lx->pos] != ';')
		lx->pos++;
}

static bool
name_char(const struct lex *lx, char c, size_t i)
{
	if (lx->flags & TL_EXT_NAMES) {
		if (i == 0)
			return tl_is_alpha(c) || tl_is_digit(c);
		return tl_is_alpha(c) || tl_is_digit(c) || c == '_' ||
		    c == '-' || c == '.';
	}
	if (i == 0)
		return tl_is_alpha(c);
	return tl_is_alpha(c) || tl_is_digit(c) || c == '_';
}

/* Reads a tag name at pos; false (and a finding) when there is none. */
static bool
lex_name(struct lex *lx, size_t *nlen)
{
	size_t start = lx->pos, n = 0;
	char c;

	while (lx->pos < lx->len && name_char(lx, lx->s[lx->pos], n)) {
		lx->pos++;
		n++;
	}
	c = lx->pos < lx->len ? lx->s[lx->pos] : ';';
	if (n == 0) {
		lex_err(lx, c == '=' ? DIAG_TL_SYNTAX : DIAG_TL_BAD_NAME,
		    start);
		return false;
	}
	if ((c != '=' && c != ';' && !tl_is_wsp(c) && c != '\r') ||
	    ((lx->flags & TL_EXT_NAMES) && n > TAGLIST_EXT_NAME_MAX)) {
		lex_err(lx, DIAG_TL_BAD_NAME, start);
		return false;
	}
	*nlen = n;
	return true;
}

/* Reads a value at pos up to ';' or the end; trailing space is trimmed. */
static bool
lex_value(struct lex *lx, size_t *vlen)
{
	size_t start = lx->pos, end = lx->pos, w;
	unsigned char c;

	while (lx->pos < lx->len && lx->s[lx->pos] != ';') {
		w = wsp_at(lx, lx->pos);
		if (w > 0) {
			lx->pos += w;
			continue;
		}
		c = (unsigned char)lx->s[lx->pos];
		if (c < 0x21 || c > 0x7e) {
			lex_err(lx, DIAG_TL_BAD_CHAR, lx->pos);
			return false;
		}
		lx->pos++;
		end = lx->pos;
	}
	*vlen = end - start;
	return true;
}

static bool
is_duplicate(const struct lex *lx, const char *name, size_t nlen)
{
	size_t i;
	const struct tag *t;

	for (i = 0; i < lx->tl->n; i++) {
		t = &lx->tl->t[i];
		if (t->name_len != nlen)
			continue;
		if ((lx->flags & TL_CASELESS) ? tl_ieq(name, nlen, t->name) :
		    memcmp(name, t->name, nlen) == 0)
			return true;
	}
	return false;
}

/* One tag-spec at pos (after leading whitespace). */
static enum dw_err
lex_spec(struct lex *lx)
{
	size_t off = lx->pos, nlen, vlen, w, voff;
	struct tag *t;

	if (!lex_name(lx, &nlen))
		return DW_OK;
	w = wsp_at(lx, lx->pos);
	if (w > 0 && (lx->flags & TL_NO_WSP_EQ))
		lex_err(lx, DIAG_TL_WSP_EQUALS, lx->pos);
	lx->pos += w;
	if (lx->pos >= lx->len || lx->s[lx->pos] != '=') {
		lex_err(lx, DIAG_TL_SYNTAX, off);
		return DW_OK;
	}
	lx->pos++;
	w = wsp_at(lx, lx->pos);
	if (w > 0 && (lx->flags & TL_NO_WSP_EQ))
		lex_err(lx, DIAG_TL_WSP_EQUALS, lx->pos);
	lx->pos += w;
	voff = lx->pos;
	if (!lex_value(lx, &vlen))
		return DW_OK;
	if (!(lx->flags & TL_DUPS_OK) &&
	    is_duplicate(lx, lx->s + off, nlen)) {
		lex_err(lx, DIAG_TL_DUPLICATE, off);
		return DW_OK;
	}
	if (lx->tl->n >= TAGLIST_MAX) {
		lex_err(lx, DIAG_TL_TOO_MANY, off);
		lx->pos = lx->len;
		return DW_OK;
	}
	t = &lx->tl->t[lx->tl->n];
	t->name = arena_strndup(lx->a, lx->s + off, nlen);
	if (t->name == NULL)
		return arena_exhausted(lx->a) ? DW_ELIMIT : DW_ENOMEM;
	t->name_len = nlen;
	t->val = lx->s + voff;
	t->val_len = vlen;
	t->off = off;
	t->val_off = voff;
	lx->tl->n++;
	return DW_OK;
}

enum dw_err
taglist_parse(struct arena *a, const char *buf, size_t len, unsigned flags,
    struct taglist *tl, struct diag_list *dl)
{
	struct lex lx = { buf, len, 0, flags, tl, dl, a };
	enum dw_err err;
	size_t w;
	bool after_sep = false;

	tl->n = 0;
	tl->nerr = 0;
	tl->flags = flags;
	tl->trailing_sep = 0;
	for (;;) {
		w = wsp_at(&lx, lx.pos);
		if (lx.pos + w >= len) {
			if (after_sep && w > 0 && !(flags & TL_TRAIL_WSP))
				lex_err(&lx, DIAG_TL_TRAILING_WSP, lx.pos);
			tl->trailing_sep = after_sep;
			return DW_OK;
		}
		lx.pos += w;
		if (buf[lx.pos] == ';') {
			lex_err(&lx, DIAG_TL_EMPTY_SPEC, lx.pos);
		} else {
			err = lex_spec(&lx);
			if (err != DW_OK)
				return err;
			skip_to_sep(&lx);
			if (lx.pos >= len) {
				tl->trailing_sep = 0;
				return DW_OK;
			}
		}
		lx.pos++;	/* the ';' */
		after_sep = true;
	}
}

bool
tag_is(const struct tag *t, const char *name, bool caseless)
{
	if (caseless)
		return tl_ieq(t->name, t->name_len, name);
	return tl_eq(t->name, t->name_len, name);
}

const struct tag *
taglist_get(const struct taglist *tl, const char *name)
{
	size_t i;

	for (i = 0; i < tl->n; i++)
		if (tag_is(&tl->t[i], name, (tl->flags & TL_CASELESS) != 0))
			return &tl->t[i];
	return NULL;
}
