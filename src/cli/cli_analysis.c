/* cli_analysis.c: the store, catalog, PSL and configuration for readers. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/log.h"
#include "cli_analysis.h"
#include "cli_sources.h"
#include "cli_sources_int.h"
#include "cli_util.h"

bool
cli_domains_conf(const struct cli *c, struct domains_conf **out)
{
	struct dw_error e;
	struct buf b;
	bool ok;

	*out = NULL;
	if (c->config == NULL)
		return true;
	if (!cli_read_file(c->config, CLI_CONFIG_MAX, "--config", &b))
		return false;
	ok = domains_conf_parse(buf_str(&b), b.len, c->config, out, &e) ==
	    DW_OK;
	if (!ok)
		log_warnx("--config %s", e.msg);
	buf_fini(&b);
	return ok;
}

bool
cli_rollups(struct store *st, const struct catalog *cat,
    const struct orgdomain *od, struct rollup_stats *s)
{
	struct rollup_opts o = { st, cat, od };
	struct dw_error e;

	dw_error_clear(&e);
	if (rollup_refresh(&o, s, &e) != DW_OK) {
		log_warnx("rollups: %s", e.msg);
		return false;
	}
	return true;
}

bool
cli_an_open(struct cli_an *a, const struct cli *c)
{
	struct rollup_stats rs;
	struct dw_error e;

	memset(a, 0, sizeof(*a));
	/* must exist: a reader never creates a store */
	if (store_open_ro(c->db_path, &a->st, &e) != DW_OK) {
		log_warnx("%s", e.msg);
		return false;
	}
	/* writable when it can be, to bring the rollups up to date */
	if (access(c->db_path, W_OK) == 0) {
		store_close(a->st);
		a->st = NULL;
		if (store_open(c->db_path, &a->st, &e) != DW_OK) {
			log_warnx("%s: %s", c->db_path, e.msg);
			return false;
		}
	} else
		log_warnx("%s is read-only here: the rollups are read as "
		    "they are, possibly behind the records", c->db_path);
	if ((a->cat = cli_catalog(c)) == NULL ||
	    (a->od = cli_orgdomain()) == NULL ||
	    !cli_domains_conf(c, &a->conf) ||
	    (access(c->db_path, W_OK) == 0 &&
	    !cli_rollups(a->st, a->cat, a->od, &rs))) {
		cli_an_close(a);
		return false;
	}
	return true;
}

void
cli_an_close(struct cli_an *a)
{
	store_close(a->st);
	catalog_free(a->cat);
	orgdomain_free(a->od);
	domains_conf_free(a->conf);
	memset(a, 0, sizeof(*a));
}

void
cli_rollup_print(const struct rollup_stats *s)
{
	printf("rollups:      %" PRIu64 " records added%s", s->records,
	    s->rebuilt ? " (rebuilt: the catalog or the rollup format "
	    "changed)" : "");
	if (s->dirty_ranges > 0)
		printf(", %" PRIu64 " day ranges recomputed", s->dirty_ranges);
	if (s->suspect_records > 0)
		printf(", %" PRIu64 " records set aside as implausible",
		    s->suspect_records);
	putchar('\n');
}

json_t *
cli_rollup_json(const struct rollup_stats *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:b}",
	    "records", (json_int_t)s->records,
	    "messages", (json_int_t)s->messages,
	    "suspect_records", (json_int_t)s->suspect_records,
	    "suspect_messages", (json_int_t)s->suspect_messages,
	    "day_ranges_recomputed", (json_int_t)s->dirty_ranges,
	    "rebuilt", s->rebuilt);
}

void
cli_monitor_note(const struct cli_an *a, size_t hidden)
{
	if (a->conf == NULL)
		printf("note: no --config names the monitored domains, so every"
		    " policy domain\n      in the reports is shown, including "
		    "any a stranger's report claims\n");
	else if (hidden > 0)
		printf("note: %zu policy domains in the reports are not "
		    "monitored and not shown\n      (--all-domains shows "
		    "them)\n", hidden);
}
