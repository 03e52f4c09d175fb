/* cli_sources.c: the catalog and the PSL for the sources commands. */
#include "base/log.h"
#include "cli_sources.h"
#include "cli_util.h"

struct catalog *
cli_catalog(const struct cli *c)
{
	struct catalog *cat;
	struct dw_error e;

	if (catalog_open(c->catalog, &cat, &e) != DW_OK) {
		log_warnx("%s%s", c->catalog != NULL ? "--catalog " : "",
		    e.msg);
		return NULL;
	}
	return cat;
}

struct orgdomain *
cli_orgdomain(void)
{
	struct orgdomain *od;
	struct dw_error e;

	if (orgdomain_new(&od, &e) != DW_OK) {
		log_warnx("%s", e.msg);
		return NULL;
	}
	return od;
}
