/*
 * check_transport.c: the findings of the transport stage (check_net.h):
 * what went wrong fetching the MTA-STS policy, the policy itself (its
 * validity, mode, MX coverage, max_age, a change without a new id), and
 * each MX's STARTTLS probe.  Runs on the thread of check_many(), once a
 * domain's fetch and probes are all done; every string kept is copied
 * into the run's arena, since the jobs' arenas go next.
 */
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "check/check_net_int.h"

#define GROUP_TEXT_MAX	900	/* bytes of details joined in one finding
				 * (check_add keeps 1023) */
#define ERRORS_LISTED	8	/* parser errors named in one finding */

/* ---- transport diagnostics as findings ---- */

/* The finding a diagnostic belongs to; CF__COUNT: none. */
typedef enum check_fid (*map_fn)(const struct net_diag *d, const void *ctx);

/*
 * One finding per finding id, in the order of the first diagnostic that
 * maps to it, with the details of all of them ("; " between; past
 * GROUP_TEXT_MAX, how many more).
 */
static void
add_diags(struct check_run *run, const char *subject,
    const struct net_diags *nd, map_fn map, const void *ctx)
{
	bool used[NET_DIAG_MAX];
	size_t i, k, more, dlen, dropped = nd->dropped;
	enum check_fid fid;
	struct buf b;

	memset(used, 0, sizeof(used));
	for (i = 0; i < nd->n; i++) {
		fid = map(&nd->d[i], ctx);
		if (used[i] || fid == CF__COUNT)
			continue;
		buf_init(&b, GROUP_TEXT_MAX + 1);
		more = dropped;
		dropped = 0;
		for (k = i; k < nd->n; k++) {
			if (used[k] || map(&nd->d[k], ctx) != fid)
				continue;
			used[k] = true;
			dlen = strlen(nd->d[k].detail);
			if (b.len + dlen + 2 > GROUP_TEXT_MAX ||
			    buf_printf(&b, "%s%s", b.len > 0 ? "; " : "",
			    nd->d[k].detail) != DW_OK)
				more++;
		}
		if (more > 0)
			check_add(run, fid, subject, NULL, NULL, NULL,
			    "%s (and %zu more)", buf_str(&b), more);
		else
			check_add(run, fid, subject, NULL, NULL, NULL, "%s",
			    buf_str(&b));
		buf_fini(&b);
	}
}

static enum check_fid
sts_map(const struct net_diag *d, const void *ctx)
{
	(void)ctx;
	switch (d->code) {
	case NET_ADDR_NOT_PUBLIC:
		return CF_STS_HOST_NOT_PUBLIC;
	case NET_TLS_HANDSHAKE:
	case NET_TLS_OLD_VERSION:
	case NET_TLS_WEAK_CIPHER:
		return CF_STS_TLS;
	case NET_CERT_UNTRUSTED:
	case NET_CERT_EXPIRED:
	case NET_CERT_NOT_YET_VALID:
	case NET_CERT_NAME:
		return CF_STS_CERT;
	case NET_CERT_EXPIRES_SOON:
	case NET_CERT_WEAK_KEY:
		return CF_STS_CERT_WEAK;
	case NET_STS_REDIRECT:
		return CF_STS_REDIRECT;
	case NET_STS_HTTP_STATUS:
		return CF_STS_HTTP_STATUS;
	case NET_STS_CONTENT_TYPE:
		return CF_STS_CONTENT_TYPE;
	case NET_STS_TOO_LARGE:
		return CF_STS_TOO_LARGE;
	case NET_STS_POLICY_INVALID:
	case NET_STS_MX_NOT_COVERED:
	case NET_STS_MX_UNUSED:
	case NET_STS_NO_MX:
		return CF__COUNT;	/* the policy's own findings */
	default:
		return CF_STS_UNREACHABLE;	/* DNS, TCP, timeouts */
	}
}

struct smtp_ctx {
	enum smtp_probe_outcome	 outcome;
	bool			 sts_enforced;	/* an enforced MTA-STS
						 * policy covers the MX */
};

static enum check_fid
smtp_map(const struct net_diag *d, const void *arg)
{
	const struct smtp_ctx *c = arg;

	switch (d->code) {
	case NET_ADDR_NOT_PUBLIC:
		return CF_SMTP_HOST_NOT_PUBLIC;
	case NET_TLS_HANDSHAKE:
	case NET_SMTP_STARTTLS_REFUSED:
		return CF_SMTP_STARTTLS_FAILED;
	case NET_TLS_OLD_VERSION:
	case NET_TLS_WEAK_CIPHER:
		return CF_SMTP_TLS_WEAK;
	case NET_CERT_UNTRUSTED:
	case NET_CERT_EXPIRED:
	case NET_CERT_NOT_YET_VALID:
	case NET_CERT_NAME:
		return c->sts_enforced ? CF_SMTP_CERT_STS : CF_SMTP_CERT;
	case NET_CERT_EXPIRES_SOON:
	case NET_CERT_WEAK_KEY:
		return CF_SMTP_CERT_WEAK;
	case NET_SMTP_NO_STARTTLS:
		return CF_SMTP_NO_STARTTLS;
	case NET_SMTP_STARTTLS_EXTRA:
		return CF_SMTP_INJECTION;
	case NET_SMTP_GREETING:
	case NET_SMTP_BAD_REPLY:
	case NET_SMTP_REPLY_TOO_LONG:
	case NET_SMTP_EHLO_REFUSED:
		return CF_SMTP_PROTOCOL;
	case NET_TIMEOUT:
	case NET_CLOSED:
		if (c->outcome == SMTP_PROBE_UNREACHABLE)
			return CF_SMTP_UNREACHABLE;
		return c->outcome == SMTP_PROBE_TLS_FAILED ?
		    CF_SMTP_STARTTLS_FAILED : CF_SMTP_PROTOCOL;
	default:
		return CF_SMTP_UNREACHABLE;	/* refused connections */
	}
}

/* ---- the policy ---- */

static const char *
mode_name(enum mtasts_mode m)
{
	switch (m) {
	case MTASTS_MODE_ENFORCE:
		return "enforce";
	case MTASTS_MODE_TESTING:
		return "testing";
	case MTASTS_MODE_NONE:
		return "none";
	default:
		return NULL;
	}
}

static struct check_sts_policy *
summary(struct check_net_run *nr, const char *source, const char *outcome)
{
	struct check_run *run = nr->run;
	struct check_sts_policy *s = arena_zalloc(run->a, sizeof(*s));

	if (s == NULL) {
		run->nomem = true;
		return NULL;
	}
	s->host = nr->host;
	s->source = source;
	s->outcome = outcome;
	run->res.sts_policy = s;
	return s;
}

/* The policy as stored: lines without their CR, control bytes escaped,
 * no empty lines at the end. */
static const char *
policy_value(struct check_run *run, const char *s, size_t len)
{
	struct buf b;
	const char *out = NULL;
	size_t pos = 0, end, n;

	buf_init(&b, 4 * (size_t)MTASTS_POLICY_MAX + 64);
	while (pos < len && !run->nomem) {
		for (end = pos; end < len && s[end] != '\n'; end++)
			;
		n = end - pos;
		if (n > 0 && s[pos + n - 1] == '\r')
			n--;
		if (buf_printf(&b, "%s%s", pos > 0 ? "\n" : "",
		    check_clean(run, s + pos, n)) != DW_OK)
			run->nomem = true;
		pos = end + 1;
	}
	for (n = b.len; n > 0 && buf_str(&b)[n - 1] == '\n'; n--)
		;
	if (!run->nomem)
		out = check_value(run, buf_str(&b), n);
	buf_fini(&b);
	return out;
}

/* "mtasts.policy_bad_mode at byte 16, ..." */
static const char *
policy_errors(struct check_run *run, const struct diag_list *dl)
{
	const char *s = "";
	size_t i, n = 0;

	for (i = 0; i < dl->n; i++) {
		if (dl->d[i].sev != DIAG_ERR)
			continue;
		if (n++ < ERRORS_LISTED)
			s = check_fmt(run, "%s%s%s at byte %zu", s,
			    *s != '\0' ? ", " : "", diag_id(dl->d[i].code),
			    dl->d[i].off);
	}
	if (n > ERRORS_LISTED || dl->dropped > 0)
		s = check_fmt(run, "%s and %zu more", s, n - (n >
		    ERRORS_LISTED ? ERRORS_LISTED : n) + dl->dropped);
	return *s != '\0' ? s : "not valid";
}

/*
 * A policy finding whose fix is the _mta-sts record with a new id and,
 * when the domain takes mail, the policy file to serve with it.
 */
static void
sts_fix(struct check_net_run *nr, enum check_fid fid, const char *mode,
    uint64_t max_age, const char *text)
{
	struct check_run *run = nr->run;
	struct check_finding *f;

	f = check_add(run, fid, nr->host, run->sts.q.name, "TXT",
	    check_sts_new_record(run), "%s", text);
	if (f != NULL && run->mx.nhosts > 0 && !run->mx.null_mx)
		f->fix_file = check_sts_policy_file(run, mode,
		    (unsigned long)max_age);
}

static const char *
patterns(struct check_run *run, const struct mtasts_policy *p)
{
	const char *s = "";
	size_t i;

	for (i = 0; i < p->nmx; i++)
		s = check_fmt(run, "%s%s%s", s, i > 0 ? ", " : "", p->mx[i]);
	return s;
}

/* The policy's mx patterns against the MX hosts (RFC 8461 §4.1). */
static void
mx_findings(struct check_net_run *nr, const struct mtasts_policy *p,
    uint64_t age)
{
	struct check_run *run = nr->run;
	const struct check_mx *mx = &run->mx;
	struct mtasts_mx_cmp cmp;
	struct net_diags nd;
	const char *un = "", *unused = "";
	size_t i, nunused = 0;

	if (mx->nhosts == 0 || mx->null_mx)
		return;
	memset(&nd, 0, sizeof(nd));
	if (mtasts_mx_compare(run->a, p, mx->names, mx->nhosts, &cmp,
	    &nd) != DW_OK) {
		run->nomem = true;
		return;
	}
	for (i = 0; i < cmp.nmx; i++)
		if (!cmp.covered[i])
			un = check_fmt(run, "%s%s%s", un, *un ? ", " : "",
			    mx->names[i]);
	for (i = 0; i < cmp.npatterns; i++)
		if (!cmp.used[i]) {
			unused = check_fmt(run, "%s%s%s", unused,
			    *unused ? ", " : "", p->mx[i]);
			nunused++;
		}
	if (cmp.uncovered > 0)
		sts_fix(nr, p->mode == MTASTS_MODE_ENFORCE ?
		    CF_STS_MX_UNCOVERED : CF_STS_MX_UNCOVERED_TESTING,
		    mode_name(p->mode), age, check_fmt(run, "MX %s match%s "
		    "no mx pattern of the policy (mx: %s)", un,
		    cmp.uncovered > 1 ? "" : "es", patterns(run, p)));
	if (nunused > 0)
		sts_fix(nr, CF_STS_MX_UNUSED, mode_name(p->mode), age,
		    check_fmt(run, "policy pattern%s mx: %s match%s no MX "
		    "host", nunused > 1 ? "s" : "", unused, nunused > 1 ? "" :
		    "es"));
}

/* The id of the v=STSv1 line of a stored _mta-sts value, or NULL. */
static const char *
stored_id(struct check_run *run, const char *value)
{
	const char *line = value, *end;
	struct mtasts_record *r;
	struct diag_list dl;
	size_t n;

	while (line != NULL && *line != '\0') {
		end = strchr(line, '\n');
		n = end != NULL ? (size_t)(end - line) : strlen(line);
		diag_list_init(&dl);
		if (n >= 7 && strncmp(line, "v=STSv1", 7) == 0 &&
		    mtasts_record_parse(run->a, line, n, &r, &dl) == DW_OK &&
		    r->status == REC_VALID)
			return r->id;
		line = end != NULL ? end + 1 : NULL;
	}
	return NULL;
}

/*
 * Senders refetch only for a new id (RFC 8461 §3.1): a policy that
 * differs from the one stored while the record's id has not changed
 * since that one was stored.
 */
static void
id_unchanged(struct check_net_run *nr, const char *value)
{
	const struct check_net_opts *o = &nr->cn->o;
	struct check_run *run = nr->run;
	const char *pol = NULL, *txt = NULL, *id;
	int64_t tp = 0, tt = 0;
	char when[32];
	time_t t;
	struct tm tm;

	if (o->prev == NULL || value == NULL || run->sts_id == NULL)
		return;
	if (o->prev(o->prev_arg, run->a, run->domain, "mta-sts-policy",
	    nr->host, &pol, &tp) != DW_OK || pol == NULL ||
	    strcmp(pol, value) == 0)
		return;
	if (o->prev(o->prev_arg, run->a, run->domain, "mta-sts",
	    run->sts.q.name, &txt, &tt) != DW_OK || txt == NULL || tt > tp)
		return;
	id = stored_id(run, txt);
	if (id == NULL || strcmp(id, run->sts_id) != 0)
		return;
	t = (time_t)tp;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		memcpy(when, "?", 2);
	check_add(run, CF_STS_ID_UNCHANGED, run->sts.q.name, run->sts.q.name,
	    "TXT", check_sts_new_record(run), "the policy at %s differs from "
	    "the one stored on %s, but the _mta-sts id is still %s", nr->host,
	    when, id);
}

/* A policy served (or drafted) and parsed: history, then findings. */
static void
policy_findings(struct check_net_run *nr, const char *body, size_t len,
    const struct mtasts_policy *p, const struct diag_list *dl,
    const char *source)
{
	struct check_run *run = nr->run;
	struct check_sts_policy *s = (struct check_sts_policy *)
	    run->res.sts_policy;
	const char *value = policy_value(run, body, len);
	uint64_t age;

	check_record_value(run, "mta-sts-policy", nr->host, value,
	    "mtasts.policy");
	s->status = rec_status_name(p->status);
	s->mode = mode_name(p->mode);
	s->max_age = p->max_age;
	s->mx = patterns(run, p);
	age = p->max_age < MTASTS_MAX_AGE_SHORT ? CHECK_STS_MAX_AGE_FIX :
	    p->max_age;
	if (p->status != REC_VALID) {
		sts_fix(nr, CF_STS_INVALID, p->mode == MTASTS_MODE_ENFORCE ?
		    "enforce" : "testing", age, check_fmt(run, "%s: %s",
		    source, policy_errors(run, dl)));
		return;
	}
	nr->policy = p;
	if (p->mode == MTASTS_MODE_TESTING)
		sts_fix(nr, CF_STS_MODE_TESTING, "enforce", age, check_fmt(run,
		    "%s: mode: testing", source));
	else if (p->mode == MTASTS_MODE_NONE)
		sts_fix(nr, CF_STS_MODE_NONE, "testing", age, check_fmt(run,
		    "%s: mode: none", source));
	if (p->mode != MTASTS_MODE_NONE)
		mx_findings(nr, p, age);
	if (p->max_age < MTASTS_MAX_AGE_SHORT)
		sts_fix(nr, CF_STS_MAX_AGE_SHORT, mode_name(p->mode), age,
		    check_fmt(run, "%s: max_age: %llu seconds", source,
		    (unsigned long long)p->max_age));
	id_unchanged(nr, value);
}

/*
 * A fetch or probe that reached no verdict: out of memory marks the run,
 * anything else is finding fid about subject.  False when it did reach
 * one.
 */
static bool
job_failed(struct check_run *run, const struct net_job *j,
    enum check_fid fid, const char *subject, const char *what)
{
	if (j->err == DW_OK)
		return false;
	if (j->err == DW_ENOMEM)
		run->nomem = true;
	else
		check_add(run, fid, subject, NULL, NULL, NULL, "%s: %s: %s",
		    subject, what, j->err == DW_ELIMIT ? "the answers needed "
		    "more than its memory limit" : "the host name or the CA "
		    "file is not usable");
	return true;
}

static bool
is_temp(const struct check_ans *q)
{
	return q->err != DW_OK && q->err != DW_EDNS_PERM;
}

void
check_net_sts_no_address(struct check_net_run *nr)
{
	struct check_run *run = nr->run;
	const struct check_ans *a = &nr->a, *aaaa = &nr->aaaa;

	if (is_temp(a) || is_temp(aaaa)) {
		check_temporary(run, is_temp(a) ? a : aaaa);
		return;
	}
	if (summary(nr, check_fmt(run, "https://%s%s", nr->host,
	    MTASTS_FETCH_PATH), "unreachable") == NULL)
		return;
	check_record_value(run, "mta-sts-policy", nr->host, NULL,
	    "mtasts.policy");
	check_add(run, CF_STS_UNREACHABLE, nr->host, NULL, NULL, NULL,
	    a->err == DW_EDNS_PERM ? "%s does not exist (NXDOMAIN): no "
	    "sender can fetch the policy" : "%s has no A or AAAA record: no "
	    "sender can fetch the policy", nr->host);
}

void
check_net_sts_fetched(struct check_net_run *nr)
{
	struct check_run *run = nr->run;
	const struct net_job *j = nr->fetch;
	const struct mtasts_fetch_result *f = &j->fetch;
	struct check_sts_policy *s;
	char addr[NET_ADDR_STRLEN];

	if (job_failed(run, j, CF_STS_UNREACHABLE, nr->host, "not fetched"))
		return;
	s = summary(nr, f->url != NULL ? check_fmt(run, "%s", f->url) :
	    NULL, mtasts_fetch_outcome_name(f->outcome));
	if (s == NULL)
		return;
	s->http_status = f->http_status;
	if (f->connected)
		s->address = check_fmt(run, "%s", net_addr_format(&f->addr,
		    addr, sizeof(addr)));
	add_diags(run, nr->host, &f->diags, sts_map, NULL);
	if (f->outcome == MTASTS_FETCH_OK && f->policy != NULL)
		policy_findings(nr, f->body, f->body_len, f->policy,
		    &f->policy_diags, s->source);
	else if (f->http_status == 404 || f->http_status == 410)
		check_record_value(run, "mta-sts-policy", nr->host, NULL,
		    "mtasts.policy");
}

void
check_net_sts_draft(struct check_net_run *nr)
{
	const struct check_net_opts *o = &nr->cn->o;
	struct check_run *run = nr->run;
	const char *src = o->policy_source != NULL ? o->policy_source :
	    "the draft policy";
	struct mtasts_policy *p = NULL;
	struct diag_list dl;
	enum dw_err err;

	if (summary(nr, src, "draft") == NULL)
		return;
	diag_list_init(&dl);
	err = mtasts_policy_parse(run->a, o->policy, o->policy_len, &p, &dl);
	if (err == DW_ELIMIT && o->policy_len > MTASTS_POLICY_MAX) {
		sts_fix(nr, CF_STS_TOO_LARGE, "testing", CHECK_STS_MAX_AGE_FIX,
		    check_fmt(run, "%s: %zu bytes, over %d", src,
		    o->policy_len, MTASTS_POLICY_MAX));
		return;
	}
	if (err != DW_OK) {
		run->nomem = true;
		return;
	}
	policy_findings(nr, o->policy, o->policy_len, p, &dl, src);
}

/* ---- the probes ---- */

static bool
cert_valid(const struct net_cert *c)
{
	return c->chain_ok && c->name_ok && !c->expired && !c->not_yet_valid;
}

void
check_net_smtp_probed(struct check_net_run *nr, struct net_job *j)
{
	struct check_run *run = nr->run;
	const struct smtp_probe_result *p = &j->probe;
	struct check_mx_tls *t;
	struct smtp_ctx c;
	char addr[NET_ADDR_STRLEN];

	if (job_failed(run, j, CF_SMTP_UNREACHABLE, j->name, "not probed"))
		return;
	t = &run->res.mx_tls[run->res.nmx_tls++];
	t->host = j->name;
	t->outcome = smtp_probe_outcome_name(p->outcome);
	if (p->connected)
		t->address = check_fmt(run, "%s", net_addr_format(&p->addr,
		    addr, sizeof(addr)));
	if (p->tls_version != NULL)
		t->tls_version = check_fmt(run, "%s", p->tls_version);
	if (p->cipher != NULL)
		t->cipher = check_fmt(run, "%s", p->cipher);
	if (p->have_cert) {
		t->cert_valid = cert_valid(&p->cert);
		t->cert_subject = check_fmt(run, "%s", p->cert.subject);
		t->cert_not_after = p->cert.not_after;
	}
	c.outcome = p->outcome;
	c.sts_enforced = nr->policy != NULL &&
	    nr->policy->mode == MTASTS_MODE_ENFORCE &&
	    mtasts_mx_match(nr->policy, j->name, strlen(j->name));
	add_diags(run, j->name, &p->diags, smtp_map, &c);
}
