/*
 * cmd_parse.c: dmarcward parse FILE... -- shows what dmarcward reads from
 * report files without storing anything: a line per report, or with
 * --json the normalized report and its records as JSON lines (the format
 * of the golden tests).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "cli.h"
#include "ingest/ingest.h"
#include "report/agg_dump.h"
#include "report/failure_json.h"
#include "report/tlsrpt_json.h"

#define PARSE_OUT_MAX	((size_t)1 << 30)

struct pctx {
	struct ingest	*in;
	bool		 json;
	struct buf	 out;		/* one report, printed when whole */
	uint64_t	 records;
	uint64_t	 messages;
	char		 head[1024];
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward parse [--json] FILE...\n\n"
	    "Reads DMARC aggregate reports (XML), SMTP TLS reports (JSON) and "
	    "DMARC\nfailure reports, plain or in gzip, zip, MIME or mbox, and "
	    "shows what\nwould be stored (failure reports redacted), without "
	    "storing anything.\n\n"
	    "  --json   the normalized report and its records, one JSON "
	    "object per line;\n           a TLS or failure report is one "
	    "line\n");
}

static enum dw_err
p_report(void *ctx, const struct agg_report *r)
{
	struct pctx *pc = ctx;
	char doc[512];

	buf_reset(&pc->out);
	pc->records = pc->messages = 0;
	if (!pc->json) {
		log_sanitize(doc, sizeof(doc), ingest_current_doc(pc->in));
		snprintf(pc->head, sizeof(pc->head), "%s: %s report %s for "
		    "%s", doc, r->org_name, r->report_id, r->policy.domain);
		if (r->repairs != NULL)
			snprintf(pc->head + strlen(pc->head),
			    sizeof(pc->head) - strlen(pc->head),
			    " (repaired: %s)", r->repairs);
		return DW_OK;
	}
	if (agg_report_json(r, &pc->out) != DW_OK ||
	    buf_putc(&pc->out, '\n') != DW_OK)
		return DW_ELIMIT;
	return DW_OK;
}

static enum dw_err
p_record(void *ctx, const struct agg_record *rec)
{
	struct pctx *pc = ctx;

	pc->records++;
	pc->messages += rec->count;
	if (!pc->json)
		return DW_OK;
	if (agg_record_json(rec, &pc->out) != DW_OK ||
	    buf_putc(&pc->out, '\n') != DW_OK)
		return DW_ELIMIT;
	return DW_OK;
}

static void
p_end(void *ctx, bool ok)
{
	struct pctx *pc = ctx;
	char line[1200];

	if (ok && pc->json)
		fwrite(pc->out.data, 1, pc->out.len, stdout);
	else if (ok) {
		log_sanitize(line, sizeof(line), pc->head);
		printf("%s: %" PRIu64 " records, %" PRIu64 " messages\n",
		    line, pc->records, pc->messages);
	}
	buf_reset(&pc->out);
}

static void
p_tls(void *ctx, const struct tlsrpt_report *r)
{
	struct pctx *pc = ctx;
	char doc[512], org[512], id[512];

	buf_reset(&pc->out);
	if (pc->json) {
		if (tlsrpt_json_dump(r, &pc->out) == DW_OK)
			printf("%s\n", buf_str(&pc->out));
		buf_reset(&pc->out);
		return;
	}
	log_sanitize(doc, sizeof(doc), ingest_current_doc(pc->in));
	log_sanitize(org, sizeof(org), r->organization_name);
	log_sanitize(id, sizeof(id), r->report_id);
	printf("%s: SMTP TLS report %s from %s: %zu policies, %" PRId64
	    " successful and %" PRId64 " failed sessions%s\n", doc, id, org,
	    r->npolicies, r->successful, r->failed, r->nnotes > 0 ?
	    " (with notes)" : "");
}

static void
p_failure(void *ctx, const struct failure_report *r)
{
	struct pctx *pc = ctx;
	char line[1200];
	json_t *j;

	if (pc->json) {
		j = failure_json(r);
		json_dumpf(j, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
		putchar('\n');
		json_decref(j);
		return;
	}
	snprintf(pc->head, sizeof(pc->head), "%s: failure report (%s) for %s "
	    "from %s, %u header fields, %llu redactions",
	    ingest_current_doc(pc->in), r->feedback_type,
	    r->domain != NULL ? r->domain : "-",
	    r->source_ip != NULL ? r->source_ip : "-", (unsigned)r->nheaders,
	    (unsigned long long)phi_total(&r->redactions));
	printf("%s\n", log_sanitize(line, sizeof(line), pc->head));
}

static void
p_reject(void *ctx, const char *input, const char *doc,
    const struct dw_error *e)
{
	char in[512], msg[DW_ERRMSG_MAX * 4];

	(void)ctx;
	log_sanitize(in, sizeof(in), doc != NULL ? doc : input);
	log_sanitize(msg, sizeof(msg), e->msg);
	fprintf(stderr, "rejected %s: %s\n", in, msg);
}

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pctx pc = { 0 };
	struct agg_sink sink = { &pc, p_report, p_record };
	struct ingest_opts o;
	struct dw_error e;
	enum dw_err err = DW_OK;
	int ch, i, rc;

	(void)c;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			pc.json = true;
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
	ingest_opts_default(&o);
	o.parse_only = true;
	o.sink = &sink;
	o.sink_end = p_end;
	o.tls_sink = p_tls;
	o.failure_sink = p_failure;
	o.on_reject = p_reject;
	o.ctx = &pc;
	buf_init(&pc.out, PARSE_OUT_MAX);
	pc.in = ingest_new(NULL, &o);
	if (pc.in == NULL) {
		log_warnx("out of memory");
		return CLI_EXIT_FAIL;
	}
	for (i = optind; i < argc && err == DW_OK; i++)
		err = ingest_path(pc.in, argv[i], &e);
	if (err != DW_OK)
		log_warnx("parse stopped: %s", e.msg);
	rc = err != DW_OK ? CLI_EXIT_FAIL :
	    ingest_stats(pc.in)->rejected > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	ingest_free(pc.in);
	buf_fini(&pc.out);
	return rc;
}

const struct cli_cmd cli_cmd_parse = {
	"parse", "show what a report file holds, without storing it", run
};
