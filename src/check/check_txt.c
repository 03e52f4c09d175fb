/*
 * check_txt.c: the policy TXT records at fixed names: _mta-sts
 * (RFC 8461 §3.1), _smtp._tls (RFC 8460 §3) and default._bimi.
 *
 * Each name may hold other TXT records; those that do not start with the
 * version are discarded, and more than one that does means no policy
 * (RFC 8461 §3.1, RFC 8460 §3).  A record that starts with the version in
 * another case ("v=stsv1") is reported as invalid, not as missing.
 *
 * The MTA-STS policy file itself is fetched by the transport stage
 * (check_net.h), which runs after this one.
 */
#include <strings.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "check/check_int.h"
#include "record/bimi.h"
#include "record/mtasts.h"
#include "record/tlsrpt_record.h"

static void
txt_start(struct check_run *run, struct check_txt *t, const char *prefix,
    const char *exact)
{
	t->exact = exact;
	check_query(run, check_name(run, prefix, run->domain), DNS_T_TXT,
	    &t->q, NULL);
}

void
check_txt_start(struct check_run *run)
{
	txt_start(run, &run->sts, "_mta-sts", "v=STSv1");
	txt_start(run, &run->tlsrpt, "_smtp._tls", "v=TLSRPTv1");
	txt_start(run, &run->bimi, "default._bimi", "v=BIMI1");
}

/* Counts the records that start with the version, exactly or in any
 * case; keeps the exact one. */
static void
classify(struct check_txt *t)
{
	size_t i, n = strlen(t->exact), k;
	const struct dns_rr *rr;
	const char *s;

	if (t->q.err != DW_OK || t->q.ans == NULL)
		return;
	for (i = 0; i < t->q.ans->n; i++) {
		rr = &t->q.ans->rr[i];
		s = rr->u.txt.data;
		for (k = 0; k < rr->u.txt.len && (s[k] == ' ' ||
		    s[k] == '\t'); k++)
			;
		if (rr->u.txt.len - k < n ||
		    strncasecmp(s + k, t->exact, n) != 0)
			continue;
		if (rr->u.txt.len - k > n && s[k + n] != ';' &&
		    s[k + n] != ' ' && s[k + n] != '\t')
			continue;	/* v=STSv10 */
		t->nlike++;
		if (k == 0 && memcmp(s, t->exact, n) == 0) {
			t->nexact++;
			t->rr = rr;
		}
	}
}

/* "id1, id2" of the error findings of a parser. */
static const char *
errors(struct check_run *run, const struct diag_list *dl)
{
	const char *s = "";
	size_t i;

	for (i = 0; i < dl->n; i++)
		if (dl->d[i].sev == DIAG_ERR)
			s = check_fmt(run, "%s%s%s", s, *s ? ", " : "",
			    diag_id(dl->d[i].code));
	return *s ? s : "not valid";
}

/* True when the domain takes mail at named hosts. */
static bool
takes_mail(const struct check_run *run)
{
	return run->mx.nhosts > 0 && !run->mx.null_mx;
}

const char *
check_sts_policy_file(struct check_run *run, const char *mode,
    unsigned long max_age)
{
	struct buf b;
	const char *out;
	size_t i;

	buf_init(&b, CHECK_VALUE_MAX);
	(void)buf_printf(&b, "version: STSv1\nmode: %s\n", mode);
	for (i = 0; i < run->mx.nhosts; i++)
		if (!run->mx.hosts[i].literal)
			(void)buf_printf(&b, "mx: %s\n", run->mx.hosts[i].host);
	(void)buf_printf(&b, "max_age: %lu\n", max_age);
	out = arena_strndup(run->a, buf_str(&b), b.len);
	buf_fini(&b);
	if (out == NULL)
		run->nomem = true;
	return out;
}

const char *
check_sts_new_record(struct check_run *run)
{
	char id[32];
	time_t t = (time_t)run->m->o->now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(id, sizeof(id), "%Y%m%d%H%M%S", &tm) == 0)
		memcpy(id, "1", 2);
	return check_fmt(run, "v=STSv1; id=%s", id);
}

static void
sts_fix(struct check_run *run, enum check_fid fid, const char *found)
{
	struct check_finding *f;

	f = check_add(run, fid, run->sts.q.name, run->sts.q.name, "TXT",
	    check_sts_new_record(run), "%s", found);
	if (f != NULL && takes_mail(run))
		f->fix_file = check_sts_policy_file(run, "testing",
		    CHECK_STS_MAX_AGE_FIX);
}

static void
sts_finish(struct check_run *run)
{
	struct check_txt *t = &run->sts;
	struct check_record *rec;
	struct mtasts_record *r;
	struct diag_list dl;

	rec = check_record(run, "mta-sts", t->q.name, &t->q, "mtasts.id");
	if (rec != NULL)
		rec->event_value = NULL;
	if (t->nexact > 1) {
		check_add(run, CF_MTASTS_MULTIPLE, t->q.name, NULL, NULL, NULL,
		    "%zu v=STSv1 records", t->nexact);
		return;
	}
	if (t->nexact == 0) {
		if (t->nlike > 0)
			sts_fix(run, CF_MTASTS_INVALID, "the record does not "
			    "start with v=STSv1 exactly");
		else if (takes_mail(run))
			sts_fix(run, CF_MTASTS_MISSING, check_fmt(run,
			    "no v=STSv1 record at %s", t->q.name));
		return;
	}
	diag_list_init(&dl);
	if (mtasts_record_parse(run->a, t->rr->u.txt.data, t->rr->u.txt.len,
	    &r, &dl) != DW_OK) {
		run->nomem = true;
		return;
	}
	if (r->status != REC_VALID)
		sts_fix(run, CF_MTASTS_INVALID, check_fmt(run, "%s: %s",
		    check_clean(run, t->rr->u.txt.data, t->rr->u.txt.len),
		    errors(run, &dl)));
	else {
		run->sts_id = r->id;
		if (rec != NULL)
			rec->event_value = r->id;
	}
}

static void
tlsrpt_finish(struct check_run *run)
{
	struct check_txt *t = &run->tlsrpt;
	struct tlsrpt_record *r;
	struct diag_list dl;
	const char *fix;

	check_record(run, "tls-rpt", t->q.name, &t->q, NULL);
	fix = check_fmt(run, "v=TLSRPTv1; rua=%s", check_report_uri(run));
	if (t->nexact > 1) {
		check_add(run, CF_TLSRPT_MULTIPLE, t->q.name, t->q.name, "TXT",
		    fix, "%zu v=TLSRPTv1 records", t->nexact);
		return;
	}
	if (t->nexact == 0) {
		if (t->nlike > 0)
			check_add(run, CF_TLSRPT_INVALID, t->q.name, t->q.name,
			    "TXT", fix, "the record does not start with "
			    "v=TLSRPTv1 exactly");
		else if (takes_mail(run))
			check_add(run, CF_TLSRPT_MISSING, t->q.name, t->q.name,
			    "TXT", fix, "no v=TLSRPTv1 record at %s",
			    t->q.name);
		return;
	}
	diag_list_init(&dl);
	if (tlsrpt_record_parse(run->a, t->rr->u.txt.data, t->rr->u.txt.len,
	    &r, &dl) != DW_OK) {
		run->nomem = true;
		return;
	}
	if (r->status != REC_VALID)
		check_add(run, CF_TLSRPT_INVALID, t->q.name, t->q.name, "TXT",
		    fix, "%s: %s", check_clean(run, t->rr->u.txt.data,
		    t->rr->u.txt.len), errors(run, &dl));
}

static void
bimi_finish(struct check_run *run)
{
	struct check_txt *t = &run->bimi;
	struct bimi_record *r;
	struct diag_list dl;
	enum dmarc_policy p;

	check_record(run, "bimi", t->q.name, &t->q, NULL);
	if (t->nexact > 1) {
		check_add(run, CF_BIMI_MULTIPLE, t->q.name, NULL, NULL, NULL,
		    "%zu v=BIMI1 records", t->nexact);
		return;
	}
	if (t->nexact == 0) {
		if (t->nlike > 0)
			check_add(run, CF_BIMI_INVALID, t->q.name, NULL, NULL,
			    NULL, "the record does not start with v=BIMI1 "
			    "exactly");
		return;
	}
	diag_list_init(&dl);
	if (bimi_parse(run->a, t->rr->u.txt.data, t->rr->u.txt.len, &r,
	    &dl) != DW_OK) {
		run->nomem = true;
		return;
	}
	if (r->status != REC_VALID) {
		check_add(run, CF_BIMI_INVALID, t->q.name, NULL, NULL, NULL,
		    "%s: %s", check_clean(run, t->rr->u.txt.data,
		    t->rr->u.txt.len), errors(run, &dl));
		return;
	}
	p = check_dmarc_applied(run);
	if (!r->declined && p != DMARC_P_QUARANTINE && p != DMARC_P_REJECT)
		check_add(run, CF_BIMI_WEAK_DMARC, t->q.name, NULL, NULL, NULL,
		    "BIMI record with DMARC %s", p == DMARC_P_UNSET ?
		    "missing" : dmarc_policy_name(p));
}

void
check_txt_finish(struct check_run *run)
{
	struct check_txt *all[] = { &run->sts, &run->tlsrpt, &run->bimi };
	size_t i;

	if (run->not_found)
		return;
	for (i = 0; i < 3; i++) {
		classify(all[i]);
		if (all[i]->q.err != DW_OK && all[i]->q.err != DW_EDNS_PERM)
			check_temporary(run, &all[i]->q);
	}
	if (run->sts.q.err == DW_OK || run->sts.q.err == DW_EDNS_PERM)
		sts_finish(run);
	if (run->tlsrpt.q.err == DW_OK || run->tlsrpt.q.err == DW_EDNS_PERM)
		tlsrpt_finish(run);
	if (run->bimi.q.err == DW_OK || run->bimi.q.err == DW_EDNS_PERM)
		bimi_finish(run);
}
