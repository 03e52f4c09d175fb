/*
 * cmd_export.c: dmarcward export -- one row per stored record, as CSV or
 * JSON lines, with parsedmarc's aggregate field names so its users can
 * move over.  CSV cells that a spreadsheet would run as a formula (a
 * leading = + - @ TAB or CR) get a leading ' (CWE-1236): base/csv.h.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/log.h"
#include "cli.h"
#include "cli_util.h"
#include "store/store.h"

#define EXPORT_LINE_MAX	((size_t)64 << 20)

/* parsedmarc's aggregate CSV columns, in its order. */
static const char *const fields[] = {
	"xml_schema", "org_name", "org_email", "org_extra_contact_info",
	"report_id", "begin_date", "end_date", "errors", "domain", "adkim",
	"aspf", "p", "sp", "pct", "fo", "source_ip_address", "source_country",
	"source_reverse_dns", "source_base_domain", "source_name",
	"source_type", "count", "spf_aligned", "dkim_aligned",
	"dmarc_aligned", "disposition", "policy_override_reasons",
	"policy_override_comments", "envelope_from", "header_from",
	"envelope_to", "dkim_domains", "dkim_selectors", "dkim_results",
	"spf_domains", "spf_scopes", "spf_results",
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

struct ectx {
	FILE		*out;
	bool		 csv;
	struct buf	 b;
	const char	*val[NFIELDS];
	char		*own[NFIELDS];	/* values fill() allocated */
	char		 begin[32], end[32], pct[16], count[32];
	uint64_t	 rows;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] export [--format csv|json] "
	    "[--domain D]\n                 [--since YYYY-MM-DD] [--until "
	    "YYYY-MM-DD] [-o FILE]\n\n"
	    "Writes every stored record with its report, one per row, with "
	    "parsedmarc's\naggregate field names.\n");
}

/* Joins one field of the auth results of one kind with ",". */
static char *
join_auth(const struct agg_record *r, enum agg_auth_kind kind, int what)
{
	struct buf b;
	const char *v;
	size_t i;
	bool first = true;

	buf_init(&b, EXPORT_LINE_MAX);
	for (i = 0; i < r->nauth; i++) {
		if (r->auth[i].kind != kind)
			continue;
		v = what == 0 ? r->auth[i].domain : what == 2 ?
		    r->auth[i].result : kind == AGG_AUTH_DKIM ?
		    r->auth[i].selector : r->auth[i].scope;
		if (!first)
			(void)buf_putc(&b, ',');
		(void)buf_puts(&b, v != NULL ? v : "");
		first = false;
	}
	(void)buf_putc(&b, '\0');
	return buf_steal(&b, NULL);
}

static char *
join_reasons(const char *json, int idx)
{
	json_t *a, *it;
	struct buf b;
	size_t i;
	const char *v;

	buf_init(&b, EXPORT_LINE_MAX);
	a = json != NULL ? json_loads(json, 0, NULL) : NULL;
	json_array_foreach(a, i, it) {
		v = json_string_value(json_array_get(it, (size_t)idx));
		if (i > 0)
			(void)buf_putc(&b, ',');
		(void)buf_puts(&b, v != NULL ? v : "none");
	}
	json_decref(a);
	(void)buf_putc(&b, '\0');
	return buf_steal(&b, NULL);
}

/* Sets field i to v, which fill() owns and on_row() frees. */
static size_t
own(struct ectx *x, size_t i, char *v)
{
	x->val[i] = x->own[i] = v;
	return i + 1;
}

static void
fill(struct ectx *x, const struct store_row *row)
{
	const struct agg_report *r = row->report;
	const struct agg_record *c = row->record;
	bool spf = c->spf && strcmp(c->spf, "pass") == 0;
	bool dkim = c->dkim && strcmp(c->dkim, "pass") == 0;
	size_t i = 0;

	cli_format_utc(r->begin, x->begin, sizeof(x->begin));
	cli_format_utc(r->end, x->end, sizeof(x->end));
	snprintf(x->pct, sizeof(x->pct), "%d", r->policy.pct);
	snprintf(x->count, sizeof(x->count), "%" PRIu64, c->count);
	memset(x->own, 0, sizeof(x->own));
	x->val[i++] = agg_schema_name(r->schema);
	x->val[i++] = r->org_name;
	x->val[i++] = r->email;
	x->val[i++] = r->extra_contact_info;
	x->val[i++] = r->report_id;
	x->val[i++] = x->begin;
	x->val[i++] = x->end;
	x->val[i++] = row->errors;
	x->val[i++] = r->policy.domain;
	x->val[i++] = r->policy.adkim;
	x->val[i++] = r->policy.aspf;
	x->val[i++] = r->policy.p;
	x->val[i++] = r->policy.sp;
	x->val[i++] = r->policy.pct >= 0 ? x->pct : NULL;
	x->val[i++] = r->policy.fo;
	x->val[i++] = c->source_ip;
	for (; i < 21; i++)	/* country .. type: enrichment, not yet */
		x->val[i] = NULL;
	x->val[i++] = x->count;
	x->val[i++] = spf ? "True" : "False";
	x->val[i++] = dkim ? "True" : "False";
	x->val[i++] = spf || dkim ? "True" : "False";
	x->val[i++] = c->disposition;
	i = own(x, i, join_reasons(row->reasons, 0));
	i = own(x, i, join_reasons(row->reasons, 1));
	x->val[i++] = c->envelope_from;
	x->val[i++] = c->header_from;
	x->val[i++] = c->envelope_to;
	i = own(x, i, join_auth(c, AGG_AUTH_DKIM, 0));
	i = own(x, i, join_auth(c, AGG_AUTH_DKIM, 1));
	i = own(x, i, join_auth(c, AGG_AUTH_DKIM, 2));
	i = own(x, i, join_auth(c, AGG_AUTH_SPF, 0));
	i = own(x, i, join_auth(c, AGG_AUTH_SPF, 1));
	i = own(x, i, join_auth(c, AGG_AUTH_SPF, 2));
}

static enum dw_err
on_row(void *ctx, const struct store_row *row)
{
	struct ectx *x = ctx;
	json_t *o;
	size_t i;
	enum dw_err err = DW_OK;

	fill(x, row);
	buf_reset(&x->b);
	if (x->csv) {
		for (i = 0; i < NFIELDS && err == DW_OK; i++) {
			if (i > 0)
				err = buf_putc(&x->b, ',');
			if (err == DW_OK)
				err = csv_cell(&x->b, x->val[i]);
		}
		if (err == DW_OK)
			err = buf_puts(&x->b, "\r\n");
		if (err == DW_OK)
			fwrite(x->b.data, 1, x->b.len, x->out);
	} else {
		o = json_object();
		for (i = 0; i < NFIELDS; i++)
			json_object_set_new(o, fields[i], x->val[i] != NULL ?
			    json_string(x->val[i]) : json_null());
		json_object_set_new(o, "count", json_integer(
		    (json_int_t)row->record->count));
		json_dumpf(o, x->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', x->out);
		json_decref(o);
	}
	for (i = 0; i < NFIELDS; i++)
		free(x->own[i]);
	x->rows++;
	return err;
}

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "domain", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ectx x = { .out = stdout, .csv = true };
	struct store_filter f;
	struct store *st = NULL;
	struct dw_error e;
	const char *outpath = NULL;
	size_t i;
	int ch, status = CLI_EXIT_FAIL;

	store_filter_init(&f);
	while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "csv") != 0 &&
			    strcmp(optarg, "json") != 0) {
				log_warnx("--format: csv or json");
				return CLI_EXIT_FAIL;
			}
			x.csv = strcmp(optarg, "csv") == 0;
			break;
		case 'd':
			f.domain = optarg;
			break;
		case 's':
		case 'u':
			if (!cli_date_opt(ch == 's', optarg, ch == 's' ?
			    &f.since : &f.until))
				return CLI_EXIT_FAIL;
			break;
		case 'o':
			outpath = optarg;
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
	if (store_open_ro(c->db_path, &st, &e) != DW_OK) {
		log_warnx("%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	if (outpath != NULL && (x.out = fopen(outpath, "w")) == NULL) {
		log_warnx("%s: cannot write", outpath);
		store_close(st);
		return CLI_EXIT_FAIL;
	}
	buf_init(&x.b, EXPORT_LINE_MAX);
	if (x.csv) {
		for (i = 0; i < NFIELDS; i++)
			fprintf(x.out, "%s%s", i > 0 ? "," : "", fields[i]);
		fputs("\r\n", x.out);
	}
	if (store_export(st, &f, on_row, &x, &e) != DW_OK)
		log_warnx("export: %s", e.msg);
	else
		status = CLI_EXIT_OK;
	if (fflush(x.out) != 0 || (outpath != NULL && fclose(x.out) != 0)) {
		log_warnx("export: write failed");
		status = CLI_EXIT_FAIL;
	}
	buf_fini(&x.b);
	store_close(st);
	return status;
}

const struct cli_cmd cli_cmd_export = {
	"export", "records as CSV or JSON lines (parsedmarc field names)", run
};
