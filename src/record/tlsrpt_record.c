/*
 * tlsrpt_record.c: RFC 8460 §3 records.
 *
 *   tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 *   tlsrpt-uri = URI   ; mailto: or https: only
 */
#include <string.h>

#include "record/taglist.h"
#include "record/tlsrpt_record.h"

struct rctx {
	struct arena		*a;
	struct tlsrpt_record	*r;
	struct diag_list	*dl;
	size_t			 nerr;
};

static enum dw_err
nomem(struct arena *a)
{
	return arena_exhausted(a) ? DW_ELIMIT : DW_ENOMEM;
}

static void
rerr(struct rctx *c, enum diag_code code, size_t off, const char *tag)
{
	c->nerr++;
	diag_add(c->dl, code, off, tag);
}

static enum dw_err
one_uri(struct rctx *c, const char *s, size_t n, size_t off)
{
	struct tlsrpt_uri *u;
	struct uri_info ui;

	if (!uri_parse(s, n, &ui) || !ui.addr_ok ||
	    (ui.scheme != URI_MAILTO && ui.scheme != URI_HTTPS)) {
		rerr(c, DIAG_TLSRPT_BAD_URI, off, "rua");
		return DW_OK;
	}
	if (c->r->nrua >= TLSRPT_URIS_MAX) {
		rerr(c, DIAG_TLSRPT_TOO_MANY_URIS, off, "rua");
		return DW_OK;
	}
	u = &c->r->rua[c->r->nrua];
	u->uri = arena_strndup(c->a, s, n);
	if (u->uri == NULL)
		return nomem(c->a);
	u->off = off;
	u->scheme = ui.scheme;
	u->group = c->r->ngroups - 1;
	c->r->nrua++;
	return DW_OK;
}

static enum dw_err
tag_rua(struct rctx *c, const struct tag *t)
{
	size_t i = 0, j, b, e;
	enum dw_err err;

	if (c->r->ngroups++ > 0)
		diag_add(c->dl, DIAG_TLSRPT_REPEATED_RUA, t->off, "rua");
	while (i <= t->val_len) {
		for (j = i; j < t->val_len && t->val[j] != ','; j++)
			;
		for (b = i; b < j && tl_is_wsp(t->val[b]); b++)
			;
		for (e = j; e > b && tl_is_wsp(t->val[e - 1]); e--)
			;
		err = one_uri(c, t->val + b, e - b, t->val_off + b);
		if (err != DW_OK)
			return err;
		i = j + 1;
	}
	return DW_OK;
}

static enum dw_err
tag_ext(struct rctx *c, const struct tag *t)
{
	struct tlsrpt_ext *x;

	if (tag_is(t, "v", false) || !tl_ext_value_ok(t->val, t->val_len)) {
		rerr(c, DIAG_TLSRPT_BAD_EXT, t->off, t->name);
		return DW_OK;
	}
	if (c->r->next >= TLSRPT_EXT_MAX)
		return DW_OK;	/* ignored anyway; keep a few */
	x = &c->r->ext[c->r->next];
	x->name = t->name;
	x->value = arena_strndup(c->a, t->val, t->val_len);
	if (x->value == NULL)
		return nomem(c->a);
	c->r->next++;
	return DW_OK;
}

enum dw_err
tlsrpt_record_parse(struct arena *a, const char *buf, size_t len,
    struct tlsrpt_record **out, struct diag_list *dl)
{
	struct rctx c = { a, NULL, dl, 0 };
	struct taglist *tl;
	enum dw_err err;
	size_t i;

	c.r = arena_zalloc(a, sizeof(*c.r));
	*out = c.r;
	tl = arena_alloc(a, sizeof(*tl));
	if (c.r == NULL || tl == NULL)
		return nomem(a);
	c.r->status = REC_INVALID;
	err = taglist_parse(a, buf, len, TL_EXT_NAMES | TL_NO_WSP_EQ |
	    TL_TRAIL_WSP | TL_DUPS_OK, tl, dl);
	if (err != DW_OK)
		return err;
	c.nerr = tl->nerr;
	if (tl->n == 0 || tl->t[0].off != 0 || !tag_is(&tl->t[0], "v",
	    false) || !tl_eq(tl->t[0].val, tl->t[0].val_len, "TLSRPTv1")) {
		diag_add(dl, DIAG_TLSRPT_BAD_VERSION, 0, "v");
		return DW_OK;
	}
	for (i = 1; i < tl->n; i++) {
		err = tag_is(&tl->t[i], "rua", false) ?
		    tag_rua(&c, &tl->t[i]) : tag_ext(&c, &tl->t[i]);
		if (err != DW_OK)
			return err;
	}
	if (c.r->ngroups == 0)
		rerr(&c, DIAG_TLSRPT_NO_RUA, len, "rua");
	c.r->status = c.nerr == 0 ? REC_VALID : REC_INVALID;
	return DW_OK;
}
