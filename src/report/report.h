/*
 * report.h: the normalized DMARC aggregate report (RFC 9990, RFC 7489
 * Appendix C and the pre-RFC draft schema all map onto it).
 *
 * Strings are NUL-terminated, valid UTF-8 and owned by the parser's arena;
 * NULL means the element was absent, "" that it was present but empty.
 * Enumerated values (results, dispositions, alignment modes) are stored in
 * their canonical lower-case spelling from the RFC ("pass", "quarantine",
 * "r") as static strings; a value outside the enumeration is kept as sent
 * (lower-cased) so nothing a reporter said is lost.
 *
 * Normalization done by the parser (agg_xml.c):
 * - source_ip is checked with inet_pton (no leading-zero IPv4, no zone
 *   ids, no host names) and stored canonical by inet_ntop: a dotted quad,
 *   or RFC 5952 text for IPv6.  An IPv4-mapped address (::ffff:a.b.c.d) is
 *   folded to its IPv4 form, so one sender has one spelling.
 * - Domain names are trimmed, lower-cased (ASCII), and lose one trailing
 *   dot; a valid one has at most 253 octets, labels of 1 to 63 octets of
 *   letters, digits, '-', '_' or UTF-8 (no IDNA mapping is done), and no
 *   label starts or ends with '-'.  policy.domain must be valid or the
 *   report is rejected.  An identifier (header_from, envelope_from,
 *   envelope_to, an auth result's domain) that is not a valid name is kept
 *   exactly as sent (trimmed) and flagged in agg_record.invalid.
 * - count is 0..4294967295 (decimal digits only), begin and end are
 *   0..253402300799 (year 9999) with end >= begin and at most 366 days
 *   apart; pct is 0..100.
 */
#ifndef DW_REPORT_H
#define DW_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum agg_schema {
	AGG_SCHEMA_DRAFT,	/* pre-RFC dmarc.org wiki draft (no version) */
	AGG_SCHEMA_RFC7489,	/* version 1.0 or no namespace */
	AGG_SCHEMA_RFC9990,	/* urn:ietf:params:xml:ns:dmarc-2.0 */
};

struct agg_policy {
	const char	*domain;
	const char	*adkim;		/* "r" "s" or NULL */
	const char	*aspf;
	const char	*p;		/* "none" "quarantine" "reject" */
	const char	*sp;
	const char	*np;		/* RFC 9990 */
	const char	*fo;
	const char	*testing;	/* RFC 9990: "n" "y" */
	const char	*discovery_method;	/* RFC 9990: "psl" "treewalk" */
	int		 pct;		/* RFC 7489 only; -1 when absent */
};

struct agg_report {
	enum agg_schema	 schema;
	const char	*version;	/* as sent, e.g. "1.0", or NULL */
	const char	*org_name;
	const char	*email;
	const char	*extra_contact_info;
	const char	*report_id;
	const char	*generator;	/* RFC 9990 */
	int64_t		 begin;		/* UTC seconds since the epoch */
	int64_t		 end;
	const char	**errors;	/* report_metadata/error elements */
	size_t		 nerrors;
	struct agg_policy policy;
	/*
	 * Set by the ingest layer, not the parser: what a bounded repair
	 * changed to make the document parse (NULL when nothing was), e.g.
	 * "escaped 2 stray '<' in element text".
	 */
	const char	*repairs;
};

struct agg_reason {
	const char	*type;		/* forwarded, sampled_out, ... */
	const char	*comment;
};

enum agg_auth_kind { AGG_AUTH_DKIM, AGG_AUTH_SPF };

struct agg_auth {
	enum agg_auth_kind kind;
	const char	*domain;
	const char	*selector;	/* DKIM only */
	const char	*scope;		/* SPF only: "mfrom" "helo" */
	const char	*result;
	const char	*human_result;
};

struct agg_record {
	const char	*source_ip;	/* canonical: dotted quad or RFC 5952 */
	uint64_t	 count;
	const char	*disposition;	/* policy_evaluated */
	const char	*dkim;
	const char	*spf;
	struct agg_reason *reasons;
	size_t		 nreasons;
	const char	*header_from;
	const char	*envelope_from;
	const char	*envelope_to;
	struct agg_auth	*auth;		/* DKIM first, each in document order */
	size_t		 nauth;
	unsigned	 invalid;	/* AGG_INVALID_*: kept as sent */
};

/* agg_record.invalid: identifiers that are not valid domain names. */
#define AGG_INVALID_HEADER_FROM		0x01u
#define AGG_INVALID_ENVELOPE_FROM	0x02u
#define AGG_INVALID_ENVELOPE_TO		0x04u
#define AGG_INVALID_AUTH_DOMAIN		0x08u	/* in one or more results */

const char *agg_schema_name(enum agg_schema);

#endif
