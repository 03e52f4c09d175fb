/*
 * tlsrpt_json.h: SMTP TLS reports (RFC 8460 §4.4) from JSON, with jansson.
 *
 * tlsrpt_json_parse() reads buf[0..len) (borrowed, not NUL-terminated,
 * never written to) and on DW_OK sets *out to a report whose every
 * pointer is owned by arena a, valid until arena_free(a).  On failure e
 * says why, naming the field by its path in the report, e.g.
 * "policies[0].failure-details[2].failed-session-count: -3 is negative",
 * and nothing is returned.
 *
 * What is refused:
 * - anything over a limit below (DW_ELIMIT), checked before jansson
 *   builds a tree for size, nesting and values;
 * - JSON that jansson refuses (DW_ESYNTAX, with line and column): invalid
 *   UTF-8, "\u0000", a lone surrogate escape, NaN, comments, trailing
 *   commas, a number too large for 64 bits or a double, and a key that
 *   occurs twice in one object (JSON_REJECT_DUPLICATES: RFC 8259 §4 leaves
 *   the meaning open, so no choice is made for the reporter);
 * - JSON that has none of the RFC 8460 top-level keys (DW_ENOTREPORT);
 * - a report with a required field missing, null or of the wrong type,
 *   an empty organization-name, report-id, policy-type or result-type, a
 *   count that is negative, not an integer or over TLSRPT_MAX_COUNT, a
 *   date-time that is not RFC 3339 §5.6 (a space or lower-case 't' as
 *   separator, fractions and offsets are fine), an end before the start
 *   or a range over TLSRPT_MAX_RANGE, a policy-domain that is not a
 *   domain name, an IP field that is not an address, or session counts
 *   whose sums pass TLSRPT_MAX_COUNT (DW_ESYNTAX or DW_ELIMIT).
 * Required: organization-name, date-range (start-datetime, end-datetime),
 * report-id, policies (may be empty); in each policy, policy with
 * policy-type, and summary with total-successful-session-count; in each
 * failure detail, result-type.  Everything else is optional.  Keys the
 * parser does not know are ignored, at every level.
 *
 * Accepted with a note (tlsrpt_report.notes): a UTF-8 byte order mark
 * (RFC 8259 §8.1), a date-time without a time zone (taken as UTC:
 * Microsoft's reports have none), a policy without policy-domain (as in
 * some of Google's no-policy-found reports), an mx-host given as a
 * single string (as in RFC 8460's own example), an empty string for an
 * optional IP field (taken as absent), a receiving-mx-hostname that is
 * not a domain name (kept as sent), a summary without
 * total-failure-session-count while failure details have counts (their
 * sum is used), and failure-detail counts that do not add up to
 * total-failure-session-count (both kept as sent).
 */
#ifndef DW_TLSRPT_JSON_H
#define DW_TLSRPT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/err.h"
#include "tlsrpt.h"

#define TLSRPT_MAX_INPUT	((size_t)4 << 20)	/* one document */
#define TLSRPT_MAX_DEPTH	32	/* nesting; a report needs 4 */
#define TLSRPT_MAX_VALUES	500000	/* JSON values in one document */
#define TLSRPT_MAX_POLICIES	10000	/* policies in one report */
#define TLSRPT_MAX_FAILURES	50000	/* failure details, all policies */
#define TLSRPT_MAX_LIST		1000	/* policy-string or mx-host entries */
#define TLSRPT_MAX_TEXT		8192	/* bytes of one string */
#define TLSRPT_MAX_NOTES	32	/* notes kept; more are counted */
/* 2^53 - 1: exact in every JSON implementation (RFC 7493 §2.2). */
#define TLSRPT_MAX_COUNT	INT64_C(9007199254740991)
#define TLSRPT_MAX_RANGE	(366 * INT64_C(86400))	/* date-range */
/* What a parse may allocate from its arena (strings, arrays). */
#define TLSRPT_ARENA_MAX	(4 * TLSRPT_MAX_INPUT)

enum dw_err tlsrpt_json_parse(struct arena *a, const char *buf, size_t len,
    struct tlsrpt_report **out, struct dw_error *e);

/*
 * The report as one line of normalized JSON, appended to out (no
 * newline), for the golden tests and `dmarcward parse --json`: keys in a
 * fixed order, every field present (null when absent), dates as
 * "YYYY-MM-DDTHH:MM:SSZ".  DW_ELIMIT when out's cap is hit.
 *
 * {"organization-name","contact-info","report-id","start-datetime",
 * "end-datetime","successful","failed","policies":[{"policy-type",
 * "policy-domain","policy-string","mx-host","successful","failed",
 * "failure-details":[{"result-type","sending-mta-ip",
 * "receiving-mx-hostname","receiving-mx-helo","receiving-ip",
 * "failed-session-count","additional-information",
 * "failure-reason-code"}]}],"notes":[...]}
 */
enum dw_err tlsrpt_json_dump(const struct tlsrpt_report *r,
    struct buf *out);

#endif
