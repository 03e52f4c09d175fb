/*
 * cmd_report.c: dmarcward report -- per policy domain, from the daily
 * rollups: messages, DMARC pass, aligned SPF and DKIM as recomputed from
 * the auth results (and the pass rate the receivers reported),
 * dispositions, the top sending services and the top failing ones;
 * optionally per day, per From domain and per reporter.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/log.h"
#include "cli.h"
#include "cli_sources_int.h"
#include "cli_util.h"
#include "cli_window.h"

struct rctx {
	struct cli_an		*a;
	struct cli_window	 w;
	unsigned		 top;
	bool			 json, daily, from, reporters;
	json_t			*cur;		/* array being filled */
	uint64_t		 reports;	/* of the domain */
	struct dw_error		 e;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] [--config FILE] report [--domain D]"
	    "\n                 [--since YYYY-MM-DD] [--until YYYY-MM-DD] "
	    "[--days N]\n                 [--top N] [--daily] [--from] "
	    "[--reporters] [--all-domains]\n                 [--json]\n\n"
	    "Per monitored policy domain, from the daily rollups: messages, "
	    "DMARC pass %%,\naligned SPF %%, aligned DKIM %%, recomputed from "
	    "the auth results with the\npublished alignment modes; "
	    "dispositions; top sending services and top\nfailing ones.  "
	    "--daily adds one line per day, --from one per From domain,\n"
	    "--reporters one per reporter.\n");
}

static void
pcts(const uint64_t *c, double *p)
{
	p[0] = an_pct(c[RC_DMARC_PASS], c[RC_MESSAGES]);
	p[1] = an_pct(c[RC_SPF_ALIGNED], c[RC_MESSAGES]);
	p[2] = an_pct(c[RC_DKIM_ALIGNED], c[RC_MESSAGES]);
	p[3] = an_pct(c[RC_PE_PASS], c[RC_MESSAGES]);
}

static json_t *
figures_json(const uint64_t *c)
{
	double p[4];

	pcts(c, p);
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:{s:I, s:I, s:I}}",
	    "messages", (json_int_t)c[RC_MESSAGES], "dmarc_pass_pct", p[0],
	    "spf_aligned_pct", p[1], "dkim_aligned_pct", p[2],
	    "reported_dmarc_pass_pct", p[3], "dispositions", "none",
	    (json_int_t)c[RC_NONE], "quarantine",
	    (json_int_t)c[RC_QUARANTINE], "reject", (json_int_t)c[RC_REJECT]);
}

/* One line of figures after a label. */
static void
figures_text(const char *label, const uint64_t *c)
{
	double p[4];

	pcts(c, p);
	printf("    %-28.28s %9" PRIu64 "  pass %5.1f%%  SPF %5.1f%%  DKIM "
	    "%5.1f%%  q %" PRIu64 " r %" PRIu64 "\n", label, c[RC_MESSAGES],
	    p[0], p[1], p[2], c[RC_QUARANTINE], c[RC_REJECT]);
}

static enum dw_err
on_part(void *ctx, const struct store_rollup_row *r)
{
	struct rctx *rc = ctx;
	char label[300];
	json_t *o;

	if (r->day >= 0)
		an_day_text(r->day, label);
	else
		cli_clean(label, sizeof(label), r->header_from);
	if (!rc->json) {
		figures_text(label, r->c);
		return DW_OK;
	}
	o = figures_json(r->c);
	json_object_set_new(o, r->day >= 0 ? "day" : "header_from",
	    json_string(r->day >= 0 ? label : r->header_from));
	json_array_append_new(rc->cur, o);
	return DW_OK;
}

static enum dw_err
on_reporter(void *ctx, const struct store_reporter_row *r)
{
	struct rctx *rc = ctx;
	char org[200], mail[300];

	if (rc->json) {
		json_array_append_new(rc->cur, json_pack("{s:s, s:s, s:I, s:I, "
		    "s:I, s:I, s:I}", "org_name", r->org_name, "email",
		    r->email, "records", (json_int_t)r->records, "messages",
		    (json_int_t)r->messages, "dmarc_pass",
		    (json_int_t)r->dmarc_pass, "suspect_records",
		    (json_int_t)r->suspect_records, "suspect_messages",
		    (json_int_t)r->suspect_messages));
		return DW_OK;
	}
	printf("    %-24.24s %-32.32s %9" PRIu64 "  pass %5.1f%%",
	    cli_clean(org, sizeof(org), r->org_name), cli_clean(mail,
	    sizeof(mail), r->email), r->messages, an_pct(r->dmarc_pass,
	    r->messages));
	if (r->suspect_records > 0)
		printf("  %" PRIu64 " implausible records set aside",
		    r->suspect_records);
	putchar('\n');
	return DW_OK;
}

/* Breakdowns by day, From domain or reporter, as asked. */
static enum dw_err
parts(struct rctx *rc, const char *domain, int64_t first, int64_t last,
    json_t *o)
{
	static const struct {
		unsigned	 by;
		const char	*key, *title;
	} kinds[] = {
		{ ROLLUP_BY_DAY, "days", "per day" },
		{ ROLLUP_BY_FROM, "header_from", "per From domain" },
		{ 0, "reporters", "per reporter" },
	};
	struct store_rollup_q q;
	bool want[3] = { rc->daily, rc->from, rc->reporters };
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < 3 && err == DW_OK; i++) {
		if (!want[i])
			continue;
		store_rollup_q_init(&q);
		q.by = kinds[i].by;
		q.domain = domain;
		q.first_day = first;
		q.last_day = last;
		if (rc->json) {
			rc->cur = json_array();
			json_object_set_new(o, kinds[i].key, rc->cur);
		} else
			printf("  %s:\n", kinds[i].title);
		err = i < 2 ? store_rollup_query(rc->a->st, &q, on_part, rc,
		    &rc->e) : store_rollup_reporters(rc->a->st, &q,
		    on_reporter, rc, &rc->e);
	}
	return err;
}

static int
cmp_fail(const void *x, const void *y)
{
	const struct an_service *a = x, *b = y;
	uint64_t fa = a->c[RC_MESSAGES] - a->c[RC_DMARC_PASS];
	uint64_t fb = b->c[RC_MESSAGES] - b->c[RC_DMARC_PASS];

	return fa < fb ? 1 : fa > fb ? -1 : strcmp(a->key, b->key);
}

/* Top services by volume, then by failing volume. */
static void
top(struct rctx *rc, const char *domain, struct an_service *v, size_t n,
    json_t *o)
{
	char name[300];
	json_t *arr;
	size_t i, k, shown;
	uint64_t fail;

	for (k = 0; k < 2; k++) {
		if (k == 1)
			qsort(v, n, sizeof(*v), cmp_fail);
		arr = json_array();
		if (!rc->json)
			printf("  %s:\n", k == 0 ? "top sources" :
			    "top failing sources");
		for (i = shown = 0; i < n && shown < rc->top; i++) {
			fail = v[i].c[RC_MESSAGES] - v[i].c[RC_DMARC_PASS];
			if (v[i].c[RC_MESSAGES] == 0 || (k == 1 && fail == 0))
				continue;
			shown++;
			if (rc->json)
				json_array_append_new(arr,
				    src_json_service(&v[i], domain));
			else
				printf("    %-11s %-34.34s %9" PRIu64 " %6.1f%%"
				    " pass\n", src_status_text(&v[i]),
				    cli_clean(name, sizeof(name), v[i].name),
				    v[i].c[RC_MESSAGES],
				    an_pct(v[i].c[RC_DMARC_PASS],
				    v[i].c[RC_MESSAGES]));
		}
		if (rc->json)
			json_object_set_new(o, k == 0 ? "top_sources" :
			    "top_failing_sources", arr);
		else
			json_decref(arr);
	}
}

static enum dw_err
count_reports(void *ctx, const char *domain, uint64_t n)
{
	(void)domain;
	*(uint64_t *)ctx += n;
	return DW_OK;
}

static enum dw_err
one_domain(struct rctx *rc, const char *domain, json_t *arr)
{
	struct store_filter f;
	struct an_service *v;
	uint64_t c[STORE_ROLLUP_NCOUNT], reports = 0;
	int64_t first, last;
	size_t n, i, k;
	json_t *o = NULL;
	char dom[512];
	enum dw_err err;

	cli_window_days(&rc->w, rc->a, domain, &first, &last);
	store_filter_init(&f);
	f.domain = domain;
	f.since = first == INT64_MIN ? INT64_MIN : first * 86400;
	f.until = last == INT64_MAX ? INT64_MAX : (last + 1) * 86400;
	memset(c, 0, sizeof(c));
	if ((err = store_report_counts(rc->a->st, &f, count_reports, &reports,
	    &rc->e)) != DW_OK || (err = an_services(rc->a->st, rc->a->cat,
	    rc->a->od, domain, first, last, &v, &n, &rc->e)) != DW_OK)
		return err;
	/* the domain's totals are its services' sums: one query, not two */
	for (i = 0; i < n; i++)
		for (k = 0; k < STORE_ROLLUP_NCOUNT; k++)
			c[k] += v[i].c[k];
	if (rc->json) {
		o = figures_json(c);
		json_object_set_new(o, "domain", json_string(domain));
		json_object_set_new(o, "reports", json_integer(
		    (json_int_t)reports));
		json_array_append_new(arr, o);
	} else {
		printf("%s\n  reports %" PRIu64 ", messages %" PRIu64 "\n",
		    cli_clean(dom, sizeof(dom), domain), reports,
		    c[RC_MESSAGES]);
		printf("  DMARC pass %.1f%%   aligned SPF %.1f%%   aligned "
		    "DKIM %.1f%%   (receivers reported %.1f%%)\n  "
		    "dispositions: none %" PRIu64 ", quarantine %" PRIu64
		    ", reject %" PRIu64 "\n", an_pct(c[RC_DMARC_PASS],
		    c[RC_MESSAGES]),
		    an_pct(c[RC_SPF_ALIGNED], c[RC_MESSAGES]),
		    an_pct(c[RC_DKIM_ALIGNED], c[RC_MESSAGES]),
		    an_pct(c[RC_PE_PASS], c[RC_MESSAGES]), c[RC_NONE],
		    c[RC_QUARANTINE], c[RC_REJECT]);
	}
	top(rc, domain, v, n, o);
	free(v);
	err = parts(rc, domain, first, last, o);
	if (!rc->json)
		putchar('\n');
	return err;
}

static bool
opts_parse(struct rctx *rc, int argc, char **argv, int *status)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, CLI_WOPT_DOMAIN },
		{ "since", required_argument, NULL, CLI_WOPT_SINCE },
		{ "until", required_argument, NULL, CLI_WOPT_UNTIL },
		{ "days", required_argument, NULL, CLI_WOPT_DAYS },
		{ "all-domains", no_argument, NULL, CLI_WOPT_ALL },
		{ "top", required_argument, NULL, 't' },
		{ "daily", no_argument, NULL, 'y' },
		{ "from", no_argument, NULL, 'f' },
		{ "reporters", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int ch;

	*status = CLI_EXIT_FAIL;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 't') {
			if (!cli_parse_u64(optarg, 1, 1000, &v)) {
				log_warnx("--top: want 1 to 1000");
				return false;
			}
			rc->top = (unsigned)v;
		} else if (ch == 'y' || ch == 'f' || ch == 'r' || ch == 'j') {
			rc->daily |= ch == 'y';
			rc->from |= ch == 'f';
			rc->reporters |= ch == 'r';
			rc->json |= ch == 'j';
		} else if (ch == 'h') {
			usage(stdout);
			*status = CLI_EXIT_OK;
			return false;
		} else if (!cli_window_opt(&rc->w, ch, optarg)) {
			usage(stderr);
			return false;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return false;
	}
	return true;
}

static int
run(struct cli *c, int argc, char **argv)
{
	struct rctx rc;
	struct cli_an a;
	char **doms;
	size_t nd, hidden, i;
	json_t *arr, *doc;
	int status;
	enum dw_err err = DW_OK;

	memset(&rc, 0, sizeof(rc));
	rc.top = 5;
	cli_window_init(&rc.w);
	if (!opts_parse(&rc, argc, argv, &status))
		return status;
	if (!cli_an_open(&a, c))
		return CLI_EXIT_FAIL;
	rc.a = &a;
	if (!cli_domains(&a, &rc.w, &doms, &nd, &hidden)) {
		cli_an_close(&a);
		return CLI_EXIT_FAIL;
	}
	arr = json_array();
	for (i = 0; i < nd && err == DW_OK; i++)
		err = one_domain(&rc, doms[i], arr);
	if (err != DW_OK)
		log_warnx("report: %s", rc.e.msg);
	else if (rc.json) {
		doc = json_pack("{s:b, s:I, s:O}", "monitored_domains_set",
		    a.conf != NULL, "unmonitored_domains_hidden",
		    (json_int_t)hidden, "domains", arr);
		cli_json_out(doc);
		json_decref(doc);
	} else
		cli_monitor_note(&a, hidden);
	json_decref(arr);
	cli_domains_free(doms, nd);
	cli_an_close(&a);
	return err == DW_OK ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

const struct cli_cmd cli_cmd_report = {
	"report", "pass rates, dispositions and top sources per domain", run
};
