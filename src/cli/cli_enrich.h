/*
 * cli_enrich.h: enrichment as the enrich and ingest commands run it: the
 * store, the resolver of the global options, the catalog, the PSL and
 * the optional GeoIP databases.
 */
#ifndef DW_CLI_ENRICH_H
#define DW_CLI_ENRICH_H

#include <stdbool.h>

#include "analysis/rollup.h"
#include "cli.h"
#include "sources/refresh.h"

struct cli_enrich {
	struct store		*st;
	bool			 own_store;
	struct dns_resolver	*r;
	struct catalog		*cat;
	struct orgdomain	*od;
	struct geoip		*geo;		/* NULL: no --geoip */
};

void cli_enrich_init(struct cli_enrich *ce);
void cli_enrich_fini(struct cli_enrich *ce);
/* --geoip FILE: opens the database now, so a bad path fails early. */
bool cli_enrich_geoip(struct cli_enrich *ce, const char *path);
/* Builds what is missing (no resolver when offline); st, when not NULL,
 * is borrowed. */
bool cli_enrich_open(struct cli_enrich *ce, const struct cli *c,
    struct store *st, bool offline);
/* Enriches (unless offline), then brings the rollups up to date. */
bool cli_enrich_run(struct cli_enrich *ce, bool all, bool offline,
    void (*progress)(void *, size_t, size_t), struct refresh_stats *s,
    struct rollup_stats *rs);

/*
 * After ingest: enriches (unless offline) and refreshes the rollups of st
 * (borrowed).  A failed enrichment is logged and the rollups still run;
 * false only when they could not.  es and rs get the figures.
 */
bool cli_enrich_after_ingest(struct cli_enrich *ce, const struct cli *c,
    struct store *st, bool offline, struct refresh_stats *es,
    struct rollup_stats *rs);

/* The enrichment's figures, as summary lines or a JSON object. */
void cli_enrich_print(const struct refresh_stats *s);
struct json_t *cli_enrich_json(const struct refresh_stats *s);

#endif
