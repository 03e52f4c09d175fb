/*
 * net_tls.c: what a server's certificate says, recorded during the
 * handshake and judged afterwards.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "net/net_tls.h"

static pthread_once_t index_once = PTHREAD_ONCE_INIT;
static int ctx_index = -1;

static void
index_init(void)
{
	ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static bool
is_leaf_date_error(int err, int depth)
{
	return depth == 0 && (err == X509_V_ERR_CERT_HAS_EXPIRED ||
	    err == X509_V_ERR_CERT_NOT_YET_VALID);
}

static int
verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct net_tls_check *c;
	X509 *cert;
	int depth = X509_STORE_CTX_get_error_depth(x);
	int err = X509_STORE_CTX_get_error(x);

	if (ssl == NULL)
		return ok;
	c = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index);
	if (c == NULL)
		return ok;
	cert = X509_STORE_CTX_get_current_cert(x);
	if (depth == 0 && c->leaf == NULL && cert != NULL &&
	    X509_up_ref(cert) == 1)
		c->leaf = cert;
	if (!ok && c->chain_error == 0 && !is_leaf_date_error(err, depth)) {
		c->chain_error = err;
		c->chain_depth = depth;
	}
	return c->keep_going ? 1 : ok;
}

enum dw_err
net_tls_attach(SSL_CTX *ctx, struct net_tls_check *c)
{
	pthread_once(&index_once, index_init);
	if (ctx_index < 0 || SSL_CTX_set_ex_data(ctx, ctx_index, c) != 1)
		return DW_EINVAL;
	SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), verify_cb);
	return DW_OK;
}

void
net_tls_check_fini(struct net_tls_check *c)
{
	X509_free(c->leaf);
	c->leaf = NULL;
}

const char *
net_tls_error(char *buf, size_t sz, const char *fallback)
{
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		snprintf(buf, sz, "%s", fallback);
	else
		ERR_error_string_n(e, buf, sz);
	ERR_clear_error();
	return buf;
}

static const char *
name_text(struct arena *a, const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	const char *s = NULL, *data;
	long n;

	if (b == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(b, &data);
		s = net_escape(a, n > 0 ? data : "", n > 0 ? (size_t)n : 0,
		    NET_CERT_TEXT_MAX);
	}
	BIO_free(b);
	return s;
}

/* The DNS subjectAltNames joined with ", ". */
static const char *
dns_names(struct arena *a, X509 *leaf)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(leaf, NID_subject_alt_name,
	    NULL, NULL);
	char joined[NET_CERT_TEXT_MAX + 4];
	size_t len = 0, n;
	bool cut = false;
	int i;

	joined[0] = '\0';
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const unsigned char *d;

		if (g->type != GEN_DNS)
			continue;
		d = ASN1_STRING_get0_data(g->d.dNSName);
		n = (size_t)ASN1_STRING_length(g->d.dNSName);
		if (len + n + 2 > NET_CERT_TEXT_MAX) {
			cut = true;
			break;
		}
		if (len > 0) {
			memcpy(joined + len, ", ", 2);
			len += 2;
		}
		memcpy(joined + len, d, n);
		len += n;
		joined[len] = '\0';
	}
	GENERAL_NAMES_free(gens);
	if (cut)
		memcpy(joined + len, "...", 4);	/* room: len <= MAX - 2 */
	return net_escape(a, joined, strlen(joined), NET_CERT_TEXT_MAX + 3);
}

static bool
asn1_seconds(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

enum dw_err
net_tls_inspect(struct net_tls_check *c, X509 *leaf, const char *host,
    struct arena *a, struct net_cert *out)
{
	EVP_PKEY *pk;
	int64_t now = (int64_t)time(NULL);
	size_t hlen = strlen(host);

	memset(out, 0, sizeof(*out));
	if (c->leaf != NULL)
		leaf = c->leaf;
	if (leaf == NULL)
		return DW_ENOTFOUND;
	out->subject = name_text(a, X509_get_subject_name(leaf));
	out->issuer = name_text(a, X509_get_issuer_name(leaf));
	out->dns_names = dns_names(a, leaf);
	if (out->subject == NULL || out->issuer == NULL ||
	    out->dns_names == NULL)
		return DW_ENOMEM;
	if (!asn1_seconds(X509_get0_notBefore(leaf), &out->not_before) ||
	    !asn1_seconds(X509_get0_notAfter(leaf), &out->not_after))
		out->not_before = out->not_after = 0;
	out->expired = now > out->not_after;
	out->not_yet_valid = now < out->not_before;
	out->days_left = (out->not_after - now) / 86400;
	pk = X509_get0_pubkey(leaf);
	out->key_type = pk != NULL ? EVP_PKEY_get0_type_name(pk) : NULL;
	out->key_type = out->key_type != NULL ? out->key_type : "unknown";
	out->key_bits = pk != NULL ? EVP_PKEY_get_bits(pk) : 0;
	out->chain_ok = c->chain_error == 0;
	out->chain_error = c->chain_error;
	out->chain_text = out->chain_ok ? NULL :
	    X509_verify_cert_error_string(c->chain_error);
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	out->name_ok = X509_check_host(leaf, host, hlen,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
	return DW_OK;
}

/* The validity problems: chain, dates, name. */
static enum dw_err
validity_diags(struct arena *a, struct net_diags *nd, const char *who,
    const char *host, const struct net_cert *c, int sev)
{
	char d[16];
	enum dw_err err = DW_OK;

	if (!c->chain_ok)
		err = net_diag_add(a, nd, NET_CERT_UNTRUSTED, sev,
		    "%s: certificate not trusted: %s (issuer %s)", who,
		    c->chain_text, c->issuer);
	if (err == DW_OK && c->expired)
		err = net_diag_add(a, nd, NET_CERT_EXPIRED, sev,
		    "%s: certificate expired on %s", who,
		    net_date(c->not_after, d, sizeof(d)));
	if (err == DW_OK && c->not_yet_valid)
		err = net_diag_add(a, nd, NET_CERT_NOT_YET_VALID, sev,
		    "%s: certificate not valid before %s", who,
		    net_date(c->not_before, d, sizeof(d)));
	if (err == DW_OK && !c->name_ok)
		err = net_diag_add(a, nd, NET_CERT_NAME, sev,
		    "%s: certificate is for %s (names: %s), not for %s",
		    who, c->subject, c->dns_names[0] != '\0' ?
		    c->dns_names : "none", host);
	return err;
}

enum dw_err
net_tls_cert_diags(struct arena *a, struct net_diags *nd, const char *who,
    const char *host, const struct net_cert *c, int sev)
{
	char d[16];
	enum dw_err err;

	err = validity_diags(a, nd, who, host, c, sev);
	if (err == DW_OK && !c->expired && c->days_left < NET_CERT_SOON_DAYS)
		err = net_diag_add(a, nd, NET_CERT_EXPIRES_SOON, -1,
		    "%s: certificate expires on %s (%lld days left)", who,
		    net_date(c->not_after, d, sizeof(d)),
		    (long long)c->days_left);
	if (err == DW_OK && strcmp(c->key_type, "RSA") == 0 &&
	    c->key_bits < NET_RSA_MIN_BITS)
		err = net_diag_add(a, nd, NET_CERT_WEAK_KEY, -1,
		    "%s: certificate key is RSA %d bits", who, c->key_bits);
	return err;
}
