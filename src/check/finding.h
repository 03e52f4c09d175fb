/*
 * finding.h: the catalog of posture findings.
 *
 * Every finding `dmarcward check` can report is one row of one table
 * (finding.c): a stable id ("dmarc.policy.none") that the JSON output, the
 * store and tests use, a severity, the HIPAA technical safeguard it
 * supports, a title, why it matters, and the fix in words for when no
 * exact record can be computed.  Ids are never renamed or reused; a new
 * finding is a new row.  The enum below only indexes the table.
 */
#ifndef DW_CHECK_FINDING_H
#define DW_CHECK_FINDING_H

#include <stdbool.h>
#include <stddef.h>

enum check_sev {
	CHECK_SEV_INFO, CHECK_SEV_LOW, CHECK_SEV_MEDIUM, CHECK_SEV_HIGH,
	CHECK_SEV_CRITICAL,
};

/* 45 CFR 164.312 technical safeguards. */
enum hipaa_ref {
	HIPAA_AUDIT,		/* (b) audit controls */
	HIPAA_AUTH,		/* (d) person or entity authentication */
	HIPAA_TRANSMISSION,	/* (e)(1) transmission security */
};

enum check_fid {
	/* the domain itself */
	CF_DOMAIN_NOT_FOUND,
	/* DMARC (RFC 9989) */
	CF_DMARC_MISSING,
	CF_DMARC_TEMPORARY,
	CF_DMARC_MULTIPLE,
	CF_DMARC_INVALID,
	CF_DMARC_SYNTAX,
	CF_DMARC_POLICY_NONE,
	CF_DMARC_POLICY_QUARANTINE,
	CF_DMARC_TEST_MODE,
	CF_DMARC_SUBDOMAIN_WEAKER,
	CF_DMARC_INHERITED,
	CF_DMARC_TAG_REMOVED,
	CF_DMARC_TAG_UNKNOWN,
	CF_DMARC_RUA_MISSING,
	CF_DMARC_URI_INVALID,
	CF_DMARC_URI_UNAUTHORIZED,
	CF_DMARC_URI_AUTH_UNKNOWN,
	CF_DMARC_RUF_PHI,
	/* SPF (RFC 7208) */
	CF_SPF_MISSING,
	CF_SPF_MULTIPLE,
	CF_SPF_SYNTAX,
	CF_SPF_LOOKUP_LIMIT,
	CF_SPF_VOID_LIMIT,
	CF_SPF_VOID_LOOKUP,
	CF_SPF_ALL_PASS,
	CF_SPF_ALL_NEUTRAL,
	CF_SPF_ALL_SOFTFAIL,
	CF_SPF_ALL_MISSING,
	CF_SPF_INCLUDE_BROKEN,
	CF_SPF_INCLUDE_LOOP,
	CF_SPF_PTR,
	CF_SPF_STRING_TOO_LONG,
	CF_SPF_ANSWER_TOO_BIG,
	CF_SPF_RANGE_OVERLAP,
	CF_SPF_RANGE_WIDE,
	CF_SPF_OTHER,
	/* DKIM keys (RFC 6376, RFC 8301, RFC 8463) */
	CF_DKIM_NONE_FOUND,
	CF_DKIM_MULTIPLE,
	CF_DKIM_INVALID,
	CF_DKIM_RSA_TOO_SHORT,
	CF_DKIM_RSA_WEAK,
	CF_DKIM_REVOKED,
	CF_DKIM_TESTING,
	CF_DKIM_SHA1_ONLY,
	CF_DKIM_ED25519_ONLY,
	/* MTA-STS (RFC 8461), TLS-RPT (RFC 8460), BIMI */
	CF_MTASTS_MISSING,
	CF_MTASTS_MULTIPLE,
	CF_MTASTS_INVALID,
	/* the MTA-STS policy file (RFC 8461 §3.2, §3.3, §4.1) */
	CF_STS_UNREACHABLE,
	CF_STS_HOST_NOT_PUBLIC,
	CF_STS_TLS,
	CF_STS_CERT,
	CF_STS_CERT_WEAK,
	CF_STS_REDIRECT,
	CF_STS_HTTP_STATUS,
	CF_STS_CONTENT_TYPE,
	CF_STS_TOO_LARGE,
	CF_STS_INVALID,
	CF_STS_MODE_TESTING,
	CF_STS_MODE_NONE,
	CF_STS_MX_UNCOVERED,
	CF_STS_MX_UNCOVERED_TESTING,
	CF_STS_MX_UNUSED,
	CF_STS_MAX_AGE_SHORT,
	CF_STS_ID_UNCHANGED,
	CF_TLSRPT_MISSING,
	CF_TLSRPT_MULTIPLE,
	CF_TLSRPT_INVALID,
	CF_BIMI_MULTIPLE,
	CF_BIMI_INVALID,
	CF_BIMI_WEAK_DMARC,
	/* MX (RFC 5321 §5.1, RFC 7505) */
	CF_MX_NONE,
	CF_MX_NULL,
	CF_MX_NULL_MIXED,
	CF_MX_UNRESOLVABLE,
	CF_MX_CNAME,
	CF_MX_ADDRESS,
	/* the SMTP probe of each MX (RFC 3207, RFC 8996) */
	CF_SMTP_HOST_NOT_PUBLIC,
	CF_SMTP_UNREACHABLE,
	CF_SMTP_PROTOCOL,
	CF_SMTP_NO_STARTTLS,
	CF_SMTP_STARTTLS_FAILED,
	CF_SMTP_INJECTION,
	CF_SMTP_TLS_WEAK,
	CF_SMTP_CERT,
	CF_SMTP_CERT_STS,
	CF_SMTP_CERT_WEAK,
	/* DNS and DNSSEC */
	CF_DNS_TEMPORARY,
	CF_DNS_TOO_MANY,
	CF_DNSSEC_UNSIGNED,
	CF_DNSSEC_BOGUS,
	CF__COUNT
};

struct check_def {
	const char	*id;
	enum check_sev	 sev;
	enum hipaa_ref	 hipaa;
	const char	*title;
	const char	*why;		/* why it matters */
	const char	*fix;		/* the fix in words */
};

const struct check_def *check_def(enum check_fid fid);
/* The row with this id, or NULL. */
const struct check_def *check_def_find(const char *id);

const char *check_sev_name(enum check_sev s);	/* "critical" ... */
bool check_sev_parse(const char *s, enum check_sev *out);
/* "164.312(d)" and "person or entity authentication" */
const char *hipaa_ref_cite(enum hipaa_ref h);
const char *hipaa_ref_name(enum hipaa_ref h);

#endif
