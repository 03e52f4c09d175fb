/*
 * cmd_failures.c: dmarcward failures -- the stored failure reports: when,
 * from where, which identities, what failed, and what was redacted.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/log.h"
#include "cli.h"
#include "cli_util.h"
#include "report/failure_json.h"
#include "store/store.h"

#define TEXT_MAX	1024	/* one value shown, sanitized */

struct fctx {
	bool		 json;
	bool		 headers;
	json_t		*arr;
	uint64_t	 n;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] failures [--domain D] [--since "
	    "YYYY-MM-DD]\n                 [--until YYYY-MM-DD] [--headers] "
	    "[--json]\n\n"
	    "Lists the stored DMARC failure reports: arrival, source IP, "
	    "identities,\nresults and what was redacted from the original "
	    "headers.\n\n"
	    "  --domain D    only reports filed under this policy domain\n"
	    "  --since, --until YYYY-MM-DD\n"
	    "                only reports that arrived in [since, until), "
	    "UTC\n"
	    "  --headers     also print the original headers, as stored "
	    "(redacted)\n"
	    "  --json        one JSON document\n");
}

/* v, sanitized for the terminal, or "-". */
static const char *
show(const char *v, char *buf)
{
	if (v == NULL || *v == '\0')
		return "-";
	return log_sanitize(buf, TEXT_MAX, v);
}

static void
print_redactions(const struct phi_counts *c)
{
	int k, any = 0;

	printf("  redacted  ");
	for (k = 0; k < PHI_NKINDS; k++) {
		if (c->n[k] == 0)
			continue;
		printf("%s%u %s", any++ ? ", " : "", c->n[k],
		    phi_kind_key((enum phi_kind)k));
	}
	printf("%s\n", any ? "" : "nothing");
}

static void
print_results(const struct failure_report *r)
{
	char a[TEXT_MAX], b[TEXT_MAX], c[TEXT_MAX];

	printf("  results   dmarc=%s", show(r->dmarc_result, a));
	printf(" spf=%s (%s)", show(r->spf_result, a), show(r->spf_domain, b));
	printf(" dkim=%s (%s s=%s)\n", show(r->dkim_result, a),
	    show(r->dkim_domain, b), show(r->dkim_selector, c));
	printf("  policy    failure %s, alignment %s, delivery %s\n",
	    show(r->auth_failure, a), show(r->identity_alignment, b),
	    show(r->delivery_result, c));
}

static void
print_text(const struct store_failure *sf)
{
	const struct failure_report *r = sf->report;
	char a[TEXT_MAX], b[TEXT_MAX], when[32];
	size_t i;

	if (r->has_arrival)
		cli_format_utc(r->arrival, when, sizeof(when));
	else
		snprintf(when, sizeof(when), "(not said)");
	printf("#%" PRId64 "  %s  %s  %s  %s\n", sf->id, when,
	    show(r->domain, a), show(r->source_ip, b),
	    r->feedback_type != NULL ? r->feedback_type : "-");
	printf("  reporter  %s (%s)\n", show(r->reporter, a),
	    show(r->user_agent, b));
	printf("  from      %s\n", show(r->header_from, a));
	printf("  envelope  %s ->", show(r->envelope_from, a));
	for (i = 0; i < r->nenvelope_to; i++)
		printf(" %s", show(r->envelope_to[i], a));
	printf("%s\n", r->nenvelope_to == 0 ? " -" : "");
	print_results(r);
	print_redactions(&r->redactions);
	printf("  headers   %zu fields; sample %s\n", r->nheaders,
	    sf->sample ? "kept, sealed" : "not kept");
	for (i = 0; i < r->nnotes; i++)
		printf("  note      %s\n", show(r->notes[i], a));
}

/* The stored header block, each line sanitized and indented. */
static void
print_headers(const char *h)
{
	char line[TEXT_MAX], out[4 * TEXT_MAX];
	size_t n;

	while (h != NULL && *h != '\0') {
		n = strcspn(h, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)n, h);
		printf("    | %s\n", log_sanitize(out, sizeof(out), line));
		h += n + (h[n] == '\n');
	}
}

static enum dw_err
on_failure(void *ctx, const struct store_failure *sf)
{
	struct fctx *fc = ctx;
	json_t *o, *r;

	fc->n++;
	if (fc->json) {
		o = json_pack("{s:I, s:I, s:b}", "id", (json_int_t)sf->id,
		    "received", (json_int_t)sf->received, "sample",
		    sf->sample);
		r = failure_json(sf->report);
		if (o == NULL || r == NULL) {
			json_decref(o);
			json_decref(r);
			return DW_ENOMEM;
		}
		json_object_update(o, r);
		json_decref(r);
		if (!fc->headers)
			json_object_del(o, "headers");
		json_array_append_new(fc->arr, o);
		return DW_OK;
	}
	print_text(sf);
	if (fc->headers)
		print_headers(sf->report->headers);
	putchar('\n');
	return DW_OK;
}

static bool
parse_args(struct fctx *fc, struct store_filter *f, int argc, char **argv,
    int *status)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "headers", no_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*status = CLI_EXIT_FAIL;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			f->domain = optarg;
			break;
		case 's':
		case 'u':
			if (!cli_date_opt(ch == 's', optarg, ch == 's' ?
			    &f->since : &f->until))
				return false;
			break;
		case 'H':
			fc->headers = true;
			break;
		case 'j':
			fc->json = true;
			break;
		case 'h':
			usage(stdout);
			*status = CLI_EXIT_OK;
			return false;
		default:
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
	struct fctx fc = { 0 };
	struct store_filter f;
	struct store *st;
	struct dw_error e;
	json_t *doc;
	int status;

	store_filter_init(&f);
	if (!parse_args(&fc, &f, argc, argv, &status))
		return status;
	if (store_open_ro(c->db_path, &st, &e) != DW_OK) {
		log_warnx("%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	fc.arr = json_array();
	status = CLI_EXIT_OK;
	if (store_failures(st, &f, on_failure, &fc, &e) != DW_OK) {
		log_warnx("failures: %s", e.msg);
		status = CLI_EXIT_FAIL;
	} else if (fc.json) {
		doc = json_pack("{s:O}", "failures", fc.arr);
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		putchar('\n');
		json_decref(doc);
	} else if (fc.n == 0)
		printf("no failure reports\n");
	json_decref(fc.arr);
	store_close(st);
	return status;
}

const struct cli_cmd cli_cmd_failures = {
	"failures", "list stored DMARC failure reports (PHI redacted)", run
};
