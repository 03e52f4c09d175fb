/*
 * smtp_probe.h: does an MX offer STARTTLS, and what TLS does it give?
 *
 * smtp_probe() connects to an MX host on port 25 (o->port for tests),
 * reads the greeting, sends EHLO, checks that STARTTLS is offered, sends
 * STARTTLS, completes the TLS handshake (server name indication: the MX
 * name) and says goodbye with QUIT inside TLS.  It records:
 *   - the negotiated TLS version (1.2 or newer required: 1.0 and 1.1 are
 *     NET_TLS_OLD_VERSION, RFC 8996) and the cipher;
 *   - the certificate: chain against the system store (or o->ca_file),
 *     name against the MX host (X509_check_host), dates, key size.
 * To see what a server really offers, the client itself accepts TLS 1.0
 * and every cipher OpenSSL has, and completes the handshake whatever the
 * certificate; the verdicts are diagnostics.  Opportunistic STARTTLS
 * does not authenticate the server, so certificate problems are
 * warnings here; MTA-STS in enforce mode makes them fatal for senders,
 * which the caller knows and this module does not.
 *
 * Addresses: resolved once (A, then AAAA) and each checked by the
 * non-public rule of net.h; the first admitted address that accepts a
 * TCP connection is probed, the others are only recorded if refused.
 *
 * Every step has its own deadline (o->connect_timeout_ms for the TCP
 * connection, o->timeout_ms for each of greeting, EHLO, STARTTLS,
 * handshake and QUIT), so a silent or trickling server ends as
 * NET_TIMEOUT.  Replies are read through smtp_reply.h: lines over
 * SMTP_LINE_MAX or replies over SMTP_REPLY_LINES_MAX lines end the probe
 * with NET_SMTP_REPLY_TOO_LONG.  Bytes the server sends after its 220 to
 * STARTTLS are never fed to TLS (NET_SMTP_STARTTLS_EXTRA).
 *
 * The probe never writes to a socket the peer has closed with SIGPIPE
 * raised: sends use MSG_NOSIGNAL, for TLS too.  It may run in several
 * threads at once.
 */
#ifndef DW_SMTP_PROBE_H
#define DW_SMTP_PROBE_H

#include "net/net.h"

#define SMTP_PROBE_PORT		25
#define SMTP_PROBE_EXT_MAX	32	/* EHLO keywords kept */

struct smtp_probe_opts {
	struct net_opts	 net;
	/* The EHLO argument; NULL: an address literal of the local end,
	 * "[192.0.2.1]" or "[IPv6:...]" (RFC 5321 §4.1.3), always valid. */
	const char	*ehlo_name;
};

enum smtp_probe_outcome {
	SMTP_PROBE_TLS,		/* STARTTLS negotiated: see tls_*, cert */
	SMTP_PROBE_NO_STARTTLS,	/* SMTP works, STARTTLS is not offered */
	SMTP_PROBE_UNREACHABLE,	/* no usable address or no connection */
	SMTP_PROBE_SMTP_ERROR,	/* greeting, EHLO or STARTTLS refused,
				 * malformed reply, timeout, closed */
	SMTP_PROBE_TLS_FAILED,	/* STARTTLS accepted, handshake failed */
};

struct smtp_probe_result {
	enum smtp_probe_outcome outcome;
	const char	*host;
	uint16_t	 port;
	bool		 connected;
	struct net_addr	 addr;		/* the address probed */
	int		 greeting_code;	/* 0 when none */
	const char	*greeting;	/* first greeting line, escaped */
	const char	*ext[SMTP_PROBE_EXT_MAX];	/* EHLO keywords,
					 * escaped, as announced */
	size_t		 next;
	size_t		 ext_dropped;	/* keywords past SMTP_PROBE_EXT_MAX */
	bool		 starttls;	/* offered */
	const char	*tls_version;	/* "TLSv1.3", or NULL */
	int		 tls_version_num;	/* TLS1_2_VERSION, ... */
	const char	*cipher;	/* OpenSSL name, or NULL */
	int		 cipher_bits;
	bool		 have_cert;
	struct net_cert	 cert;
	struct net_diags diags;
	int64_t		 elapsed_ms;
};

/*
 * Probes host (an A-label host name, final dot allowed).  DW_OK when a
 * verdict was reached, good or bad; DW_EINVAL for a bad host name or
 * options (an unreadable ca_file), DW_ENOMEM / DW_ELIMIT when arena a
 * refused.  *out and its strings live in a.
 */
enum dw_err smtp_probe(struct arena *a, const char *host,
    const struct smtp_probe_opts *o, struct smtp_probe_result *out);
const char *smtp_probe_outcome_name(enum smtp_probe_outcome o);

#endif
