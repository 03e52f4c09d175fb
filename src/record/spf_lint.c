/*
 * spf_lint.c: walks the include/redirect tree and reports findings.
 *
 * The walk is driven by DNS answers: a record's answer asks for its
 * includes, its redirect and the probes of its a/mx terms at once, and
 * the walk ends when the last answer is in (pending reaches 0).  Findings
 * made along the way hang on their record with the index of the term
 * that made them; at the end they are read out depth-first in term order,
 * so the result is the same whatever order the answers came in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "spf_eval.h"
#include "spf_lint.h"

struct lint_walk;

struct lfind {
	struct spf_lint_finding	 f;
	int			 term;	/* -1: the record itself, nterms:
					 * after its terms */
	struct lfind		*next;
};

struct lnode {
	struct spf_lint_node	 pub;	/* first: kids[] point here */
	struct lint_walk	*w;
	struct lnode		*parent;
	int			 slot;	/* index of its term in the parent */
	unsigned		 depth;	/* 1 for the top record */
	bool			 top;	/* the top or a redirect of it: its
					 * all is the domain's */
	const struct spf_record	*rec;
	struct lfind		*finds, *finds_tail;
};

/* The void-lookup probe of one a or mx term. */
struct probe {
	struct lnode		*n;
	const struct spf_term	*t;
	int			 term;
	int			 left;		/* answers still to come */
	bool			 empty;		/* every answer so far void */
	bool			 partial;	/* one query could not go */
};

struct range {
	uint8_t		 addr[16];
	int		 bits;
	bool		 v6;
	const char	*domain, *text;
};

struct lint_walk {
	struct arena		*a;
	struct dns_resolver	*r;
	struct spf_lint		*out;
	struct lnode		*root;
	struct lfind		*notes, *notes_tail;	/* before the tree */
	struct lfind		*late, *late_tail;	/* after the tree */
	struct range		*ranges;
	size_t			 nranges, rcap, nfound;
	size_t			 pending, nqueries, nrecords;
	bool			 nomem, qcapped, rcapped, ncapped;
	void			(*done)(void *, struct spf_lint *,
				    enum dw_err);
	void			*arg;
};

static const char *const sev_names[] = { "info", "warning", "error" };

const char *
spf_lint_sev_name(enum spf_lint_sev s)
{
	return (size_t)s < 3 ? sev_names[s] : "?";
}

static void add(struct lint_walk *, struct lnode *, int, enum spf_lint_sev,
    const char *, const char *, const char *, ...)
    __attribute__((format(printf, 7, 8)));

/*
 * A finding of record n at term; n NULL: of the whole domain, listed
 * after the tree, or before it for term NOTE (a limit of the walk, which
 * says how far everything else can be trusted).
 */
#define NOTE	(-2)

static void
add(struct lint_walk *w, struct lnode *n, int term, enum spf_lint_sev sev,
    const char *code, const char *domain, const char *fmt, ...)
{
	struct lfind *f = arena_zalloc(w->a, sizeof(*f));
	char msg[512];
	va_list ap;

	if (f == NULL) {
		w->nomem = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->term = term;
	f->f.sev = sev;
	f->f.code = code;
	f->f.domain = arena_strdup(w->a, domain);
	f->f.msg = arena_strdup(w->a, msg);
	if (f->f.domain == NULL || f->f.msg == NULL)
		w->nomem = true;
	if (n == NULL && term == NOTE) {
		if (w->notes_tail != NULL)
			w->notes_tail->next = f;
		else
			w->notes = f;
		w->notes_tail = f;
	} else if (n == NULL) {
		if (w->late_tail != NULL)
			w->late_tail->next = f;
		else
			w->late = f;
		w->late_tail = f;
	} else {
		if (n->finds_tail != NULL)
			n->finds_tail->next = f;
		else
			n->finds = f;
		n->finds_tail = f;
	}
}

/* The first time a limit of the walk is hit: a note before the tree. */
static void
walk_limit(struct lint_walk *w, bool *seen, const char *code,
    const char *what, int max)
{
	if (!*seen)
		add(w, NULL, NOTE, SPF_LINT_WARN, code, w->out->domain,
		    "stopped after %d %s: the tree is only partly checked "
		    "and the counts are a lower bound", max, what);
	*seen = true;
}

/* Sends a query of the walk; false when it cannot go (a cap, memory). */
static bool
ask(struct lint_walk *w, const char *name, enum dns_type t, DNS_CB(cb),
    void *arg)
{
	if (w->nqueries == SPF_LINT_QUERIES_MAX) {
		walk_limit(w, &w->qcapped, "query-limit", "DNS queries",
		    SPF_LINT_QUERIES_MAX);
		return false;
	}
	if (dns_submit(w->r, w->a, name, t, cb, arg) != DW_OK) {
		w->nomem = true;
		return false;
	}
	w->nqueries++;
	w->pending++;
	return true;
}

static void finish(struct lint_walk *w);

/* One answer fewer to wait for; the end of the walk at the last. */
static void
settle(struct lint_walk *w)
{
	if (--w->pending == 0)
		finish(w);
}

static bool
has_macro(const char *s)
{
	return s != NULL && strchr(s, '%') != NULL;
}

static bool
is_redirect(const char *via)
{
	return via != NULL && strncasecmp(via, "redirect", 8) == 0;
}

/* The one SPF record of a TXT answer, with size findings; NULL if none. */
static const struct dns_rr *
pick(struct lint_walk *w, struct lnode *n, enum dw_err err,
    const struct dns_answer *ans)
{
	const char *dom = n->pub.domain;
	const struct dns_rr *rec = NULL;
	size_t i, count = 0;

	if (ans != NULL)
		n->pub.sec = ans->sec;
	if (err != DW_OK && err != DW_EDNS_PERM && err != DW_EDNS_TEMP) {
		w->nomem = true;	/* a local failure, not an answer */
		return NULL;
	}
	if (err != DW_OK) {
		n->pub.status = err == DW_EDNS_PERM ? "no such domain" :
		    "DNS failure";
		add(w, n, -1, SPF_LINT_ERROR, err == DW_EDNS_PERM ?
		    "nxdomain" : "dns-failure", dom, "TXT lookup: %s%s%s%s%s",
		    dw_strerror(err), ans != NULL && ans->why != NULL ? " (" :
		    "", ans != NULL && ans->why != NULL ? ans->why : "",
		    ans != NULL && ans->why != NULL ? ")" : "",
		    n->pub.via != NULL ? " (the mechanism gives permerror "
		    "or temperror)" : "");
		return NULL;
	}
	for (i = 0; i < ans->n; i++) {
		const struct dns_rr *rr = &ans->rr[i];

		if (!spf_is_spf1(rr->u.txt.data, rr->u.txt.len))
			continue;
		rec = rr;
		count++;
		if (rr->u.txt.longest > DNS_TXT_STRING_MAX)
			add(w, n, -1, SPF_LINT_ERROR, "string-too-long", dom,
			    "a TXT string of %zu bytes; one string holds at "
			    "most 255: split it into several strings",
			    rr->u.txt.longest);
	}
	if (count > 0 && ans->wire_len > DNS_UDP_CLASSIC)
		add(w, n, -1, SPF_LINT_WARN, "answer-too-big", dom,
		    "the TXT answer is %zu bytes, over 512: receivers "
		    "without EDNS must retry over TCP", ans->wire_len);
	if (count > 1) {
		n->pub.status = "several SPF records";
		add(w, n, -1, SPF_LINT_ERROR, "multiple-records", dom,
		    "%zu SPF records: permerror (RFC 7208 section 4.5); "
		    "merge them into one", count);
		return NULL;
	}
	if (count == 0) {
		n->pub.status = "no record";
		add(w, n, -1, n->pub.via != NULL ? SPF_LINT_ERROR :
		    SPF_LINT_WARN, "no-record", dom, "no SPF record%s",
		    n->pub.via != NULL ? ": the reference gives permerror" :
		    "");
	}
	return rec;
}

static void
probe_done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct probe *p = arg;
	struct lint_walk *w = p->n->w;

	if (err != DW_OK && err != DW_EDNS_PERM && err != DW_EDNS_TEMP)
		w->nomem = true;	/* a local failure, not an answer */
	if (p->t->kind == SPF_MX && err == DW_OK &&
	    ans->n > SPF_MAX_MX_NAMES)
		add(w, p->n, p->term, SPF_LINT_ERROR, "mx-limit",
		    p->n->pub.domain, "%s: %zu MX names, over 10: permerror "
		    "for hosts not in the first 10 (RFC 7208 section 4.6.4)",
		    p->t->text, ans->n);
	if (!(err == DW_EDNS_PERM || (err == DW_OK && ans->n == 0)))
		p->empty = false;
	if (--p->left == 0 && p->empty && !p->partial) {
		p->n->pub.voids++;
		w->out->voids++;
		add(w, p->n, p->term, SPF_LINT_WARN, "void-lookup",
		    p->n->pub.domain, "%s: the name has no addresses (a void "
		    "lookup; more than 2 give permerror)", p->t->text);
	}
	settle(w);
}

/* Asks whether an a or mx term names nothing (a void lookup). */
static void
probe(struct lint_walk *w, struct lnode *n, int term,
    const struct spf_term *t)
{
	const char *name = t->spec != NULL ? t->spec : n->pub.domain;
	struct probe *p;

	if (has_macro(t->spec))
		return;
	p = arena_zalloc(w->a, sizeof(*p));
	if (p == NULL) {
		w->nomem = true;
		return;
	}
	p->n = n;
	p->t = t;
	p->term = term;
	p->empty = true;
	/* both queries are counted before either can answer */
	p->left = t->kind == SPF_MX ? 1 : 2;
	if (!ask(w, name, t->kind == SPF_MX ? DNS_T_MX : DNS_T_A, probe_done,
	    p)) {
		p->left--;
		p->partial = true;
	}
	if (t->kind != SPF_MX && !ask(w, name, DNS_T_AAAA, probe_done, p)) {
		p->left--;
		p->partial = true;
	}
}

static void
wide_range(struct lint_walk *w, struct lnode *n, int term,
    const struct spf_term *t)
{
	bool v6 = t->kind == SPF_IP6;
	int bits = v6 ? (t->cidr6 < 0 ? 128 : t->cidr6) :
	    (t->cidr4 < 0 ? 32 : t->cidr4);

	n->pub.nranges++;
	if (!v6 && bits < 8)
		add(w, n, term, SPF_LINT_WARN, "wide-range", n->pub.domain,
		    "%s allows %s addresses", t->text,
		    bits == 0 ? "all IPv4" : "millions of");
	else if (v6 && bits < 16)
		add(w, n, term, SPF_LINT_WARN, "wide-range", n->pub.domain,
		    "%s allows a huge part of IPv6", t->text);
}

static void txt_done(void *arg, enum dw_err err,
    const struct dns_answer *ans);

static bool
in_chain(const struct lnode *n, const char *domain)
{
	for (; n != NULL; n = n->parent)
		if (strcasecmp(n->pub.domain, domain) == 0)
			return true;
	return false;
}

/* A record node for domain, reached from parent's term slot via via; its
 * TXT is asked unless it loops, nests too deep or a cap is hit. */
static struct lnode *
node(struct lint_walk *w, struct lnode *parent, int slot, const char *domain,
    const char *via)
{
	struct lnode *n = arena_zalloc(w->a, sizeof(*n));

	if (n == NULL) {
		w->nomem = true;
		return NULL;
	}
	n->w = w;
	n->parent = parent;
	n->slot = slot;
	n->depth = parent != NULL ? parent->depth + 1 : 1;
	n->top = parent == NULL || (is_redirect(via) && parent->top);
	n->pub.domain = domain;
	n->pub.via = via;
	n->pub.status = "ok";
	n->pub.flat = true;
	if (in_chain(parent, domain)) {
		n->pub.status = "loop";
		add(w, n, -1, SPF_LINT_ERROR, "loop", domain, "%s comes back "
		    "to a record already being evaluated: permerror", via);
	} else if (n->depth > SPF_LINT_DEPTH_MAX) {
		n->pub.status = "too deep";
		add(w, n, -1, SPF_LINT_ERROR, "too-deep", domain, "%s: "
		    "includes and redirects nested more than %d deep: the "
		    "lookup limit makes it permerror", via,
		    SPF_LINT_DEPTH_MAX);
	} else if (w->nrecords == SPF_LINT_RECORDS_MAX) {
		n->pub.status = "not checked";
		walk_limit(w, &w->rcapped, "record-limit", "records",
		    SPF_LINT_RECORDS_MAX);
	} else {
		w->nrecords++;
		if (!ask(w, domain, DNS_T_TXT, txt_done, n))
			n->pub.status = "not checked";
	}
	return n;
}

/* An include or redirect: a child node in parent's kids, in term order. */
static void
child(struct lint_walk *w, struct lnode *n, int slot,
    const struct spf_term *t)
{
	struct spf_lint_node **kids;
	struct lnode *k;

	if (t->spec == NULL || has_macro(t->spec)) {
		n->pub.flat = false;
		return;
	}
	k = node(w, n, slot, t->spec, t->text);
	if (k == NULL)
		return;
	kids = arena_realloc(w->a, n->pub.kids, n->pub.nkids * sizeof(*kids),
	    (n->pub.nkids + 1) * sizeof(*kids));
	if (kids == NULL) {
		w->nomem = true;
		return;
	}
	n->pub.kids = kids;
	n->pub.kids[n->pub.nkids++] = &k->pub;
}

static void
all_policy(struct lint_walk *w, struct lnode *n, int term,
    const struct spf_term *t)
{
	static const char *const q[] = {
		[SPF_PASS] = "+all", [SPF_FAIL] = "-all",
		[SPF_SOFTFAIL] = "~all", [SPF_NEUTRAL] = "?all",
	};
	const char *dom = n->pub.domain;

	if (!n->top)
		return;		/* an included record's all is its own */
	w->out->all = q[t->qual];
	if (t->qual == SPF_PASS)
		add(w, n, term, SPF_LINT_ERROR, "pass-all", dom,
		    "+all lets any host on the internet pass SPF");
	else if (t->qual == SPF_NEUTRAL)
		add(w, n, term, SPF_LINT_WARN, "neutral-all", dom,
		    "?all says nothing about other hosts; use -all or ~all");
	else if (t->qual == SPF_SOFTFAIL)
		add(w, n, term, SPF_LINT_INFO, "softfail-all", dom,
		    "~all: other hosts soft-fail; -all once every sender "
		    "is listed");
}

static void
terms(struct lint_walk *w, struct lnode *n, const struct spf_record *rec)
{
	int end = (int)rec->nterms;
	bool all = false;
	int i;

	for (i = 0; i < end && !w->nomem; i++) {
		const struct spf_term *t = &rec->terms[i];

		if (spf_kind_queries(t->kind))
			n->pub.own++;
		switch (t->kind) {
		case SPF_A:
		case SPF_MX:
			n->pub.flat = false;
			probe(w, n, i, t);
			break;
		case SPF_PTR:
			n->pub.flat = false;
			add(w, n, i, SPF_LINT_WARN, "ptr", n->pub.domain,
			    "%s: ptr is deprecated (RFC 7208 section 5.5: "
			    "SHOULD NOT be used); list the addresses instead",
			    t->text);
			break;
		case SPF_EXISTS:
			n->pub.flat = false;
			break;
		case SPF_IP4:
		case SPF_IP6:
			wide_range(w, n, i, t);
			break;
		case SPF_ALL:
			all = true;
			all_policy(w, n, i, t);
			break;
		case SPF_INCLUDE:
			child(w, n, i, t);
			break;
		default:
			break;
		}
	}
	if (rec->redirect != NULL && all)
		add(w, n, end, SPF_LINT_INFO, "redirect-ignored",
		    n->pub.domain, "redirect= is never used when the record "
		    "has all");
	else if (rec->redirect != NULL)
		child(w, n, end, rec->redirect);
	else if (!all && n->top)
		add(w, n, end, SPF_LINT_WARN, "no-all", n->pub.domain,
		    "no all mechanism: hosts not listed get neutral; end "
		    "the record with -all or ~all");
}

static void
txt_done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct lnode *n = arg;
	struct lint_walk *w = n->w;
	const struct dns_rr *rr = w->nomem ? NULL : pick(w, n, err, ans);
	struct spf_record *rec;
	size_t i;

	if (rr == NULL)
		goto out;
	n->pub.record = rr->u.txt.data;
	if (spf_parse(w->a, rr->u.txt.data, rr->u.txt.len, &rec) != DW_OK) {
		w->nomem = true;
		goto out;
	}
	for (i = 0; i < rec->nfindings; i++)
		add(w, n, -1, SPF_LINT_ERROR, "syntax", n->pub.domain,
		    "at byte %zu: %s (permerror)", rec->findings[i].off,
		    rec->findings[i].msg);
	if (!rec->valid) {
		n->pub.status = "invalid";
		goto out;
	}
	n->rec = rec;
	terms(w, n, rec);
out:
	settle(w);
}

/* ---- the end of the walk: counts, order, overlaps, suggestion ---- */

static void
aggregate(struct spf_lint_node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		aggregate(n->kids[i]);
		n->lookups += n->kids[i]->lookups;
		n->nranges += n->kids[i]->nranges;
		n->flat = n->flat && n->kids[i]->flat;
	}
	n->lookups += n->own;
}

static void
emit(struct lint_walk *w, const struct lfind *f)
{
	struct spf_lint *o = w->out;

	w->nfound++;
	if (o->nfindings < SPF_LINT_FINDINGS_MAX)
		o->findings[o->nfindings++] = f->f;
}

static void
emit_term(struct lint_walk *w, const struct lnode *n, int term)
{
	const struct lfind *f;

	for (f = n->finds; f != NULL; f = f->next)
		if (f->term == term)
			emit(w, f);
}

static void
push_range(struct lint_walk *w, const struct lnode *n,
    const struct spf_term *t)
{
	struct range *r;

	if (w->nranges == SPF_LINT_RANGES_MAX) {
		if (!w->ncapped)
			add(w, NULL, 0, SPF_LINT_INFO, "range-limit",
			    w->out->domain, "only the first %d ip4/ip6 ranges "
			    "are compared for overlaps", SPF_LINT_RANGES_MAX);
		w->ncapped = true;
		return;
	}
	if (w->nranges == w->rcap) {
		size_t ncap = w->rcap ? w->rcap * 2 : 64;

		r = arena_realloc(w->a, w->ranges, w->rcap * sizeof(*r),
		    ncap * sizeof(*r));
		if (r == NULL) {
			w->nomem = true;
			return;
		}
		w->ranges = r;
		w->rcap = ncap;
	}
	r = &w->ranges[w->nranges++];
	memcpy(r->addr, t->addr, 16);
	r->v6 = t->kind == SPF_IP6;
	r->bits = r->v6 ? (t->cidr6 < 0 ? 128 : t->cidr6) :
	    (t->cidr4 < 0 ? 32 : t->cidr4);
	r->domain = n->pub.domain;
	r->text = t->text;
}

/* Depth-first in term order: the record's findings and ranges, each
 * include where its term stands, the redirect last. */
static void
read_out(struct lint_walk *w, const struct lnode *n)
{
	int end = n->rec != NULL ? (int)n->rec->nterms : 0, i;
	size_t k = 0;

	emit_term(w, n, -1);
	for (i = 0; i <= end; i++) {
		const struct spf_term *t = i < end ? &n->rec->terms[i] : NULL;

		emit_term(w, n, i);
		if (t != NULL && (t->kind == SPF_IP4 || t->kind == SPF_IP6))
			push_range(w, n, t);
		while (k < n->pub.nkids &&
		    ((const struct lnode *)n->pub.kids[k])->slot == i)
			read_out(w, (const struct lnode *)n->pub.kids[k++]);
	}
}

static bool
contains(const struct range *big, const struct range *small)
{
	int full, rest;

	if (big->v6 != small->v6 || big->bits > small->bits)
		return false;
	full = big->bits / 8;
	rest = big->bits % 8;
	if (memcmp(big->addr, small->addr, (size_t)full) != 0)
		return false;
	return rest == 0 || ((big->addr[full] ^ small->addr[full]) &
	    (uint8_t)(0xff << (8 - rest))) == 0;
}

static void
overlaps(struct lint_walk *w)
{
	size_t i, j, reported = 0;

	for (i = 0; i < w->nranges; i++) {
		for (j = i + 1; j < w->nranges; j++) {
			const struct range *x = &w->ranges[i];
			const struct range *y = &w->ranges[j];

			if (!contains(x, y) && !contains(y, x))
				continue;
			if (reported++ == SPF_LINT_OVERLAPS_MAX) {
				add(w, NULL, 0, SPF_LINT_INFO,
				    "overlap-limit", w->out->domain, "more "
				    "overlapping ranges than the %d listed",
				    SPF_LINT_OVERLAPS_MAX);
				return;
			}
			add(w, NULL, 0, SPF_LINT_INFO, x->bits == y->bits ?
			    "duplicate-range" : "overlapping-range",
			    y->domain, "%s (%s) %s %s (%s)", y->text,
			    y->domain, x->bits == y->bits ? "repeats" :
			    contains(x, y) ? "lies inside" : "covers",
			    x->text, x->domain);
		}
	}
}

#define SUGGEST_MAX	8

/* Flattenable includes, biggest first, none inside another. */
static size_t
candidates(struct spf_lint_node *n, struct spf_lint_node **c, size_t nc)
{
	size_t i, j;

	for (i = 0; i < n->nkids; i++) {
		struct spf_lint_node *k = n->kids[i];

		if (k->via != NULL && strncasecmp(k->via, "include", 7) == 0 &&
		    k->flat && k->record != NULL && k->lookups > 0) {
			for (j = nc; j > 0 && c[j - 1]->lookups < k->lookups;
			    j--)
				if (j < SUGGEST_MAX)
					c[j] = c[j - 1];
			if (j < SUGGEST_MAX) {
				c[j] = k;
				if (nc < SUGGEST_MAX)
					nc++;
			}
		} else {
			nc = candidates(k, c, nc);
		}
	}
	return nc;
}

static void
suggest(struct lint_walk *w)
{
	struct spf_lint_node *c[SUGGEST_MAX];
	unsigned over = w->out->lookups - SPF_MAX_DNS_MECH, saved = 0;
	char buf[1024];
	size_t i, nc, o;

	nc = candidates(w->out->root, c, 0);
	o = (size_t)snprintf(buf, sizeof(buf), "%u DNS-querying terms, %u "
	    "over the limit of 10.", w->out->lookups, over);
	for (i = 0; i < nc && saved < over && o < sizeof(buf); i++) {
		o += (size_t)snprintf(buf + o, sizeof(buf) - o,
		    "%s replace %s (%u lookups) by its %u ip4/ip6 ranges",
		    i == 0 ? "" : ";", c[i]->via, c[i]->lookups + 1,
		    c[i]->nranges);
		saved += c[i]->lookups + 1;
	}
	if (saved < over && o < sizeof(buf))
		snprintf(buf + o, sizeof(buf) - o, "%s replace a and mx "
		    "mechanisms by the addresses they name, drop ptr, or ask "
		    "the senders with the largest branches for a smaller "
		    "record", nc > 0 ? "; then" : "");
	w->out->suggestion = arena_strdup(w->a, buf);
	add(w, NULL, 0, SPF_LINT_ERROR, "lookup-limit", w->out->domain, "%s",
	    buf);
}

static void
finish(struct lint_walk *w)
{
	struct spf_lint *o = w->out;
	struct spf_lint_finding *last;
	const struct lfind *f;

	/* one slot more: the note of how many were left out */
	o->findings = arena_alloc(w->a, (SPF_LINT_FINDINGS_MAX + 1) *
	    sizeof(*o->findings));
	if (o->findings == NULL)
		w->nomem = true;
	for (f = w->notes; f != NULL && !w->nomem; f = f->next)
		emit(w, f);
	if (w->root != NULL && !w->nomem) {
		o->root = &w->root->pub;
		aggregate(o->root);
		o->lookups = o->root->lookups;
		read_out(w, w->root);
		overlaps(w);
		if (o->voids > SPF_MAX_VOID_LOOKUPS)
			add(w, NULL, 0, SPF_LINT_ERROR, "void-limit",
			    o->domain, "%u void lookups, over the limit of 2: "
			    "permerror for senders matched after them",
			    o->voids);
		if (o->lookups > SPF_MAX_DNS_MECH)
			suggest(w);
	}
	for (f = w->late; f != NULL && !w->nomem; f = f->next)
		emit(w, f);
	if (!w->nomem && w->nfound > o->nfindings) {
		last = &o->findings[o->nfindings++];
		last->sev = SPF_LINT_INFO;
		last->code = "findings-limit";
		last->domain = o->domain;
		last->msg = arena_strdup(w->a, "more findings than the 256 "
		    "listed");
		if (last->msg == NULL)
			w->nomem = true;
	}
	w->done(w->arg, w->nomem ? NULL : o, w->nomem ? DW_ENOMEM : DW_OK);
}

enum dw_err
spf_lint_start(struct arena *a, struct dns_resolver *r, const char *domain,
    void (*done)(void *, struct spf_lint *, enum dw_err), void *arg)
{
	struct lint_walk *w = arena_zalloc(a, sizeof(*w));
	char name[DNS_NAME_MAX + 2];

	if (w == NULL)
		return DW_ENOMEM;
	w->a = a;
	w->r = r;
	w->done = done;
	w->arg = arg;
	w->out = arena_zalloc(a, sizeof(*w->out));
	if (w->out == NULL)
		return DW_ENOMEM;
	w->pending = 1;		/* this function's own hold on the walk */
	if (dns_name_norm(domain, name, sizeof(name)) != DW_OK) {
		w->out->domain = arena_strdup(a, domain);
		add(w, NULL, 0, SPF_LINT_ERROR, "bad-domain", domain,
		    "not a valid domain name");
	} else {
		w->out->domain = arena_strdup(a, name);
		if (w->out->domain == NULL)
			return DW_ENOMEM;
		w->root = node(w, NULL, 0, w->out->domain, NULL);
	}
	settle(w);	/* the end now if nothing was asked */
	return DW_OK;
}

struct lint_sync {
	bool		 done;
	struct spf_lint	*l;
	enum dw_err	 err;
};

static void
sync_done(void *arg, struct spf_lint *l, enum dw_err err)
{
	struct lint_sync *s = arg;

	s->done = true;
	s->l = l;
	s->err = err;
}

enum dw_err
spf_lint(struct arena *a, struct dns_resolver *r, const char *domain,
    struct spf_lint **out)
{
	struct lint_sync s = { false, NULL, DW_OK };
	enum dw_err err;

	*out = NULL;
	err = spf_lint_start(a, r, domain, sync_done, &s);
	if (err != DW_OK)
		return err;
	if (!s.done) {
		err = dns_wait(r);
		if (err != DW_OK)
			return err;
	}
	if (!s.done)
		return DW_EINVAL;	/* an answer lost by the resolver */
	*out = s.l;
	return s.err;
}
