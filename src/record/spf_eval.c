/* spf_eval.c: check_host() (RFC 7208 §4, §5, §6, §7). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/mono.h"
#include "spf_eval.h"

#define SPF_BUF_MAX	SPF_MACRO_OUT_MAX

/* The outcome of one mechanism. */
enum mres { M_NOMATCH, M_MATCH, M_TEMP, M_PERM };

struct ev {
	struct arena		*a;
	struct dns_resolver	*r;
	const struct spf_query	*q;
	struct spf_outcome	*out;
	uint8_t			 ip[16];
	bool			 v6;
	const char		*sender, *local, *sender_dom, *helo;
	unsigned		 depth;
	const char		*cur;		/* domain being checked */
	const char		*pname;		/* cached %{p} */
	double			 deadline;	/* of the time budget */
	size_t			 tcap;
	bool			 nomem;
};

bool
spf_ip_parse(const char *s, uint8_t out[16], bool *v6)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	uint8_t b[16];

	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*v6 = false;
		return true;
	}
	if (inet_pton(AF_INET6, s, b) != 1)
		return false;
	if (memcmp(b, mapped, 12) == 0) {
		memcpy(out, b + 12, 4);
		*v6 = false;
	} else {
		memcpy(out, b, 16);
		*v6 = true;
	}
	return true;
}

static void ev_trace(struct ev *, enum spf_ev_kind, const char *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
ev_trace(struct ev *e, enum spf_ev_kind k, const char *text,
    const char *fmt, ...)
{
	struct spf_outcome *o = e->out;
	struct spf_event *t;
	char note[512];
	va_list ap;

	if (!e->q->trace || o->ntrace == SPF_TRACE_MAX)
		return;
	if (o->ntrace == e->tcap) {
		size_t n = e->tcap ? e->tcap * 2 : 32;

		t = arena_alloc(e->a, n * sizeof(*t));
		if (t == NULL) {
			e->nomem = true;
			return;
		}
		if (o->ntrace > 0)
			memcpy(t, o->trace, o->ntrace * sizeof(*t));
		o->trace = t;
		e->tcap = n;
	}
	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
	t = &o->trace[o->ntrace++];
	t->kind = k;
	t->depth = e->depth;
	t->domain = e->cur;
	t->text = arena_strdup(e->a, text != NULL ? text : "");
	t->note = arena_strdup(e->a, note);
	t->dns_terms = o->dns_terms;
	t->voids = o->voids;
	if (t->text == NULL || t->note == NULL)
		e->nomem = true;
}

/* Records why the check ends in an error; returns that result. */
static enum spf_result
fail_with(struct ev *e, enum spf_result r, const char *text,
    const char *why)
{
	if (e->out->problem == NULL)
		e->out->problem = arena_strdup(e->a, why);
	ev_trace(e, SPF_EV_ERROR, text, "%s: %s", spf_result_name(r), why);
	return r;
}

static enum spf_result
perm(struct ev *e, const char *text, const char *why)
{
	return fail_with(e, SPF_PERMERROR, text, why);
}

/* Past the time budget no lookup is started: a temporary failure. */
static bool
over_budget(struct ev *e, const char *name, enum dns_type t)
{
	char why[96], q[DNS_NAME_MAX + 16];

	if (mono_now() <= e->deadline)
		return false;
	snprintf(q, sizeof(q), "%s %s", dns_type_name(t), name);
	snprintf(why, sizeof(why), "over the time budget of %u ms (RFC 7208 "
	    "section 4.6.4)", e->q->budget_ms ? e->q->budget_ms :
	    SPF_TIME_BUDGET_MS);
	if (e->out->problem == NULL)
		e->out->problem = arena_strdup(e->a, why);
	ev_trace(e, SPF_EV_LOOKUP, q, "not asked: %s", why);
	return true;
}

static enum dw_err
lookup(struct ev *e, const char *name, enum dns_type t,
    const struct dns_answer **ans)
{
	enum dw_err err;
	char q[DNS_NAME_MAX + 16], sec[32];

	if (over_budget(e, name, t)) {
		*ans = NULL;
		return DW_EDNS_TEMP;
	}
	err = dns_query(e->r, e->a, name, t, ans);
	if (err == DW_ENOMEM)	/* ours, not the domain's: no temperror */
		e->nomem = true;
	if (!e->q->trace)
		return err;
	snprintf(q, sizeof(q), "%s %s", dns_type_name(t), name);
	/* the DNSSEC status when the resolver validates */
	snprintf(sec, sizeof(sec), "%s%s", *ans != NULL &&
	    (*ans)->sec != DNS_SEC_UNCHECKED ? ", DNSSEC " : "",
	    *ans != NULL && (*ans)->sec != DNS_SEC_UNCHECKED ?
	    dns_sec_name((*ans)->sec) : "");
	if (err == DW_OK && (*ans)->n == 0)
		ev_trace(e, SPF_EV_LOOKUP, q, "NODATA%s", sec);
	else if (err == DW_OK)
		ev_trace(e, SPF_EV_LOOKUP, q, "%zu record%s%s", (*ans)->n,
		    (*ans)->n == 1 ? "" : "s", sec);
	else if (err == DW_EDNS_PERM)
		ev_trace(e, SPF_EV_LOOKUP, q, "NXDOMAIN%s", sec);
	else if (err == DW_EDNS_TEMP && *ans != NULL && (*ans)->why != NULL)
		ev_trace(e, SPF_EV_LOOKUP, q, "%s: %s", dw_strerror(err),
		    (*ans)->why);
	else
		ev_trace(e, SPF_EV_LOOKUP, q, "%s", dw_strerror(err));
	return err;
}

/* Counts a void lookup (§4.6.4); false when over the limit. */
static bool
void_ok(struct ev *e)
{
	return ++e->out->voids <= SPF_MAX_VOID_LOOKUPS;
}

static bool
in_net(const uint8_t *a, const uint8_t *b, int bits)
{
	int full = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

static bool
addr_match(const struct ev *e, const struct dns_answer *ans,
    const struct spf_term *t)
{
	int bits = e->v6 ? (t->cidr6 < 0 ? 128 : t->cidr6) :
	    (t->cidr4 < 0 ? 32 : t->cidr4);
	size_t i;

	for (i = 0; i < ans->n; i++)
		if (in_net(ans->rr[i].u.addr, e->ip, bits))
			return true;
	return false;
}

static enum dw_err p_macro(void *arg, const char **out);

static void
macro_ctx(struct ev *e, struct spf_macro_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->sender = e->sender;
	c->local = e->local;
	c->sender_dom = e->sender_dom;
	c->domain = e->cur;
	c->ip = e->ip;
	c->v6 = e->v6;
	c->helo = e->helo;
	c->receiver = e->q->receiver;
	c->now = e->q->now != 0 ? e->q->now : (long long)time(NULL);
	c->p_fn = p_macro;
	c->p_arg = e;
}

/*
 * Expands a term's domain-spec (or takes the current domain) into a
 * target name.  M_PERM on a macro error; M_NOMATCH when the result is no
 * valid domain name (the suite's preferred reading of §4.8/5).
 */
static enum mres
target(struct ev *e, const struct spf_term *t, const char **out)
{
	struct spf_macro_ctx c;
	struct buf b;
	enum dw_err err;
	enum mres m = M_MATCH;

	if (t->spec == NULL) {
		*out = e->cur;
		return M_MATCH;
	}
	macro_ctx(e, &c);
	buf_init(&b, SPF_BUF_MAX);
	err = spf_macro_expand(&c, t->spec, strlen(t->spec), false, &b);
	if (err == DW_ENOMEM)
		e->nomem = true;
	if (err != DW_OK && e->out->problem == NULL)
		e->out->problem = err == DW_ELIMIT ? "macro expansion too "
		    "long" : "invalid macro";
	if (err != DW_OK)
		m = M_PERM;
	else if (!spf_domain_fix(&b))
		m = M_NOMATCH;
	else if ((*out = arena_strdup(e->a, b.data)) == NULL)
		e->nomem = true;
	buf_fini(&b);
	if (m == M_NOMATCH)
		ev_trace(e, SPF_EV_TERM, t->text, "target is no valid name");
	return e->nomem ? M_PERM : m;
}

static enum mres
mech_a(struct ev *e, const struct spf_term *t, const char *name)
{
	const struct dns_answer *ans;
	enum dw_err err;

	err = lookup(e, name, e->v6 ? DNS_T_AAAA : DNS_T_A, &ans);
	if (err == DW_EDNS_TEMP)
		return M_TEMP;
	if (err == DW_EDNS_PERM || (err == DW_OK && ans->n == 0))
		return void_ok(e) ? M_NOMATCH : M_PERM;
	if (err != DW_OK)
		return M_TEMP;
	return addr_match(e, ans, t) ? M_MATCH : M_NOMATCH;
}

static enum mres
mech_mx(struct ev *e, const struct spf_term *t, const char *name)
{
	const struct dns_answer *ans, *aa;
	enum dw_err err;
	size_t i;

	err = lookup(e, name, DNS_T_MX, &ans);
	if (err == DW_EDNS_TEMP)
		return M_TEMP;
	if (err == DW_EDNS_PERM || (err == DW_OK && ans->n == 0))
		return void_ok(e) ? M_NOMATCH : M_PERM;
	if (err != DW_OK)
		return M_TEMP;
	for (i = 0; i < ans->n; i++) {
		if (ans->rr[i].u.mx.host[0] == '\0')
			continue;	/* null MX (RFC 7505) */
		/* §4.6.4: querying an 11th address record is permerror */
		if (i == SPF_MAX_MX_NAMES) {
			if (e->out->problem == NULL)
				e->out->problem = "more than 10 MX names "
				    "(RFC 7208 section 4.6.4)";
			return M_PERM;
		}
		err = lookup(e, ans->rr[i].u.mx.host,
		    e->v6 ? DNS_T_AAAA : DNS_T_A, &aa);
		if (err == DW_EDNS_TEMP)
			return M_TEMP;
		if (err == DW_OK && addr_match(e, aa, t))
			return M_MATCH;
	}
	return M_NOMATCH;
}

/* Does any address of name equal the client's?  Errors: no. */
static bool
forward_ok(struct ev *e, const char *name)
{
	const struct dns_answer *ans;
	size_t i;

	if (lookup(e, name, e->v6 ? DNS_T_AAAA : DNS_T_A, &ans) != DW_OK)
		return false;
	for (i = 0; i < ans->n; i++)
		if (memcmp(ans->rr[i].u.addr, e->ip, e->v6 ? 16 : 4) == 0)
			return true;
	return false;
}

static bool
name_under(const char *name, const char *dom)
{
	size_t n = strlen(name), d = strlen(dom);

	if (n == d)
		return strcasecmp(name, dom) == 0;
	return n > d && name[n - d - 1] == '.' &&
	    strcasecmp(name + n - d, dom) == 0;
}

/*
 * The validated names of the client (§5.5): PTR names, at most 10, whose
 * forward lookup gives the client address back.  *best gets the one equal
 * to or under dom when there is one, else the first validated.
 */
static enum mres
validated(struct ev *e, const char *dom, const char **best)
{
	const struct dns_answer *ans;
	char rev[DNS_NAME_MAX + 1];
	const char *first = NULL;
	size_t i;

	*best = NULL;
	dns_reverse_name(e->ip, e->v6, rev, sizeof(rev));
	if (lookup(e, rev, DNS_T_PTR, &ans) != DW_OK)
		return M_NOMATCH;
	for (i = 0; i < ans->n && i < SPF_MAX_PTR_NAMES; i++) {
		const char *n = ans->rr[i].u.name;

		if (!forward_ok(e, n))
			continue;
		if (first == NULL)
			first = n;
		if (strcasecmp(n, dom) == 0) {
			*best = n;
			return M_MATCH;
		}
		if (*best == NULL && name_under(n, dom))
			*best = n;
	}
	if (*best != NULL)
		return M_MATCH;
	*best = first;
	return M_NOMATCH;
}

static enum dw_err
p_macro(void *arg, const char **out)
{
	struct ev *e = arg;
	const char *best;

	if (e->pname == NULL) {
		(void)validated(e, e->cur, &best);
		e->pname = best != NULL ? best : "unknown";
	}
	*out = e->pname;
	return DW_OK;
}

static enum mres
mech_exists(struct ev *e, const char *name)
{
	const struct dns_answer *ans;
	enum dw_err err;

	err = lookup(e, name, DNS_T_A, &ans);
	if (err == DW_EDNS_TEMP)
		return M_TEMP;
	if (err == DW_EDNS_PERM || (err == DW_OK && ans->n == 0))
		return void_ok(e) ? M_NOMATCH : M_PERM;
	return err == DW_OK ? M_MATCH : M_TEMP;
}

static enum spf_result check(struct ev *e, const char *domain, bool top);

static enum mres
mech_include(struct ev *e, const char *name)
{
	const char *saved = e->cur, *savedp = e->pname;
	enum spf_result r;

	e->depth++;
	r = check(e, name, false);
	e->depth--;
	e->cur = saved;
	e->pname = savedp;
	switch (r) {
	case SPF_PASS:
		return M_MATCH;
	case SPF_FAIL:
	case SPF_SOFTFAIL:
	case SPF_NEUTRAL:
		return M_NOMATCH;
	case SPF_TEMPERROR:
		return M_TEMP;
	default:		/* permerror, none (§5.2) */
		return M_PERM;
	}
}

static enum mres
mech(struct ev *e, const struct spf_term *t)
{
	const char *name = NULL;
	enum mres m;

	switch (t->kind) {
	case SPF_ALL:
		return M_MATCH;
	case SPF_IP4:
	case SPF_IP6:
		if (e->v6 != (t->kind == SPF_IP6))
			return M_NOMATCH;
		return in_net(t->addr, e->ip, e->v6 ? t->cidr6 < 0 ? 128 :
		    t->cidr6 : t->cidr4 < 0 ? 32 : t->cidr4) ? M_MATCH :
		    M_NOMATCH;
	default:
		break;
	}
	m = target(e, t, &name);
	if (m != M_MATCH)
		return m;
	switch (t->kind) {
	case SPF_A:
		return mech_a(e, t, name);
	case SPF_MX:
		return mech_mx(e, t, name);
	case SPF_PTR:
		return validated(e, name, &name);
	case SPF_EXISTS:
		return mech_exists(e, name);
	default:
		return mech_include(e, name);
	}
}

/*
 * exp= (§6.2): any failure of the domain's gives the default explanation;
 * a failed allocation of ours is out of memory.
 */
static void
explain(struct ev *e, const struct spf_record *rec)
{
	const struct dns_answer *ans;
	struct spf_macro_ctx c;
	const char *name;
	struct buf b;
	const char *text = NULL;
	enum dw_err err;

	macro_ctx(e, &c);
	buf_init(&b, SPF_BUF_MAX);
	if (rec->exp != NULL && target(e, rec->exp, &name) == M_MATCH &&
	    lookup(e, name, DNS_T_TXT, &ans) == DW_OK && ans->n == 1) {
		err = spf_macro_expand(&c, ans->rr[0].u.txt.data,
		    ans->rr[0].u.txt.len, true, &b);
		if (err == DW_OK)
			text = b.data;
		else if (err == DW_ENOMEM)
			e->nomem = true;
	}
	if (text == NULL) {
		const char *d = e->q->default_exp != NULL ?
		    e->q->default_exp : SPF_DEFAULT_EXP;

		buf_reset(&b);
		err = spf_macro_expand(&c, d, strlen(d), true, &b);
		if (err == DW_ENOMEM)
			e->nomem = true;
		text = err == DW_OK ? b.data : d;
	}
	e->out->explanation = arena_strdup(e->a, text);
	if (e->out->explanation == NULL)
		e->nomem = true;
	buf_fini(&b);
}

/* §4.4, §4.5: the one SPF record of domain. */
static enum spf_result
select_record(struct ev *e, const char *domain,
    const struct dns_rr **out)
{
	const struct dns_answer *ans;
	enum dw_err err;
	size_t i, n = 0;

	*out = NULL;
	err = lookup(e, domain, DNS_T_TXT, &ans);
	if (err == DW_EDNS_PERM)
		return SPF_NONE;
	if (err != DW_OK)
		return fail_with(e, SPF_TEMPERROR, domain, "TXT lookup failed");
	for (i = 0; i < ans->n; i++) {
		const struct dns_rr *rr = &ans->rr[i];

		if (spf_is_spf1(rr->u.txt.data, rr->u.txt.len)) {
			*out = rr;
			n++;
		}
	}
	if (n > 1) {
		*out = NULL;
		return perm(e, domain, "more than one SPF record");
	}
	if (n == 0) {
		ev_trace(e, SPF_EV_RECORD, domain, "no SPF record");
		return SPF_NONE;
	}
	ev_trace(e, SPF_EV_RECORD, (*out)->u.txt.data, "SPF record");
	return SPF_PASS;
}

static bool
count_term(struct ev *e, const struct spf_term *t)
{
	if (!spf_kind_queries(t->kind))
		return true;
	return ++e->out->dns_terms <= SPF_MAX_DNS_MECH;
}

static enum spf_result
redirect(struct ev *e, const struct spf_record *rec, bool top)
{
	const struct spf_term *t = rec->redirect;
	const char *name = NULL;
	enum spf_result r;

	if (!count_term(e, t))
		return perm(e, t->text, "more than 10 DNS-querying terms");
	ev_trace(e, SPF_EV_TERM, t->text, "redirect");
	if (target(e, t, &name) != M_MATCH)
		return perm(e, t->text, "bad redirect target");
	e->depth++;
	r = check(e, name, top);
	e->depth--;
	if (r == SPF_NONE)
		return perm(e, t->text, "redirect to a domain without SPF");
	return r;
}

static enum spf_result
run_terms(struct ev *e, const struct spf_record *rec, bool top)
{
	const struct spf_term *t;
	enum mres m;
	size_t i;

	for (i = 0; i < rec->nterms; i++) {
		t = &rec->terms[i];
		if (t->kind >= SPF_REDIRECT)
			continue;
		if (!count_term(e, t))
			return perm(e, t->text,
			    "more than 10 DNS-querying terms");
		m = mech(e, t);
		ev_trace(e, SPF_EV_TERM, t->text, "%s",
		    m == M_MATCH ? "match" : m == M_NOMATCH ? "no match" :
		    m == M_TEMP ? "temperror" : "permerror");
		if (m == M_TEMP)
			return fail_with(e, SPF_TEMPERROR, t->text,
			    "DNS lookup failed");
		if (m == M_PERM)
			return perm(e, t->text, e->out->voids >
			    SPF_MAX_VOID_LOOKUPS ? "more than 2 void lookups" :
			    "term could not be evaluated");
		if (m != M_MATCH)
			continue;
		if (top) {
			e->out->mechanism = t->text;
			if (t->qual == SPF_FAIL)
				explain(e, rec);
		}
		return t->qual;
	}
	if (rec->redirect != NULL)
		return redirect(e, rec, top);
	return SPF_NEUTRAL;
}

static enum spf_result
check(struct ev *e, const char *domain, bool top)
{
	const struct dns_rr *rr;
	struct spf_record *rec;
	enum spf_result r;

	e->cur = domain;
	e->pname = NULL;
	r = select_record(e, domain, &rr);
	if (rr == NULL)
		return r;
	if (spf_parse(e->a, rr->u.txt.data, rr->u.txt.len, &rec) != DW_OK) {
		e->nomem = true;
		return SPF_PERMERROR;
	}
	if (!rec->valid)
		return perm(e, rec->findings[0].msg, "syntax error");
	r = run_terms(e, rec, top);
	e->cur = domain;
	ev_trace(e, SPF_EV_RESULT, "check_host", "%s", spf_result_name(r));
	return r;
}

/* §4.3: a domain that is not a fully qualified name gives "none". */
static bool
fqdn_ok(const char *d)
{
	char tmp[DNS_NAME_MAX + 2];

	if (d[0] == '[' || strchr(d, '.') == NULL ||
	    dns_name_norm(d, tmp, sizeof(tmp)) != DW_OK)
		return false;
	return strchr(tmp, '.') != NULL;
}

static bool
split_sender(struct ev *e, const struct spf_query *q)
{
	const char *at;

	if (q->sender == NULL || q->sender[0] == '\0') {
		e->local = "postmaster";
		e->sender_dom = e->helo;
	} else if ((at = strrchr(q->sender, '@')) == NULL) {
		e->local = "postmaster";
		e->sender_dom = q->sender;
	} else {
		e->local = at == q->sender ? "postmaster" :
		    arena_strndup(e->a, q->sender, (size_t)(at - q->sender));
		e->sender_dom = at + 1;
	}
	e->sender = q->sender != NULL && q->sender[0] != '\0' &&
	    strchr(q->sender, '@') != NULL && q->sender[0] != '@' ?
	    q->sender : NULL;
	if (e->sender == NULL) {
		size_t n = strlen(e->local) + strlen(e->sender_dom) + 2;
		char *s = arena_alloc(e->a, n);

		if (s == NULL)
			return false;
		snprintf(s, n, "%s@%s", e->local, e->sender_dom);
		e->sender = s;
	}
	return e->local != NULL;
}

enum dw_err
spf_check_host(struct arena *a, struct dns_resolver *r,
    const struct spf_query *q, struct spf_outcome *out)
{
	struct ev e;

	memset(out, 0, sizeof(*out));
	memset(&e, 0, sizeof(e));
	e.a = a;
	e.r = r;
	e.q = q;
	e.out = out;
	e.helo = q->helo != NULL ? q->helo : "";
	e.deadline = mono_now() + (q->budget_ms ? q->budget_ms :
	    SPF_TIME_BUDGET_MS) / 1000.0;
	if (q->ip == NULL || !spf_ip_parse(q->ip, e.ip, &e.v6))
		return DW_EINVAL;
	if (!split_sender(&e, q))
		return DW_ENOMEM;
	out->domain = e.sender_dom;
	e.cur = e.sender_dom;
	if (!fqdn_ok(e.sender_dom)) {
		ev_trace(&e, SPF_EV_RESULT, "check_host",
		    "none: not a fully qualified domain name");
		out->result = SPF_NONE;
	} else {
		out->result = check(&e, e.sender_dom, true);
	}
	if (out->result != SPF_FAIL)
		out->explanation = NULL;
	return e.nomem ? DW_ENOMEM : DW_OK;
}
