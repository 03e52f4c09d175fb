/*
 * failure.h: DMARC failure reports (RFC 9991, RFC 6591 on the Abuse
 * Reporting Format of RFC 5965) and the plain-text form some receivers
 * send instead, parsed into one model with PHI removed.
 *
 * Forms recognised, in a message of at most max_message bytes:
 *  - ARF: a multipart (multipart/report; report-type=feedback-report, or
 *    multipart/mixed as some reporters send) holding exactly one
 *    message/feedback-report part, the original message as message/rfc822
 *    or its header block as text/rfc822-headers, and a text part.  A
 *    report forwarded as a message/rfc822 attachment is found inside it.
 *  - text: a text/plain part saying "A message claiming to be from you
 *    has failed the published DMARC policy" followed by "Key: value"
 *    lines (Sender Domain, Sender IP Address, Received Date, SPF
 *    Alignment, DKIM Alignment, DMARC Results) and "------ This is a copy
 *    of the headers..." with the original headers (Exim's form).
 *
 * What is kept of the original message is its header block only: the
 * body, the reporter's text part, DKIM-Canonicalized-Header and
 * DKIM-Canonicalized-Body (the message itself, base64) and Reported-URI
 * are never copied out.  Header fields that are free text
 * (phi_header_is_free_text()) are RFC 2047-decoded and passed through
 * phi_redact(); the local part of every address kept (header From,
 * envelope sender and recipients), every Authentication-Results value and
 * the Original-Envelope-Id (which the original sender chose) are too; the
 * counts of what was redacted are in the model.  No error
 * message or note quotes a value of the report, so none can carry PHI.
 *
 * Rules:
 *  - Feedback-Type is required; User-Agent and Version are noted when
 *    missing.  A field that RFC 5965/6591 allow once (Feedback-Type,
 *    User-Agent, Version, Arrival-Date, Source-IP, Original-Mail-From,
 *    Original-Envelope-Id, Reporting-MTA, Incidents, Auth-Failure,
 *    Delivery-Result, DKIM-Domain, DKIM-Identity, DKIM-Selector,
 *    Identity-Alignment, SPF-DNS) appearing twice rejects the report.
 *  - Source-IP is canonical (report_ip_canon(); a trailing comment such as
 *    "(host.example)" is dropped), domains are normalized
 *    (report_domain_norm()); a value that is neither is left out with a
 *    note.  Arrival-Date (or the older Received-Date) is an RFC 5322 date
 *    turned into UTC seconds.
 *  - Authentication-Results of the feedback part (the reporter's own
 *    verdict; those inside the original headers can be forged by the
 *    sender and are not read) give the first dmarc, spf and dkim results
 *    and their domains, which must be valid domain names.
 *  - domain, the policy domain reports are filed under, is the first
 *    Reported-Domain, else the domain of the original header From.
 *  - sha256 is computed over what the report says (the decoded feedback
 *    part or text part and the original header block), so the same
 *    report delivered twice with other transport headers is one report.
 */
#ifndef DW_FAILURE_H
#define DW_FAILURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/err.h"
#include "phi.h"

#define FAILURE_MAX_MESSAGE	((size_t)16 << 20)	/* one report */
#define FAILURE_MAX_PARTS	64	/* MIME parts, and multipart/ and
					   message/ types in the raw bytes */
#define FAILURE_MAX_DEPTH	8	/* MIME nesting, forwarding included */
#define FAILURE_MAX_FIELDS	100	/* fields of the feedback part */
#define FAILURE_MAX_HEADERS	500	/* fields of the original headers */
#define FAILURE_MAX_FIELD	(32 * 1024)	/* one field, unfolded */
#define FAILURE_MAX_LIST	32	/* Original-Rcpt-To, Authentication-
					   Results, Reported-Domain each */
#define FAILURE_MAX_NOTES	16

struct failure_limits {
	size_t		 max_message;
	unsigned	 max_parts;
	unsigned	 max_depth;
	unsigned	 max_fields;
	unsigned	 max_headers;
	size_t		 max_field;
};

void failure_limits_default(struct failure_limits *lim);

enum failure_form {
	FAILURE_FORM_ARF,	/* message/feedback-report */
	FAILURE_FORM_TEXT,	/* Exim's plain text */
};

/*
 * Strings are NUL-terminated valid UTF-8 without control characters,
 * owned by the arena given to failure_parse(); NULL when the report did
 * not say.  Enumerated values (feedback_type, auth_failure,
 * delivery_result, identity_alignment, results) are lower case.
 */
struct failure_report {
	enum failure_form form;
	const char	*feedback_type;		/* "auth-failure", "abuse" */
	const char	*user_agent;
	const char	*version;
	const char	*reporter;		/* From address of the report */
	const char	*reporting_mta;
	bool		 has_arrival;
	int64_t		 arrival;		/* UTC seconds */
	const char	*source_ip;
	const char	*reported_domain;	/* the first one */
	const char	*domain;		/* see above */
	uint64_t	 incidents;		/* 1 when not said */
	const char	*auth_failure;		/* dmarc, spf, bodyhash, ... */
	const char	*delivery_result;
	const char	*identity_alignment;	/* none, spf, dkim, dkim,spf */
	const char	*dmarc_result;
	const char	*spf_result;
	const char	*spf_domain;
	const char	*dkim_result;
	const char	*dkim_domain;
	const char	*dkim_identity;
	const char	*dkim_selector;
	const char	*spf_dns;
	const char	*dkim_selector_dns;
	const char	*header_from;		/* "a@x" or "a@x, b@y" */
	const char	*envelope_from;		/* "" for the null sender */
	const char	**envelope_to;
	size_t		 nenvelope_to;
	const char	*original_envelope_id;
	const char	**auth_results;		/* redacted */
	size_t		 nauth_results;
	/* "Name: value\n" per field of the original header block, free
	 * text redacted; NULL when the report holds none */
	const char	*headers;
	size_t		 nheaders;
	struct phi_counts redactions;
	uint8_t		 sha256[32];
	const char	**notes;	/* what was odd, without values */
	size_t		 nnotes;
};

/*
 * A quick look whether buf[0..len) can be a failure report at all, for
 * the ingest layer to try failure_parse() first.  False positives are
 * fine (failure_parse() then says DW_ENOTREPORT); the text form must be
 * in a 7bit or 8bit part to be seen.
 */
bool failure_maybe(const char *buf, size_t len);

/*
 * Parses the e-mail buf[0..len) (borrowed, no NUL needed).  *out and all
 * it points to live in a; the arena needs room for about three times len
 * (failure_arena_max()).  Returns DW_ENOTREPORT when the message holds no
 * failure report, DW_ESYNTAX for a malformed one, DW_ELIMIT for a limit
 * (lim may be NULL for the defaults), DW_ENOMEM; e names the reason.
 */
enum dw_err failure_parse(struct arena *a, const char *buf, size_t len,
    const struct failure_limits *lim, struct failure_report **out,
    struct dw_error *e);

/* The arena size failure_parse() may need for a message of len bytes. */
size_t failure_arena_max(size_t len);

const char *failure_form_name(enum failure_form f);	/* "arf", "text" */

#endif
