/*
 * store.c: the store interface.  Picks the backend from the path and
 * forwards every call to its ops (store_int.h).
 */
#include <string.h>

#include "store_int.h"

static bool
is_pg_uri(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0;
}

static enum dw_err
open_any(const char *path, bool ro, struct store **out, struct dw_error *e)
{
	*out = NULL;
	if (path == NULL || *path == '\0')
		return dw_fail(e, DW_EINVAL, "store path is empty");
	if (is_pg_uri(path))
		return dw_fail(e, DW_EUNSUPPORTED, "%s: this build has no "
		    "PostgreSQL backend; use a file name for SQLite", path);
	return store_sqlite_open(path, ro, out, e);
}

enum dw_err
store_open(const char *path, struct store **out, struct dw_error *e)
{
	return open_any(path, false, out, e);
}

enum dw_err
store_open_ro(const char *path, struct store **out, struct dw_error *e)
{
	return open_any(path, true, out, e);
}

void
store_close(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

enum dw_err
store_unit_begin(struct store *st, const char *name,
    const uint8_t sha256[32], uint64_t size, bool *dup, struct dw_error *e)
{
	return st->ops->unit_begin(st, name, sha256, size, dup, e);
}

enum dw_err
store_unit_known(struct store *st, const uint8_t sha256[32], bool *known,
    struct dw_error *e)
{
	return st->ops->unit_known(st, sha256, known, e);
}

enum dw_err
store_unit_raw(struct store *st, const void *p, size_t n, struct dw_error *e)
{
	return st->ops->unit_raw(st, p, n, e);
}

enum dw_err
store_unit_end(struct store *st, bool commit, struct dw_error *e)
{
	return st->ops->unit_end(st, commit, e);
}

enum dw_err
store_flush(struct store *st, struct dw_error *e)
{
	return st->ops->flush(st, e);
}

enum dw_err
store_report_begin(struct store *st, const struct agg_report *r, bool *dup,
    struct dw_error *e)
{
	return st->ops->report_begin(st, r, dup, e);
}

enum dw_err
store_report_record(struct store *st, const struct agg_record *rec,
    struct dw_error *e)
{
	return st->ops->report_record(st, rec, e);
}

enum dw_err
store_report_end(struct store *st, bool commit, uint64_t records,
    uint64_t messages, struct dw_error *e)
{
	return st->ops->report_end(st, commit, records, messages, e);
}

enum dw_err
store_mailbox_get(struct store *st, const char *key, struct store_mailbox *m,
    bool *found, struct dw_error *e)
{
	return st->ops->mailbox_get(st, key, m, found, e);
}

enum dw_err
store_mailbox_put(struct store *st, const char *key,
    const struct store_mailbox *m, const struct store_move *mv, size_t n,
    struct dw_error *e)
{
	return st->ops->mailbox_put(st, key, m, mv, n, e);
}

enum dw_err
store_mailbox_moves(struct store *st, const char *key, store_move_cb cb,
    void *ctx, struct dw_error *e)
{
	return st->ops->mailbox_moves(st, key, cb, ctx, e);
}

enum dw_err
store_mailbox_moved(struct store *st, const char *key, uint32_t uid,
    struct dw_error *e)
{
	return st->ops->mailbox_moved(st, key, uid, e);
}

enum dw_err
store_check_put(struct store *st, const struct store_check *c,
    const struct store_dns_record *recs, size_t n, store_change_cb cb,
    void *ctx, struct dw_error *e)
{
	return st->ops->check_put(st, c, recs, n, cb, ctx, e);
}

enum dw_err
store_dns_history(struct store *st, const char *domain, store_change_cb cb,
    void *ctx, uint64_t *nruns, struct dw_error *e)
{
	return st->ops->dns_history(st, domain, cb, ctx, nruns, e);
}

enum dw_err
store_events(struct store *st, const char *domain, int64_t after,
    store_event_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->events(st, domain, after, cb, ctx, e);
}

enum dw_err
store_summary(struct store *st, const struct store_filter *f,
    store_summary_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->summary(st, f, cb, ctx, e);
}

enum dw_err
store_top_sources(struct store *st, const struct store_filter *f,
    bool failing, unsigned n, store_source_cb cb, void *ctx,
    struct dw_error *e)
{
	return st->ops->top_sources(st, f, failing, n, cb, ctx, e);
}

enum dw_err
store_export(struct store *st, const struct store_filter *f, store_row_cb cb,
    void *ctx, struct dw_error *e)
{
	return st->ops->export(st, f, cb, ctx, e);
}

enum dw_err
store_tls_put(struct store *st, const struct tlsrpt_report *r,
    const uint8_t sha256[32], bool *dup, struct dw_error *e)
{
	return st->ops->tls_put(st, r, sha256, dup, e);
}

enum dw_err
store_tls_query(struct store *st, const struct store_filter *f,
    enum store_tls_group g, store_tls_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->tls_query(st, f, g, cb, ctx, e);
}

/* ---- sources (migration 0005) ---- */

enum dw_err
store_enrich_todo(struct store *st, int64_t now, bool all, store_ip_cb cb,
    void *ctx, int64_t *upto, struct dw_error *e)
{
	return st->ops->enrich_todo(st, now, all, cb, ctx, upto, e);
}

enum dw_err
store_enrich_done(struct store *st, int64_t upto, struct dw_error *e)
{
	return st->ops->enrich_done(st, upto, e);
}

enum dw_err
store_ip_info_put(struct store *st, const struct store_ip_info *v, size_t n,
    struct dw_error *e)
{
	return st->ops->ip_info_put(st, v, n, e);
}

enum dw_err
store_ip_info_get(struct store *st, const char *ip, store_ip_info_cb cb,
    void *ctx, struct dw_error *e)
{
	return st->ops->ip_info_get(st, ip, cb, ctx, e);
}

enum dw_err
store_spf_nets_list(struct store *st, store_spf_nets_cb cb, void *ctx,
    struct dw_error *e)
{
	return st->ops->spf_nets_list(st, cb, ctx, e);
}

enum dw_err
store_spf_nets_put(struct store *st, const struct store_spf_nets *v,
    struct dw_error *e)
{
	return st->ops->spf_nets_put(st, v, e);
}
