/*
 * check_net.c: the transport stage (check_net.h): the policy host's
 * addresses on the check's resolver, the fetch and the probes as jobs on
 * worker threads, and the findings once a domain's jobs are all done.
 */
#include <stdlib.h>
#include <string.h>

#include "check/check_net_int.h"

static void
finish(struct check_net_run *nr)
{
	struct check_run *run = nr->run;
	struct check_result *r = &run->res;
	size_t i;

	if (!run->nomem) {
		if (nr->cn->o.policy != NULL && run->sts_id != NULL)
			check_net_sts_draft(nr);
		else if (nr->fetch != NULL)
			check_net_sts_fetched(nr);
	}
	if (!run->nomem && nr->nprobe > 0) {
		r->mx_tls = arena_zalloc(run->a, nr->nprobe *
		    sizeof(*r->mx_tls));
		if (r->mx_tls == NULL)
			run->nomem = true;
	}
	for (i = 0; !run->nomem && i < nr->nprobe; i++)
		check_net_smtp_probed(nr, nr->probe[i]);
	if (nr->fetch != NULL)
		arena_free(nr->fetch->a);
	for (i = 0; i < nr->nprobe; i++)
		arena_free(nr->probe[i]->a);
	check_stage_done(run);
}

/* One unit of the domain's transport work is over. */
static void
unit_done(struct check_net_run *nr)
{
	if (--nr->left == 0)
		finish(nr);
}

static void
job_run(struct check_job *cj)
{
	struct net_job *j = (struct net_job *)cj;

	if (j->kind == NET_JOB_FETCH)
		j->err = mtasts_fetch(j->a, j->name, &j->so.net, &j->fetch);
	else
		j->err = smtp_probe(j->a, j->name, &j->so, &j->probe);
}

static void
job_done(struct check_job *cj)
{
	unit_done(((struct net_job *)cj)->nr);
}

static size_t
count_addrs(const struct check_ans *q)
{
	return q->done && q->err == DW_OK && q->ans != NULL ? q->ans->n : 0;
}

static void
copy_addrs(const struct check_ans *q, bool v6, struct net_addr *out,
    size_t *n)
{
	size_t i, k = count_addrs(q);

	for (i = 0; i < k; i++) {
		memset(&out[*n], 0, sizeof(out[*n]));
		out[*n].v6 = v6;
		memcpy(out[*n].a, q->ans->rr[i].u.addr, v6 ? 16 : 4);
		(*n)++;
	}
}

/*
 * A job for name with the addresses of the answers a and aaaa (at least
 * one), submitted to the pool.  NULL when memory ran out (the run is
 * marked).
 */
static struct net_job *
job_new(struct check_net_run *nr, enum net_job_kind kind, const char *name,
    const struct check_ans *a, const struct check_ans *aaaa)
{
	const struct check_net_opts *o = &nr->cn->o;
	struct check_run *run = nr->run;
	struct net_job *j;
	size_t n = count_addrs(a) + count_addrs(aaaa), k = 0;

	j = arena_zalloc(run->a, sizeof(*j));
	if (j == NULL || (j->a = arena_new(CHECK_NET_ARENA_MAX)) == NULL)
		goto nomem;
	j->addrs = arena_alloc(j->a, n * sizeof(*j->addrs));
	if (j->addrs == NULL)
		goto nomem;
	copy_addrs(a, false, j->addrs, &k);
	copy_addrs(aaaa, true, j->addrs, &k);
	j->nr = nr;
	j->kind = kind;
	j->name = name;
	j->so.net.addrs = j->addrs;
	j->so.net.naddrs = k;
	j->so.net.ca_file = o->ca_file;
	j->so.net.allow_loopback = o->allow_loopback;
	j->so.net.port = kind == NET_JOB_FETCH ? o->https_port : o->smtp_port;
	j->so.net.timeout_ms = o->timeout_ms;
	j->so.net.connect_timeout_ms = o->connect_timeout_ms;
	j->so.ehlo_name = o->ehlo_name;
	j->job.run = job_run;
	j->job.done = job_done;
	if (check_pool_submit(nr->cn->pool, &j->job) != DW_OK)
		goto nomem;
	nr->left++;
	return j;
nomem:
	if (j != NULL)
		arena_free(j->a);
	run->nomem = true;
	return NULL;
}

/* Both address lookups of the policy host are answered. */
static void
lookup_done(struct check_net_run *nr)
{
	if (nr->looked_up || !nr->a.done || !nr->aaaa.done)
		return;
	nr->looked_up = true;
	if (!nr->run->nomem && count_addrs(&nr->a) + count_addrs(&nr->aaaa)
	    == 0)
		check_net_sts_no_address(nr);
	else if (!nr->run->nomem)
		nr->fetch = job_new(nr, NET_JOB_FETCH, nr->run->domain,
		    &nr->a, &nr->aaaa);
	unit_done(nr);
}

struct net_query {
	struct check_net_run	*nr;
	struct check_ans	*q;
};

static void
query_cb(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct net_query *c = arg;

	c->q->err = err;
	c->q->ans = ans;
	c->q->done = true;
	if (err == DW_ENOMEM)
		c->nr->run->nomem = true;
	lookup_done(c->nr);
}

static void
query(struct check_net_run *nr, struct check_ans *q, enum dns_type type)
{
	struct check_run *run = nr->run;
	struct net_query *c = arena_alloc(run->a, sizeof(*c));
	enum dw_err err = DW_ENOMEM;

	q->name = nr->host;
	q->ans = NULL;
	q->done = false;
	if (c != NULL) {
		c->nr = nr;
		c->q = q;
		err = dns_submit(check_run_resolver(run), run->a, nr->host,
		    type, query_cb, c);
	}
	if (err != DW_OK) {
		q->err = err;
		q->done = true;
		if (err == DW_ENOMEM)
			run->nomem = true;
	}
}

/* mta-sts.<domain>: its addresses, then the fetch. */
static void
sts_start(struct check_net_run *nr)
{
	struct check_run *run = nr->run;

	if (strlen(nr->host) > DNS_NAME_MAX) {
		check_add(run, CF_STS_UNREACHABLE, nr->host, NULL, NULL, NULL,
		    "%s: the policy host name is over %d bytes: no sender "
		    "can fetch the policy", nr->host, DNS_NAME_MAX);
		return;
	}
	nr->left++;
	query(nr, &nr->a, DNS_T_A);
	query(nr, &nr->aaaa, DNS_T_AAAA);
	lookup_done(nr);
}

/* A probe for every MX host that has an address (the others have their
 * DNS findings already). */
static void
probes_start(struct check_net_run *nr)
{
	struct check_run *run = nr->run;
	const struct check_mx *mx = &run->mx;
	struct net_job *j;
	size_t i;

	if (mx->nhosts == 0)
		return;
	nr->probe = arena_zalloc(run->a, mx->nhosts * sizeof(*nr->probe));
	if (nr->probe == NULL) {
		run->nomem = true;
		return;
	}
	for (i = 0; i < mx->nhosts && !run->nomem; i++) {
		const struct check_mx_host *h = &mx->hosts[i];

		if (h->literal || count_addrs(&h->a) + count_addrs(&h->aaaa)
		    == 0)
			continue;
		if (!net_host_ok(h->host)) {
			check_add(run, CF_SMTP_UNREACHABLE, h->host, NULL,
			    NULL, NULL, "MX %s is not a usable host name; "
			    "not probed", h->host);
			continue;
		}
		j = job_new(nr, NET_JOB_PROBE, h->host, &h->a, &h->aaaa);
		if (j != NULL)
			nr->probe[nr->nprobe++] = j;
	}
}

static enum dw_err
net_start(struct check_run *run, void *arg)
{
	struct check_net *cn = arg;
	struct check_net_run *nr;

	if (run->not_found || run->nomem) {
		check_stage_done(run);
		return DW_OK;
	}
	nr = arena_zalloc(run->a, sizeof(*nr));
	if (nr == NULL) {
		run->nomem = true;
		check_stage_done(run);
		return DW_OK;
	}
	run->net = nr;
	nr->cn = cn;
	nr->run = run;
	nr->left = 1;		/* a hold while starting */
	nr->host = check_fmt(run, MTASTS_FETCH_PREFIX "%s", run->domain);
	if (!run->nomem && run->sts_id != NULL && cn->o.policy == NULL &&
	    cn->o.fetch_sts)
		sts_start(nr);
	if (cn->o.probe_smtp)
		probes_start(nr);
	unit_done(nr);
	return DW_OK;
}

static size_t
net_poll(void *arg, int timeout_ms)
{
	struct check_net *cn = arg;

	return check_pool_poll(cn->pool, timeout_ms);
}

enum dw_err
check_net_new(const struct check_net_opts *o, struct check_net **out)
{
	struct net_opts no;
	struct check_net *cn;

	*out = NULL;
	memset(&no, 0, sizeof(no));
	no.ca_file = o->ca_file;
	if (net_opts_check(&no) != DW_OK)
		return DW_EINVAL;
	cn = calloc(1, sizeof(*cn));
	if (cn == NULL)
		return DW_ENOMEM;
	cn->o = *o;
	cn->pool = check_pool_new(o->threads != 0 ? o->threads :
	    CHECK_NET_THREADS);
	if (cn->pool == NULL) {
		free(cn);
		return DW_ENOMEM;
	}
	cn->stage.name = "transport";
	cn->stage.start = net_start;
	cn->stage.arg = cn;
	cn->stage.poll = net_poll;
	*out = cn;
	return DW_OK;
}

void
check_net_free(struct check_net *cn)
{
	if (cn == NULL)
		return;
	check_pool_free(cn->pool);
	free(cn);
}

const struct check_stage *
check_net_stage(struct check_net *cn)
{
	return &cn->stage;
}
