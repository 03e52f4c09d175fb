/*
 * cmd_report.c: dmarcward report -- per policy domain: messages, DMARC
 * pass, aligned SPF and DKIM, dispositions, top sources and top failing
 * sources.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/log.h"
#include "cli.h"
#include "cli_util.h"
#include "store/store.h"

struct rctx {
	struct store		*st;
	struct store_filter	 f;
	unsigned		 top;
	bool			 json;
	json_t			*arr;		/* --json: domains */
	json_t			*cur;		/* sources being collected */
	struct dw_error		 e;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] report [--domain D] [--since "
	    "YYYY-MM-DD]\n                 [--until YYYY-MM-DD] [--top N] "
	    "[--json]\n\n"
	    "Per policy domain: messages, DMARC pass %%, aligned SPF %%, "
	    "aligned DKIM %%,\ndispositions, top sources by volume and top "
	    "failing sources.\n");
}

static double
pct(uint64_t a, uint64_t b)
{
	return b == 0 ? 0.0 : 100.0 * (double)a / (double)b;
}

static enum dw_err
on_source(void *ctx, const struct store_source *s)
{
	struct rctx *rc = ctx;
	char ip[128];

	if (rc->json) {
		json_array_append_new(rc->cur, json_pack("{s:s, s:I, s:I, "
		    "s:I}", "source_ip", s->source_ip, "messages",
		    (json_int_t)s->messages, "dmarc_pass",
		    (json_int_t)s->pass, "dmarc_fail",
		    (json_int_t)(s->messages - s->pass)));
		return DW_OK;
	}
	log_sanitize(ip, sizeof(ip), s->source_ip);
	printf("    %-40s %10" PRIu64 " %6.1f%% pass\n", ip, s->messages,
	    pct(s->pass, s->messages));
	return DW_OK;
}

static enum dw_err
sources(struct rctx *rc, const char *domain, bool failing, json_t *obj)
{
	struct store_filter f = rc->f;

	f.domain = domain;
	if (rc->json) {
		rc->cur = json_array();
		json_object_set_new(obj, failing ? "top_failing_sources" :
		    "top_sources", rc->cur);
	} else
		printf("  %s:\n", failing ? "top failing sources" :
		    "top sources");
	return store_top_sources(rc->st, &f, failing, rc->top, on_source, rc,
	    &rc->e);
}

static enum dw_err
on_domain(void *ctx, const struct store_summary *s)
{
	struct rctx *rc = ctx;
	json_t *o = NULL;
	char dom[512];
	enum dw_err err;

	if (rc->json) {
		o = json_pack("{s:s, s:I, s:I, s:f, s:f, s:f, s:{s:I, s:I, "
		    "s:I}}", "domain", s->domain, "reports",
		    (json_int_t)s->reports, "messages",
		    (json_int_t)s->messages, "dmarc_pass_pct",
		    pct(s->dmarc_pass, s->messages), "spf_aligned_pct",
		    pct(s->spf_aligned, s->messages), "dkim_aligned_pct",
		    pct(s->dkim_aligned, s->messages), "dispositions",
		    "none", (json_int_t)s->none, "quarantine",
		    (json_int_t)s->quarantine, "reject",
		    (json_int_t)s->reject);
		json_array_append_new(rc->arr, o);
	} else {
		log_sanitize(dom, sizeof(dom), s->domain);
		printf("%s\n  reports %" PRIu64 ", messages %" PRIu64
		    "\n  DMARC pass %.1f%%   aligned SPF %.1f%%   aligned "
		    "DKIM %.1f%%\n  dispositions: none %" PRIu64 ", "
		    "quarantine %" PRIu64 ", reject %" PRIu64 "\n", dom,
		    s->reports, s->messages, pct(s->dmarc_pass, s->messages),
		    pct(s->spf_aligned, s->messages),
		    pct(s->dkim_aligned, s->messages), s->none,
		    s->quarantine, s->reject);
	}
	if ((err = sources(rc, s->domain, false, o)) != DW_OK ||
	    (err = sources(rc, s->domain, true, o)) != DW_OK)
		return err;
	if (!rc->json)
		putchar('\n');
	return DW_OK;
}

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "top", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rctx rc = { .top = 5 };
	uint64_t top;
	int ch, status = CLI_EXIT_FAIL;

	store_filter_init(&rc.f);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			rc.f.domain = optarg;
			break;
		case 's':
		case 'u':
			if (!cli_parse_date(optarg, ch == 's' ? &rc.f.since :
			    &rc.f.until)) {
				log_warnx("--%s: want a date YYYY-MM-DD, got "
				    "\"%s\"", ch == 's' ? "since" : "until",
				    optarg);
				return CLI_EXIT_FAIL;
			}
			break;
		case 't':
			if (!cli_parse_u64(optarg, 1, 1000, &top)) {
				log_warnx("--top: want 1 to 1000");
				return CLI_EXIT_FAIL;
			}
			rc.top = (unsigned)top;
			break;
		case 'j':
			rc.json = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			usage(stderr);
			return CLI_EXIT_FAIL;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	if (store_open_ro(c->db_path, &rc.st, &rc.e) != DW_OK) {
		log_warnx("%s", rc.e.msg);
		return CLI_EXIT_FAIL;
	}
	rc.arr = json_array();
	if (store_summary(rc.st, &rc.f, on_domain, &rc, &rc.e) != DW_OK)
		log_warnx("report: %s", rc.e.msg);
	else {
		if (rc.json) {
			json_t *doc = json_pack("{s:O}", "domains", rc.arr);

			json_dumpf(doc, stdout, JSON_INDENT(2) |
			    JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(doc);
		}
		status = CLI_EXIT_OK;
	}
	json_decref(rc.arr);
	store_close(rc.st);
	return status;
}

const struct cli_cmd cli_cmd_report = {
	"report", "pass rates, dispositions and top sources per domain", run
};
