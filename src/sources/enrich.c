/* enrich.c: PTR, forward confirmation, SPF networks, GeoIP (enrich.h). */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "enrich.h"
#include "record/spf_eval.h"

struct batch;

struct job {
	struct batch	*b;
	const char	*ip;
	uint8_t		 addr[16];
	bool		 v6;
	enum enrich_status status;
	const char	*names[ENRICH_PTR_NAMES];
	bool		 confirmed[ENRICH_PTR_NAMES];
	size_t		 nnames;
	size_t		 pending;	/* forward queries outstanding */
	bool		 fwd_temp;	/* a forward query failed for now */
	uint32_t	 ttl;
};

struct fwd {
	struct job	*j;
	size_t		 idx;
};

struct batch {
	const struct enrich_opts *o;
	struct arena	*a;
	enrich_cb	 cb;
	void		*ctx;
	enum dw_err	 err;
};

static const char *const status_names[] = {
	"ok", "noptr", "temp", "badip",
};

const char *
enrich_status_name(enum enrich_status s)
{
	return (unsigned)s < 4 ? status_names[s] : "unknown";
}

static void
min_ttl(struct job *j, uint32_t t)
{
	if (j->ttl == 0 || t < j->ttl)
		j->ttl = t;
}

static void
spf_of(const struct enrich_opts *o, const struct job *j,
    struct enrich_result *res)
{
	uint16_t svc[32];
	size_t n, i, len = 0;
	int w;

	res->spf_services[0] = '\0';
	if (o->spf == NULL)
		return;
	n = spfnets_match(o->spf, j->addr, j->v6, svc, 32);
	for (i = 0; i < n; i++) {
		if (svc[i] >= o->nspf_keys)
			continue;
		w = snprintf(res->spf_services + len,
		    sizeof(res->spf_services) - len, "%s%s", len ? " " : "",
		    o->spf_keys[svc[i]]);
		if (w < 0 || (size_t)w >= sizeof(res->spf_services) - len) {
			res->spf_services[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
}

static void
finish(struct job *j)
{
	const struct enrich_opts *o = j->b->o;
	struct enrich_result res;
	size_t i;

	memset(&res, 0, sizeof(res));
	res.ip = j->ip;
	res.status = j->status;
	if (j->nnames > 0)
		res.ptr_any = j->names[0];
	for (i = 0; i < j->nnames; i++)
		if (j->confirmed[i]) {
			res.ptr = j->names[i];
			break;
		}
	if (res.ptr != NULL && o->od != NULL)
		res.base = orgdomain_base(o->od, res.ptr);
	if (j->status != ENRICH_BADIP) {
		spf_of(o, j, &res);
		geoip_lookup(o->geo, j->ip, &res.geo);
	}
	res.ttl = j->ttl;
	if (j->status == ENRICH_TEMP || j->fwd_temp)
		res.ttl = ENRICH_TTL_TEMP;
	else if (res.ttl < ENRICH_TTL_MIN)
		res.ttl = ENRICH_TTL_MIN;
	else if (res.ttl > ENRICH_TTL_MAX)
		res.ttl = ENRICH_TTL_MAX;
	j->b->cb(j->b->ctx, &res);
}

static void
fwd_done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct fwd *f = arg;
	struct job *j = f->j;
	size_t i, alen = j->v6 ? 16 : 4;

	if (err == DW_OK) {
		min_ttl(j, ans->ttl);
		for (i = 0; i < ans->n; i++)
			if (memcmp(ans->rr[i].u.addr, j->addr, alen) == 0)
				j->confirmed[f->idx] = true;
	} else if (err == DW_EDNS_TEMP)
		j->fwd_temp = true;
	else if (err != DW_EDNS_PERM)
		j->b->err = err;
	if (--j->pending == 0)
		finish(j);
}

/* A host name we can use: letters, digits, '-', '_' and dots. */
static bool
name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > DNS_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

static void
ptr_done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct job *j = arg;
	struct fwd *f;
	size_t i;

	if (err == DW_EDNS_TEMP) {
		j->status = ENRICH_TEMP;
		finish(j);
		return;
	}
	if (err == DW_EDNS_PERM || (err == DW_OK && ans->n == 0)) {
		j->status = ENRICH_NOPTR;
		if (ans != NULL)
			min_ttl(j, ans->ttl);
		finish(j);
		return;
	}
	if (err != DW_OK) {
		j->b->err = err;
		return;
	}
	j->status = ENRICH_OK;
	min_ttl(j, ans->ttl);
	for (i = 0; i < ans->n && j->nnames < ENRICH_PTR_NAMES; i++)
		if (name_ok(ans->rr[i].u.name))
			j->names[j->nnames++] = ans->rr[i].u.name;
	if (j->nnames == 0) {
		finish(j);
		return;
	}
	j->pending = j->nnames;
	for (i = 0; i < j->nnames; i++) {
		f = arena_alloc(j->b->a, sizeof(*f));
		if (f == NULL) {
			j->b->err = DW_ENOMEM;
			return;
		}
		f->j = j;
		f->idx = i;
		err = dns_submit(j->b->o->r, j->b->a, j->names[i], j->v6 ?
		    DNS_T_AAAA : DNS_T_A, fwd_done, f);
		if (err != DW_OK) {
			j->b->err = err;
			return;
		}
	}
}

static enum dw_err
submit(struct batch *b, const char *ip)
{
	char rev[DNS_NAME_MAX + 1];
	struct job *j = arena_zalloc(b->a, sizeof(*j));

	if (j == NULL)
		return DW_ENOMEM;
	j->b = b;
	j->ip = ip;
	if (!spf_ip_parse(ip, j->addr, &j->v6)) {
		j->status = ENRICH_BADIP;
		finish(j);
		return DW_OK;
	}
	dns_reverse_name(j->addr, j->v6, rev, sizeof(rev));
	return dns_submit(b->o->r, b->a, rev, DNS_T_PTR, ptr_done, j);
}

enum dw_err
enrich_run(const struct enrich_opts *o, const char *const *ips, size_t n,
    enrich_cb cb, void *ctx, struct dw_error *e)
{
	struct batch b;
	size_t i, end;
	enum dw_err err = DW_OK, e2;

	memset(&b, 0, sizeof(b));
	b.o = o;
	b.cb = cb;
	b.ctx = ctx;
	if ((b.a = arena_new(ENRICH_ARENA_MAX)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	for (i = 0; i < n && err == DW_OK; i = end) {
		end = n - i > ENRICH_BATCH ? i + ENRICH_BATCH : n;
		for (; i < end && err == DW_OK; i++)
			err = submit(&b, ips[i]);
		/* whatever happened, nothing may be in flight past here */
		if ((e2 = dns_wait(o->r)) != DW_OK && err == DW_OK)
			err = e2;
		if (err == DW_OK)
			err = b.err;
		arena_reset(b.a);
	}
	arena_free(b.a);
	if (err != DW_OK)
		return dw_fail(e, err, "enrichment: %s", dw_strerror(err));
	return DW_OK;
}
