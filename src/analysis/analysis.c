/* analysis.c: services, their kinds, failures and fixes (analysis.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"

static const char *const kind_names[] = { "approved", "unapproved",
    "unknown" };

const char *
an_kind_name(enum an_kind k)
{
	return (unsigned)k <= AN_UNKNOWN ? kind_names[k] : "unknown";
}

double
an_pct(uint64_t part, uint64_t whole)
{
	return whole == 0 ? 0.0 : 100.0 * (double)part / (double)whole;
}

int64_t
an_today(void)
{
	return (int64_t)time(NULL) / 86400;
}

void
an_day_text(int64_t day, char out[11])
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 11, "?");
}

void
an_service_name(const struct catalog *cat, const struct orgdomain *od,
    const char *domain, const char *key, char *out, size_t sz)
{
	const struct catalog_service *s = catalog_find(cat, key);

	if (s != NULL)
		snprintf(out, sz, "%s", s->name);
	else if (strncmp(key, "ptr:", 4) == 0 && od != NULL &&
	    strcmp(key + 4, orgdomain_of(od, domain)) == 0)
		snprintf(out, sz, "own servers (%s)", key + 4);
	else if (strncmp(key, "ptr:", 4) == 0)
		snprintf(out, sz, "unknown sender (%s)", key + 4);
	else if (strncmp(key, "asn:", 4) == 0)
		snprintf(out, sz, "unknown sender (AS%s)", key + 4);
	else if (strcmp(key, "unknown") == 0)
		snprintf(out, sz, "unknown senders without PTR");
	else
		snprintf(out, sz, "%s", key);
}

struct collect {
	const struct catalog	*cat;
	const struct orgdomain	*od;
	const char		*domain;
	struct an_service	*v;
	size_t			 n, cap;
	struct dw_error		*e;
};

static struct an_service *
push(struct collect *c, const char *key)
{
	struct an_service *v;

	if (c->n >= AN_SERVICES_MAX)
		return NULL;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		if ((v = realloc(c->v, c->cap * sizeof(*v))) == NULL)
			return NULL;
		c->v = v;
	}
	v = &c->v[c->n++];
	memset(v, 0, sizeof(*v));
	snprintf(v->key, sizeof(v->key), "%s", key);
	v->svc = catalog_find(c->cat, key);
	v->kind = v->svc != NULL ? AN_KNOWN : AN_UNKNOWN;
	v->ephi = -1;
	v->first_day = v->last_day = -1;
	an_service_name(c->cat, c->od, c->domain, key, v->name,
	    sizeof(v->name));
	v->own = strncmp(v->name, "own servers", 11) == 0;
	return v;
}

static enum dw_err
on_row(void *ctx, const struct store_rollup_row *r)
{
	struct collect *c = ctx;
	struct an_service *v = push(c, r->service);

	if (v == NULL)
		return dw_fail(c->e, DW_ELIMIT, "%s: more than %d services "
		    "or out of memory", c->domain, AN_SERVICES_MAX);
	memcpy(v->c, r->c, sizeof(v->c));
	v->fwd_reason = r->fwd_reason;
	v->fwd_dkim = r->fwd_dkim;
	v->fail = r->fail;
	v->fail_auth = r->fail_auth;
	v->first_day = r->first_day;
	v->last_day = r->last_day;
	return DW_OK;
}

static enum dw_err
on_inv(void *ctx, const struct store_inventory *inv)
{
	struct collect *c = ctx;
	struct an_service *v = NULL;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, inv->service) == 0)
			v = &c->v[i];
	if (v == NULL) {
		if (!inv->approved)
			return DW_OK;
		if ((v = push(c, inv->service)) == NULL)
			return dw_fail(c->e, DW_ELIMIT, "too many services");
	}
	v->has_inv = true;
	v->approved = inv->approved;
	if (inv->approved)
		v->kind = AN_APPROVED;
	snprintf(v->owner, sizeof(v->owner), "%s", inv->owner ? inv->owner :
	    "");
	snprintf(v->purpose, sizeof(v->purpose), "%s", inv->purpose ?
	    inv->purpose : "");
	v->ephi = inv->ephi;
	v->baa = inv->baa;
	snprintf(v->baa_date, sizeof(v->baa_date), "%s", inv->baa_date ?
	    inv->baa_date : "");
	return DW_OK;
}

enum dw_err
an_services(struct store *st, const struct catalog *cat,
    const struct orgdomain *od, const char *domain, int64_t first_day,
    int64_t last_day, struct an_service **out, size_t *n,
    struct dw_error *e)
{
	struct collect c;
	struct store_rollup_q q;
	enum dw_err err;

	*out = NULL;
	*n = 0;
	memset(&c, 0, sizeof(c));
	c.cat = cat;
	c.od = od;
	c.domain = domain;
	c.e = e;
	store_rollup_q_init(&q);
	q.by = ROLLUP_BY_SERVICE;
	q.domain = domain;
	q.first_day = first_day;
	q.last_day = last_day;
	err = store_rollup_query(st, &q, on_row, &c, e);
	if (err == DW_OK)
		err = store_inventory_get(st, NULL, on_inv, &c, e);
	if (err != DW_OK) {
		free(c.v);
		return err;
	}
	*out = c.v;
	*n = c.n;
	return DW_OK;
}

void
an_failing_of(const struct an_service *s, struct an_failing *f)
{
	memset(f, 0, sizeof(*f));
	f->forwarding = s->fwd_reason + s->fwd_dkim;
	if (s->kind == AN_APPROVED)
		f->misconfigured = s->fail + s->fail_auth;
	else if (s->kind == AN_KNOWN)
		f->unapproved = s->fail + s->fail_auth;
	else {
		f->unapproved = s->fail_auth;
		f->spoofing = s->fail;
	}
}

bool
an_baa_missing(const struct an_service *s)
{
	return s->approved && s->ephi == 1 && s->baa != BAA_SIGNED;
}

bool
an_below(const struct an_service *s)
{
	return s->c[RC_MESSAGES] > 0 &&
	    an_pct(s->c[RC_DMARC_PASS], s->c[RC_MESSAGES]) < AN_ALIGNED_MIN;
}

static void
list(char *out, size_t sz, const char *const *v, size_t n)
{
	size_t i, len = 0;
	int w;

	out[0] = '\0';
	for (i = 0; i < n && len < sz; i++) {
		w = snprintf(out + len, sz - len, "%s%s", i ? ", " : "", v[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

size_t
an_fixes(const struct an_service *s, const char *domain,
    char fixes[AN_FIXES_MAX][AN_FIX_MAX])
{
	const struct catalog_service *c = s->svc;
	uint64_t m = s->c[RC_MESSAGES];
	char sel[AN_TEXT_MAX * 2];
	size_t n = 0;

	if (!an_below(s))
		return 0;
	if (an_pct(s->c[RC_SPF_ALIGNED], m) < AN_ALIGNED_MIN) {
		if (an_pct(s->c[RC_SPF_PASS], m) >= AN_ALIGNED_MIN)
			snprintf(fixes[n++], AN_FIX_MAX, "SPF passes for the "
			    "service's own bounce domain, not %s: set a "
			    "custom MAIL FROM (return path) under %s", domain,
			    domain);
		else if (c != NULL && c->nspf > 0)
			snprintf(fixes[n++], AN_FIX_MAX, "SPF fails: add "
			    "include:%s to the SPF record of the MAIL FROM "
			    "domain", c->spf[0]);
		else
			snprintf(fixes[n++], AN_FIX_MAX, "SPF fails: "
			    "authorize its addresses in the SPF record of "
			    "the MAIL FROM domain");
	}
	if (an_pct(s->c[RC_DKIM_ALIGNED], m) < AN_ALIGNED_MIN) {
		if (c != NULL && c->nselectors > 0) {
			list(sel, sizeof(sel), c->selectors, c->nselectors);
			snprintf(fixes[n++], AN_FIX_MAX, "DKIM does not sign "
			    "as %s: publish its selector(s) %s under "
			    "_domainkey.%s and turn on signing", domain, sel,
			    domain);
		} else
			snprintf(fixes[n++], AN_FIX_MAX, "DKIM does not sign "
			    "as %s: set up DKIM for %s in the service",
			    domain, domain);
	}
	if (n == 2)
		snprintf(fixes[n++], AN_FIX_MAX, "either fix is enough for "
		    "DMARC; both keep mail passing when one breaks");
	return n;
}

static int
rung(struct an_policy p)
{
	if (p.level == LEVEL_NONE)
		return 0;
	return (p.level == LEVEL_QUARANTINE ? 2 : 4) - (p.t ? 1 : 0);
}

bool
an_next_step(struct an_policy cur, bool blocked, struct an_policy *next)
{
	int r = rung(cur), n;

	if (r >= 4)
		return false;
	/* blocked at a t=y step: stay there until the blockers are fixed */
	n = blocked ? (r % 2 == 0 ? r + 1 : r) : (r % 2 == 0 ? r + 2 : r + 1);
	next->level = n <= 2 ? LEVEL_QUARANTINE : LEVEL_REJECT;
	next->t = n % 2 == 1;
	return n != r;
}

enum dmarc_level
an_applied(struct an_policy p)
{
	if (!p.t || p.level == LEVEL_NONE)
		return p.level;
	return p.level == LEVEL_REJECT ? LEVEL_QUARANTINE : LEVEL_NONE;
}
