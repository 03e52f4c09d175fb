/* classify.c: alignment, service and shape of one record (classify.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "classify.h"

static const char *const shape_names[CLS_NSHAPES] = {
	"pass", "forwarded", "forwarded-dkim", "fail", "fail-auth",
};

/* Override reasons (RFC 9990 PolicyOverrideType) that mean forwarding. */
static const char *const fwd_reasons[] = {
	"forwarded", "mailing_list", "trusted_forwarder", "local_policy",
};

const char *
cls_shape_name(enum cls_shape s)
{
	return (unsigned)s < CLS_NSHAPES ? shape_names[s] : "unknown";
}

bool
cls_aligned(const struct orgdomain *od, const char *d, const char *from,
    const char *mode)
{
	if (d == NULL || from == NULL || *d == '\0')
		return false;
	if (mode != NULL && strcmp(mode, "s") == 0)
		return strcasecmp(d, from) == 0;
	return orgdomain_relaxed(od, d, from);
}

static bool
is_pass(const char *result)
{
	return result != NULL && strcmp(result, "pass") == 0;
}

static bool
fwd_reason(const char *reasons)
{
	json_t *a, *it, *t;
	size_t i, k;
	bool found = false;

	if (reasons == NULL || (a = json_loads(reasons, 0, NULL)) == NULL)
		return false;
	json_array_foreach(a, i, it) {
		t = json_array_get(it, 0);
		if (!json_is_string(t))
			continue;
		for (k = 0; k < sizeof(fwd_reasons) / sizeof(fwd_reasons[0]);
		    k++)
			if (strcmp(json_string_value(t), fwd_reasons[k]) == 0)
				found = true;
	}
	json_decref(a);
	return found;
}

static void
alignment(const struct cls_ctx *cx, const struct cls_record *r,
    const char *from, struct cls_verdict *v)
{
	bool no_mfrom = r->envelope_from == NULL || *r->envelope_from == '\0';
	const struct agg_auth *a;
	size_t i;

	for (i = 0; i < r->nauth; i++) {
		a = &r->auth[i];
		if (!is_pass(a->result))
			continue;
		if (a->kind == AGG_AUTH_DKIM) {
			v->dkim_pass = true;
			if (cls_aligned(cx->od, a->domain, from, r->adkim))
				v->dkim_aligned = true;
			continue;
		}
		v->spf_pass = true;
		if (a->scope != NULL && strcmp(a->scope, "helo") == 0 &&
		    !no_mfrom)
			continue;
		if (cls_aligned(cx->od, a->domain, from, r->aspf))
			v->spf_aligned = true;
	}
	v->dmarc_pass = v->dkim_aligned || v->spf_aligned;
}

/* Is key one of the space-separated words of list? */
static bool
in_list(const char *list, const char *key)
{
	size_t n = strlen(key);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p = strchr(p, ' ');
		if (p != NULL)
			p++;
	}
	return false;
}

/* The first catalog service of the SPF list. */
static const struct catalog_service *
spf_service(const struct cls_ctx *cx, const char *list)
{
	char key[CLS_SERVICE_MAX];
	size_t n;

	if (list == NULL || *list == '\0')
		return NULL;
	n = strcspn(list, " ");
	if (n >= sizeof(key))
		return NULL;
	memcpy(key, list, n);
	key[n] = '\0';
	return catalog_find(cx->cat, key);
}

static void
name_service(const struct cls_ctx *cx, const struct cls_record *r,
    const struct cls_ip *ip, struct cls_verdict *v)
{
	const struct catalog_service *s = NULL, *d;
	size_t i;

	for (i = 0; i < r->nauth && s == NULL; i++)
		if (r->auth[i].kind == AGG_AUTH_DKIM &&
		    is_pass(r->auth[i].result))
			s = catalog_match_dkim(cx->cat, r->auth[i].domain);
	if (s == NULL)
		s = spf_service(cx, ip->spf_services);
	if (s == NULL && ip->ptr != NULL)
		s = catalog_match_ptr(cx->cat, ip->ptr);
	v->svc = s;
	if (s == NULL) {
		if (ip->ptr != NULL && ip->base != NULL)
			snprintf(v->service, sizeof(v->service), "ptr:%s",
			    ip->base);
		else if (ip->asn != 0)
			snprintf(v->service, sizeof(v->service), "asn:%u",
			    (unsigned)ip->asn);
		else
			snprintf(v->service, sizeof(v->service), "unknown");
		return;
	}
	snprintf(v->service, sizeof(v->service), "%s", s->key);
	for (i = 0; i < r->nauth; i++) {
		if (r->auth[i].kind != AGG_AUTH_DKIM ||
		    !is_pass(r->auth[i].result))
			continue;
		d = catalog_match_dkim(cx->cat, r->auth[i].domain);
		if (d == s)
			v->signals |= CLS_SIG_DKIM;
	}
	if (ip->spf_services != NULL && in_list(ip->spf_services, s->key))
		v->signals |= CLS_SIG_SPF;
	if (ip->ptr != NULL && catalog_match_ptr(cx->cat, ip->ptr) == s)
		v->signals |= CLS_SIG_PTR;
}

/* A passing signature of another organization than the From domain's,
 * and not the named service's own. */
static bool
third_party_dkim(const struct cls_ctx *cx, const struct cls_record *r,
    const char *from, const struct cls_verdict *v)
{
	const struct agg_auth *a;
	size_t i;

	for (i = 0; i < r->nauth; i++) {
		a = &r->auth[i];
		if (a->kind != AGG_AUTH_DKIM || !is_pass(a->result) ||
		    a->domain == NULL || *a->domain == '\0')
			continue;
		/* the organization's own name, even under adkim=s */
		if (cls_aligned(cx->od, a->domain, from, "r"))
			continue;
		if (v->svc != NULL &&
		    catalog_match_dkim(cx->cat, a->domain) == v->svc)
			continue;
		return true;
	}
	return false;
}

void
cls_classify(const struct cls_ctx *cx, const struct cls_record *r,
    const struct cls_ip *ip, struct cls_verdict *v)
{
	static const struct cls_ip none;
	const char *from = r->header_from;

	memset(v, 0, sizeof(*v));
	if (ip == NULL)
		ip = &none;
	if (from == NULL || *from == '\0')
		from = r->policy_domain;
	alignment(cx, r, from, v);
	name_service(cx, r, ip, v);
	if (v->dmarc_pass)
		v->shape = CLS_PASS;
	else if (fwd_reason(r->reasons))
		v->shape = CLS_FWD_REASON;
	else if (!v->spf_pass && third_party_dkim(cx, r, from, v))
		v->shape = CLS_FWD_DKIM;
	else if (v->spf_pass || v->dkim_pass)
		v->shape = CLS_FAIL_AUTH;
	else
		v->shape = CLS_FAIL;
}
