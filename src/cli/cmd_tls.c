/*
 * cmd_tls.c: dmarcward tls -- SMTP TLS reports (RFC 8460): the share of
 * successful TLS sessions per policy domain, per policy type and per day,
 * and the failures per receiving MX and per result type.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/log.h"
#include "cli.h"
#include "cli_util.h"
#include "store/store.h"

#define NONE_GIVEN	"(none given)"

struct tctx {
	struct store		*st;
	struct store_filter	 f;
	bool			 json;
	json_t			*doc;		/* --json */
	json_t			*cur;		/* the section being filled */
	const char		*keyname;	/* rows' key in --json */
	json_t			*mx;		/* --json: the MX filled */
	char			*mxkey;		/* the MX being shown */
	bool			 mxopen;
	bool			 mxnull;	/* it is "none given" */
	bool			 any;		/* a report matched */
	struct dw_error		 e;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] tls [--domain D] [--since "
	    "YYYY-MM-DD]\n                 [--until YYYY-MM-DD] [--json]\n\n"
	    "SMTP TLS reports (RFC 8460): the share of successful TLS "
	    "sessions per\npolicy domain, per policy type (sts, tlsa, "
	    "no-policy-found) and per day,\nand the failed sessions per "
	    "receiving MX and per failure type.\n");
}

static json_t *
jpct(uint64_t ok, uint64_t bad)
{
	if (ok + bad == 0)
		return json_null();
	return json_real(100.0 * (double)ok / (double)(ok + bad));
}

/* The success rate, "95.0%", or "-" without sessions. */
static const char *
pct(uint64_t ok, uint64_t bad, char *out, size_t outsz)
{
	if (ok + bad == 0)
		snprintf(out, outsz, "-");
	else
		snprintf(out, outsz, "%.1f%%", 100.0 * (double)ok /
		    (double)(ok + bad));
	return out;
}

#define ROW_SESSIONS	"  %-36s %7s %12s %12s %10s %8s\n"
#define ROW_FAILURES	"  %-36s %15s %8s %7s\n"

static const char *
key_text(const char *key, char *out, size_t outsz)
{
	return log_sanitize(out, outsz, key != NULL ? key : NONE_GIVEN);
}

/* A row of session counts: a domain, a policy type or a day. */
static enum dw_err
on_sessions(void *ctx, const struct store_tls_row *r)
{
	struct tctx *tc = ctx;
	char k[512], p[16];

	if (tc->json) {
		json_array_append_new(tc->cur, json_pack("{s:o, s:I, s:I, s:I, "
		    "s:I, s:o}", tc->keyname, r->key != NULL ?
		    json_string(r->key) : json_null(),
		    "reports", (json_int_t)r->reports,
		    "sessions", (json_int_t)(r->successful + r->failed),
		    "successful", (json_int_t)r->successful,
		    "failed", (json_int_t)r->failed,
		    "success_pct", jpct(r->successful, r->failed)));
		return DW_OK;
	}
	printf("  %-36s %7" PRIu64 " %12" PRIu64 " %12" PRIu64 " %10" PRIu64
	    " %8s\n", key_text(r->key, k, sizeof(k)), r->reports,
	    r->successful + r->failed, r->successful, r->failed,
	    pct(r->successful, r->failed, p, sizeof(p)));
	return DW_OK;
}

static enum dw_err
on_all(void *ctx, const struct store_tls_row *r)
{
	struct tctx *tc = ctx;
	char p[16];

	tc->any = true;
	if (tc->json) {
		json_object_set_new(tc->doc, "reports",
		    json_integer((json_int_t)r->reports));
		json_object_set_new(tc->doc, "sessions",
		    json_integer((json_int_t)(r->successful + r->failed)));
		json_object_set_new(tc->doc, "successful",
		    json_integer((json_int_t)r->successful));
		json_object_set_new(tc->doc, "failed",
		    json_integer((json_int_t)r->failed));
		json_object_set_new(tc->doc, "success_pct",
		    jpct(r->successful, r->failed));
		return DW_OK;
	}
	printf("SMTP TLS reports: %" PRIu64 ", sessions %" PRIu64 " "
	    "(successful %" PRIu64 ", failed %" PRIu64 "), success %s\n",
	    r->reports, r->successful + r->failed, r->successful, r->failed,
	    pct(r->successful, r->failed, p, sizeof(p)));
	return DW_OK;
}

/* True when r starts another MX than the one being shown. */
static bool
new_mx(struct tctx *tc, const struct store_tls_row *r)
{
	if (tc->mxopen && tc->mxnull == (r->key == NULL) &&
	    (r->key == NULL || strcmp(tc->mxkey, r->key) == 0))
		return false;
	free(tc->mxkey);
	tc->mxkey = r->key != NULL ? strdup(r->key) : NULL;
	tc->mxnull = r->key == NULL;
	tc->mxopen = true;
	return true;
}

/* Rows of one MX come together, most failing MX first. */
static enum dw_err
on_mx(void *ctx, const struct store_tls_row *r)
{
	struct tctx *tc = ctx;
	bool was_open = tc->mxopen;
	char k[512], t[256];
	json_t *fail;

	if (new_mx(tc, r)) {
		if (r->key != NULL && tc->mxkey == NULL)
			return dw_fail(&tc->e, DW_ENOMEM, "out of memory");
		if (tc->json) {
			tc->mx = json_pack("{s:o, s:I, s:[]}", "mx", r->key !=
			    NULL ? json_string(r->key) : json_null(),
			    "failed", (json_int_t)0, "failure_types");
			json_array_append_new(tc->cur, tc->mx);
		} else {
			printf("%s  %s:", was_open ? "\n" : "",
			    key_text(r->key, k, sizeof(k)));
		}
	}
	if (!tc->json) {
		printf(" %s %" PRIu64, log_sanitize(t, sizeof(t), r->sub),
		    r->failed);
		return DW_OK;
	}
	fail = json_object_get(tc->mx, "failed");
	json_integer_set(fail, json_integer_value(fail) +
	    (json_int_t)r->failed);
	json_array_append_new(json_object_get(tc->mx, "failure_types"),
	    json_pack("{s:s, s:I, s:I}", "result_type", r->sub, "failed",
	    (json_int_t)r->failed, "details", (json_int_t)r->details));
	return DW_OK;
}

static enum dw_err
on_result(void *ctx, const struct store_tls_row *r)
{
	struct tctx *tc = ctx;
	char k[512];

	if (tc->json) {
		json_array_append_new(tc->cur, json_pack("{s:s, s:I, s:I, s:I}",
		    "result_type", r->key, "failed", (json_int_t)r->failed,
		    "details", (json_int_t)r->details, "reports",
		    (json_int_t)r->reports));
		return DW_OK;
	}
	printf("  %-36s %15" PRIu64 " %8" PRIu64 " %7" PRIu64 "\n",
	    key_text(r->key, k, sizeof(k)), r->failed, r->details,
	    r->reports);
	return DW_OK;
}

struct section {
	enum store_tls_group	 g;
	const char		*json;		/* key in the --json document */
	const char		*keyname;	/* its rows' key */
	const char		*title;		/* text output */
	int			 head;		/* column heads: H_* */
	store_tls_cb		 cb;
};

enum { H_NONE, H_SESSIONS, H_FAILURES };

static const struct section sections[] = {
	{ STORE_TLS_ALL, NULL, NULL, NULL, H_NONE, on_all },
	{ STORE_TLS_DOMAIN, "domains", "domain", "policy domain",
	    H_SESSIONS, on_sessions },
	{ STORE_TLS_TYPE, "policy_types", "policy_type", "policy type",
	    H_SESSIONS, on_sessions },
	{ STORE_TLS_MX, "receiving_mx", "mx", "receiving MX: failed sessions "
	    "by failure type\n  (reports count successful sessions per "
	    "policy, not per MX)", H_NONE, on_mx },
	{ STORE_TLS_RESULT, "failure_types", "result_type", "failure type",
	    H_FAILURES, on_result },
	{ STORE_TLS_DAY, "days", "day", "per day (the UTC day a report's "
	    "range starts)", H_SESSIONS, on_sessions },
};

static enum dw_err
section(struct tctx *tc, const struct section *s)
{
	enum dw_err err;

	if (tc->json && s->json != NULL) {
		tc->cur = json_array();
		json_object_set_new(tc->doc, s->json, tc->cur);
	} else if (s->title != NULL) {
		printf("\n%s\n", s->title);
		if (s->head == H_SESSIONS)
			printf(ROW_SESSIONS, "", "reports", "sessions",
			    "successful", "failed", "success");
		else if (s->head == H_FAILURES)
			printf(ROW_FAILURES, "", "failed sessions", "details",
			    "reports");
	}
	tc->keyname = s->keyname;
	tc->mx = NULL;
	tc->mxopen = false;
	err = store_tls_query(tc->st, &tc->f, s->g, s->cb, tc, &tc->e);
	free(tc->mxkey);
	tc->mxkey = NULL;
	if (!tc->json && tc->mxopen)
		putchar('\n');
	return err;
}

static int
show(struct tctx *tc)
{
	enum dw_err err = DW_OK;
	size_t i;

	/* totals first, zero until a report matches */
	tc->doc = json_pack("{s:i, s:i, s:i, s:i, s:n}", "reports", 0,
	    "sessions", 0, "successful", 0, "failed", 0, "success_pct");
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if ((err = section(tc, &sections[i])) != DW_OK)
			break;
		if (i == 0 && !tc->any && !tc->json) {
			printf("no SMTP TLS reports%s\n", tc->f.domain ||
			    tc->f.since != INT64_MIN || tc->f.until !=
			    INT64_MAX ? " match" : " stored");
			break;
		}
	}
	if (err == DW_OK && tc->json) {
		json_dumpf(tc->doc, stdout, JSON_INDENT(2) |
		    JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(tc->doc);
	if (err != DW_OK) {
		log_warnx("tls: %s", tc->e.msg);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tctx tc = { 0 };
	int ch, status;

	store_filter_init(&tc.f);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			tc.f.domain = optarg;
			break;
		case 's':
		case 'u':
			if (!cli_date_opt(ch == 's', optarg, ch == 's' ?
			    &tc.f.since : &tc.f.until))
				return CLI_EXIT_FAIL;
			break;
		case 'j':
			tc.json = true;
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
	if (store_open_ro(c->db_path, &tc.st, &tc.e) != DW_OK) {
		log_warnx("%s", tc.e.msg);
		return CLI_EXIT_FAIL;
	}
	status = show(&tc);
	store_close(tc.st);
	return status;
}

const struct cli_cmd cli_cmd_tls = {
	"tls", "SMTP TLS success rates, failures per MX and per day", run
};
