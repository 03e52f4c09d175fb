/*
 * djob.c: the resolver of the configuration and the enrichment run.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/rollup.h"
#include "base/log.h"
#include "dns/dns_fake.h"
#include "djob.h"
#include "psl/orgdomain.h"
#include "sources/geoip.h"
#include "sources/refresh.h"

enum dw_err
djob_resolver(const struct conf *c, struct dns_resolver **r,
    struct dw_error *e)
{
	struct dns_unbound_opts o = { 0 };

	if (*c->check_zone != '\0')
		return dns_fake_from_file(c->check_zone, DJOB_ZONE_MAX, r, e);
	o.upstream = *c->check_resolver ? c->check_resolver : NULL;
	o.trust_anchor = *c->check_trust_anchor ? c->check_trust_anchor :
	    NULL;
	return dns_unbound_new(&o, r, e);
}

/* [enrich] geoip: NULL in *out when none is configured. */
static enum dw_err
open_geoip(const struct conf *c, struct geoip **out, struct dw_error *e)
{
	const char *p = c->enrich_geoip;
	char path[4096];
	size_t n;
	enum dw_err err = DW_OK;

	*out = NULL;
	p += strspn(p, " \t");
	if (*p == '\0')
		return DW_OK;
	if ((*out = geoip_new()) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	while (err == DW_OK && *p != '\0') {
		n = strcspn(p, " \t");
		if (n >= sizeof(path))
			err = dw_fail(e, DW_ELIMIT, "[enrich] geoip: a path "
			    "longer than %zu bytes", sizeof(path) - 1);
		else {
			memcpy(path, p, n);
			path[n] = '\0';
			err = geoip_open(*out, path, e);
		}
		p += n;
		p += strspn(p, " \t");
	}
	if (err != DW_OK) {
		geoip_free(*out);
		*out = NULL;
	}
	return err;
}

enum dw_err
djob_enrich(struct store *st, const struct conf *c, struct dw_error *e)
{
	struct refresh_opts o = { 0 };
	struct refresh_stats rs;
	struct rollup_stats ls;
	struct rollup_opts ro = { 0 };
	struct dns_resolver *r = NULL;
	struct catalog *cat = NULL;
	struct orgdomain *od = NULL;
	struct geoip *geo = NULL;
	enum dw_err err;

	memset(&rs, 0, sizeof(rs));
	memset(&ls, 0, sizeof(ls));
	if ((err = catalog_open(*c->enrich_catalog ? c->enrich_catalog :
	    NULL, &cat, e)) != DW_OK ||
	    (err = orgdomain_new(&od, e)) != DW_OK ||
	    (err = open_geoip(c, &geo, e)) != DW_OK ||
	    (err = djob_resolver(c, &r, e)) != DW_OK)
		goto out;
	o.st = st;
	o.r = r;
	o.cat = cat;
	o.od = od;
	o.geo = geo;
	o.now = (int64_t)time(NULL);
	if ((err = refresh_enrich(&o, &rs, e)) != DW_OK)
		goto out;
	ro.st = st;
	ro.cat = cat;
	ro.od = od;
	if ((err = rollup_refresh(&ro, &ls, e)) != DW_OK)
		goto out;
	if (rs.addresses > 0 || ls.records > 0)
		log_info("enrich: %zu addresses looked up (%zu with a PTR "
		    "name, %zu failed for now); rollups: %llu records added",
		    rs.addresses, rs.ptr, rs.temp,
		    (unsigned long long)ls.records);
out:
	dns_free(r);
	geoip_free(geo);
	orgdomain_free(od);
	catalog_free(cat);
	return err;
}
