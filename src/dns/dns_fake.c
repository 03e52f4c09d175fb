/* dns_fake.c: zone data in memory, answered in submission order. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns_fake.h"

#define FAKE_ARENA_MAX	((size_t)256 << 20)
#define FAKE_BUCKETS	4096
#define FAKE_TTL	3600
#define T_TIMEOUT	0	/* marker entry */
#define T_TXTNONE	(-1)	/* "TXT: NONE" */

struct fake_rec {
	int		 type;		/* enum dns_type, or a marker */
	struct dns_rr	 rr;
	struct fake_rec	*next;
};

struct fake_name {
	char		*name;
	enum dns_sec	 sec;		/* DNS_SEC_UNCHECKED unless set */
	struct fake_rec	*first, *last;
	struct fake_name *next;		/* hash chain */
};

struct fake_q {
	struct arena	*a;
	char		*name;
	enum dns_type	 type;
	DNS_CB(cb);
	void		*arg;
};

struct fake {
	struct dns_resolver	 r;	/* first: the public face */
	struct arena		*mem;
	struct fake_name	*bucket[FAKE_BUCKETS];
	struct fake_q		*q;
	size_t			 qhead, qlen, qcap;
};

static unsigned
hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % FAKE_BUCKETS;
}

/* Lower case, one trailing dot off; no validation (the data may hold
 * names a real zone could not). */
static char *
norm(struct arena *a, const char *name)
{
	size_t n = strlen(name), i;
	char *d;

	if (n > 0 && name[n - 1] == '.')
		n--;
	d = arena_strndup(a, name, n);
	if (d == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

static struct fake_name *
find(struct fake *f, const char *lname)
{
	struct fake_name *fn;

	for (fn = f->bucket[hash(lname)]; fn != NULL; fn = fn->next)
		if (strcmp(fn->name, lname) == 0)
			return fn;
	return NULL;
}

static struct fake_name *
get_name(struct fake *f, const char *name)
{
	struct fake_name *fn;
	char *l = norm(f->mem, name);

	if (l == NULL)
		return NULL;
	fn = find(f, l);
	if (fn == NULL) {
		unsigned h = hash(l);

		fn = arena_zalloc(f->mem, sizeof(*fn));
		if (fn == NULL)
			return NULL;
		fn->name = l;
		fn->next = f->bucket[h];
		f->bucket[h] = fn;
	}
	return fn;
}

enum dw_err
dns_fake_set_sec(struct dns_resolver *r, const char *name, enum dns_sec sec)
{
	struct fake_name *fn = get_name((struct fake *)r, name);

	if (fn == NULL)
		return DW_ENOMEM;
	fn->sec = sec;
	return DW_OK;
}

static struct fake_rec *
add_rec(struct fake *f, const char *name, int type)
{
	struct fake_name *fn = get_name(f, name);
	struct fake_rec *rec;

	if (fn == NULL)
		return NULL;
	rec = arena_zalloc(f->mem, sizeof(*rec));
	if (rec == NULL)
		return NULL;
	rec->type = type;
	rec->rr.ttl = FAKE_TTL;
	if (fn->last == NULL)
		fn->first = rec;
	else
		fn->last->next = rec;
	fn->last = rec;
	return rec;
}

enum dw_err
dns_fake_add_txt(struct dns_resolver *r, const char *name,
    enum dns_type type, const char *const *strs, const size_t *lens,
    size_t n)
{
	struct fake *f = (struct fake *)r;
	struct fake_rec *rec;
	size_t i, total = 0, o = 0;
	char *p;

	if (type != DNS_T_TXT && type != DNS_T_SPF)
		return DW_EINVAL;
	for (i = 0; i < n; i++)
		total += lens[i];
	rec = add_rec(f, name, type);
	p = arena_alloc(f->mem, total + 1);
	if (rec == NULL || p == NULL)
		return DW_ENOMEM;
	for (i = 0; i < n; i++) {
		memcpy(p + o, strs[i], lens[i]);
		o += lens[i];
		if (lens[i] > rec->rr.u.txt.longest)
			rec->rr.u.txt.longest = lens[i];
	}
	p[o] = '\0';
	rec->rr.u.txt.data = p;
	rec->rr.u.txt.len = o;
	rec->rr.u.txt.nstrings = n;
	return DW_OK;
}

enum dw_err
dns_fake_add_txt_none(struct dns_resolver *r, const char *name)
{
	return add_rec((struct fake *)r, name, T_TXTNONE) == NULL ?
	    DW_ENOMEM : DW_OK;
}

enum dw_err
dns_fake_add_timeout(struct dns_resolver *r, const char *name)
{
	return add_rec((struct fake *)r, name, T_TIMEOUT) == NULL ?
	    DW_ENOMEM : DW_OK;
}

enum dw_err
dns_fake_add_addr(struct dns_resolver *r, const char *name,
    const char *literal)
{
	struct fake_rec *rec;
	uint8_t buf[16];
	int type;

	if (inet_pton(AF_INET, literal, buf) == 1)
		type = DNS_T_A;
	else if (inet_pton(AF_INET6, literal, buf) == 1)
		type = DNS_T_AAAA;
	else
		return DW_EINVAL;
	rec = add_rec((struct fake *)r, name, type);
	if (rec == NULL)
		return DW_ENOMEM;
	memcpy(rec->rr.u.addr, buf, sizeof(buf));
	return DW_OK;
}

enum dw_err
dns_fake_add_mx(struct dns_resolver *r, const char *name, unsigned pref,
    const char *host)
{
	struct fake *f = (struct fake *)r;
	struct fake_rec *rec;

	if (pref > 65535)
		return DW_EINVAL;
	rec = add_rec(f, name, DNS_T_MX);
	if (rec == NULL)
		return DW_ENOMEM;
	rec->rr.u.mx.pref = (uint16_t)pref;
	rec->rr.u.mx.host = norm(f->mem, host);
	return rec->rr.u.mx.host == NULL ? DW_ENOMEM : DW_OK;
}

enum dw_err
dns_fake_add_name(struct dns_resolver *r, const char *name,
    enum dns_type type, const char *target)
{
	struct fake *f = (struct fake *)r;
	struct fake_rec *rec;

	if (type != DNS_T_PTR && type != DNS_T_CNAME)
		return DW_EINVAL;
	rec = add_rec(f, name, type);
	if (rec == NULL)
		return DW_ENOMEM;
	rec->rr.u.name = norm(f->mem, target);
	return rec->rr.u.name == NULL ? DW_ENOMEM : DW_OK;
}

enum dw_err
dns_fake_add_raw(struct dns_resolver *r, const char *name,
    enum dns_type type, const uint8_t *rdata, size_t len)
{
	struct fake *f = (struct fake *)r;
	struct fake_rec *rec;

	switch (type) {
	case DNS_T_A: case DNS_T_AAAA: case DNS_T_MX: case DNS_T_TXT:
	case DNS_T_SPF: case DNS_T_PTR: case DNS_T_CNAME:
		return DW_EINVAL;	/* they have adders of their own */
	default:
		break;
	}
	rec = add_rec(f, name, (int)type);
	if (rec == NULL)
		return DW_ENOMEM;
	rec->rr.u.raw.data = arena_alloc(f->mem, len + 1);
	if (rec->rr.u.raw.data == NULL)
		return DW_ENOMEM;
	memcpy(rec->rr.u.raw.data, rdata, len);
	rec->rr.u.raw.len = len;
	return DW_OK;
}

static enum dw_err
finish_name(struct fake *f, struct fake_name *fn)
{
	struct fake_rec *rec, *copy;

	for (rec = fn->first; rec != NULL; rec = rec->next)
		if (rec->type == DNS_T_TXT || rec->type == T_TXTNONE)
			return DW_OK;
	for (rec = fn->first; rec != NULL; rec = rec->next) {
		if (rec->type != DNS_T_SPF)
			continue;
		copy = arena_alloc(f->mem, sizeof(*copy));
		if (copy == NULL)
			return DW_ENOMEM;
		*copy = *rec;
		copy->type = DNS_T_TXT;
		rec->next = copy;
		if (fn->last == rec)
			fn->last = copy;
		rec = copy;
	}
	return DW_OK;
}

enum dw_err
dns_fake_finish(struct dns_resolver *r)
{
	struct fake *f = (struct fake *)r;
	struct fake_name *fn;
	enum dw_err err;
	size_t i;

	for (i = 0; i < FAKE_BUCKETS; i++) {
		for (fn = f->bucket[i]; fn != NULL; fn = fn->next) {
			err = finish_name(f, fn);
			if (err != DW_OK)
				return err;
		}
	}
	return DW_OK;
}

/* An approximate wire size: header, question, compressed owner names. */
static size_t
wire_size(const struct dns_answer *ans)
{
	size_t n = 12 + strlen(ans->qname) + 2 + 4, i;

	for (i = 0; i < ans->n; i++) {
		const struct dns_rr *rr = &ans->rr[i];

		n += 2 + 10;
		switch (ans->type) {
		case DNS_T_A:
			n += 4;
			break;
		case DNS_T_AAAA:
			n += 16;
			break;
		case DNS_T_MX:
			n += 2 + strlen(rr->u.mx.host) + 2;
			break;
		case DNS_T_TXT:
		case DNS_T_SPF:
			n += rr->u.txt.len + (rr->u.txt.nstrings ?
			    rr->u.txt.nstrings : 1);
			break;
		case DNS_T_PTR:
		case DNS_T_CNAME:
			n += strlen(rr->u.name) + 2;
			break;
		default:
			n += rr->u.raw.len;
			break;
		}
	}
	return n;
}

/* Collects the records of one type before any TIMEOUT marker. */
static enum dw_err
collect(struct arena *a, struct fake_name *fn, enum dns_type type,
    struct dns_answer *ans)
{
	struct fake_rec *rec;
	bool listed = false;
	size_t n = 0, i = 0;

	for (rec = fn->first; rec != NULL; rec = rec->next) {
		if (rec->type == T_TIMEOUT && !listed)
			return DW_EDNS_TEMP;
		if (rec->type == T_TIMEOUT)
			break;
		if (rec->type == (int)type)
			n++;
		if (rec->type == (int)type)
			listed = true;
	}
	ans->n = n;
	if (n == 0)
		return DW_OK;
	ans->rr = arena_alloc(a, n * sizeof(*ans->rr));
	if (ans->rr == NULL)
		return DW_ENOMEM;
	for (rec = fn->first; rec != NULL && i < n; rec = rec->next)
		if (rec->type == (int)type)
			ans->rr[i++] = rec->rr;
	return DW_OK;
}

static enum dw_err
answer(struct fake *f, struct arena *a, const char *name,
    enum dns_type type, struct dns_answer **out)
{
	struct dns_answer *ans;
	struct fake_name *fn;
	struct fake_rec *rec;
	enum dw_err err;

	ans = arena_zalloc(a, sizeof(*ans));
	if (ans == NULL)
		return DW_ENOMEM;
	ans->type = type;
	ans->qname = norm(a, name);
	if (ans->qname == NULL)
		return DW_ENOMEM;
	ans->canon = ans->qname;
	ans->ttl = FAKE_TTL;
	*out = ans;
	for (;;) {
		fn = find(f, ans->canon);
		if (fn == NULL)
			return DW_EDNS_PERM;
		if (type == DNS_T_CNAME)
			break;
		for (rec = fn->first; rec != NULL; rec = rec->next)
			if (rec->type == DNS_T_CNAME || rec->type == T_TIMEOUT)
				break;
		if (rec == NULL || rec->type != DNS_T_CNAME)
			break;
		if (ans->ncname++ == DNS_CNAME_MAX) {
			/* a loop: SERVFAIL */
			ans->why = "a CNAME chain longer than 8 (a loop?)";
			return DW_EDNS_TEMP;
		}
		ans->canon = rec->rr.u.name;
	}
	err = collect(a, fn, type, ans);
	if (err == DW_OK)
		ans->wire_len = wire_size(ans);
	if (err == DW_EDNS_TEMP)
		ans->why = "timeout: TIMEOUT in the zone data";
	ans->sec = fn->sec;
	if (err == DW_OK && fn->sec == DNS_SEC_BOGUS) {
		ans->why = "DNSSEC validation failed: bogus in the zone data";
		err = DW_EDNS_TEMP;
	}
	return err;
}

static enum dw_err
fake_submit(struct dns_resolver *r, struct arena *a, const char *name,
    enum dns_type type, DNS_CB(cb), void *arg)
{
	struct fake *f = (struct fake *)r;
	struct fake_q *q;

	if (f->qhead + f->qlen == f->qcap) {
		size_t ncap = f->qcap ? f->qcap * 2 : 64;

		if (f->qhead > 0) {
			memmove(f->q, f->q + f->qhead,
			    f->qlen * sizeof(*f->q));
			f->qhead = 0;
		} else {
			q = realloc(f->q, ncap * sizeof(*q));
			if (q == NULL)
				return DW_ENOMEM;
			f->q = q;
			f->qcap = ncap;
		}
	}
	q = &f->q[f->qhead + f->qlen];
	q->name = arena_strdup(a, name);
	if (q->name == NULL)
		return DW_ENOMEM;
	q->a = a;
	q->type = type;
	q->cb = cb;
	q->arg = arg;
	f->qlen++;
	return DW_OK;
}

static enum dw_err
fake_poll(struct dns_resolver *r)
{
	struct fake *f = (struct fake *)r;
	struct dns_answer *ans = NULL;
	struct fake_q q;
	enum dw_err err;

	while (f->qlen > 0) {
		q = f->q[f->qhead];
		f->qhead++;
		f->qlen--;
		if (f->qlen == 0)
			f->qhead = 0;
		err = answer(f, q.a, q.name, q.type, &ans);
		q.cb(q.arg, err, err == DW_OK || err == DW_EDNS_PERM ||
		    err == DW_EDNS_TEMP ? ans : NULL);
	}
	return DW_OK;
}

static size_t
fake_pending(const struct dns_resolver *r)
{
	return ((const struct fake *)r)->qlen;
}

static void
fake_free(struct dns_resolver *r)
{
	struct fake *f = (struct fake *)r;

	arena_free(f->mem);
	free(f->q);
	free(f);
}

static const struct dns_resolver_ops fake_ops = {
	"zone data", fake_submit, fake_poll, fake_poll, fake_pending,
	fake_free,
};

struct dns_resolver *
dns_fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->mem = arena_new(FAKE_ARENA_MAX);
	if (f->mem == NULL) {
		free(f);
		return NULL;
	}
	f->r.ops = &fake_ops;
	return &f->r;
}
