/* cli_sources.c: the catalog and the PSL for the sources commands. */
#include "base/buf.h"
#include "base/log.h"
#include "cli_sources.h"
#include "cli_util.h"

struct catalog *
cli_catalog(const struct cli *c)
{
	struct catalog *cat = catalog_new();
	struct dw_error e;
	struct buf b;

	if (cat == NULL) {
		log_warnx("out of memory");
		return NULL;
	}
	if (catalog_load_builtin(cat, &e) != DW_OK) {
		log_warnx("%s", e.msg);
		catalog_free(cat);
		return NULL;
	}
	if (c->catalog == NULL)
		return cat;
	if (!cli_read_file(c->catalog, CLI_CATALOG_MAX, "--catalog", &b)) {
		catalog_free(cat);
		return NULL;
	}
	if (catalog_load(cat, buf_str(&b), b.len, c->catalog, &e) != DW_OK) {
		log_warnx("--catalog %s", e.msg);
		catalog_free(cat);
		cat = NULL;
	}
	buf_fini(&b);
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
