/*
 * net_tls.h: certificate inspection shared by the HTTPS fetch (through
 * libcurl's OpenSSL context) and the SMTP probe (OpenSSL directly).
 *
 * net_tls_attach() puts a verify callback on an SSL_CTX that records the
 * server's leaf certificate and the first chain error, while keeping the
 * context's verify mode: with keep_going the handshake always completes
 * (the probe wants to see the TLS version even behind a bad
 * certificate); without it the callback returns OpenSSL's own verdict
 * (the fetch must fail on a bad certificate, as libcurl decides).
 * The context must be used for one connection only, and the check must
 * outlive it.
 */
#ifndef DW_NET_TLS_H
#define DW_NET_TLS_H

#include <openssl/ssl.h>

#include "net/net.h"

struct net_tls_check {
	bool		 keep_going;
	X509		*leaf;		/* a reference; net_tls_check_fini */
	int		 chain_error;	/* first X509_V_ERR_*, 0 when none */
	int		 chain_depth;
};

/* DW_EINVAL when OpenSSL refused the ex_data slot. */
enum dw_err net_tls_attach(SSL_CTX *ctx, struct net_tls_check *c);
void net_tls_check_fini(struct net_tls_check *c);

/*
 * Fills *out from the recorded leaf (or leaf, when the recorder saw
 * none): dates against time(NULL), name against host, chain from the
 * recorded error (a handshake that ran without trust anchors must not
 * call this with chain_verified false: say so).  Strings in arena a.
 * DW_ENOTFOUND when there is no certificate at all.
 */
enum dw_err net_tls_inspect(struct net_tls_check *c, X509 *leaf,
    const char *host, struct arena *a, struct net_cert *out);

/*
 * One diagnostic per problem of cert (untrusted, expired, not yet
 * valid, not for host, expiring soon, weak key), each starting with who
 * (the host, perhaps with its address).  Validity problems get severity
 * sev (< 0: the codes' defaults).
 */
enum dw_err net_tls_cert_diags(struct arena *a, struct net_diags *nd,
    const char *who, const char *host, const struct net_cert *cert,
    int sev);

/* OpenSSL's last queued error as text (the queue is cleared), or
 * fallback when the queue is empty. */
const char *net_tls_error(char *buf, size_t sz, const char *fallback);

#endif
