/*
 * store_int.h: what a store backend implements.  Not for callers of the
 * store: they use store.h, whose functions check nothing and forward to
 * the ops of the backend that opened the store.
 *
 * A backend's handle starts with a struct store, so store.c can find the
 * ops; the backend casts the handle back to its own type.
 */
#ifndef DW_STORE_INT_H
#define DW_STORE_INT_H

#include "store.h"

struct store_ops {
	const char	*name;
	void	(*close)(struct store *);
	enum dw_err (*unit_begin)(struct store *, const char *,
	    const uint8_t [32], uint64_t, bool *, struct dw_error *);
	enum dw_err (*unit_known)(struct store *, const uint8_t [32], bool *,
	    struct dw_error *);
	enum dw_err (*unit_raw)(struct store *, const void *, size_t,
	    struct dw_error *);
	enum dw_err (*unit_end)(struct store *, bool, struct dw_error *);
	enum dw_err (*flush)(struct store *, struct dw_error *);
	enum dw_err (*report_begin)(struct store *, const struct agg_report *,
	    bool *, struct dw_error *);
	enum dw_err (*report_record)(struct store *,
	    const struct agg_record *, struct dw_error *);
	enum dw_err (*report_end)(struct store *, bool, uint64_t, uint64_t,
	    struct dw_error *);
	enum dw_err (*unit_evidence)(struct store *, enum store_evidence,
	    struct dw_error *);
	enum dw_err (*failure_put)(struct store *,
	    const struct failure_report *, bool *, struct dw_error *);
	enum dw_err (*failures)(struct store *, const struct store_filter *,
	    store_failure_cb, void *, struct dw_error *);
	enum dw_err (*failure_sample)(struct store *, int64_t, struct buf *,
	    struct dw_error *);
	enum dw_err (*mailbox_get)(struct store *, const char *,
	    struct store_mailbox *, bool *, struct dw_error *);
	enum dw_err (*mailbox_put)(struct store *, const char *,
	    const struct store_mailbox *, const struct store_move *, size_t,
	    struct dw_error *);
	enum dw_err (*mailbox_moves)(struct store *, const char *,
	    store_move_cb, void *, struct dw_error *);
	enum dw_err (*mailbox_moved)(struct store *, const char *, uint32_t,
	    struct dw_error *);
	enum dw_err (*check_put)(struct store *, const struct store_check *,
	    const struct store_dns_record *, size_t, store_change_cb, void *,
	    struct dw_error *);
	enum dw_err (*dns_history)(struct store *, const char *,
	    store_change_cb, void *, uint64_t *, struct dw_error *);
	enum dw_err (*events)(struct store *, const char *, int64_t,
	    store_event_cb, void *, struct dw_error *);
	enum dw_err (*summary)(struct store *, const struct store_filter *,
	    store_summary_cb, void *, struct dw_error *);
	enum dw_err (*top_sources)(struct store *, const struct store_filter *,
	    bool, unsigned, store_source_cb, void *, struct dw_error *);
	enum dw_err (*export)(struct store *, const struct store_filter *,
	    store_row_cb, void *, struct dw_error *);
	/* SMTP TLS reports */
	enum dw_err (*tls_put)(struct store *, const struct tlsrpt_report *,
	    const uint8_t [32], bool *, struct dw_error *);
	enum dw_err (*tls_query)(struct store *, const struct store_filter *,
	    enum store_tls_group, store_tls_cb, void *, struct dw_error *);
	/* sources (migration 0005) */
	enum dw_err (*enrich_todo)(struct store *, int64_t, bool, store_ip_cb,
	    void *, int64_t *, struct dw_error *);
	enum dw_err (*enrich_done)(struct store *, int64_t,
	    struct dw_error *);
	enum dw_err (*ip_info_put)(struct store *,
	    const struct store_ip_info *, size_t, struct dw_error *);
	enum dw_err (*ip_info_get)(struct store *, const char *,
	    store_ip_info_cb, void *, struct dw_error *);
	enum dw_err (*spf_nets_list)(struct store *, store_spf_nets_cb,
	    void *, struct dw_error *);
	enum dw_err (*spf_nets_put)(struct store *,
	    const struct store_spf_nets *, struct dw_error *);
	enum dw_err (*rollup_begin)(struct store *, struct store_rollup_state *,
	    struct dw_error *);
	enum dw_err (*rollup_end)(struct store *, bool,
	    const struct store_rollup_state *, struct dw_error *);
	enum dw_err (*rollup_clear)(struct store *, struct dw_error *);
	enum dw_err (*rollup_dirty)(struct store *, store_dirty_cb, void *,
	    struct dw_error *);
	enum dw_err (*rollup_forget)(struct store *, const char *, int64_t,
	    int64_t, struct dw_error *);
	enum dw_err (*rollup_scan)(struct store *,
	    const struct store_rollup_scan *, store_rollup_rec_cb, void *,
	    struct dw_error *);
	enum dw_err (*rollup_put)(struct store *,
	    const struct store_rollup_batch *, struct dw_error *);
	enum dw_err (*rollup_query)(struct store *,
	    const struct store_rollup_q *, store_rollup_row_cb, void *,
	    struct dw_error *);
	enum dw_err (*rollup_buckets)(struct store *, const char *, int64_t,
	    int64_t, struct dw_error *);
	enum dw_err (*report_domains)(struct store *, store_count_cb, void *,
	    struct dw_error *);
	enum dw_err (*rollup_last_day)(struct store *, const char *,
	    int64_t *, struct dw_error *);
	enum dw_err (*rollup_reporters)(struct store *,
	    const struct store_rollup_q *, store_reporter_cb, void *,
	    struct dw_error *);
	enum dw_err (*policies)(struct store *, const char *, int64_t, int64_t,
	    store_policy_cb, void *, struct dw_error *);
	enum dw_err (*report_counts)(struct store *,
	    const struct store_filter *, store_count_cb, void *,
	    struct dw_error *);
	enum dw_err (*inventory_get)(struct store *, const char *,
	    store_inventory_cb, void *, struct dw_error *);
	enum dw_err (*inventory_put)(struct store *,
	    const struct store_inventory *, const char *, const char *,
	    struct dw_error *);
	enum dw_err (*inventory_note)(struct store *, const char *, int64_t,
	    const char *, struct dw_error *);
	enum dw_err (*inventory_events)(struct store *, const char *,
	    store_inv_event_cb, void *, struct dw_error *);
};

struct store {
	const struct store_ops	*ops;
};

/* The SQLite backend: path is a file name; ro opens an existing store. */
enum dw_err store_sqlite_open(const char *path, bool ro, struct store **out,
    struct dw_error *e);

#endif
