/*
 * enrich.h: what can be learned of a source address: its PTR name with
 * forward confirmation, the base domain of that name, the known services
 * whose SPF includes authorize it, and (with a GeoIP database) its AS
 * number, AS organization and country.
 *
 * Lookups are asynchronous: a batch of addresses is submitted at once
 * (the resolver keeps hundreds in flight and queues the rest), each PTR
 * answer submits the forward (A or AAAA) queries of its names, and the
 * callback gets each address's result as soon as it is complete.
 *
 * A PTR name is confirmed when one of its forward addresses is the source
 * address itself (forward-confirmed reverse DNS).  At most
 * ENRICH_PTR_NAMES names of one answer are checked (RFC 7208 §4.6.4 sets
 * the same bound for SPF's ptr).  Only a confirmed name is trusted to say
 * who runs the host: anyone can publish any PTR name for their own
 * addresses.
 *
 * The TTL of a result is the least TTL of the answers it rests on (the
 * negative TTL for NXDOMAIN or NODATA), kept within ENRICH_TTL_MIN and
 * ENRICH_TTL_MAX; a temporary failure is retried after ENRICH_TTL_TEMP.
 */
#ifndef DW_ENRICH_H
#define DW_ENRICH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "psl/orgdomain.h"
#include "sources/geoip.h"
#include "sources/spfnets.h"

#define ENRICH_PTR_NAMES	10
#define ENRICH_BATCH		2048	/* addresses submitted at once */
#define ENRICH_ARENA_MAX	((size_t)256 << 20)	/* one batch */
#define ENRICH_TTL_MIN		3600		/* 1 hour */
#define ENRICH_TTL_MAX		(7 * 86400)	/* 1 week */
#define ENRICH_TTL_TEMP		900		/* retry a failure */
#define ENRICH_SERVICES_MAX	512		/* bytes of spf_services */

enum enrich_status {
	ENRICH_OK,		/* a PTR answer (confirmed or not) */
	ENRICH_NOPTR,		/* NXDOMAIN or NODATA */
	ENRICH_TEMP,		/* SERVFAIL, timeout: try again later */
	ENRICH_BADIP,		/* not an address literal */
};

const char *enrich_status_name(enum enrich_status s);

struct enrich_result {
	const char		*ip;		/* as given */
	enum enrich_status	 status;
	const char		*ptr;		/* confirmed name or NULL */
	const char		*ptr_any;	/* first name, or NULL */
	const char		*base;		/* orgdomain_base() of ptr */
	char			 spf_services[ENRICH_SERVICES_MAX];
	struct geoip_info	 geo;
	uint32_t		 ttl;
};

/* Everything borrowed; spf, geo and names may be NULL. */
struct enrich_opts {
	struct dns_resolver	*r;
	const struct orgdomain	*od;
	const struct spfnets	*spf;
	/* catalog key of each spfnet.svc number */
	const char *const	*spf_keys;
	size_t			 nspf_keys;
	const struct geoip	*geo;
};

/* Strings in *res live until the callback returns. */
typedef void (*enrich_cb)(void *ctx, const struct enrich_result *res);

/*
 * Looks up ips[0..n) in batches of ENRICH_BATCH and calls cb once for
 * each, in no particular order.  Only local failures (DW_ENOMEM,
 * DW_ELIMIT) are returned; DNS outcomes are results.
 */
enum dw_err enrich_run(const struct enrich_opts *o, const char *const *ips,
    size_t n, enrich_cb cb, void *ctx, struct dw_error *e);

#endif
