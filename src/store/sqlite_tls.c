/*
 * sqlite_tls.c: SMTP TLS reports in the SQLite store (migration 0002):
 * store_tls_put() and the queries of `dmarcward tls`.
 *
 * A report is a savepoint inside the unit's transaction, like an
 * aggregate report, so it is stored whole or not at all and commits with
 * the raw bytes it came in.  TLS reports are small and few next to
 * aggregate records, so statements are prepared per report.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store_sqlite.h"

#define TLS_FILTER_SQL \
	"(?1 IS NULL OR p.policy_domain = ?1) AND r.date_end >= ?2 AND " \
	"r.date_begin < ?3"

enum tstmt { T_REPORT, T_POLICY, T_FAILURE, T_COUNT };

static const char *const tls_sql[T_COUNT] = {
	[T_REPORT] = "INSERT INTO tls_reports (reporter_id, input_id, "
	    "org_name, contact_info, report_id, date_begin, date_end, sha256,"
	    " notes, source_name, policies, successful, failed) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[T_POLICY] = "INSERT INTO tls_policies (report_id, seq, policy_type,"
	    " policy_domain, policy_strings, mx_hosts, successful, failed) "
	    "VALUES (?,?,?,?,?,?,?,?)",
	[T_FAILURE] = "INSERT INTO tls_failures (policy_id, seq, result_type,"
	    " sending_mta_ip, receiving_mx_hostname, receiving_mx_helo, "
	    "receiving_ip, failed_sessions, additional_information, "
	    "failure_reason_code) VALUES (?,?,?,?,?,?,?,?,?,?)",
};

struct put {
	struct store	*st;
	sqlite3		*db;
	sqlite3_stmt	*s[T_COUNT];
	struct dw_error	*e;
};

/* A statement's failure, when SQLite refused to prepare or step it. */
static enum dw_err
fail(struct put *p, const char *what)
{
	return dw_fail(p->e, sqlite3_errcode(p->db) == SQLITE_FULL ? DW_EFULL :
	    DW_ESTORE, "store: %s: %s", what, sqlite3_errmsg(p->db));
}

/* A list of strings as a JSON array, or NULL; the caller frees it. */
static char *
json_list(const char **v, size_t n)
{
	json_t *a;
	char *s;
	size_t i;

	if (v == NULL)
		return NULL;
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static enum dw_err
put_failure(struct put *p, int64_t pid, size_t seq,
    const struct tlsrpt_failure *f)
{
	sqlite3_stmt *s = p->s[T_FAILURE];

	sqlite3_bind_int64(s, 1, pid);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
	store_sqlite_bind_text(s, 3, f->result_type);
	store_sqlite_bind_text(s, 4, f->sending_mta_ip);
	store_sqlite_bind_text(s, 5, f->receiving_mx_hostname);
	store_sqlite_bind_text(s, 6, f->receiving_mx_helo);
	store_sqlite_bind_text(s, 7, f->receiving_ip);
	if (f->failed_session_count >= 0)
		sqlite3_bind_int64(s, 8, f->failed_session_count);
	store_sqlite_bind_text(s, 9, f->additional_information);
	store_sqlite_bind_text(s, 10, f->failure_reason_code);
	return store_sqlite_step(p->st, s, p->e,
	    "storing a TLS failure detail");
}

static enum dw_err
put_policy(struct put *p, int64_t rid, size_t seq,
    const struct tlsrpt_policy *pol)
{
	sqlite3_stmt *s = p->s[T_POLICY];
	char *strs = json_list(pol->policy_string, pol->npolicy_string);
	char *mx = json_list(pol->mx_host, pol->nmx_host);
	int64_t pid;
	enum dw_err err;
	size_t i;

	sqlite3_bind_int64(s, 1, rid);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
	store_sqlite_bind_text(s, 3, pol->policy_type);
	store_sqlite_bind_text(s, 4, pol->policy_domain);
	store_sqlite_bind_text(s, 5, strs);
	store_sqlite_bind_text(s, 6, mx);
	sqlite3_bind_int64(s, 7, pol->successful);
	sqlite3_bind_int64(s, 8, pol->failed);
	err = store_sqlite_step(p->st, s, p->e, "storing a TLS policy");
	free(strs);
	free(mx);
	pid = sqlite3_last_insert_rowid(p->db);
	for (i = 0; i < pol->nfailures && err == DW_OK; i++)
		err = put_failure(p, pid, i, &pol->failures[i]);
	return err;
}

static enum dw_err
put_report(struct put *p, const struct tlsrpt_report *r,
    const uint8_t sha[32], int64_t unit, const char *uname)
{
	sqlite3_stmt *s = p->s[T_REPORT];
	char *notes = r->nnotes > 0 ? json_list(r->notes, r->nnotes) : NULL;
	int64_t rep, rid;
	enum dw_err err;
	size_t i;

	err = store_sqlite_reporter(p->st, r->organization_name,
	    r->contact_info, &rep, p->e);
	if (err != DW_OK) {
		free(notes);
		return err;
	}
	sqlite3_bind_int64(s, 1, rep);
	sqlite3_bind_int64(s, 2, unit);
	store_sqlite_bind_text(s, 3, r->organization_name);
	store_sqlite_bind_text(s, 4, r->contact_info);
	store_sqlite_bind_text(s, 5, r->report_id);
	sqlite3_bind_int64(s, 6, r->begin);
	sqlite3_bind_int64(s, 7, r->end);
	sqlite3_bind_blob(s, 8, sha, 32, SQLITE_STATIC);
	store_sqlite_bind_text(s, 9, notes);
	store_sqlite_bind_text(s, 10, uname);
	sqlite3_bind_int64(s, 11, (sqlite3_int64)r->npolicies);
	sqlite3_bind_int64(s, 12, r->successful);
	sqlite3_bind_int64(s, 13, r->failed);
	err = store_sqlite_step(p->st, s, p->e, "storing a TLS report");
	free(notes);
	rid = sqlite3_last_insert_rowid(p->db);
	for (i = 0; i < r->npolicies && err == DW_OK; i++)
		err = put_policy(p, rid, i, &r->policies[i]);
	return err;
}

static enum dw_err
is_dup(struct put *p, const struct tlsrpt_report *r, const uint8_t sha[32],
    bool *dup)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(p->db, "SELECT 1 FROM tls_reports WHERE "
	    "(org_name = ? AND report_id = ?) OR sha256 = ?", -1, &s, NULL) !=
	    SQLITE_OK)
		return fail(p, "TLS report lookup");
	store_sqlite_bind_text(s, 1, r->organization_name);
	store_sqlite_bind_text(s, 2, r->report_id);
	sqlite3_bind_blob(s, 3, sha, 32, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	*dup = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(p, "TLS report lookup");
	return DW_OK;
}

enum dw_err
sq_tls_put(struct store *st, const struct tlsrpt_report *r,
    const uint8_t sha256[32], bool *dup, struct dw_error *e)
{
	struct put p = { .st = st, .db = store_sqlite_db(st), .e = e };
	const char *uname;
	int64_t unit;
	enum dw_err err;
	int i;

	*dup = false;
	if ((err = store_sqlite_unit(st, &unit, &uname, e)) != DW_OK)
		return err;
	if ((err = is_dup(&p, r, sha256, dup)) != DW_OK || *dup)
		return err;
	for (i = 0; i < T_COUNT; i++)
		if (sqlite3_prepare_v2(p.db, tls_sql[i], -1, &p.s[i], NULL) !=
		    SQLITE_OK) {
			err = fail(&p, "preparing the TLS report inserts");
			goto out;
		}
	if ((err = store_sqlite_exec(st, "SAVEPOINT tls", e)) != DW_OK)
		goto out;
	err = put_report(&p, r, sha256, unit, uname);
	if (err == DW_OK)
		err = store_sqlite_exec(st, "RELEASE tls", e);
	if (err != DW_OK)
		(void)store_sqlite_exec(st, "ROLLBACK TO tls; RELEASE tls",
		    NULL);
out:
	for (i = 0; i < T_COUNT; i++)
		sqlite3_finalize(p.s[i]);
	return err;
}

/* ---- queries -------------------------------------------------------- */

static const char *const group_sql[] = {
	[STORE_TLS_ALL] = "SELECT NULL, NULL, count(DISTINCT r.id), "
	    "total(p.successful), total(p.failed), 0 FROM tls_reports r LEFT "
	    "JOIN tls_policies p ON p.report_id = r.id WHERE " TLS_FILTER_SQL,
	[STORE_TLS_DOMAIN] = "SELECT p.policy_domain, NULL, "
	    "count(DISTINCT r.id), total(p.successful), total(p.failed), 0 "
	    "FROM tls_reports r JOIN tls_policies p ON p.report_id = r.id "
	    "WHERE " TLS_FILTER_SQL " GROUP BY p.policy_domain ORDER BY "
	    "total(p.successful) + total(p.failed) DESC, p.policy_domain",
	[STORE_TLS_TYPE] = "SELECT p.policy_type, NULL, count(DISTINCT r.id),"
	    " total(p.successful), total(p.failed), 0 FROM tls_reports r JOIN "
	    "tls_policies p ON p.report_id = r.id WHERE " TLS_FILTER_SQL
	    " GROUP BY p.policy_type ORDER BY p.policy_type",
	[STORE_TLS_DAY] = "SELECT date(r.date_begin, 'unixepoch') AS day, "
	    "NULL, count(DISTINCT r.id), total(p.successful), "
	    "total(p.failed), 0 FROM tls_reports r JOIN tls_policies p ON "
	    "p.report_id = r.id WHERE " TLS_FILTER_SQL " GROUP BY day ORDER "
	    "BY day",
	[STORE_TLS_MX] = "SELECT f.receiving_mx_hostname, f.result_type, "
	    "count(DISTINCT r.id), 0, total(f.failed_sessions), count(*) "
	    "FROM tls_reports r JOIN tls_policies p ON p.report_id = r.id "
	    "JOIN tls_failures f ON f.policy_id = p.id WHERE " TLS_FILTER_SQL
	    " GROUP BY f.receiving_mx_hostname, f.result_type ORDER BY "
	    "sum(total(f.failed_sessions)) OVER (PARTITION BY "
	    "f.receiving_mx_hostname) DESC, f.receiving_mx_hostname IS NULL, "
	    "f.receiving_mx_hostname, total(f.failed_sessions) DESC, "
	    "f.result_type",
	[STORE_TLS_RESULT] = "SELECT f.result_type, NULL, "
	    "count(DISTINCT r.id), 0, total(f.failed_sessions), count(*) "
	    "FROM tls_reports r JOIN tls_policies p ON p.report_id = r.id "
	    "JOIN tls_failures f ON f.policy_id = p.id WHERE " TLS_FILTER_SQL
	    " GROUP BY f.result_type ORDER BY total(f.failed_sessions) DESC, "
	    "f.result_type",
};

static uint64_t
col_count(sqlite3_stmt *s, int i)
{
	double v = sqlite3_column_double(s, i);

	return v < 0 ? 0 : (uint64_t)v;
}

enum dw_err
sq_tls_query(struct store *st, const struct store_filter *f,
    enum store_tls_group g, store_tls_cb cb, void *ctx, struct dw_error *e)
{
	struct store_tls_row row;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((unsigned)g >= sizeof(group_sql) / sizeof(group_sql[0]))
		return dw_fail(e, DW_EINVAL, "store: no TLS query %d", (int)g);
	if ((err = sq_prep(st, group_sql[g], f, &s, e)) != DW_OK) {
		if (strstr(sqlite3_errmsg(store_sqlite_db(st)),
		    "no such table") != NULL)
			return dw_fail(e, DW_ESTORE, "store has no TLS report "
			    "tables yet; run dmarcward ingest once to upgrade "
			    "it");
		return err;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row.key = (const char *)sqlite3_column_text(s, 0);
		row.sub = (const char *)sqlite3_column_text(s, 1);
		row.reports = col_count(s, 2);
		row.successful = col_count(s, 3);
		row.failed = col_count(s, 4);
		row.details = col_count(s, 5);
		if (g == STORE_TLS_ALL && row.reports == 0)
			continue;
		if ((err = cb(ctx, &row)) != DW_OK)
			break;
	}
	return sq_finish(st, s, rc, err, e);
}
