/* cli_enrich.c: enrichment for the enrich and ingest commands. */
#include <stdio.h>

#include <jansson.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "cli_analysis.h"
#include "cli_dns.h"
#include "cli_enrich.h"
#include "cli_sources.h"

void
cli_enrich_init(struct cli_enrich *ce)
{
	memset(ce, 0, sizeof(*ce));
}

void
cli_enrich_fini(struct cli_enrich *ce)
{
	if (ce->own_store)
		store_close(ce->st);
	dns_free(ce->r);
	catalog_free(ce->cat);
	orgdomain_free(ce->od);
	geoip_free(ce->geo);
	memset(ce, 0, sizeof(*ce));
}

bool
cli_enrich_geoip(struct cli_enrich *ce, const char *path)
{
	struct dw_error e;

	if (ce->geo == NULL && (ce->geo = geoip_new()) == NULL) {
		log_warnx("out of memory");
		return false;
	}
	if (geoip_open(ce->geo, path, &e) != DW_OK) {
		log_warnx("--geoip: %s", e.msg);
		return false;
	}
	return true;
}

bool
cli_enrich_open(struct cli_enrich *ce, const struct cli *c, struct store *st,
    bool offline)
{
	struct dw_error e;

	if (st != NULL)
		ce->st = st;
	else if (store_open(c->db_path, &ce->st, &e) != DW_OK) {
		log_warnx("%s: %s", c->db_path, e.msg);
		return false;
	} else
		ce->own_store = true;
	if (ce->cat == NULL && (ce->cat = cli_catalog(c)) == NULL)
		return false;
	if (ce->od == NULL && (ce->od = cli_orgdomain()) == NULL)
		return false;
	if (!offline && ce->r == NULL && (ce->r = cli_dns_resolver(c)) == NULL)
		return false;
	return true;
}

bool
cli_enrich_run(struct cli_enrich *ce, bool all, bool offline,
    void (*progress)(void *, size_t, size_t), struct refresh_stats *s,
    struct rollup_stats *rs)
{
	struct refresh_opts o;
	struct dw_error e;
	enum dw_err err;

	memset(&o, 0, sizeof(o));
	o.st = ce->st;
	o.r = ce->r;
	o.cat = ce->cat;
	o.od = ce->od;
	o.geo = ce->geo;
	o.now = (int64_t)time(NULL);
	o.all = all;
	o.progress = progress;
	dw_error_clear(&e);
	memset(s, 0, sizeof(*s));
	err = offline ? DW_OK : refresh_enrich(&o, s, &e);
	if (progress != NULL)
		fputs("\r\033[K", stderr);
	if (err != DW_OK) {
		log_warnx("enrich: %s", e.msg);
		return false;
	}
	return cli_rollups(ce->st, ce->cat, ce->od, rs);
}

bool
cli_enrich_after_ingest(struct cli_enrich *ce, const struct cli *c,
    struct store *st, bool offline, struct refresh_stats *es,
    struct rollup_stats *rs)
{
	memset(es, 0, sizeof(*es));
	memset(rs, 0, sizeof(*rs));
	if (!cli_enrich_open(ce, c, st, true))
		return false;
	if (!offline && (ce->r != NULL ||
	    (ce->r = cli_dns_resolver(c)) != NULL) &&
	    cli_enrich_run(ce, false, false, NULL, es, rs))
		return true;
	if (!offline)
		log_warnx("enrich: not done; run dmarcward enrich later");
	return cli_enrich_run(ce, false, true, NULL, es, rs);
}

void
cli_enrich_print(const struct refresh_stats *s)
{
	printf("addresses:    %zu looked up: %zu with a PTR name (%zu "
	    "forward-confirmed),\n              %zu without, %zu failed "
	    "for now\n", s->addresses, s->ptr, s->confirmed, s->noptr,
	    s->temp);
	printf("named:        %zu by a known service's SPF include, %zu by "
	    "PTR name\n", s->spf_named, s->ptr_named);
	printf("spf includes: %zu (%zu looked up now, %zu not fully "
	    "listed)\n", s->includes, s->includes_resolved,
	    s->includes_partial);
}

json_t *
cli_enrich_json(const struct refresh_stats *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, "
	    "s:I, s:I}}", "addresses", (json_int_t)s->addresses,
	    "ptr", (json_int_t)s->ptr,
	    "confirmed", (json_int_t)s->confirmed,
	    "no_ptr", (json_int_t)s->noptr,
	    "temporary_failures", (json_int_t)s->temp,
	    "bad_addresses", (json_int_t)s->badip,
	    "named_by_spf", (json_int_t)s->spf_named,
	    "named_by_ptr", (json_int_t)s->ptr_named,
	    "spf_includes", "total", (json_int_t)s->includes,
	    "looked_up", (json_int_t)s->includes_resolved,
	    "partial", (json_int_t)s->includes_partial);
}
