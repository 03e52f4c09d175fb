/*
 * check_store.h: a check's result kept in the store's posture history
 * (the records it saw, its grade and finding ids), for dmarcward check
 * and the daemon's scheduled checks alike.
 */
#ifndef DW_CHECK_STORE_H
#define DW_CHECK_STORE_H

#include "check.h"
#include "store/store.h"

/* Stores r (status CHECK_DONE); cb gets every change from the last check. */
enum dw_err check_store(struct store *st, const struct check_result *r,
    store_change_cb cb, void *ctx, struct dw_error *e);

/*
 * A check_prev_fn (check_net.h) reading the history of store arg: the
 * newest value stored for (kind, name) of domain and its time.
 */
enum dw_err check_store_prev(void *arg, struct arena *a,
    const char *domain, const char *kind, const char *name,
    const char **value, int64_t *at);

#endif
