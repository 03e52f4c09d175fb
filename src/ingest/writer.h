/*
 * writer.h: the store on a thread of its own, so parsing and storing run
 * on two cores without waiting for each other.
 *
 * The calls mirror the store's unit and report API (store.h), and none of
 * them waits for the store: each is copied into a bounded queue and
 * returns at once.  The writer thread decides what the parser cannot know
 * in advance: a unit whose bytes are already stored is skipped, a report
 * already stored is counted as a duplicate and its records are dropped,
 * and a unit is kept only when it brought a new report.  What it decided
 * is summed in a tally (writer_tally).
 *
 * A store failure is sticky: every later call returns it, and the caller
 * stops.  writer_drain waits until everything queued is applied.
 *
 * Everything passed in is borrowed for the duration of the call only.
 * Only one thread may call a writer.
 */
#ifndef DW_WRITER_H
#define DW_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../report/failure.h"
#include "../report/report.h"
#include "../report/tlsrpt.h"
#include "../store/store.h"

#define WRITER_CHUNK	(256 * 1024)	/* bytes per queue chunk */
#define WRITER_QUEUE	16		/* chunks in flight at most */
#define WRITER_WHOLE_MAX (128 * 1024)	/* writer_unit_whole, at most */

struct writer;

/* What the writer thread decided, over the units it finished. */
struct writer_tally {
	uint64_t	 inputs_dup;	/* units whose bytes were stored */
	uint64_t	 reports_new;
	uint64_t	 reports_dup;
	uint64_t	 repaired;	/* new reports that needed a repair */
	uint64_t	 records;	/* of new reports */
	uint64_t	 messages;
	uint64_t	 failures_new;	/* failure reports */
	uint64_t	 failures_dup;
	uint64_t	 tls_new;	/* SMTP TLS reports */
	uint64_t	 tls_dup;
};

/* st is borrowed and used only by the writer thread until writer_free. */
enum dw_err writer_new(struct store *st, struct writer **out,
    struct dw_error *e);
/* Waits until everything queued is applied; returns a store failure. */
enum dw_err writer_drain(struct writer *w, struct dw_error *e);
void writer_tally(struct writer *w, struct writer_tally *t);
void writer_free(struct writer *w);	/* drains first; NULL is a no-op */

enum dw_err writer_unit_begin(struct writer *w, const char *name,
    const uint8_t sha256[32], uint64_t size, struct dw_error *e);
/*
 * Begins a unit and passes all of its raw bytes, p[0..n) with n at most
 * WRITER_WHOLE_MAX, in one step.  The writer hashes them itself, so the
 * caller need not: for a small input the store thread has the time to
 * spare and the parsing thread has not.
 */
enum dw_err writer_unit_whole(struct writer *w, const char *name,
    const void *p, size_t n, struct dw_error *e);
enum dw_err writer_unit_raw(struct writer *w, const void *p, size_t n,
    struct dw_error *e);
/* ok false: the container broke, so every report of the unit goes. */
enum dw_err writer_unit_end(struct writer *w, bool ok, struct dw_error *e);
enum dw_err writer_report_begin(struct writer *w, const struct agg_report *r,
    struct dw_error *e);
enum dw_err writer_report_record(struct writer *w,
    const struct agg_record *rec, struct dw_error *e);
/* commit false: the report failed to parse; what was queued goes. */
enum dw_err writer_report_end(struct writer *w, bool commit,
    uint64_t records, uint64_t messages, struct dw_error *e);
/* The unit's evidence (store_unit_evidence), before any raw bytes. */
enum dw_err writer_unit_evidence(struct writer *w, enum store_evidence ev,
    struct dw_error *e);
/*
 * Stores a failure report in the unit (store_failure_put); a unit that
 * holds a new one is kept.  Waits for the writer: r need not outlive
 * the call.
 */
enum dw_err writer_failure_put(struct writer *w,
    const struct failure_report *r, struct dw_error *e);
/*
 * A whole SMTP TLS report (sha256: of its JSON document) for the current
 * unit.  This one waits until the writer has stored it, so r may live in
 * the caller's arena: TLS reports are few (one per reporter, domain and
 * day) and small next to aggregate records, and a report of up to
 * TLSRPT_MAX_FAILURES details would not fit a queue chunk.
 */
enum dw_err writer_tls_report(struct writer *w, const struct tlsrpt_report *r,
    const uint8_t sha256[32], struct dw_error *e);

#endif
