/*
 * mtasts.c: RFC 8461 record, policy file and MX patterns.
 */
#include <string.h>
#include <strings.h>

#include "record/mtasts.h"
#include "record/taglist.h"
#include "record/uri.h"

static enum dw_err
nomem(struct arena *a)
{
	return arena_exhausted(a) ? DW_ELIMIT : DW_ENOMEM;
}

static bool
alnum_ok(const char *s, size_t n, size_t max)
{
	size_t i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!tl_is_alpha(s[i]) && !tl_is_digit(s[i]))
			return false;
	return true;
}

static enum dw_err
add_ext(struct arena *a, struct mtasts_ext *ext, size_t *n,
    const char *name, size_t nlen, const char *val, size_t vlen)
{
	if (*n >= MTASTS_EXT_MAX)
		return DW_OK;	/* extensions are ignored; keep a few */
	ext[*n].name = arena_strndup(a, name, nlen);
	ext[*n].value = arena_strndup(a, val, vlen);
	if (ext[*n].name == NULL || ext[*n].value == NULL)
		return nomem(a);
	(*n)++;
	return DW_OK;
}

/* One field after v=STSv1: id= or an extension. */
static enum dw_err
record_field(struct arena *a, struct mtasts_record *r, const struct tag *t,
    struct diag_list *dl, size_t *nerr)
{
	if (tag_is(t, "id", false)) {
		if (!alnum_ok(t->val, t->val_len, MTASTS_ID_MAX)) {
			(*nerr)++;
			diag_add(dl, DIAG_STS_BAD_ID, t->val_off, "id");
			return DW_OK;
		}
		r->id = arena_strndup(a, t->val, t->val_len);
		return r->id == NULL ? nomem(a) : DW_OK;
	}
	if (tag_is(t, "v", false) || !tl_ext_value_ok(t->val, t->val_len)) {
		(*nerr)++;
		diag_add(dl, DIAG_STS_BAD_EXT, t->off, t->name);
		return DW_OK;
	}
	return add_ext(a, r->ext, &r->next, t->name, t->name_len, t->val,
	    t->val_len);
}

enum dw_err
mtasts_record_parse(struct arena *a, const char *buf, size_t len,
    struct mtasts_record **out, struct diag_list *dl)
{
	struct mtasts_record *r = arena_zalloc(a, sizeof(*r));
	struct taglist *tl = arena_alloc(a, sizeof(*tl));
	enum dw_err err;
	size_t i, nerr;

	*out = r;
	if (r == NULL || tl == NULL)
		return nomem(a);
	r->status = REC_INVALID;
	err = taglist_parse(a, buf, len, TL_EXT_NAMES | TL_NO_WSP_EQ |
	    TL_TRAIL_WSP, tl, dl);
	if (err != DW_OK)
		return err;
	nerr = tl->nerr;
	if (tl->n == 0 || tl->t[0].off != 0 || !tag_is(&tl->t[0], "v",
	    false) || !tl_eq(tl->t[0].val, tl->t[0].val_len, "STSv1")) {
		diag_add(dl, DIAG_STS_BAD_VERSION, 0, "v");
		return DW_OK;
	}
	for (i = 1; i < tl->n; i++) {
		err = record_field(a, r, &tl->t[i], dl, &nerr);
		if (err != DW_OK)
			return err;
	}
	if (r->id == NULL && taglist_get(tl, "id") == NULL) {
		nerr++;
		diag_add(dl, DIAG_STS_NO_ID, len, "id");
	}
	r->status = nerr == 0 ? REC_VALID : REC_INVALID;
	return DW_OK;
}

struct pctx {
	struct arena		*a;
	struct mtasts_policy	*p;
	struct diag_list	*dl;
	size_t			 nerr;
	bool			 have_version;
};

static void
perr(struct pctx *c, enum diag_code code, size_t off, const char *tag)
{
	c->nerr++;
	diag_add(c->dl, code, off, tag);
}

/* ["*."] Domain, ASCII LDH, no final dot (§3.2). */
static bool
mx_pattern_ok(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		n -= 2;
	}
	return n > 0 && s[n - 1] != '.' && uri_hostname_ok(s, n);
}

/* sts-policy-ext-value: no CTLs; UTF-8 allowed (§3.2). */
static bool
policy_value_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return false;
	return n > 0;
}

static bool
once(struct pctx *c, bool seen, size_t off, const char *key)
{
	if (seen)
		perr(c, DIAG_STS_POLICY_DUPLICATE, off, key);
	return !seen;
}

static void
field_mode(struct pctx *c, const char *v, size_t n, size_t off)
{
	if (!once(c, c->p->mode != MTASTS_MODE_UNSET, off, "mode"))
		return;
	if (tl_eq(v, n, "enforce"))
		c->p->mode = MTASTS_MODE_ENFORCE;
	else if (tl_eq(v, n, "testing"))
		c->p->mode = MTASTS_MODE_TESTING;
	else if (tl_eq(v, n, "none"))
		c->p->mode = MTASTS_MODE_NONE;
	else
		perr(c, DIAG_STS_POLICY_BAD_MODE, off, "mode");
}

static void
field_max_age(struct pctx *c, const char *v, size_t n, size_t off)
{
	if (!once(c, c->p->max_age_set, off, "max_age"))
		return;
	c->p->max_age_set = true;
	if (n > MTASTS_MAX_AGE_DIGITS ||
	    !tl_uint(v, n, MTASTS_MAX_AGE_MAX, &c->p->max_age))
		perr(c, DIAG_STS_POLICY_BAD_MAX_AGE, off, "max_age");
}

static enum dw_err
field_mx(struct pctx *c, const char *v, size_t n, size_t off)
{
	if (!mx_pattern_ok(v, n)) {
		perr(c, DIAG_STS_POLICY_BAD_MX, off, "mx");
		return DW_OK;
	}
	if (c->p->nmx >= MTASTS_MX_MAX) {
		perr(c, DIAG_STS_POLICY_TOO_MANY_MX, off, "mx");
		return DW_OK;
	}
	c->p->mx[c->p->nmx] = arena_strndup(c->a, v, n);
	if (c->p->mx[c->p->nmx] == NULL)
		return nomem(c->a);
	c->p->nmx++;
	return DW_OK;
}

static bool
key_ok(const char *k, size_t n)
{
	size_t i;

	if (n == 0 || n > MTASTS_EXT_NAME_MAX ||
	    !(tl_is_alpha(k[0]) || tl_is_digit(k[0])))
		return false;
	for (i = 1; i < n; i++)
		if (!tl_is_alpha(k[i]) && !tl_is_digit(k[i]) &&
		    k[i] != '_' && k[i] != '-' && k[i] != '.')
			return false;
	return true;
}

/* One "key: value" line, s[0..n) at offset off, terminator removed. */
static enum dw_err
policy_line(struct pctx *c, const char *s, size_t n, size_t off)
{
	const char *colon = memchr(s, ':', n), *v;
	size_t klen, vlen;

	if (colon == NULL || !key_ok(s, (size_t)(colon - s))) {
		perr(c, colon == NULL ? DIAG_STS_POLICY_BAD_LINE :
		    DIAG_STS_BAD_EXT, off, NULL);
		return DW_OK;
	}
	klen = (size_t)(colon - s);
	v = colon + 1;
	vlen = n - klen - 1;
	while (vlen > 0 && tl_is_wsp(*v)) {
		v++;
		vlen--;
	}
	while (vlen > 0 && tl_is_wsp(v[vlen - 1]))
		vlen--;
	off += (size_t)(v - s);
	if (!policy_value_ok(v, vlen)) {
		perr(c, DIAG_STS_POLICY_BAD_LINE, off, NULL);
		return DW_OK;
	}
	if (tl_eq(s, klen, "version")) {
		if (once(c, c->have_version, off, "version") &&
		    !tl_eq(v, vlen, "STSv1"))
			perr(c, DIAG_STS_BAD_VERSION, off, "version");
		c->have_version = true;
	} else if (tl_eq(s, klen, "mode"))
		field_mode(c, v, vlen, off);
	else if (tl_eq(s, klen, "max_age"))
		field_max_age(c, v, vlen, off);
	else if (tl_eq(s, klen, "mx"))
		return field_mx(c, v, vlen, off);
	else
		return add_ext(c->a, c->p->ext, &c->p->next, s, klen, v,
		    vlen);
	return DW_OK;
}

static void
policy_finish(struct pctx *c, size_t len)
{
	struct mtasts_policy *p = c->p;

	if (!c->have_version)
		perr(c, DIAG_STS_POLICY_NO_VERSION, len, "version");
	if (p->mode == MTASTS_MODE_UNSET)
		perr(c, DIAG_STS_POLICY_NO_MODE, len, "mode");
	if (!p->max_age_set)
		perr(c, DIAG_STS_POLICY_NO_MAX_AGE, len, "max_age");
	if ((p->mode == MTASTS_MODE_ENFORCE ||
	    p->mode == MTASTS_MODE_TESTING) && p->nmx == 0)
		perr(c, DIAG_STS_POLICY_NO_MX, len, "mx");
	if (p->mode == MTASTS_MODE_TESTING)
		diag_add(c->dl, DIAG_STS_MODE_TESTING, 0, "mode");
	if (p->mode == MTASTS_MODE_NONE)
		diag_add(c->dl, DIAG_STS_MODE_NONE, 0, "mode");
	if (p->max_age_set && p->max_age < MTASTS_MAX_AGE_SHORT)
		diag_add(c->dl, DIAG_STS_MAX_AGE_SHORT, 0, "max_age");
}

enum dw_err
mtasts_policy_parse(struct arena *a, const char *buf, size_t len,
    struct mtasts_policy **out, struct diag_list *dl)
{
	struct pctx c = { a, NULL, dl, 0, false };
	size_t pos = 0, end, n;
	enum dw_err err;

	c.p = arena_zalloc(a, sizeof(*c.p));
	*out = c.p;
	if (c.p == NULL)
		return nomem(a);
	c.p->status = REC_INVALID;
	if (len > MTASTS_POLICY_MAX) {
		diag_add(dl, DIAG_STS_POLICY_TOO_LARGE, MTASTS_POLICY_MAX,
		    NULL);
		return DW_ELIMIT;
	}
	while (pos < len) {
		for (end = pos; end < len && buf[end] != '\n'; end++)
			;
		n = end - pos;
		if (n > 0 && buf[pos + n - 1] == '\r')
			n--;
		err = policy_line(&c, buf + pos, n, pos);
		if (err != DW_OK)
			return err;
		pos = end + 1;
	}
	policy_finish(&c, len);
	c.p->status = c.nerr == 0 ? REC_VALID : REC_INVALID;
	return DW_OK;
}

bool
mtasts_pattern_match(const char *pattern, const char *host, size_t len)
{
	size_t plen = strlen(pattern);
	const char *dot;

	if (len > 0 && host[len - 1] == '.')
		len--;
	if (plen >= 2 && pattern[0] == '*' && pattern[1] == '.') {
		dot = memchr(host, '.', len);
		if (dot == NULL || dot == host)
			return false;
		len -= (size_t)(dot + 1 - host);
		host = dot + 1;
		pattern += 2;
		plen -= 2;
	}
	return plen == len && strncasecmp(pattern, host, len) == 0;
}

bool
mtasts_mx_match(const struct mtasts_policy *p, const char *host, size_t len)
{
	size_t i;

	for (i = 0; i < p->nmx; i++)
		if (mtasts_pattern_match(p->mx[i], host, len))
			return true;
	return false;
}
