/*
 * net.h: what the transport checks share: addresses and the rule that
 * refuses non-public ones, options, deadlines, and the diagnostics each
 * check returns.
 *
 * The transport checks (mtasts_fetch.h: the MTA-STS policy over HTTPS;
 * smtp_probe.h: STARTTLS on an MX) talk to hosts named by DNS data that
 * anyone can publish.  So every address is resolved once, classified,
 * and pinned: a host that resolves to a loopback, private, link-local or
 * otherwise non-public address gets a diagnostic and no connection
 * (OWASP SSRF prevention; RFC 6890 special-purpose registries).  Only an
 * explicit test option admits loopback, and nothing admits the rest.
 *
 * A check returns DW_OK when it reached a verdict, good or bad; the
 * verdict is in its result and every problem is one struct net_diag
 * naming the host and the reason.  Other codes are local failures
 * (DW_ENOMEM, DW_EINVAL for bad options).
 *
 * Ownership: diagnostics, their text and every string of a result live
 * in the arena given to the check (arena-owned); options are borrowed
 * for the duration of the call.
 */
#ifndef DW_NET_H
#define DW_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "dns/dns.h"
#include "record/diag.h"

#define NET_ADDR_MAX		16	/* addresses kept per host */
#define NET_ADDR_STRLEN		46	/* INET6_ADDRSTRLEN */
#define NET_DIAG_MAX		32	/* diagnostics kept per check */
#define NET_DETAIL_MAX		512	/* bytes of one diagnostic text */
#define NET_CONNECT_TIMEOUT_MS	10000	/* default TCP connect */
#define NET_TIMEOUT_MS		20000	/* default: a fetch, an SMTP step */
#define NET_TIMEOUT_MAX_MS	300000	/* RFC 5321 §4.5.3.2 longest wait */
#define NET_CERT_SOON_DAYS	14	/* expiry closer than this: warn */
#define NET_RSA_MIN_BITS	2048	/* weaker certificate keys: warn */
#define NET_CIPHER_MIN_BITS	128	/* weaker symmetric ciphers: warn */

/* One address, IPv4 in a[0..4) or IPv6 in a[0..16). */
struct net_addr {
	bool		 v6;
	uint8_t		 a[16];
};

/* What an address is, by the IANA special-purpose registries. */
enum net_addr_class {
	NET_ADDR_PUBLIC,
	NET_ADDR_UNSPECIFIED,	/* 0.0.0.0/8, :: */
	NET_ADDR_LOOPBACK,	/* 127.0.0.0/8, ::1 */
	NET_ADDR_PRIVATE,	/* RFC 1918, fc00::/7 */
	NET_ADDR_SHARED,	/* 100.64.0.0/10 (carrier-grade NAT) */
	NET_ADDR_LINK_LOCAL,	/* 169.254.0.0/16, fe80::/10 */
	NET_ADDR_MULTICAST,	/* 224.0.0.0/4, ff00::/8 */
	NET_ADDR_DOCUMENTATION,	/* TEST-NET-1/2/3, 2001:db8::/32 */
	NET_ADDR_RESERVED,	/* 240.0.0.0/4, 192.0.0.0/24, benchmarks,
				 * fec0::/10, 100::/64, ... */
};

/* Which address class an address is in.  An IPv4-mapped (::ffff:0:0/96),
 * NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address is judged by the IPv4
 * address it carries, so ::ffff:127.0.0.1 is loopback; IPv6 outside
 * 2000::/3 and the special ranges is reserved. */
enum net_addr_class net_addr_classify(const struct net_addr *ad);
const char *net_addr_class_name(enum net_addr_class c);
/* True when a connection to ad may be made: public, or loopback when
 * allow_loopback is set. */
bool net_addr_allowed(const struct net_addr *ad, bool allow_loopback);
/* Presentation form into out (NET_ADDR_STRLEN bytes). */
const char *net_addr_format(const struct net_addr *ad, char *out,
    size_t sz);
/* Parses an IPv4 or IPv6 literal; false when it is neither. */
bool net_addr_parse(const char *s, struct net_addr *ad);

/*
 * Options of every transport check.  Zero means the default.  The checks
 * block the calling thread (every step bounded by the timeouts) and keep
 * no global state beyond one-time library initialization, so several may
 * run in threads at once; a resolver, though, is used from the calling
 * thread with dns_query(), so threads either have one each or pass the
 * addresses they resolved themselves in addrs.
 */
struct net_opts {
	struct dns_resolver *resolver;	/* borrowed; asked for A and AAAA
					 * unless naddrs > 0 */
	const struct net_addr *addrs;	/* pre-resolved addresses of the
					 * host (borrowed), tried in order */
	size_t		 naddrs;
	const char	*ca_file;	/* PEM file of trusted CAs instead of
					 * the system store (tests) */
	bool		 allow_loopback; /* tests: admit 127/8 and ::1 */
	uint16_t	 port;		/* 0: 443 for HTTPS, 25 for SMTP */
	unsigned	 connect_timeout_ms;	/* 0: NET_CONNECT_TIMEOUT_MS */
	unsigned	 timeout_ms;	/* 0: NET_TIMEOUT_MS; at most
					 * NET_TIMEOUT_MAX_MS */
};

/*
 * The certificate a server presented, as the checks saw it.  Validity is
 * split into its parts so each gets its own diagnostic: the chain against
 * the trusted CAs, the name against the host (X509_check_host, no
 * partial wildcards), and the dates against the clock.
 */
#define NET_CERT_TEXT_MAX	256	/* bytes of subject / issuer / names
					 * shown (a longer one ends in "...") */

struct net_cert {
	const char	*subject;	/* RFC 2253 one line, escaped */
	const char	*issuer;
	const char	*dns_names;	/* subjectAltName DNS entries, ", "
					 * between, escaped; "" when none */
	int64_t		 not_before;	/* UTC seconds */
	int64_t		 not_after;
	int64_t		 days_left;	/* negative once expired */
	const char	*key_type;	/* "RSA", "EC", "ED25519", ... */
	int		 key_bits;
	bool		 chain_ok;	/* a trusted CA vouches for it */
	int		 chain_error;	/* first X509_V_ERR_* apart from the
					 * leaf's dates; 0 when none */
	const char	*chain_text;	/* its text, or NULL */
	bool		 name_ok;
	bool		 expired;
	bool		 not_yet_valid;
};

/*
 * Diagnostics.  Ids are stable strings ("net.address_not_public") for
 * logs, JSON and tests; numbers are append only.
 */
enum net_code {
	NET_NXDOMAIN,		/* the host name does not exist */
	NET_NO_ADDRESS,		/* no A or AAAA record */
	NET_DNS_TEMP,		/* temporary DNS failure: retry later */
	NET_ADDR_NOT_PUBLIC,	/* resolves to a non-public address */
	NET_CONNECT,		/* TCP connection failed */
	NET_TIMEOUT,		/* a step did not finish in time */
	NET_CLOSED,		/* the server closed the connection */
	NET_TLS_HANDSHAKE,	/* TLS could not be negotiated */
	NET_TLS_OLD_VERSION,	/* TLS 1.0 or 1.1 (RFC 8996) */
	NET_TLS_WEAK_CIPHER,	/* under NET_CIPHER_MIN_BITS */
	NET_CERT_UNTRUSTED,	/* chain does not reach a trusted CA */
	NET_CERT_EXPIRED,
	NET_CERT_NOT_YET_VALID,
	NET_CERT_NAME,		/* not valid for the host name */
	NET_CERT_EXPIRES_SOON,	/* within NET_CERT_SOON_DAYS */
	NET_CERT_WEAK_KEY,	/* RSA under NET_RSA_MIN_BITS */
	NET_STS_REDIRECT,	/* HTTP 3xx: not followed (RFC 8461 §3.3) */
	NET_STS_HTTP_STATUS,	/* not 200 */
	NET_STS_CONTENT_TYPE,	/* not text/plain (RFC 8461 §3.2) */
	NET_STS_TOO_LARGE,	/* body over MTASTS_POLICY_MAX */
	NET_STS_HTTP_ERROR,	/* any other HTTP failure */
	NET_STS_POLICY_INVALID,	/* fetched, but the policy is invalid */
	NET_STS_MX_NOT_COVERED,	/* an MX no policy pattern matches */
	NET_STS_MX_UNUSED,	/* a pattern matching no MX */
	NET_STS_NO_MX,		/* the domain has no MX to compare */
	NET_SMTP_GREETING,	/* greeting not 220 */
	NET_SMTP_BAD_REPLY,	/* reply syntax (RFC 5321 §4.2) */
	NET_SMTP_REPLY_TOO_LONG,	/* line or line count cap */
	NET_SMTP_EHLO_REFUSED,
	NET_SMTP_NO_STARTTLS,	/* STARTTLS not offered */
	NET_SMTP_STARTTLS_REFUSED,	/* STARTTLS answered but not 220 */
	NET_SMTP_STARTTLS_EXTRA,	/* bytes after 220 to STARTTLS
					 * (response injection) */
	NET__COUNT
};

struct net_diag {
	enum net_code	 code;
	enum diag_sev	 sev;
	const char	*detail;	/* arena-owned, names host and reason,
					 * stranger bytes escaped */
};

struct net_diags {
	struct net_diag	 d[NET_DIAG_MAX];
	size_t		 n;
	size_t		 dropped;	/* past NET_DIAG_MAX, counted */
};

const char *net_code_id(enum net_code c);
const char *net_code_message(enum net_code c);
enum diag_sev net_code_sev(enum net_code c);
/* First diagnostic with this code, or NULL. */
const struct net_diag *net_diags_find(const struct net_diags *nd,
    enum net_code c);

/*
 * Adds a diagnostic with text from fmt (cut at NET_DETAIL_MAX: it is a
 * message, never data).  sev < 0 takes the code's default.  Returns
 * DW_ENOMEM / DW_ELIMIT when the arena refused the text.
 */
enum dw_err net_diag_add(struct arena *a, struct net_diags *nd,
    enum net_code c, int sev, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * The addresses of host, each checked: non-public ones (unless admitted)
 * get NET_ADDR_NOT_PUBLIC and are left out.  From o->addrs when given,
 * else A then AAAA from o->resolver; NXDOMAIN, no address and temporary
 * failures get their diagnostics.  *n is the number of usable
 * addresses; past NET_ADDR_MAX they are counted in *skipped.
 */
enum dw_err net_resolve(const struct net_opts *o, struct arena *a,
    const char *host, struct net_addr *out, size_t *n, size_t *skipped,
    struct net_diags *nd);

/*
 * s[0..n) (any bytes, NULs included) as printable text in arena a:
 * controls, DEL and invalid UTF-8 escaped as by log_sanitize(), NUL as
 * "\x00"; over max bytes it is cut and ends in "...".  NULL when the
 * arena refused.
 */
#define NET_TEXT_MAX		512
const char *net_escape(struct arena *a, const char *s, size_t n,
    size_t max);

/* What a NULL from arena a means: DW_ELIMIT at its cap, else DW_ENOMEM. */
enum dw_err net_nomem(const struct arena *a);
/* UTC seconds as YYYY-MM-DD (a certificate date). */
const char *net_date(int64_t t, char *buf, size_t sz);
/* DW_EINVAL when o cannot be used: ca_file given but not readable. */
enum dw_err net_opts_check(const struct net_opts *o);
/* Milliseconds on the monotonic clock. */
int64_t net_now_ms(void);
/* The effective timeouts of o. */
unsigned net_timeout_ms(const struct net_opts *o);
unsigned net_connect_timeout_ms(const struct net_opts *o);
/* True when host is a syntactically valid DNS host name (LDH labels,
 * final dot allowed); the checks refuse anything else with DW_EINVAL. */
bool net_host_ok(const char *host);

#endif
