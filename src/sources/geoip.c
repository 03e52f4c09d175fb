/* geoip.c: libmaxminddb lookups (geoip.h). */
#include <stdlib.h>
#include <string.h>

#include <maxminddb.h>

#include "geoip.h"

struct geoip {
	MMDB_s		 db[GEOIP_FILES_MAX];
	int		 n;
};

struct geoip *
geoip_new(void)
{
	return calloc(1, sizeof(struct geoip));
}

void
geoip_free(struct geoip *g)
{
	int i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++)
		MMDB_close(&g->db[i]);
	free(g);
}

enum dw_err
geoip_open(struct geoip *g, const char *path, struct dw_error *e)
{
	int rc;

	if (g->n >= GEOIP_FILES_MAX)
		return dw_fail(e, DW_ELIMIT, "at most %d GeoIP databases",
		    GEOIP_FILES_MAX);
	rc = MMDB_open(path, MMDB_MODE_MMAP, &g->db[g->n]);
	if (rc != MMDB_SUCCESS)
		return dw_fail(e, DW_EIO, "GeoIP database %s: %s", path,
		    MMDB_strerror(rc));
	g->n++;
	return DW_OK;
}

static void
get_string(MMDB_entry_s *ent, char *out, size_t sz, const char *const *path)
{
	MMDB_entry_data_s d;
	size_t n;

	if (*out != '\0' || MMDB_aget_value(ent, &d, path) != MMDB_SUCCESS ||
	    !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING)
		return;
	n = d.data_size < sz - 1 ? d.data_size : sz - 1;
	memcpy(out, d.utf8_string, n);
	out[n] = '\0';
}

static void
one(const MMDB_s *db, const char *ip, struct geoip_info *out)
{
	static const char *const asn[] = { "autonomous_system_number", NULL };
	static const char *const org[] = { "autonomous_system_organization",
	    NULL };
	static const char *const cc[] = { "country", "iso_code", NULL };
	MMDB_lookup_result_s r;
	MMDB_entry_data_s d;
	int gai, rc;

	r = MMDB_lookup_string(db, ip, &gai, &rc);
	if (gai != 0 || rc != MMDB_SUCCESS || !r.found_entry)
		return;
	if (out->asn == 0 && MMDB_aget_value(&r.entry, &d, asn) ==
	    MMDB_SUCCESS && d.has_data && d.type == MMDB_DATA_TYPE_UINT32)
		out->asn = d.uint32;
	get_string(&r.entry, out->as_org, sizeof(out->as_org), org);
	get_string(&r.entry, out->country, sizeof(out->country), cc);
	/* ISO 3166-1 alpha-2 or nothing */
	if (out->country[0] != '\0' && (out->country[0] < 'A' ||
	    out->country[0] > 'Z' || out->country[1] < 'A' ||
	    out->country[1] > 'Z'))
		out->country[0] = '\0';
}

void
geoip_lookup(const struct geoip *g, const char *ip, struct geoip_info *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; g != NULL && i < g->n; i++)
		one(&g->db[i], ip, out);
}
