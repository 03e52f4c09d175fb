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
store_unit_evidence(struct store *st, enum store_evidence ev,
    struct dw_error *e)
{
	return st->ops->unit_evidence(st, ev, e);
}

enum dw_err
store_failure_put(struct store *st, const struct failure_report *r,
    bool *dup, struct dw_error *e)
{
	return st->ops->failure_put(st, r, dup, e);
}

enum dw_err
store_failures(struct store *st, const struct store_filter *f,
    store_failure_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->failures(st, f, cb, ctx, e);
}

enum dw_err
store_failure_sample(struct store *st, int64_t id, struct buf *out,
    struct dw_error *e)
{
	return st->ops->failure_sample(st, id, out, e);
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

enum dw_err
store_rollup_begin(struct store *st, struct store_rollup_state *s,
    struct dw_error *e)
{
	return st->ops->rollup_begin(st, s, e);
}

enum dw_err
store_rollup_end(struct store *st, bool commit,
    const struct store_rollup_state *s, struct dw_error *e)
{
	return st->ops->rollup_end(st, commit, s, e);
}

enum dw_err
store_rollup_clear(struct store *st, struct dw_error *e)
{
	return st->ops->rollup_clear(st, e);
}

enum dw_err
store_rollup_dirty(struct store *st, store_dirty_cb cb, void *ctx,
    struct dw_error *e)
{
	return st->ops->rollup_dirty(st, cb, ctx, e);
}

enum dw_err
store_rollup_forget(struct store *st, const char *domain, int64_t first_day,
    int64_t last_day, struct dw_error *e)
{
	return st->ops->rollup_forget(st, domain, first_day, last_day, e);
}

enum dw_err
store_rollup_scan(struct store *st, const struct store_rollup_scan *q,
    store_rollup_rec_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->rollup_scan(st, q, cb, ctx, e);
}

enum dw_err
store_rollup_put(struct store *st, const struct store_rollup_batch *b,
    struct dw_error *e)
{
	return st->ops->rollup_put(st, b, e);
}

enum dw_err
store_rollup_query(struct store *st, const struct store_rollup_q *q,
    store_rollup_row_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->rollup_query(st, q, cb, ctx, e);
}

enum dw_err
store_rollup_buckets(struct store *st, const char *domain, int64_t first_day,
    int64_t last_day, struct dw_error *e)
{
	return st->ops->rollup_buckets(st, domain, first_day, last_day, e);
}

enum dw_err
store_report_domains(struct store *st, store_count_cb cb, void *ctx,
    struct dw_error *e)
{
	return st->ops->report_domains(st, cb, ctx, e);
}

enum dw_err
store_rollup_last_day(struct store *st, const char *domain, int64_t *day,
    struct dw_error *e)
{
	return st->ops->rollup_last_day(st, domain, day, e);
}

enum dw_err
store_rollup_reporters(struct store *st, const struct store_rollup_q *q,
    store_reporter_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->rollup_reporters(st, q, cb, ctx, e);
}

enum dw_err
store_policies(struct store *st, const char *domain, int64_t since,
    int64_t until, store_policy_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->policies(st, domain, since, until, cb, ctx, e);
}

enum dw_err
store_report_counts(struct store *st, const struct store_filter *f,
    store_count_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->report_counts(st, f, cb, ctx, e);
}

enum dw_err
store_inventory_get(struct store *st, const char *service,
    store_inventory_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->inventory_get(st, service, cb, ctx, e);
}

enum dw_err
store_inventory_put(struct store *st, const struct store_inventory *v,
    const char *action, const char *detail, struct dw_error *e)
{
	return st->ops->inventory_put(st, v, action, detail, e);
}

enum dw_err
store_inventory_note(struct store *st, const char *service, int64_t at,
    const char *text, struct dw_error *e)
{
	return st->ops->inventory_note(st, service, at, text, e);
}

enum dw_err
store_inventory_events(struct store *st, const char *service,
    store_inv_event_cb cb, void *ctx, struct dw_error *e)
{
	return st->ops->inventory_events(st, service, cb, ctx, e);
}

/* ---- plain helpers of the sources section ---- */

void
store_rollup_q_init(struct store_rollup_q *q)
{
	memset(q, 0, sizeof(*q));
	q->first_day = INT64_MIN;
	q->last_day = INT64_MAX;
}

static const char *const baa_names[] = {
	[BAA_UNKNOWN] = "unknown",
	[BAA_SIGNED] = "signed",
	[BAA_NOT_SIGNED] = "not-signed",
	[BAA_NOT_NEEDED] = "not-needed",
};

const char *
store_baa_name(enum store_baa b)
{
	return (unsigned)b <= BAA_NOT_NEEDED ? baa_names[b] : "unknown";
}

bool
store_baa_parse(const char *s, enum store_baa *out)
{
	int i;

	for (i = BAA_UNKNOWN; i <= BAA_NOT_NEEDED; i++)
		if (strcmp(s, baa_names[i]) == 0) {
			*out = (enum store_baa)i;
			return true;
		}
	return false;
}
