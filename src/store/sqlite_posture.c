/*
 * sqlite_posture.c: the history of `dmarcward check` on SQLite (migration
 * 0004): runs, the record sets that changed, and events.  One transaction
 * per checked domain; the names' current values are read in one query and
 * compared in memory.
 */
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

/* Short names for the backend's helpers. */
static enum dw_err
prep(struct store *st, const char *sql, sqlite3_stmt **s, struct dw_error *e)
{
	return store_sqlite_prep(st, sql, s, e);
}

static enum dw_err
exec(struct store *st, const char *sql, struct dw_error *e)
{
	return store_sqlite_exec(st, sql, e);
}

static void
bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	store_sqlite_bind_text(s, i, v);
}

static const char *
col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static bool
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The newest row of each name of the domain. */
struct cur {
	char	*kind, *name, *value, *event_value;
};

struct curset {
	struct cur	*v;
	size_t		 n, cap;
};

static void
curset_free(struct curset *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		free(cs->v[i].kind);
		free(cs->v[i].name);
		free(cs->v[i].value);
		free(cs->v[i].event_value);
	}
	free(cs->v);
}

static char *
dup_opt(const char *s, bool *nomem)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*nomem = true;
	return d;
}

static enum dw_err
load_current(struct store *st, const char *domain, struct curset *cs,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;
	bool nomem = false;
	int rc;

	if ((err = prep(st, "SELECT kind, name, value, event_value FROM "
	    "dns_records WHERE id IN (SELECT max(id) FROM dns_records WHERE "
	    "domain = ? GROUP BY kind, name)", &s, e)) != DW_OK)
		return err;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && !nomem) {
		struct cur *c;

		if (cs->n == cs->cap) {
			size_t ncap = cs->cap ? cs->cap * 2 : 32;

			c = realloc(cs->v, ncap * sizeof(*c));
			if (c == NULL) {
				nomem = true;
				break;
			}
			cs->v = c;
			cs->cap = ncap;
		}
		c = &cs->v[cs->n++];
		c->kind = dup_opt(col(s, 0), &nomem);
		c->name = dup_opt(col(s, 1), &nomem);
		c->value = dup_opt(col(s, 2), &nomem);
		c->event_value = dup_opt(col(s, 3), &nomem);
		if (c->kind == NULL || c->name == NULL)
			nomem = true;
	}
	sqlite3_finalize(s);
	if (nomem)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(st, rc, e, "reading the history");
	return DW_OK;
}

static const struct cur *
find(const struct curset *cs, const char *kind, const char *name)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->v[i].kind, kind) == 0 &&
		    strcmp(cs->v[i].name, name) == 0)
			return &cs->v[i];
	return NULL;
}

struct put {
	struct store		*st;
	const struct store_check *c;
	int64_t			 run_id;
	bool			 prior;		/* the domain was checked */
	sqlite3_stmt		*rec, *ev;
	struct dw_error		*e;
};

static enum dw_err
step(struct put *p, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? DW_OK :
	    store_sqlite_fail(p->st, rc, p->e, what);
}

/* Stores one changed record set, and its event. */
static enum dw_err
change(struct put *p, const struct store_dns_record *r, const struct cur *old,
    store_change_cb cb, void *ctx)
{
	struct store_dns_change ch;
	enum dw_err err;
	bool event;

	sqlite3_bind_int64(p->rec, 1, p->run_id);
	sqlite3_bind_text(p->rec, 2, p->c->domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(p->rec, 3, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(p->rec, 4, r->name, -1, SQLITE_STATIC);
	bind_opt(p->rec, 5, r->value);
	bind_opt(p->rec, 6, r->event_value);
	if ((err = step(p, p->rec, "storing a record")) != DW_OK)
		return err;
	event = r->event_type != NULL && (old != NULL ?
	    !same(old->event_value, r->event_value) :
	    p->prior && r->event_value != NULL);
	if (event) {
		sqlite3_bind_int64(p->ev, 1, p->c->at);
		sqlite3_bind_text(p->ev, 2, p->c->domain, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->ev, 3, r->event_type, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->ev, 4, r->name, -1, SQLITE_STATIC);
		bind_opt(p->ev, 5, old != NULL ? old->event_value : NULL);
		bind_opt(p->ev, 6, r->event_value);
		sqlite3_bind_int64(p->ev, 7, p->run_id);
		sqlite3_bind_int64(p->ev, 8, sqlite3_last_insert_rowid(
		    store_sqlite_db(p->st)));
		if ((err = step(p, p->ev, "storing an event")) != DW_OK)
			return err;
	}
	if (cb == NULL)
		return DW_OK;
	memset(&ch, 0, sizeof(ch));
	ch.domain = p->c->domain;
	ch.kind = r->kind;
	ch.name = r->name;
	ch.old_value = old != NULL ? old->value : NULL;
	ch.new_value = r->value;
	ch.first = old == NULL && !p->prior;
	ch.at = p->c->at;
	ch.event_type = event ? r->event_type : NULL;
	return cb(ctx, &ch);
}

static enum dw_err
put_run(struct put *p)
{
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = prep(p->st, "SELECT count(*) FROM check_runs WHERE "
	    "domain = ?", &s, p->e)) != DW_OK)
		return err;
	sqlite3_bind_text(s, 1, p->c->domain, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	p->prior = rc == SQLITE_ROW && sqlite3_column_int64(s, 0) > 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_sqlite_fail(p->st, rc, p->e, "reading checks");
	if ((err = prep(p->st, "INSERT INTO check_runs (domain, checked_at, "
	    "grade, score, worst, findings) VALUES (?, ?, ?, ?, ?, ?)", &s,
	    p->e)) != DW_OK)
		return err;
	sqlite3_bind_text(s, 1, p->c->domain, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, p->c->at);
	sqlite3_bind_text(s, 3, p->c->grade, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, p->c->score);
	sqlite3_bind_text(s, 5, p->c->worst, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, p->c->findings, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(p->st, rc, p->e, "storing a check");
	p->run_id = sqlite3_last_insert_rowid(store_sqlite_db(p->st));
	return DW_OK;
}

enum dw_err
sq_check_put(struct store *st, const struct store_check *c,
    const struct store_dns_record *recs, size_t n, store_change_cb cb,
    void *ctx, struct dw_error *e)
{
	struct put p = { st, c, 0, false, NULL, NULL, e };
	struct curset cs = { NULL, 0, 0 };
	const struct cur *old;
	enum dw_err err;
	size_t i;

	if ((err = exec(st, "BEGIN IMMEDIATE", e)) != DW_OK)
		return err;
	if ((err = put_run(&p)) != DW_OK ||
	    (err = load_current(st, c->domain, &cs, e)) != DW_OK ||
	    (err = prep(st, "INSERT INTO dns_records (run_id, domain, kind, "
	    "name, value, event_value) VALUES (?, ?, ?, ?, ?, ?)", &p.rec,
	    e)) != DW_OK ||
	    (err = prep(st, "INSERT INTO events (at, domain, type, name, "
	    "old_value, new_value, run_id, record_id) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?)",
	    &p.ev, e)) != DW_OK)
		goto out;
	for (i = 0; i < n && err == DW_OK; i++) {
		old = find(&cs, recs[i].kind, recs[i].name);
		if (old == NULL ? recs[i].value == NULL :
		    same(old->value, recs[i].value))
			continue;
		err = change(&p, &recs[i], old, cb, ctx);
	}
out:
	sqlite3_finalize(p.rec);
	sqlite3_finalize(p.ev);
	curset_free(&cs);
	if (err == DW_OK && (err = exec(st, "COMMIT", e)) == DW_OK)
		return DW_OK;
	(void)exec(st, "ROLLBACK", NULL);
	return err;
}

enum dw_err
sq_dns_history(struct store *st, const char *domain, store_change_cb cb,
    void *ctx, uint64_t *nruns, struct dw_error *e)
{
	struct store_dns_change ch;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if (nruns != NULL) {
		if ((err = prep(st, "SELECT count(*) FROM check_runs WHERE "
		    "domain = ?", &s, e)) != DW_OK)
			return err;
		sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		*nruns = rc == SQLITE_ROW ?
		    (uint64_t)sqlite3_column_int64(s, 0) : 0;
		sqlite3_finalize(s);
		if (rc != SQLITE_ROW)
			return store_sqlite_fail(st, rc, e, "reading checks");
	}
	if ((err = prep(st, "SELECT r.kind, r.name, r.value, c.checked_at, "
	    "(SELECT p.value FROM dns_records p WHERE p.domain = r.domain AND "
	    "p.kind = r.kind AND p.name = r.name AND p.id < r.id ORDER BY "
	    "p.id DESC LIMIT 1), EXISTS (SELECT 1 FROM dns_records p WHERE "
	    "p.domain = r.domain AND p.kind = r.kind AND p.name = r.name AND "
	    "p.id < r.id), EXISTS (SELECT 1 FROM check_runs o WHERE o.domain "
	    "= r.domain AND o.id < r.run_id), (SELECT e.type FROM events e "
	    "WHERE e.record_id = r.id) FROM "
	    "dns_records r JOIN check_runs c ON c.id = r.run_id WHERE "
	    "r.domain = ? ORDER BY r.id", &s, e)) != DW_OK)
		return err;
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	err = DW_OK;
	while (err == DW_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&ch, 0, sizeof(ch));
		ch.domain = domain;
		ch.kind = col(s, 0);
		ch.name = col(s, 1);
		ch.new_value = col(s, 2);
		ch.at = sqlite3_column_int64(s, 3);
		ch.old_value = col(s, 4);
		ch.first = sqlite3_column_int(s, 5) == 0 &&
		    sqlite3_column_int(s, 6) == 0;
		ch.event_type = col(s, 7);
		err = cb(ctx, &ch);
	}
	sqlite3_finalize(s);
	if (err == DW_OK && rc != SQLITE_DONE)
		return store_sqlite_fail(st, rc, e, "reading the history");
	return err;
}

enum dw_err
sq_events(struct store *st, const char *domain, int64_t after,
    store_event_cb cb, void *ctx, struct dw_error *e)
{
	struct store_event ev;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = prep(st, "SELECT id, at, domain, type, name, old_value, "
	    "new_value FROM events WHERE id > ?1 AND (?2 IS NULL OR domain = "
	    "?2) ORDER BY id", &s, e)) != DW_OK)
		return err;
	sqlite3_bind_int64(s, 1, after);
	bind_opt(s, 2, domain);
	err = DW_OK;
	while (err == DW_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		ev.id = sqlite3_column_int64(s, 0);
		ev.at = sqlite3_column_int64(s, 1);
		ev.domain = col(s, 2);
		ev.type = col(s, 3);
		ev.name = col(s, 4);
		ev.old_value = col(s, 5);
		ev.new_value = col(s, 6);
		err = cb(ctx, &ev);
	}
	sqlite3_finalize(s);
	if (err == DW_OK && rc != SQLITE_DONE)
		return store_sqlite_fail(st, rc, e, "reading events");
	return err;
}
