/*
 * sqlite_rollup.c: the SQLite side of the daily rollups (store.h,
 * "sources: daily rollups" and "reading the rollups").
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/arena.h"
#include "base/buf.h"
#include "report/agg_xml.h"
#include "store.h"
#include "store_sqlite.h"

#define SCAN_ARENA_MAX	((size_t)4 << 20)	/* one record's results */

_Static_assert(STORE_BUCKET_DAYS == 32, "the bucket SQL says day / 32");
#define QUERY_SQL_MAX	4096

enum { TXN_OWN = 1 };	/* store_rollup_state.backend: we began it */

enum dw_err
sq_rollup_begin(struct store *st, struct store_rollup_state *s,
    struct dw_error *e)
{
	sqlite3_stmt *m;
	enum dw_err err;

	memset(s, 0, sizeof(*s));
	if (sqlite3_get_autocommit(store_sqlite_db(st))) {
		if ((err = sqx_exec(st, "BEGIN IMMEDIATE", e)) != DW_OK)
			return err;
		s->backend = TXN_OWN;
	}
	if ((err = sqx_exec(st, "SAVEPOINT rollup", e)) != DW_OK)
		goto fail;
	if ((err = sqx_state_get(st, "rollup_record_id", &s->record_id, e)) !=
	    DW_OK || (err = sqx_state_get(st, "rollup_catalog", &s->catalog,
	    e)) != DW_OK)
		goto fail;
	if ((err = sqx_prepare(st, "SELECT coalesce(max(id), 0) FROM records",
	    &m, e)) != DW_OK)
		goto fail;
	if (sqlite3_step(m) == SQLITE_ROW)
		s->max_record_id = sqlite3_column_int64(m, 0);
	sqlite3_finalize(m);
	return DW_OK;
fail:
	(void)sq_rollup_end(st, false, s, NULL);
	return err;
}

enum dw_err
sq_rollup_end(struct store *st, bool commit,
    const struct store_rollup_state *s, struct dw_error *e)
{
	enum dw_err err = DW_OK;

	if (commit) {
		if ((err = sqx_state_set(st, "rollup_record_id", s->record_id,
		    e)) == DW_OK && (err = sqx_state_set(st, "rollup_catalog",
		    s->catalog, e)) == DW_OK &&
		    (err = sqx_exec(st, "DELETE FROM rollup_dirty", e)) ==
		    DW_OK && (err = sqx_exec(st, "RELEASE rollup", e)) ==
		    DW_OK && s->backend == TXN_OWN)
			err = sqx_exec(st, "COMMIT", e);
		if (err == DW_OK)
			return DW_OK;
	}
	(void)sqx_exec(st, "ROLLBACK TO rollup; RELEASE rollup", NULL);
	if (s->backend == TXN_OWN)
		(void)sqx_exec(st, "ROLLBACK", NULL);
	return err;
}

enum dw_err
sq_rollup_clear(struct store *st, struct dw_error *e)
{
	return sqx_exec(st, "DELETE FROM rollup_day; DELETE FROM rollup_ip; "
	    "DELETE FROM rollup_bucket; "
	    "DELETE FROM rollup_reporter; DELETE FROM ip_seen; "
	    "DELETE FROM rollup_dirty", e);
}

enum dw_err
sq_rollup_dirty(struct store *st, store_dirty_cb cb, void *ctx,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = sqx_prepare(st, "SELECT domain, min(first_day), "
	    "max(last_day) FROM rollup_dirty GROUP BY domain ORDER BY domain",
	    &s, e)) != DW_OK)
		return err;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((err = cb(ctx, sqx_col(s, 0), sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2))) != DW_OK)
			break;
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading marked days");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_rollup_forget(struct store *st, const char *domain, int64_t first_day,
    int64_t last_day, struct dw_error *e)
{
	static const char *const sql[] = {
		"DELETE FROM rollup_day WHERE domain = ?1 AND day >= ?2 AND "
		    "day <= ?3",
		"DELETE FROM rollup_ip WHERE domain = ?1 AND day >= ?2 AND "
		    "day <= ?3",
		"DELETE FROM rollup_reporter WHERE domain = ?1 AND day >= ?2 "
		    "AND day <= ?3",
	};
	sqlite3_stmt *s;
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]) && err == DW_OK; i++) {
		if ((err = sqx_prepare(st, sql[i], &s, e)) != DW_OK)
			break;
		sqx_text(s, 1, domain);
		sqlite3_bind_int64(s, 2, first_day);
		sqlite3_bind_int64(s, 3, last_day);
		err = sqx_done(st, s, e, "forgetting rollups");
		sqlite3_finalize(s);
	}
	return err;
}

/* ---- scan ----------------------------------------------------------- */

#define SCAN_COLS \
	"SELECT c.id, r.domain, r.date_begin, r.date_end, r.adkim, r.aspf, " \
	"r.reporter_id, c.source_ip, c.count, c.disposition, c.dkim, c.spf, " \
	"c.header_from, c.envelope_from, c.reasons, c.dkim_domain, " \
	"c.dkim_selector, c.dkim_result, c.spf_domain, c.spf_scope, " \
	"c.spf_result, c.nauth, i.ptr, i.base, i.spf_services, i.asn " \
	"FROM records c JOIN reports r ON r.id = c.report_id " \
	"LEFT JOIN ip_info i ON i.ip = c.source_ip "

enum {
	SC_ID, SC_DOMAIN, SC_BEGIN, SC_END, SC_ADKIM, SC_ASPF, SC_REPORTER,
	SC_IP, SC_COUNT, SC_DISP, SC_PE_DKIM, SC_PE_SPF, SC_FROM, SC_MFROM,
	SC_REASONS, SC_DKIM_D, SC_DKIM_SEL, SC_DKIM_RES, SC_SPF_D,
	SC_SPF_SCOPE, SC_SPF_RES, SC_NAUTH, SC_PTR, SC_BASE, SC_SPFSVC, SC_ASN
};

struct scan {
	struct store		*st;
	sqlite3_stmt		*xs;	/* the extra auth results */
	struct arena		*a;
	struct agg_auth		 auth[AGG_MAX_AUTH + 2];
};

static size_t
first_auth(sqlite3_stmt *s, struct agg_auth *au)
{
	size_t n = 0;

	if (sqlite3_column_type(s, SC_DKIM_D) != SQLITE_NULL ||
	    sqlite3_column_type(s, SC_DKIM_RES) != SQLITE_NULL) {
		memset(&au[n], 0, sizeof(au[n]));
		au[n].kind = AGG_AUTH_DKIM;
		au[n].domain = sqx_col(s, SC_DKIM_D);
		au[n].selector = sqx_col(s, SC_DKIM_SEL);
		au[n].result = sqx_col(s, SC_DKIM_RES);
		n++;
	}
	if (sqlite3_column_type(s, SC_SPF_D) != SQLITE_NULL ||
	    sqlite3_column_type(s, SC_SPF_RES) != SQLITE_NULL) {
		memset(&au[n], 0, sizeof(au[n]));
		au[n].kind = AGG_AUTH_SPF;
		au[n].domain = sqx_col(s, SC_SPF_D);
		au[n].scope = sqx_col(s, SC_SPF_SCOPE);
		au[n].result = sqx_col(s, SC_SPF_RES);
		n++;
	}
	return n;
}

static char *
dup_col(struct arena *a, sqlite3_stmt *s, int i)
{
	const char *v = sqx_col(s, i);

	return v != NULL ? arena_strdup(a, v) : NULL;
}

/* The results beyond the first DKIM and SPF one (auth_results). */
static enum dw_err
extra_auth(struct scan *sc, int64_t id, size_t *n, struct dw_error *e)
{
	struct agg_auth *au;
	int rc;

	sqlite3_reset(sc->xs);
	sqlite3_bind_int64(sc->xs, 1, id);
	while ((rc = sqlite3_step(sc->xs)) == SQLITE_ROW &&
	    *n < AGG_MAX_AUTH + 2) {
		au = &sc->auth[(*n)++];
		memset(au, 0, sizeof(*au));
		au->kind = strcmp(sqx_col(sc->xs, 0), "dkim") == 0 ?
		    AGG_AUTH_DKIM : AGG_AUTH_SPF;
		au->domain = dup_col(sc->a, sc->xs, 1);
		au->selector = dup_col(sc->a, sc->xs, 2);
		au->scope = dup_col(sc->a, sc->xs, 3);
		au->result = dup_col(sc->a, sc->xs, 4);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqx_fail(sc->st, e, "reading auth results");
	return DW_OK;
}

static enum dw_err
scan_row(struct scan *sc, sqlite3_stmt *s, store_rollup_rec_cb cb,
    void *ctx, struct dw_error *e)
{
	struct store_rollup_rec r;
	size_t n;
	enum dw_err err;

	memset(&r, 0, sizeof(r));
	r.id = sqlite3_column_int64(s, SC_ID);
	r.domain = sqx_col(s, SC_DOMAIN);
	r.begin = sqlite3_column_int64(s, SC_BEGIN);
	r.end = sqlite3_column_int64(s, SC_END);
	r.adkim = sqx_col(s, SC_ADKIM);
	r.aspf = sqx_col(s, SC_ASPF);
	r.reporter_id = sqlite3_column_int64(s, SC_REPORTER);
	r.source_ip = sqx_col(s, SC_IP);
	r.count = sqx_u64(s, SC_COUNT);
	r.disposition = sqx_col(s, SC_DISP);
	r.pe_dkim = sqx_col(s, SC_PE_DKIM);
	r.pe_spf = sqx_col(s, SC_PE_SPF);
	r.header_from = sqx_col(s, SC_FROM);
	r.envelope_from = sqx_col(s, SC_MFROM);
	r.reasons = sqx_col(s, SC_REASONS);
	r.ptr = sqx_col(s, SC_PTR);
	r.base = sqx_col(s, SC_BASE);
	r.spf_services = sqx_col(s, SC_SPFSVC);
	r.asn = (uint32_t)sqlite3_column_int64(s, SC_ASN);
	n = first_auth(s, sc->auth);
	if (sqlite3_column_int64(s, SC_NAUTH) > (sqlite3_int64)n) {
		arena_reset(sc->a);
		if ((err = extra_auth(sc, r.id, &n, e)) != DW_OK)
			return err;
	}
	r.auth = sc->auth;
	r.nauth = n;
	return cb(ctx, &r);
}

enum dw_err
sq_rollup_scan(struct store *st, const struct store_rollup_scan *q,
    store_rollup_rec_cb cb, void *ctx, struct dw_error *e)
{
	static const char by_id[] = SCAN_COLS
	    "WHERE c.id > ?1 AND c.id <= ?2 ORDER BY c.id";
	static const char by_domain[] = SCAN_COLS
	    "WHERE r.domain = ?3 AND r.date_begin >= ?4 AND r.date_begin < ?5"
	    " AND c.id > ?1 AND c.id <= ?2";
	struct scan sc;
	sqlite3_stmt *s = NULL;
	enum dw_err err;
	int rc = SQLITE_DONE;

	memset(&sc, 0, sizeof(sc));
	sc.st = st;
	if ((sc.a = arena_new(SCAN_ARENA_MAX)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	if ((err = sqx_prepare(st, "SELECT kind, domain, selector, scope, "
	    "result FROM auth_results WHERE record_id = ? ORDER BY seq",
	    &sc.xs, e)) != DW_OK ||
	    (err = sqx_prepare(st, q->domain != NULL ? by_domain : by_id, &s,
	    e)) != DW_OK)
		goto out;
	sqlite3_bind_int64(s, 1, q->from_id);
	sqlite3_bind_int64(s, 2, q->to_id);
	if (q->domain != NULL) {
		sqx_text(s, 3, q->domain);
		sqlite3_bind_int64(s, 4, q->begin_from);
		sqlite3_bind_int64(s, 5, q->begin_to);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((err = scan_row(&sc, s, cb, ctx, e)) != DW_OK)
			break;
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading records");
out:
	sqlite3_finalize(s);
	sqlite3_finalize(sc.xs);
	arena_free(sc.a);
	return err;
}

/* ---- put -------------------------------------------------------------- */

enum { P_DAY, P_IP, P_REP, P_SEEN, P_N };

static const char *const put_sql[P_N] = {
	[P_DAY] = "INSERT INTO rollup_day (domain, day, header_from, service, "
	    "shape, messages, dmarc_pass, spf_aligned, dkim_aligned, spf_pass,"
	    " dkim_pass, pe_pass, d_none, d_quarantine, d_reject, sig_dkim, "
	    "sig_spf, sig_ptr) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
	    "ON CONFLICT (domain, day, header_from,"
	    " service, shape) DO UPDATE SET messages = messages + "
	    "excluded.messages, dmarc_pass = dmarc_pass + excluded.dmarc_pass,"
	    " spf_aligned = spf_aligned + excluded.spf_aligned, dkim_aligned ="
	    " dkim_aligned + excluded.dkim_aligned, spf_pass = spf_pass + "
	    "excluded.spf_pass, dkim_pass = dkim_pass + excluded.dkim_pass, "
	    "pe_pass = pe_pass + excluded.pe_pass, d_none = d_none + "
	    "excluded.d_none, d_quarantine = d_quarantine + "
	    "excluded.d_quarantine, d_reject = d_reject + excluded.d_reject, "
	    "sig_dkim = sig_dkim + excluded.sig_dkim, sig_spf = sig_spf + "
	    "excluded.sig_spf, sig_ptr = sig_ptr + excluded.sig_ptr",
	[P_IP] = "INSERT INTO rollup_ip (domain, service, day, source_ip, "
	    "messages, dmarc_pass, sig_dkim, sig_spf, sig_ptr) VALUES (?,?,?,"
	    "?,?,?,?,?,?) ON CONFLICT (domain, service, day, source_ip) DO "
	    "UPDATE SET messages = messages + excluded.messages, dmarc_pass = "
	    "dmarc_pass + excluded.dmarc_pass, sig_dkim = max(sig_dkim, "
	    "excluded.sig_dkim), sig_spf = max(sig_spf, excluded.sig_spf), "
	    "sig_ptr = max(sig_ptr, excluded.sig_ptr)",
	[P_REP] = "INSERT INTO rollup_reporter (domain, day, reporter_id, "
	    "records, messages, dmarc_pass, suspect_records, suspect_messages)"
	    " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (domain, day, reporter_id) "
	    "DO UPDATE SET records = records + excluded.records, messages = "
	    "messages + excluded.messages, dmarc_pass = dmarc_pass + "
	    "excluded.dmarc_pass, suspect_records = suspect_records + "
	    "excluded.suspect_records, suspect_messages = suspect_messages + "
	    "excluded.suspect_messages",
	[P_SEEN] = "INSERT INTO ip_seen (source_ip, domain, first_day, "
	    "last_day) VALUES (?,?,?,?) ON CONFLICT (source_ip, domain) DO "
	    "UPDATE SET first_day = min(first_day, excluded.first_day), "
	    "last_day = max(last_day, excluded.last_day)",
};

static void
bind_u64(sqlite3_stmt *s, int i, uint64_t v)
{
	sqlite3_bind_int64(s, i, v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static enum dw_err
put_day(struct store *st, sqlite3_stmt *s, const struct store_rollup_day *d,
    struct dw_error *e)
{
	int k;

	sqx_text(s, 1, d->domain);
	sqlite3_bind_int64(s, 2, d->day);
	sqx_text(s, 3, d->header_from);
	sqx_text(s, 4, d->service);
	sqlite3_bind_int(s, 5, d->shape);
	for (k = 0; k < STORE_ROLLUP_NCOUNT; k++)
		bind_u64(s, 6 + k, d->c[k]);
	return sqx_done(st, s, e, "adding to rollup_day");
}

static enum dw_err
put_rest(struct store *st, sqlite3_stmt **s,
    const struct store_rollup_batch *b, struct dw_error *e)
{
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < b->nip && err == DW_OK; i++) {
		sqx_text(s[P_IP], 1, b->ip[i].domain);
		sqx_text(s[P_IP], 2, b->ip[i].service);
		sqlite3_bind_int64(s[P_IP], 3, b->ip[i].day);
		sqx_text(s[P_IP], 4, b->ip[i].ip);
		bind_u64(s[P_IP], 5, b->ip[i].messages);
		bind_u64(s[P_IP], 6, b->ip[i].dmarc_pass);
		sqlite3_bind_int(s[P_IP], 7, (b->ip[i].signals & 1u) != 0);
		sqlite3_bind_int(s[P_IP], 8, (b->ip[i].signals & 2u) != 0);
		sqlite3_bind_int(s[P_IP], 9, (b->ip[i].signals & 4u) != 0);
		err = sqx_done(st, s[P_IP], e, "adding to rollup_ip");
	}
	for (i = 0; i < b->nrep && err == DW_OK; i++) {
		sqx_text(s[P_REP], 1, b->rep[i].domain);
		sqlite3_bind_int64(s[P_REP], 2, b->rep[i].day);
		sqlite3_bind_int64(s[P_REP], 3, b->rep[i].reporter_id);
		bind_u64(s[P_REP], 4, b->rep[i].records);
		bind_u64(s[P_REP], 5, b->rep[i].messages);
		bind_u64(s[P_REP], 6, b->rep[i].dmarc_pass);
		bind_u64(s[P_REP], 7, b->rep[i].suspect_records);
		bind_u64(s[P_REP], 8, b->rep[i].suspect_messages);
		err = sqx_done(st, s[P_REP], e, "adding to rollup_reporter");
	}
	for (i = 0; i < b->nseen && err == DW_OK; i++) {
		sqx_text(s[P_SEEN], 1, b->seen[i].ip);
		sqx_text(s[P_SEEN], 2, b->seen[i].domain);
		sqlite3_bind_int64(s[P_SEEN], 3, b->seen[i].first_day);
		sqlite3_bind_int64(s[P_SEEN], 4, b->seen[i].last_day);
		err = sqx_done(st, s[P_SEEN], e, "adding to ip_seen");
	}
	return err;
}

enum dw_err
sq_rollup_put(struct store *st, const struct store_rollup_batch *b,
    struct dw_error *e)
{
	sqlite3_stmt *s[P_N] = { NULL };
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < P_N && err == DW_OK; i++)
		err = sqx_prepare(st, put_sql[i], &s[i], e);
	for (i = 0; i < b->nday && err == DW_OK; i++)
		err = put_day(st, s[P_DAY], &b->day[i], e);
	if (err == DW_OK)
		err = put_rest(st, s, b, e);
	for (i = 0; i < P_N; i++)
		sqlite3_finalize(s[i]);
	return err;
}

/* ---- reading ----------------------------------------------------------- */

/*
 * Parameters: ?1 domain, ?2 service (each only when given: a condition
 * "?1 IS NULL OR domain = ?1" would keep SQLite from the index), ?3 ?4
 * the days, ?5 the limit, ?6 ?7 the whole buckets inside the window, ?8
 * ?9 the days before and after them.
 */
struct qwin {
	int64_t		 first, last;	/* clamped to real days */
	int64_t		 fb, lb;	/* whole buckets [fb, lb] */
	int64_t		 left, right;	/* days [first, left], [right, last] */
};

#define QDAY_MAX	((int64_t)1 << 30)	/* far past any real day */

static void
qwin_of(const struct store_rollup_q *q, struct qwin *w)
{
	w->first = q->first_day < 0 ? 0 : q->first_day;
	w->last = q->last_day > QDAY_MAX ? QDAY_MAX : q->last_day;
	w->fb = (w->first + STORE_BUCKET_DAYS - 1) / STORE_BUCKET_DAYS;
	w->lb = (w->last + 1) / STORE_BUCKET_DAYS - 1;
	/* one lower and one upper bound per branch, so both bound the
	 * index range (a third condition is only filtered row by row) */
	w->left = w->fb * STORE_BUCKET_DAYS - 1;
	w->right = w->fb <= w->lb ? (w->lb + 1) * STORE_BUCKET_DAYS :
	    w->left + 1;
	if (w->left > w->last)
		w->left = w->last;
	if (w->right < w->first)
		w->right = w->first;
}

static void
bind_q(sqlite3_stmt *s, const struct store_rollup_q *q)
{
	struct qwin w;

	qwin_of(q, &w);
	if (q->domain != NULL)
		sqx_text(s, 1, q->domain);
	if (q->service != NULL)
		sqx_text(s, 2, q->service);
	sqlite3_bind_int64(s, 3, w.first);
	sqlite3_bind_int64(s, 4, w.last);
	sqlite3_bind_int64(s, 5, q->limit > 0 ? (int64_t)q->limit : -1);
	sqlite3_bind_int64(s, 6, w.fb);
	sqlite3_bind_int64(s, 7, w.lb);
	sqlite3_bind_int64(s, 8, w.left);
	sqlite3_bind_int64(s, 9, w.right);
}

#define SUM_COLS "messages, dmarc_pass, spf_aligned, dkim_aligned, " \
	"spf_pass, dkim_pass, pe_pass, d_none, d_quarantine, d_reject, " \
	"sig_dkim, sig_spf, sig_ptr"

/* The rows to sum: rollup_day, or whole buckets plus the days around. */
static void
query_from(const struct store_rollup_q *q, const char *cond, struct buf *b)
{
	if (q->by & ROLLUP_BY_DAY) {
		(void)buf_printf(b, "(SELECT domain, day, header_from, service,"
		    " shape, " SUM_COLS ", day AS fd, day AS ld FROM rollup_day"
		    " WHERE %s AND day >= ?3 AND day <= ?4)", cond);
		return;
	}
	(void)buf_printf(b, "(SELECT domain, day, header_from, service, shape,"
	    " " SUM_COLS ", day AS fd, day AS ld FROM rollup_day WHERE %s "
	    "AND day >= ?3 AND day <= ?8 UNION ALL SELECT domain, -1, "
	    "header_from, service, shape, " SUM_COLS ", first_day, last_day "
	    "FROM rollup_bucket WHERE %s AND bucket >= ?6 AND bucket <= ?7 "
	    "UNION ALL SELECT domain, day, header_from, service, shape, "
	    SUM_COLS ", day, day FROM rollup_day WHERE %s AND day >= ?9 AND "
	    "day <= ?4)", cond, cond, cond);
}

/* The query of store_rollup_query(): key columns, then the sums. */
static enum dw_err
query_sql(const struct store_rollup_q *q, struct buf *b)
{
	bool day = q->by & ROLLUP_BY_DAY, ip = q->by & ROLLUP_BY_IP;
	char cond[64];

	snprintf(cond, sizeof(cond), "%s AND %s", q->domain != NULL ?
	    "domain = ?1" : "1", q->service != NULL ? "service = ?2" : "1");
	if (ip) {
		(void)buf_printf(b, "SELECT domain, %s, NULL, service, "
		    "source_ip, sum(messages), sum(dmarc_pass), 0, 0, 0, 0, 0, "
		    "0, 0, 0, max(sig_dkim), max(sig_spf), max(sig_ptr), 0, 0, "
		    "0, 0, min(day), max(day) FROM rollup_ip WHERE %s AND day "
		    ">= ?3 AND day <= ?4 ", day ? "day" : "-1", cond);
	} else {
		(void)buf_printf(b, "SELECT domain, %s, %s, %s, NULL, "
		    "sum(messages), sum(dmarc_pass), sum(spf_aligned), "
		    "sum(dkim_aligned), sum(spf_pass), sum(dkim_pass), "
		    "sum(pe_pass), sum(d_none), sum(d_quarantine), "
		    "sum(d_reject), sum(sig_dkim), sum(sig_spf), sum(sig_ptr), "
		    "total(CASE WHEN shape = 1 THEN messages END),"
		    " total(CASE WHEN shape = 2 THEN messages END), "
		    "total(CASE WHEN shape = 3 THEN messages END), "
		    "total(CASE WHEN shape = 4 THEN messages END), min(fd), "
		    "max(ld) FROM ", day ? "day" : "-1",
		    q->by & ROLLUP_BY_FROM ? "header_from" : "NULL",
		    q->by & ROLLUP_BY_SERVICE ? "service" : "NULL");
		query_from(q, cond, b);
		(void)buf_puts(b, " ");
	}
	(void)buf_printf(b, "GROUP BY domain%s%s%s%s ORDER BY domain, %s "
	    "LIMIT ?5", day ? ", day" : "", !ip && (q->by & ROLLUP_BY_FROM) ?
	    ", header_from" : "", ip || (q->by & ROLLUP_BY_SERVICE) ?
	    ", service" : "", ip ? ", source_ip" : "",
	    day ? "day" : "sum(messages) DESC, 2, 3, 4, 5");
	return b->len < QUERY_SQL_MAX ? DW_OK : DW_ELIMIT;
}

enum dw_err
sq_rollup_query(struct store *st, const struct store_rollup_q *q,
    store_rollup_row_cb cb, void *ctx, struct dw_error *e)
{
	struct store_rollup_row r;
	sqlite3_stmt *s;
	struct buf sql;
	enum dw_err err;
	int rc, k;

	buf_init(&sql, QUERY_SQL_MAX * 2);
	if ((err = query_sql(q, &sql)) != DW_OK ||
	    (err = sqx_prepare(st, buf_str(&sql), &s, e)) != DW_OK) {
		buf_fini(&sql);
		return err == DW_ELIMIT ? dw_fail(e, err, "query too long") :
		    err;
	}
	buf_fini(&sql);
	bind_q(s, q);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.domain = sqx_col(s, 0);
		r.day = sqlite3_column_int64(s, 1);
		r.header_from = sqx_col(s, 2);
		r.service = sqx_col(s, 3);
		r.ip = sqx_col(s, 4);
		for (k = 0; k < STORE_ROLLUP_NCOUNT; k++)
			r.c[k] = sqx_u64(s, 5 + k);
		k = 5 + STORE_ROLLUP_NCOUNT;
		r.fwd_reason = (uint64_t)sqlite3_column_double(s, k);
		r.fwd_dkim = (uint64_t)sqlite3_column_double(s, k + 1);
		r.fail = (uint64_t)sqlite3_column_double(s, k + 2);
		r.fail_auth = (uint64_t)sqlite3_column_double(s, k + 3);
		r.first_day = sqlite3_column_int64(s, k + 4);
		r.last_day = sqlite3_column_int64(s, k + 5);
		if ((err = cb(ctx, &r)) != DW_OK)
			break;
	}
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading rollups");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_rollup_buckets(struct store *st, const char *domain, int64_t first_day,
    int64_t last_day, struct dw_error *e)
{
	static const char *const sql[] = {
		"DELETE FROM rollup_bucket WHERE domain = ?1 AND bucket >= ?2 "
		    "AND bucket <= ?3",
		"INSERT INTO rollup_bucket SELECT domain, day / 32, "
		    "header_from, service, shape, sum(messages), "
		    "sum(dmarc_pass), sum(spf_aligned), sum(dkim_aligned), "
		    "sum(spf_pass), sum(dkim_pass), sum(pe_pass), sum(d_none), "
		    "sum(d_quarantine), sum(d_reject), sum(sig_dkim), "
		    "sum(sig_spf), sum(sig_ptr), min(day), max(day) FROM "
		    "rollup_day WHERE domain = ?1 AND day >= ?2 * 32 AND day "
		    "<= ?3 * 32 + 31 GROUP BY domain, day / 32, header_from, "
		    "service, shape",
	};
	sqlite3_stmt *s;
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < 2 && err == DW_OK; i++) {
		if ((err = sqx_prepare(st, sql[i], &s, e)) != DW_OK)
			break;
		sqx_text(s, 1, domain);
		sqlite3_bind_int64(s, 2, first_day / STORE_BUCKET_DAYS);
		sqlite3_bind_int64(s, 3, last_day / STORE_BUCKET_DAYS);
		err = sqx_done(st, s, e, "summing buckets");
		sqlite3_finalize(s);
	}
	return err;
}

enum dw_err
sq_report_domains(struct store *st, store_count_cb cb, void *ctx,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = sqx_prepare(st, "SELECT domain, count(*) FROM reports "
	    "GROUP BY domain ORDER BY domain", &s, e)) != DW_OK)
		return err;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((err = cb(ctx, sqx_col(s, 0), sqx_u64(s, 1))) != DW_OK)
			break;
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "listing domains");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_rollup_last_day(struct store *st, const char *domain, int64_t *day,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	*day = -1;
	/* the primary key's first columns: one index probe */
	if ((err = sqx_prepare(st, "SELECT max(day) FROM rollup_day WHERE "
	    "domain = ?", &s, e)) != DW_OK)
		return err;
	sqx_text(s, 1, domain);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		*day = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_ROW)
		err = sqx_fail(st, e, "reading the last day");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_rollup_reporters(struct store *st, const struct store_rollup_q *q,
    store_reporter_cb cb, void *ctx, struct dw_error *e)
{
	static const char head[] = "SELECT r.domain, p.org_name, p.email, "
	    "sum(r.records), sum(r.messages), sum(r.dmarc_pass), "
	    "sum(r.suspect_records), sum(r.suspect_messages) FROM "
	    "rollup_reporter r JOIN reporters p ON p.id = r.reporter_id WHERE ";
	static const char tail[] = " AND r.day >= ?3 AND r.day <= ?4 GROUP "
	    "BY r.domain, r.reporter_id ORDER BY r.domain, sum(r.messages) "
	    "DESC LIMIT ?5";
	char sql[sizeof(head) + sizeof(tail) + 64];
	struct store_reporter_row r;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	snprintf(sql, sizeof(sql), "%s%s%s", head, q->domain != NULL ?
	    "r.domain = ?1" : "1", tail);
	if ((err = sqx_prepare(st, sql, &s, e)) != DW_OK)
		return err;
	bind_q(s, q);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.domain = sqx_col(s, 0);
		r.org_name = sqx_col(s, 1);
		r.email = sqx_col(s, 2);
		r.records = sqx_u64(s, 3);
		r.messages = sqx_u64(s, 4);
		r.dmarc_pass = sqx_u64(s, 5);
		r.suspect_records = sqx_u64(s, 6);
		r.suspect_messages = sqx_u64(s, 7);
		if ((err = cb(ctx, &r)) != DW_OK)
			break;
	}
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading reporters");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_policies(struct store *st, const char *domain, int64_t since,
    int64_t until, store_policy_cb cb, void *ctx, struct dw_error *e)
{
	/* what decides what receivers do: p, sp and t (absent: n) */
	static const char sql[] = "SELECT p, sp, max(np), max(adkim), "
	    "max(aspf), coalesce(testing, 'n'), max(pct), count(*), "
	    "max(date_begin) FROM reports WHERE domain = ?1 AND date_end >= ?2"
	    " AND date_begin < ?3 GROUP BY p, sp, coalesce(testing, 'n') "
	    "ORDER BY count(*) DESC, max(date_begin) DESC";
	struct store_policy_row r;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = sqx_prepare(st, sql, &s, e)) != DW_OK)
		return err;
	sqx_text(s, 1, domain);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, until);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.p = sqx_col(s, 0);
		r.sp = sqx_col(s, 1);
		r.np = sqx_col(s, 2);
		r.adkim = sqx_col(s, 3);
		r.aspf = sqx_col(s, 4);
		r.testing = sqx_col(s, 5);
		r.pct = sqlite3_column_type(s, 6) == SQLITE_NULL ? -1 :
		    sqlite3_column_int(s, 6);
		r.reports = sqx_u64(s, 7);
		r.last_seen = sqlite3_column_int64(s, 8);
		if ((err = cb(ctx, &r)) != DW_OK)
			break;
	}
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading policies");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_report_counts(struct store *st, const struct store_filter *f,
    store_count_cb cb, void *ctx, struct dw_error *e)
{
	static const char sql[] = "SELECT domain, count(*) FROM reports WHERE "
	    "(?1 IS NULL OR domain = ?1) AND date_end >= ?2 AND date_begin < "
	    "?3 GROUP BY domain";
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = sqx_prepare(st, sql, &s, e)) != DW_OK)
		return err;
	sqx_text(s, 1, f->domain);
	sqlite3_bind_int64(s, 2, f->since);
	sqlite3_bind_int64(s, 3, f->until);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((err = cb(ctx, sqx_col(s, 0), sqx_u64(s, 1))) != DW_OK)
			break;
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "counting reports");
	sqlite3_finalize(s);
	return err;
}
