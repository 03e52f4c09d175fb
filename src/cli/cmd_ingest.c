/*
 * cmd_ingest.c: dmarcward ingest PATH...
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/log.h"
#include "cli.h"
#include "cli_analysis.h"
#include "cli_enrich.h"
#include "cli_ingest.h"
#include "cli_util.h"
#include "crypto/seal.h"
#include "ingest/ingest.h"
#include "store/store.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] ingest [--json] [--max-size MIB] "
	    "[--parse-only]\n                 [--offline | --store-only] "
	    "[--geoip FILE]...\n                 [--keep-samples --sample-key "
	    "PUBKEYFILE] PATH...\n\n"
	    "Stores the DMARC aggregate reports (XML), SMTP TLS reports (JSON) "
	    "and DMARC\nfailure reports found in files, folders (recursively), "
	    "mbox files and\nMaildir folders: plain, gzip, zip or MIME "
	    "messages.  Failure reports are\nkept with PHI redacted and "
	    "without the original message.  Then looks up\nthe new source "
	    "addresses (dmarcward enrich) and brings the rollups up to\n"
	    "date.\n\n"
	    "  --json           print the summary as JSON\n"
	    "  --max-size MIB   decompressed size cap per report "
	    "(default 64)\n"
	    "  --parse-only     parse and count, store nothing\n"
	    "  --offline        no DNS: skip the lookups (rollups still "
	    "run)\n"
	    "  --store-only     store and stop: no lookups, no rollups "
	    "(enrich, report,\n"
	    "                   sources and readiness bring them up to "
	    "date)\n"
	    "  --geoip FILE     a GeoIP database for the lookups (up to 4)\n"
	    "  --keep-samples --sample-key PUBKEYFILE\n"
	    "                   also keep each failure report message, sealed "
	    "to this\n                   public key (dmarcward failure "
	    "keygen)\n\n"
	    "Exit status: 0 all stored or duplicate, 1 something was "
	    "rejected,\n2 the store failed.\n");
}

void
cli_ingest_on_reject(void *ctx, const char *input, const char *doc,
    const struct dw_error *e)
{
	struct cli_ingest_ui *ui = ctx;
	char in[512], d[512], msg[DW_ERRMSG_MAX * 4];

	log_sanitize(in, sizeof(in), input);
	log_sanitize(msg, sizeof(msg), e->msg);
	if (doc != NULL)
		log_sanitize(d, sizeof(d), doc);
	if (ui->rejections != NULL)
		json_array_append_new(ui->rejections, json_pack("{s:s, s:s?, "
		    "s:s, s:s}", "input", in, "document", doc ? d : NULL,
		    "error", dw_strerror(e->code), "reason", msg));
	if (ui->tty)
		fputs("\r\033[K", stderr);
	if (doc != NULL && strcmp(d, in) != 0)
		fprintf(stderr, "rejected %s (%s): %s\n", in, d, msg);
	else
		fprintf(stderr, "rejected %s: %s\n", in, msg);
}

void
cli_ingest_on_progress(void *ctx, const struct ingest_stats *s)
{
	struct cli_ingest_ui *ui = ctx;
	double t;

	if (!ui->tty)
		return;
	t = cli_now();
	if (t - ui->last < 0.1)
		return;
	ui->last = t;
	fprintf(stderr, "\r\033[Kingest: %" PRIu64 " inputs, %" PRIu64
	    " reports, %" PRIu64 " records", s->inputs, s->reports_new,
	    s->records);
}

json_t *
cli_ingest_json(const struct cli_ingest_ui *ui, const struct ingest_stats *s,
    double secs)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:f, s:O}", "inputs", (json_int_t)s->inputs,
	    "inputs_duplicate", (json_int_t)s->inputs_dup,
	    "bytes", (json_int_t)s->bytes,
	    "reports_new", (json_int_t)s->reports_new,
	    "reports_duplicate", (json_int_t)s->reports_dup,
	    "tls_reports_new", (json_int_t)s->tls_new,
	    "tls_reports_duplicate", (json_int_t)s->tls_dup,
	    "rejected", (json_int_t)s->rejected,
	    "repaired", (json_int_t)s->repaired,
	    "records", (json_int_t)s->records,
	    "messages", (json_int_t)s->messages,
	    "failures_new", (json_int_t)s->failures_new,
	    "failures_duplicate", (json_int_t)s->failures_dup,
	    "seconds", secs, "rejections", ui->rejections);
}

void
cli_ingest_summary(const struct cli_ingest_ui *ui,
    const struct ingest_stats *s, double secs)
{
	json_t *j;

	if (ui->tty)
		fputs("\r\033[K", stderr);
	if (!ui->json) {
		printf("inputs:   %" PRIu64 " (%.1f MB)", s->inputs,
		    (double)s->bytes / 1e6);
		if (s->inputs_dup > 0)
			printf(", %" PRIu64 " already stored", s->inputs_dup);
		printf("\nreports:  %" PRIu64 " new, %" PRIu64 " duplicate, %"
		    PRIu64 " rejected", s->reports_new, s->reports_dup,
		    s->rejected);
		if (s->repaired > 0)
			printf(", %" PRIu64 " repaired", s->repaired);
		printf("\nrecords:  %" PRIu64 " (%" PRIu64 " messages)\n"
		    "tls:      %" PRIu64 " new, %" PRIu64 " duplicate SMTP TLS "
		    "reports\nfailures: %" PRIu64 " new, %" PRIu64 " duplicate "
		    "failure reports\nseconds:  %.2f\n", s->records,
		    s->messages, s->tls_new, s->tls_dup, s->failures_new,
		    s->failures_dup, secs);
		return;
	}
	j = cli_ingest_json(ui, s, secs);
	if (ui->extra != NULL)
		json_object_update(j, ui->extra);
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	putchar('\n');
	json_decref(j);
}

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "parse-only", no_argument, NULL, 'p' },
		{ "offline", no_argument, NULL, 'o' },
		{ "store-only", no_argument, NULL, 's' },
		{ "geoip", required_argument, NULL, 'g' },
		{ "keep-samples", no_argument, NULL, 'k' },
		{ "sample-key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t pk[SEAL_KEY_BYTES];
	const char *keyfile = NULL;
	bool keep = false;
	struct ingest_opts o;
	struct cli_ingest_ui ui = { 0 };
	struct store *st = NULL;
	struct ingest *in = NULL;
	struct dw_error e;
	struct cli_enrich ce;
	struct refresh_stats es;
	struct rollup_stats rs;
	uint64_t mib;
	double t0, secs;
	int ch, i, rc = CLI_EXIT_FAIL;
	bool offline = false, sources = false, store_only = false;
	enum dw_err err = DW_OK;

	cli_enrich_init(&ce);
	ingest_opts_default(&o);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			ui.json = true;
			break;
		case 'm':
			if (!cli_parse_u64(optarg, 1, 1 << 20, &mib)) {
				log_warnx("--max-size: want a number of MiB "
				    "from 1 to 1048576, got \"%s\"", optarg);
				return CLI_EXIT_FAIL;
			}
			o.lim.max_size = mib << 20;
			if (o.lim.max_message < o.lim.max_size)
				o.lim.max_message = o.lim.max_size;
			break;
		case 'p':
			o.parse_only = true;
			break;
		case 'o':
			offline = true;
			break;
		case 's':
			store_only = true;
			break;
		case 'g':
			if (!cli_enrich_geoip(&ce, optarg))
				goto out;
			break;
		case 'k':
			keep = true;
			break;
		case 'K':
			keyfile = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			usage(stderr);
			return CLI_EXIT_FAIL;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	if (!cli_sample_opts(keep, keyfile, pk, &o.sample_key))
		goto out;
	ui.tty = !c->quiet && isatty(STDERR_FILENO);
	if (ui.json)
		ui.rejections = json_array();
	o.on_reject = cli_ingest_on_reject;
	o.on_progress = cli_ingest_on_progress;
	o.ctx = &ui;
	dw_error_clear(&e);
	if (!o.parse_only && store_open(c->db_path, &st, &e) != DW_OK) {
		log_warnx("%s", e.msg);	/* names the store */
		goto out;
	}
	in = ingest_new(st, &o);
	if (in == NULL) {
		log_warnx("out of memory");
		goto out;
	}
	t0 = cli_now();
	for (i = optind; i < argc && err == DW_OK; i++)
		err = ingest_path(in, argv[i], &e);
	if (err == DW_OK)
		err = ingest_finish(in, &e);
	if (err != DW_OK) {
		if (ui.tty)
			fputs("\r\033[K", stderr);
		log_warnx("ingest stopped: %s: %s", dw_strerror(err), e.msg);
		goto out;
	}
	secs = cli_now() - t0;
	/* tests set $DMARCWARD_OFFLINE: no live DNS unless they give one */
	if (getenv("DMARCWARD_OFFLINE") != NULL && c->zone == NULL &&
	    c->resolver == NULL)
		offline = true;
	if (!o.parse_only && !store_only)
		sources = cli_enrich_after_ingest(&ce, c, st, offline ||
		    ingest_stats(in)->records == 0, &es, &rs);
	if (sources && ui.json)
		ui.extra = json_pack("{s:o, s:o}", "enrich",
		    cli_enrich_json(&es), "rollups", cli_rollup_json(&rs));
	cli_ingest_summary(&ui, ingest_stats(in), secs);
	if (sources && !ui.json) {
		if (offline)
			printf("addresses:    not looked up (--offline); "
			    "dmarcward enrich does it\n");
		else if (ingest_stats(in)->records > 0)
			cli_enrich_print(&es);
		cli_rollup_print(&rs);
	}
	rc = ingest_stats(in)->rejected > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
out:
	ingest_free(in);
	cli_enrich_fini(&ce);
	store_close(st);
	json_decref(ui.rejections);
	json_decref(ui.extra);
	return rc;
}

const struct cli_cmd cli_cmd_ingest = {
	"ingest", "store DMARC aggregate, failure and SMTP TLS reports from "
	    "files, folders, mailboxes", run
};
