/*
 * store_sqlite.h: what the SQLite backend's files share.  Not for callers
 * of the store: they use store.h.
 */
#ifndef DW_STORE_SQLITE_H
#define DW_STORE_SQLITE_H

#include <sqlite3.h>

struct store;

/* The connection of an open store (borrowed). */
sqlite3 *store_sqlite_db(struct store *st);

#endif
