/*
 * cli_sources.h: what the sources commands (enrich, sources, readiness,
 * report, ingest) build from the global options: the service catalog
 * (built in, plus --catalog FILE) and the Public Suffix List.
 */
#ifndef DW_CLI_SOURCES_H
#define DW_CLI_SOURCES_H

#include "cli.h"
#include "psl/orgdomain.h"
#include "sources/catalog.h"


/* Log the reason and return NULL when they cannot be built. */
struct catalog *cli_catalog(const struct cli *c);
struct orgdomain *cli_orgdomain(void);

#endif
