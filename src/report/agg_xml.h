/*
 * agg_xml.h: streaming parser for DMARC aggregate reports (expat).
 *
 * The document is pushed in pieces with agg_xml_feed(); the parser never
 * builds a tree.  Once report_metadata and policy_published are complete it
 * calls sink->report() exactly once, then sink->record() for every record in
 * document order (records that arrive before the header are held, within
 * the limits, and delivered after it).  Every pointer passed to a callback
 * is arena-owned by the parser and valid only during that callback: a sink
 * copies what it keeps.  A callback returning an error stops the parse with
 * that error.
 *
 * A document with a DOCTYPE, that is not well-formed, that is not a DMARC
 * aggregate report, or that passes a limit fails as a whole; the sink has
 * then seen part of it and must discard what it got (the store rolls the
 * report back).
 *
 * What a report must have (else DW_ESYNTAX naming the part):
 * report_metadata with report_id, org_name (may be empty) and date_range
 * with begin and end; policy_published with a valid domain; in every
 * record a row with source_ip and count.  Everything else is optional and
 * NULL when absent: a record without policy_evaluated (or without one of
 * its parts) is kept with disposition, dkim and spf NULL, a record without
 * identifiers has header_from NULL.  A report with no record is valid.
 * report_metadata, policy_published and every element that is not a list
 * (all but record, error, reason and the dkim and spf auth results) may
 * occur once: a second one rejects the report, nothing is merged.
 * Elements the parser does not know, and elements in a namespace other
 * than none, RFC 9990's and the obsolete http://dmarc.org/dmarc-xml/0.1,
 * are skipped with their subtree (extensions, lang attributes, ...).
 *
 * The schema: RFC 9990 when the root is in its namespace; the draft when
 * it is in the dmarc.org namespace, or in none and has no <version>;
 * RFC 7489 otherwise.
 *
 * Encodings: what expat knows (UTF-8, UTF-16 with a BOM, ISO-8859-1,
 * US-ASCII) and windows-1252, converted by table; any other declared
 * encoding is an error.  Strings reaching the sink are valid UTF-8.
 * Besides the limits below, one markup token (a start tag, a comment) may
 * not pass 2 * AGG_MAX_TEXT bytes, nor one attribute value AGG_MAX_TEXT,
 * one record's strings 64 MiB, records held before the header 64 MiB.
 */
#ifndef DW_AGG_XML_H
#define DW_AGG_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "report.h"

#define AGG_MAX_DEPTH		32	/* DESIGN.md: XML depth */
#define AGG_MAX_TEXT		(64 * 1024)	/* one element's text */
#define AGG_MAX_RECORDS		5000000	/* records in one report */
#define AGG_MAX_AUTH		100	/* auth results in one record */
#define AGG_MAX_REASONS		100	/* override reasons in one record */
#define AGG_MAX_ERRORS		100	/* report_metadata/error elements */
#define AGG_MAX_ELEMENTS	((uint64_t)200000000)	/* elements in all */

struct agg_sink {
	void	*ctx;
	enum dw_err (*report)(void *ctx, const struct agg_report *r);
	enum dw_err (*record)(void *ctx, const struct agg_record *rec);
};

struct agg_stats {
	uint64_t	 records;
	uint64_t	 messages;	/* sum of count, overflow-checked */
};

struct agg_xml;

struct agg_xml *agg_xml_new(const struct agg_sink *sink);
void agg_xml_free(struct agg_xml *p);	/* NULL is a no-op */
/*
 * Feeds buf[0..len) (not NUL-terminated; never written to).  final is true
 * on the last call, which may have len 0.  On failure e says why, e.g.
 * "line 12, column 3: mismatched tag" or "root element is <rss>, not
 * <feedback>".
 */
enum dw_err agg_xml_feed(struct agg_xml *p, const char *buf, size_t len,
    bool final, struct dw_error *e);
/* Valid after a successful final feed. */
void agg_xml_stats(const struct agg_xml *p, struct agg_stats *st);

/*
 * The bounded repairs of faults real reporters are known to send (see
 * agg_repair.c for the list).  doc[0..len) is a document that failed to
 * parse (borrowed); out was set up by the caller with buf_init() and its
 * cap bounds the result.  On DW_OK *out holds the repaired document
 * (caller frees with buf_fini) and note a description of what was changed,
 * e.g. "escaped 2 stray '<' in element text".  Returns DW_ENOTFOUND when
 * no known repair applies (or len is over AGG_REPAIR_MAX), DW_ELIMIT when
 * the repaired document would pass out's cap.
 */
struct buf;
enum dw_err agg_repair(const char *doc, size_t len, struct buf *out,
    char *note, size_t notesz);
#define AGG_REPAIR_MAX	(4 * 1024 * 1024)	/* larger: no repair */

/*
 * Internal to agg_xml.c and agg_repair.c: Windows-1252 bytes 0x80..0x9f as
 * Unicode code points, 0 for the five bytes it leaves undefined.
 */
extern const uint16_t agg_cp1252_hi[32];

#endif
