/*
 * geoip.h: AS number, AS organization and country of an address from
 * MaxMind-format databases (libmaxminddb), when the user has one: a
 * GeoLite2-ASN and a GeoLite2-Country file, or one database that holds
 * both.  Everything in dmarcward works without.
 *
 * Fields are read where MaxMind's databases keep them:
 * autonomous_system_number, autonomous_system_organization and
 * country/iso_code.  A database is opened once (memory-mapped) and only
 * read, so lookups from several threads are safe.
 */
#ifndef DW_GEOIP_H
#define DW_GEOIP_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define GEOIP_FILES_MAX	4
#define GEOIP_ORG_MAX	128	/* bytes kept of an organization name */

struct geoip;

struct geoip_info {
	uint32_t	 asn;			/* 0: unknown */
	char		 as_org[GEOIP_ORG_MAX];	/* "" unknown */
	char		 country[3];		/* ISO 3166-1 alpha-2, or "" */
};

struct geoip *geoip_new(void);
void geoip_free(struct geoip *g);		/* NULL is a no-op */
/* Adds a database file; DW_EIO with libmaxminddb's reason when it cannot
 * be opened, DW_ELIMIT past GEOIP_FILES_MAX. */
enum dw_err geoip_open(struct geoip *g, const char *path,
    struct dw_error *e);
/* Fills *out from every database (the first that knows a field wins).
 * ip is an address literal; an unknown address leaves fields empty. */
void geoip_lookup(const struct geoip *g, const char *ip,
    struct geoip_info *out);

#endif
