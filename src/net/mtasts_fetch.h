/*
 * mtasts_fetch.h: the MTA-STS policy of a domain, fetched over HTTPS
 * (RFC 8461 §3.3), and its mx patterns compared with the domain's MX
 * hosts (§4.1).
 *
 * mtasts_fetch() asks https://mta-sts.<domain>/.well-known/mta-sts.txt
 * with libcurl:
 *   - the host is resolved once (net_resolve: A then AAAA) and every
 *     address that is not public is refused with a diagnostic; the rest
 *     are pinned (CURLOPT_RESOLVE) and checked again when the socket is
 *     opened, so neither DNS rebinding nor a proxy setting can send the
 *     request elsewhere;
 *   - HTTPS only, TLS 1.2 or newer, the certificate validated against
 *     the system store (or o->ca_file) and the host name;
 *   - no redirect is followed: a 3xx is NET_STS_REDIRECT with its
 *     Location;
 *   - 200 is required, with Content-Type text/plain (parameters such as
 *     charset allowed);
 *   - the body is capped at MTASTS_POLICY_MAX (64 KiB) whether or not a
 *     Content-Length announces it; no content coding is asked for;
 *   - a connect timeout and a timeout on the whole transfer, so a server
 *     that trickles bytes (slowloris) ends as NET_TIMEOUT.
 * A 200 body is parsed with mtasts_policy_parse(); its findings go to
 * policy_diags, and an invalid policy adds NET_STS_POLICY_INVALID.
 *
 * Thread safety: mtasts_fetch() may run in several threads at once; the
 * first call initializes libcurl (curl_global_init) once.
 */
#ifndef DW_MTASTS_FETCH_H
#define DW_MTASTS_FETCH_H

#include "net/net.h"
#include "record/mtasts.h"

#define MTASTS_FETCH_PORT	443
#define MTASTS_FETCH_PATH	"/.well-known/mta-sts.txt"	/* §3.2 */
#define MTASTS_FETCH_PREFIX	"mta-sts."			/* §3.2 */

enum mtasts_fetch_outcome {
	MTASTS_FETCH_OK,	/* 200, text/plain, within the cap; the
				 * policy was parsed (see policy->status) */
	MTASTS_FETCH_UNREACHABLE, /* no usable address, no connection,
				 * or a timeout */
	MTASTS_FETCH_TLS,	/* handshake or certificate failure */
	MTASTS_FETCH_HTTP,	/* an answer that is no policy: status,
				 * redirect, type, size, broken HTTP */
};

struct mtasts_fetch_result {
	enum mtasts_fetch_outcome outcome;
	const char	*host;		/* "mta-sts.example.com" */
	const char	*url;
	bool		 connected;
	struct net_addr	 addr;		/* the address used, if connected */
	long		 http_status;	/* 0 when no response */
	const char	*content_type;	/* as served, escaped; or NULL */
	const char	*location;	/* a redirect's target, escaped */
	bool		 have_cert;
	struct net_cert	 cert;		/* the server's, if one was seen */
	const char	*body;		/* NUL-terminated; NULL unless 200 */
	size_t		 body_len;
	struct mtasts_policy *policy;	/* NULL unless the body was parsed */
	struct diag_list policy_diags;	/* the parser's findings */
	struct net_diags diags;		/* every transport problem */
	int64_t		 elapsed_ms;
};

/*
 * Fetches and parses the policy of domain (an A-label name, final dot
 * allowed).  DW_OK when a verdict was reached, whatever it is; DW_EINVAL
 * for a bad domain or options, DW_ENOMEM / DW_ELIMIT when arena a
 * refused.  *out and its strings live in a.
 */
enum dw_err mtasts_fetch(struct arena *a, const char *domain,
    const struct net_opts *o, struct mtasts_fetch_result *out);
const char *mtasts_fetch_outcome_name(enum mtasts_fetch_outcome o);

/*
 * The policy's mx patterns against the domain's MX host names (as
 * published, final dot allowed; "" or "." for a null MX, RFC 7505).
 * covered[i] tells whether mx[i] matches a pattern (§4.1: exact, or
 * "*." standing for exactly one leftmost label, ASCII case ignored);
 * used[j] whether pattern j matched some MX.  Each uncovered MX adds
 * NET_STS_MX_NOT_COVERED (an error in enforce mode, where mail to it
 * would fail; a warning in testing mode; info for mode none), each
 * unused pattern NET_STS_MX_UNUSED, and no MX at all NET_STS_NO_MX.
 * covered and used are arena-owned arrays.
 */
struct mtasts_mx_cmp {
	size_t		 nmx;
	bool		*covered;	/* nmx entries */
	size_t		 npatterns;
	bool		*used;		/* npatterns entries */
	size_t		 uncovered;	/* MX hosts matching no pattern */
};

enum dw_err mtasts_mx_compare(struct arena *a,
    const struct mtasts_policy *p, const char *const *mx, size_t nmx,
    struct mtasts_mx_cmp *out, struct net_diags *nd);

#endif
