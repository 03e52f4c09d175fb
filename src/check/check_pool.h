/*
 * check_pool.h: worker threads for the blocking parts of a check (the
 * MTA-STS policy fetch, the SMTP probes), so that one slow server does
 * not hold up the other domains.
 *
 * A job is a struct the caller embeds struct check_job in.  run() is
 * called on a worker thread and must touch only what the job owns (its
 * own arena, its options, its result); done() is called later on the
 * thread that calls check_pool_poll(), in the order jobs finished, and
 * may submit more jobs.  The pool borrows the job from check_pool_submit()
 * until done() has been called.
 */
#ifndef DW_CHECK_POOL_H
#define DW_CHECK_POOL_H

#include <stddef.h>

#include "base/err.h"

struct check_job {
	void		(*run)(struct check_job *j);
	void		(*done)(struct check_job *j);
	struct check_job *next;		/* the pool's */
};

struct check_pool;

/* At most nthreads workers, started as jobs come. */
struct check_pool *check_pool_new(size_t nthreads);
/* Stops the workers and waits for them; jobs not yet run are never run
 * and their done() never called.  check_pool_free(NULL) is a no-op. */
void check_pool_free(struct check_pool *p);
/* Queues j; DW_ENOMEM when no worker could be started at all. */
enum dw_err check_pool_submit(struct check_pool *p, struct check_job *j);
/*
 * Calls done() of the finished jobs; when none had finished and jobs are
 * queued or running, first waits up to timeout_ms (-1: until one
 * finishes).  Returns the jobs submitted whose done() has not run.
 */
size_t check_pool_poll(struct check_pool *p, int timeout_ms);

#endif
