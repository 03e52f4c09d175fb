/* spf_lint.c: walks the include/redirect tree and reports findings. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "spf_eval.h"
#include "spf_lint.h"

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
	size_t			 fcap;		/* findings allocated */
	struct range		*ranges;
	size_t			 nranges;
	size_t			 rcap;		/* ranges allocated */
	const char		*stack[SPF_LINT_DEPTH_MAX + 1];
	size_t			 depth;
	bool			 nomem;
};

static const char *const sev_names[] = { "info", "warning", "error" };

const char *
spf_lint_sev_name(enum spf_lint_sev s)
{
	return (size_t)s < 3 ? sev_names[s] : "?";
}

/*
 * Makes room for one more element in the arena array *arr of *cap
 * elements (n in use, at most max): doubles it, from 16.  False when the
 * arena cannot (w->nomem is set).
 */
static bool
room(struct lint_walk *w, void **arr, size_t *cap, size_t n, size_t elem,
    size_t max)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return true;
	ncap = *cap == 0 ? 16 : *cap * 2;
	if (ncap > max)
		ncap = max;
	p = arena_realloc(w->a, *arr, *cap * elem, ncap * elem);
	if (p == NULL) {
		w->nomem = true;
		return false;
	}
	*arr = p;
	*cap = ncap;
	return true;
}

static void add(struct lint_walk *, enum spf_lint_sev, const char *,
    const char *, const char *, ...) __attribute__((format(printf, 5, 6)));

static void
add(struct lint_walk *w, enum spf_lint_sev sev, const char *code,
    const char *domain, const char *fmt, ...)
{
	struct spf_lint *o = w->out;
	struct spf_lint_finding *f;
	char msg[512];
	va_list ap;

	if (o->nfindings == SPF_LINT_FINDINGS_MAX ||
	    !room(w, (void **)&o->findings, &w->fcap, o->nfindings,
	    sizeof(*o->findings), SPF_LINT_FINDINGS_MAX))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f = &o->findings[o->nfindings++];
	f->sev = sev;
	f->code = code;
	f->domain = arena_strdup(w->a, domain);
	f->msg = arena_strdup(w->a, msg);
	if (f->domain == NULL || f->msg == NULL)
		w->nomem = true;
}

/* TXT of domain: the one SPF record, with size findings. */
/* dns_query() that notes a local allocation failure in w. */
static enum dw_err
query(struct lint_walk *w, const char *name, enum dns_type type,
    const struct dns_answer **ans)
{
	enum dw_err err = dns_query(w->r, w->a, name, type, ans);

	if (err == DW_ENOMEM)
		w->nomem = true;
	return err;
}

static const struct dns_rr *
fetch(struct lint_walk *w, struct spf_lint_node *n)
{
	const struct dns_answer *ans;
	const struct dns_rr *rec = NULL;
	enum dw_err err;
	size_t i, count = 0;

	err = query(w, n->domain, DNS_T_TXT, &ans);
	if (err != DW_OK) {
		n->status = err == DW_EDNS_PERM ? "no such domain" :
		    "DNS failure";
		add(w, SPF_LINT_ERROR, err == DW_EDNS_PERM ? "nxdomain" :
		    "dns-failure", n->domain, "TXT lookup: %s%s",
		    dw_strerror(err), n->via != NULL ?
		    " (the mechanism gives permerror or temperror)" : "");
		return NULL;
	}
	for (i = 0; i < ans->n; i++) {
		const struct dns_rr *rr = &ans->rr[i];

		if (!spf_is_spf1(rr->u.txt.data, rr->u.txt.len))
			continue;
		rec = rr;
		count++;
		if (rr->u.txt.longest > DNS_TXT_STRING_MAX)
			add(w, SPF_LINT_ERROR, "string-too-long", n->domain,
			    "a TXT string of %zu bytes; one string holds at "
			    "most 255: split it into several strings",
			    rr->u.txt.longest);
	}
	if (count > 0 && ans->wire_len > DNS_UDP_CLASSIC)
		add(w, SPF_LINT_WARN, "answer-too-big", n->domain,
		    "the TXT answer is %zu bytes, over 512: receivers "
		    "without EDNS must retry over TCP", ans->wire_len);
	if (count > 1) {
		n->status = "several SPF records";
		add(w, SPF_LINT_ERROR, "multiple-records", n->domain,
		    "%zu SPF records: permerror (RFC 7208 section 4.5); "
		    "merge them into one", count);
		return NULL;
	}
	if (count == 0) {
		n->status = "no record";
		add(w, n->via != NULL ? SPF_LINT_ERROR : SPF_LINT_WARN,
		    "no-record", n->domain, "no SPF record%s",
		    n->via != NULL ? ": the reference gives permerror" : "");
	}
	return rec;
}

static bool
has_macro(const char *s)
{
	return s != NULL && strchr(s, '%') != NULL;
}

/* Counts a void lookup for a or mx (NXDOMAIN or no data). */
static void
probe(struct lint_walk *w, struct spf_lint_node *n, const struct spf_term *t)
{
	const char *name = t->spec != NULL ? t->spec : n->domain;
	const struct dns_answer *ans, *ans6;
	enum dw_err err, err6;

	if (has_macro(t->spec))
		return;
	if (t->kind == SPF_MX) {
		err = query(w, name, DNS_T_MX, &ans);
		if (err == DW_OK && ans->n > SPF_MAX_MX_NAMES)
			add(w, SPF_LINT_ERROR, "mx-limit", n->domain,
			    "%s: %zu MX names, over 10: permerror for "
			    "hosts not in the first 10 (RFC 7208 section "
			    "4.6.4)", t->text, ans->n);
		if (!(err == DW_EDNS_PERM || (err == DW_OK && ans->n == 0)))
			return;
	} else {
		err = query(w, name, DNS_T_A, &ans);
		err6 = query(w, name, DNS_T_AAAA, &ans6);
		if (!(err == DW_EDNS_PERM || (err == DW_OK && ans->n == 0)) ||
		    !(err6 == DW_EDNS_PERM || (err6 == DW_OK &&
		    ans6->n == 0)))
			return;
	}
	n->voids++;
	w->out->voids++;
	add(w, SPF_LINT_WARN, "void-lookup", n->domain,
	    "%s: the name has no addresses (a void lookup; more than 2 "
	    "give permerror)", t->text);
}

static void
range(struct lint_walk *w, struct spf_lint_node *n, const struct spf_term *t)
{
	struct range *r;

	n->nranges++;
	if (w->nranges == SPF_LINT_RANGES_MAX ||
	    !room(w, (void **)&w->ranges, &w->rcap, w->nranges,
	    sizeof(*w->ranges), SPF_LINT_RANGES_MAX))
		return;
	r = &w->ranges[w->nranges++];
	memcpy(r->addr, t->addr, 16);
	r->v6 = t->kind == SPF_IP6;
	r->bits = r->v6 ? (t->cidr6 < 0 ? 128 : t->cidr6) :
	    (t->cidr4 < 0 ? 32 : t->cidr4);
	r->domain = n->domain;
	r->text = t->text;
	if (!r->v6 && r->bits < 8)
		add(w, SPF_LINT_WARN, "wide-range", n->domain,
		    "%s allows %s addresses", t->text,
		    r->bits == 0 ? "all IPv4" : "millions of");
	else if (r->v6 && r->bits < 16)
		add(w, SPF_LINT_WARN, "wide-range", n->domain,
		    "%s allows a huge part of IPv6", t->text);
}

static struct spf_lint_node *walk(struct lint_walk *w, const char *domain,
    const char *via);

static void
child(struct lint_walk *w, struct spf_lint_node *n, const struct spf_term *t)
{
	struct spf_lint_node *k, **kids;

	if (t->spec == NULL || has_macro(t->spec)) {
		n->flat = false;
		return;
	}
	k = walk(w, t->spec, t->text);
	if (k == NULL)
		return;
	kids = arena_realloc(w->a, n->kids, n->nkids * sizeof(*kids),
	    (n->nkids + 1) * sizeof(*kids));
	if (kids == NULL) {
		w->nomem = true;
		return;
	}
	n->kids = kids;
	n->kids[n->nkids++] = k;
	n->lookups += k->lookups;
	n->nranges += k->nranges;
	n->flat = n->flat && k->flat;
}

static void
all_policy(struct lint_walk *w, struct spf_lint_node *n,
    const struct spf_term *t)
{
	static const char *const q[] = {
		[SPF_PASS] = "+all", [SPF_FAIL] = "-all",
		[SPF_SOFTFAIL] = "~all", [SPF_NEUTRAL] = "?all",
	};

	if (w->depth != 1 && (n->via == NULL || strncasecmp(n->via,
	    "redirect", 8) != 0))
		return;		/* an included record's all is its own */
	w->out->all = q[t->qual];
	if (t->qual == SPF_PASS)
		add(w, SPF_LINT_ERROR, "pass-all", n->domain,
		    "+all lets any host on the internet pass SPF");
	else if (t->qual == SPF_NEUTRAL)
		add(w, SPF_LINT_WARN, "neutral-all", n->domain,
		    "?all says nothing about other hosts; use -all or ~all");
	else if (t->qual == SPF_SOFTFAIL)
		add(w, SPF_LINT_INFO, "softfail-all", n->domain,
		    "~all: other hosts soft-fail; -all once every sender "
		    "is listed");
}

static void
terms(struct lint_walk *w, struct spf_lint_node *n,
    const struct spf_record *rec)
{
	bool all = false;
	size_t i;

	for (i = 0; i < rec->nterms && !w->nomem; i++) {
		const struct spf_term *t = &rec->terms[i];

		if (spf_kind_queries(t->kind))
			n->own++;
		switch (t->kind) {
		case SPF_A:
		case SPF_MX:
			n->flat = false;
			probe(w, n, t);
			break;
		case SPF_PTR:
			n->flat = false;
			add(w, SPF_LINT_WARN, "ptr", n->domain, "%s: ptr is "
			    "deprecated (RFC 7208 section 5.5: SHOULD NOT be "
			    "used); list the addresses instead", t->text);
			break;
		case SPF_EXISTS:
			n->flat = false;
			break;
		case SPF_IP4:
		case SPF_IP6:
			range(w, n, t);
			break;
		case SPF_ALL:
			all = true;
			all_policy(w, n, t);
			break;
		case SPF_INCLUDE:
			child(w, n, t);
			break;
		default:
			break;
		}
	}
	if (rec->redirect != NULL && all)
		add(w, SPF_LINT_INFO, "redirect-ignored", n->domain,
		    "redirect= is never used when the record has all");
	else if (rec->redirect != NULL)
		child(w, n, rec->redirect);
	else if (!all && (w->depth == 1 || (n->via != NULL &&
	    strncasecmp(n->via, "redirect", 8) == 0)))
		add(w, SPF_LINT_WARN, "no-all", n->domain,
		    "no all mechanism: hosts not listed get neutral; end "
		    "the record with -all or ~all");
}

static bool
in_stack(const struct lint_walk *w, const char *domain)
{
	size_t i;

	for (i = 0; i < w->depth; i++)
		if (strcasecmp(w->stack[i], domain) == 0)
			return true;
	return false;
}

static struct spf_lint_node *
walk(struct lint_walk *w, const char *domain, const char *via)
{
	struct spf_lint_node *n = arena_zalloc(w->a, sizeof(*n));
	const struct dns_rr *rr;
	struct spf_record *rec;
	size_t i;

	if (n == NULL) {
		w->nomem = true;
		return NULL;
	}
	n->domain = domain;
	n->via = via;
	n->status = "ok";
	n->flat = true;
	if (in_stack(w, domain) || w->depth == SPF_LINT_DEPTH_MAX) {
		n->status = "loop";
		add(w, SPF_LINT_ERROR, "loop", domain, "%s comes back to a "
		    "record already being evaluated: permerror", via);
		return n;
	}
	rr = fetch(w, n);
	if (rr == NULL)
		return n;
	n->record = rr->u.txt.data;
	if (spf_parse(w->a, rr->u.txt.data, rr->u.txt.len, &rec) != DW_OK) {
		w->nomem = true;
		return n;
	}
	for (i = 0; i < rec->nfindings; i++)
		add(w, SPF_LINT_ERROR, "syntax", domain,
		    "at byte %zu: %s (permerror)", rec->findings[i].off,
		    rec->findings[i].msg);
	if (!rec->valid) {
		n->status = "invalid";
		return n;
	}
	w->stack[w->depth++] = domain;
	terms(w, n, rec);
	w->depth--;
	n->lookups += n->own;
	return n;
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

	for (i = 0; i < w->nranges && reported < 32; i++) {
		for (j = i + 1; j < w->nranges && reported < 32; j++) {
			const struct range *x = &w->ranges[i];
			const struct range *y = &w->ranges[j];

			if (!contains(x, y) && !contains(y, x))
				continue;
			reported++;
			add(w, SPF_LINT_INFO, x->bits == y->bits ?
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
	add(w, SPF_LINT_ERROR, "lookup-limit", w->out->domain, "%s",
	    buf);
}

enum dw_err
spf_lint(struct arena *a, struct dns_resolver *r, const char *domain,
    struct spf_lint **out)
{
	struct lint_walk w;
	char name[DNS_NAME_MAX + 2];

	memset(&w, 0, sizeof(w));
	w.a = a;
	w.r = r;
	w.out = arena_zalloc(a, sizeof(*w.out));
	if (w.out == NULL)
		return DW_ENOMEM;
	*out = w.out;
	if (dns_name_norm(domain, name, sizeof(name)) != DW_OK) {
		w.out->domain = arena_strdup(a, domain);
		add(&w, SPF_LINT_ERROR, "bad-domain", domain,
		    "not a valid domain name");
		return w.nomem ? DW_ENOMEM : DW_OK;
	}
	w.out->domain = arena_strdup(a, name);
	if (w.out->domain == NULL)
		return DW_ENOMEM;
	w.out->root = walk(&w, w.out->domain, NULL);
	if (w.out->root != NULL)
		w.out->lookups = w.out->root->lookups;
	overlaps(&w);
	if (w.out->voids > SPF_MAX_VOID_LOOKUPS)
		add(&w, SPF_LINT_ERROR, "void-limit", w.out->domain,
		    "%u void lookups, over the limit of 2: permerror for "
		    "senders matched after them", w.out->voids);
	if (w.out->lookups > SPF_MAX_DNS_MECH)
		suggest(&w);
	return w.nomem ? DW_ENOMEM : DW_OK;
}
