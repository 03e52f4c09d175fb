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

/* Prepares sql (finalized by the caller); runs sql; binds v or NULL. */
enum dw_err store_sqlite_prep(struct store *st, const char *sql,
    sqlite3_stmt **s, struct dw_error *e);
enum dw_err store_sqlite_exec(struct store *st, const char *sql,
    struct dw_error *e);
void store_sqlite_bind_text(sqlite3_stmt *s, int i, const char *v);

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

/* Posture history (sqlite_posture.c), as in store.h. */
enum dw_err sq_check_put(struct store *st, const struct store_check *c,
    const struct store_dns_record *recs, size_t n, store_change_cb cb,
    void *ctx, struct dw_error *e);
enum dw_err sq_dns_history(struct store *st, const char *domain,
    store_change_cb cb, void *ctx, uint64_t *nruns, struct dw_error *e);
enum dw_err sq_events(struct store *st, const char *domain, int64_t after,
    store_event_cb cb, void *ctx, struct dw_error *e);
/*
 * Prepares sql with f bound as ?1 (domain, NULL for all), ?2 (since) and
 * ?3 (until); sq_finish() checks how stepping ended (rc) and finalizes.
 */
enum dw_err sq_prep(struct store *st, const char *sql,
    const struct store_filter *f, sqlite3_stmt **s, struct dw_error *e);
enum dw_err sq_finish(struct store *st, sqlite3_stmt *s, int rc,
    enum dw_err err, struct dw_error *e);

/* Queries (store_query.c), as in store.h. */
enum dw_err sq_summary(struct store *st, const struct store_filter *f,
    store_summary_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_top_sources(struct store *st, const struct store_filter *f,
    bool failing, unsigned n, store_source_cb cb, void *ctx,
    struct dw_error *e);
enum dw_err sq_export(struct store *st, const struct store_filter *f,
    store_row_cb cb, void *ctx, struct dw_error *e);

/*
 * The unit being written: its raw_inputs id and, when name is not NULL,
 * its name (valid until the unit ends).  An error outside a unit, or when
 * an earlier error rolled it back (a write would then commit alone).
 */
enum dw_err store_sqlite_unit(struct store *st, int64_t *id,
    const char **name, struct dw_error *e);
/* Steps a write statement to its end, resets it and clears its bindings;
 * what names it in the error. */
enum dw_err store_sqlite_step(struct store *st, sqlite3_stmt *s,
    struct dw_error *e, const char *what);
/* The reporters row of (org, email), made when new. */
enum dw_err store_sqlite_reporter(struct store *st, const char *org,
    const char *email, int64_t *id, struct dw_error *e);

/* SMTP TLS reports (sqlite_tls.c), as in store.h. */
enum dw_err sq_tls_put(struct store *st, const struct tlsrpt_report *r,
    const uint8_t sha256[32], bool *dup, struct dw_error *e);
enum dw_err sq_tls_query(struct store *st, const struct store_filter *f,
    enum store_tls_group g, store_tls_cb cb, void *ctx, struct dw_error *e);

/*
 * Helpers of the sources files (sqlite_sources.c): errors naming what
 * failed, preparing, binding (strings copied: SQLITE_TRANSIENT), stepping
 * a write, transactions that nest inside an open one, and the state
 * table's integer values.
 */
enum dw_err sqx_fail(struct store *st, struct dw_error *e, const char *what);
enum dw_err sqx_prepare(struct store *st, const char *sql,
    sqlite3_stmt **s, struct dw_error *e);
void sqx_text(sqlite3_stmt *s, int i, const char *v);
const char *sqx_col(sqlite3_stmt *s, int i);
uint64_t sqx_u64(sqlite3_stmt *s, int i);
enum dw_err sqx_exec(struct store *st, const char *sql, struct dw_error *e);
enum dw_err sqx_done(struct store *st, sqlite3_stmt *s, struct dw_error *e,
    const char *what);
enum dw_err sqx_begin(struct store *st, bool *nested, struct dw_error *e);
enum dw_err sqx_end(struct store *st, bool nested, bool commit,
    struct dw_error *e);
enum dw_err sqx_state_get(struct store *st, const char *key, int64_t *val,
    struct dw_error *e);
enum dw_err sqx_state_set(struct store *st, const char *key, int64_t val,
    struct dw_error *e);

/* Sources (sqlite_sources.c), as in store.h. */
enum dw_err sq_enrich_todo(struct store *st, int64_t now, bool all,
    store_ip_cb cb, void *ctx, int64_t *upto, struct dw_error *e);
enum dw_err sq_enrich_done(struct store *st, int64_t upto,
    struct dw_error *e);
enum dw_err sq_ip_info_put(struct store *st, const struct store_ip_info *v,
    size_t n, struct dw_error *e);
enum dw_err sq_ip_info_get(struct store *st, const char *ip,
    store_ip_info_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_spf_nets_list(struct store *st, store_spf_nets_cb cb,
    void *ctx, struct dw_error *e);
enum dw_err sq_spf_nets_put(struct store *st,
    const struct store_spf_nets *v, struct dw_error *e);

/* Rollups (sqlite_rollup.c) and the inventory (sqlite_inventory.c). */
enum dw_err sq_rollup_begin(struct store *st, struct store_rollup_state *s,
    struct dw_error *e);
enum dw_err sq_rollup_end(struct store *st, bool commit,
    const struct store_rollup_state *s, struct dw_error *e);
enum dw_err sq_rollup_clear(struct store *st, struct dw_error *e);
enum dw_err sq_rollup_dirty(struct store *st, store_dirty_cb cb, void *ctx,
    struct dw_error *e);
enum dw_err sq_rollup_forget(struct store *st, const char *domain,
    int64_t first_day, int64_t last_day, struct dw_error *e);
enum dw_err sq_rollup_scan(struct store *st, const struct store_rollup_scan *q,
    store_rollup_rec_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_rollup_put(struct store *st, const struct store_rollup_batch *b,
    struct dw_error *e);
enum dw_err sq_rollup_query(struct store *st, const struct store_rollup_q *q,
    store_rollup_row_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_rollup_buckets(struct store *st, const char *domain,
    int64_t first_day, int64_t last_day, struct dw_error *e);
enum dw_err sq_report_domains(struct store *st, store_count_cb cb, void *ctx,
    struct dw_error *e);
enum dw_err sq_rollup_last_day(struct store *st, const char *domain,
    int64_t *day, struct dw_error *e);
enum dw_err sq_rollup_reporters(struct store *st,
    const struct store_rollup_q *q, store_reporter_cb cb, void *ctx,
    struct dw_error *e);
enum dw_err sq_policies(struct store *st, const char *domain, int64_t since,
    int64_t until, store_policy_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_report_counts(struct store *st, const struct store_filter *f,
    store_count_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_inventory_get(struct store *st, const char *service,
    store_inventory_cb cb, void *ctx, struct dw_error *e);
enum dw_err sq_inventory_put(struct store *st, const struct store_inventory *v,
    const char *action, const char *detail, struct dw_error *e);
enum dw_err sq_inventory_note(struct store *st, const char *service, int64_t at,
    const char *text, struct dw_error *e);
enum dw_err sq_inventory_events(struct store *st, const char *service,
    store_inv_event_cb cb, void *ctx, struct dw_error *e);

#endif
