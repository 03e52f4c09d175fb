/* refresh.c: enrichment over the store (refresh.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refresh.h"

#define REFRESH_SPF_TTL_MAX	86400	/* look at includes daily at least */

/* One cached include, as the store had it. */
struct cached {
	char		*include, *nets, *partial;
	int64_t		 expires;
};

struct cache {
	struct cached	*v;
	size_t		 n, cap;
};

static enum dw_err
cache_add(void *ctx, const struct store_spf_nets *v)
{
	struct cache *c = ctx;
	struct cached *nv;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		if ((nv = realloc(c->v, c->cap * sizeof(*nv))) == NULL)
			return DW_ENOMEM;
		c->v = nv;
	}
	nv = &c->v[c->n];
	nv->include = strdup(v->include);
	nv->nets = strdup(v->nets);
	nv->partial = v->partial ? strdup(v->partial) : NULL;
	nv->expires = v->expires;
	if (nv->include == NULL || nv->nets == NULL) {
		free(nv->include);
		free(nv->nets);
		free(nv->partial);
		return DW_ENOMEM;
	}
	c->n++;
	return DW_OK;
}

static void
cache_free(struct cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].include);
		free(c->v[i].nets);
		free(c->v[i].partial);
	}
	free(c->v);
}

static const struct cached *
cache_find(const struct cache *c, const char *include)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].include, include) == 0)
			return &c->v[i];
	return NULL;
}

/* Resolves one include, keeps it, and adds its networks. */
static enum dw_err
resolve_one(const struct refresh_opts *o, const char *inc, uint16_t svc,
    struct spfnets *nets, struct refresh_stats *stats, struct dw_error *e)
{
	struct spfnets_result res;
	struct store_spf_nets v;
	uint32_t ttl;
	enum dw_err err;

	spfnets_result_init(&res);
	err = spfnets_resolve(o->r, inc, &res, e);
	if (err == DW_OK) {
		ttl = res.ttl < ENRICH_TTL_MIN ? ENRICH_TTL_MIN : res.ttl;
		if (ttl > REFRESH_SPF_TTL_MAX)
			ttl = REFRESH_SPF_TTL_MAX;
		v.include = inc;
		v.nets = buf_str(&res.nets);
		v.partial = res.partial.len > 0 ? buf_str(&res.partial) :
		    NULL;
		v.resolved = o->now;
		v.expires = o->now + ttl;
		stats->includes_resolved++;
		if (v.partial != NULL)
			stats->includes_partial++;
		err = store_spf_nets_put(o->st, &v, e);
	}
	if (err == DW_OK)
		err = spfnets_add(nets, buf_str(&res.nets), svc, e);
	spfnets_result_fini(&res);
	return err;
}

enum dw_err
refresh_spf_nets(const struct refresh_opts *o, struct spfnets *nets,
    const char ***keys, size_t *nkeys, struct refresh_stats *stats,
    struct dw_error *e)
{
	struct cache c = { NULL, 0, 0 };
	const struct catalog_service *s;
	const struct cached *hit;
	size_t i, j, n = catalog_count(o->cat);
	enum dw_err err;

	*nkeys = 0;
	if ((*keys = calloc(n + 1, sizeof(**keys))) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	if ((err = store_spf_nets_list(o->st, cache_add, &c, e)) != DW_OK)
		goto out;
	for (i = 0; i < n && err == DW_OK; i++) {
		s = catalog_at(o->cat, i);
		(*keys)[i] = s->key;
		for (j = 0; j < s->nspf && err == DW_OK; j++) {
			stats->includes++;
			hit = cache_find(&c, s->spf[j]);
			if (hit != NULL && (hit->expires > o->now ||
			    o->r == NULL)) {
				if (hit->partial != NULL)
					stats->includes_partial++;
				err = spfnets_add(nets, hit->nets,
				    (uint16_t)i, e);
			} else if (o->r != NULL)
				err = resolve_one(o, s->spf[j], (uint16_t)i,
				    nets, stats, e);
		}
	}
	*nkeys = n;
out:
	cache_free(&c);
	return err;
}

/* ---- addresses ------------------------------------------------------ */

struct entry {
	char		 ip[48];
	char		 status[8];
	char		 ptr[DNS_NAME_MAX + 1];
	char		 ptr_any[DNS_NAME_MAX + 1];
	char		 base[DNS_NAME_MAX + 1];
	char		 spf[ENRICH_SERVICES_MAX];
	struct geoip_info geo;
	int64_t		 expires;
};

struct run {
	const struct refresh_opts *o;
	struct refresh_stats	*stats;
	char			**ips;
	size_t			 nips, capips;
	struct entry		*pend;
	size_t			 npend;
	size_t			 done;
	enum dw_err		 err;
	struct dw_error		*e;
};

static enum dw_err
collect(void *ctx, const char *ip)
{
	struct run *r = ctx;
	char **v;

	if (r->nips == r->capips) {
		r->capips = r->capips ? r->capips * 2 : 1024;
		if ((v = realloc(r->ips, r->capips * sizeof(*v))) == NULL)
			return dw_fail(r->e, DW_ENOMEM, "out of memory");
		r->ips = v;
	}
	if ((r->ips[r->nips] = strdup(ip)) == NULL)
		return dw_fail(r->e, DW_ENOMEM, "out of memory");
	r->nips++;
	return DW_OK;
}

static const char *
opt(const char *s)
{
	return *s != '\0' ? s : NULL;
}

static enum dw_err
flush(struct run *r)
{
	struct store_ip_info v[REFRESH_FLUSH];
	const struct entry *p;
	size_t i;
	enum dw_err err;

	for (i = 0; i < r->npend; i++) {
		p = &r->pend[i];
		memset(&v[i], 0, sizeof(v[i]));
		v[i].ip = p->ip;
		v[i].status = p->status;
		v[i].ptr = opt(p->ptr);
		v[i].ptr_any = opt(p->ptr_any);
		v[i].base = opt(p->base);
		v[i].spf_services = opt(p->spf);
		v[i].asn = p->geo.asn;
		v[i].as_org = opt(p->geo.as_org);
		v[i].country = opt(p->geo.country);
		v[i].resolved = r->o->now;
		v[i].expires = p->expires;
	}
	err = store_ip_info_put(r->o->st, v, r->npend, r->e);
	r->done += r->npend;
	r->npend = 0;
	if (err == DW_OK && r->o->progress != NULL)
		r->o->progress(r->o->ctx, r->done, r->nips);
	return err;
}

static void
count(struct refresh_stats *st, const struct catalog *cat,
    const struct enrich_result *res)
{
	st->addresses++;
	st->ptr += res->ptr_any != NULL;
	st->confirmed += res->ptr != NULL;
	st->noptr += res->status == ENRICH_NOPTR;
	st->temp += res->status == ENRICH_TEMP;
	st->badip += res->status == ENRICH_BADIP;
	st->spf_named += res->spf_services[0] != '\0';
	st->ptr_named += res->ptr != NULL &&
	    catalog_match_ptr(cat, res->ptr) != NULL;
}

static void
copy(char *dst, size_t sz, const char *src)
{
	snprintf(dst, sz, "%s", src != NULL ? src : "");
}

static void
on_result(void *ctx, const struct enrich_result *res)
{
	struct run *r = ctx;
	struct entry *p;

	if (r->err != DW_OK)
		return;
	count(r->stats, r->o->cat, res);
	p = &r->pend[r->npend++];
	copy(p->ip, sizeof(p->ip), res->ip);
	copy(p->status, sizeof(p->status), enrich_status_name(res->status));
	copy(p->ptr, sizeof(p->ptr), res->ptr);
	copy(p->ptr_any, sizeof(p->ptr_any), res->ptr_any);
	copy(p->base, sizeof(p->base), res->base);
	copy(p->spf, sizeof(p->spf), res->spf_services);
	p->geo = res->geo;
	p->expires = r->o->now + res->ttl;
	if (r->npend == REFRESH_FLUSH)
		r->err = flush(r);
}

enum dw_err
refresh_enrich(const struct refresh_opts *o, struct refresh_stats *stats,
    struct dw_error *e)
{
	struct run r;
	struct spfnets nets;
	struct enrich_opts eo;
	const char **keys = NULL;
	size_t nkeys = 0, i;
	int64_t upto = 0;
	enum dw_err err;

	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.stats = stats;
	r.e = e;
	spfnets_init(&nets);
	if ((r.pend = calloc(REFRESH_FLUSH, sizeof(*r.pend))) == NULL) {
		err = dw_fail(e, DW_ENOMEM, "out of memory");
		goto out;
	}
	if ((err = refresh_spf_nets(o, &nets, &keys, &nkeys, stats, e)) !=
	    DW_OK)
		goto out;
	err = store_enrich_todo(o->st, o->now, o->all, collect, &r, &upto, e);
	if (err != DW_OK)
		goto out;
	memset(&eo, 0, sizeof(eo));
	eo.r = o->r;
	eo.od = o->od;
	eo.spf = &nets;
	eo.spf_keys = keys;
	eo.nspf_keys = nkeys;
	eo.geo = o->geo;
	err = enrich_run(&eo, (const char *const *)r.ips, r.nips, on_result,
	    &r, e);
	if (err == DW_OK)
		err = r.err;
	if (err == DW_OK && r.npend > 0)
		err = flush(&r);
	if (err == DW_OK)
		err = store_enrich_done(o->st, upto, e);
out:
	for (i = 0; i < r.nips; i++)
		free(r.ips[i]);
	free(r.ips);
	free(r.pend);
	free(keys);
	spfnets_fini(&nets);
	return err;
}
