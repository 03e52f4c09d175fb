/*
 * sqlite_mailbox.c: the mailbox fetcher's state on SQLite (migration
 * 0006).  Few calls per poll, so statements are prepared per call.
 */
#include <string.h>

#include "store_sqlite.h"

static enum dw_err
prep(struct store *st, const char *sql, sqlite3_stmt **s, struct dw_error *e)
{
	int rc = sqlite3_prepare_v2(store_sqlite_db(st), sql, -1, s, NULL);

	return rc == SQLITE_OK ? DW_OK :
	    store_sqlite_fail(st, rc, e, "preparing a mailbox query");
}

/* Steps s to completion; DW_OK when it finished. */
static enum dw_err
run(struct store *st, sqlite3_stmt *s, struct dw_error *e)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? DW_OK :
	    store_sqlite_fail(st, rc, e, "storing mailbox state");
}

static enum dw_err
exec(struct store *st, const char *sql, struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;

	if ((err = prep(st, sql, &s, e)) != DW_OK)
		return err;
	return run(st, s, e);
}

enum dw_err
sq_mailbox_get(struct store *st, const char *key, struct store_mailbox *m,
    bool *found, struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	memset(m, 0, sizeof(*m));
	*found = false;
	if ((err = prep(st, "SELECT uidvalidity, last_uid, last_fetch FROM "
	    "mailboxes WHERE key = ?", &s, e)) != DW_OK)
		return err;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*found = true;
		m->uidvalidity = (uint32_t)sqlite3_column_int64(s, 0);
		m->last_uid = (uint32_t)sqlite3_column_int64(s, 1);
		m->last_fetch = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlite_fail(st, rc, e, "reading mailbox state");
	return DW_OK;
}

static enum dw_err
put_state(struct store *st, const char *key, const struct store_mailbox *m,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;

	/* Moves recorded under another UIDVALIDITY name other messages. */
	if ((err = prep(st, "DELETE FROM mailbox_moves WHERE mailbox_id = "
	    "(SELECT id FROM mailboxes WHERE key = ? AND uidvalidity != ?)",
	    &s, e)) != DW_OK)
		return err;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, m->uidvalidity);
	if ((err = run(st, s, e)) != DW_OK)
		return err;
	if ((err = prep(st, "INSERT INTO mailboxes (key, uidvalidity, "
	    "last_uid, last_fetch) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO "
	    "UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = "
	    "excluded.last_uid, last_fetch = excluded.last_fetch", &s, e)) !=
	    DW_OK)
		return err;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, m->uidvalidity);
	sqlite3_bind_int64(s, 3, m->last_uid);
	sqlite3_bind_int64(s, 4, m->last_fetch);
	return run(st, s, e);
}

enum dw_err
sq_mailbox_put(struct store *st, const char *key,
    const struct store_mailbox *m, const struct store_move *mv, size_t n,
    struct dw_error *e)
{
	sqlite3_stmt *s = NULL;
	enum dw_err err;
	size_t i;
	int rc;

	if ((err = exec(st, "BEGIN IMMEDIATE", e)) != DW_OK)
		return err;
	if ((err = put_state(st, key, m, e)) != DW_OK)
		goto fail;
	if ((err = prep(st, "INSERT OR REPLACE INTO mailbox_moves (mailbox_id,"
	    " uid, folder) VALUES ((SELECT id FROM mailboxes WHERE key = ?), "
	    "?, ?)", &s, e)) != DW_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, mv[i].uid);
		sqlite3_bind_text(s, 3, mv[i].folder, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			err = store_sqlite_fail(st, rc, e, "storing a move");
			goto fail;
		}
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((err = exec(st, "COMMIT", e)) == DW_OK)
		return DW_OK;
fail:
	sqlite3_finalize(s);
	(void)exec(st, "ROLLBACK", NULL);
	return err;
}

enum dw_err
sq_mailbox_moves(struct store *st, const char *key, store_move_cb cb,
    void *ctx, struct dw_error *e)
{
	struct store_move mv;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = prep(st, "SELECT m.uid, m.folder FROM mailbox_moves m "
	    "JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.key = ? "
	    "ORDER BY m.uid", &s, e)) != DW_OK)
		return err;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		mv.uid = (uint32_t)sqlite3_column_int64(s, 0);
		mv.folder = (const char *)sqlite3_column_text(s, 1);
		if (mv.folder == NULL)
			mv.folder = "";
		if ((err = cb(ctx, &mv)) != DW_OK) {
			sqlite3_finalize(s);
			return err;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(st, rc, e, "reading moves");
	return DW_OK;
}

enum dw_err
sq_mailbox_moved(struct store *st, const char *key, uint32_t uid,
    struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;

	if ((err = prep(st, "DELETE FROM mailbox_moves WHERE uid = ? AND "
	    "mailbox_id = (SELECT id FROM mailboxes WHERE key = ?)", &s, e)) !=
	    DW_OK)
		return err;
	sqlite3_bind_int64(s, 1, uid);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	return run(st, s, e);
}
