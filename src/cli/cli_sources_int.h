/*
 * cli_sources_int.h: what the sources, readiness and report commands
 * share of their output and of the inventory edits.
 */
#ifndef DW_CLI_SOURCES_INT_H
#define DW_CLI_SOURCES_INT_H

#include <stdbool.h>

#include <jansson.h>

#include "analysis/analysis.h"
#include "cli.h"
#include "cli_analysis.h"
#include "cli_util.h"

#define SRC_TEXT_MAX	200	/* owner, purpose */
#define SRC_NOTE_MAX	1000	/* one note */

/* One service as JSON (with its fixes when approved and failing). */
json_t *src_json_service(const struct an_service *s, const char *domain);
/* approved, approved! (below 98%), UNAPPROVED, UNKNOWN */
const char *src_status_text(const struct an_service *s);

/* True when key names a catalog service, or one seen in the rollups or
 * the inventory; else logs why (unless force) and returns force. */
bool src_known(struct cli_an *a, const char *key, bool force);
/* The catalog and inventory view of key, as JSON or text. */
json_t *src_json_head(struct cli_an *a, const char *key);
void src_print_head(struct cli_an *a, const char *key);

/* sources approve|revoke|note: argv[0] is the subcommand. */
int src_edit(struct cli *c, int argc, char **argv);

/* Says which domains were left out, and whether a configuration says
 * which are monitored. */
void cli_monitor_note(const struct cli_an *a, size_t hidden);

#endif
