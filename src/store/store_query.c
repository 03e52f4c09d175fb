/*
 * store_query.c: the read side of the SQLite store: per-domain summary,
 * top sources, and the record export.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_sqlite.h"

#define FILTER_SQL \
	"(?1 IS NULL OR r.domain = ?1) AND r.date_end >= ?2 AND " \
	"r.date_begin < ?3"
#define EXPORT_AUTH_MAX	100

void
store_filter_init(struct store_filter *f)
{
	f->domain = NULL;
	f->since = INT64_MIN;
	f->until = INT64_MAX;
}

enum dw_err
sq_prep(struct store *st, const char *sql, const struct store_filter *f,
    sqlite3_stmt **s, struct dw_error *e)
{
	sqlite3 *db = store_sqlite_db(st);

	if (sqlite3_prepare_v2(db, sql, -1, s, NULL) != SQLITE_OK)
		return dw_fail(e, DW_ESTORE, "store query: %s",
		    sqlite3_errmsg(db));
	if (f->domain != NULL)
		sqlite3_bind_text(*s, 1, f->domain, -1, SQLITE_STATIC);
	sqlite3_bind_int64(*s, 2, f->since);
	sqlite3_bind_int64(*s, 3, f->until);
	return DW_OK;
}

enum dw_err
sq_finish(struct store *st, sqlite3_stmt *s, int rc, enum dw_err err,
    struct dw_error *e)
{
	sqlite3 *db = store_sqlite_db(st);

	if (err == DW_OK && rc != SQLITE_DONE)
		err = dw_fail(e, DW_ESTORE, "store query: %s",
		    sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return err;
}

static uint64_t
col_u64(sqlite3_stmt *s, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(s, i);

	return v < 0 ? 0 : (uint64_t)v;
}

enum dw_err
sq_summary(struct store *st, const struct store_filter *f,
    store_summary_cb cb, void *ctx, struct dw_error *e)
{
	static const char sql[] =
	    "SELECT r.domain, count(DISTINCT r.id), total(c.count), "
	    "total(CASE WHEN c.dkim = 'pass' OR c.spf = 'pass' THEN c.count "
	    "END), total(CASE WHEN c.spf = 'pass' THEN c.count END), "
	    "total(CASE WHEN c.dkim = 'pass' THEN c.count END), "
	    "total(CASE WHEN c.disposition = 'none' THEN c.count END), "
	    "total(CASE WHEN c.disposition = 'quarantine' THEN c.count END), "
	    "total(CASE WHEN c.disposition = 'reject' THEN c.count END) "
	    "FROM reports r LEFT JOIN records c ON c.report_id = r.id WHERE "
	    FILTER_SQL " GROUP BY r.domain ORDER BY total(c.count) DESC, "
	    "r.domain";
	struct store_summary sum;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = sq_prep(st, sql, f, &s, e)) != DW_OK)
		return err;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sum.domain = (const char *)sqlite3_column_text(s, 0);
		sum.reports = col_u64(s, 1);
		sum.messages = (uint64_t)sqlite3_column_double(s, 2);
		sum.dmarc_pass = (uint64_t)sqlite3_column_double(s, 3);
		sum.spf_aligned = (uint64_t)sqlite3_column_double(s, 4);
		sum.dkim_aligned = (uint64_t)sqlite3_column_double(s, 5);
		sum.none = (uint64_t)sqlite3_column_double(s, 6);
		sum.quarantine = (uint64_t)sqlite3_column_double(s, 7);
		sum.reject = (uint64_t)sqlite3_column_double(s, 8);
		if ((err = cb(ctx, &sum)) != DW_OK)
			break;
	}
	return sq_finish(st, s, rc, err, e);
}

enum dw_err
sq_top_sources(struct store *st, const struct store_filter *f,
    bool failing, unsigned n, store_source_cb cb, void *ctx,
    struct dw_error *e)
{
	static const char sql[] =
	    "SELECT c.source_ip, sum(c.count), total(CASE WHEN c.dkim = "
	    "'pass' OR c.spf = 'pass' THEN c.count END) AS pass "
	    "FROM reports r JOIN records c ON c.report_id = r.id WHERE "
	    FILTER_SQL " GROUP BY c.source_ip HAVING ?4 = 0 OR "
	    "sum(c.count) > pass ORDER BY CASE WHEN ?4 THEN sum(c.count) - "
	    "pass ELSE sum(c.count) END DESC, c.source_ip LIMIT ?5";
	struct store_source src;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = sq_prep(st, sql, f, &s, e)) != DW_OK)
		return err;
	sqlite3_bind_int(s, 4, failing);
	sqlite3_bind_int(s, 5, (int)n);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		src.source_ip = (const char *)sqlite3_column_text(s, 0);
		src.messages = col_u64(s, 1);
		src.pass = (uint64_t)sqlite3_column_double(s, 2);
		if ((err = cb(ctx, &src)) != DW_OK)
			break;
	}
	return sq_finish(st, s, rc, err, e);
}

static const char *
txt(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static void
row_report(sqlite3_stmt *s, struct agg_report *r)
{
	const char *schema = txt(s, 0);

	memset(r, 0, sizeof(*r));
	r->schema = strcmp(schema, agg_schema_name(AGG_SCHEMA_RFC9990)) == 0 ?
	    AGG_SCHEMA_RFC9990 : strcmp(schema,
	    agg_schema_name(AGG_SCHEMA_DRAFT)) == 0 ? AGG_SCHEMA_DRAFT :
	    AGG_SCHEMA_RFC7489;
	r->org_name = txt(s, 1);
	r->email = txt(s, 2);
	r->extra_contact_info = txt(s, 3);
	r->report_id = txt(s, 4);
	r->begin = sqlite3_column_int64(s, 5);
	r->end = sqlite3_column_int64(s, 6);
	r->policy.domain = txt(s, 7);
	r->policy.adkim = txt(s, 8);
	r->policy.aspf = txt(s, 9);
	r->policy.p = txt(s, 10);
	r->policy.sp = txt(s, 11);
	r->policy.pct = sqlite3_column_type(s, 12) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(s, 12);
	r->policy.fo = txt(s, 13);
	r->policy.np = txt(s, 14);
	r->repairs = txt(s, 15);
}

/* Fills auth from the first-result columns and the extra table. */
static size_t
row_auth(sqlite3_stmt *s, sqlite3_stmt *xs, int64_t id, struct agg_auth *au,
    bool *owned)
{
	size_t n = 0;
	int k;

	for (k = 0; k < 2; k++) {
		int c = k == 0 ? 25 : 29;
		enum agg_auth_kind kind = k == 0 ? AGG_AUTH_DKIM : AGG_AUTH_SPF;

		if (sqlite3_column_type(s, c + 2) != SQLITE_NULL ||
		    sqlite3_column_type(s, c) != SQLITE_NULL) {
			memset(&au[n], 0, sizeof(au[n]));
			owned[n] = false;
			au[n].kind = kind;
			au[n].domain = txt(s, c);
			if (kind == AGG_AUTH_DKIM)
				au[n].selector = txt(s, c + 1);
			else
				au[n].scope = txt(s, c + 1);
			au[n].result = txt(s, c + 2);
			au[n].human_result = txt(s, c + 3);
			n++;
		}
		if (sqlite3_column_int64(s, 33) <= (sqlite3_int64)n && k == 1)
			break;
		sqlite3_reset(xs);
		sqlite3_bind_int64(xs, 1, id);
		sqlite3_bind_text(xs, 2, k == 0 ? "dkim" : "spf", -1,
		    SQLITE_STATIC);
		while (sqlite3_step(xs) == SQLITE_ROW && n < EXPORT_AUTH_MAX) {
			memset(&au[n], 0, sizeof(au[n]));
			au[n].kind = kind;
			au[n].domain = strdup(txt(xs, 0) ? txt(xs, 0) : "");
			au[n].selector = txt(xs, 1) ? strdup(txt(xs, 1)) : NULL;
			au[n].scope = txt(xs, 2) ? strdup(txt(xs, 2)) : NULL;
			au[n].result = txt(xs, 3) ? strdup(txt(xs, 3)) : NULL;
			au[n].human_result = txt(xs, 4) ?
			    strdup(txt(xs, 4)) : NULL;
			owned[n] = true;
			n++;
		}
	}
	return n;
}

static void
free_auth(struct agg_auth *au, const bool *owned, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!owned[i])
			continue;
		free((char *)au[i].domain);
		free((char *)au[i].selector);
		free((char *)au[i].scope);
		free((char *)au[i].result);
		free((char *)au[i].human_result);
	}
}

enum dw_err
sq_export(struct store *st, const struct store_filter *f,
    store_row_cb cb, void *ctx, struct dw_error *e)
{
	static const char sql[] =
	    "SELECT r.schema, r.org_name, r.email, r.extra_contact_info, "
	    "r.report_id, r.date_begin, r.date_end, r.domain, r.adkim, "
	    "r.aspf, r.p, r.sp, r.pct, r.fo, r.np, r.repairs, r.errors, "
	    "c.id, c.source_ip, c.count, c.disposition, c.dkim, c.spf, "
	    "c.header_from, c.envelope_from, c.dkim_domain, c.dkim_selector,"
	    " c.dkim_result, c.dkim_human, c.spf_domain, c.spf_scope, "
	    "c.spf_result, c.spf_human, c.nauth, c.envelope_to, c.reasons "
	    "FROM reports r JOIN records c ON c.report_id = r.id WHERE "
	    FILTER_SQL " ORDER BY r.date_begin, r.id, c.id";
	static const char xsql[] = "SELECT domain, selector, scope, result, "
	    "human_result FROM auth_results WHERE record_id = ? AND kind = ? "
	    "ORDER BY seq";
	struct agg_auth au[EXPORT_AUTH_MAX + 2];
	bool owned[EXPORT_AUTH_MAX + 2];
	struct agg_report rep;
	struct agg_record rec;
	struct store_row row;
	sqlite3_stmt *s, *xs;
	enum dw_err err;
	int rc;

	if ((err = sq_prep(st, sql, f, &s, e)) != DW_OK)
		return err;
	if (sqlite3_prepare_v2(store_sqlite_db(st), xsql, -1, &xs,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return dw_fail(e, DW_ESTORE, "store query failed");
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_report(s, &rep);
		memset(&rec, 0, sizeof(rec));
		rec.source_ip = txt(s, 18);
		rec.count = col_u64(s, 19);
		rec.disposition = txt(s, 20);
		rec.dkim = txt(s, 21);
		rec.spf = txt(s, 22);
		rec.header_from = txt(s, 23);
		rec.envelope_from = txt(s, 24);
		rec.envelope_to = txt(s, 34);
		rec.auth = au;
		rec.nauth = row_auth(s, xs, sqlite3_column_int64(s, 17), au,
		    owned);
		row.report = &rep;
		row.errors = txt(s, 16);
		row.record = &rec;
		row.reasons = txt(s, 35);
		err = cb(ctx, &row);
		free_auth(au, owned, rec.nauth);
		if (err != DW_OK)
			break;
	}
	sqlite3_finalize(xs);
	return sq_finish(st, s, rc, err, e);
}
