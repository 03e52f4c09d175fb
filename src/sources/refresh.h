/*
 * refresh.h: enrichment as a step over the store: the SPF networks of the
 * known services brought up to date, then every source address that is
 * new or whose entry expired looked up (enrich.h) and kept.
 *
 * The store, resolver, catalog, list and GeoIP handles are borrowed.
 */
#ifndef DW_SOURCES_REFRESH_H
#define DW_SOURCES_REFRESH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/catalog.h"
#include "sources/enrich.h"
#include "store/store.h"

#define REFRESH_FLUSH	1024	/* entries kept per store transaction */

struct refresh_opts {
	struct store		*st;
	struct dns_resolver	*r;
	const struct catalog	*cat;
	const struct orgdomain	*od;
	const struct geoip	*geo;		/* NULL: none */
	int64_t			 now;		/* UTC seconds */
	bool			 all;		/* every address again */
	/* told after each flush */
	void			(*progress)(void *ctx, size_t done,
				    size_t total);
	void			*ctx;
};

struct refresh_stats {
	size_t		 addresses;	/* looked up */
	size_t		 ptr;		/* with a PTR answer */
	size_t		 confirmed;	/* ... forward-confirmed */
	size_t		 noptr;
	size_t		 temp;		/* failed for now */
	size_t		 badip;
	size_t		 spf_named;	/* in a known service's SPF networks */
	size_t		 ptr_named;	/* PTR name in the catalog */
	size_t		 includes;	/* SPF includes of the catalog */
	size_t		 includes_resolved;	/* looked up this time */
	size_t		 includes_partial;	/* not fully listed */
};

enum dw_err refresh_enrich(const struct refresh_opts *o,
    struct refresh_stats *stats, struct dw_error *e);

/*
 * The SPF networks of every catalog service, from the store when fresh,
 * else resolved and kept: into nets, with keys[svc] the catalog key of
 * each service number (keys borrowed from the catalog).
 */
enum dw_err refresh_spf_nets(const struct refresh_opts *o,
    struct spfnets *nets, const char ***keys, size_t *nkeys,
    struct refresh_stats *stats, struct dw_error *e);

#endif
