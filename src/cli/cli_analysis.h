/*
 * cli_analysis.h: what the commands that read the rollups (report,
 * sources, readiness) share: the store with its rollups brought up to
 * date first, the catalog, the PSL, and the domains configuration
 * (--config FILE or $DMARCWARD_CONFIG: monitored domains and tiers).
 */
#ifndef DW_CLI_ANALYSIS_H
#define DW_CLI_ANALYSIS_H

#include <stdbool.h>

#include "analysis/rollup.h"
#include "cli.h"
#include "conf/domains.h"

#define CLI_CONFIG_MAX	((size_t)1 << 20)	/* bytes of --config */

struct cli_an {
	struct store		*st;
	struct catalog		*cat;
	struct orgdomain	*od;
	struct domains_conf	*conf;		/* NULL: none given */
};

/*
 * Opens the store (it must exist), brings the rollups up to date, loads
 * the rest.  Logs why and returns false when it cannot.
 */
bool cli_an_open(struct cli_an *a, const struct cli *c);
void cli_an_close(struct cli_an *a);

/* Brings the rollups of st up to date; logs and returns false on error. */
bool cli_rollups(struct store *st, const struct catalog *cat,
    const struct orgdomain *od, struct rollup_stats *s);

/* The refresh's figures, as a summary line or a JSON object. */
void cli_rollup_print(const struct rollup_stats *s);
struct json_t *cli_rollup_json(const struct rollup_stats *s);

/* Loads --config (c->config) into *out, NULL when none is given. */
bool cli_domains_conf(const struct cli *c, struct domains_conf **out);

#endif
