/*
 * failure_json.h: a parsed failure report as JSON, for the golden tests,
 * `dmarcward parse` and the store's list columns.
 *
 * {"form","feedback_type","user_agent","version","reporter",
 * "reporting_mta","arrival_date" (UTC seconds or null),"source_ip",
 * "reported_domain","domain","incidents","auth_failure","delivery_result",
 * "identity_alignment","dmarc_result","spf_result","spf_domain",
 * "dkim_result","dkim_domain","dkim_identity","dkim_selector","spf_dns",
 * "dkim_selector_dns","header_from","envelope_from","envelope_to":[...],
 * "original_envelope_id","auth_results":[...],"headers","redactions":
 * {"ssn",...,"mrn"},"sha256" (hex),"notes":[...]}
 */
#ifndef DW_FAILURE_JSON_H
#define DW_FAILURE_JSON_H

#include <jansson.h>

#include "failure.h"

/* A new reference, or NULL when out of memory; r is borrowed. */
json_t *failure_json(const struct failure_report *r);
/* {"ssn": n, ...} of the counts. */
json_t *failure_redactions_json(const struct phi_counts *c);
/* A JSON array of n strings. */
json_t *failure_strings_json(const char *const *s, size_t n);

#endif
