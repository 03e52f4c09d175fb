/*
 * metrics.h: the daemon's counters, written by its jobs and the upload
 * handler, read by GET /metrics (Prometheus text format 0.0.4).
 */
#ifndef DW_DAEMON_METRICS_H
#define DW_DAEMON_METRICS_H

#include <stdint.h>
#include <time.h>

#include "base/buf.h"
#include "ingest/ingest.h"

#define METRICS_MAX_JOBS	40	/* jobs plus "upload" */

struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* Registers (or finds) a job by name, e.g. "imap:reports". */
int metrics_job(struct metrics *m, const char *name);
/*
 * A run of job j ended: what it ingested (the difference of two ingest
 * stats), whether it failed, and whether it left inputs waiting.
 */
void metrics_run(struct metrics *m, int j, time_t started,
    const struct ingest_stats *delta, int failed, int left_waiting);
/* Renders every metric at time now. */
enum dw_err metrics_render(struct metrics *m, time_t now, struct buf *out);

/* b - a, field by field. */
void metrics_delta(const struct ingest_stats *a, const struct ingest_stats *b,
    struct ingest_stats *out);

#endif
