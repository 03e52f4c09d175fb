/*
 * dkim_key.c: RFC 6376 §3.6.1 key records through the tag table.
 */
#include <string.h>

#include "record/dkim_key.h"
#include "record/taglist.h"

struct kctx {
	struct arena		*a;
	struct dkim_key		*k;
	struct diag_list	*dl;
	size_t			 nerr;
	const struct tag	*p;
};

struct dkim_tag {
	const char	*name;
	enum dw_err	(*fn)(struct kctx *, const struct tag *);
};

static void
kerr(struct kctx *c, enum diag_code code, size_t off, const char *tag)
{
	c->nerr++;
	diag_add(c->dl, code, off, tag);
}

static enum dw_err
nomem(struct arena *a)
{
	return arena_exhausted(a) ? DW_ELIMIT : DW_ENOMEM;
}

static bool
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* hyphenated-word = ALPHA [ *(ALPHA / DIGIT / "-") (ALPHA / DIGIT) ] */
static bool
hyph_word(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !tl_is_alpha(s[0]) || s[n - 1] == '-')
		return false;
	for (i = 1; i < n; i++)
		if (!tl_is_alpha(s[i]) && !tl_is_digit(s[i]) && s[i] != '-')
			return false;
	return true;
}

/*
 * Walks a colon list ([FWS] ":" [FWS] between items), calling item() on
 * each; a malformed item is an error finding.
 */
static bool
colon_list(struct kctx *c, const struct tag *t,
    unsigned (*item)(const char *, size_t), unsigned *bits)
{
	size_t i = 0, j, b, e;

	while (i <= t->val_len) {
		for (j = i; j < t->val_len && t->val[j] != ':'; j++)
			;
		for (b = i; b < j && is_fws(t->val[b]); b++)
			;
		for (e = j; e > b && is_fws(t->val[e - 1]); e--)
			;
		if (!(e - b == 1 && t->val[b] == '*' && tag_is(t, "s",
		    false)) && !hyph_word(t->val + b, e - b)) {
			kerr(c, DIAG_DKIM_BAD_LIST, t->val_off + b, t->name);
			return false;
		}
		*bits |= item(t->val + b, e - b);
		i = j + 1;
	}
	return true;
}

static unsigned
h_item(const char *s, size_t n)
{
	return tl_ieq(s, n, "sha1") ? DKIM_H_SHA1 :
	    tl_ieq(s, n, "sha256") ? DKIM_H_SHA256 : 0;
}

static unsigned
s_item(const char *s, size_t n)
{
	return tl_eq(s, n, "*") ? DKIM_S_ANY :
	    tl_ieq(s, n, "email") ? DKIM_S_EMAIL : 0;
}

static unsigned
t_item(const char *s, size_t n)
{
	return tl_ieq(s, n, "y") ? DKIM_T_Y : tl_ieq(s, n, "s") ? DKIM_T_S :
	    0;
}

static enum dw_err
tag_h(struct kctx *c, const struct tag *t)
{
	unsigned h = 0;

	if (!colon_list(c, t, h_item, &h))
		return DW_OK;
	c->k->h = h;
	if (h == DKIM_H_SHA1)
		kerr(c, DIAG_DKIM_H_SHA1_ONLY, t->val_off, t->name);
	else if (h == 0)
		kerr(c, DIAG_DKIM_H_NO_KNOWN, t->val_off, t->name);
	return DW_OK;
}

static enum dw_err
tag_s(struct kctx *c, const struct tag *t)
{
	unsigned s = 0;

	if (!colon_list(c, t, s_item, &s))
		return DW_OK;
	c->k->s = s;
	if (s == 0)
		kerr(c, DIAG_DKIM_S_NO_EMAIL, t->val_off, t->name);
	return DW_OK;
}

static enum dw_err
tag_t(struct kctx *c, const struct tag *t)
{
	unsigned f = 0;

	if (!colon_list(c, t, t_item, &f))
		return DW_OK;
	c->k->t = f;
	if (f & DKIM_T_Y)
		diag_add(c->dl, DIAG_DKIM_TESTING, t->val_off, t->name);
	return DW_OK;
}

static enum dw_err
tag_k(struct kctx *c, const struct tag *t)
{
	if (tl_ieq(t->val, t->val_len, "rsa"))
		c->k->k = DKIM_K_RSA;
	else if (tl_ieq(t->val, t->val_len, "ed25519"))
		c->k->k = DKIM_K_ED25519;
	else
		kerr(c, DIAG_DKIM_BAD_K, t->val_off, t->name);
	return DW_OK;
}

static enum dw_err
tag_n(struct kctx *c, const struct tag *t)
{
	c->k->n = arena_strndup(c->a, t->val, t->val_len);
	return c->k->n == NULL ? nomem(c->a) : DW_OK;
}

static enum dw_err
tag_p(struct kctx *c, const struct tag *t)
{
	c->p = t;
	return DW_OK;
}

static const struct dkim_tag dkim_tags[] = {
	{ "k", tag_k }, { "p", tag_p }, { "h", tag_h }, { "s", tag_s },
	{ "t", tag_t }, { "n", tag_n },
};

static int
b64val(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* Strict base64 of s[0..n) (FWS already removed) into out. */
static bool
b64_decode(const char *s, size_t n, unsigned char *out, size_t *olen)
{
	size_t i, o = 0, pad = 0;
	uint32_t acc = 0;
	int v;

	if (n % 4 != 0)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i >= n - 2) {
			pad++;
			v = 0;
		} else {
			v = pad > 0 ? -1 : b64val(s[i]);
			if (v < 0)
				return false;
		}
		acc = acc << 6 | (uint32_t)v;
		if (i % 4 == 3) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
	}
	*olen = o - pad;
	return true;
}

/*
 * DER (X.690 §10), as much of it as an RSA public key needs, read in
 * place: nothing is allocated, so a key is good or bad by its bytes
 * alone, and every length is checked against what holds it.
 */
struct der {
	const unsigned char	*p;
	size_t			 n;
};

/* Takes the next element of d, which must have the tag, into *body. */
static bool
der_take(struct der *d, unsigned char tag, struct der *body)
{
	size_t len, i = 2, k;

	if (d->n < 2 || d->p[0] != tag)
		return false;
	len = d->p[1];
	if (len & 0x80) {	/* long form: k length bytes, minimal */
		k = len & 0x7f;
		if (k == 0 || k > 4 || d->n - 2 < k || d->p[2] == 0)
			return false;
		for (len = 0; i < 2 + k; i++)
			len = len << 8 | d->p[i];
		if (len < 0x80)
			return false;
	}
	if (len > d->n - i)
		return false;
	body->p = d->p + i;
	body->n = len;
	d->p += i + len;
	d->n -= i + len;
	return true;
}

/* A positive INTEGER without superfluous leading bytes: its bits. */
static bool
der_uint_bits(struct der *d, unsigned *bits)
{
	struct der v;
	unsigned char top;

	if (!der_take(d, 0x02, &v) || v.n == 0 || (v.p[0] & 0x80) != 0)
		return false;
	if (v.p[0] == 0) {
		if (v.n == 1 || (v.p[1] & 0x80) == 0)
			return false;
		v.p++;
		v.n--;
	}
	*bits = (unsigned)(v.n - 1) * 8;
	for (top = v.p[0]; top != 0; top >>= 1)
		(*bits)++;
	return true;
}

/* RSAPublicKey (RFC 8017 §A.1.1) filling all of d. */
static bool
rsa_pkcs1(struct der d, unsigned *bits)
{
	struct der seq;
	unsigned ebits;

	return der_take(&d, 0x30, &seq) && d.n == 0 &&
	    der_uint_bits(&seq, bits) && der_uint_bits(&seq, &ebits) &&
	    seq.n == 0;
}

/* SubjectPublicKeyInfo (RFC 5280 §4.1) of an rsaEncryption key, whose
 * parameters are NULL (RFC 3279 §2.3.1) or, as libraries accept, absent. */
static bool
rsa_spki(struct der d, unsigned *bits)
{
	static const unsigned char rsa_oid[] = {
		0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
	};
	struct der spki, alg, oid, key, null;

	if (!der_take(&d, 0x30, &spki) || d.n != 0 ||
	    !der_take(&spki, 0x30, &alg) || !der_take(&alg, 0x06, &oid) ||
	    oid.n != sizeof(rsa_oid) ||
	    memcmp(oid.p, rsa_oid, sizeof(rsa_oid)) != 0)
		return false;
	if (alg.n != 0 && (!der_take(&alg, 0x05, &null) || null.n != 0 ||
	    alg.n != 0))
		return false;
	if (!der_take(&spki, 0x03, &key) || spki.n != 0 || key.n < 1 ||
	    key.p[0] != 0)		/* no unused bits */
		return false;
	key.p++;
	key.n--;
	return rsa_pkcs1(key, bits);
}

static void
rsa_size(struct kctx *c, const struct tag *t)
{
	struct dkim_key *k = c->k;
	struct der d = { k->key, k->key_len };

	if (rsa_spki(d, &k->bits))
		k->enc = DKIM_ENC_SPKI;
	else if (rsa_pkcs1(d, &k->bits))
		k->enc = DKIM_ENC_PKCS1;
	else {
		k->enc = DKIM_ENC_NONE;
		k->bits = 0;
		kerr(c, DIAG_DKIM_BAD_KEY, t->val_off, t->name);
		return;
	}
	if (k->enc == DKIM_ENC_PKCS1)
		diag_add(c->dl, DIAG_DKIM_PKCS1, t->val_off, t->name);
	if (k->bits < DKIM_RSA_MIN_BITS)
		kerr(c, DIAG_DKIM_RSA_TOO_SHORT, t->val_off, t->name);
	else if (k->bits < DKIM_RSA_GOOD_BITS)
		diag_add(c->dl, DIAG_DKIM_RSA_WEAK, t->val_off, t->name);
}

/* p=: FWS removed, base64 decoded, then checked against k=. */
static enum dw_err
check_key(struct kctx *c, const struct tag *t)
{
	struct dkim_key *k = c->k;
	char *b64;
	size_t i, n = 0;

	b64 = arena_alloc(c->a, t->val_len + 1);
	if (b64 == NULL)
		return nomem(c->a);
	for (i = 0; i < t->val_len; i++)
		if (!is_fws(t->val[i]))
			b64[n++] = t->val[i];
	b64[n] = '\0';
	k->p = b64;
	if (n == 0) {
		k->revoked = true;
		diag_add(c->dl, DIAG_DKIM_REVOKED, t->val_off, t->name);
		return DW_OK;
	}
	if (n / 4 * 3 > DKIM_KEY_MAX) {
		kerr(c, DIAG_DKIM_KEY_TOO_LARGE, t->val_off, t->name);
		return DW_OK;
	}
	k->key = arena_alloc(c->a, n / 4 * 3 + 3);
	if (k->key == NULL)
		return nomem(c->a);
	if (!b64_decode(b64, n, k->key, &k->key_len)) {
		kerr(c, DIAG_DKIM_BAD_BASE64, t->val_off, t->name);
		return DW_OK;
	}
	if (k->k == DKIM_K_RSA) {
		rsa_size(c, t);
	} else if (k->key_len != DKIM_ED25519_LEN) {
		kerr(c, DIAG_DKIM_ED25519_SIZE, t->val_off, t->name);
	} else {
		k->enc = DKIM_ENC_RAW;
		k->bits = 8 * DKIM_ED25519_LEN;
	}
	return DW_OK;
}

static enum dw_err
dispatch(struct kctx *c, const struct tag *t, size_t idx)
{
	size_t i;

	if (tag_is(t, "v", false)) {
		c->k->has_v = true;
		if (idx != 0)
			kerr(c, DIAG_DKIM_V_NOT_FIRST, t->off, t->name);
		else if (!tl_eq(t->val, t->val_len, "DKIM1")) {
			c->k->is_dkim = false;
			kerr(c, DIAG_DKIM_BAD_VERSION, t->val_off, t->name);
		}
		return DW_OK;
	}
	for (i = 0; i < sizeof(dkim_tags) / sizeof(dkim_tags[0]); i++)
		if (tag_is(t, dkim_tags[i].name, false))
			return dkim_tags[i].fn(c, t);
	return DW_OK;	/* unknown tags are ignored (§3.6.1) */
}

enum dw_err
dkim_key_parse(struct arena *a, const char *buf, size_t len,
    struct dkim_key **out, struct diag_list *dl)
{
	struct kctx c = { a, NULL, dl, 0, NULL };
	struct taglist *tl;
	enum dw_err err;
	size_t i;

	c.k = arena_zalloc(a, sizeof(*c.k));
	*out = c.k;
	tl = arena_alloc(a, sizeof(*tl));
	if (c.k == NULL || tl == NULL)
		return nomem(a);
	c.k->status = REC_INVALID;
	c.k->s = DKIM_S_ANY;
	if (len == 0) {
		diag_add(dl, DIAG_DKIM_EMPTY, 0, NULL);
		return DW_OK;
	}
	c.k->is_dkim = true;
	err = taglist_parse(a, buf, len, TL_FWS, tl, dl);
	if (err != DW_OK)
		return err;
	c.nerr = tl->nerr;
	for (i = 0; i < tl->n; i++) {
		err = dispatch(&c, &tl->t[i], i);
		if (err != DW_OK)
			return err;
	}
	if (c.p == NULL)
		kerr(&c, DIAG_DKIM_NO_KEY, len, "p");
	else if (c.k->is_dkim) {
		err = check_key(&c, c.p);
		if (err != DW_OK)
			return err;
	}
	c.k->status = c.nerr == 0 ? REC_VALID : REC_INVALID;
	return DW_OK;
}
