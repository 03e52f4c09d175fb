/*
 * writer.h: the store on a thread of its own, so parsing and storing run
 * on two cores.
 *
 * The calls mirror the store's unit and report API (store.h).  Those that
 * answer a question (is this unit or report a duplicate?) and those that
 * end something are synchronous: they wait for the writer thread and
 * return its result.  Raw bytes and records are copied into a bounded
 * queue and return at once; an error in one of them is sticky, returned by
 * every later call until the report or unit ends, so the parser stops
 * early and the synchronous end call reports it.
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
#include "../report/report.h"

#define WRITER_CHUNK	(256 * 1024)	/* bytes per queue chunk */
#define WRITER_QUEUE	16		/* chunks in flight at most */

struct store;
struct writer;

/* st is borrowed and used only by the writer thread until writer_free. */
enum dw_err writer_new(struct store *st, struct writer **out,
    struct dw_error *e);
void writer_free(struct writer *w);	/* waits for the queue to drain */

enum dw_err writer_unit_begin(struct writer *w, const char *name,
    const uint8_t sha256[32], uint64_t size, bool *dup, struct dw_error *e);
enum dw_err writer_unit_raw(struct writer *w, const void *p, size_t n,
    struct dw_error *e);
enum dw_err writer_unit_end(struct writer *w, bool commit,
    struct dw_error *e);
enum dw_err writer_report_begin(struct writer *w, const struct agg_report *r,
    bool *dup, struct dw_error *e);
enum dw_err writer_report_record(struct writer *w,
    const struct agg_record *rec, struct dw_error *e);
enum dw_err writer_report_end(struct writer *w, bool commit,
    uint64_t records, uint64_t messages, struct dw_error *e);

#endif
