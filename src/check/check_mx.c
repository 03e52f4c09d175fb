/*
 * check_mx.c: the domain's MX records (RFC 5321 §5.1), the null MX
 * (RFC 7505), and the addresses of every MX host.  The MX query also
 * tells whether the domain exists at all.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check/check_int.h"

static int
cmp_host(const void *a, const void *b)
{
	const struct check_mx_host *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->host, y->host);
}

static bool
is_literal(const char *h)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, h, buf) == 1 ||
	    inet_pton(AF_INET6, h, buf) == 1;
}

/* The MX answer: the hosts, sorted and without repeats, then their
 * addresses. */
static void
mx_cb(struct check_run *run, struct check_ans *q)
{
	struct check_mx *mx = &run->mx;
	const struct dns_answer *ans = q->ans;
	size_t i, n = 0;

	if (q->err != DW_OK || ans == NULL || ans->n == 0)
		return;
	mx->hosts = arena_zalloc(run->a, ans->n * sizeof(*mx->hosts));
	if (mx->hosts == NULL) {
		run->nomem = true;
		return;
	}
	for (i = 0; i < ans->n; i++) {
		const char *h = ans->rr[i].u.mx.host;

		if (h == NULL || *h == '\0' || strcmp(h, ".") == 0) {
			mx->null_mx = true;
			continue;
		}
		mx->hosts[n].host = check_clean(run, h, strlen(h));
		mx->hosts[n].pref = ans->rr[i].u.mx.pref;
		n++;
	}
	qsort(mx->hosts, n, sizeof(*mx->hosts), cmp_host);
	for (i = 0; i < n; i++)
		if (mx->nhosts == 0 || strcmp(mx->hosts[mx->nhosts - 1].host,
		    mx->hosts[i].host) != 0)
			mx->hosts[mx->nhosts++] = mx->hosts[i];
	if (mx->nhosts > CHECK_MX_MAX) {
		mx->ndropped = mx->nhosts - CHECK_MX_MAX;
		mx->nhosts = CHECK_MX_MAX;
	}
	mx->names = arena_zalloc(run->a, (mx->nhosts + 1) *
	    sizeof(*mx->names));
	if (mx->names == NULL) {
		run->nomem = true;
		return;
	}
	for (i = 0; i < mx->nhosts; i++) {
		struct check_mx_host *h = &mx->hosts[i];

		mx->names[i] = h->host;
		h->literal = is_literal(h->host);
		if (h->literal)
			continue;
		check_query(run, h->host, DNS_T_A, &h->a, NULL);
		check_query(run, h->host, DNS_T_AAAA, &h->aaaa, NULL);
	}
}

void
check_mx_start(struct check_run *run)
{
	check_query(run, run->domain, DNS_T_MX, &run->mx.q, mx_cb);
}

static bool
has_addr(const struct check_ans *q)
{
	return q->err == DW_OK && q->ans != NULL && q->ans->n > 0;
}

static bool
is_temp(const struct check_ans *q)
{
	return q->err != DW_OK && q->err != DW_EDNS_PERM;
}

static void
host_findings(struct check_run *run, const struct check_mx_host *h)
{
	if (h->literal) {
		check_add(run, CF_MX_ADDRESS, run->domain, NULL, NULL, NULL,
		    "MX %u %s", h->pref, h->host);
		return;
	}
	if ((h->a.ans != NULL && h->a.ans->ncname > 0) ||
	    (h->aaaa.ans != NULL && h->aaaa.ans->ncname > 0))
		check_add(run, CF_MX_CNAME, h->host, NULL, NULL, NULL,
		    "MX %u %s is an alias of %s", h->pref, h->host,
		    h->a.ans != NULL && h->a.ans->ncname > 0 ?
		    h->a.ans->canon : h->aaaa.ans->canon);
	if (has_addr(&h->a) || has_addr(&h->aaaa))
		return;
	if (is_temp(&h->a) || is_temp(&h->aaaa))
		check_temporary(run, is_temp(&h->a) ? &h->a : &h->aaaa);
	else
		check_add(run, CF_MX_UNRESOLVABLE, h->host, NULL, NULL, NULL,
		    "MX %u %s: A %s, AAAA %s", h->pref, h->host,
		    check_ans_why(&h->a), check_ans_why(&h->aaaa));
}

/* "10 mx1.example.org" per line, as the history keeps it. */
static void
history(struct check_run *run)
{
	const struct check_mx *mx = &run->mx;
	struct buf b;
	size_t i;

	buf_init(&b, CHECK_VALUE_MAX);
	if (mx->null_mx)
		(void)buf_puts(&b, "0 .");
	for (i = 0; i < mx->nhosts; i++)
		if (buf_printf(&b, "%s%u %s", b.len ? "\n" : "",
		    mx->hosts[i].pref, mx->hosts[i].host) != DW_OK)
			break;
	check_mx_record(run, b.len > 0 ? arena_strndup(run->a, buf_str(&b),
	    b.len) : NULL);
	buf_fini(&b);
}

void
check_mx_finish(struct check_run *run)
{
	const struct check_mx *mx = &run->mx;
	size_t i;

	if (mx->q.err == DW_EDNS_PERM) {
		run->not_found = true;
		check_add(run, CF_DOMAIN_NOT_FOUND, run->domain, NULL, NULL,
		    NULL, "%s: NXDOMAIN", run->domain);
		return;
	}
	if (is_temp(&mx->q)) {
		check_temporary(run, &mx->q);
		return;
	}
	history(run);
	if (mx->nhosts == 0 && !mx->null_mx) {
		check_add(run, CF_MX_NONE, run->domain, run->domain, "MX",
		    "0 .", "%s has no MX record", run->domain);
		return;
	}
	if (mx->null_mx && mx->nhosts > 0)
		check_add(run, CF_MX_NULL_MIXED, run->domain, NULL, NULL, NULL,
		    "MX 0 . beside %zu other MX record%s", mx->nhosts,
		    mx->nhosts > 1 ? "s" : "");
	else if (mx->null_mx)
		check_add(run, CF_MX_NULL, run->domain, NULL, NULL, NULL,
		    "MX 0 .");
	if (mx->ndropped > 0)
		check_add(run, CF_DNS_TOO_MANY, run->domain, NULL, NULL, NULL,
		    "%zu MX hosts; the addresses of the first %d were checked",
		    mx->nhosts + mx->ndropped, CHECK_MX_MAX);
	for (i = 0; i < mx->nhosts; i++)
		host_findings(run, &mx->hosts[i]);
}

/* The DNSSEC status of the answers for the domain's own names. */
void
check_dnssec_finish(struct check_run *run)
{
	const struct check_ans *q[] = { &run->mx.q, &run->dmarc.walk[0] };
	enum dns_sec worst = DNS_SEC_UNCHECKED;
	const struct check_ans *bogus = NULL;
	size_t i;

	for (i = 0; i < 2; i++) {
		if (q[i]->ans == NULL)
			continue;
		if (q[i]->ans->sec == DNS_SEC_BOGUS && bogus == NULL)
			bogus = q[i];
		if (q[i]->ans->sec == DNS_SEC_INSECURE ||
		    (q[i]->ans->sec == DNS_SEC_SECURE &&
		    worst == DNS_SEC_UNCHECKED))
			worst = q[i]->ans->sec;
	}
	if (bogus != NULL)
		worst = DNS_SEC_BOGUS;
	run->res.dnssec = worst;
	if (bogus != NULL)
		check_add(run, CF_DNSSEC_BOGUS, bogus->name, NULL, NULL, NULL,
		    "%s: %s", bogus->name, check_ans_why(bogus));
	else if (worst == DNS_SEC_INSECURE)
		check_add(run, CF_DNSSEC_UNSIGNED, run->domain, NULL, NULL,
		    NULL, "answers for %s validate as insecure (no DNSSEC "
		    "chain of trust)", run->domain);
}
