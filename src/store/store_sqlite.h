/*
 * store_sqlite.h: what the SQLite backend's files share.  Not for callers
 * of the store: they use store.h.
 */
#ifndef DW_STORE_SQLITE_H
#define DW_STORE_SQLITE_H

#include <sqlite3.h>

#include "store.h"

/* The connection of an open store (borrowed). */
sqlite3 *store_sqlite_db(struct store *st);
/* The error for SQLite code rc while doing what (DW_EFULL when full). */
enum dw_err store_sqlite_fail(struct store *st, int rc, struct dw_error *e,
    const char *what);

/* The id of the unit being stored, or an error when none is open. */
enum dw_err store_sqlite_unit(struct store *st, int64_t *id,
    struct dw_error *e);

/* Failure reports (sqlite_failure.c), as in store.h. */
enum dw_err sq_failure_put(struct store *st, const struct failure_report *r,
    bool *dup, struct dw_error *e);
enum dw_err sq_failures(struct store *st, const struct store_filter *f,
    store_failure_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_failure_sample(struct store *st, int64_t id, struct buf *out,
    struct dw_error *e);

/* Mailbox state (sqlite_mailbox.c), as in store.h. */
enum dw_err sq_mailbox_get(struct store *st, const char *key,
    struct store_mailbox *m, bool *found, struct dw_error *e);
enum dw_err sq_mailbox_put(struct store *st, const char *key,
    const struct store_mailbox *m, const struct store_move *mv, size_t n,
    struct dw_error *e);
enum dw_err sq_mailbox_moves(struct store *st, const char *key,
    store_move_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_mailbox_moved(struct store *st, const char *key, uint32_t uid,
    struct dw_error *e);

/* Queries (store_query.c), as in store.h. */
enum dw_err sq_summary(struct store *st, const struct store_filter *f,
    store_summary_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_top_sources(struct store *st, const struct store_filter *f,
    bool failing, unsigned n, store_source_cb cb, void *ctx,
    struct dw_error *e);
enum dw_err sq_export(struct store *st, const struct store_filter *f,
    store_row_cb cb, void *ctx, struct dw_error *e);

#endif
