/*
 * cmd_readiness.c: dmarcward readiness DOMAIN -- the policy a domain has,
 * the next step towards p=reject, what blocks it, what it would do to
 * each sender, and which configured subdomains are short of their tier.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "cli_dns.h"
#include "cli_sources_int.h"
#include "cli_window.h"
#include "record/dmarc_record.h"

#define READY_DAYS_DEFAULT	30
#define READY_ARENA_MAX		((size_t)1 << 20)

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] [--config FILE] [--zone FILE | "
	    "--resolver ADDR]\n"
	    "                 readiness DOMAIN [--days N] [--json]\n\n"
	    "Whether DOMAIN can move on towards p=reject: the policy it has "
	    "(from DNS\nwhen --zone or --resolver is given, and from the "
	    "reports), the next step\n(none, quarantine, reject, with t=y "
	    "where it helps), the approved services\nbelow %.0f%% DMARC pass "
	    "over the last N days of reports (default %d) with\nwhat to "
	    "fix, the messages per sender the next policy would quarantine "
	    "or\nreject, and the configured subdomains short of their risk "
	    "tier.\n\nExit status: 0 ready, 1 blocked or a tier short, 2 "
	    "failure.\n", AN_ALIGNED_MIN, READY_DAYS_DEFAULT);
}

/* The policy as the reports say and as DNS says. */
struct policy_view {
	bool		 reports_known;
	struct an_policy reports;
	char		 sp[16];	/* reports' sp, "" if none */
	uint64_t	 agree, total;	/* reports with the usual policy */
	bool		 dns_known;	/* a record was found */
	bool		 dns_asked;
	struct an_policy dns;
	struct an_policy dns_sp;
	char		 dns_note[400];	/* absent, invalid, failed... */
};

static enum dw_err
on_policy(void *ctx, const struct store_policy_row *r)
{
	struct policy_view *v = ctx;
	enum dmarc_level l;

	v->total += r->reports;
	if (v->reports_known || !dmarc_level_parse(r->p, &l))
		return DW_OK;
	v->reports_known = true;
	v->reports.level = l;
	v->reports.t = r->testing != NULL && strcmp(r->testing, "y") == 0;
	snprintf(v->sp, sizeof(v->sp), "%s", r->sp ? r->sp : "");
	v->agree = r->reports;
	return DW_OK;
}

static struct an_policy
from_dmarc(enum dmarc_policy p, bool t)
{
	struct an_policy r = { LEVEL_NONE, t };

	if (p == DMARC_P_QUARANTINE)
		r.level = LEVEL_QUARANTINE;
	else if (p == DMARC_P_REJECT)
		r.level = LEVEL_REJECT;
	return r;
}

/* The record at _dmarc.NAME, into v; false when there is none. */
static bool
dns_policy(struct dns_resolver *r, const char *name, struct policy_view *v)
{
	const struct dns_answer *ans;
	struct dmarc_record *rec;
	struct diag_list dl;
	const char *txt[64];
	size_t lens[64], i, n = 0;
	char q[DNS_NAME_MAX + 16];
	struct arena *a = arena_new(READY_ARENA_MAX);
	enum dw_err err;
	bool found = false;

	if (a == NULL)
		return false;
	snprintf(q, sizeof(q), "_dmarc.%s", name);
	diag_list_init(&dl);
	err = dns_query(r, a, q, DNS_T_TXT, &ans);
	if (err == DW_OK)
		for (i = 0; i < ans->n && n < 64; i++, n++) {
			txt[n] = ans->rr[i].u.txt.data;
			lens[n] = ans->rr[i].u.txt.len;
		}
	if (err == DW_EDNS_TEMP)
		snprintf(v->dns_note, sizeof(v->dns_note), "%s: temporary DNS "
		    "failure", q);
	else if ((err == DW_OK || err == DW_EDNS_PERM) &&
	    dmarc_record_select(a, txt, lens, n, &rec, &dl) == DW_OK) {
		if (rec->status == REC_VALID) {
			found = v->dns_known = true;
			v->dns = from_dmarc(rec->eff_p, rec->t);
			v->dns_sp = from_dmarc(rec->eff_sp, rec->t);
		} else
			snprintf(v->dns_note, sizeof(v->dns_note), "%s: %s", q,
			    rec->status == REC_ABSENT ? "no DMARC record" :
			    "DMARC record not valid");
	}
	arena_free(a);
	return found;
}

static void
policy_of(struct cli_an *a, const struct cli *c, const char *domain,
    int64_t first, int64_t last, struct policy_view *v)
{
	struct dns_resolver *r;
	const char *org;
	struct dw_error e;
	struct policy_view pv;

	memset(v, 0, sizeof(*v));
	if (store_policies(a->st, domain, first * 86400, (last + 1) * 86400,
	    on_policy, v, &e) != DW_OK)
		log_warnx("readiness: %s", e.msg);
	if (c->zone == NULL && c->resolver == NULL)
		return;
	if ((r = cli_dns_resolver(c)) == NULL)
		return;
	v->dns_asked = true;
	if (!dns_policy(r, domain, v) && strcmp(org = orgdomain_of(a->od,
	    domain), domain) != 0) {
		/* a subdomain without a record of its own: the parent's sp */
		memset(&pv, 0, sizeof(pv));
		if (dns_policy(r, org, &pv)) {
			v->dns_known = true;
			v->dns = pv.dns_sp;
			snprintf(v->dns_note, sizeof(v->dns_note), "sp= of "
			    "_dmarc.%s", org);
		}
	}
	dns_free(r);
}

static struct an_policy
current(const struct policy_view *v, bool *known)
{
	struct an_policy none = { LEVEL_NONE, false };

	*known = v->dns_known || v->reports_known;
	if (v->dns_known)
		return v->dns;
	return v->reports_known ? v->reports : none;
}

static const char *
policy_text(struct an_policy p, char *out, size_t sz)
{
	snprintf(out, sz, "p=%s%s", dmarc_level_name(p.level), p.t ?
	    "; t=y" : "");
	return out;
}

/* ---- tiers ----------------------------------------------------------- */

struct tier_row {
	const struct conf_domain *d;
	enum dmarc_level	 has;
	bool			 known;
	bool			 shortfall;
};

/* The policy receivers apply to name: its own reports', else DOMAIN's
 * sp (or p). */
static void
tier_policy(struct cli_an *a, const char *domain, const char *name,
    struct an_policy cur, const struct policy_view *pv, int64_t first,
    int64_t last, struct tier_row *t)
{
	struct policy_view own;
	struct dw_error e;
	enum dmarc_level sp;

	memset(&own, 0, sizeof(own));
	t->known = true;
	if (strcmp(name, domain) == 0) {
		t->has = an_applied(cur);
		return;
	}
	if (store_policies(a->st, name, first * 86400, (last + 1) * 86400,
	    on_policy, &own, &e) == DW_OK && own.reports_known) {
		t->has = an_applied(own.reports);
		return;
	}
	if (pv->dns_known) {
		t->has = an_applied(pv->dns_sp);
		return;
	}
	if (dmarc_level_parse(pv->sp, &sp)) {
		struct an_policy p = { sp, cur.t };

		t->has = an_applied(p);
		return;
	}
	t->has = an_applied(cur);
	t->known = pv->reports_known;
}

static size_t
tiers(struct cli_an *a, const char *domain, struct an_policy cur,
    const struct policy_view *pv, int64_t first, int64_t last,
    struct tier_row *rows, size_t max)
{
	const struct conf_domain *d;
	size_t i, n = 0, dl = strlen(domain), l;

	for (i = 0; a->conf != NULL && i < a->conf->nd && n < max; i++) {
		d = &a->conf->d[i];
		l = strlen(d->name);
		if (d->tier == NULL || (strcmp(d->name, domain) != 0 &&
		    !(l > dl && d->name[l - dl - 1] == '.' &&
		    strcmp(d->name + l - dl, domain) == 0)))
			continue;
		rows[n].d = d;
		tier_policy(a, domain, d->name, cur, pv, first, last, &rows[n]);
		rows[n].shortfall = rows[n].has < d->tier->required;
		n++;
	}
	return n;
}

/* ---- output -------------------------------------------------------- */

struct plan {
	const char		*domain;
	int64_t			 first, last;
	struct policy_view	 pv;
	struct an_policy	 cur, next;
	bool			 cur_known, has_next, blocked;
	struct an_service	*v;
	size_t			 n;
	size_t			 nblock;
	uint64_t		 impact, messages;
	struct tier_row		 t[64];
	size_t			 nt, nshort;
};

static int
cmp_failing(const void *x, const void *y)
{
	const struct an_service *a = x, *b = y;
	uint64_t fa = a->c[RC_MESSAGES] - a->c[RC_DMARC_PASS];
	uint64_t fb = b->c[RC_MESSAGES] - b->c[RC_DMARC_PASS];

	return fa < fb ? 1 : fa > fb ? -1 : strcmp(a->key, b->key);
}


static void
text_head(const struct plan *p)
{
	char first[11], last[11], b1[64], dom[512];

	an_day_text(p->first, first);
	an_day_text(p->last, last);
	cli_clean(dom, sizeof(dom), p->domain);
	printf("%s: readiness for the next DMARC policy step\n", dom);
	if (p->messages == 0)
		printf("  no reports for it%s\n", p->first > 0 ?
		    " in the window" : "");
	else
		printf("  window:     %s .. %s (%" PRIu64 " messages)\n", first,
		    last, p->messages);
	if (p->pv.dns_known)
		printf("  policy:     %s (DNS%s%s)\n", policy_text(p->pv.dns,
		    b1, sizeof(b1)), *p->pv.dns_note ? ", " : "",
		    p->pv.dns_note);
	else if (p->pv.dns_asked)
		printf("  DNS:        %s\n", *p->pv.dns_note ? p->pv.dns_note :
		    "no DMARC record");
	if (p->pv.reports_known)
		printf("  reports:    %s in %" PRIu64 " of %" PRIu64 " reports"
		    "%s\n", policy_text(p->pv.reports, b1, sizeof(b1)),
		    p->pv.agree, p->pv.total, p->pv.agree < p->pv.total ?
		    " (the others disagree: look for forged reports)" : "");
}

static void
text_step(const struct plan *p)
{
	char b1[64], b2[64];

	if (!p->has_next && p->cur.level == LEVEL_REJECT && !p->cur.t)
		printf("  next step:  none: %s is the end of the way\n",
		    policy_text(p->cur, b1, sizeof(b1)));
	else if (!p->has_next)
		printf("  next step:  stay at %s until the blockers below are "
		    "fixed\n", policy_text(p->cur, b1, sizeof(b1)));
	else {
		printf("  next step:  %s -> %s\n", policy_text(p->cur, b1,
		    sizeof(b1)), policy_text(p->next, b2, sizeof(b2)));
		if (p->next.t)
			printf("              t=y: receivers keep applying "
			    "p=%s while you fix what blocks p=%s\n",
			    dmarc_level_name(an_applied(p->next)),
			    dmarc_level_name(p->next.level));
	}
}

static const char *
verb(enum dmarc_level l)
{
	return l == LEVEL_REJECT ? "rejected" : l == LEVEL_QUARANTINE ?
	    "quarantined" : "delivered (p=none)";
}

/* What the failing messages meet now and after the next step. */
static void
text_impact(const struct plan *p)
{
	enum dmarc_level now = an_applied(p->cur);

	if (!p->has_next) {
		printf("  impact:     %" PRIu64 " failing messages, %s now\n",
		    p->impact, verb(now));
		return;
	}
	printf("  impact:     %" PRIu64 " failing messages: under p=%s they "
	    "would be %s\n", p->impact, dmarc_level_name(p->next.level),
	    verb(p->next.level));
	if (p->next.t)
		printf("              (with t=y receivers apply p=%s: %s, "
		    "%s)\n", dmarc_level_name(an_applied(p->next)),
		    verb(an_applied(p->next)), an_applied(p->next) == now ?
		    "as now" : "a change from now");
}

static void
ready_text(struct cli_an *a, const struct plan *p)
{
	char fixes[AN_FIXES_MAX][AN_FIX_MAX], name[300];
	const struct an_service *s;
	struct an_failing f;
	size_t i, k, nf;
	uint64_t fail;

	text_head(p);
	text_step(p);
	printf("  blockers:   %zu approved services below %.0f%% DMARC "
	    "pass\n", p->nblock, AN_ALIGNED_MIN);
	for (i = 0; i < p->n; i++) {
		s = &p->v[i];
		if (s->kind != AN_APPROVED || !an_below(s))
			continue;
		printf("    %s (%s): %" PRIu64 " messages, %.1f%% pass\n",
		    cli_clean(name, sizeof(name), s->name), s->key,
		    s->c[RC_MESSAGES], an_pct(s->c[RC_DMARC_PASS],
		    s->c[RC_MESSAGES]));
		nf = an_fixes(s, p->domain, fixes);
		for (k = 0; k < nf; k++)
			printf("      fix: %s\n", fixes[k]);
	}
	text_impact(p);
	for (i = 0; i < p->n; i++) {
		s = &p->v[i];
		fail = s->c[RC_MESSAGES] - s->c[RC_DMARC_PASS];
		if (fail == 0)
			continue;
		an_failing_of(s, &f);
		printf("    %-11s %-34.34s %9" PRIu64 "%s\n",
		    src_status_text(s), cli_clean(name, sizeof(name),
		    s->name), fail, f.forwarding > 0 ? "  (some forwarded)" :
		    "");
	}
	if (p->nt > 0)
		printf("  risk tiers:\n");
	for (i = 0; i < p->nt; i++)
		printf("    %-32s %-16s requires %-11s has %-11s%s\n",
		    p->t[i].d->name, p->t[i].d->tier->name,
		    dmarc_level_name(p->t[i].d->tier->required),
		    dmarc_level_name(p->t[i].has), p->t[i].shortfall ?
		    "SHORT" : "ok");
	if (a->conf != NULL && !domains_conf_monitored(a->conf, p->domain))
		printf("  note: %s is not a monitored domain in --config\n",
		    p->domain);
}

static json_t *
policy_json(struct an_policy p)
{
	return json_pack("{s:s, s:b}", "p", dmarc_level_name(p.level), "t",
	    p.t);
}

static void
ready_json(struct cli_an *a, const struct plan *p)
{
	char first[11], last[11];
	json_t *doc, *bl = json_array(), *im = json_array(), *ti = json_array();
	struct an_failing f;
	size_t i;

	an_day_text(p->first, first);
	an_day_text(p->last, last);
	for (i = 0; i < p->n; i++) {
		if (p->v[i].kind == AN_APPROVED && an_below(&p->v[i]))
			json_array_append_new(bl, src_json_service(&p->v[i],
			    p->domain));
		if (p->v[i].c[RC_MESSAGES] == p->v[i].c[RC_DMARC_PASS])
			continue;
		an_failing_of(&p->v[i], &f);
		json_array_append_new(im, json_pack("{s:s, s:s, s:s, s:I, "
		    "s:I}", "key", p->v[i].key, "name", p->v[i].name,
		    "status", an_kind_name(p->v[i].kind), "messages",
		    (json_int_t)(p->v[i].c[RC_MESSAGES] -
		    p->v[i].c[RC_DMARC_PASS]), "forwarded",
		    (json_int_t)f.forwarding));
	}
	for (i = 0; i < p->nt; i++)
		json_array_append_new(ti, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:b}", "domain", p->t[i].d->name, "tier",
		    p->t[i].d->tier->name, "requires",
		    dmarc_level_name(p->t[i].d->tier->required), "has",
		    dmarc_level_name(p->t[i].has), "short",
		    p->t[i].shortfall));
	doc = json_pack("{s:s, s:{s:s?, s:s?, s:I}, s:{s:o, s:o, s:o, s:I, "
	    "s:I}, s:o, s:b, s:o, s:{s:s, s:I, s:o}, s:o, s:b}",
	    "domain", p->domain, "window", "first_day", p->messages ? first :
	    NULL, "last_day", p->messages ? last : NULL, "messages",
	    (json_int_t)p->messages, "policy", "current", p->cur_known ?
	    policy_json(p->cur) : json_null(), "dns", p->pv.dns_known ?
	    policy_json(p->pv.dns) : json_null(), "reports",
	    p->pv.reports_known ? policy_json(p->pv.reports) : json_null(),
	    "reports_agreeing", (json_int_t)p->pv.agree, "reports_total",
	    (json_int_t)p->pv.total, "next", p->has_next ?
	    policy_json(p->next) : json_null(), "ready", !p->blocked,
	    "blockers", bl, "impact", "applied", dmarc_level_name(
	    an_applied(p->has_next ? p->next : p->cur)), "messages",
	    (json_int_t)p->impact, "services", im, "tiers", ti, "monitored",
	    domains_conf_monitored(a->conf, p->domain));
	cli_json_out(doc);
	json_decref(doc);
}

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "days", required_argument, NULL, CLI_WOPT_DAYS },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_window w;
	struct cli_an a;
	struct plan p;
	struct dw_error e;
	bool json = false;
	size_t i;
	int ch, rc;

	cli_window_init(&w);
	w.days = READY_DAYS_DEFAULT;
	if ((ch = cli_window_args(argc, argv, opts, &w, &json, usage)) >= 0)
		return ch;
	if (optind != argc - 1) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	if (!cli_an_open(&a, c))
		return CLI_EXIT_FAIL;
	memset(&p, 0, sizeof(p));
	p.domain = argv[optind];
	cli_window_days(&w, &a, p.domain, &p.first, &p.last);
	policy_of(&a, c, p.domain, p.first, p.last, &p.pv);
	p.cur = current(&p.pv, &p.cur_known);
	if (an_services(a.st, a.cat, a.od, p.domain, p.first, p.last, &p.v,
	    &p.n, &e) != DW_OK) {
		log_warnx("readiness: %s", e.msg);
		cli_an_close(&a);
		return CLI_EXIT_FAIL;
	}
	qsort(p.v, p.n, sizeof(*p.v), cmp_failing);
	for (i = 0; i < p.n; i++) {
		p.nblock += p.v[i].kind == AN_APPROVED && an_below(&p.v[i]);
		p.messages += p.v[i].c[RC_MESSAGES];
		p.impact += p.v[i].c[RC_MESSAGES] - p.v[i].c[RC_DMARC_PASS];
	}
	p.blocked = p.nblock > 0;
	p.has_next = an_next_step(p.cur, p.blocked, &p.next);
	p.nt = tiers(&a, p.domain, p.cur, &p.pv, p.first, p.last, p.t, 64);
	for (i = 0; i < p.nt; i++)
		p.nshort += p.t[i].shortfall;
	if (json)
		ready_json(&a, &p);
	else
		ready_text(&a, &p);
	rc = p.blocked || p.nshort > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	free(p.v);
	cli_an_close(&a);
	return rc;
}

const struct cli_cmd cli_cmd_readiness = {
	"readiness", "is a domain ready for the next DMARC policy step", run
};
