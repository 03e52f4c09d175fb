/*
 * sqlite_failure.c: failure reports on SQLite (migration 0003).  Few
 * reports arrive compared with aggregate records, so statements are
 * prepared per call.  The text columns and the fields of struct
 * failure_report they hold are one table, used both ways; lists are JSON
 * arrays.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "report/failure_json.h"
#include "store_sqlite.h"

#define LIST_MAX	1024	/* strings of a stored list read back */

static const struct {
	const char	*col;
	size_t		 off;
} texts[] = {
#define T(f)	{ #f, offsetof(struct failure_report, f) }
	T(feedback_type), T(user_agent), T(version), T(reporter),
	T(reporting_mta), T(source_ip), T(reported_domain), T(domain),
	T(auth_failure), T(delivery_result), T(identity_alignment),
	T(dmarc_result), T(spf_result), T(spf_domain), T(dkim_result),
	T(dkim_domain), T(dkim_identity), T(dkim_selector), T(spf_dns),
	T(dkim_selector_dns), T(header_from), T(envelope_from),
	T(original_envelope_id), T(headers),
#undef T
};
#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))

/* The columns before the text columns, in this order. */
#define HEAD_COLS "form, sha256, arrival, incidents, nheaders, envelope_to, " \
	"auth_results, notes"
#define NHEAD	8

static const char **
text_at(const struct failure_report *r, size_t i)
{
	return (const char **)((const char *)r + texts[i].off);
}

/* "a, b, c" of the redaction and text columns after HEAD_COLS. */
static void
tail_cols(struct buf *b)
{
	size_t i;
	int k;

	for (k = 0; k < PHI_NKINDS; k++)
		(void)buf_printf(b, ", redact_%s",
		    phi_kind_key((enum phi_kind)k));
	for (i = 0; i < NTEXTS; i++)
		(void)buf_printf(b, ", %s", texts[i].col);
}

static void
bind_json(sqlite3_stmt *s, int i, json_t *j)
{
	char *t = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

	sqlite3_bind_text(s, i, t != NULL ? t : "[]", -1, SQLITE_TRANSIENT);
	free(t);
	json_decref(j);
}

static void
bind_report(sqlite3_stmt *s, int64_t unit, const struct failure_report *r)
{
	const char *v;
	size_t i;
	int k, c = 1;

	sqlite3_bind_int64(s, c++, unit);
	sqlite3_bind_int64(s, c++, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(s, c++, failure_form_name(r->form), -1,
	    SQLITE_STATIC);
	sqlite3_bind_blob(s, c++, r->sha256, 32, SQLITE_STATIC);
	if (r->has_arrival)
		sqlite3_bind_int64(s, c, r->arrival);
	c++;
	sqlite3_bind_int64(s, c++, (sqlite3_int64)r->incidents);
	sqlite3_bind_int64(s, c++, (sqlite3_int64)r->nheaders);
	bind_json(s, c++, failure_strings_json(r->envelope_to,
	    r->nenvelope_to));
	bind_json(s, c++, failure_strings_json(r->auth_results,
	    r->nauth_results));
	bind_json(s, c++, failure_strings_json(r->notes, r->nnotes));
	for (k = 0; k < PHI_NKINDS; k++)
		sqlite3_bind_int64(s, c++, r->redactions.n[k]);
	for (i = 0; i < NTEXTS; i++) {
		v = *text_at(r, i);
		if (v != NULL)
			sqlite3_bind_text(s, c, v, -1, SQLITE_STATIC);
		c++;
	}
}

enum dw_err
sq_failure_put(struct store *st, const struct failure_report *r, bool *dup,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	struct buf sql;
	int64_t unit;
	size_t i, n = 2 + NHEAD + PHI_NKINDS + NTEXTS;
	enum dw_err err;
	int rc;

	*dup = false;
	if ((err = store_sqlite_unit(st, &unit, NULL, e)) != DW_OK)
		return err;
	if ((err = store_sqlite_prep(st, "SELECT 1 FROM failure_reports "
	    "WHERE sha256 = ?", &s, e)) != DW_OK)
		return err;
	sqlite3_bind_blob(s, 1, r->sha256, 32, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW) {
		*dup = true;
		return DW_OK;
	}
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(st, rc, e, "failure report lookup");
	buf_init(&sql, 4096);
	(void)buf_puts(&sql, "INSERT INTO failure_reports (input_id, "
	    "received, " HEAD_COLS);
	tail_cols(&sql);
	(void)buf_puts(&sql, ") VALUES (?");
	for (i = 1; i < n; i++)
		(void)buf_puts(&sql, ", ?");
	err = buf_puts(&sql, ")");
	if (err == DW_OK)
		err = store_sqlite_prep(st, sql.data, &s, e);
	buf_fini(&sql);
	if (err != DW_OK)
		return err;
	bind_report(s, unit, r);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(st, rc, e, "storing a failure report");
	return DW_OK;
}

/* A stored JSON array of strings as an array of n pointers into *j. */
static const char **
list_read(sqlite3_stmt *s, int col, json_t **j, size_t *n)
{
	const char *t = (const char *)sqlite3_column_text(s, col);
	const char **v;
	size_t i, m;

	*n = 0;
	*j = t != NULL ? json_loads(t, 0, NULL) : NULL;
	m = json_array_size(*j);
	if (m > LIST_MAX)
		m = LIST_MAX;
	v = calloc(m + 1, sizeof(*v));
	for (i = 0; v != NULL && i < m; i++)
		if ((v[*n] = json_string_value(json_array_get(*j, i))) != NULL)
			(*n)++;
	return v;
}

struct rowlists {
	json_t	*j[3];
	const char **v[3];
};

static void
rowlists_free(struct rowlists *l)
{
	int i;

	for (i = 0; i < 3; i++) {
		json_decref(l->j[i]);
		free(l->v[i]);
	}
}

/* Fills r from a row of the query below (columns from 3). */
static enum dw_err
row_report(sqlite3_stmt *s, struct failure_report *r, struct rowlists *l,
    struct dw_error *e)
{
	const char *form = (const char *)sqlite3_column_text(s, 3);
	size_t i;
	int k, c;

	memset(r, 0, sizeof(*r));
	r->form = form != NULL && strcmp(form, "text") == 0 ?
	    FAILURE_FORM_TEXT : FAILURE_FORM_ARF;
	if (sqlite3_column_bytes(s, 4) == 32)
		memcpy(r->sha256, sqlite3_column_blob(s, 4), 32);
	r->has_arrival = sqlite3_column_type(s, 5) != SQLITE_NULL;
	r->arrival = sqlite3_column_int64(s, 5);
	r->incidents = (uint64_t)sqlite3_column_int64(s, 6);
	r->nheaders = (size_t)sqlite3_column_int64(s, 7);
	r->envelope_to = l->v[0] = list_read(s, 8, &l->j[0], &r->nenvelope_to);
	r->auth_results = l->v[1] = list_read(s, 9, &l->j[1],
	    &r->nauth_results);
	r->notes = l->v[2] = list_read(s, 10, &l->j[2], &r->nnotes);
	if (l->v[0] == NULL || l->v[1] == NULL || l->v[2] == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	c = 3 + NHEAD;
	for (k = 0; k < PHI_NKINDS; k++)
		r->redactions.n[k] = (uint32_t)sqlite3_column_int64(s, c++);
	for (i = 0; i < NTEXTS; i++)
		*text_at(r, i) = (const char *)sqlite3_column_text(s, c++);
	return DW_OK;
}

enum dw_err
sq_failures(struct store *st, const struct store_filter *f,
    store_failure_cb cb, void *ctx, struct dw_error *e)
{
	struct failure_report r;
	struct store_failure sf;
	struct rowlists l;
	sqlite3_stmt *s;
	struct buf sql;
	enum dw_err err;
	int rc;

	buf_init(&sql, 4096);
	(void)buf_puts(&sql, "SELECT id, received, (SELECT encoding FROM "
	    "raw_inputs i WHERE i.id = input_id) = 'sealed-box', " HEAD_COLS);
	tail_cols(&sql);
	err = buf_puts(&sql, " FROM failure_reports WHERE (?1 IS NULL OR "
	    "domain = ?1) AND coalesce(arrival, received) >= ?2 AND "
	    "coalesce(arrival, received) < ?3 ORDER BY coalesce(arrival, "
	    "received), id");
	if (err == DW_OK)
		err = store_sqlite_prep(st, sql.data, &s, e);
	buf_fini(&sql);
	if (err != DW_OK)
		return err;
	if (f->domain != NULL)
		sqlite3_bind_text(s, 1, f->domain, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, f->since);
	sqlite3_bind_int64(s, 3, f->until);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&l, 0, sizeof(l));
		sf.id = sqlite3_column_int64(s, 0);
		sf.received = sqlite3_column_int64(s, 1);
		sf.sample = sqlite3_column_int(s, 2) != 0;
		sf.report = &r;
		err = row_report(s, &r, &l, e);
		if (err == DW_OK)
			err = cb(ctx, &sf);
		rowlists_free(&l);
		if (err != DW_OK)
			break;
	}
	sqlite3_finalize(s);
	if (err == DW_OK && rc != SQLITE_DONE)
		err = store_sqlite_fail(st, rc, e, "reading failure reports");
	return err;
}

enum dw_err
sq_failure_sample(struct store *st, int64_t id, struct buf *out,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	const char *enc;
	int64_t input = 0;
	bool sealed = false;
	enum dw_err err;
	int rc;

	if ((err = store_sqlite_prep(st, "SELECT i.id, i.encoding FROM "
	    "failure_reports f JOIN raw_inputs i ON i.id = f.input_id "
	    "WHERE f.id = ?", &s, e)) != DW_OK)
		return err;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		input = sqlite3_column_int64(s, 0);
		enc = (const char *)sqlite3_column_text(s, 1);
		sealed = enc != NULL && strcmp(enc, "sealed-box") == 0;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return dw_fail(e, DW_ENOTFOUND, "no failure report %lld",
		    (long long)id);
	if (rc != SQLITE_ROW)
		return store_sqlite_fail(st, rc, e, "reading a failure report");
	if (!sealed)
		return dw_fail(e, DW_ENOTFOUND, "failure report %lld was "
		    "stored without a sample (samples are kept only with "
		    "--keep-samples)", (long long)id);
	if ((err = store_sqlite_prep(st, "SELECT data FROM raw_chunks "
	    "WHERE input_id = ? ORDER BY seq", &s, e)) != DW_OK)
		return err;
	sqlite3_bind_int64(s, 1, input);
	while (err == DW_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		err = buf_append(out, sqlite3_column_blob(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0));
	sqlite3_finalize(s);
	if (err != DW_OK)
		return dw_fail(e, err, "failure report %lld: sample over its "
		    "size limit", (long long)id);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(st, rc, e, "reading a sample");
	return DW_OK;
}
