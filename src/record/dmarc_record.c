/*
 * dmarc_record.c: RFC 9989 policy records.  Tags are dispatched through
 * one table, one small function per tag (§4.7 defines the tags, §4.8
 * their values, §4.10.1 what receivers do with a bad policy).
 */
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "record/dmarc_record.h"
#include "record/taglist.h"

#define TAG_FIRST	0x1	/* must be the first tag */
#define TAG_REMOVED	0x2	/* defined by RFC 7489, removed by 9989 */

struct dctx {
	struct arena		*a;
	struct dmarc_record	*r;
	struct diag_list	*dl;
	size_t			 nerr;
	bool			 bad_policy;	/* p, sp or np not valid */
	bool			 p_seen;
	bool			 rua_usable;	/* one valid rua URI */
};

struct dmarc_tag {
	const char	*name;
	enum dw_err	(*fn)(struct dctx *, const struct tag *);
	unsigned	 flags;
};

static void
derr(struct dctx *c, enum diag_code code, size_t off, const char *tag)
{
	c->nerr++;
	diag_add(c->dl, code, off, tag);
}

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_P_UNSET:
		return "unset";
	case DMARC_P_NONE:
		return "none";
	case DMARC_P_QUARANTINE:
		return "quarantine";
	case DMARC_P_REJECT:
		return "reject";
	}
	return "?";
}

/* Strips WSP at both ends of s[0..*len). */
static const char *
trim(const char *s, size_t *len)
{
	while (*len > 0 && tl_is_wsp(s[0])) {
		s++;
		(*len)--;
	}
	while (*len > 0 && tl_is_wsp(s[*len - 1]))
		(*len)--;
	return s;
}

static bool
nonempty(struct dctx *c, const struct tag *t)
{
	if (t->val_len > 0)
		return true;
	derr(c, DIAG_DMARC_EMPTY_VALUE, t->val_off, t->name);
	return false;
}

/* dmarc-request = "none" / "quarantine" / "reject" (any case). */
static enum dw_err
policy_value(struct dctx *c, const struct tag *t, enum dmarc_policy *dst)
{
	static const char *const words[] = { "none", "quarantine", "reject" };
	size_t i;

	if (!nonempty(c, t)) {
		c->bad_policy = true;
		return DW_OK;
	}
	for (i = 0; i < 3; i++) {
		if (tl_ieq(t->val, t->val_len, words[i])) {
			*dst = (enum dmarc_policy)(DMARC_P_NONE + i);
			return DW_OK;
		}
	}
	c->bad_policy = true;
	derr(c, DIAG_DMARC_BAD_VALUE, t->val_off, t->name);
	for (i = 0; i < 3; i++)
		if (t->val_len < strlen(words[i]) &&
		    strncasecmp(t->val, words[i], t->val_len) == 0)
			diag_add(c->dl, DIAG_DMARC_ABBREVIATION, t->val_off,
			    t->name);
	return DW_OK;
}

static enum dw_err
tag_p(struct dctx *c, const struct tag *t)
{
	c->p_seen = true;
	return policy_value(c, t, &c->r->p);
}

static enum dw_err
tag_sp(struct dctx *c, const struct tag *t)
{
	return policy_value(c, t, &c->r->sp);
}

static enum dw_err
tag_np(struct dctx *c, const struct tag *t)
{
	return policy_value(c, t, &c->r->np);
}

/* One character out of set (any case); its index, or -1. */
static int
one_of(struct dctx *c, const struct tag *t, const char *set)
{
	const char *p;

	if (!nonempty(c, t))
		return -1;
	p = t->val_len == 1 ? strchr(set, t->val[0] | 0x20) : NULL;
	if (p != NULL && *p != '\0')
		return (int)(p - set);
	derr(c, DIAG_DMARC_BAD_VALUE, t->val_off, t->name);
	return -1;
}

static enum dw_err
tag_adkim(struct dctx *c, const struct tag *t)
{
	int i = one_of(c, t, "rs");

	if (i >= 0)
		c->r->adkim = (enum dmarc_align)i;
	return DW_OK;
}

static enum dw_err
tag_aspf(struct dctx *c, const struct tag *t)
{
	int i = one_of(c, t, "rs");

	if (i >= 0)
		c->r->aspf = (enum dmarc_align)i;
	return DW_OK;
}

static enum dw_err
tag_t(struct dctx *c, const struct tag *t)
{
	int i = one_of(c, t, "ny");

	if (i >= 0)
		c->r->t = i == 1;
	return DW_OK;
}

static enum dw_err
tag_psd(struct dctx *c, const struct tag *t)
{
	int i = one_of(c, t, "uyn");

	if (i >= 0)
		c->r->psd = (enum dmarc_psd)i;
	return DW_OK;
}

/* dmarc-fo: 0 / 1 / d / s joined by ':' (WSP around ':' as RFC 7489). */
static enum dw_err
tag_fo(struct dctx *c, const struct tag *t)
{
	size_t i = 0, j, n;
	const char *item;
	unsigned bit, fo = 0;

	if (!nonempty(c, t))
		return DW_OK;
	while (i <= t->val_len) {
		for (j = i; j < t->val_len && t->val[j] != ':'; j++)
			;
		n = j - i;
		item = trim(t->val + i, &n);
		bit = n != 1 ? 0 : item[0] == '0' ? DMARC_FO_0 :
		    item[0] == '1' ? DMARC_FO_1 :
		    (item[0] | 0x20) == 'd' ? DMARC_FO_D :
		    (item[0] | 0x20) == 's' ? DMARC_FO_S : 0;
		if (bit == 0) {
			derr(c, DIAG_DMARC_BAD_VALUE, t->val_off + i, t->name);
			return DW_OK;
		}
		if (fo & bit)
			diag_add(c->dl, DIAG_DMARC_FO_REPEAT, t->val_off + i,
			    t->name);
		fo |= bit;
		i = j + 1;
	}
	if ((fo & DMARC_FO_0) && (fo & DMARC_FO_1))
		diag_add(c->dl, DIAG_DMARC_FO_CONFLICT, t->val_off, t->name);
	c->r->fo = fo;
	c->r->fo_set = true;
	return DW_OK;
}

/* obs-dmarc-report-size = "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] */
static bool
report_size(const char *s, size_t len, struct dmarc_uri *u)
{
	static const char units[] = "kmgt";
	const char *p;
	unsigned shift = 0;

	u->has_size = true;
	p = len > 0 ? strchr(units, s[len - 1] | 0x20) : NULL;
	if (p != NULL && *p != '\0') {
		u->unit = *p;
		shift = 10 * (unsigned)(p - units + 1);
		len--;
	}
	if (!tl_uint(s, len, UINT64_MAX, &u->size))
		return false;
	if (shift > 0 && u->size > (UINT64_MAX >> shift))
		return false;
	u->max_bytes = u->size << shift;
	return true;
}

static char *
lower_dup(struct arena *a, const char *s, size_t len)
{
	char *d = arena_strndup(a, s, len);
	size_t i;

	if (d == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

static enum dw_err
nomem(struct arena *a)
{
	return arena_exhausted(a) ? DW_ELIMIT : DW_ENOMEM;
}

/* One element of a dmarc-urilist, s[0..len) at offset off. */
static enum dw_err
one_uri(struct dctx *c, const struct tag *t, const char *s, size_t len,
    size_t off, struct dmarc_uri *u)
{
	struct uri_info ui;
	const char *bang = memchr(s, '!', len);
	size_t ulen = bang != NULL ? (size_t)(bang - s) : len;

	memset(u, 0, sizeof(*u));
	u->off = off;
	if (bang != NULL && !report_size(bang + 1, len - ulen - 1, u)) {
		derr(c, DIAG_DMARC_BAD_SIZE, off + ulen, t->name);
		return DW_OK;
	}
	if (!uri_parse(s, ulen, &ui)) {
		derr(c, DIAG_DMARC_BAD_URI, off, t->name);
		return DW_OK;
	}
	if (bang != NULL)
		diag_add(c->dl, DIAG_DMARC_SIZE_OBSOLETE, off + ulen, t->name);
	u->scheme = ui.scheme;
	if (ui.scheme != URI_MAILTO)
		diag_add(c->dl, DIAG_DMARC_URI_SCHEME, off, t->name);
	else if (!ui.addr_ok)
		diag_add(c->dl, DIAG_DMARC_BAD_MAILTO, off, t->name);
	u->uri = arena_strndup(c->a, s, ulen);
	if (u->uri == NULL)
		return nomem(c->a);
	if (ui.addr_ok && ui.scheme != URI_OTHER) {
		u->domain = lower_dup(c->a, ui.host, ui.host_len);
		if (u->domain == NULL)
			return nomem(c->a);
	}
	if (tag_is(t, "rua", true))
		c->rua_usable = true;
	return DW_OK;
}

/* dmarc-urilist: URIs separated by *WSP "," *WSP. */
static enum dw_err
uri_list(struct dctx *c, const struct tag *t, struct dmarc_uri **out,
    size_t *nout)
{
	struct dmarc_uri *v;
	size_t i = 0, j, n, k = 0, before;
	const char *item;
	enum dw_err err;

	if (!nonempty(c, t))
		return DW_OK;
	v = arena_zalloc(c->a, DMARC_URIS_MAX * sizeof(*v));
	if (v == NULL)
		return nomem(c->a);
	while (i <= t->val_len) {
		for (j = i; j < t->val_len && t->val[j] != ','; j++)
			;
		n = j - i;
		item = trim(t->val + i, &n);
		if (k == DMARC_URIS_MAX) {
			derr(c, DIAG_DMARC_TOO_MANY_URIS, t->val_off + i,
			    t->name);
			break;
		}
		before = c->nerr;
		err = one_uri(c, t, item, n, t->val_off +
		    (size_t)(item - t->val), &v[k]);
		if (err != DW_OK)
			return err;
		if (c->nerr == before)
			k++;
		i = j + 1;
	}
	*out = v;
	*nout = k;
	return DW_OK;
}

static enum dw_err
tag_rua(struct dctx *c, const struct tag *t)
{
	return uri_list(c, t, &c->r->rua, &c->r->nrua);
}

static enum dw_err
tag_ruf(struct dctx *c, const struct tag *t)
{
	return uri_list(c, t, &c->r->ruf, &c->r->nruf);
}

static enum dw_err
keep_raw(struct dctx *c, const struct tag *t, const char **dst)
{
	*dst = arena_strndup(c->a, t->val, t->val_len);
	return *dst == NULL ? nomem(c->a) : DW_OK;
}

/* RFC 7489 dmarc-percent: 0..100. */
static enum dw_err
tag_pct(struct dctx *c, const struct tag *t)
{
	uint64_t v;

	diag_add(c->dl, DIAG_DMARC_PCT_REMOVED, t->off, t->name);
	if (!tl_uint(t->val, t->val_len, 100, &v))
		diag_add(c->dl, DIAG_DMARC_LEGACY_BAD, t->val_off, t->name);
	return keep_raw(c, t, &c->r->pct);
}

/* RFC 7489 dmarc-ainterval: 1*DIGIT, 32 bits. */
static enum dw_err
tag_ri(struct dctx *c, const struct tag *t)
{
	uint64_t v;

	diag_add(c->dl, DIAG_DMARC_RI_REMOVED, t->off, t->name);
	if (!tl_uint(t->val, t->val_len, UINT32_MAX, &v))
		diag_add(c->dl, DIAG_DMARC_LEGACY_BAD, t->val_off, t->name);
	return keep_raw(c, t, &c->r->ri);
}

/* RFC 5321 Ldh-str keyword. */
static bool
keyword(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++) {
		char l = (char)(s[i] | 0x20);

		if (!((l >= 'a' && l <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    (s[i] == '-' && i > 0)))
			return false;
	}
	return true;
}

/* RFC 7489 dmarc-rfmt: Keyword *(*WSP ":" *WSP Keyword). */
static enum dw_err
tag_rf(struct dctx *c, const struct tag *t)
{
	size_t i = 0, j, n;
	const char *item;
	bool ok = t->val_len > 0;

	diag_add(c->dl, DIAG_DMARC_RF_REMOVED, t->off, t->name);
	while (ok && i <= t->val_len) {
		for (j = i; j < t->val_len && t->val[j] != ':'; j++)
			;
		n = j - i;
		item = trim(t->val + i, &n);
		ok = keyword(item, n);
		i = j + 1;
	}
	if (!ok)
		diag_add(c->dl, DIAG_DMARC_LEGACY_BAD, t->val_off, t->name);
	return keep_raw(c, t, &c->r->rf);
}

static const struct dmarc_tag dmarc_tags[] = {
	{ "v",		NULL,		TAG_FIRST },
	{ "p",		tag_p,		0 },
	{ "sp",		tag_sp,		0 },
	{ "np",		tag_np,		0 },
	{ "psd",	tag_psd,	0 },
	{ "t",		tag_t,		0 },
	{ "adkim",	tag_adkim,	0 },
	{ "aspf",	tag_aspf,	0 },
	{ "fo",		tag_fo,		0 },
	{ "rua",	tag_rua,	0 },
	{ "ruf",	tag_ruf,	0 },
	{ "pct",	tag_pct,	TAG_REMOVED },
	{ "rf",		tag_rf,		TAG_REMOVED },
	{ "ri",		tag_ri,		TAG_REMOVED },
};

static enum dw_err
dispatch(struct dctx *c, const struct tag *t)
{
	size_t i;

	for (i = 0; i < sizeof(dmarc_tags) / sizeof(dmarc_tags[0]); i++) {
		if (!tag_is(t, dmarc_tags[i].name, true))
			continue;
		if (dmarc_tags[i].flags & TAG_FIRST) {
			derr(c, DIAG_DMARC_BAD_VERSION, t->off, t->name);
			return DW_OK;
		}
		return dmarc_tags[i].fn(c, t);
	}
	diag_add(c->dl, DIAG_DMARC_UNKNOWN_TAG, t->off, t->name);
	return DW_OK;
}

static int
strength(enum dmarc_policy p)
{
	return p == DMARC_P_UNSET ? 0 : (int)p;
}

/* Defaults, the §4.10.1 fallback, and the findings on the whole record. */
static void
finish(struct dctx *c, const struct taglist *tl)
{
	struct dmarc_record *r = c->r;

	if (c->bad_policy || !c->p_seen) {
		if (!c->rua_usable)
			derr(c, DIAG_DMARC_NO_POLICY, 0, NULL);
		else
			diag_add(c->dl, c->bad_policy ?
			    DIAG_DMARC_P_FALLBACK : DIAG_DMARC_P_MISSING, 0,
			    c->bad_policy ? NULL : "p");
		if (c->rua_usable)
			r->eff_p = r->eff_sp = r->eff_np = DMARC_P_NONE;
	} else {
		r->eff_p = r->p;
		r->eff_sp = r->sp != DMARC_P_UNSET ? r->sp : r->eff_p;
		r->eff_np = r->np != DMARC_P_UNSET ? r->np : r->eff_sp;
		if (strength(r->eff_sp) < strength(r->eff_p) ||
		    strength(r->eff_np) < strength(r->eff_p))
			diag_add(c->dl, DIAG_DMARC_SP_WEAKER, 0, "sp");
	}
	if (c->p_seen && tl->n > 1 && !tag_is(&tl->t[1], "p", true))
		diag_add(c->dl, DIAG_DMARC_P_NOT_SECOND,
		    taglist_get(tl, "p")->off, "p");
	if (r->nrua == 0)
		diag_add(c->dl, DIAG_DMARC_NO_RUA, 0, "rua");
	if (r->fo_set && r->nruf == 0)
		diag_add(c->dl, DIAG_DMARC_FO_NO_RUF, 0, "fo");
	if (r->t && r->eff_p > DMARC_P_NONE)
		diag_add(c->dl, DIAG_DMARC_TEST_MODE, 0, "t");
}

static bool
version_ok(const char *buf, size_t len, const struct taglist *tl)
{
	size_t lead = 0;

	while (lead < len && tl_is_wsp(buf[lead]))
		lead++;
	return tl->n > 0 && tl->t[0].off == lead &&
	    tag_is(&tl->t[0], "v", true) &&
	    tl_eq(tl->t[0].val, tl->t[0].val_len, "DMARC1");
}

enum dw_err
dmarc_record_parse(struct arena *a, const char *buf, size_t len,
    struct dmarc_record **out, struct diag_list *dl)
{
	struct dctx c = { a, NULL, dl, 0, false, false, false };
	struct taglist *tl;
	enum dw_err err;
	size_t i;

	*out = NULL;
	c.r = arena_zalloc(a, sizeof(*c.r));
	tl = arena_alloc(a, sizeof(*tl));
	if (c.r == NULL || tl == NULL)
		return nomem(a);
	c.r->fo = DMARC_FO_0;
	c.r->status = REC_INVALID;
	*out = c.r;
	if (len == 0) {
		diag_add(dl, DIAG_DMARC_EMPTY, 0, NULL);
		return DW_OK;
	}
	err = taglist_parse(a, buf, len, TL_CASELESS | TL_TRAIL_WSP, tl, dl);
	if (err != DW_OK)
		return err;
	c.r->ntags = tl->n;
	if (!version_ok(buf, len, tl)) {
		/* §4.7: the entire record MUST be ignored */
		diag_add(dl, DIAG_DMARC_BAD_VERSION, 0, "v");
		return DW_OK;
	}
	c.nerr = tl->nerr;
	for (i = 1; i < tl->n; i++) {
		err = dispatch(&c, &tl->t[i]);
		if (err != DW_OK)
			return err;
	}
	finish(&c, tl);
	c.r->status = c.nerr == 0 ? REC_VALID : REC_INVALID;
	return DW_OK;
}

/* Starts with v=DMARC1 (value exact), as §4.10 step 2 reads it. */
static bool
looks_dmarc(const char *s, size_t len, bool exact)
{
	size_t i = 0;

	while (i < len && tl_is_wsp(s[i]))
		i++;
	if (i >= len || (s[i] | 0x20) != 'v')
		return false;
	for (i++; i < len && tl_is_wsp(s[i]); i++)
		;
	if (i >= len || s[i] != '=')
		return false;
	for (i++; i < len && tl_is_wsp(s[i]); i++)
		;
	if (len - i < 6 || (exact ? memcmp(s + i, "DMARC1", 6) != 0 :
	    strncasecmp(s + i, "DMARC", 5) != 0))
		return false;
	i += 6;
	return !exact || i == len || tl_is_wsp(s[i]) || s[i] == ';';
}

enum dw_err
dmarc_record_select(struct arena *a, const char *const *txt,
    const size_t *lens, size_t n, struct dmarc_record **out,
    struct diag_list *dl)
{
	size_t i, found = 0, which = 0;

	*out = NULL;
	for (i = 0; i < n; i++) {
		if (looks_dmarc(txt[i], lens[i], true)) {
			found++;
			which = i;
		} else if (looks_dmarc(txt[i], lens[i], false))
			diag_add(dl, DIAG_DMARC_BAD_VERSION, 0, "v");
		else
			diag_add(dl, DIAG_DMARC_NOT_DMARC, 0, NULL);
	}
	if (found == 1)
		return dmarc_record_parse(a, txt[which], lens[which], out, dl);
	*out = arena_zalloc(a, sizeof(**out));
	if (*out == NULL)
		return nomem(a);
	(*out)->fo = DMARC_FO_0;
	(*out)->status = found == 0 ? REC_ABSENT : REC_INVALID;
	if (found > 1)
		diag_add(dl, DIAG_DMARC_MULTIPLE, 0, NULL);
	return DW_OK;
}

static size_t
no_dot(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

static enum dw_err
auth_one(struct arena *a, const struct dmarc_uri *u, bool ruf,
    const char *policy_domain, struct dmarc_auth *v, size_t *k)
{
	struct buf b;
	size_t i, plen = no_dot(policy_domain), dlen = no_dot(u->domain);
	enum dw_err err;

	for (i = 0; i < *k; i++)
		if (strcmp(v[i].dest, u->domain) == 0)
			return DW_OK;
	buf_init(&b, 2 * DMARC_NAME_MAX + 32);
	err = buf_append(&b, policy_domain, plen);
	if (err == DW_OK)
		err = buf_puts(&b, "._report._dmarc.");
	if (err == DW_OK)
		err = buf_append(&b, u->domain, dlen);
	if (err == DW_OK) {
		v[*k].uri = u;
		v[*k].ruf = ruf;
		v[*k].dest = u->domain;
		v[*k].too_long = b.len > DMARC_NAME_MAX;
		v[*k].name = arena_strndup(a, buf_str(&b), b.len);
		if (v[*k].name == NULL)
			err = nomem(a);
		else
			(*k)++;
	}
	buf_fini(&b);
	return err;
}

enum dw_err
dmarc_record_auth_names(struct arena *a, const struct dmarc_record *r,
    const char *policy_domain,
    bool (*same_org)(void *ctx, const char *a, const char *b), void *ctx,
    struct dmarc_auth **out, size_t *n)
{
	struct dmarc_auth *v;
	const struct dmarc_uri *u;
	size_t i, k = 0, total = r->nrua + r->nruf;
	enum dw_err err;

	*out = NULL;
	*n = 0;
	if (total == 0)
		return DW_OK;
	v = arena_zalloc(a, total * sizeof(*v));
	if (v == NULL)
		return nomem(a);
	for (i = 0; i < total; i++) {
		u = i < r->nrua ? &r->rua[i] : &r->ruf[i - r->nrua];
		if (u->domain == NULL ||
		    same_org(ctx, policy_domain, u->domain))
			continue;
		err = auth_one(a, u, i >= r->nrua, policy_domain, v, &k);
		if (err != DW_OK)
			return err;
	}
	*out = v;
	*n = k;
	return DW_OK;
}

static enum dw_err
put_uris(struct buf *b, const char *tag, const struct dmarc_uri *u,
    size_t n)
{
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < n && err == DW_OK; i++)
		err = buf_printf(b, "%s%s", i == 0 ? tag : ",", u[i].uri);
	return err;
}

static enum dw_err
build(struct buf *b, const struct dmarc_record *r, enum dmarc_policy p,
    bool t)
{
	enum dw_err err;

	err = buf_printf(b, "v=DMARC1; p=%s", dmarc_policy_name(p));
	if (err == DW_OK && r->sp != DMARC_P_UNSET)
		err = buf_printf(b, "; sp=%s", dmarc_policy_name(r->sp));
	if (err == DW_OK && r->np != DMARC_P_UNSET)
		err = buf_printf(b, "; np=%s", dmarc_policy_name(r->np));
	if (err == DW_OK && r->psd != DMARC_PSD_U)
		err = buf_printf(b, "; psd=%c", r->psd == DMARC_PSD_Y ?
		    'y' : 'n');
	if (err == DW_OK && r->adkim == DMARC_ALIGN_STRICT)
		err = buf_puts(b, "; adkim=s");
	if (err == DW_OK && r->aspf == DMARC_ALIGN_STRICT)
		err = buf_puts(b, "; aspf=s");
	if (err == DW_OK && t)
		err = buf_puts(b, "; t=y");
	if (err == DW_OK)
		err = put_uris(b, "; rua=", r->rua, r->nrua);
	if (err == DW_OK)
		err = put_uris(b, "; ruf=", r->ruf, r->nruf);
	if (err == DW_OK && r->fo_set && r->nruf > 0 && r->fo != DMARC_FO_0)
		err = buf_printf(b, "; fo=%s%s%s",
		    (r->fo & DMARC_FO_1) ? "1" : "0",
		    (r->fo & DMARC_FO_D) ? ":d" : "",
		    (r->fo & DMARC_FO_S) ? ":s" : "");
	return err;
}

enum dw_err
dmarc_record_next(struct arena *a, const struct dmarc_record *r,
    const char **out)
{
	struct buf b;
	enum dmarc_policy p = r->eff_p;
	bool t = r->t;
	enum dw_err err;

	*out = NULL;
	if (r->status == REC_ABSENT || p == DMARC_P_UNSET) {
		p = DMARC_P_NONE;
		t = false;
	} else if (r->status == REC_VALID) {
		if (t && p != DMARC_P_NONE)
			t = false;
		else if (p == DMARC_P_REJECT)
			return DW_OK;
		else
			p = p == DMARC_P_NONE ? DMARC_P_QUARANTINE :
			    DMARC_P_REJECT;
	}
	buf_init(&b, DMARC_NEXT_MAX);
	err = build(&b, r, p, t);
	if (err == DW_OK) {
		*out = arena_strndup(a, buf_str(&b), b.len);
		if (*out == NULL)
			err = nomem(a);
	}
	buf_fini(&b);
	return err;
}
