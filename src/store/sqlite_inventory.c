/*
 * sqlite_inventory.c: the SQLite side of the approved-sender inventory
 * (store.h, "sources: the approved-sender inventory").  Every change is
 * written with an event in the same transaction.
 */
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_sqlite.h"

static enum dw_err
event(struct store *st, const char *service, int64_t at, const char *action,
    const char *detail, struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;

	if ((err = sqx_prepare(st, "INSERT INTO inventory_events (service, at,"
	    " action, detail) VALUES (?,?,?,?)", &s, e)) != DW_OK)
		return err;
	sqx_text(s, 1, service);
	sqlite3_bind_int64(s, 2, at);
	sqx_text(s, 3, action);
	sqx_text(s, 4, detail);
	err = sqx_done(st, s, e, "logging an inventory change");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_inventory_get(struct store *st, const char *service,
    store_inventory_cb cb, void *ctx, struct dw_error *e)
{
	struct store_inventory v;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = sqx_prepare(st, "SELECT service, approved, owner, purpose, "
	    "ephi, baa, baa_date, updated FROM inventory WHERE ?1 IS NULL OR "
	    "service = ?1 ORDER BY service", &s, e)) != DW_OK)
		return err;
	sqx_text(s, 1, service);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&v, 0, sizeof(v));
		v.service = sqx_col(s, 0);
		v.approved = sqlite3_column_int(s, 1) != 0;
		v.owner = sqx_col(s, 2);
		v.purpose = sqx_col(s, 3);
		v.ephi = sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 :
		    sqlite3_column_int(s, 4) != 0;
		if (sqx_col(s, 5) == NULL ||
		    !store_baa_parse(sqx_col(s, 5), &v.baa))
			v.baa = BAA_UNKNOWN;
		v.baa_date = sqx_col(s, 6);
		v.updated = sqlite3_column_int64(s, 7);
		if ((err = cb(ctx, &v)) != DW_OK)
			break;
	}
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading the inventory");
	sqlite3_finalize(s);
	return err;
}

static enum dw_err
put(struct store *st, const struct store_inventory *v, struct dw_error *e)
{
	sqlite3_stmt *s;
	enum dw_err err;

	if ((err = sqx_prepare(st, "INSERT OR REPLACE INTO inventory "
	    "(service, approved, owner, purpose, ephi, baa, baa_date, updated)"
	    " VALUES (?,?,?,?,?,?,?,?)", &s, e)) != DW_OK)
		return err;
	sqx_text(s, 1, v->service);
	sqlite3_bind_int(s, 2, v->approved);
	sqx_text(s, 3, v->owner);
	sqx_text(s, 4, v->purpose);
	if (v->ephi >= 0)
		sqlite3_bind_int(s, 5, v->ephi);
	sqx_text(s, 6, v->baa == BAA_UNKNOWN ? NULL : store_baa_name(v->baa));
	sqx_text(s, 7, v->baa_date);
	sqlite3_bind_int64(s, 8, v->updated);
	err = sqx_done(st, s, e, "writing the inventory");
	sqlite3_finalize(s);
	return err;
}

enum dw_err
sq_inventory_put(struct store *st, const struct store_inventory *v,
    const char *action, const char *detail, struct dw_error *e)
{
	bool nested;
	enum dw_err err;

	if ((err = sqx_begin(st, &nested, e)) != DW_OK)
		return err;
	if ((err = put(st, v, e)) == DW_OK &&
	    (err = event(st, v->service, v->updated, action, detail, e)) ==
	    DW_OK)
		return sqx_end(st, nested, true, e);
	(void)sqx_end(st, nested, false, NULL);
	return err;
}

enum dw_err
sq_inventory_note(struct store *st, const char *service, int64_t at,
    const char *text, struct dw_error *e)
{
	return event(st, service, at, "note", text, e);
}

enum dw_err
sq_inventory_events(struct store *st, const char *service,
    store_inv_event_cb cb, void *ctx, struct dw_error *e)
{
	struct store_inventory_event v;
	sqlite3_stmt *s;
	enum dw_err err;
	int rc;

	if ((err = sqx_prepare(st, "SELECT service, at, action, detail FROM "
	    "inventory_events WHERE ?1 IS NULL OR service = ?1 ORDER BY id",
	    &s, e)) != DW_OK)
		return err;
	sqx_text(s, 1, service);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v.service = sqx_col(s, 0);
		v.at = sqlite3_column_int64(s, 1);
		v.action = sqx_col(s, 2);
		v.detail = sqx_col(s, 3);
		if ((err = cb(ctx, &v)) != DW_OK)
			break;
	}
	if (err == DW_OK && rc != SQLITE_DONE)
		err = sqx_fail(st, e, "reading inventory events");
	sqlite3_finalize(s);
	return err;
}
