/*
 * rollup.h: the daily rollups that report, sources and readiness read,
 * kept up to date incrementally.
 *
 * Every record is classified (classify.h) with the address entry that
 * enrichment left for its source, and its count is added to:
 *   rollup_day       policy domain, day, From domain, service, shape:
 *                    messages, DMARC pass, aligned SPF and DKIM, any
 *                    SPF and DKIM pass, the reporter's own verdict,
 *                    dispositions;
 *   rollup_ip        policy domain, service, day, source address;
 *   rollup_reporter  policy domain, day, reporter;
 *   rollup_bucket    rollup_day summed over 32 days, for long windows;
 *   ip_seen          the first and last day of each address per domain.
 * A record's day is the UTC day of its report's midpoint (a report runs
 * from begin to end; most cover one day, some start late the day before).
 *
 * How a refresh stays incremental:
 *   - records are only ever appended, so the store remembers the last
 *     record id rolled up; a refresh adds the records after it;
 *   - when enrichment changes what classification reads of an address
 *     that already counts (a PTR name appears or changes, an SPF network
 *     moves), the store marks the days that address counts on
 *     (rollup_dirty); a refresh removes those days of that domain and
 *     adds their records again;
 *   - when the catalog changed (another digest), or this code rolls up
 *     differently (ROLLUP_FORMAT), everything is rebuilt.
 * The buckets of every day a refresh added to or removed are summed
 * again from rollup_day at its end.  A refresh is one transaction: an
 * interrupted one leaves the rollups as they were, and the next one
 * does the work.  The inventory (approved or not) is not part of the
 * rollups: it is applied when they are read, so approving a service
 * changes nothing here.
 *
 * A record whose count is over ROLLUP_SUSPECT_COUNT is not added to the
 * figures: no real sender's mail to one receiver in one report comes
 * near it, and one forged report must not outweigh a domain's real mail
 * (ADVERSARIAL.md C4).  It is counted as suspect for its reporter.
 */
#ifndef DW_ROLLUP_H
#define DW_ROLLUP_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/classify.h"
#include "store/store.h"

/* Raise when classification or the rollups' meaning changes: stores
 * rolled up by another format are rebuilt. */
#define ROLLUP_FORMAT		2
#define ROLLUP_SUSPECT_COUNT	50000000ULL
#define ROLLUP_FLUSH_SLOTS	262144	/* sums held before writing */
#define ROLLUP_ARENA_MAX	((size_t)256 << 20)
#define ROLLUP_SECONDS_PER_DAY	86400
#define ROLLUP_REPORT_DAYS_MAX	366	/* agg_xml.h: longest report */

struct rollup_stats {
	uint64_t	 records;	/* read */
	uint64_t	 messages;	/* added */
	uint64_t	 suspect_records;
	uint64_t	 suspect_messages;
	uint64_t	 dirty_ranges;	/* day ranges recomputed */
	bool		 rebuilt;	/* from the first record */
};

/* Everything borrowed. */
struct rollup_opts {
	struct store		*st;
	const struct catalog	*cat;
	const struct orgdomain	*od;
};

enum dw_err rollup_refresh(const struct rollup_opts *o,
    struct rollup_stats *stats, struct dw_error *e);

/* The day of a report's records. */
int64_t rollup_day_of(int64_t begin, int64_t end);

#endif
