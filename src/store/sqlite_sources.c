/*
 * sqlite_sources.c: the SQLite side of enrichment (store.h, "sources:
 * enrichment"): the source addresses to look up, their entries, the SPF
 * networks of the known services.  Also the small helpers the other
 * sources files share (store_sqlite.h, "sqx_").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "store.h"
#include "store_sqlite.h"

enum dw_err
sqx_fail(struct store *st, struct dw_error *e, const char *what)
{
	sqlite3 *db = store_sqlite_db(st);

	if (sqlite3_errcode(db) == SQLITE_FULL)
		return dw_fail(e, DW_EFULL, "store full while %s: %s", what,
		    sqlite3_errmsg(db));
	return dw_fail(e, DW_ESTORE, "store: %s: %s", what,
	    sqlite3_errmsg(db));
}

enum dw_err
sqx_prepare(struct store *st, const char *sql, sqlite3_stmt **s,
    struct dw_error *e)
{
	if (sqlite3_prepare_v2(store_sqlite_db(st), sql, -1, s, NULL) !=
	    SQLITE_OK) {
		*s = NULL;
		return sqx_fail(st, e, "preparing a query");
	}
	return DW_OK;
}

void
sqx_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

const char *
sqx_col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

uint64_t
sqx_u64(sqlite3_stmt *s, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(s, i);

	return v < 0 ? 0 : (uint64_t)v;
}

enum dw_err
sqx_exec(struct store *st, const char *sql, struct dw_error *e)
{
	if (sqlite3_exec(store_sqlite_db(st), sql, NULL, NULL, NULL) !=
	    SQLITE_OK)
		return sqx_fail(st, e, sql);
	return DW_OK;
}

/* Steps a write statement to its end and resets it. */
enum dw_err
sqx_done(struct store *st, sqlite3_stmt *s, struct dw_error *e,
    const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return sqx_fail(st, e, what);
	return DW_OK;
}

/*
 * A transaction of its own (BEGIN IMMEDIATE: the write lock up front, so
 * two writers wait for each other instead of failing), or a savepoint
 * inside one the caller has open.
 */
enum dw_err
sqx_begin(struct store *st, bool *nested, struct dw_error *e)
{
	*nested = !sqlite3_get_autocommit(store_sqlite_db(st));
	return sqx_exec(st, *nested ? "SAVEPOINT sqx" : "BEGIN IMMEDIATE", e);
}

enum dw_err
sqx_end(struct store *st, bool nested, bool commit, struct dw_error *e)
{
	if (commit)
		return sqx_exec(st, nested ? "RELEASE sqx" : "COMMIT", e);
	(void)sqx_exec(st, nested ? "ROLLBACK TO sqx; RELEASE sqx" :
	    "ROLLBACK", NULL);
	return DW_OK;
}

enum dw_err
sqx_state_get(struct store *st, const char *key, int64_t *val,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	*val = 0;
	if ((err = sqx_prepare(st, "SELECT value FROM state WHERE key = ?",
	    &s, e)) != DW_OK)
		return err;
	sqx_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*val = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading state");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sqx_state_set(struct store *st, const char *key, int64_t val,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;

	if ((err = sqx_prepare(st, "INSERT INTO state (key, value) VALUES "
	    "(?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2", &s, e)) !=
	    DW_OK)
		return err;
	sqx_text(s, 1, key);
	sqlite3_bind_int64(s, 2, val);
	err = sqx_done(st, s, e, "writing state");
	sqlite3_finalize(s);
	return err;
}

/* ---- enrichment ----------------------------------------------------- */

enum dw_err
sq_enrich_todo(struct store *st, int64_t now, bool all, store_ip_cb cb,
    void *ctx, int64_t *upto, struct dw_error *e)
{
	static const char sql[] =
	    "SELECT DISTINCT c.source_ip FROM records c LEFT JOIN ip_info i "
	    "ON i.ip = c.source_ip WHERE c.id > ?1 AND c.id <= ?3 AND "
	    "(?4 OR i.ip IS NULL OR i.expires <= ?2) "
	    "UNION SELECT ip FROM ip_info WHERE expires <= ?2";
	sqlite3_stmt *s, *m;
	int64_t from = 0;
	enum dw_err err;
	int rc;

	*upto = 0;
	if (!all && (err = sqx_state_get(st, "enrich_record_id", &from, e)) !=
	    DW_OK)
		return err;
	if ((err = sqx_prepare(st, "SELECT coalesce(max(id), 0) FROM records",
	    &m, e)) != DW_OK)
		return err;
	if (sqlite3_step(m) == SQLITE_ROW)
		*upto = sqlite3_column_int64(m, 0);
	sqlite3_finalize(m);
	if ((err = sqx_prepare(st, sql, &s, e)) != DW_OK)
		return err;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, *upto);
	sqlite3_bind_int(s, 4, all);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((err = cb(ctx, sqx_col(s, 0))) != DW_OK)
			break;
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "listing source addresses");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_enrich_done(struct store *st, int64_t upto, struct dw_error *e)
{
	return sqx_state_set(st, "enrich_record_id", upto, e);
}

/* What classification reads of an entry, as one string. */
static void
attr_of(const struct store_ip_info *v, struct buf *b)
{
	buf_reset(b);
	(void)buf_printf(b, "%s|%s|%s|%u", v->ptr ? v->ptr : "",
	    v->base ? v->base : "", v->spf_services ? v->spf_services : "",
	    (unsigned)v->asn);
}

enum ip_stmt { IP_OLD, IP_PUT, IP_DIRTY, IP_TOUCH, IP_NSTMT };

static enum dw_err
put_one(struct store *st, sqlite3_stmt **s, const struct store_ip_info *v,
    struct buf *attr, struct dw_error *e)
{
	const char *old = NULL;
	bool changed;
	enum dw_err err;
	int rc;

	attr_of(v, attr);
	sqx_text(s[IP_OLD], 1, v->ip);
	rc = sqlite3_step(s[IP_OLD]);
	if (rc == SQLITE_ROW)
		old = sqx_col(s[IP_OLD], 0);
	else if (rc != SQLITE_DONE)
		return sqx_fail(st, e, "reading an address entry");
	changed = old == NULL || strcmp(old, buf_str(attr)) != 0;
	sqlite3_reset(s[IP_OLD]);
	/* a failure for now keeps what was known, until the next try */
	if (old != NULL && strcmp(v->status, "temp") == 0) {
		sqlite3_bind_int64(s[IP_TOUCH], 1, v->expires);
		sqx_text(s[IP_TOUCH], 2, v->ip);
		return sqx_done(st, s[IP_TOUCH], e, "storing an address entry");
	}
	sqx_text(s[IP_PUT], 1, v->ip);
	sqx_text(s[IP_PUT], 2, v->status);
	sqx_text(s[IP_PUT], 3, v->ptr);
	sqx_text(s[IP_PUT], 4, v->ptr_any);
	sqx_text(s[IP_PUT], 5, v->base);
	sqx_text(s[IP_PUT], 6, v->spf_services);
	if (v->asn != 0)
		sqlite3_bind_int64(s[IP_PUT], 7, v->asn);
	sqx_text(s[IP_PUT], 8, v->as_org);
	sqx_text(s[IP_PUT], 9, v->country);
	sqx_text(s[IP_PUT], 10, buf_str(attr));
	sqlite3_bind_int64(s[IP_PUT], 11, v->resolved);
	sqlite3_bind_int64(s[IP_PUT], 12, v->expires);
	if ((err = sqx_done(st, s[IP_PUT], e, "storing an address entry")) !=
	    DW_OK || !changed)
		return err;
	sqx_text(s[IP_DIRTY], 1, v->ip);
	return sqx_done(st, s[IP_DIRTY], e, "marking rollups");
}

enum dw_err
sq_ip_info_put(struct store *st, const struct store_ip_info *v, size_t n,
    struct dw_error *e)
{
	static const char *const sql[IP_NSTMT] = {
		[IP_OLD] = "SELECT attr FROM ip_info WHERE ip = ?",
		[IP_PUT] = "INSERT OR REPLACE INTO ip_info (ip, status, ptr, "
		    "ptr_any, base, spf_services, asn, as_org, country, attr, "
		    "resolved, expires) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		[IP_DIRTY] = "INSERT INTO rollup_dirty (domain, first_day, "
		    "last_day) SELECT domain, first_day, last_day FROM ip_seen "
		    "WHERE source_ip = ?",
		[IP_TOUCH] = "UPDATE ip_info SET expires = ? WHERE ip = ?",
	};
	sqlite3_stmt *s[IP_NSTMT] = { NULL };
	struct buf attr;
	bool nested;
	size_t i;
	enum dw_err err = DW_OK;

	buf_init(&attr, 4096);
	for (i = 0; i < IP_NSTMT && err == DW_OK; i++)
		err = sqx_prepare(st, sql[i], &s[i], e);
	if (err == DW_OK && (err = sqx_begin(st, &nested, e)) == DW_OK) {
		for (i = 0; i < n && err == DW_OK; i++)
			err = put_one(st, s, &v[i], &attr, e);
		if (err == DW_OK)
			err = sqx_end(st, nested, true, e);
		else
			(void)sqx_end(st, nested, false, NULL);
	}
	for (i = 0; i < IP_NSTMT; i++)
		sqlite3_finalize(s[i]);
	buf_fini(&attr);
	return err;
}

enum dw_err
sq_ip_info_get(struct store *st, const char *ip, store_ip_info_cb cb,
    void *ctx, struct dw_error *e)
{
	sqlite3_stmt *s;
	struct store_ip_info v;
	enum dw_err err;
	int rc;

	if ((err = sqx_prepare(st, "SELECT ip, status, ptr, ptr_any, base, "
	    "spf_services, asn, as_org, country, resolved, expires FROM "
	    "ip_info WHERE ip = ?", &s, e)) != DW_OK)
		return err;
	sqx_text(s, 1, ip);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(&v, 0, sizeof(v));
		v.ip = sqx_col(s, 0);
		v.status = sqx_col(s, 1);
		v.ptr = sqx_col(s, 2);
		v.ptr_any = sqx_col(s, 3);
		v.base = sqx_col(s, 4);
		v.spf_services = sqx_col(s, 5);
		v.asn = (uint32_t)sqlite3_column_int64(s, 6);
		v.as_org = sqx_col(s, 7);
		v.country = sqx_col(s, 8);
		v.resolved = sqlite3_column_int64(s, 9);
		v.expires = sqlite3_column_int64(s, 10);
		err = cb(ctx, &v);
	} else if (rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading an address entry");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_spf_nets_list(struct store *st, store_spf_nets_cb cb, void *ctx,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	struct store_spf_nets v;
	enum dw_err err;
	int rc;

	if ((err = sqx_prepare(st, "SELECT include, nets, partial, resolved, "
	    "expires FROM spf_nets ORDER BY include", &s, e)) != DW_OK)
		return err;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v.include = sqx_col(s, 0);
		v.nets = sqx_col(s, 1);
		v.partial = sqx_col(s, 2);
		v.resolved = sqlite3_column_int64(s, 3);
		v.expires = sqlite3_column_int64(s, 4);
		if ((err = cb(ctx, &v)) != DW_OK)
			break;
	}
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading SPF networks");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_spf_nets_put(struct store *st, const struct store_spf_nets *v,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;

	if ((err = sqx_prepare(st, "INSERT OR REPLACE INTO spf_nets (include,"
	    " nets, partial, resolved, expires) VALUES (?,?,?,?,?)", &s, e)) !=
	    DW_OK)
		return err;
	sqx_text(s, 1, v->include);
	sqx_text(s, 2, v->nets);
	sqx_text(s, 3, v->partial);
	sqlite3_bind_int64(s, 4, v->resolved);
	sqlite3_bind_int64(s, 5, v->expires);
	err = sqx_done(st, s, e, "storing SPF networks");
	sqlite3_finalize(s);
	return err;
}
