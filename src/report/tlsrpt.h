/*
 * tlsrpt.h: the normalized SMTP TLS report (RFC 8460 §4.4).
 *
 * Strings are NUL-terminated, valid UTF-8 and owned by the parser's arena;
 * NULL means the field was absent (or JSON null).  Field names below are
 * the report's own with '-' as '_'.
 *
 * Normalization done by the parser (tlsrpt_json.c):
 * - policy_type and result_type are lower-cased; the values RFC 8460
 *   defines ("sts", "tlsa", "no-policy-found"; "starttls-not-supported",
 *   "certificate-expired", ...) are static strings, anything else is kept
 *   as sent (lower-cased), never refused.
 * - policy_domain and a receiving_mx_hostname that is a valid name are
 *   trimmed of one trailing dot and lower-cased (report_domain_norm());
 *   a receiving_mx_hostname that is not a name is kept as sent.
 *   mx_host entries (patterns such as "*.example.com") and
 *   receiving_mx_helo are kept as sent.
 * - sending_mta_ip and receiving_ip are canonical (report_ip_canon()).
 * - begin and end are UTC seconds since the epoch from the RFC 3339
 *   date-times, fractions of a second dropped.
 * - Counts are 0..TLSRPT_MAX_COUNT.
 *
 * notes lists what the parser accepted although RFC 8460 says otherwise
 * (a missing policy-domain, an mx-host that is a string, failure counts
 * that do not add up to the summary), so the deviation is on record.
 */
#ifndef DW_TLSRPT_H
#define DW_TLSRPT_H

#include <stddef.h>
#include <stdint.h>

struct tlsrpt_failure {
	const char	*result_type;
	const char	*sending_mta_ip;	/* canonical or NULL */
	const char	*receiving_mx_hostname;
	const char	*receiving_mx_helo;
	const char	*receiving_ip;		/* canonical or NULL */
	int64_t		 failed_session_count;	/* -1 when absent */
	const char	*additional_information;
	const char	*failure_reason_code;
};

struct tlsrpt_policy {
	const char	*policy_type;
	const char	**policy_string;	/* NULL when absent */
	size_t		 npolicy_string;
	const char	*policy_domain;		/* NULL when absent (noted) */
	const char	**mx_host;		/* NULL when absent */
	size_t		 nmx_host;
	int64_t		 successful;	/* total-successful-session-count */
	int64_t		 failed;	/* total-failure-session-count */
	struct tlsrpt_failure *failures;	/* failure-details */
	size_t		 nfailures;
};

struct tlsrpt_report {
	const char	*organization_name;
	const char	*contact_info;
	const char	*report_id;
	int64_t		 begin;		/* date-range start-datetime */
	int64_t		 end;		/* end-datetime, >= begin */
	struct tlsrpt_policy *policies;
	size_t		 npolicies;
	int64_t		 successful;	/* sums over the policies */
	int64_t		 failed;
	const char	**notes;
	size_t		 nnotes;
};

#endif
