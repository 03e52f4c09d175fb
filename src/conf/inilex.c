/* inilex.c: the line format of inilex.h, one line at a time. */
#include <stdbool.h>
#include <string.h>

#include "base/utf8.h"
#include "inilex.h"

struct lex {
	const char	*p;		/* the line, not terminated */
	size_t		 n;
	size_t		 line;
	char		 type[INILEX_WORD_MAX + 1];
	char		 name[INILEX_NAME_MAX + 1];
	bool		 in_section;
};

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Keys and types: lower case; a name may hold capitals and dots (a
 * domain as people write it; its reader normalizes it). */
static bool
word_char(char c, bool name)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-' || (name && (c == '.' ||
	    (c >= 'A' && c <= 'Z')));
}

/* Copies s[0..n) into out (size sz) when it is a word; false if not. */
static bool
take_word(const char *s, size_t n, bool name, char *out, size_t sz)
{
	size_t i;

	if (n == 0 || n >= sz)
		return false;
	for (i = 0; i < n; i++)
		if (!word_char(s[i], name))
			return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_ws(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_ws((*s)[*n - 1]))
		(*n)--;
}

/* Printable ASCII, TAB, or valid UTF-8; no other controls. */
static bool
text_ok(const char *s, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			l = utf8_valid_prefix(s + i, n - i);
			if (l == 0)
				return false;
			i += l;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
		i++;
	}
	return true;
}

static enum dw_err
section(struct lex *lx, inilex_cb cb, void *ctx, struct dw_error *e)
{
	const char *s = lx->p + 1, *sp;
	size_t n = lx->n - 1, tn;
	struct inilex_event ev;

	trim(&s, &n);
	if (n == 0 || s[n - 1] != ']')
		return dw_fail(e, DW_ESYNTAX, "line %zu: a section header "
		    "ends with ']'", lx->line);
	n--;
	trim(&s, &n);
	sp = memchr(s, ':', n);
	tn = sp != NULL ? (size_t)(sp - s) : n;
	if (!take_word(s, tn, false, lx->type, sizeof(lx->type)))
		return dw_fail(e, DW_ESYNTAX, "line %zu: bad section type "
		    "(lower-case letters, digits, '_' or '-', at most %d)",
		    lx->line, INILEX_WORD_MAX);
	lx->name[0] = '\0';
	if (sp != NULL) {
		s += tn + 1;
		n -= tn + 1;
		if (!take_word(s, n, true, lx->name, sizeof(lx->name)))
			return dw_fail(e, DW_ESYNTAX, "line %zu: bad section "
			    "name (letters, digits, '.', '_' or '-', at most "
			    "%d)", lx->line, INILEX_NAME_MAX);
	}
	lx->in_section = true;
	memset(&ev, 0, sizeof(ev));
	ev.type = lx->type;
	ev.name = lx->name;
	ev.line = lx->line;
	return cb(ctx, &ev, e);
}

static enum dw_err
keyval(struct lex *lx, inilex_cb cb, void *ctx, struct dw_error *e)
{
	const char *eq = memchr(lx->p, '=', lx->n), *k = lx->p, *v;
	char key[INILEX_WORD_MAX + 1], val[INILEX_LINE_MAX + 1];
	size_t kn, vn, i;
	struct inilex_event ev;

	if (eq == NULL)
		return dw_fail(e, DW_ESYNTAX, "line %zu: want key = value",
		    lx->line);
	if (!lx->in_section)
		return dw_fail(e, DW_ESYNTAX, "line %zu: a key before any "
		    "[section]", lx->line);
	kn = (size_t)(eq - lx->p);
	trim(&k, &kn);
	if (!take_word(k, kn, false, key, sizeof(key)))
		return dw_fail(e, DW_ESYNTAX, "line %zu: bad key (lower-case "
		    "letters, digits, '_' or '-')", lx->line);
	v = eq + 1;
	vn = lx->n - (size_t)(v - lx->p);
	/* a comment after the value starts at whitespace then '#' */
	for (i = 1; i < vn; i++)
		if (v[i] == '#' && is_ws(v[i - 1])) {
			vn = i;
			break;
		}
	trim(&v, &vn);
	memcpy(val, v, vn);
	val[vn] = '\0';
	memset(&ev, 0, sizeof(ev));
	ev.type = lx->type;
	ev.name = lx->name;
	ev.key = key;
	ev.value = val;
	ev.line = lx->line;
	return cb(ctx, &ev, e);
}

static enum dw_err
one_line(struct lex *lx, inilex_cb cb, void *ctx, struct dw_error *e)
{
	const char *s = lx->p;
	size_t n = lx->n;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > INILEX_LINE_MAX)
		return dw_fail(e, DW_ELIMIT, "line %zu: longer than %d bytes",
		    lx->line, INILEX_LINE_MAX);
	if (memchr(s, '\0', n) != NULL || !text_ok(s, n))
		return dw_fail(e, DW_ESYNTAX, "line %zu: control character "
		    "or invalid UTF-8", lx->line);
	trim(&s, &n);
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return DW_OK;
	lx->p = s;
	lx->n = n;
	if (s[0] == '[')
		return section(lx, cb, ctx, e);
	return keyval(lx, cb, ctx, e);
}

enum dw_err
inilex_parse(const char *buf, size_t len, inilex_cb cb, void *ctx,
    struct dw_error *e)
{
	struct lex lx;
	const char *end = buf + len, *p = buf, *nl;
	enum dw_err err;

	memset(&lx, 0, sizeof(lx));
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		lx.p = p;
		lx.n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		lx.line++;
		if ((err = one_line(&lx, cb, ctx, e)) != DW_OK)
			return err;
		p = nl != NULL ? nl + 1 : end;
	}
	return DW_OK;
}

enum dw_err
inilex_list(const char *v, enum dw_err (*fn)(void *ctx, const char *item,
    size_t len, struct dw_error *e), void *ctx, struct dw_error *e)
{
	const char *p = v, *c;
	size_t n;
	enum dw_err err;

	for (;;) {
		c = strchr(p, ',');
		n = c != NULL ? (size_t)(c - p) : strlen(p);
		trim(&p, &n);
		if (n == 0)
			return dw_fail(e, DW_ESYNTAX, "empty item in list");
		if ((err = fn(ctx, p, n, e)) != DW_OK)
			return err;
		if (c == NULL)
			return DW_OK;
		p = c + 1;
	}
}
