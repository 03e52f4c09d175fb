/*
 * bimi.c: BIMI record syntax and HTTPS locations.
 */
#include "record/bimi.h"
#include "record/taglist.h"
#include "record/uri.h"

static enum dw_err
nomem(struct arena *a)
{
	return arena_exhausted(a) ? DW_ELIMIT : DW_ENOMEM;
}

/* An empty value or one https: URI with a host; false on an error. */
static bool
location(const struct tag *t, struct diag_list *dl)
{
	struct uri_info ui;

	if (t->val_len == 0)
		return true;
	if (!uri_parse(t->val, t->val_len, &ui)) {
		diag_add(dl, DIAG_BIMI_BAD_URI, t->val_off, t->name);
		return false;
	}
	if (ui.scheme != URI_HTTPS || !ui.addr_ok) {
		diag_add(dl, DIAG_BIMI_NOT_HTTPS, t->val_off, t->name);
		return false;
	}
	return true;
}

enum dw_err
bimi_parse(struct arena *a, const char *buf, size_t len,
    struct bimi_record **out, struct diag_list *dl)
{
	struct bimi_record *r = arena_zalloc(a, sizeof(*r));
	struct taglist *tl = arena_alloc(a, sizeof(*tl));
	const struct tag *l, *ev;
	size_t nerr;
	enum dw_err err;

	*out = r;
	if (r == NULL || tl == NULL)
		return nomem(a);
	r->status = REC_INVALID;
	err = taglist_parse(a, buf, len, TL_TRAIL_WSP, tl, dl);
	if (err != DW_OK)
		return err;
	nerr = tl->nerr;
	if (tl->n == 0 || tl->t[0].off != 0 || !tag_is(&tl->t[0], "v",
	    false) || !tl_eq(tl->t[0].val, tl->t[0].val_len, "BIMI1")) {
		diag_add(dl, DIAG_BIMI_BAD_VERSION, 0, "v");
		return DW_OK;
	}
	l = taglist_get(tl, "l");
	ev = taglist_get(tl, "a");
	if (l == NULL) {
		nerr++;
		diag_add(dl, DIAG_BIMI_NO_L, len, "l");
	} else if (!location(l, dl))
		nerr++;
	if (ev != NULL && !location(ev, dl))
		nerr++;
	if (l != NULL)
		r->l = arena_strndup(a, l->val, l->val_len);
	if (ev != NULL)
		r->a = arena_strndup(a, ev->val, ev->val_len);
	if ((l != NULL && r->l == NULL) || (ev != NULL && r->a == NULL))
		return nomem(a);
	r->declined = l != NULL && l->val_len == 0 &&
	    (ev == NULL || ev->val_len == 0);
	if (r->declined)
		diag_add(dl, DIAG_BIMI_DECLINED, 0, NULL);
	else if (ev == NULL || ev->val_len == 0)
		diag_add(dl, DIAG_BIMI_NO_AUTHORITY, 0, "a");
	r->status = nerr == 0 ? REC_VALID : REC_INVALID;
	return DW_OK;
}
