/*
 * writer.c: a store thread fed by a bounded queue of chunks.
 *
 * The producer (the parsing thread) appends operations to its current
 * chunk and hands full chunks over; the writer thread applies them in
 * order.  An operation is a one-byte code followed by its payload, strings
 * as length + bytes + NUL so the writer can point into the chunk without
 * copying.  A report or record too large for a chunk goes by pointer
 * (OP_SYNC), and the producer waits for that one.  At most WRITER_QUEUE
 * chunks exist beyond the two in hand, so memory is bounded and a slow
 * store slows the parser down instead of growing a backlog.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "report/agg_xml.h"
#include "store/store.h"
#include "writer.h"

enum wop {
	OP_UNIT_BEGIN = 1, OP_RAW, OP_UNIT_END, OP_REPORT_BEGIN, OP_RECORD,
	OP_REPORT_END, OP_SYNC, OP_QUIT, OP_EVIDENCE, OP_UNIT_WHOLE,
};

#define NULLSTR	UINT32_MAX

struct chunk {
	struct chunk	*next;
	size_t		 len;
	char		 data[WRITER_CHUNK];
};

/* An operation passed by pointer; the producer waits until it is done. */
struct syncop {
	const struct agg_report	*report;	/* or */
	const struct agg_record	*record;	/* or */
	const struct tlsrpt_report *tls;	/* or */
	const uint8_t		*tls_sha;
	const struct failure_report *failure;	/* or none: a barrier */
};

struct writer {
	struct store		*st;
	pthread_t		 th;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv_work;
	pthread_cond_t		 cv_space;
	pthread_cond_t		 cv_done;
	struct chunk		*qhead, *qtail;
	struct chunk		*freelist;
	unsigned		 nchunks;
	struct chunk		*cur;		/* the producer's */
	uint64_t		 posted, done;	/* synchronous operations */
	_Atomic int		 sticky;	/* the first store failure */
	struct dw_error		 sticky_e;	/* under mu */
	struct writer_tally	 tot;		/* under mu */
	/* writer thread only */
	struct writer_tally	 u;		/* the current unit's */
	bool			 u_skip;	/* its bytes were stored */
	bool			 r_live;	/* a report is being stored */
	bool			 r_dup;		/* the report was stored */
	bool			 r_repaired;
	struct agg_auth		 auth[AGG_MAX_AUTH];
	struct agg_reason	 reasons[AGG_MAX_REASONS];
	const char		*errors[AGG_MAX_ERRORS];
};

static struct chunk *
chunk_get(struct writer *w)
{
	struct chunk *c;

	pthread_mutex_lock(&w->mu);
	while (w->freelist == NULL && w->nchunks >= WRITER_QUEUE + 2)
		pthread_cond_wait(&w->cv_space, &w->mu);
	c = w->freelist;
	if (c != NULL)
		w->freelist = c->next;
	else
		w->nchunks++;
	pthread_mutex_unlock(&w->mu);
	if (c == NULL && (c = malloc(sizeof(*c))) == NULL) {
		pthread_mutex_lock(&w->mu);
		w->nchunks--;
		pthread_mutex_unlock(&w->mu);
		return NULL;
	}
	c->next = NULL;
	c->len = 0;
	return c;
}

/*
 * Hands the current chunk to the writer and takes a fresh one.  When no
 * fresh one can be had, the current chunk stays in hand, full.
 */
static enum dw_err
flush(struct writer *w, struct dw_error *e)
{
	struct chunk *c = w->cur, *n;

	if (c->len == 0)
		return DW_OK;
	if ((n = chunk_get(w)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	pthread_mutex_lock(&w->mu);
	if (w->qtail != NULL)
		w->qtail->next = c;
	else
		w->qhead = c;
	w->qtail = c;
	pthread_cond_signal(&w->cv_work);
	pthread_mutex_unlock(&w->mu);
	w->cur = n;
	return DW_OK;
}

static void
put(struct chunk *c, const void *p, size_t n)
{
	memcpy(c->data + c->len, p, n);
	c->len += n;
}

static size_t
str_size(const char *s)
{
	return 4 + (s != NULL ? strlen(s) + 1 : 0);
}

static void
put_str(struct chunk *c, const char *s)
{
	uint32_t n = s != NULL ? (uint32_t)strlen(s) : NULLSTR;

	put(c, &n, 4);
	if (s != NULL)
		put(c, s, (size_t)n + 1);
}

static size_t
record_size(const struct agg_record *r)
{
	size_t n = 1 + 8 + 4 + 4 + 4, i;

	n += str_size(r->source_ip) + str_size(r->disposition) +
	    str_size(r->dkim) + str_size(r->spf) + str_size(r->header_from) +
	    str_size(r->envelope_from) + str_size(r->envelope_to);
	for (i = 0; i < r->nreasons; i++)
		n += str_size(r->reasons[i].type) +
		    str_size(r->reasons[i].comment);
	for (i = 0; i < r->nauth; i++)
		n += 1 + str_size(r->auth[i].domain) +
		    str_size(r->auth[i].selector) + str_size(r->auth[i].scope) +
		    str_size(r->auth[i].result) +
		    str_size(r->auth[i].human_result);
	return n;
}

static void
put_record(struct chunk *c, const struct agg_record *r)
{
	uint32_t n;
	uint8_t op = OP_RECORD, kind;
	size_t i;

	put(c, &op, 1);
	put(c, &r->count, 8);
	put(c, &r->invalid, 4);
	put_str(c, r->source_ip);
	put_str(c, r->disposition);
	put_str(c, r->dkim);
	put_str(c, r->spf);
	put_str(c, r->header_from);
	put_str(c, r->envelope_from);
	put_str(c, r->envelope_to);
	n = (uint32_t)r->nreasons;
	put(c, &n, 4);
	for (i = 0; i < r->nreasons; i++) {
		put_str(c, r->reasons[i].type);
		put_str(c, r->reasons[i].comment);
	}
	n = (uint32_t)r->nauth;
	put(c, &n, 4);
	for (i = 0; i < r->nauth; i++) {
		kind = (uint8_t)r->auth[i].kind;
		put(c, &kind, 1);
		put_str(c, r->auth[i].domain);
		put_str(c, r->auth[i].selector);
		put_str(c, r->auth[i].scope);
		put_str(c, r->auth[i].result);
		put_str(c, r->auth[i].human_result);
	}
}

/* Reads what put_record wrote; strings point into the chunk. */
static const char *
get_str(const char **p)
{
	uint32_t n;
	const char *s;

	memcpy(&n, *p, 4);
	*p += 4;
	if (n == NULLSTR)
		return NULL;
	s = *p;
	*p += (size_t)n + 1;
	return s;
}

static const char *
get_record(struct writer *w, const char *p, struct agg_record *r)
{
	uint32_t n, i;
	uint8_t kind;

	memcpy(&r->count, p, 8);
	p += 8;
	memcpy(&r->invalid, p, 4);
	p += 4;
	r->source_ip = get_str(&p);
	r->disposition = get_str(&p);
	r->dkim = get_str(&p);
	r->spf = get_str(&p);
	r->header_from = get_str(&p);
	r->envelope_from = get_str(&p);
	r->envelope_to = get_str(&p);
	memcpy(&n, p, 4);
	p += 4;
	for (i = 0; i < n && i < AGG_MAX_REASONS; i++) {
		w->reasons[i].type = get_str(&p);
		w->reasons[i].comment = get_str(&p);
	}
	r->reasons = w->reasons;
	r->nreasons = i;
	memcpy(&n, p, 4);
	p += 4;
	for (i = 0; i < n && i < AGG_MAX_AUTH; i++) {
		memcpy(&kind, p, 1);
		p++;
		w->auth[i].kind = (enum agg_auth_kind)kind;
		w->auth[i].domain = get_str(&p);
		w->auth[i].selector = get_str(&p);
		w->auth[i].scope = get_str(&p);
		w->auth[i].result = get_str(&p);
		w->auth[i].human_result = get_str(&p);
	}
	r->auth = w->auth;
	r->nauth = i;
	return p;
}

static size_t
report_size(const struct agg_report *r)
{
	size_t n = 1 + 4 + 8 + 8 + 4 + 4 + 1, i;
	const struct agg_policy *p = &r->policy;

	n += str_size(r->version) + str_size(r->org_name) +
	    str_size(r->email) + str_size(r->extra_contact_info) +
	    str_size(r->report_id) + str_size(r->generator) +
	    str_size(r->repairs);
	for (i = 0; i < r->nerrors; i++)
		n += str_size(r->errors[i]);
	n += str_size(p->domain) + str_size(p->adkim) + str_size(p->aspf) +
	    str_size(p->p) + str_size(p->sp) + str_size(p->np) +
	    str_size(p->fo) + str_size(p->testing) +
	    str_size(p->discovery_method);
	return n;
}

static void
put_report(struct chunk *c, const struct agg_report *r)
{
	const struct agg_policy *p = &r->policy;
	uint8_t op = OP_REPORT_BEGIN;
	uint32_t n;
	int32_t v;
	size_t i;

	put(c, &op, 1);
	v = (int32_t)r->schema;
	put(c, &v, 4);
	put(c, &r->begin, 8);
	put(c, &r->end, 8);
	v = p->pct;
	put(c, &v, 4);
	put_str(c, r->version);
	put_str(c, r->org_name);
	put_str(c, r->email);
	put_str(c, r->extra_contact_info);
	put_str(c, r->report_id);
	put_str(c, r->generator);
	put_str(c, r->repairs);
	put_str(c, p->domain);
	put_str(c, p->adkim);
	put_str(c, p->aspf);
	put_str(c, p->p);
	put_str(c, p->sp);
	put_str(c, p->np);
	put_str(c, p->fo);
	put_str(c, p->testing);
	put_str(c, p->discovery_method);
	n = (uint32_t)r->nerrors;
	put(c, &n, 4);
	for (i = 0; i < r->nerrors; i++)
		put_str(c, r->errors[i]);
}

static const char *
get_report(struct writer *w, const char *p, struct agg_report *r)
{
	struct agg_policy *pol = &r->policy;
	uint32_t n, i;
	int32_t v;

	memcpy(&v, p, 4);
	r->schema = (enum agg_schema)v;
	memcpy(&r->begin, p + 4, 8);
	memcpy(&r->end, p + 12, 8);
	memcpy(&v, p + 20, 4);
	pol->pct = v;
	p += 24;
	r->version = get_str(&p);
	r->org_name = get_str(&p);
	r->email = get_str(&p);
	r->extra_contact_info = get_str(&p);
	r->report_id = get_str(&p);
	r->generator = get_str(&p);
	r->repairs = get_str(&p);
	pol->domain = get_str(&p);
	pol->adkim = get_str(&p);
	pol->aspf = get_str(&p);
	pol->p = get_str(&p);
	pol->sp = get_str(&p);
	pol->np = get_str(&p);
	pol->fo = get_str(&p);
	pol->testing = get_str(&p);
	pol->discovery_method = get_str(&p);
	memcpy(&n, p, 4);
	p += 4;
	for (i = 0; i < n; i++) {
		if (i < AGG_MAX_ERRORS)
			w->errors[i] = get_str(&p);
		else
			(void)get_str(&p);
	}
	r->errors = w->errors;
	r->nerrors = n < AGG_MAX_ERRORS ? n : AGG_MAX_ERRORS;
	return p;
}

/* ---- the writer thread ---------------------------------------------- */

static bool
live(struct writer *w)
{
	return atomic_load(&w->sticky) == DW_OK;
}

static void
set_sticky(struct writer *w, enum dw_err err, const struct dw_error *e)
{
	pthread_mutex_lock(&w->mu);
	if (atomic_load(&w->sticky) == DW_OK) {
		w->sticky_e = *e;
		atomic_store(&w->sticky, (int)err);
	}
	pthread_mutex_unlock(&w->mu);
}

static void
on_unit_begin(struct writer *w, const char *name, const uint8_t *sha,
    uint64_t size)
{
	struct dw_error e;
	enum dw_err err;
	bool dup = false;

	memset(&w->u, 0, sizeof(w->u));
	w->u_skip = true;
	w->r_live = w->r_dup = false;
	if (!live(w))
		return;
	if ((err = store_unit_begin(w->st, name, sha, size, &dup, &e)) !=
	    DW_OK)
		set_sticky(w, err, &e);
	else if (dup)
		w->u.inputs_dup = 1;
	else
		w->u_skip = false;
}

/*
 * A unit whose bytes came whole: hashed here, on the store thread, which
 * has the time the parsing thread lacks.  A unit already stored is
 * skipped as on_unit_begin does.
 */
static void
on_unit_whole(struct writer *w, const char *name, uint64_t size,
    const void *p, uint32_t n)
{
	uint8_t sha[32];
	unsigned int len = sizeof(sha);
	struct dw_error e;
	enum dw_err err;

	if (EVP_Digest(p, n, sha, &len, EVP_sha256(), NULL) != 1) {
		memset(&w->u, 0, sizeof(w->u));
		w->u_skip = true;
		set_sticky(w, DW_ENOMEM, (dw_fail(&e, DW_ENOMEM,
		    "SHA-256 unavailable"), &e));
		return;
	}
	on_unit_begin(w, name, sha, size);
	if (!w->u_skip && live(w) && n > 0 &&
	    (err = store_unit_raw(w->st, p, n, &e)) != DW_OK)
		set_sticky(w, err, &e);
}

static void
on_report_begin(struct writer *w, const struct agg_report *r)
{
	struct dw_error e;
	enum dw_err err;
	bool dup = false;

	w->r_live = w->r_dup = false;
	if (w->u_skip || !live(w))
		return;
	if ((err = store_report_begin(w->st, r, &dup, &e)) != DW_OK)
		set_sticky(w, err, &e);
	else if (dup)
		w->r_dup = true;
	else
		w->r_live = true;
	w->r_repaired = r->repairs != NULL;
}

static void
on_record(struct writer *w, const struct agg_record *rec)
{
	struct dw_error e;
	enum dw_err err;

	if (w->r_live && live(w) &&
	    (err = store_report_record(w->st, rec, &e)) != DW_OK)
		set_sticky(w, err, &e);
}

static void
on_report_end(struct writer *w, bool commit, uint64_t records,
    uint64_t messages)
{
	struct dw_error e;
	enum dw_err err;
	bool keep = commit && live(w);

	if (w->r_dup && commit)
		w->u.reports_dup++;
	if (w->r_live) {
		err = store_report_end(w->st, keep, records, messages, &e);
		if (err != DW_OK) {
			set_sticky(w, err, &e);
		} else if (keep) {
			w->u.reports_new++;
			w->u.records += records;
			w->u.messages += messages;
			w->u.repaired += w->r_repaired;
		}
	}
	w->r_live = w->r_dup = false;
}

/* Keeps the unit when it brought a new report, and counts it. */
static void
on_unit_end(struct writer *w, bool ok)
{
	struct dw_error e;
	enum dw_err err;
	bool keep;

	if (w->r_live)
		on_report_end(w, false, 0, 0);
	ok = ok && live(w);
	if (!w->u_skip) {
		keep = ok && (w->u.reports_new > 0 || w->u.tls_new > 0 ||
		    w->u.failures_new > 0);
		if ((err = store_unit_end(w->st, keep, &e)) != DW_OK) {
			set_sticky(w, err, &e);
			ok = false;
		}
	}
	w->u_skip = true;
	if (!ok)
		return;
	pthread_mutex_lock(&w->mu);
	w->tot.inputs_dup += w->u.inputs_dup;
	w->tot.reports_new += w->u.reports_new;
	w->tot.reports_dup += w->u.reports_dup;
	w->tot.repaired += w->u.repaired;
	w->tot.records += w->u.records;
	w->tot.messages += w->u.messages;
	w->tot.tls_new += w->u.tls_new;
	w->tot.tls_dup += w->u.tls_dup;
	w->tot.failures_new += w->u.failures_new;
	w->tot.failures_dup += w->u.failures_dup;
	pthread_mutex_unlock(&w->mu);
}

static void
on_evidence(struct writer *w, enum store_evidence ev)
{
	struct dw_error e;
	enum dw_err err;

	if (!w->u_skip && live(w) &&
	    (err = store_unit_evidence(w->st, ev, &e)) != DW_OK)
		set_sticky(w, err, &e);
}

static void
on_tls(struct writer *w, const struct tlsrpt_report *r, const uint8_t *sha)
{
	struct dw_error e;
	enum dw_err err;
	bool dup = false;

	if (w->u_skip || !live(w))
		return;
	if ((err = store_tls_put(w->st, r, sha, &dup, &e)) != DW_OK)
		set_sticky(w, err, &e);
	else if (dup)
		w->u.tls_dup++;
	else
		w->u.tls_new++;
}

static void
on_failure(struct writer *w, const struct failure_report *r)
{
	struct dw_error e;
	enum dw_err err;
	bool dup;

	if (w->u_skip || !live(w))
		return;
	if ((err = store_failure_put(w->st, r, &dup, &e)) != DW_OK)
		set_sticky(w, err, &e);
	else if (dup)
		w->u.failures_dup++;
	else
		w->u.failures_new++;
}

static void
on_sync(struct writer *w, const struct syncop *s)
{
	if (s->report != NULL)
		on_report_begin(w, s->report);
	else if (s->record != NULL)
		on_record(w, s->record);
	else if (s->tls != NULL)
		on_tls(w, s->tls, s->tls_sha);
	else if (s->failure != NULL)
		on_failure(w, s->failure);
	pthread_mutex_lock(&w->mu);
	w->done++;
	pthread_cond_broadcast(&w->cv_done);
	pthread_mutex_unlock(&w->mu);
}

static uint64_t
get_u64(const char **p)
{
	uint64_t v;

	memcpy(&v, *p, 8);
	*p += 8;
	return v;
}

/* Applies the operations of one chunk; false on OP_QUIT. */
static bool
apply(struct writer *w, const struct chunk *c)
{
	const char *p = c->data, *end = c->data + c->len, *name;
	const uint8_t *sha;
	struct agg_report rep;
	struct agg_record rec;
	struct syncop *s;
	struct dw_error e;
	enum dw_err err;
	uint64_t a, b;
	uint8_t op, flag;
	uint32_t n;

	while (p < end) {
		op = (uint8_t)*p++;
		switch (op) {
		case OP_UNIT_BEGIN:
			sha = (const uint8_t *)p;
			p += 32;
			a = get_u64(&p);
			name = get_str(&p);
			on_unit_begin(w, name, sha, a);
			break;
		case OP_UNIT_WHOLE:
			a = get_u64(&p);
			name = get_str(&p);
			memcpy(&n, p, 4);
			p += 4;
			on_unit_whole(w, name, a, p, n);
			p += n;
			break;
		case OP_RAW:
			memcpy(&n, p, 4);
			p += 4;
			if (!w->u_skip && live(w) &&
			    (err = store_unit_raw(w->st, p, n, &e)) != DW_OK)
				set_sticky(w, err, &e);
			p += n;
			break;
		case OP_UNIT_END:
			on_unit_end(w, *p++ != 0);
			break;
		case OP_REPORT_BEGIN:
			memset(&rep, 0, sizeof(rep));
			p = get_report(w, p, &rep);
			on_report_begin(w, &rep);
			break;
		case OP_RECORD:
			memset(&rec, 0, sizeof(rec));
			p = get_record(w, p, &rec);
			on_record(w, &rec);
			break;
		case OP_REPORT_END:
			flag = (uint8_t)*p++;
			a = get_u64(&p);
			b = get_u64(&p);
			on_report_end(w, flag != 0, a, b);
			break;
		case OP_SYNC:
			memcpy(&s, p, sizeof(s));
			p += sizeof(s);
			on_sync(w, s);
			break;
		case OP_EVIDENCE:
			on_evidence(w, (enum store_evidence)*p++);
			break;
		case OP_QUIT:
			return false;
		}
	}
	return true;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct chunk *c;
	bool more = true;

	while (more) {
		pthread_mutex_lock(&w->mu);
		while (w->qhead == NULL)
			pthread_cond_wait(&w->cv_work, &w->mu);
		c = w->qhead;
		w->qhead = c->next;
		if (w->qhead == NULL)
			w->qtail = NULL;
		pthread_mutex_unlock(&w->mu);
		more = apply(w, c);
		pthread_mutex_lock(&w->mu);
		c->next = w->freelist;
		w->freelist = c;
		pthread_cond_signal(&w->cv_space);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

/* ---- the producer --------------------------------------------------- */

enum dw_err
writer_new(struct store *st, struct writer **out, struct dw_error *e)
{
	struct writer *w;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	w->st = st;
	w->u_skip = true;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv_work, NULL);
	pthread_cond_init(&w->cv_space, NULL);
	pthread_cond_init(&w->cv_done, NULL);
	w->cur = chunk_get(w);
	if (w->cur == NULL ||
	    pthread_create(&w->th, NULL, writer_main, w) != 0) {
		free(w->cur);
		free(w);
		return dw_fail(e, DW_ENOMEM, "cannot start the store thread");
	}
	*out = w;
	return DW_OK;
}

static enum dw_err
sticky_err(struct writer *w, struct dw_error *e)
{
	enum dw_err err = (enum dw_err)atomic_load(&w->sticky);

	if (err != DW_OK && e != NULL) {
		pthread_mutex_lock(&w->mu);
		*e = w->sticky_e;
		pthread_mutex_unlock(&w->mu);
	}
	return err;
}

/* Makes room for n bytes in the current chunk; n <= WRITER_CHUNK. */
static enum dw_err
room(struct writer *w, size_t n, struct dw_error *e)
{
	enum dw_err err;

	if ((err = sticky_err(w, e)) != DW_OK)
		return err;
	if (w->cur->len + n > WRITER_CHUNK)
		return flush(w, e);
	return DW_OK;
}

/* Queues an operation by pointer and waits until it is applied. */
static enum dw_err
sync_op(struct writer *w, struct syncop *s, struct dw_error *e)
{
	uint8_t op = OP_SYNC;
	uint64_t mine;
	enum dw_err err;

	if ((err = room(w, 1 + sizeof(s), e)) != DW_OK)
		return err;
	put(w->cur, &op, 1);
	put(w->cur, &s, sizeof(s));
	mine = ++w->posted;
	if ((err = flush(w, e)) != DW_OK)
		return err;
	pthread_mutex_lock(&w->mu);
	while (w->done < mine)
		pthread_cond_wait(&w->cv_done, &w->mu);
	pthread_mutex_unlock(&w->mu);
	return sticky_err(w, e);
}

enum dw_err
writer_drain(struct writer *w, struct dw_error *e)
{
	struct syncop s = { NULL };

	return sync_op(w, &s, e);
}

void
writer_tally(struct writer *w, struct writer_tally *t)
{
	pthread_mutex_lock(&w->mu);
	*t = w->tot;
	pthread_mutex_unlock(&w->mu);
}

void
writer_free(struct writer *w)
{
	uint8_t op = OP_QUIT;
	struct chunk *c;

	if (w == NULL)
		return;
	/* OP_QUIT must reach the writer: wait for memory if need be. */
	while (w->cur->len + 1 > WRITER_CHUNK && flush(w, NULL) != DW_OK)
		sched_yield();
	put(w->cur, &op, 1);
	while (flush(w, NULL) != DW_OK)
		sched_yield();
	pthread_join(w->th, NULL);
	free(w->cur);
	while ((c = w->freelist) != NULL) {
		w->freelist = c->next;
		free(c);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv_work);
	pthread_cond_destroy(&w->cv_space);
	pthread_cond_destroy(&w->cv_done);
	free(w);
}

enum dw_err
writer_unit_begin(struct writer *w, const char *name, const uint8_t sha[32],
    uint64_t size, struct dw_error *e)
{
	uint8_t op = OP_UNIT_BEGIN;
	enum dw_err err;

	if (str_size(name) + 41 > WRITER_CHUNK)
		return dw_fail(e, DW_ELIMIT, "input name too long");
	if ((err = room(w, 41 + str_size(name), e)) != DW_OK)
		return err;
	put(w->cur, &op, 1);
	put(w->cur, sha, 32);
	put(w->cur, &size, 8);
	put_str(w->cur, name);
	return DW_OK;
}

enum dw_err
writer_unit_whole(struct writer *w, const char *name, const void *p,
    size_t n, struct dw_error *e)
{
	uint8_t op = OP_UNIT_WHOLE;
	uint64_t size = n;
	uint32_t n32 = (uint32_t)n;
	enum dw_err err;

	if (n > WRITER_WHOLE_MAX || str_size(name) + 13 + n > WRITER_CHUNK)
		return dw_fail(e, DW_ELIMIT, "input too large to pass whole");
	if ((err = room(w, 13 + str_size(name) + n, e)) != DW_OK)
		return err;
	put(w->cur, &op, 1);
	put(w->cur, &size, 8);
	put_str(w->cur, name);
	put(w->cur, &n32, 4);
	put(w->cur, p, n);
	return DW_OK;
}

enum dw_err
writer_unit_raw(struct writer *w, const void *p, size_t n,
    struct dw_error *e)
{
	const char *q = p;
	uint32_t part;
	uint8_t op = OP_RAW;
	enum dw_err err;

	while (n > 0) {
		if ((err = room(w, 16, e)) != DW_OK)
			return err;
		part = (uint32_t)(WRITER_CHUNK - w->cur->len - 5);
		if (part > n)
			part = (uint32_t)n;
		put(w->cur, &op, 1);
		put(w->cur, &part, 4);
		put(w->cur, q, part);
		q += part;
		n -= part;
	}
	return sticky_err(w, e);
}

enum dw_err
writer_unit_end(struct writer *w, bool ok, struct dw_error *e)
{
	uint8_t op[2] = { OP_UNIT_END, ok };
	enum dw_err err;

	/* Even after a failure, so the writer rolls the unit back. */
	err = room(w, 2, e);
	if (err != DW_OK)
		op[1] = false;
	if (w->cur->len + 2 > WRITER_CHUNK)
		(void)flush(w, NULL);
	if (w->cur->len + 2 <= WRITER_CHUNK)
		put(w->cur, op, 2);
	return err;
}

enum dw_err
writer_report_begin(struct writer *w, const struct agg_report *r,
    struct dw_error *e)
{
	struct syncop s = { .report = r };
	size_t n = report_size(r);
	enum dw_err err;

	if (n > WRITER_CHUNK)
		return sync_op(w, &s, e);
	if ((err = room(w, n, e)) != DW_OK)
		return err;
	put_report(w->cur, r);
	return DW_OK;
}

enum dw_err
writer_report_record(struct writer *w, const struct agg_record *rec,
    struct dw_error *e)
{
	struct syncop s = { .record = rec };
	size_t n = record_size(rec);
	enum dw_err err;

	if (n > WRITER_CHUNK)
		return sync_op(w, &s, e);
	if ((err = room(w, n, e)) != DW_OK)
		return err;
	put_record(w->cur, rec);
	return DW_OK;
}

enum dw_err
writer_report_end(struct writer *w, bool commit, uint64_t records,
    uint64_t messages, struct dw_error *e)
{
	uint8_t op[2] = { OP_REPORT_END, commit };
	enum dw_err err;

	/* Even after a failure, so the writer drops the report. */
	err = room(w, 18, e);
	if (err != DW_OK)
		op[1] = false;
	if (w->cur->len + 18 > WRITER_CHUNK)
		(void)flush(w, NULL);
	if (w->cur->len + 18 <= WRITER_CHUNK) {
		put(w->cur, op, 2);
		put(w->cur, &records, 8);
		put(w->cur, &messages, 8);
	}
	return err;
}

enum dw_err
writer_unit_evidence(struct writer *w, enum store_evidence ev,
    struct dw_error *e)
{
	uint8_t op[2] = { OP_EVIDENCE, (uint8_t)ev };
	enum dw_err err;

	if ((err = room(w, 2, e)) != DW_OK)
		return err;
	put(w->cur, op, 2);
	return DW_OK;
}

enum dw_err
writer_failure_put(struct writer *w, const struct failure_report *r,
    struct dw_error *e)
{
	struct syncop s = { .failure = r };

	return sync_op(w, &s, e);
}

enum dw_err
writer_tls_report(struct writer *w, const struct tlsrpt_report *r,
    const uint8_t sha256[32], struct dw_error *e)
{
	struct syncop s = { .tls = r, .tls_sha = sha256 };

	return sync_op(w, &s, e);
}
