/* spfnets.c: SPF includes flattened into networks (spfnets.h). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "record/spf_eval.h"
#include "record/spf_parse.h"
#include "spfnets.h"

#define SPFNETS_ARENA_MAX	((size_t)16 << 20)
#define SPFNETS_DEPTH_MAX	10	/* nested includes and redirects */

struct walk {
	struct dns_resolver	*r;
	struct arena		*a;
	struct spfnets_result	*res;
	unsigned		 lookups;
	enum dw_err		 err;	/* sticky local failure */
};

void
spfnets_result_init(struct spfnets_result *res)
{
	buf_init(&res->nets, SPFNETS_TEXT_MAX);
	buf_init(&res->partial, 4096);
	res->ttl = 0;
	res->n = 0;
}

void
spfnets_result_fini(struct spfnets_result *res)
{
	buf_fini(&res->nets);
	buf_fini(&res->partial);
}

/* Notes why something is missing; the first few reasons are enough. */
static void
partial(struct walk *w, const char *domain, const char *why)
{
	struct buf *b = &w->res->partial;

	if (b->len > 3000)
		return;
	(void)buf_printf(b, "%s%s: %s", b->len > 0 ? "; " : "", domain, why);
}

static void
ttl(struct walk *w, uint32_t t)
{
	if (w->res->ttl == 0 || t < w->res->ttl)
		w->res->ttl = t;
}

static void
add_net(struct walk *w, const uint8_t *addr, bool v6, int prefix)
{
	uint8_t m[16];
	char txt[INET6_ADDRSTRLEN];
	int i, max = v6 ? 128 : 32;

	if (prefix < 0 || prefix > max)
		prefix = max;
	memset(m, 0, sizeof(m));
	memcpy(m, addr, v6 ? 16 : 4);
	for (i = prefix; i < max; i++)
		m[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	inet_ntop(v6 ? AF_INET6 : AF_INET, m, txt, sizeof(txt));
	if (w->res->n >= SPFNETS_NETS_MAX) {
		w->err = DW_ELIMIT;
		return;
	}
	if (buf_printf(&w->res->nets, "%s%s/%d", w->res->nets.len > 0 ?
	    " " : "", txt, prefix) != DW_OK)
		w->err = DW_ELIMIT;
	else
		w->res->n++;
}

/* A and AAAA of name, each address with its prefix. */
static void
add_host(struct walk *w, const char *name, int c4, int c6)
{
	const struct dns_answer *ans;
	enum dns_type t;
	enum dw_err err;
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		t = k == 0 ? DNS_T_A : DNS_T_AAAA;
		err = dns_query(w->r, w->a, name, t, &ans);
		if (err == DW_ENOMEM || err == DW_ELIMIT) {
			w->err = err;
			return;
		}
		if (err == DW_EDNS_TEMP)
			partial(w, name, "temporary DNS failure");
		if (err != DW_OK)
			continue;
		ttl(w, ans->ttl);
		for (i = 0; i < ans->n; i++)
			add_net(w, ans->rr[i].u.addr, t == DNS_T_AAAA,
			    t == DNS_T_A ? c4 : c6);
	}
}

static void
add_mx(struct walk *w, const char *name, int c4, int c6)
{
	const struct dns_answer *ans;
	enum dw_err err;
	size_t i;

	err = dns_query(w->r, w->a, name, DNS_T_MX, &ans);
	if (err == DW_ENOMEM || err == DW_ELIMIT) {
		w->err = err;
		return;
	}
	if (err != DW_OK) {
		partial(w, name, "MX lookup failed");
		return;
	}
	ttl(w, ans->ttl);
	if (ans->n > SPF_MAX_MX_NAMES)
		partial(w, name, "more than 10 MX names");
	for (i = 0; i < ans->n && i < SPF_MAX_MX_NAMES && w->err == DW_OK;
	    i++)
		if (*ans->rr[i].u.mx.host != '\0')
			add_host(w, ans->rr[i].u.mx.host, c4, c6);
}

static void walk_domain(struct walk *w, const char *domain, unsigned depth);

/* The one SPF record of domain, or NULL with the reason noted. */
static struct spf_record *
record_of(struct walk *w, const char *domain)
{
	const struct dns_answer *ans;
	struct spf_record *rec = NULL;
	const struct dns_rr *pick = NULL;
	enum dw_err err;
	size_t i;

	err = dns_query(w->r, w->a, domain, DNS_T_TXT, &ans);
	if (err == DW_ENOMEM || err == DW_ELIMIT) {
		w->err = err;
		return NULL;
	}
	if (err != DW_OK) {
		partial(w, domain, err == DW_EDNS_PERM ? "no such domain" :
		    "temporary DNS failure");
		return NULL;
	}
	ttl(w, ans->ttl);
	for (i = 0; i < ans->n; i++) {
		if (!spf_is_spf1(ans->rr[i].u.txt.data, ans->rr[i].u.txt.len))
			continue;
		if (pick != NULL) {
			partial(w, domain, "more than one SPF record");
			return NULL;
		}
		pick = &ans->rr[i];
	}
	if (pick == NULL) {
		partial(w, domain, "no SPF record");
		return NULL;
	}
	err = spf_parse(w->a, pick->u.txt.data, pick->u.txt.len, &rec);
	if (err != DW_OK) {
		w->err = err;
		return NULL;
	}
	if (!rec->valid) {
		partial(w, domain, "invalid SPF record");
		return NULL;
	}
	return rec;
}

/* True when one more DNS-querying term is allowed. */
static bool
count_lookup(struct walk *w, const char *domain)
{
	if (++w->lookups > SPF_MAX_DNS_MECH) {
		partial(w, domain, "more than 10 DNS-querying terms");
		return false;
	}
	return true;
}

static void
term(struct walk *w, const char *domain, const struct spf_term *t,
    unsigned depth)
{
	const char *target = t->spec != NULL ? t->spec : domain;

	if (t->spec != NULL && strchr(t->spec, '%') != NULL) {
		partial(w, domain, "a macro depends on the message");
		return;
	}
	switch (t->kind) {
	case SPF_IP4:
	case SPF_IP6:
		if (t->qual == SPF_PASS)
			add_net(w, t->addr, t->kind == SPF_IP6,
			    t->kind == SPF_IP6 ? t->cidr6 : t->cidr4);
		break;
	case SPF_A:
	case SPF_MX:
		if (!count_lookup(w, domain) || t->qual != SPF_PASS)
			break;
		if (t->kind == SPF_A)
			add_host(w, target, t->cidr4, t->cidr6);
		else
			add_mx(w, target, t->cidr4, t->cidr6);
		break;
	case SPF_INCLUDE:
	case SPF_REDIRECT:
		if (count_lookup(w, domain))
			walk_domain(w, target, depth + 1);
		break;
	case SPF_EXISTS:
	case SPF_PTR:
		if (count_lookup(w, domain))
			partial(w, domain, t->kind == SPF_PTR ? "ptr: "
			    "depends on the client" : "exists: depends on "
			    "the client");
		break;
	default:
		break;
	}
}

static void
walk_domain(struct walk *w, const char *domain, unsigned depth)
{
	struct spf_record *rec;
	bool has_all = false;
	size_t i;

	if (depth > SPFNETS_DEPTH_MAX) {
		partial(w, domain, "includes nested too deep");
		return;
	}
	if ((rec = record_of(w, domain)) == NULL)
		return;
	for (i = 0; i < rec->nterms && w->err == DW_OK; i++) {
		if (rec->terms[i].kind == SPF_ALL)
			has_all = true;
		if (rec->terms[i].kind != SPF_REDIRECT)
			term(w, domain, &rec->terms[i], depth);
	}
	if (rec->redirect != NULL && !has_all && w->err == DW_OK)
		term(w, domain, rec->redirect, depth);
}

enum dw_err
spfnets_resolve(struct dns_resolver *r, const char *include,
    struct spfnets_result *res, struct dw_error *e)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	w.r = r;
	w.res = res;
	if ((w.a = arena_new(SPFNETS_ARENA_MAX)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	walk_domain(&w, include, 0);
	arena_free(w.a);
	if (res->ttl == 0)
		res->ttl = SPFNETS_TTL_DEFAULT;
	if (w.err == DW_ELIMIT)
		return dw_fail(e, DW_ELIMIT, "%s: more than %d networks",
		    include, SPFNETS_NETS_MAX);
	if (w.err != DW_OK)
		return dw_fail(e, w.err, "%s: %s", include,
		    dw_strerror(w.err));
	return DW_OK;
}

void
spfnets_init(struct spfnets *s)
{
	memset(s, 0, sizeof(*s));
}

void
spfnets_fini(struct spfnets *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static enum dw_err
add_one(struct spfnets *s, const char *item, size_t n, uint16_t svc,
    struct dw_error *e)
{
	char tmp[INET6_ADDRSTRLEN + 8], *slash;
	struct spfnet *v, *net;
	unsigned long p = 0;
	size_t i;

	if (n == 0 || n >= sizeof(tmp))
		return dw_fail(e, DW_ESYNTAX, "bad network in SPF cache");
	memcpy(tmp, item, n);
	tmp[n] = '\0';
	slash = strchr(tmp, '/');
	if (slash == NULL || slash[1] == '\0' || strlen(slash + 1) > 3)
		return dw_fail(e, DW_ESYNTAX, "bad network \"%s\"", tmp);
	*slash = '\0';
	for (i = 1; slash[i] != '\0'; i++) {
		if (slash[i] < '0' || slash[i] > '9')
			return dw_fail(e, DW_ESYNTAX, "bad prefix in \"%s\"",
			    tmp);
		p = p * 10 + (unsigned long)(slash[i] - '0');
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		if ((v = realloc(s->v, s->cap * sizeof(*v))) == NULL)
			return dw_fail(e, DW_ENOMEM, "out of memory");
		s->v = v;
	}
	net = &s->v[s->n];
	memset(net, 0, sizeof(*net));
	if (inet_pton(AF_INET, tmp, net->addr) == 1 && p <= 32)
		net->v6 = false;
	else if (inet_pton(AF_INET6, tmp, net->addr) == 1 && p <= 128)
		net->v6 = true;
	else
		return dw_fail(e, DW_ESYNTAX, "bad network \"%s/%lu\"", tmp,
		    p);
	net->prefix = (uint8_t)p;
	net->svc = svc;
	s->n++;
	return DW_OK;
}

enum dw_err
spfnets_add(struct spfnets *s, const char *text, uint16_t svc,
    struct dw_error *e)
{
	const char *p = text, *sp;
	enum dw_err err;
	size_t n;

	while (*p != '\0') {
		sp = strchr(p, ' ');
		n = sp != NULL ? (size_t)(sp - p) : strlen(p);
		if ((err = add_one(s, p, n, svc, e)) != DW_OK)
			return err;
		p += n;
		if (*p == ' ')
			p++;
	}
	return DW_OK;
}

static bool
in_net(const struct spfnet *n, const uint8_t *a)
{
	unsigned full = n->prefix / 8, rest = n->prefix % 8;
	uint8_t mask;

	if (memcmp(n->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xffu << (8 - rest));
	return (n->addr[full] & mask) == (a[full] & mask);
}

size_t
spfnets_match(const struct spfnets *s, const uint8_t addr[16], bool v6,
    uint16_t *out, size_t max)
{
	size_t i, j, k = 0;

	for (i = 0; i < s->n && k < max; i++) {
		if (s->v[i].v6 != v6 || !in_net(&s->v[i], addr))
			continue;
		for (j = 0; j < k; j++)
			if (out[j] == s->v[i].svc)
				break;
		if (j == k)
			out[k++] = s->v[i].svc;
	}
	return k;
}
