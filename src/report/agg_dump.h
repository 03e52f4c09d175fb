/*
 * agg_dump.h: a parsed report as normalized JSON, one line per object, for
 * the golden tests and `dmarcward parse --json`.
 *
 * Keys come in a fixed order, absent values are null, strings are escaped
 * per RFC 8259 (the input is valid UTF-8, which is kept as is).  Both
 * functions borrow their argument and append to out (no newline); on
 * failure (out's cap) out may hold part of the object.
 *
 * Report: {"schema","version","org_name","email","extra_contact_info",
 * "report_id","generator","begin","end","errors":[...],"policy":{"domain",
 * "adkim","aspf","p","sp","np","pct","fo","testing","discovery_method"},
 * "repairs"}
 * Record: {"source_ip","count","disposition","dkim","spf","reasons":
 * [{"type","comment"}],"header_from","envelope_from","envelope_to",
 * "auth":[{"kind":"dkim","domain","selector","result","human_result"} or
 * {"kind":"spf","domain","scope","result","human_result"}],"invalid":[names
 * of identifiers kept as sent]}
 */
#ifndef DW_AGG_DUMP_H
#define DW_AGG_DUMP_H

#include "../base/buf.h"
#include "../base/err.h"
#include "report.h"

enum dw_err agg_report_json(const struct agg_report *r, struct buf *out);
enum dw_err agg_record_json(const struct agg_record *rec, struct buf *out);
/* Appends s as a JSON string ("null" for NULL). */
enum dw_err agg_json_str(struct buf *out, const char *s);

#endif
