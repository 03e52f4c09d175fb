/*
 * dns_unbound.c: real DNS through libunbound, asynchronous.
 *
 * Queries go out with ub_resolve_async(), at most max_inflight at once
 * (the rest wait in a FIFO); dns_wait() polls the context's descriptor,
 * runs ub_process() and cancels any query past its own deadline, which
 * then reports DW_EDNS_TEMP.  libunbound's callback only converts the
 * result; the caller's callbacks run afterwards, outside ub_process(),
 * so they may submit more queries.
 *
 * Every option is set and checked before the first query: a context
 * that failed to take its upstream would recurse from the root servers.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unbound.h>

#include "base/mono.h"
#include "dns.h"
#include "dns_wire.h"

struct ubq {
	struct ubr	*u;
	int		 id;
	struct arena	*a;
	char		*name;
	enum dns_type	 type;
	DNS_CB(cb);
	void		*arg;
	double		 deadline;
	enum dw_err	 err;
	struct dns_answer *ans;
	struct ubq	*next, *prev;
};

struct ubq_list {
	struct ubq	*head, *tail;
	size_t		 n;
};

struct ubr {
	struct dns_resolver	 r;	/* first: the public face */
	struct ub_ctx		*ctx;
	double			 timeout;	/* seconds */
	size_t			 max_inflight;
	bool			 has_ta;
	struct ubq_list		 waiting, inflight, done;
};

static void
list_push(struct ubq_list *l, struct ubq *q)
{
	q->next = NULL;
	q->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = q;
	else
		l->head = q;
	l->tail = q;
	l->n++;
}

static void
list_del(struct ubq_list *l, struct ubq *q)
{
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		l->head = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	else
		l->tail = q->prev;
	l->n--;
}

static enum dw_err
conv_data(struct ubq *q, struct ub_result *res, struct dns_answer *ans)
{
	enum dw_err err;
	size_t n = 0, i;

	while (res->data[n] != NULL)
		n++;
	ans->rr = arena_zalloc(q->a, (n ? n : 1) * sizeof(*ans->rr));
	if (ans->rr == NULL)
		return DW_ENOMEM;
	for (i = 0; i < n; i++) {
		if (res->len[i] < 0)
			return DW_ESYNTAX;
		ans->rr[i].ttl = ans->ttl;
		err = dns_wire_rr(q->a, q->type, (const uint8_t *)res->data[i],
		    (size_t)res->len[i], &ans->rr[i]);
		if (err != DW_OK)
			return err;
	}
	ans->n = n;
	return DW_OK;
}

static const char *
rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR",
	    "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };

	if (rcode >= 0 && (size_t)rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	return "an unknown rcode";
}

/* A temporary failure with its reason; DW_ENOMEM when that fails. */
static enum dw_err
temp(struct ubq *q, const char *why)
{
	q->ans->why = arena_strdup(q->a, why);
	return q->ans->why == NULL ? DW_ENOMEM : DW_EDNS_TEMP;
}

/* ub_result → answer; the three outcomes and the DNSSEC status. */
static enum dw_err
convert(struct ubq *q, struct ub_result *res)
{
	struct dns_answer *ans = arena_zalloc(q->a, sizeof(*ans));
	enum dw_err err;

	if (ans == NULL)
		return DW_ENOMEM;
	q->ans = ans;
	ans->type = q->type;
	ans->qname = q->name;
	ans->canon = q->name;
	ans->ttl = res->ttl > 0 ? (uint32_t)res->ttl : 0;
	ans->wire_len = res->answer_len > 0 ? (size_t)res->answer_len : 0;
	ans->ncname = dns_wire_count_cnames(res->answer_packet,
	    ans->wire_len);
	if (res->canonname != NULL && ans->ncname > 0) {
		char tmp[DNS_NAME_MAX + 2];

		if (dns_name_norm(res->canonname, tmp, sizeof(tmp)) == DW_OK)
			ans->canon = arena_strdup(q->a, tmp);
		if (ans->canon == NULL)
			return DW_ENOMEM;
	}
	if (q->u->has_ta)
		ans->sec = res->secure ? DNS_SEC_SECURE : res->bogus ?
		    DNS_SEC_BOGUS : DNS_SEC_INSECURE;
	if (res->bogus) {
		char why[512];

		snprintf(why, sizeof(why), "DNSSEC bogus: %s", res->why_bogus
		    != NULL ? res->why_bogus : "validation failed");
		return temp(q, why);
	}
	if (res->nxdomain || res->rcode == 3)
		return DW_EDNS_PERM;
	if (res->rcode != 0)
		return temp(q, rcode_name(res->rcode));
	if (ans->ncname > DNS_CNAME_MAX) {
		char why[64];

		snprintf(why, sizeof(why), "a CNAME chain longer than %d",
		    DNS_CNAME_MAX);
		return temp(q, why);
	}
	if (!res->havedata)
		return DW_OK;	/* NODATA */
	err = conv_data(q, res, ans);
	/* a malformed answer is the server's failure, not "no record" */
	return err == DW_ESYNTAX ? temp(q, "malformed answer") : err;
}

/* An answer carrying only the outcome (and why, for DW_EDNS_TEMP). */
static enum dw_err
fail(struct ubq *q, enum dw_err err, const char *why)
{
	q->ans = arena_zalloc(q->a, sizeof(*q->ans));
	if (q->ans == NULL)
		return DW_ENOMEM;
	q->ans->type = q->type;
	q->ans->qname = q->name;
	q->ans->canon = q->name;
	if (err == DW_EDNS_TEMP)
		return temp(q, why);
	return err;
}

static void
ub_done(void *arg, int uerr, struct ub_result *res)
{
	struct ubq *q = arg;
	struct ubr *u = q->u;

	list_del(&u->inflight, q);
	if (uerr != 0 || res == NULL)
		q->err = fail(q, DW_EDNS_TEMP, ub_strerror(uerr));
	else
		q->err = convert(q, res);
	if (res != NULL)
		ub_resolve_free(res);
	list_push(&u->done, q);
}

static void
start(struct ubr *u, struct ubq *q)
{
	int rc;

	q->deadline = mono_now() + u->timeout;
	list_push(&u->inflight, q);
	rc = ub_resolve_async(u->ctx, q->name, (int)q->type, 1, q, ub_done,
	    &q->id);
	if (rc != 0) {
		list_del(&u->inflight, q);
		q->err = fail(q, rc == UB_SYNTAX ? DW_EDNS_PERM : DW_EDNS_TEMP,
		    ub_strerror(rc));
		list_push(&u->done, q);
	}
}

static void
start_waiting(struct ubr *u)
{
	struct ubq *q;

	while (u->waiting.head != NULL && u->inflight.n < u->max_inflight) {
		q = u->waiting.head;
		list_del(&u->waiting, q);
		start(u, q);
	}
}

static enum dw_err
ubr_submit(struct dns_resolver *r, struct arena *a, const char *name,
    enum dns_type type, DNS_CB(cb), void *arg)
{
	struct ubr *u = (struct ubr *)r;
	struct ubq *q = calloc(1, sizeof(*q));
	char tmp[DNS_NAME_MAX + 2];

	if (q == NULL)
		return DW_ENOMEM;
	q->u = u;
	q->a = a;
	q->type = type;
	q->cb = cb;
	q->arg = arg;
	q->err = DW_EDNS_TEMP;
	if (dns_name_norm(name, tmp, sizeof(tmp)) != DW_OK) {
		/* no such name can exist: NXDOMAIN without asking */
		q->name = arena_strdup(a, name);
		q->err = DW_EDNS_PERM;
		list_push(&u->done, q);
	} else {
		q->name = arena_strdup(a, tmp);
		list_push(&u->waiting, q);
	}
	if (q->name == NULL) {
		list_del(q->err == DW_EDNS_PERM ? &u->done : &u->waiting, q);
		free(q);
		return DW_ENOMEM;
	}
	return DW_OK;
}

static void
run_done(struct ubr *u)
{
	struct ubq *q;

	while ((q = u->done.head) != NULL) {
		list_del(&u->done, q);
		q->cb(q->arg, q->err, q->err == DW_OK ||
		    q->err == DW_EDNS_PERM || q->err == DW_EDNS_TEMP ?
		    q->ans : NULL);
		free(q);
	}
}

/*
 * Cancels what passed its deadline: a timeout is a temporary failure.
 * Every query gets the same timeout and joins the tail of inflight when
 * it starts, so deadlines grow along the list: only the head can be due.
 * Returns the seconds until the next deadline (0: none in flight).
 */
static double
expire(struct ubr *u)
{
	double t = mono_now();
	struct ubq *q;
	char why[64];

	while ((q = u->inflight.head) != NULL && q->deadline <= t) {
		(void)ub_cancel(u->ctx, q->id);
		list_del(&u->inflight, q);
		snprintf(why, sizeof(why), "timeout after %.0f ms",
		    u->timeout * 1000);
		q->err = fail(q, DW_EDNS_TEMP, why);
		list_push(&u->done, q);
	}
	return q != NULL ? q->deadline - t : 0;
}

static enum dw_err
step(struct ubr *u, bool block)
{
	struct pollfd pfd;
	double left;

	start_waiting(u);
	if (u->inflight.n > 0) {
		left = expire(u);
		pfd.fd = ub_fd(u->ctx);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, block ? (int)(left * 1000) + 1 : 0) > 0 &&
		    ub_process(u->ctx) != 0)
			return DW_EIO;
		(void)expire(u);
	}
	run_done(u);
	return DW_OK;
}

static enum dw_err
ubr_wait(struct dns_resolver *r)
{
	struct ubr *u = (struct ubr *)r;
	enum dw_err err;

	while (u->waiting.n + u->inflight.n + u->done.n > 0) {
		err = step(u, true);
		if (err != DW_OK)
			return err;
	}
	return DW_OK;
}

static enum dw_err
ubr_poll(struct dns_resolver *r)
{
	return step((struct ubr *)r, false);
}

static size_t
ubr_pending(const struct dns_resolver *r)
{
	const struct ubr *u = (const struct ubr *)r;

	return u->waiting.n + u->inflight.n + u->done.n;
}

static void
free_list(struct ubq_list *l)
{
	struct ubq *q;

	while ((q = l->head) != NULL) {
		list_del(l, q);
		free(q);
	}
}

static void
ubr_free(struct dns_resolver *r)
{
	struct ubr *u = (struct ubr *)r;

	ub_ctx_delete(u->ctx);	/* cancels what is in flight */
	free_list(&u->inflight);
	free_list(&u->waiting);
	free_list(&u->done);
	free(u);
}

static const struct dns_resolver_ops ubr_ops = {
	"libunbound", ubr_submit, ubr_wait, ubr_poll, ubr_pending, ubr_free,
};

static enum dw_err
set(struct ub_ctx *ctx, const char *opt, const char *val, struct dw_error *e)
{
	int rc = ub_ctx_set_option(ctx, opt, val);

	if (rc != 0)
		return dw_fail(e, DW_EINVAL, "resolver option %s %s: %s", opt,
		    val, ub_strerror(rc));
	return DW_OK;
}

/*
 * A trust anchor file must hold at least one DS or DNSKEY record:
 * libunbound takes an empty file (or one of comments) without a word and
 * then validates nothing.  Its syntax is libunbound's to judge.
 */
static enum dw_err
ta_check(const char *path, struct dw_error *e)
{
	char line[4096];
	bool found = false;
	size_t bytes = 0;
	FILE *fp;

	fp = fopen(path, "r");
	if (fp == NULL)
		return dw_fail(e, DW_EINVAL, "trust anchor %s: cannot read: "
		    "%s", path, strerror(errno));
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		const char *p = line;
		size_t n;

		bytes += strlen(line);
		if (bytes > DNS_TA_FILE_MAX)
			break;
		/* a whitespace-separated word "DS" or "DNSKEY" before any
		 * ';' comment */
		while (*(p += strspn(p, " \t\r\n")) != '\0' && *p != ';') {
			n = strcspn(p, " \t\r\n");
			if ((n == 2 && strncmp(p, "DS", 2) == 0) ||
			    (n == 6 && strncmp(p, "DNSKEY", 6) == 0))
				found = true;
			p += n;
		}
	}
	if (ferror(fp)) {
		fclose(fp);
		return dw_fail(e, DW_EINVAL, "trust anchor %s: cannot read",
		    path);
	}
	fclose(fp);
	if (bytes > DNS_TA_FILE_MAX)
		return dw_fail(e, DW_EINVAL, "trust anchor %s: larger than "
		    "%d bytes", path, DNS_TA_FILE_MAX);
	if (!found)
		return dw_fail(e, DW_EINVAL, "trust anchor %s: no DS or "
		    "DNSKEY record in it", path);
	return DW_OK;
}

/* The first "error: " line libunbound logged, without its prefix. */
static void
first_error(const char *log, char *out, size_t sz)
{
	const char *p = log != NULL ? strstr(log, "error: ") : NULL;
	size_t n;

	if (p == NULL) {
		snprintf(out, sz, "refused (no reason given)");
		return;
	}
	p += strlen("error: ");
	n = strcspn(p, "\n");
	snprintf(out, sz, "%.*s", (int)(n < sz ? n : sz - 1), p);
}

/*
 * Makes libunbound apply the whole configuration now (removing a zone
 * that was never added changes nothing else), so a bad trust anchor is
 * an error here, with libunbound's reason, and not a failure of every
 * query later.  Any option set after this is refused by libunbound.
 */
static enum dw_err
finalize(struct ubr *u, const struct dns_unbound_opts *o,
    struct dw_error *e)
{
	char *log = NULL, why[512];
	size_t loglen = 0;
	FILE *mem;
	int rc;

	mem = open_memstream(&log, &loglen);
	if (mem == NULL)
		return dw_fail(e, DW_ENOMEM, "resolver: out of memory");
	(void)ub_ctx_debugout(u->ctx, mem);
	rc = ub_ctx_zone_remove(u->ctx, "dmarcward-finalize.invalid");
	(void)ub_ctx_debugout(u->ctx, stderr);
	fclose(mem);
	first_error(log, why, sizeof(why));
	free(log);
	if (rc == 0)
		return DW_OK;
	if (o->trust_anchor != NULL)
		return dw_fail(e, DW_EINVAL, "trust anchor %s: %s",
		    o->trust_anchor, why);
	return dw_fail(e, DW_EINVAL, "resolver: %s: %s", ub_strerror(rc),
	    why);
}

static enum dw_err
configure(struct ubr *u, const struct dns_unbound_opts *o,
    struct dw_error *e)
{
	enum dw_err err;
	int rc;

	rc = ub_ctx_async(u->ctx, 1);	/* a thread, not a fork */
	if (rc != 0)
		return dw_fail(e, DW_EINVAL, "resolver: %s", ub_strerror(rc));
	/* a loopback upstream must be allowed; no search of /etc/hosts */
	err = set(u->ctx, "do-not-query-localhost:", "no", e);
	if (err == DW_OK)
		err = set(u->ctx, "outgoing-range:", "1024", e);
	if (err == DW_OK)
		err = set(u->ctx, "num-queries-per-thread:", "1024", e);
	if (err != DW_OK)
		return err;
	if (o->upstream != NULL) {
		rc = ub_ctx_set_fwd(u->ctx, o->upstream);
		if (rc != 0)
			return dw_fail(e, DW_EINVAL, "resolver %s: %s",
			    o->upstream, ub_strerror(rc));
	} else {
		rc = ub_ctx_resolvconf(u->ctx, NULL);
		if (rc != 0)
			return dw_fail(e, DW_EINVAL,
			    "resolver: /etc/resolv.conf: %s",
			    ub_strerror(rc));
	}
	if (o->trust_anchor != NULL) {
		err = ta_check(o->trust_anchor, e);
		if (err != DW_OK)
			return err;
		rc = ub_ctx_add_ta_file(u->ctx, o->trust_anchor);
		if (rc != 0)
			return dw_fail(e, DW_EINVAL, "trust anchor %s: %s",
			    o->trust_anchor, ub_strerror(rc));
		u->has_ta = true;
	}
	return finalize(u, o, e);
}

enum dw_err
dns_unbound_new(const struct dns_unbound_opts *o, struct dns_resolver **out,
    struct dw_error *e)
{
	struct ubr *u;
	enum dw_err err;

	*out = NULL;
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return DW_ENOMEM;
	u->r.ops = &ubr_ops;
	u->timeout = (o->timeout_ms ? o->timeout_ms : DNS_UNBOUND_TIMEOUT) /
	    1000.0;
	u->max_inflight = o->max_inflight ? o->max_inflight :
	    DNS_UNBOUND_INFLIGHT;
	u->ctx = ub_ctx_create();
	if (u->ctx == NULL) {
		free(u);
		return dw_fail(e, DW_ENOMEM, "resolver: cannot create");
	}
	err = configure(u, o, e);
	if (err != DW_OK) {
		ub_ctx_delete(u->ctx);
		free(u);
		return err;
	}
	*out = &u->r;
	return DW_OK;
}
