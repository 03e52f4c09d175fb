/*
 * dns_cache.c: a resolver that remembers another's answers for their TTL.
 *
 * Positive answers, NODATA and NXDOMAIN are kept until their TTL (capped
 * at DNS_CACHE_MAX_TTL) runs out; temporary failures never are.  Entries
 * live in one capped arena: when it or the entry table is full, the whole
 * cache is dropped and starts again (simple, and memory stays bounded).
 * A hit is delivered from dns_wait()/dns_poll(), never from dns_submit().
 */
#include <stdlib.h>
#include <string.h>

#include "base/mono.h"
#include "dns.h"

#define CACHE_ARENA_MAX	((size_t)64 << 20)

struct centry {
	char			*name;
	enum dns_type		 type;
	enum dw_err		 err;		/* DW_OK or DW_EDNS_PERM */
	struct dns_answer	*ans;
	double			 expires;
	struct centry		*next;
};

struct pend {
	struct cache		*c;
	struct arena		*a;
	char			*name;
	enum dns_type		 type;
	DNS_CB(cb);
	void			*arg;
	/* a hit: its answer, copied into the caller's arena when asked
	 * (the entry itself may be flushed before it is delivered) */
	struct dns_answer	*hit;
	enum dw_err		 hit_err;
	struct pend		*next;
};

struct cache {
	struct dns_resolver	 r;
	struct dns_resolver	*inner;
	struct arena		*mem;
	struct centry		**bucket;
	size_t			 nbuckets, n, max;
	struct pend		*hits, *hits_tail;
	size_t			 nhits;
	double			(*now_fn)(void *);
	void			*now_arg;
	uint64_t		 nhit, nmiss;
};

static double
mono(void *arg)
{
	(void)arg;
	return mono_now();
}

static size_t
slot(const struct cache *c, const char *name, enum dns_type t)
{
	unsigned h = 2166136261u ^ (unsigned)t;
	size_t n = strlen(name), i;

	if (n > 0 && name[n - 1] == '.')
		n--;		/* "a.example." is "a.example" */
	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		h = (h ^ (unsigned char)ch) * 16777619u;
	}
	return h % c->nbuckets;
}

static bool
same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	if (la != lb)
		return false;
	for (i = 0; i < la; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

static void
flush(struct cache *c)
{
	arena_reset(c->mem);
	memset(c->bucket, 0, c->nbuckets * sizeof(*c->bucket));
	c->n = 0;
}

static struct centry *
lookup(struct cache *c, const char *name, enum dns_type t)
{
	struct centry *e;

	for (e = c->bucket[slot(c, name, t)]; e != NULL; e = e->next)
		if (e->type == t && same_name(e->name, name))
			return e->expires > c->now_fn(c->now_arg) ? e : NULL;
	return NULL;
}

static void
store(struct cache *c, const char *name, enum dns_type t, enum dw_err err,
    const struct dns_answer *ans)
{
	uint32_t ttl = ans != NULL ? ans->ttl : 0;
	struct centry *e;
	size_t s;

	if ((err != DW_OK && err != DW_EDNS_PERM) || ans == NULL || ttl == 0)
		return;
	if (ttl > DNS_CACHE_MAX_TTL)
		ttl = DNS_CACHE_MAX_TTL;
	if (c->n == c->max)
		flush(c);
	e = arena_alloc(c->mem, sizeof(*e));
	if (e != NULL) {
		e->name = arena_strdup(c->mem, name);
		e->ans = dns_answer_copy(c->mem, ans);
	}
	if (e == NULL || e->name == NULL || e->ans == NULL) {
		flush(c);	/* full: start again, skip this one */
		return;
	}
	e->type = t;
	e->err = err;
	e->expires = c->now_fn(c->now_arg) + ttl;
	s = slot(c, name, t);
	e->next = c->bucket[s];
	c->bucket[s] = e;
	c->n++;
}

static void
inner_done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct pend *p = arg;

	store(p->c, p->name, p->type, err, ans);
	p->cb(p->arg, err, ans);
	free(p->name);
	free(p);
}

static enum dw_err
cache_submit(struct dns_resolver *r, struct arena *a, const char *name,
    enum dns_type type, DNS_CB(cb), void *arg)
{
	struct cache *c = (struct cache *)r;
	struct pend *p = calloc(1, sizeof(*p));
	struct centry *e;
	enum dw_err err;

	if (p == NULL)
		return DW_ENOMEM;
	p->c = c;
	p->a = a;
	p->type = type;
	p->cb = cb;
	p->arg = arg;
	e = lookup(c, name, type);
	if (e != NULL) {
		p->hit = dns_answer_copy(a, e->ans);
		p->hit_err = e->err;
		if (p->hit == NULL) {
			free(p);
			return DW_ENOMEM;
		}
		c->nhit++;
		if (c->hits_tail != NULL)
			c->hits_tail->next = p;
		else
			c->hits = p;
		c->hits_tail = p;
		c->nhits++;
		return DW_OK;
	}
	c->nmiss++;
	p->name = strdup(name);
	if (p->name == NULL) {
		free(p);
		return DW_ENOMEM;
	}
	err = dns_submit(c->inner, a, name, type, inner_done, p);
	if (err != DW_OK) {
		free(p->name);
		free(p);
	}
	return err;
}

/* Delivers the hits queued so far (callbacks may queue more). */
static void
deliver(struct cache *c)
{
	struct pend *p;

	while ((p = c->hits) != NULL) {
		c->hits = p->next;
		if (c->hits == NULL)
			c->hits_tail = NULL;
		c->nhits--;
		p->cb(p->arg, p->hit_err, p->hit);
		free(p);
	}
}

static enum dw_err
cache_wait(struct dns_resolver *r)
{
	struct cache *c = (struct cache *)r;
	enum dw_err err;

	do {
		deliver(c);
		err = dns_wait(c->inner);
		if (err != DW_OK)
			return err;
	} while (c->nhits > 0);
	return DW_OK;
}

static enum dw_err
cache_poll(struct dns_resolver *r)
{
	struct cache *c = (struct cache *)r;

	deliver(c);
	return dns_poll(c->inner);
}

static size_t
cache_pending(const struct dns_resolver *r)
{
	const struct cache *c = (const struct cache *)r;

	return c->nhits + dns_pending(c->inner);
}

static void
cache_free(struct dns_resolver *r)
{
	struct cache *c = (struct cache *)r;
	struct pend *p;

	while ((p = c->hits) != NULL) {
		c->hits = p->next;
		free(p);
	}
	dns_free(c->inner);
	arena_free(c->mem);
	free(c->bucket);
	free(c);
}

static const struct dns_resolver_ops cache_ops = {
	"cache", cache_submit, cache_wait, cache_poll, cache_pending,
	cache_free,
};

struct dns_resolver *
dns_cache_new(struct dns_resolver *inner, size_t max_entries,
    double (*now_fn)(void *), void *now_arg)
{
	struct cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->max = max_entries ? max_entries : DNS_CACHE_MAX_ENTRIES;
	if (c->max > DNS_CACHE_MAX_ENTRIES)
		c->max = DNS_CACHE_MAX_ENTRIES;
	c->nbuckets = c->max;
	c->bucket = calloc(c->nbuckets, sizeof(*c->bucket));
	c->mem = arena_new(CACHE_ARENA_MAX);
	if (c->bucket == NULL || c->mem == NULL) {
		free(c->bucket);
		arena_free(c->mem);
		free(c);
		return NULL;
	}
	c->r.ops = &cache_ops;
	c->inner = inner;
	c->now_fn = now_fn != NULL ? now_fn : mono;
	c->now_arg = now_arg;
	return &c->r;
}

void
dns_cache_stats(const struct dns_resolver *r, uint64_t *hits,
    uint64_t *misses)
{
	const struct cache *c = (const struct cache *)r;

	*hits = c->nhit;
	*misses = c->nmiss;
}
