/*
 * djob.h: the daemon's jobs that read DNS rather than mail: the resolver
 * the configuration names, and the enrichment run.
 */
#ifndef DW_DAEMON_DJOB_H
#define DW_DAEMON_DJOB_H

#include "base/err.h"
#include "conf/settings.h"
#include "dns/dns.h"
#include "store/store.h"

#define DJOB_ZONE_MAX		((size_t)16 << 20)	/* zone file bytes */

/* [check] zone, else libunbound with [check] resolver and trust_anchor. */
enum dw_err djob_resolver(const struct conf *c, struct dns_resolver **r,
    struct dw_error *e);

/*
 * Looks up the source addresses that are new or whose entry expired,
 * then brings the daily rollups up to date.  The catalog is the built-in
 * one plus [enrich] catalog; [enrich] geoip adds AS numbers and
 * countries.  A failed lookup leaves the address for the next run.
 */
enum dw_err djob_enrich(struct store *st, const struct conf *c,
    struct dw_error *e);

#endif
