/*
 * store_sqlite.c: the store on SQLite (WAL, prepared statements for the
 * hot inserts; the schema is the numbered files of src/store/migrations).
 * One connection writes; a second, read-only, answers store_unit_known()
 * without waiting for the writer.
 *
 * Units are savepoints inside a batch transaction (STORE_BATCH_UNITS), a
 * report a savepoint inside its unit.  Raw bytes are compressed as one
 * zstd frame per unit (level 1: the store thread's largest cost was
 * deflate, which zstd beats threefold in time and twofold in size on
 * report XML), fed STORE_RAW_CHUNK input bytes at a time, unless the input
 * is already gzip or zip, which is kept as it came.  Stores written before
 * hold 'deflate' (one zlib stream) units as well.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>
#include <zstd.h>

#include "base/buf.h"
#include "migrations.h"
#include "store_int.h"
#include "store_sqlite.h"

static void sq_close(struct store *);
static enum dw_err sq_flush(struct store *, struct dw_error *);
static const struct store_ops store_sqlite_ops;

#define STORE_RAW_CHUNK	(1024 * 1024)
/*
 * The compressor's output buffer, allocated once per store: one chunk's
 * worth for the usual case.  Output that does not fit goes out in more
 * chunks.
 */
#define STORE_ZOUT_CAP	ZSTD_COMPRESSBOUND(STORE_RAW_CHUNK)
#define STORE_ZLEVEL	1
#define STORE_BUSY_MS	10000
/*
 * Units are savepoints inside a transaction that commits every
 * STORE_BATCH_UNITS units or STORE_BATCH_SECONDS, and at store_flush() and
 * store_close(): one commit per small file would cost more than the file.
 * A crash loses at most the batch since the last commit, whole units only,
 * and ingesting again stores them then.
 */
#define STORE_BATCH_UNITS	256
#define STORE_BATCH_SECONDS	2

enum stmt {
	S_UNIT_DUP, S_UNIT_INS, S_CHUNK_INS, S_REPORTER_INS, S_REPORTER_GET,
	S_REPORT_DUP, S_REPORT_INS, S_REPORT_END, S_RECORD_INS, S_AUTH_INS,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_UNIT_DUP] = "SELECT 1 FROM raw_inputs WHERE sha256 = ?",
	[S_UNIT_INS] = "INSERT INTO raw_inputs (name, sha256, size, received,"
	    " encoding) VALUES (?, ?, ?, ?, 'zstd')",
	[S_CHUNK_INS] = "INSERT INTO raw_chunks (input_id, seq, data) "
	    "VALUES (?, ?, ?)",
	[S_REPORTER_INS] = "INSERT OR IGNORE INTO reporters (org_name, email)"
	    " VALUES (?, ?)",
	[S_REPORTER_GET] = "SELECT id FROM reporters WHERE org_name = ? AND "
	    "email = ?",
	[S_REPORT_DUP] = "SELECT 1 FROM reports WHERE org_name = ? AND "
	    "report_id = ? AND domain = ? AND date_begin = ? AND date_end = ?",
	[S_REPORT_INS] = "INSERT INTO reports (reporter_id, input_id, "
	    "org_name, email, extra_contact_info, report_id, domain, "
	    "date_begin, date_end, schema, version, generator, errors, adkim,"
	    " aspf, p, sp, np, pct, fo, testing, discovery_method, repairs, "
	    "source_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	    "?,?,?)",
	[S_REPORT_END] = "UPDATE reports SET records = ?, messages = ? "
	    "WHERE id = ?",
	[S_RECORD_INS] = "INSERT INTO records (report_id, source_ip, count, "
	    "disposition, dkim, spf, reasons, header_from, envelope_from, "
	    "envelope_to, invalid, dkim_domain, dkim_selector, dkim_result, "
	    "dkim_human, spf_domain, spf_scope, spf_result, spf_human, nauth)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[S_AUTH_INS] = "INSERT INTO auth_results (record_id, seq, kind, "
	    "domain, selector, scope, result, human_result) VALUES "
	    "(?,?,?,?,?,?,?,?)",
};

struct sq {
	struct store	 base;		/* first: store.c finds the ops */
	sqlite3		*db;
	sqlite3_stmt	*st[S_COUNT];
	bool		 ro;		/* store_open_ro: no writes */
	bool		 in_unit;
	bool		 in_batch;
	unsigned	 batch_units;
	time_t		 batch_start;
	bool		 in_report;
	int64_t		 unit_id;
	const char	*unit_name;	/* borrowed for the unit */
	char		*name_copy;
	int64_t		 report_id;
	/* raw bytes of the unit */
	enum store_evidence evidence;
	bool		 raw_started;
	bool		 raw_identity;
	int64_t		 raw_seq;
	struct buf	 raw_in;
	ZSTD_CCtx	*z;		/* reused from unit to unit */
	unsigned char	*zout;		/* STORE_ZOUT_CAP bytes */
	/* a read-only connection of its own for store_unit_known() */
	sqlite3		*rdb;
	sqlite3_stmt	*known;
};

static enum dw_err
sqlfail(struct sq *st, int rc, struct dw_error *e, const char *what)
{
	enum dw_err code = rc == SQLITE_FULL ? DW_EFULL : DW_ESTORE;
	const char *why = code == DW_EFULL ? "store full" : "store failed";
	unsigned lost = st->batch_units;

	if (!st->in_batch || !sqlite3_get_autocommit(st->db) || lost == 0) {
		if (st->in_batch && sqlite3_get_autocommit(st->db))
			st->in_batch = false;
		return dw_fail(e, code, "%s while %s: %s", why, what,
		    sqlite3_errmsg(st->db));
	}
	/*
	 * SQLite ended the whole transaction, as it does on a full disk, an
	 * I/O error or no memory: the units kept since the last commit went
	 * with it.  The caller is told, so they are not counted as stored;
	 * ingesting those inputs again stores them.
	 */
	st->in_batch = false;
	st->batch_units = 0;
	return dw_fail(e, code, "%s while %s: %s; the %u input%s kept since "
	    "the last commit %s rolled back with it and must be ingested "
	    "again", why, what, sqlite3_errmsg(st->db), lost,
	    lost == 1 ? "" : "s", lost == 1 ? "was" : "were");
}

/*
 * Writes go to an open unit whose transaction SQLite has not ended:
 * after a failure that ended it, a write would otherwise commit alone.
 */
static enum dw_err
unit_live(struct sq *st, struct dw_error *e)
{
	if (!st->in_unit)
		return dw_fail(e, DW_EINVAL, "store: no input is being "
		    "stored%s", st->ro ? " (the store is open read-only)" : "");
	if (sqlite3_get_autocommit(st->db))
		return dw_fail(e, DW_ESTORE, "store: this input was rolled "
		    "back by an earlier error");
	return DW_OK;
}

static enum dw_err
exec(struct sq *st, const char *sql, struct dw_error *e)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return sqlfail(st, rc, e, sql);
	return DW_OK;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Steps a write statement to its end and resets it. */
static enum dw_err
step_done(struct sq *st, sqlite3_stmt *s, struct dw_error *e,
    const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return sqlfail(st, rc, e, what);
	return DW_OK;
}

/* Steps a query for one row; *found tells whether there was one. */
static enum dw_err
step_row(struct sq *st, sqlite3_stmt *s, bool *found, int64_t *val,
    struct dw_error *e, const char *what)
{
	int rc = sqlite3_step(s);

	*found = rc == SQLITE_ROW;
	if (*found && val != NULL)
		*val = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlfail(st, rc, e, what);
	return DW_OK;
}

enum dw_err
store_sqlite_exec(struct store *st, const char *sql, struct dw_error *e)
{
	return exec((struct sq *)st, sql, e);
}

void
store_sqlite_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	bind_text(s, i, v);
}

enum dw_err
store_sqlite_step(struct store *st, sqlite3_stmt *s, struct dw_error *e,
    const char *what)
{
	return step_done((struct sq *)st, s, e, what);
}

static int
known_version(void)
{
	return store_nmigrations > 0 ?
	    store_migrations[store_nmigrations - 1].version : 0;
}

/* One integer from sql, or the SQLite error. */
static enum dw_err
query_int(struct sq *st, const char *sql, int64_t *v, struct dw_error *e)
{
	sqlite3_stmt *s;
	int rc;

	*v = 0;
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return sqlfail(st, rc, e, "reading the schema");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlfail(st, rc, e, "reading the schema");
	return DW_OK;
}

/*
 * The schema version the file holds (0: an empty database) and whether
 * this program can use it.  Read before anything is written, so a file
 * that is not a store, or another program's database, is left untouched.
 */
static enum dw_err
check_version(struct sq *st, bool ro, int64_t *have, struct dw_error *e)
{
	int64_t n;
	enum dw_err err;

	*have = 0;
	if ((err = query_int(st, "SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'schema_version'", &n, e)) != DW_OK)
		return err;
	if (n == 0) {
		if ((err = query_int(st, "SELECT count(*) FROM sqlite_master",
		    &n, e)) != DW_OK)
			return err;
		if (n > 0)
			return dw_fail(e, ro ? DW_ENOTFOUND : DW_ESTORE,
			    "not a dmarcward store: an SQLite database of "
			    "other tables, left as it is");
		if (ro)
			return dw_fail(e, DW_ENOTFOUND, "no store here yet; "
			    "run dmarcward ingest first");
		return DW_OK;
	}
	if ((err = query_int(st, "SELECT max(version) FROM schema_version",
	    have, e)) != DW_OK)
		return err;
	if (*have > known_version())
		return dw_fail(e, DW_ESTORE, "store schema version %lld is "
		    "newer than this dmarcward knows (%d); upgrade dmarcward",
		    (long long)*have, known_version());
	/* Every migration counts, not the highest: they may land apart. */
	if ((err = query_int(st, "SELECT count(DISTINCT version) FROM "
	    "schema_version", &n, e)) != DW_OK)
		return err;
	if (ro && n < (int64_t)store_nmigrations)
		return dw_fail(e, DW_ESTORE, "the store lacks %lld of this "
		    "dmarcward's %zu schema migrations; run dmarcward ingest "
		    "once to upgrade it", (long long)store_nmigrations - n,
		    store_nmigrations);
	return DW_OK;
}

/*
 * Applies every migration the store has not had, each in a transaction.
 * Not only those above the highest applied: migrations numbered apart
 * may reach a store in another order.
 */
static enum dw_err
migrate(struct sq *st, int64_t have, struct dw_error *e)
{
	size_t i;
	int64_t done;
	enum dw_err err;
	char sql[128];

	(void)have;
	err = exec(st, "CREATE TABLE IF NOT EXISTS schema_version "
	    "(version INTEGER NOT NULL)", e);
	for (i = 0; err == DW_OK && i < store_nmigrations; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM "
		    "schema_version WHERE version = %d",
		    store_migrations[i].version);
		if ((err = query_int(st, sql, &done, e)) != DW_OK)
			return err;
		if (done > 0)
			continue;
		if ((err = exec(st, "BEGIN IMMEDIATE", e)) != DW_OK)
			return err;
		/* Another process may have applied it meanwhile. */
		err = query_int(st, sql, &done, e);
		if (err == DW_OK && done > 0) {
			err = exec(st, "COMMIT", e);
			continue;
		}
		if (err == DW_OK)
			err = exec(st, store_migrations[i].sql, e);
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version "
		    "VALUES (%d)", store_migrations[i].version);
		if (err == DW_OK)
			err = exec(st, sql, e);
		if (err == DW_OK)
			err = exec(st, "COMMIT", e);
		if (err != DW_OK)
			(void)exec(st, "ROLLBACK", NULL);
	}
	return err;
}

static enum dw_err
prepare_all(struct sq *st, struct dw_error *e)
{
	int i, rc;

	for (i = 0; i < S_COUNT; i++) {
		rc = sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->st[i], NULL);
		if (rc != SQLITE_OK)
			return sqlfail(st, rc, e, "prepare");
	}
	return DW_OK;
}

/* Every error of opening names the file: "PATH: reason". */
static enum dw_err
open_fail(const char *path, enum dw_err err, struct dw_error *e)
{
	char why[DW_ERRMSG_MAX];

	if (e == NULL)
		return err;
	memcpy(why, e->msg, sizeof(why));
	return dw_fail(e, err, "%s: %s", path, why);
}

/*
 * A store and each of its connections are used by one thread at a time
 * (the ingest writer takes the store over and hands it back when it
 * drains), so the connections are opened without SQLite's per-connection
 * mutex, and SQLite keeps no memory statistics, whose global mutex every
 * allocation took.  These were a tenth of the store thread's time.
 */
static pthread_once_t sq_once = PTHREAD_ONCE_INIT;

static void
sq_init(void)
{
	/* SQLITE_MISUSE when SQLite is initialized already: then as it is. */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * The parsing thread asks store_unit_known() before it reads an input
 * through.  On the writer's connection that question waits for whatever
 * the writer is doing (a commit, a checkpoint), and the two threads take
 * turns; a connection of its own asks a WAL snapshot instead and waits for
 * nothing.  It sees committed units only: one stored earlier in the same
 * batch is found by the writer at unit_begin, which decides duplicates.
 * Without it (an in-memory store, a failure here) every unit is
 * unknown here and the writer alone decides: its connection is not to be
 * used from this thread.
 */
static void
open_reader(struct sq *st, const char *path)
{
	if (sqlite3_open_v2(path, &st->rdb, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(st->rdb, STORE_BUSY_MS) == SQLITE_OK &&
	    sqlite3_prepare_v3(st->rdb, stmt_sql[S_UNIT_DUP], -1,
	    SQLITE_PREPARE_PERSISTENT, &st->known, NULL) == SQLITE_OK)
		return;
	sqlite3_finalize(st->known);
	sqlite3_close(st->rdb);
	st->known = NULL;
	st->rdb = NULL;
}

static enum dw_err
open_db(const char *path, bool ro, struct sq **out, struct dw_error *e)
{
	struct sq *st;
	enum dw_err err = DW_OK;
	int64_t have;
	int rc;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	st->base.ops = &store_sqlite_ops;
	st->ro = ro;
	buf_init(&st->raw_in, STORE_RAW_CHUNK);
	pthread_once(&sq_once, sq_init);
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_NOMUTEX | (ro ?
	    SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE),
	    NULL);
	if (rc != SQLITE_OK) {
		if (ro && rc == SQLITE_CANTOPEN)
			err = dw_fail(e, DW_ENOTFOUND, "no store here; run "
			    "dmarcward ingest first");
		else
			err = dw_fail(e, DW_ESTORE, "cannot open: %s",
			    st->db ? sqlite3_errmsg(st->db) : "no memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if ((err = check_version(st, ro, &have, e)) != DW_OK)
		goto fail;
	/*
	 * 16 KiB pages for a new store (an existing one keeps its own): the
	 * raw evidence and the record rows are written in long runs, and
	 * larger pages make storing a report about a tenth cheaper.
	 */
	if (!ro && ((err = exec(st, "PRAGMA page_size = 16384", e)) ||
	    (err = exec(st, "PRAGMA journal_mode = WAL", e)) ||
	    (err = exec(st, "PRAGMA synchronous = NORMAL", e)) ||
	    (err = exec(st, "PRAGMA foreign_keys = ON", e)) ||
	    (err = migrate(st, have, e)) || (err = prepare_all(st, e))))
		goto fail;
	if (!ro)
		open_reader(st, path);
	*out = st;
	return DW_OK;
fail:
	sq_close(&st->base);
	return open_fail(path, err, e);
}

sqlite3 *
store_sqlite_db(struct store *st)
{
	return ((struct sq *)st)->db;
}

enum dw_err
store_sqlite_fail(struct store *st, int rc, struct dw_error *e,
    const char *what)
{
	return sqlfail((struct sq *)st, rc, e, what);
}

enum dw_err
store_sqlite_prep(struct store *st, const char *sql, sqlite3_stmt **s,
    struct dw_error *e)
{
	int rc = sqlite3_prepare_v2(((struct sq *)st)->db, sql, -1, s, NULL);

	return rc == SQLITE_OK ? DW_OK :
	    sqlfail((struct sq *)st, rc, e, "preparing a query");
}

enum dw_err
store_sqlite_open(const char *path, bool ro, struct store **out,
    struct dw_error *e)
{
	struct sq *st;
	enum dw_err err;

	*out = NULL;
	if ((err = open_db(path, ro, &st, e)) == DW_OK)
		*out = &st->base;
	return err;
}

static void
sq_close(struct store *base)
{
	struct sq *st = (struct sq *)base;
	int i;

	if (st == NULL)
		return;
	if (st->in_unit)
		(void)exec(st, "ROLLBACK TO unit; RELEASE unit", NULL);
	if (st->in_batch)
		(void)exec(st, "COMMIT", NULL);
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->st[i]);
	ZSTD_freeCCtx(st->z);
	free(st->zout);
	free(st->name_copy);
	buf_fini(&st->raw_in);
	sqlite3_finalize(st->known);
	sqlite3_close(st->rdb);
	sqlite3_close(st->db);
	free(st);
}

static enum dw_err
sq_unit_begin(struct store *base, const char *name, const uint8_t sha[32],
    uint64_t size, bool *dup, struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s = st->st[S_UNIT_DUP];
	enum dw_err err;

	*dup = false;
	if (st->ro)
		return dw_fail(e, DW_EINVAL, "store: open read-only");
	if (st->in_unit)
		return dw_fail(e, DW_EINVAL, "store: an input is already being "
		    "stored");
	sqlite3_bind_blob(s, 1, sha, 32, SQLITE_STATIC);
	if ((err = step_row(st, s, dup, NULL, e, "unit lookup")) != DW_OK ||
	    *dup)
		return err;
	if (!st->in_batch) {
		if ((err = exec(st, "BEGIN IMMEDIATE", e)) != DW_OK)
			return err;
		st->in_batch = true;
		st->batch_units = 0;
		st->batch_start = time(NULL);
	}
	if ((err = exec(st, "SAVEPOINT unit", e)) != DW_OK)
		return err;
	s = st->st[S_UNIT_INS];
	bind_text(s, 1, name);
	sqlite3_bind_blob(s, 2, sha, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)size);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL));
	if ((err = step_done(st, s, e, "storing the input")) != DW_OK) {
		(void)exec(st, "ROLLBACK TO unit; RELEASE unit", NULL);
		return err;
	}
	free(st->name_copy);
	st->name_copy = strdup(name);
	st->unit_name = st->name_copy != NULL ? st->name_copy : "";
	st->unit_id = sqlite3_last_insert_rowid(st->db);
	st->in_unit = true;
	st->evidence = STORE_EVIDENCE_RAW;
	st->raw_started = false;
	st->raw_seq = 0;
	buf_reset(&st->raw_in);
	return DW_OK;
}

/* On the reader connection when there is one (open_reader). */
static enum dw_err
sq_unit_known(struct store *base, const uint8_t sha[32], bool *known,
    struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	int rc;

	*known = false;
	if (st->known == NULL)	/* see open_reader */
		return DW_OK;
	sqlite3_bind_blob(st->known, 1, sha, 32, SQLITE_STATIC);
	rc = sqlite3_step(st->known);
	*known = rc == SQLITE_ROW;
	sqlite3_reset(st->known);
	sqlite3_clear_bindings(st->known);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dw_fail(e, DW_ESTORE, "unit lookup: %s",
		    sqlite3_errmsg(st->rdb));
	return DW_OK;
}

static enum dw_err
chunk_put(struct sq *st, const void *p, size_t n, struct dw_error *e)
{
	sqlite3_stmt *s = st->st[S_CHUNK_INS];

	sqlite3_bind_int64(s, 1, st->unit_id);
	sqlite3_bind_int64(s, 2, st->raw_seq++);
	sqlite3_bind_blob(s, 3, p, (int)n, SQLITE_STATIC);
	return step_done(st, s, e, "storing raw bytes");
}

/* Compresses what raw_in holds (one frame across chunks). */
static enum dw_err
raw_flush(struct sq *st, bool last, struct dw_error *e)
{
	ZSTD_inBuffer in;
	ZSTD_outBuffer out;
	size_t left;
	enum dw_err err;

	if (st->raw_identity) {
		if (st->raw_in.len == 0)
			return DW_OK;
		err = chunk_put(st, st->raw_in.data, st->raw_in.len, e);
		buf_reset(&st->raw_in);
		return err;
	}
	if (st->zout == NULL && (st->zout = malloc(STORE_ZOUT_CAP)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	in.src = st->raw_in.data;
	in.size = st->raw_in.len;
	in.pos = 0;
	do {
		out.dst = st->zout;
		out.size = STORE_ZOUT_CAP;
		out.pos = 0;
		left = ZSTD_compressStream2(st->z, &out, &in, last ?
		    ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left))
			return dw_fail(e, DW_ESTORE, "zstd: %s",
			    ZSTD_getErrorName(left));
		if (out.pos > 0 &&
		    (err = chunk_put(st, st->zout, out.pos, e)) != DW_OK)
			return err;
	} while (in.pos < in.size || (last && left != 0));
	buf_reset(&st->raw_in);
	return DW_OK;
}

/* A fresh frame on the store's compressor, made on first use. */
static enum dw_err
z_start(struct sq *st, struct dw_error *e)
{
	size_t r;

	if (st->z == NULL) {
		if ((st->z = ZSTD_createCCtx()) == NULL)
			return dw_fail(e, DW_ENOMEM, "out of memory");
		r = ZSTD_CCtx_setParameter(st->z, ZSTD_c_compressionLevel,
		    STORE_ZLEVEL);
		if (!ZSTD_isError(r))
			r = ZSTD_CCtx_setParameter(st->z, ZSTD_c_checksumFlag,
			    1);
		if (ZSTD_isError(r))
			return dw_fail(e, DW_ESTORE, "zstd: %s",
			    ZSTD_getErrorName(r));
	}
	r = ZSTD_CCtx_reset(st->z, ZSTD_reset_session_only);
	if (ZSTD_isError(r))
		return dw_fail(e, DW_ESTORE, "zstd: %s", ZSTD_getErrorName(r));
	return DW_OK;
}

static enum dw_err
sq_unit_raw(struct store *base, const void *p, size_t n,
    struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	const unsigned char *q = p;
	size_t room;
	enum dw_err err;

	if ((err = unit_live(st, e)) != DW_OK)
		return err;
	if (st->evidence == STORE_EVIDENCE_WITHHELD)
		return dw_fail(e, DW_EINVAL, "store: the raw bytes of this "
		    "input are withheld");
	if (!st->raw_started && n > 0) {
		st->raw_started = true;
		/* Already compressed (gzip, zip) or sealed: kept as it came. */
		st->raw_identity = st->evidence == STORE_EVIDENCE_SEALED ||
		    (n >= 2 && ((q[0] == 0x1f && q[1] == 0x8b) ||
		    (q[0] == 'P' && q[1] == 'K')));
		if (!st->raw_identity && (err = z_start(st, e)) != DW_OK)
			return err;
	}
	while (n > 0) {
		room = STORE_RAW_CHUNK - st->raw_in.len;
		if (room > n)
			room = n;
		if ((err = buf_append(&st->raw_in, q, room)) != DW_OK)
			return dw_fail(e, err, "raw buffer");
		q += room;
		n -= room;
		if (st->raw_in.len == STORE_RAW_CHUNK &&
		    (err = raw_flush(st, false, e)) != DW_OK)
			return err;
	}
	return DW_OK;
}

/* raw_inputs.encoding of the current unit, past 'zstd'. */
static const char *
evidence_name(const struct sq *st)
{
	if (st->evidence == STORE_EVIDENCE_WITHHELD)
		return "withheld";
	if (st->evidence == STORE_EVIDENCE_SEALED)
		return "sealed-box";
	return "identity";
}

static enum dw_err
sq_unit_evidence(struct store *base, enum store_evidence ev,
    struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	enum dw_err err;

	if ((err = unit_live(st, e)) != DW_OK)
		return err;
	if (st->raw_started)
		return dw_fail(e, DW_EINVAL, "store: raw bytes of this input "
		    "are already stored");
	st->evidence = ev;
	return DW_OK;
}

static enum dw_err
sq_unit_end(struct store *base, bool commit, struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	enum dw_err err = DW_OK;
	char sql[128];

	if (!st->in_unit)
		return DW_OK;
	if (commit)
		err = unit_live(st, e);
	if (commit && err == DW_OK && st->raw_started)
		err = raw_flush(st, true, e);
	if (commit && err == DW_OK && (st->raw_identity ||
	    st->evidence != STORE_EVIDENCE_RAW)) {
		snprintf(sql, sizeof(sql), "UPDATE raw_inputs SET encoding = "
		    "'%s' WHERE id = %lld", evidence_name(st),
		    (long long)st->unit_id);
		err = exec(st, sql, e);
	}
	st->in_unit = false;
	st->in_report = false;
	if (commit && err == DW_OK &&
	    (err = exec(st, "RELEASE unit", e)) == DW_OK) {
		if (++st->batch_units < STORE_BATCH_UNITS &&
		    time(NULL) - st->batch_start < STORE_BATCH_SECONDS)
			return DW_OK;
		return sq_flush(&st->base, e);
	}
	(void)exec(st, "ROLLBACK TO unit; RELEASE unit", NULL);
	if (sqlite3_get_autocommit(st->db))
		st->in_batch = false;	/* SQLite ended it (e.g. disk full) */
	return err;
}

static enum dw_err
sq_flush(struct store *base, struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	enum dw_err err;

	if (!st->in_batch || st->in_unit)
		return DW_OK;
	/* A COMMIT that fails may keep the transaction (busy) or end it. */
	err = exec(st, "COMMIT", e);
	if (sqlite3_get_autocommit(st->db)) {
		st->in_batch = false;
		st->batch_units = 0;
	}
	return err;
}

static char *
errors_json(const struct agg_report *r)
{
	json_t *a;
	char *s;
	size_t i;

	if (r->nerrors == 0)
		return NULL;
	a = json_array();
	for (i = 0; i < r->nerrors; i++)
		json_array_append_new(a, json_string(r->errors[i]));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

enum dw_err
store_sqlite_reporter(struct store *base, const char *org,
    const char *email, int64_t *id, struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	const char *mail = email != NULL ? email : "";
	enum dw_err err;
	bool found;

	bind_text(st->st[S_REPORTER_INS], 1, org);
	bind_text(st->st[S_REPORTER_INS], 2, mail);
	err = step_done(st, st->st[S_REPORTER_INS], e, "reporter");
	if (err != DW_OK)
		return err;
	bind_text(st->st[S_REPORTER_GET], 1, org);
	bind_text(st->st[S_REPORTER_GET], 2, mail);
	return step_row(st, st->st[S_REPORTER_GET], &found, id, e,
	    "reporter");
}

enum dw_err
store_sqlite_unit(struct store *base, int64_t *id, const char **name,
    struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	enum dw_err err;

	if ((err = unit_live(st, e)) != DW_OK)
		return err;
	*id = st->unit_id;
	if (name != NULL)
		*name = st->unit_name;
	return DW_OK;
}

static enum dw_err
sq_report_begin(struct store *base, const struct agg_report *r, bool *dup,
    struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s = st->st[S_REPORT_DUP];
	const struct agg_policy *p = &r->policy;
	int64_t rid = 0;
	char *errs;
	enum dw_err err;

	*dup = false;
	if ((err = unit_live(st, e)) != DW_OK)
		return err;
	if (st->in_report)
		return dw_fail(e, DW_EINVAL, "store: a report is already being "
		    "stored");
	bind_text(s, 1, r->org_name);
	bind_text(s, 2, r->report_id);
	bind_text(s, 3, p->domain);
	sqlite3_bind_int64(s, 4, r->begin);
	sqlite3_bind_int64(s, 5, r->end);
	if ((err = step_row(st, s, dup, NULL, e, "report lookup")) != DW_OK ||
	    *dup)
		return err;
	if ((err = exec(st, "SAVEPOINT report", e)) != DW_OK)
		return err;
	if ((err = store_sqlite_reporter(base, r->org_name, r->email, &rid,
	    e)) != DW_OK)
		goto fail;
	s = st->st[S_REPORT_INS];
	errs = errors_json(r);
	sqlite3_bind_int64(s, 1, rid);
	sqlite3_bind_int64(s, 2, st->unit_id);
	bind_text(s, 3, r->org_name);
	bind_text(s, 4, r->email);
	bind_text(s, 5, r->extra_contact_info);
	bind_text(s, 6, r->report_id);
	bind_text(s, 7, p->domain);
	sqlite3_bind_int64(s, 8, r->begin);
	sqlite3_bind_int64(s, 9, r->end);
	bind_text(s, 10, agg_schema_name(r->schema));
	bind_text(s, 11, r->version);
	bind_text(s, 12, r->generator);
	bind_text(s, 13, errs);
	bind_text(s, 14, p->adkim);
	bind_text(s, 15, p->aspf);
	bind_text(s, 16, p->p);
	bind_text(s, 17, p->sp);
	bind_text(s, 18, p->np);
	if (p->pct >= 0)
		sqlite3_bind_int(s, 19, p->pct);
	bind_text(s, 20, p->fo);
	bind_text(s, 21, p->testing);
	bind_text(s, 22, p->discovery_method);
	bind_text(s, 23, r->repairs);
	bind_text(s, 24, st->unit_name);
	err = step_done(st, s, e, "storing the report");
	free(errs);
	if (err != DW_OK)
		goto fail;
	st->report_id = sqlite3_last_insert_rowid(st->db);
	st->in_report = true;
	return DW_OK;
fail:
	(void)exec(st, "ROLLBACK TO report; RELEASE report", NULL);
	return err;
}

static char *
reasons_json(const struct agg_record *rec)
{
	json_t *a;
	char *s;
	size_t i;

	if (rec->nreasons == 0)
		return NULL;
	a = json_array();
	for (i = 0; i < rec->nreasons; i++)
		json_array_append_new(a, json_pack("[s?, s?]",
		    rec->reasons[i].type, rec->reasons[i].comment));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* The auth results beyond the first DKIM and first SPF one. */
static enum dw_err
extra_auth(struct sq *st, int64_t id, const struct agg_record *rec,
    const struct agg_auth *d1, const struct agg_auth *s1, struct dw_error *e)
{
	sqlite3_stmt *s = st->st[S_AUTH_INS];
	const struct agg_auth *a;
	enum dw_err err;
	size_t i;

	for (i = 0; i < rec->nauth; i++) {
		a = &rec->auth[i];
		if (a == d1 || a == s1)
			continue;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
		bind_text(s, 3, a->kind == AGG_AUTH_DKIM ? "dkim" : "spf");
		bind_text(s, 4, a->domain);
		bind_text(s, 5, a->selector);
		bind_text(s, 6, a->scope);
		bind_text(s, 7, a->result);
		bind_text(s, 8, a->human_result);
		if ((err = step_done(st, s, e, "auth result")) != DW_OK)
			return err;
	}
	return DW_OK;
}

static enum dw_err
sq_report_record(struct store *base, const struct agg_record *rec,
    struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s = st->st[S_RECORD_INS];
	const struct agg_auth *d1 = NULL, *s1 = NULL;
	char *reasons;
	size_t i;
	enum dw_err err;

	if ((err = unit_live(st, e)) != DW_OK)
		return err;
	if (!st->in_report)
		return dw_fail(e, DW_EINVAL, "store: no report is being "
		    "stored");
	for (i = 0; i < rec->nauth; i++) {
		if (rec->auth[i].kind == AGG_AUTH_DKIM && d1 == NULL)
			d1 = &rec->auth[i];
		if (rec->auth[i].kind == AGG_AUTH_SPF && s1 == NULL)
			s1 = &rec->auth[i];
	}
	reasons = reasons_json(rec);
	sqlite3_bind_int64(s, 1, st->report_id);
	bind_text(s, 2, rec->source_ip);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)rec->count);
	bind_text(s, 4, rec->disposition);
	bind_text(s, 5, rec->dkim);
	bind_text(s, 6, rec->spf);
	bind_text(s, 7, reasons);
	bind_text(s, 8, rec->header_from);
	bind_text(s, 9, rec->envelope_from);
	bind_text(s, 10, rec->envelope_to);
	sqlite3_bind_int(s, 11, (int)rec->invalid);
	if (d1 != NULL) {
		bind_text(s, 12, d1->domain);
		bind_text(s, 13, d1->selector);
		bind_text(s, 14, d1->result);
		bind_text(s, 15, d1->human_result);
	}
	if (s1 != NULL) {
		bind_text(s, 16, s1->domain);
		bind_text(s, 17, s1->scope);
		bind_text(s, 18, s1->result);
		bind_text(s, 19, s1->human_result);
	}
	sqlite3_bind_int64(s, 20, (sqlite3_int64)rec->nauth);
	err = step_done(st, s, e, "storing a record");
	free(reasons);
	if (err != DW_OK || rec->nauth <= (size_t)(d1 != NULL) +
	    (size_t)(s1 != NULL))
		return err;
	return extra_auth(st, sqlite3_last_insert_rowid(st->db), rec, d1, s1,
	    e);
}

static enum dw_err
sq_report_end(struct store *base, bool commit, uint64_t records,
    uint64_t messages, struct dw_error *e)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s = st->st[S_REPORT_END];
	enum dw_err err = DW_OK;

	if (!st->in_report)
		return DW_OK;
	st->in_report = false;
	if (commit && (err = unit_live(st, e)) == DW_OK) {
		sqlite3_bind_int64(s, 1, (sqlite3_int64)records);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)messages);
		sqlite3_bind_int64(s, 3, st->report_id);
		err = step_done(st, s, e, "report totals");
		if (err == DW_OK && (err = exec(st, "RELEASE report", e)) ==
		    DW_OK)
			return DW_OK;
	}
	(void)exec(st, "ROLLBACK TO report; RELEASE report", NULL);
	return err;
}

static const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.unit_begin = sq_unit_begin,
	.unit_known = sq_unit_known,
	.unit_raw = sq_unit_raw,
	.unit_end = sq_unit_end,
	.flush = sq_flush,
	.report_begin = sq_report_begin,
	.report_record = sq_report_record,
	.report_end = sq_report_end,
	.unit_evidence = sq_unit_evidence,
	.failure_put = sq_failure_put,
	.failures = sq_failures,
	.failure_sample = sq_failure_sample,
	.mailbox_get = sq_mailbox_get,
	.mailbox_put = sq_mailbox_put,
	.mailbox_moves = sq_mailbox_moves,
	.mailbox_moved = sq_mailbox_moved,
	.check_put = sq_check_put,
	.dns_history = sq_dns_history,
	.events = sq_events,
	.summary = sq_summary,
	.top_sources = sq_top_sources,
	.export = sq_export,
	.tls_put = sq_tls_put,
	.tls_query = sq_tls_query,
	.enrich_todo = sq_enrich_todo,
	.enrich_done = sq_enrich_done,
	.ip_info_put = sq_ip_info_put,
	.ip_info_get = sq_ip_info_get,
	.spf_nets_list = sq_spf_nets_list,
	.spf_nets_put = sq_spf_nets_put,
	.rollup_begin = sq_rollup_begin,
	.rollup_end = sq_rollup_end,
	.rollup_clear = sq_rollup_clear,
	.rollup_dirty = sq_rollup_dirty,
	.rollup_forget = sq_rollup_forget,
	.rollup_scan = sq_rollup_scan,
	.rollup_put = sq_rollup_put,
	.rollup_query = sq_rollup_query,
	.rollup_buckets = sq_rollup_buckets,
	.report_domains = sq_report_domains,
	.rollup_last_day = sq_rollup_last_day,
	.rollup_reporters = sq_rollup_reporters,
	.policies = sq_policies,
	.report_counts = sq_report_counts,
	.inventory_get = sq_inventory_get,
	.inventory_put = sq_inventory_put,
	.inventory_note = sq_inventory_note,
	.inventory_events = sq_inventory_events,
};
