/*
 * metrics.c: counters under one mutex.
 *
 * Queue lag, per job, is how old the oldest input still waiting may be:
 * the time since the start of the last run that finished with nothing
 * left waiting (a failed run or one stopped by max_messages leaves the
 * clock running).  0 before the first run.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

struct job {
	char		 name[128];
	uint64_t	 runs, failures;
	uint64_t	 reports_new, reports_dup, rejected;
	uint64_t	 inputs, records, messages;
	uint64_t	 tls_new, tls_dup;	/* SMTP TLS reports */
	uint64_t	 failures_new, failures_dup;	/* failure reports */
	time_t		 last_success;	/* end of the last good run */
	time_t		 caught_up;	/* start of the last complete run */
};

struct metrics {
	pthread_mutex_t	 mu;
	struct job	 jobs[METRICS_MAX_JOBS];
	int		 njobs;
	time_t		 started;
};

struct metrics *
metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	pthread_mutex_init(&m->mu, NULL);
	m->started = time(NULL);
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m);
}

int
metrics_job(struct metrics *m, const char *name)
{
	int i;

	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->njobs; i++)
		if (strcmp(m->jobs[i].name, name) == 0)
			goto out;
	if (m->njobs == METRICS_MAX_JOBS) {
		i = -1;
		goto out;
	}
	i = m->njobs++;
	snprintf(m->jobs[i].name, sizeof(m->jobs[i].name), "%s", name);
out:
	pthread_mutex_unlock(&m->mu);
	return i;
}

void
metrics_delta(const struct ingest_stats *a, const struct ingest_stats *b,
    struct ingest_stats *out)
{
	out->inputs = b->inputs - a->inputs;
	out->bytes = b->bytes - a->bytes;
	out->reports_new = b->reports_new - a->reports_new;
	out->reports_dup = b->reports_dup - a->reports_dup;
	out->inputs_dup = b->inputs_dup - a->inputs_dup;
	out->rejected = b->rejected - a->rejected;
	out->repaired = b->repaired - a->repaired;
	out->records = b->records - a->records;
	out->messages = b->messages - a->messages;
	out->tls_new = b->tls_new - a->tls_new;
	out->tls_dup = b->tls_dup - a->tls_dup;
	out->failures_new = b->failures_new - a->failures_new;
	out->failures_dup = b->failures_dup - a->failures_dup;
}

void
metrics_run(struct metrics *m, int j, time_t started,
    const struct ingest_stats *d, int failed, int left_waiting)
{
	struct job *jb;

	if (j < 0)
		return;
	pthread_mutex_lock(&m->mu);
	jb = &m->jobs[j];
	jb->runs++;
	jb->reports_new += d->reports_new;
	jb->reports_dup += d->reports_dup;
	jb->failures_new += d->failures_new;
	jb->failures_dup += d->failures_dup;
	jb->rejected += d->rejected;
	jb->inputs += d->inputs;
	jb->records += d->records;
	jb->messages += d->messages;
	jb->tls_new += d->tls_new;
	jb->tls_dup += d->tls_dup;
	if (failed) {
		jb->failures++;
	} else {
		jb->last_success = time(NULL);
		if (!left_waiting)
			jb->caught_up = started;
	}
	if (jb->caught_up == 0)
		jb->caught_up = started;
	pthread_mutex_unlock(&m->mu);
}

struct family {
	const char	*name;
	const char	*type;
	const char	*help;
	size_t		 off;		/* of a uint64_t in struct job */
	size_t		 tls_off;	/* by kind: the SMTP TLS count too */
	size_t		 failure_off;	/* and the failure report one */
};

static const struct family families[] = {
	{ "dmarcward_reports_ingested_total", "counter",
	    "Reports stored, by job and kind.",
	    offsetof(struct job, reports_new), offsetof(struct job, tls_new),
	    offsetof(struct job, failures_new) },
	{ "dmarcward_reports_duplicate_total", "counter",
	    "Reports already stored, by job and kind.",
	    offsetof(struct job, reports_dup), offsetof(struct job, tls_dup),
	    offsetof(struct job, failures_dup) },
	{ "dmarcward_inputs_rejected_total", "counter",
	    "Inputs (files, messages, uploads) or reports rejected, by job.",
	    offsetof(struct job, rejected) },
	{ "dmarcward_inputs_total", "counter",
	    "Inputs read, by job.", offsetof(struct job, inputs) },
	{ "dmarcward_records_ingested_total", "counter",
	    "Aggregate report records stored, by job.",
	    offsetof(struct job, records) },
	{ "dmarcward_job_runs_total", "counter",
	    "Runs of each job.", offsetof(struct job, runs) },
	{ "dmarcward_job_failures_total", "counter",
	    "Runs that failed (network, login, store).",
	    offsetof(struct job, failures) },
};

/* The lines of family f for job jb: one, or one by kind. */
static enum dw_err
render_job(struct buf *o, const struct family *f, const struct job *jb)
{
	static const char *const kinds[] = { "aggregate", "tls", "failure" };
	const size_t offs[] = { f->off, f->tls_off, f->failure_off };
	enum dw_err err = DW_OK;
	size_t k;

	if (f->tls_off == 0)
		return buf_printf(o, "%s{job=\"%s\"} %llu\n", f->name,
		    jb->name, (unsigned long long)*(const uint64_t *)
		    ((const char *)jb + f->off));
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		err |= buf_printf(o, "%s{job=\"%s\",kind=\"%s\"} %llu\n",
		    f->name, jb->name, kinds[k], (unsigned long long)
		    *(const uint64_t *)((const char *)jb + offs[k]));
	return err;
}

enum dw_err
metrics_render(struct metrics *m, time_t now, struct buf *o)
{
	const struct family *f;
	size_t i;
	int j;
	enum dw_err err = DW_OK;

	pthread_mutex_lock(&m->mu);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		f = &families[i];
		err |= buf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", f->name,
		    f->help, f->name, f->type);
		for (j = 0; j < m->njobs; j++)
			err |= render_job(o, f, &m->jobs[j]);
	}
	err |= buf_printf(o, "# HELP dmarcward_last_success_timestamp_seconds"
	    " End of the last successful run (fetch, scan), by job.\n"
	    "# TYPE dmarcward_last_success_timestamp_seconds gauge\n");
	for (j = 0; j < m->njobs; j++)
		err |= buf_printf(o, "dmarcward_last_success_timestamp_seconds"
		    "{job=\"%s\"} %lld\n", m->jobs[j].name,
		    (long long)m->jobs[j].last_success);
	err |= buf_printf(o, "# HELP dmarcward_queue_lag_seconds How old the "
	    "oldest input still waiting may be, by job.\n"
	    "# TYPE dmarcward_queue_lag_seconds gauge\n");
	for (j = 0; j < m->njobs; j++)
		err |= buf_printf(o, "dmarcward_queue_lag_seconds{job=\"%s\"} "
		    "%lld\n", m->jobs[j].name, m->jobs[j].caught_up == 0 ? 0 :
		    (long long)(now - m->jobs[j].caught_up));
	err |= buf_printf(o, "# HELP dmarcward_start_time_seconds When the "
	    "daemon started.\n# TYPE dmarcward_start_time_seconds gauge\n"
	    "dmarcward_start_time_seconds %lld\n", (long long)m->started);
	pthread_mutex_unlock(&m->mu);
	return err != DW_OK ? DW_ENOMEM : DW_OK;
}
