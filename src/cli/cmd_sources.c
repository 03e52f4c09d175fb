/*
 * cmd_sources.c: dmarcward sources list|show -- the services that send as
 * each monitored domain, with the inventory's view of them.  The changes
 * (approve, revoke, note) are in cmd_sources_edit.c.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis/analysis.h"
#include "base/log.h"
#include "cli.h"
#include "cli_sources_int.h"
#include "cli_window.h"

#define SOURCES_IPS_SHOWN	20

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] [--config FILE] sources list "
	    "[--domain D]\n"
	    "                 [--since YYYY-MM-DD] [--until YYYY-MM-DD] "
	    "[--days N]\n"
	    "                 [--all-domains] [--json]\n"
	    "       dmarcward sources show SERVICE [--domain D] [--days N] "
	    "[--json]\n"
	    "       dmarcward sources approve SERVICE [--owner TEXT] "
	    "[--purpose TEXT]\n"
	    "                 [--ephi yes|no] [--baa signed|not-signed|"
	    "not-needed]\n"
	    "                 [--baa-date YYYY-MM-DD] [--force] [--json]\n"
	    "       dmarcward sources revoke SERVICE [--json]\n"
	    "       dmarcward sources note SERVICE TEXT... [--json]\n\n"
	    "The services that send mail as each monitored domain, grouped "
	    "from the\nreports' source addresses, and the inventory of "
	    "approved senders: owner,\npurpose, ePHI, BAA.  Unknown and "
	    "unapproved senders are marked, and so is\nan approved service "
	    "that carries ePHI without a signed BAA.  SERVICE is a\nkey "
	    "from `sources list` (a catalog key, ptr:DOMAIN, asn:N).\n");
}

/* ---- shared output pieces --------------------------------------------- */

json_t *
src_json_service(const struct an_service *s, const char *domain)
{
	struct an_failing f;
	char first[11], last[11], fixes[AN_FIXES_MAX][AN_FIX_MAX];
	json_t *o, *fx;
	size_t i, nf;
	uint64_t m = s->c[RC_MESSAGES];

	an_failing_of(s, &f);
	an_day_text(s->first_day, first);
	an_day_text(s->last_day, last);
	o = json_pack("{s:s, s:s, s:s?, s:s, s:b, s:I, s:I, s:f, s:f, s:f, "
	    "s:s?, s:s?, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I}}",
	    "key", s->key, "name", s->name, "type", s->svc != NULL ?
	    svc_type_key(s->svc->type) : NULL, "status", an_kind_name(s->kind),
	    "own_servers", s->own, "messages", (json_int_t)m, "dmarc_pass",
	    (json_int_t)s->c[RC_DMARC_PASS], "dmarc_pass_pct",
	    an_pct(s->c[RC_DMARC_PASS], m), "spf_aligned_pct",
	    an_pct(s->c[RC_SPF_ALIGNED], m), "dkim_aligned_pct",
	    an_pct(s->c[RC_DKIM_ALIGNED], m), "first_seen", m ? first : NULL,
	    "last_seen", m ? last : NULL, "failing", "forwarding",
	    (json_int_t)f.forwarding, "misconfigured",
	    (json_int_t)f.misconfigured, "unapproved",
	    (json_int_t)f.unapproved, "spoofing", (json_int_t)f.spoofing,
	    "named_by", "dkim", (json_int_t)s->c[RC_SIG_DKIM], "spf",
	    (json_int_t)s->c[RC_SIG_SPF], "ptr", (json_int_t)s->c[RC_SIG_PTR]);
	json_object_set_new(o, "inventory", s->has_inv ? json_pack("{s:b, "
	    "s:s?, s:s?, s:o, s:s, s:s?}", "approved", s->approved, "owner",
	    *s->owner ? s->owner : NULL, "purpose", *s->purpose ? s->purpose :
	    NULL, "ephi", s->ephi < 0 ? json_null() : json_boolean(s->ephi),
	    "baa", store_baa_name(s->baa), "baa_date", *s->baa_date ?
	    s->baa_date : NULL) : json_null());
	json_object_set_new(o, "ephi_without_signed_baa",
	    json_boolean(an_baa_missing(s)));
	fx = json_array();
	nf = s->kind == AN_APPROVED ? an_fixes(s, domain, fixes) : 0;
	for (i = 0; i < nf; i++)
		json_array_append_new(fx, json_string(fixes[i]));
	json_object_set_new(o, "fix", fx);
	return o;
}

const char *
src_status_text(const struct an_service *s)
{
	if (s->kind == AN_APPROVED)
		return an_below(s) ? "approved!" : "approved";
	return s->kind == AN_KNOWN ? "UNAPPROVED" : "UNKNOWN";
}

/* ---- list ---------------------------------------------------------- */

struct counts {
	size_t	 unknown, unapproved, baa, below;
};

static void
list_text(const char *domain, const struct an_service *v, size_t n,
    struct counts *k)
{
	char first[11], last[11], name[64];
	const struct an_service *s;
	size_t i;

	printf("%s\n  %-11s %-26s %-28s %9s %6s  %-10s  %s\n", domain,
	    "STATUS", "SERVICE", "NAME", "MESSAGES", "DMARC", "FIRST",
	    "LAST");
	for (i = 0; i < n; i++) {
		s = &v[i];
		an_day_text(s->first_day, first);
		an_day_text(s->last_day, last);
		cli_clean(name, sizeof(name), s->name);
		if (s->c[RC_MESSAGES] == 0)
			printf("  %-11s %-26s %-28.28s %9s %6s  (no mail seen)"
			    "\n", src_status_text(s), s->key, name, "0", "-");
		else
			printf("  %-11s %-26s %-28.28s %9" PRIu64 " %5.1f%%  "
			    "%-10s  %s\n", src_status_text(s), s->key, name,
			    s->c[RC_MESSAGES], an_pct(s->c[RC_DMARC_PASS],
			    s->c[RC_MESSAGES]), first, last);
		if (an_baa_missing(s))
			printf("  %-11s carries ePHI without a signed BAA "
			    "(BAA: %s)\n", "", store_baa_name(s->baa));
		k->unknown += s->kind == AN_UNKNOWN;
		k->unapproved += s->kind == AN_KNOWN;
		k->baa += an_baa_missing(s);
		k->below += s->kind == AN_APPROVED && an_below(s);
	}
	printf("\n");
}

static int
do_list(struct cli_an *a, const struct cli_window *w, bool json)
{
	struct counts k = { 0, 0, 0, 0 };
	struct an_service *v;
	struct dw_error e;
	char **doms, dom[512];
	size_t nd, hidden, i, j, n;
	int64_t first, last;
	json_t *arr = json_array(), *svcs, *doc;
	int rc = CLI_EXIT_OK;

	if (!cli_domains(a, w, &doms, &nd, &hidden)) {
		json_decref(arr);
		return CLI_EXIT_FAIL;
	}
	for (i = 0; i < nd && rc == CLI_EXIT_OK; i++) {
		cli_window_days(w, a, doms[i], &first, &last);
		if (an_services(a->st, a->cat, a->od, doms[i], first, last, &v,
		    &n, &e) != DW_OK) {
			log_warnx("sources: %s", e.msg);
			rc = CLI_EXIT_FAIL;
			break;
		}
		cli_clean(dom, sizeof(dom), doms[i]);
		if (json) {
			svcs = json_array();
			for (j = 0; j < n; j++)
				json_array_append_new(svcs,
				    src_json_service(&v[j], doms[i]));
			json_array_append_new(arr, json_pack("{s:s, s:o}",
			    "domain", doms[i], "services", svcs));
		} else
			list_text(dom, v, n, &k);
		free(v);
	}
	if (rc == CLI_EXIT_OK && json) {
		doc = json_pack("{s:b, s:I, s:O}", "monitored_domains_set",
		    a->conf != NULL, "unmonitored_domains_hidden",
		    (json_int_t)hidden, "domains", arr);
		cli_json_out(doc);
		json_decref(doc);
	} else if (rc == CLI_EXIT_OK) {
		printf("%zu unknown and %zu unapproved senders; %zu approved "
		    "services below %.0f%% DMARC pass; %zu approved services "
		    "carry ePHI without a signed BAA\n", k.unknown,
		    k.unapproved, k.below, AN_ALIGNED_MIN, k.baa);
		cli_monitor_note(a, hidden);
	}
	json_decref(arr);
	cli_domains_free(doms, nd);
	return rc;
}

/* ---- show ----------------------------------------------------------- */

struct ipctx {
	struct cli_an	*a;
	bool		 json;
	json_t		*arr;
};

static enum dw_err
ip_entry(void *ctx, const struct store_ip_info *v)
{
	struct store_ip_info *out = ctx;

	*out = *v;
	out->ptr = v->ptr ? strdup(v->ptr) : NULL;
	out->ptr_any = v->ptr_any ? strdup(v->ptr_any) : NULL;
	out->as_org = v->as_org ? strdup(v->as_org) : NULL;
	out->country = v->country ? strdup(v->country) : NULL;
	out->status = v->status ? strdup(v->status) : NULL;
	out->ip = out->base = out->spf_services = NULL;
	return DW_OK;
}

static void
ip_free(struct store_ip_info *v)
{
	free((char *)v->ptr);
	free((char *)v->ptr_any);
	free((char *)v->as_org);
	free((char *)v->country);
	free((char *)v->status);
}

static enum dw_err
on_ip(void *ctx, const struct store_rollup_row *r)
{
	struct ipctx *c = ctx;
	struct store_ip_info v;
	struct dw_error e;
	char ip[64], ptr[300], org[160], sig[32];

	memset(&v, 0, sizeof(v));
	(void)store_ip_info_get(c->a->st, r->ip, ip_entry, &v, &e);
	snprintf(sig, sizeof(sig), "%s%s%s", r->c[RC_SIG_DKIM] ? " dkim" : "",
	    r->c[RC_SIG_SPF] ? " spf" : "", r->c[RC_SIG_PTR] ? " ptr" : "");
	if (c->json)
		json_array_append_new(c->arr, json_pack("{s:s, s:I, s:I, s:s?,"
		    " s:b, s:s?, s:I, s:s?, s:s?, s:s}", "ip", r->ip,
		    "messages", (json_int_t)r->c[RC_MESSAGES], "dmarc_pass",
		    (json_int_t)r->c[RC_DMARC_PASS], "ptr", v.ptr_any,
		    "ptr_confirmed", v.ptr != NULL, "lookup", v.status, "asn",
		    (json_int_t)v.asn, "as_org", v.as_org, "country",
		    v.country, "named_by", *sig ? sig + 1 : ""));
	else {
		cli_clean(ip, sizeof(ip), r->ip);
		cli_clean(ptr, sizeof(ptr), v.ptr_any ? v.ptr_any :
		    v.status ? "(no PTR)" : "(not looked up)");
		cli_clean(org, sizeof(org), v.as_org ? v.as_org : "");
		printf("    %-39s %8" PRIu64 " %5.1f%%  %s%s", ip,
		    r->c[RC_MESSAGES], an_pct(r->c[RC_DMARC_PASS],
		    r->c[RC_MESSAGES]), ptr, v.ptr_any && !v.ptr ?
		    " (not confirmed)" : "");
		if (v.asn)
			printf("  AS%u %s %s", (unsigned)v.asn, org,
			    v.country ? v.country : "");
		printf("%s%s\n", *sig ? "  named by" : "", sig);
	}
	ip_free(&v);
	return DW_OK;
}

static enum dw_err
on_event(void *ctx, const struct store_inventory_event *v)
{
	json_t *arr = ctx;
	char when[32], det[1100];

	cli_format_utc(v->at, when, sizeof(when));
	if (arr != NULL) {
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s?}", "at",
		    when, "action", v->action, "detail", v->detail));
		return DW_OK;
	}
	cli_clean(det, sizeof(det), v->detail ? v->detail : "");
	printf("    %s  %-8s %s\n", when, v->action, det);
	return DW_OK;
}

static int
src_show_domain(struct cli_an *a, const struct cli_window *w,
    const char *key, const char *domain, bool json, json_t *arr)
{
	struct an_service *v, *s = NULL;
	struct store_rollup_q q;
	struct ipctx ic = { a, json, NULL };
	char fixes[AN_FIXES_MAX][AN_FIX_MAX], dom[512];
	struct dw_error e;
	size_t n, i, nf;
	int64_t first, last;
	json_t *o;

	cli_window_days(w, a, domain, &first, &last);
	if (an_services(a->st, a->cat, a->od, domain, first, last, &v, &n,
	    &e) != DW_OK) {
		log_warnx("sources: %s", e.msg);
		return CLI_EXIT_FAIL;
	}
	for (i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			s = &v[i];
	if (s == NULL || s->c[RC_MESSAGES] == 0) {
		free(v);
		return CLI_EXIT_OK;
	}
	store_rollup_q_init(&q);
	q.by = ROLLUP_BY_SERVICE | ROLLUP_BY_IP;
	q.domain = domain;
	q.service = key;
	q.first_day = first;
	q.last_day = last;
	q.limit = SOURCES_IPS_SHOWN;
	if (json) {
		o = src_json_service(s, domain);
		json_object_set_new(o, "domain", json_string(domain));
		ic.arr = json_array();
		json_object_set_new(o, "addresses", ic.arr);
		json_array_append_new(arr, o);
	} else {
		cli_clean(dom, sizeof(dom), domain);
		printf("  %s: %" PRIu64 " messages, DMARC pass %.1f%%, aligned "
		    "SPF %.1f%%, aligned DKIM %.1f%%\n", dom,
		    s->c[RC_MESSAGES], an_pct(s->c[RC_DMARC_PASS],
		    s->c[RC_MESSAGES]), an_pct(s->c[RC_SPF_ALIGNED],
		    s->c[RC_MESSAGES]), an_pct(s->c[RC_DKIM_ALIGNED],
		    s->c[RC_MESSAGES]));
		nf = s->kind == AN_APPROVED ? an_fixes(s, domain, fixes) : 0;
		for (i = 0; i < nf; i++)
			printf("    fix: %s\n", fixes[i]);
		printf("    top addresses:\n");
	}
	(void)store_rollup_query(a->st, &q, on_ip, &ic, &e);
	free(v);
	return CLI_EXIT_OK;
}

static int
do_show(struct cli_an *a, const struct cli_window *w, const char *key,
    bool json)
{
	json_t *doc = NULL, *per = NULL, *ev = NULL;
	char **doms;
	size_t nd, hidden, i;
	struct dw_error e;
	int rc = CLI_EXIT_OK;

	if (!src_known(a, key, false))
		return CLI_EXIT_FAIL;
	if (!cli_domains(a, w, &doms, &nd, &hidden))
		return CLI_EXIT_FAIL;
	if (json) {
		per = json_array();
		ev = json_array();
		doc = src_json_head(a, key);
		json_object_set_new(doc, "domains", per);
		json_object_set_new(doc, "history", ev);
	} else
		src_print_head(a, key);
	for (i = 0; i < nd && rc == CLI_EXIT_OK; i++)
		rc = src_show_domain(a, w, key, doms[i], json, per);
	if (!json)
		printf("  history:\n");
	if (store_inventory_events(a->st, key, on_event, ev, &e) != DW_OK) {
		log_warnx("sources: %s", e.msg);
		rc = CLI_EXIT_FAIL;
	}
	if (json && rc == CLI_EXIT_OK)
		cli_json_out(doc);
	json_decref(doc);
	cli_domains_free(doms, nd);
	return rc;
}

/* ---- the command ---------------------------------------------------- */

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, CLI_WOPT_DOMAIN },
		{ "since", required_argument, NULL, CLI_WOPT_SINCE },
		{ "until", required_argument, NULL, CLI_WOPT_UNTIL },
		{ "days", required_argument, NULL, CLI_WOPT_DAYS },
		{ "all-domains", no_argument, NULL, CLI_WOPT_ALL },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_window w;
	struct cli_an a;
	const char *sub;
	bool json = false;
	int ch, rc;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "approve") == 0 || strcmp(sub, "revoke") == 0 ||
	    strcmp(sub, "note") == 0)
		return src_edit(c, argc - 1, argv + 1);
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0) {
		log_warnx("sources: unknown subcommand \"%s\"; want list, "
		    "show, approve, revoke or note", sub);
		return CLI_EXIT_FAIL;
	}
	cli_window_init(&w);
	argc--;
	argv++;
	if ((ch = cli_window_args(argc, argv, opts, &w, &json, usage)) >= 0)
		return ch;
	if ((strcmp(sub, "list") == 0 && optind != argc) ||
	    (strcmp(sub, "show") == 0 && optind != argc - 1)) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	if (!cli_an_open(&a, c))
		return CLI_EXIT_FAIL;
	rc = strcmp(sub, "list") == 0 ? do_list(&a, &w, json) :
	    do_show(&a, &w, argv[optind], json);
	cli_an_close(&a);
	return rc;
}

const struct cli_cmd cli_cmd_sources = {
	"sources", "who sends as your domains; the approved-sender inventory",
	run
};
