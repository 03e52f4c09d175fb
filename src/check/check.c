/*
 * check.c: the pipeline of a posture check and the driver that runs many
 * domains at once on one resolver.
 *
 * A run starts every area's queries at once; each answer lands in the
 * area's state; when the last query of the run is answered the finish
 * functions read the answers and add findings, the stages of
 * check_opts.stages run, and the result is graded.  Runs that end start
 * the next ones (pump), from inside dns_wait(), and results are handed
 * out in the order the domains were given.
 */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check/check_int.h"

static void pump(struct check_many *m);

/* ---- helpers for the areas ---- */

const char *
check_fmt(struct check_run *run, const char *fmt, ...)
{
	char tmp[1024], *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return "";
	if ((size_t)n < sizeof(tmp)) {
		s = arena_strndup(run->a, tmp, (size_t)n);
	} else {
		s = arena_alloc(run->a, (size_t)n + 1);
		if (s != NULL) {
			va_start(ap, fmt);
			vsnprintf(s, (size_t)n + 1, fmt, ap);
			va_end(ap);
		}
	}
	if (s == NULL) {
		run->nomem = true;
		return "";
	}
	return s;
}

const char *
check_name(struct check_run *run, const char *prefix, const char *domain)
{
	return check_fmt(run, "%s.%s", prefix, domain);
}

const char *
check_clean(struct check_run *run, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *o;
	size_t i, k = 0;

	o = arena_alloc(run->a, len * 4 + 1);
	if (o == NULL) {
		run->nomem = true;
		return "";
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			o[k++] = (char)c;
			continue;
		}
		o[k++] = '\\';
		o[k++] = 'x';
		o[k++] = hex[c >> 4];
		o[k++] = hex[c & 15];
	}
	o[k] = '\0';
	return o;
}

const char *
check_ans_why(const struct check_ans *q)
{
	switch (q->err) {
	case DW_OK:
		return q->ans != NULL && q->ans->n > 0 ? "records" : "NODATA";
	case DW_EDNS_PERM:
		return "NXDOMAIN";
	case DW_EDNS_TEMP:
		if (q->ans != NULL && q->ans->why != NULL)
			return q->ans->why;
		return "timeout or SERVFAIL";
	default:
		return dw_strerror(q->err);
	}
}

void
check_temporary(struct check_run *run, const struct check_ans *q)
{
	check_add(run, CF_DNS_TEMPORARY, q->name, NULL, NULL, NULL,
	    "%s: %s", q->name, check_ans_why(q));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "sha256:<hex> (N bytes)" for a value too large to keep. */
static const char *
digest(struct check_run *run, const char *s, size_t len)
{
	unsigned char md[32];
	char hex[65];
	unsigned int mdlen = 0;
	size_t i;

	if (EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != sizeof(md))
		return NULL;
	for (i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return check_fmt(run, "sha256:%s (%zu bytes, too large to keep)",
	    hex, len);
}

const char *
check_txt_value(struct check_run *run, const struct check_ans *q)
{
	const char **v;
	struct buf b;
	const char *out = NULL;
	size_t i, n;

	if (q->err != DW_OK || q->ans == NULL || q->ans->n == 0)
		return NULL;
	n = q->ans->n;
	v = arena_alloc(run->a, n * sizeof(*v));
	if (v == NULL) {
		run->nomem = true;
		return NULL;
	}
	for (i = 0; i < n; i++)
		v[i] = check_clean(run, q->ans->rr[i].u.txt.data,
		    q->ans->rr[i].u.txt.len);
	qsort(v, n, sizeof(*v), cmp_str);
	buf_init(&b, (size_t)-1 / 2);
	for (i = 0; i < n; i++)
		if (buf_puts(&b, v[i]) != DW_OK ||
		    (i + 1 < n && buf_putc(&b, '\n') != DW_OK))
			run->nomem = true;
	if (!run->nomem)
		out = check_value(run, buf_str(&b), b.len);
	buf_fini(&b);
	return out;
}

const char *
check_value(struct check_run *run, const char *s, size_t len)
{
	const char *out;

	out = len > CHECK_VALUE_MAX ? digest(run, s, len) :
	    arena_strndup(run->a, s, len);
	if (out == NULL)
		run->nomem = true;
	return out;
}

/* Room for one more element in an arena array; false when out of
 * memory. */
static bool
grow(struct check_run *run, void **v, size_t n, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return true;
	p = arena_realloc(run->a, *v, *cap * elem, ncap * elem);
	if (p == NULL) {
		run->nomem = true;
		return false;
	}
	*v = p;
	*cap = ncap;
	return true;
}

static struct check_record *
add_record(struct check_run *run)
{
	struct check_result *r = &run->res;
	struct check_record *v;

	if (!grow(run, (void **)&r->records, r->nrecords, &run->rcap,
	    sizeof(*v)))
		return NULL;
	v = &r->records[r->nrecords++];
	memset(v, 0, sizeof(*v));
	return v;
}

struct check_record *
check_record(struct check_run *run, const char *kind, const char *name,
    const struct check_ans *q, const char *event_type)
{
	struct check_record *rec;

	if (q->err != DW_OK && q->err != DW_EDNS_PERM)
		return NULL;	/* unknown: nothing to compare later */
	rec = add_record(run);
	if (rec == NULL)
		return NULL;
	rec->kind = kind;
	rec->name = name;
	rec->value = NULL;
	if (q->ans != NULL && q->ans->type == DNS_T_TXT)
		rec->value = check_txt_value(run, q);
	if (q->ans != NULL && q->ans->n > CHECK_TXT_MAX)
		check_add(run, CF_DNS_TOO_MANY, name, NULL, NULL, NULL,
		    "%zu TXT records at %s", q->ans->n, name);
	rec->event_type = event_type;
	rec->event_value = rec->value;
	return rec;
}

void
check_record_value(struct check_run *run, const char *kind,
    const char *name, const char *value, const char *event_type)
{
	struct check_record *rec = add_record(run);

	if (rec == NULL)
		return;
	rec->kind = kind;
	rec->name = name;
	rec->value = value;
	rec->event_type = event_type;
	rec->event_value = value;
}

void
check_record_absent(struct check_run *run, const char *kind,
    const char *name, const char *event_type)
{
	check_record_value(run, kind, name, NULL, event_type);
}

void
check_mx_record(struct check_run *run, const char *value)
{
	check_record_value(run, "mx", run->domain, value, NULL);
}

struct check_finding *
check_add(struct check_run *run, enum check_fid fid, const char *subject,
    const char *fix_name, const char *fix_type, const char *fix_value,
    const char *fmt, ...)
{
	struct check_result *r = &run->res;
	struct check_finding *f;
	char text[1024];
	va_list ap;

	if (r->nfindings == CHECK_FINDINGS_MAX) {
		r->findings_dropped++;
		return NULL;
	}
	if (!grow(run, (void **)&r->findings, r->nfindings, &run->fcap,
	    sizeof(*f)))
		return NULL;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	f->fid = fid;
	f->def = check_def(fid);
	f->subject = subject != NULL ? arena_strdup(run->a, subject) : NULL;
	f->found = arena_strdup(run->a, text);
	if (fix_value != NULL) {
		f->fix_name = arena_strdup(run->a, fix_name);
		f->fix_type = fix_type;
		f->fix_value = arena_strdup(run->a, fix_value);
		if (f->fix_name == NULL || f->fix_value == NULL)
			run->nomem = true;
	}
	if (f->found == NULL || (subject != NULL && f->subject == NULL))
		run->nomem = true;
	return f;
}

const char *
check_report_uri(struct check_run *run)
{
	const struct dmarc_record *d = run->res.dmarc;
	const struct check_opts *o = run->m->o;
	size_t i;

	if (run->report_uri != NULL)
		return run->report_uri;
	if (o->rua != NULL)
		run->report_uri = o->rua;
	for (i = 0; run->report_uri == NULL && d != NULL && i < d->nrua;
	    i++)
		if (d->rua[i].scheme == URI_MAILTO &&
		    d->rua[i].domain != NULL)
			run->report_uri = d->rua[i].uri;
	if (run->report_uri == NULL)
		run->report_uri = check_fmt(run, "mailto:dmarc-reports@%s",
		    run->res.org_domain != NULL ? run->res.org_domain :
		    run->domain);
	return run->report_uri;
}

/* ---- queries ---- */

struct qctx {
	struct check_run	*run;
	struct check_ans	*q;
	check_cb		 cb;
};

static void dns_over(struct check_run *run);

void
check_release(struct check_run *run)
{
	if (--run->pending == 0 && !run->dns_over)
		dns_over(run);
}

static void
query_cb(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct qctx *c = arg;
	struct check_run *run = c->run;

	c->q->err = err;
	c->q->ans = ans;
	c->q->done = true;
	if (err == DW_ENOMEM)
		run->nomem = true;
	if (c->cb != NULL && !run->nomem)
		c->cb(run, c->q);
	check_release(run);
}

void
check_query(struct check_run *run, const char *name, enum dns_type type,
    struct check_ans *q, check_cb cb)
{
	struct qctx *c = arena_alloc(run->a, sizeof(*c));
	enum dw_err err;

	q->name = name;
	q->done = false;
	q->ans = NULL;
	if (c == NULL || name == NULL || *name == '\0') {
		q->err = DW_ENOMEM;
		q->done = true;
		run->nomem = true;
		return;
	}
	c->run = run;
	c->q = q;
	c->cb = cb;
	err = dns_submit(run->m->r, run->a, name, type, query_cb, c);
	if (err != DW_OK) {
		q->err = err;
		q->done = true;
		if (err == DW_ENOMEM)
			run->nomem = true;
		return;
	}
	run->pending++;
}

/* ---- a run ---- */

static void
complete(struct check_run *run)
{
	struct check_result *r = &run->res;

	if (run->nomem) {
		r->status = CHECK_FAILED;
		r->error = arena_exhausted(run->a) ? "the check needed more "
		    "than its memory limit (32 MiB): answers too large" :
		    "out of memory";
		if (!arena_exhausted(run->a))
			run->m->err = DW_ENOMEM;
	}
	check_grade(r);
	run->done = true;
	pump(run->m);
}

void
check_stage_done(struct check_run *run)
{
	if (run->stages_left > 0 && --run->stages_left == 0 && run->dns_over)
		complete(run);
}

static void
dns_over(struct check_run *run)
{
	const struct check_opts *o = run->m->o;
	size_t i;

	run->dns_over = true;
	if (!run->nomem) {
		check_mx_finish(run);
		check_dmarc_finish(run);
		check_spf_finish(run);
		check_dkim_finish(run);
		check_txt_finish(run);
		check_dnssec_finish(run);
	}
	run->stages_left = run->nomem ? 0 : o->nstages;
	if (run->stages_left == 0) {
		complete(run);
		return;
	}
	/* Later stages; a hold keeps one that ends at once from
	 * completing the run before the others start. */
	run->stages_left++;
	for (i = 0; i < o->nstages; i++) {
		if (o->stages[i].start(run, o->stages[i].arg) != DW_OK) {
			run->res.status = CHECK_FAILED;
			run->res.error = check_fmt(run, "the %s stage could "
			    "not start", o->stages[i].name);
			run->stages_left--;
		}
	}
	check_stage_done(run);
}

static void
bad_name(struct check_run *run, const char *given)
{
	run->res.status = CHECK_BAD_NAME;
	run->res.domain = check_clean(run, given, strlen(given));
	run->res.error = "not a valid domain name (RFC 1035: letters, digits "
	    "and hyphens, labels of 1 to 63 bytes, 253 in all; an IDN in its "
	    "xn-- form)";
	run->done = true;
}

static bool
name_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '.' || *s == '_'))
			return false;
	return true;
}

static void
run_start(struct check_many *m, struct check_run *run, const char *given)
{
	char name[DNS_NAME_MAX + 2];

	run->res.checked_at = m->o->now;
	run->res.grade = 'F';
	run->res.dnssec = DNS_SEC_UNCHECKED;
	if (dns_name_norm(given, name, sizeof(name)) != DW_OK ||
	    !name_ok(name)) {
		bad_name(run, given);
		return;
	}
	run->domain = arena_strdup(run->a, name);
	run->res.domain = run->domain;
	if (run->domain == NULL) {
		run->nomem = true;
		complete(run);
		return;
	}
	run->pending = 1;	/* a hold while the areas start */
	check_mx_start(run);
	check_dmarc_start(run);
	check_spf_start(run);
	check_dkim_start(run);
	check_txt_start(run);
	check_release(run);
}

/* ---- many domains ---- */

static struct check_run *
slot_run(struct check_many *m, size_t i)
{
	struct check_run **s = &m->slots[i % m->nslots];
	struct arena *a;

	a = *s != NULL ? (*s)->a : arena_new(CHECK_ARENA_MAX);
	if (a == NULL)
		return NULL;
	arena_reset(a);
	*s = arena_zalloc(a, sizeof(**s));
	if (*s == NULL) {
		arena_free(a);
		return NULL;
	}
	(*s)->a = a;
	(*s)->m = m;
	return *s;
}

/* Hands out what is done, in order, and starts more while slots are
 * free.  Re-entered from a run that ends at once: the outer call goes
 * on. */
static void
pump(struct check_many *m)
{
	struct check_run *run;

	if (m->pumping)
		return;
	m->pumping = true;
	for (;;) {
		while (m->next_done < m->next_start &&
		    (run = m->slots[m->next_done % m->nslots])->done) {
			m->done(m->arg, &run->res);
			run->done = false;
			m->next_done++;
		}
		if (m->err != DW_OK || m->next_start == m->n ||
		    m->next_start - m->next_done == m->nslots)
			break;
		run = slot_run(m, m->next_start);
		if (run == NULL) {
			m->err = DW_ENOMEM;
			break;
		}
		run_start(m, run, m->domains[m->next_start++]);
	}
	m->pumping = false;
}

/* What the stages' threads finished, handed out; the work still under
 * way. */
static size_t
stages_poll(struct check_many *m, int timeout_ms)
{
	const struct check_opts *o = m->o;
	size_t i, busy = 0;

	for (i = 0; i < o->nstages; i++)
		if (o->stages[i].poll != NULL)
			busy += o->stages[i].poll(o->stages[i].arg,
			    busy > 0 ? 0 : timeout_ms);
	return busy;
}

/*
 * Runs answers and the stages' finished work until neither has anything
 * under way.  While both do, the resolver is polled and the stages
 * waited for in turns of CHECK_POLL_MS.  After a resolver failure the
 * stages' work is still waited for: a thread may hold a run.
 */
static enum dw_err
drive(struct check_many *m)
{
	enum dw_err err = DW_OK;

	for (;;) {
		if (stages_poll(m, 0) == 0) {
			err = dns_wait(m->r);
			if (err != DW_OK || (stages_poll(m, 0) == 0 &&
			    dns_pending(m->r) == 0))
				break;
		} else if (dns_pending(m->r) > 0) {
			err = dns_poll(m->r);
			if (err != DW_OK)
				break;
			(void)stages_poll(m, CHECK_POLL_MS);
		} else {
			(void)stages_poll(m, -1);
		}
	}
	if (err != DW_OK && m->err == DW_OK)
		m->err = err;
	while (stages_poll(m, -1) > 0)
		;
	return err;
}

enum dw_err
check_many(struct dns_resolver *r, const struct check_opts *o,
    const char *const *domains, size_t n, check_done_fn done, void *arg)
{
	struct check_many m;
	enum dw_err err;
	size_t i;

	if (n == 0)
		return DW_OK;
	memset(&m, 0, sizeof(m));
	m.r = r;
	m.o = o;
	m.domains = domains;
	m.n = n;
	m.done = done;
	m.arg = arg;
	m.nslots = o->window != 0 ? o->window : CHECK_WINDOW;
	if (m.nslots > n)
		m.nslots = n;
	m.slots = calloc(m.nslots, sizeof(*m.slots));
	if (m.slots == NULL)
		return DW_ENOMEM;
	pump(&m);
	err = drive(&m);
	if (err == DW_OK)
		err = m.err;
	if (err == DW_OK && m.next_done != n)
		err = DW_EINVAL;	/* the resolver lost answers */
	for (i = 0; i < m.nslots; i++)
		if (m.slots[i] != NULL)
			arena_free(m.slots[i]->a);
	free(m.slots);
	return err;
}

/* ---- for stages ---- */

const char *
check_run_domain(const struct check_run *run)
{
	return run->domain;
}

struct arena *
check_run_arena(struct check_run *run)
{
	return run->a;
}

struct dns_resolver *
check_run_resolver(struct check_run *run)
{
	return run->m->r;
}

const struct check_result *
check_run_result(const struct check_run *run)
{
	return &run->res;
}

const char *const *
check_run_mx(const struct check_run *run)
{
	static const char *const none[] = { NULL };

	return run->mx.names != NULL ? run->mx.names : none;
}
