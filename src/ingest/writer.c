/*
 * writer.c: a store thread fed by a bounded queue of chunks.
 *
 * The producer (the parsing thread) appends operations to its current
 * chunk and hands full chunks over; the writer thread applies them in
 * order.  An operation is a one-byte code followed by its payload: records
 * are serialized (strings as length + bytes + NUL, so the writer can point
 * into the chunk without copying), synchronous operations carry pointers,
 * which stay valid because the producer waits for their result.  At most
 * WRITER_QUEUE chunks exist beyond the two in hand, so memory is bounded
 * and a slow store slows the parser down instead of growing a backlog.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "report/agg_xml.h"
#include "store/store.h"
#include "writer.h"

enum wop {
	OP_UNIT_BEGIN = 1, OP_RAW, OP_UNIT_END, OP_REPORT_BEGIN, OP_RECORD,
	OP_RECORD_PTR, OP_REPORT_END, OP_QUIT,
};

#define NULLSTR	UINT32_MAX

struct chunk {
	struct chunk	*next;
	size_t		 len;
	char		 data[WRITER_CHUNK];
};

/* The arguments of a synchronous operation, by pointer. */
struct syncop {
	const char		*name;
	const uint8_t		*sha;
	uint64_t		 size;
	const struct agg_report	*report;
	const struct agg_record	*record;
	bool			 commit;
	uint64_t		 records;
	uint64_t		 messages;
	/* results */
	enum dw_err		 err;
	bool			 dup;
	struct dw_error		 e;
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
	_Atomic int		 sticky;	/* first async failure */
	struct dw_error		 sticky_e;	/* under mu */
	/* writer thread only */
	struct agg_auth		 auth[AGG_MAX_AUTH];
	struct agg_reason	 reasons[AGG_MAX_REASONS];
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

/* Hands the current chunk to the writer and takes a fresh one. */
static enum dw_err
flush(struct writer *w, struct dw_error *e)
{
	struct chunk *c = w->cur;

	if (c->len == 0)
		return DW_OK;
	pthread_mutex_lock(&w->mu);
	if (w->qtail != NULL)
		w->qtail->next = c;
	else
		w->qhead = c;
	w->qtail = c;
	pthread_cond_signal(&w->cv_work);
	pthread_mutex_unlock(&w->mu);
	w->cur = chunk_get(w);
	if (w->cur == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
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

/* Applies one synchronous operation and wakes the producer. */
static void
do_sync(struct writer *w, uint8_t op, struct syncop *s)
{
	enum dw_err sticky = (enum dw_err)atomic_load(&w->sticky);

	dw_error_clear(&s->e);
	s->dup = false;
	switch (op) {
	case OP_UNIT_BEGIN:
		s->err = store_unit_begin(w->st, s->name, s->sha, s->size,
		    &s->dup, &s->e);
		break;
	case OP_UNIT_END:
		s->err = store_unit_end(w->st, s->commit && sticky == DW_OK,
		    &s->e);
		break;
	case OP_REPORT_BEGIN:
		s->err = store_report_begin(w->st, s->report, &s->dup, &s->e);
		break;
	case OP_RECORD_PTR:
		s->err = sticky != DW_OK ? DW_OK :
		    store_report_record(w->st, s->record, &s->e);
		break;
	case OP_REPORT_END:
		s->err = store_report_end(w->st, s->commit && sticky == DW_OK,
		    s->records, s->messages, &s->e);
		break;
	}
	pthread_mutex_lock(&w->mu);
	if (sticky != DW_OK && (op == OP_UNIT_END || op == OP_REPORT_END)) {
		s->err = sticky;
		s->e = w->sticky_e;
		if (op == OP_UNIT_END)
			atomic_store(&w->sticky, DW_OK);
	}
	w->done++;
	pthread_cond_broadcast(&w->cv_done);
	pthread_mutex_unlock(&w->mu);
}

/* Applies the operations of one chunk; false on OP_QUIT. */
static bool
apply(struct writer *w, const struct chunk *c)
{
	const char *p = c->data, *end = c->data + c->len;
	struct agg_record rec;
	struct syncop *s;
	struct dw_error e;
	enum dw_err err;
	uint8_t op;
	uint32_t n;

	while (p < end) {
		op = (uint8_t)*p++;
		switch (op) {
		case OP_RAW:
			memcpy(&n, p, 4);
			p += 4;
			if (atomic_load(&w->sticky) == DW_OK &&
			    (err = store_unit_raw(w->st, p, n, &e)) != DW_OK)
				set_sticky(w, err, &e);
			p += n;
			break;
		case OP_RECORD:
			memset(&rec, 0, sizeof(rec));
			p = get_record(w, p, &rec);
			if (atomic_load(&w->sticky) == DW_OK &&
			    (err = store_report_record(w->st, &rec, &e)) !=
			    DW_OK)
				set_sticky(w, err, &e);
			break;
		case OP_QUIT:
			return false;
		default:
			memcpy(&s, p, sizeof(s));
			p += sizeof(s);
			do_sync(w, op, s);
			break;
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

enum dw_err
writer_new(struct store *st, struct writer **out, struct dw_error *e)
{
	struct writer *w;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	w->st = st;
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

/* Queues a synchronous operation and waits for its result. */
static enum dw_err
sync_op(struct writer *w, uint8_t op, struct syncop *s, struct dw_error *e)
{
	uint64_t mine;
	enum dw_err err;

	if (w->cur->len + 1 + sizeof(s) > WRITER_CHUNK &&
	    (err = flush(w, e)) != DW_OK)
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
	if (s->err != DW_OK && e != NULL)
		*e = s->e;
	return s->err;
}

void
writer_free(struct writer *w)
{
	uint8_t op = OP_QUIT;
	struct chunk *c;

	if (w == NULL)
		return;
	put(w->cur, &op, 1);
	(void)flush(w, NULL);
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

enum dw_err
writer_unit_begin(struct writer *w, const char *name, const uint8_t sha[32],
    uint64_t size, bool *dup, struct dw_error *e)
{
	struct syncop s = { .name = name, .sha = sha, .size = size };
	enum dw_err err;

	err = sync_op(w, OP_UNIT_BEGIN, &s, e);
	*dup = s.dup;
	return err;
}

enum dw_err
writer_unit_raw(struct writer *w, const void *p, size_t n,
    struct dw_error *e)
{
	const char *q = p;
	uint32_t part;
	uint8_t op = OP_RAW;
	enum dw_err err;

	if ((err = sticky_err(w, e)) != DW_OK)
		return err;
	while (n > 0) {
		if (w->cur->len + 16 > WRITER_CHUNK &&
		    (err = flush(w, e)) != DW_OK)
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
	return DW_OK;
}

enum dw_err
writer_unit_end(struct writer *w, bool commit, struct dw_error *e)
{
	struct syncop s = { .commit = commit };

	return sync_op(w, OP_UNIT_END, &s, e);
}

enum dw_err
writer_report_begin(struct writer *w, const struct agg_report *r, bool *dup,
    struct dw_error *e)
{
	struct syncop s = { .report = r };
	enum dw_err err;

	err = sync_op(w, OP_REPORT_BEGIN, &s, e);
	*dup = s.dup;
	return err;
}

enum dw_err
writer_report_record(struct writer *w, const struct agg_record *rec,
    struct dw_error *e)
{
	struct syncop s = { .record = rec };
	size_t n;
	enum dw_err err;

	if ((err = sticky_err(w, e)) != DW_OK)
		return err;
	n = record_size(rec);
	if (n > WRITER_CHUNK)
		return sync_op(w, OP_RECORD_PTR, &s, e);
	if (w->cur->len + n > WRITER_CHUNK && (err = flush(w, e)) != DW_OK)
		return err;
	put_record(w->cur, rec);
	return DW_OK;
}

enum dw_err
writer_report_end(struct writer *w, bool commit, uint64_t records,
    uint64_t messages, struct dw_error *e)
{
	struct syncop s = { .commit = commit, .records = records,
	    .messages = messages };

	return sync_op(w, OP_REPORT_END, &s, e);
}
