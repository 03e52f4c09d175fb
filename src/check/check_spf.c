/*
 * check_spf.c: the domain's SPF setup through the linter (spf_lint_start),
 * its findings mapped into the catalog, and the corrected record where
 * one can be computed: the all term set to -all, several records merged
 * into one, or includes over the lookup limit flattened into the ip4/ip6
 * ranges they stand for.
 *
 * The TXT records at the domain are also asked directly once the walk is
 * over, for the history and for merging several SPF records (the linter
 * stops at "several records").
 */
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "check/check_int.h"
#include "record/spf_eval.h"

#define SPF_FIX_MAX	4096	/* bytes of a computed record */

static void
lint_done(void *arg, struct spf_lint *l, enum dw_err err)
{
	struct check_run *run = arg;

	run->spf.lint = l;
	run->spf.err = err;
	run->spf.done = true;
	if (err == DW_ENOMEM)
		run->nomem = true;
	/* Now, so that a cache in front of the resolver has the answer the
	 * walk got. */
	check_query(run, run->domain, DNS_T_TXT, &run->spf.txt, NULL);
	check_release(run);	/* the hold taken in check_spf_start */
}

void
check_spf_start(struct check_run *run)
{
	run->pending++;
	if (spf_lint_start(run->a, run->m->r, run->domain, lint_done, run) !=
	    DW_OK) {
		run->pending--;
		run->spf.err = DW_ENOMEM;
		run->spf.done = true;
		run->nomem = true;
	}
}

/* The SPF records among the TXT records of the domain. */
static size_t
spf_records(const struct check_run *run, const struct dns_rr **out,
    size_t max)
{
	const struct check_ans *q = &run->spf.txt;
	size_t i, n = 0;

	if (q->err != DW_OK || q->ans == NULL)
		return 0;
	for (i = 0; i < q->ans->n; i++) {
		const struct dns_rr *rr = &q->ans->rr[i];

		if (spf_is_spf1(rr->u.txt.data, rr->u.txt.len) && n < max)
			out[n++] = rr;
	}
	return n;
}

static void
history(struct check_run *run)
{
	const struct check_ans *q = &run->spf.txt;
	const struct dns_rr *rr[CHECK_TXT_MAX];
	struct check_record *rec;
	struct buf b;
	size_t i, n;

	rec = check_record(run, "spf", run->domain, q, "spf.record");
	if (rec == NULL)
		return;
	n = spf_records(run, rr, CHECK_TXT_MAX);
	rec->value = NULL;
	if (n > 0) {
		buf_init(&b, CHECK_VALUE_MAX);
		for (i = 0; i < n; i++)
			(void)buf_printf(&b, "%s%s", i ? "\n" : "",
			    check_clean(run, rr[i]->u.txt.data,
			    rr[i]->u.txt.len));
		rec->value = arena_strndup(run->a, buf_str(&b), b.len);
		buf_fini(&b);
	}
	rec->event_value = rec->value;
}

/* ---- computed records ---- */

static struct spf_record *
parse(struct check_run *run, const char *s)
{
	struct spf_record *r = NULL;

	if (s == NULL || spf_parse(run->a, s, strlen(s), &r) != DW_OK) {
		if (s != NULL)
			run->nomem = true;
		return NULL;
	}
	return r;
}

/* The record with its all term set to -all (added when missing). */
static const char *
fixed_all(struct check_run *run, const char *rec)
{
	struct spf_record *r = parse(run, rec);
	size_t i, n;

	if (r == NULL || !r->valid)
		return NULL;
	for (i = 0; i < r->nterms; i++) {
		const struct spf_term *t = &r->terms[i];

		if (t->kind != SPF_ALL)
			continue;
		n = strlen(t->text);
		return check_fmt(run, "%.*s-all%s", (int)t->off, rec,
		    rec + t->off + n);
	}
	n = strlen(rec);
	while (n > 0 && rec[n - 1] == ' ')
		n--;
	return check_fmt(run, "%.*s -all", (int)n, rec);
}

static bool
seen(const char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i], s) == 0)
			return true;
	return false;
}

/* Several records merged into one: their mechanisms in order, without
 * repeats, then the first record's all (-all when none has one). */
static const char *
merged(struct check_run *run, const struct dns_rr **rr, size_t n)
{
	const char *terms[SPF_TERMS_MAX], *all = NULL;
	struct spf_record *r;
	struct buf b;
	size_t i, k, nt = 0;
	const char *out;

	for (i = 0; i < n; i++) {
		r = parse(run, check_clean(run, rr[i]->u.txt.data,
		    rr[i]->u.txt.len));
		if (r == NULL || !r->valid)
			return NULL;
		for (k = 0; k < r->nterms; k++) {
			const struct spf_term *t = &r->terms[k];

			if (t->kind == SPF_ALL && all == NULL)
				all = t->text;
			else if (t->kind != SPF_ALL &&
			    t->kind != SPF_REDIRECT && t->kind != SPF_EXP &&
			    nt < SPF_TERMS_MAX && !seen(terms, nt, t->text))
				terms[nt++] = t->text;
		}
	}
	buf_init(&b, SPF_FIX_MAX);
	(void)buf_puts(&b, "v=spf1");
	for (i = 0; i < nt; i++)
		(void)buf_printf(&b, " %s", terms[i]);
	if (buf_printf(&b, " %s", all != NULL ? all : "-all") != DW_OK) {
		buf_fini(&b);
		return NULL;
	}
	out = arena_strndup(run->a, buf_str(&b), b.len);
	buf_fini(&b);
	return out;
}

/*
 * Collects the pass ip4/ip6 terms of a flat subtree; false when it
 * cannot stand in exactly for the include (a non-pass range, +all, a
 * record missing).
 */
static bool
ranges(struct check_run *run, const struct spf_lint_node *n,
    const char **v, size_t *nv, size_t max)
{
	struct spf_record *r = parse(run, n->record);
	size_t i;

	if (r == NULL || !r->valid)
		return false;
	for (i = 0; i < r->nterms; i++) {
		const struct spf_term *t = &r->terms[i];

		if (t->kind == SPF_ALL && t->qual == SPF_PASS)
			return false;
		if (t->kind != SPF_IP4 && t->kind != SPF_IP6)
			continue;
		if (t->qual != SPF_PASS || *nv == max)
			return false;
		if (!seen(v, *nv, t->text))
			v[(*nv)++] = t->text[0] == '+' ? t->text + 1 : t->text;
	}
	for (i = 0; i < n->nkids; i++)
		if (!ranges(run, n->kids[i], v, nv, max))
			return false;
	return true;
}

/* The root record with the biggest flat includes replaced by their
 * ranges until it is within 10 lookups, or NULL. */
static const char *
flattened(struct check_run *run, const struct spf_lint *l)
{
	const struct spf_lint_node *root = l->root, *pick[SPF_LINT_DEPTH_MAX];
	const char *v[SPF_TERMS_MAX];
	struct spf_record *r;
	unsigned total = l->lookups;
	size_t i, k, np = 0, nv = 0;
	struct buf b;
	const char *out = NULL;

	if (root == NULL || (r = parse(run, root->record)) == NULL)
		return NULL;
	while (total > SPF_MAX_DNS_MECH && np < SPF_LINT_DEPTH_MAX) {
		const struct spf_lint_node *best = NULL;

		for (i = 0; i < root->nkids; i++) {
			const struct spf_lint_node *c = root->kids[i];
			bool taken = false;

			for (k = 0; k < np; k++)
				taken = taken || pick[k] == c;
			if (!taken && c->flat && c->via != NULL &&
			    strncasecmp(c->via, "include:", 8) == 0 &&
			    (best == NULL || c->lookups > best->lookups))
				best = c;
		}
		if (best == NULL)
			return NULL;
		pick[np++] = best;
		total -= best->lookups + 1;
	}
	if (total > SPF_MAX_DNS_MECH)
		return NULL;
	buf_init(&b, SPF_FIX_MAX);
	(void)buf_puts(&b, "v=spf1");
	for (i = 0; i < r->nterms; i++) {
		const struct spf_term *t = &r->terms[i];
		const struct spf_lint_node *c = NULL;

		for (k = 0; t->kind == SPF_INCLUDE && k < np; k++)
			if (strcasecmp(pick[k]->via, t->text) == 0)
				c = pick[k];
		if (c == NULL) {
			(void)buf_printf(&b, " %s", t->text);
			continue;
		}
		nv = 0;
		if (!ranges(run, c, v, &nv, SPF_TERMS_MAX))
			goto out;
		for (k = 0; k < nv; k++)
			(void)buf_printf(&b, " %s", v[k]);
	}
	if (b.len < SPF_FIX_MAX)
		out = arena_strndup(run->a, buf_str(&b), b.len);
out:
	buf_fini(&b);
	return out;
}

/* True for a record that authorizes no host: "v=spf1 -all". */
static bool
sends_none(struct check_run *run, const char *rec)
{
	struct spf_record *r = parse(run, rec);

	return r != NULL && r->valid && r->nterms == 1 &&
	    r->terms[0].kind == SPF_ALL && r->terms[0].qual == SPF_FAIL;
}

/* ---- findings ---- */

static const struct {
	const char	*code;
	enum check_fid	 fid;
	bool		 top_only;	/* only for the domain's own record */
} codes[] = {
	{ "syntax", CF_SPF_SYNTAX, false },
	{ "lookup-limit", CF_SPF_LOOKUP_LIMIT, false },
	{ "mx-limit", CF_SPF_LOOKUP_LIMIT, false },
	{ "void-limit", CF_SPF_VOID_LIMIT, false },
	{ "void-lookup", CF_SPF_VOID_LOOKUP, false },
	{ "pass-all", CF_SPF_ALL_PASS, false },
	{ "neutral-all", CF_SPF_ALL_NEUTRAL, true },
	{ "softfail-all", CF_SPF_ALL_SOFTFAIL, true },
	{ "no-all", CF_SPF_ALL_MISSING, true },
	{ "loop", CF_SPF_INCLUDE_LOOP, false },
	{ "too-deep", CF_SPF_INCLUDE_LOOP, false },
	{ "ptr", CF_SPF_PTR, false },
	{ "string-too-long", CF_SPF_STRING_TOO_LONG, false },
	{ "answer-too-big", CF_SPF_ANSWER_TOO_BIG, false },
	{ "overlapping-range", CF_SPF_RANGE_OVERLAP, false },
	{ "duplicate-range", CF_SPF_RANGE_OVERLAP, false },
	{ "wide-range", CF_SPF_RANGE_WIDE, false },
};

static void
one(struct check_run *run, const struct spf_lint *l,
    const struct spf_lint_finding *f, const char *all_fix,
    const char *flat_fix)
{
	bool top = strcmp(f->domain, run->domain) == 0;
	const char *fix = NULL;
	enum check_fid fid = CF_SPF_OTHER;
	size_t i;

	if (strcmp(f->code, "no-record") == 0 ||
	    strcmp(f->code, "nxdomain") == 0 ||
	    strcmp(f->code, "multiple-records") == 0 ||
	    strcmp(f->code, "dns-failure") == 0) {
		if (top)
			return;		/* from the domain's own answer */
		fid = strcmp(f->code, "dns-failure") == 0 ?
		    CF_DNS_TEMPORARY : CF_SPF_INCLUDE_BROKEN;
	}
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i].code, f->code) == 0 &&
		    (top || !codes[i].top_only))
			fid = codes[i].fid;
	if (fid == CF_SPF_OTHER && (strcmp(f->code, "neutral-all") == 0 ||
	    strcmp(f->code, "softfail-all") == 0 ||
	    strcmp(f->code, "no-all") == 0))
		return;		/* an included record's all is its own */
	if (fid == CF_SPF_ALL_PASS || fid == CF_SPF_ALL_NEUTRAL ||
	    fid == CF_SPF_ALL_SOFTFAIL || fid == CF_SPF_ALL_MISSING)
		fix = top ? all_fix : NULL;
	if (fid == CF_SPF_LOOKUP_LIMIT)
		fix = flat_fix;
	check_add(run, fid, f->domain, fix != NULL ? run->domain : NULL,
	    "TXT", fix, "%s%s%s", top ? "" : f->domain, top ? "" : ": ",
	    check_clean(run, f->msg, strlen(f->msg)));
	(void)l;
}

/* The domain's own TXT answer: missing, several, failed. */
static bool
own(struct check_run *run)
{
	const struct check_ans *q = &run->spf.txt;
	const struct dns_rr *rr[CHECK_TXT_MAX];
	size_t n;

	if (q->err != DW_OK && q->err != DW_EDNS_PERM) {
		check_temporary(run, q);
		return false;
	}
	n = spf_records(run, rr, CHECK_TXT_MAX);
	if (n > 1) {
		check_add(run, CF_SPF_MULTIPLE, run->domain, run->domain,
		    "TXT", merged(run, rr, n), "%zu v=spf1 records at %s", n,
		    run->domain);
		return false;
	}
	if (n == 0) {
		check_add(run, CF_SPF_MISSING, run->domain, run->domain,
		    "TXT", run->mx.null_mx ? "v=spf1 -all" : NULL,
		    "no v=spf1 record at %s%s", run->domain, run->mx.null_mx ?
		    " (the domain sends no mail: publish v=spf1 -all)" : "");
		return false;
	}
	return true;
}

void
check_spf_finish(struct check_run *run)
{
	const struct spf_lint *l = run->spf.lint;
	const char *all_fix = NULL, *flat_fix = NULL;
	size_t i;

	if (run->not_found)
		return;
	history(run);
	if (!own(run) || l == NULL || run->spf.err != DW_OK)
		return;
	if (l->root != NULL && l->root->record != NULL) {
		all_fix = fixed_all(run, check_clean(run, l->root->record,
		    strlen(l->root->record)));
		run->sends_none = sends_none(run, l->root->record);
	}
	if (l->lookups > SPF_MAX_DNS_MECH)
		flat_fix = flattened(run, l);
	for (i = 0; i < l->nfindings && !run->nomem; i++)
		one(run, l, &l->findings[i], all_fix, flat_fix);
}
