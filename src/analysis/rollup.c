/*
 * rollup.c: incremental daily rollups (rollup.h).  Sums are held in hash
 * tables whose string keys are interned (one copy per distinct string, so
 * keys compare by pointer) and written in batches.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "rollup.h"

/* One sum: up to 3 strings and 2 numbers of key, 10 counters. */
struct slot {
	const char	*f[3];
	int64_t		 n[2];
	uint64_t	 v[STORE_ROLLUP_NCOUNT];
	uint64_t	 h;		/* 0: empty */
};

struct map {
	struct slot	*s;
	size_t		 cap, n;	/* cap: power of two */
};

struct strtab {
	const char	**s;
	uint64_t	*h;
	size_t		 cap, n;
};

enum { M_DAY, M_IP, M_REP, M_SEEN, M_N };

/* The days each domain had rows added or removed on. */
struct touched {
	char		*domain;
	int64_t		 first, last;
};

struct roll {
	const struct rollup_opts *o;
	struct touched		*t;
	size_t			 nt;
	struct rollup_stats	*stats;
	struct arena		*a;
	struct strtab		 strs;
	struct map		 m[M_N];
	struct cls_ctx		 cx;
	/* only days in [first, last] (recomputing marked days) */
	int64_t			 first, last;
	struct dw_error		*e;
};

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h | 1;
}

static bool
grow_strs(struct strtab *t)
{
	struct strtab n;
	size_t i, j;

	n.cap = t->cap ? t->cap * 2 : 4096;
	n.n = t->n;
	n.s = calloc(n.cap, sizeof(*n.s));
	n.h = calloc(n.cap, sizeof(*n.h));
	if (n.s == NULL || n.h == NULL) {
		free(n.s);
		free(n.h);
		return false;
	}
	for (i = 0; i < t->cap; i++) {
		if (t->s[i] == NULL)
			continue;
		for (j = t->h[i] & (n.cap - 1); n.s[j] != NULL;
		    j = (j + 1) & (n.cap - 1))
			;
		n.s[j] = t->s[i];
		n.h[j] = t->h[i];
	}
	free(t->s);
	free(t->h);
	*t = n;
	return true;
}

/* The one copy of s ("" for NULL); NULL when out of memory. */
static const char *
intern(struct roll *r, const char *s)
{
	struct strtab *t = &r->strs;
	uint64_t h;
	size_t i;

	if (s == NULL)
		s = "";
	if ((t->n + 1) * 2 > t->cap && !grow_strs(t))
		return NULL;
	h = str_hash(s);
	for (i = h & (t->cap - 1); t->s[i] != NULL; i = (i + 1) & (t->cap - 1))
		if (t->h[i] == h && strcmp(t->s[i], s) == 0)
			return t->s[i];
	if ((t->s[i] = arena_strdup(r->a, s)) == NULL)
		return NULL;
	t->h[i] = h;
	t->n++;
	return t->s[i];
}

static bool
grow_map(struct map *m)
{
	struct slot *ns;
	size_t cap = m->cap ? m->cap * 2 : 1024, i, j;

	if ((ns = calloc(cap, sizeof(*ns))) == NULL)
		return false;
	for (i = 0; i < m->cap; i++) {
		if (m->s[i].h == 0)
			continue;
		for (j = m->s[i].h & (cap - 1); ns[j].h != 0;
		    j = (j + 1) & (cap - 1))
			;
		ns[j] = m->s[i];
	}
	free(m->s);
	m->s = ns;
	m->cap = cap;
	return true;
}

/* The slot of key k (interned strings), created zeroed; NULL: no memory. */
static struct slot *
get(struct map *m, const struct slot *k)
{
	uint64_t h = 0;
	size_t i;
	int j;

	for (j = 0; j < 3; j++)
		h = mix(h, (uint64_t)(uintptr_t)k->f[j]);
	for (j = 0; j < 2; j++)
		h = mix(h, (uint64_t)k->n[j]);
	h |= 1;
	if ((m->n + 1) * 2 > m->cap && !grow_map(m))
		return NULL;
	for (i = h & (m->cap - 1); m->s[i].h != 0; i = (i + 1) & (m->cap - 1))
		if (m->s[i].h == h && memcmp(m->s[i].f, k->f,
		    sizeof(k->f)) == 0 && memcmp(m->s[i].n, k->n,
		    sizeof(k->n)) == 0)
			return &m->s[i];
	m->s[i] = *k;
	memset(m->s[i].v, 0, sizeof(m->s[i].v));
	m->s[i].h = h;
	m->n++;
	return &m->s[i];
}

int64_t
rollup_day_of(int64_t begin, int64_t end)
{
	int64_t mid = begin + (end - begin) / 2;

	return mid / ROLLUP_SECONDS_PER_DAY;
}

/* ---- writing ----------------------------------------------------------- */

static enum dw_err
flush(struct roll *r)
{
	struct store_rollup_batch b;
	struct store_rollup_day *d = NULL;
	struct store_rollup_ip *ip = NULL;
	struct store_rollup_reporter *rep = NULL;
	struct store_ip_seen *seen = NULL;
	const struct slot *s;
	size_t i, k;
	enum dw_err err = DW_OK;

	memset(&b, 0, sizeof(b));
	d = calloc(r->m[M_DAY].n + 1, sizeof(*d));
	ip = calloc(r->m[M_IP].n + 1, sizeof(*ip));
	rep = calloc(r->m[M_REP].n + 1, sizeof(*rep));
	seen = calloc(r->m[M_SEEN].n + 1, sizeof(*seen));
	if (d == NULL || ip == NULL || rep == NULL || seen == NULL) {
		err = dw_fail(r->e, DW_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < r->m[M_DAY].cap; i++) {
		if ((s = &r->m[M_DAY].s[i])->h == 0)
			continue;
		d[b.nday] = (struct store_rollup_day){ s->f[0], s->n[0],
		    s->f[1], s->f[2], (int)s->n[1], { 0 } };
		memcpy(d[b.nday++].c, s->v, sizeof(s->v));
	}
	for (i = 0; i < r->m[M_IP].cap; i++)
		if ((s = &r->m[M_IP].s[i])->h != 0)
			ip[b.nip++] = (struct store_rollup_ip){ s->f[0],
			    s->f[1], s->n[0], s->f[2], s->v[0], s->v[1],
			    (unsigned)s->v[2] };
	for (i = 0; i < r->m[M_REP].cap; i++)
		if ((s = &r->m[M_REP].s[i])->h != 0)
			rep[b.nrep++] = (struct store_rollup_reporter){
			    s->f[0], s->n[0], s->n[1], s->v[0], s->v[1],
			    s->v[2], s->v[3], s->v[4] };
	for (i = 0; i < r->m[M_SEEN].cap; i++)
		if ((s = &r->m[M_SEEN].s[i])->h != 0)
			seen[b.nseen++] = (struct store_ip_seen){ s->f[0],
			    s->f[1], (int64_t)s->v[0], (int64_t)s->v[1] };
	b.day = d;
	b.ip = ip;
	b.rep = rep;
	b.seen = seen;
	err = store_rollup_put(r->o->st, &b, r->e);
out:
	free(d);
	free(ip);
	free(rep);
	free(seen);
	for (k = 0; k < M_N; k++) {
		free(r->m[k].s);
		memset(&r->m[k], 0, sizeof(r->m[k]));
	}
	free(r->strs.s);
	free(r->strs.h);
	memset(&r->strs, 0, sizeof(r->strs));
	arena_reset(r->a);
	return err;
}

/* ---- buckets ----------------------------------------------------------- */

static enum dw_err
touch(struct roll *r, const char *domain, int64_t first, int64_t last)
{
	struct touched *t;
	size_t i;

	for (i = 0; i < r->nt; i++)
		if (strcmp(r->t[i].domain, domain) == 0) {
			if (first < r->t[i].first)
				r->t[i].first = first;
			if (last > r->t[i].last)
				r->t[i].last = last;
			return DW_OK;
		}
	if ((t = realloc(r->t, (r->nt + 1) * sizeof(*t))) == NULL)
		return DW_ENOMEM;
	r->t = t;
	if ((t[r->nt].domain = strdup(domain)) == NULL)
		return DW_ENOMEM;
	t[r->nt].first = first;
	t[r->nt++].last = last;
	return DW_OK;
}

/* The buckets of every day touched, summed again from rollup_day. */
static enum dw_err
buckets(struct roll *r)
{
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < r->nt && err == DW_OK; i++)
		err = store_rollup_buckets(r->o->st, r->t[i].domain,
		    r->t[i].first, r->t[i].last, r->e);
	return err;
}

/* ---- adding a record -------------------------------------------------- */

static bool
is(const char *s, const char *v)
{
	return s != NULL && strcmp(s, v) == 0;
}

static void
add_day(struct slot *s, const struct store_rollup_rec *rec,
    const struct cls_verdict *v)
{
	uint64_t n = rec->count;

	s->v[RC_MESSAGES] += n;
	s->v[RC_DMARC_PASS] += v->dmarc_pass ? n : 0;
	s->v[RC_SPF_ALIGNED] += v->spf_aligned ? n : 0;
	s->v[RC_DKIM_ALIGNED] += v->dkim_aligned ? n : 0;
	s->v[RC_SPF_PASS] += v->spf_pass ? n : 0;
	s->v[RC_DKIM_PASS] += v->dkim_pass ? n : 0;
	s->v[RC_PE_PASS] += is(rec->pe_dkim, "pass") ||
	    is(rec->pe_spf, "pass") ? n : 0;
	s->v[RC_NONE] += is(rec->disposition, "none") ? n : 0;
	s->v[RC_QUARANTINE] += is(rec->disposition, "quarantine") ? n : 0;
	s->v[RC_REJECT] += is(rec->disposition, "reject") ? n : 0;
	s->v[RC_SIG_DKIM] += v->signals & CLS_SIG_DKIM ? n : 0;
	s->v[RC_SIG_SPF] += v->signals & CLS_SIG_SPF ? n : 0;
	s->v[RC_SIG_PTR] += v->signals & CLS_SIG_PTR ? n : 0;
}

static enum dw_err
add_sums(struct roll *r, const struct store_rollup_rec *rec, int64_t day,
    const char *dom, const struct cls_verdict *v)
{
	struct slot k, *s;
	uint64_t pass = v->dmarc_pass ? rec->count : 0;

	memset(&k, 0, sizeof(k));
	k.f[0] = dom;
	k.f[1] = intern(r, rec->header_from != NULL ? rec->header_from :
	    rec->domain);
	k.f[2] = intern(r, v->service);
	k.n[0] = day;
	k.n[1] = v->shape;
	if (k.f[1] == NULL || k.f[2] == NULL ||
	    (s = get(&r->m[M_DAY], &k)) == NULL)
		return DW_ENOMEM;
	add_day(s, rec, v);
	k.f[1] = k.f[2];
	k.f[2] = intern(r, rec->source_ip);
	k.n[1] = 0;
	if (k.f[2] == NULL || (s = get(&r->m[M_IP], &k)) == NULL)
		return DW_ENOMEM;
	s->v[0] += rec->count;
	s->v[1] += pass;
	s->v[2] |= v->signals;
	memset(&k, 0, sizeof(k));
	k.f[0] = intern(r, rec->source_ip);
	k.f[1] = dom;
	if ((s = get(&r->m[M_SEEN], &k)) == NULL)
		return DW_ENOMEM;
	if (s->v[2] == 0) {		/* v[2]: set */
		s->v[0] = s->v[1] = (uint64_t)day;
		s->v[2] = 1;
	} else if ((int64_t)s->v[0] > day)
		s->v[0] = (uint64_t)day;
	else if ((int64_t)s->v[1] < day)
		s->v[1] = (uint64_t)day;
	return DW_OK;
}

static enum dw_err
on_record(void *ctx, const struct store_rollup_rec *rec)
{
	struct roll *r = ctx;
	struct cls_record cr;
	struct cls_ip ip;
	struct cls_verdict v;
	struct slot k, *s;
	int64_t day = rollup_day_of(rec->begin, rec->end);
	const char *dom;
	enum dw_err err;

	if (day < r->first || day > r->last)
		return DW_OK;
	if (touch(r, rec->domain, day, day) != DW_OK)
		return dw_fail(r->e, DW_ENOMEM, "out of memory");
	r->stats->records++;
	if ((dom = intern(r, rec->domain)) == NULL)
		return dw_fail(r->e, DW_ENOMEM, "out of memory");
	memset(&k, 0, sizeof(k));
	k.f[0] = dom;
	k.n[0] = day;
	k.n[1] = rec->reporter_id;
	if ((s = get(&r->m[M_REP], &k)) == NULL)
		return dw_fail(r->e, DW_ENOMEM, "out of memory");
	if (rec->count > ROLLUP_SUSPECT_COUNT) {
		s->v[3]++;
		s->v[4] += rec->count;
		r->stats->suspect_records++;
		r->stats->suspect_messages += rec->count;
		return DW_OK;
	}
	cr = (struct cls_record){ rec->domain, rec->adkim, rec->aspf,
	    rec->header_from, rec->envelope_from, rec->auth, rec->nauth,
	    rec->reasons };
	ip = (struct cls_ip){ rec->ptr, rec->base, rec->spf_services,
	    rec->asn };
	cls_classify(&r->cx, &cr, &ip, &v);
	s->v[0]++;
	s->v[1] += rec->count;
	s->v[2] += v.dmarc_pass ? rec->count : 0;
	r->stats->messages += rec->count;
	if (add_sums(r, rec, day, dom, &v) != DW_OK)
		return dw_fail(r->e, DW_ENOMEM, "out of memory");
	if (r->m[M_DAY].n + r->m[M_IP].n + r->m[M_SEEN].n >=
	    ROLLUP_FLUSH_SLOTS || arena_used(r->a) > ROLLUP_ARENA_MAX / 2)
		if ((err = flush(r)) != DW_OK)
			return err;
	return DW_OK;
}

/* ---- the refresh ------------------------------------------------------ */

struct range {
	char		*domain;
	int64_t		 first, last;
};

struct ranges {
	struct range	*v;
	size_t		 n, cap;
};

static enum dw_err
on_dirty(void *ctx, const char *domain, int64_t first, int64_t last)
{
	struct ranges *rs = ctx;
	struct range *v;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		if ((v = realloc(rs->v, rs->cap * sizeof(*v))) == NULL)
			return DW_ENOMEM;
		rs->v = v;
	}
	if ((rs->v[rs->n].domain = strdup(domain)) == NULL)
		return DW_ENOMEM;
	rs->v[rs->n].first = first;
	rs->v[rs->n++].last = last;
	return DW_OK;
}

/* Removes the marked days and adds their records again. */
static enum dw_err
recompute(struct roll *r, const struct store_rollup_state *s)
{
	struct ranges rs = { NULL, 0, 0 };
	struct store_rollup_scan q;
	size_t i;
	enum dw_err err;

	err = store_rollup_dirty(r->o->st, on_dirty, &rs, r->e);
	for (i = 0; i < rs.n && err == DW_OK; i++) {
		r->stats->dirty_ranges++;
		if (touch(r, rs.v[i].domain, rs.v[i].first, rs.v[i].last) !=
		    DW_OK) {
			err = DW_ENOMEM;
			break;
		}
		err = store_rollup_forget(r->o->st, rs.v[i].domain,
		    rs.v[i].first, rs.v[i].last, r->e);
		if (err != DW_OK)
			break;
		memset(&q, 0, sizeof(q));
		q.to_id = s->record_id;
		q.domain = rs.v[i].domain;
		q.begin_from = (rs.v[i].first - ROLLUP_REPORT_DAYS_MAX) *
		    ROLLUP_SECONDS_PER_DAY;
		q.begin_to = (rs.v[i].last + 1) * ROLLUP_SECONDS_PER_DAY;
		r->first = rs.v[i].first;
		r->last = rs.v[i].last;
		err = store_rollup_scan(r->o->st, &q, on_record, r, r->e);
		if (err == DW_OK)
			err = flush(r);
	}
	for (i = 0; i < rs.n; i++)
		free(rs.v[i].domain);
	free(rs.v);
	r->first = INT64_MIN;
	r->last = INT64_MAX;
	if (err == DW_ENOMEM && r->e != NULL && r->e->code != DW_ENOMEM)
		err = dw_fail(r->e, err, "out of memory");
	return err;
}

enum dw_err
rollup_refresh(const struct rollup_opts *o, struct rollup_stats *stats,
    struct dw_error *e)
{
	struct store_rollup_state s;
	struct store_rollup_scan q;
	struct roll r;
	int64_t digest = (int64_t)mix(catalog_digest(o->cat), ROLLUP_FORMAT);
	enum dw_err err;
	size_t k;

	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.stats = stats;
	r.e = e;
	r.cx.cat = o->cat;
	r.cx.od = o->od;
	r.first = INT64_MIN;
	r.last = INT64_MAX;
	if ((r.a = arena_new(ROLLUP_ARENA_MAX)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	if ((err = store_rollup_begin(o->st, &s, e)) != DW_OK)
		goto out;
	if (s.catalog != digest) {
		stats->rebuilt = s.record_id > 0;
		s.record_id = 0;
		err = store_rollup_clear(o->st, e);
	} else
		err = recompute(&r, &s);
	memset(&q, 0, sizeof(q));
	q.from_id = s.record_id;
	q.to_id = s.max_record_id;
	if (err == DW_OK)
		err = store_rollup_scan(o->st, &q, on_record, &r, e);
	if (err == DW_OK)
		err = flush(&r);
	if (err == DW_OK)
		err = buckets(&r);
	s.record_id = s.max_record_id;
	s.catalog = digest;
	if (err == DW_OK)
		err = store_rollup_end(o->st, true, &s, e);
	else
		(void)store_rollup_end(o->st, false, &s, NULL);
out:
	for (k = 0; k < r.nt; k++)
		free(r.t[k].domain);
	free(r.t);
	for (k = 0; k < M_N; k++)
		free(r.m[k].s);
	free(r.strs.s);
	free(r.strs.h);
	arena_free(r.a);
	return err;
}
