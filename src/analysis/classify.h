/*
 * classify.h: one aggregate-report record, judged again from its auth
 * results: DMARC alignment recomputed with the published modes, the
 * sending service named, and a failing record given a shape.
 *
 * Alignment (RFC 9989): DKIM is aligned when a signature with result
 * "pass" has a d= equal to the From domain (adkim=s) or with the same
 * organizational domain (adkim=r, the default); SPF is aligned when an
 * SPF result "pass" for the MAIL FROM domain (scope mfrom, or no scope;
 * a HELO result counts only when there was no MAIL FROM) is aligned the
 * same way under aspf.  DMARC passes when either is aligned.  What the
 * reporter wrote in policy_evaluated is not used.
 *
 * The service, from the strongest signal that names one:
 *   1. dkim  a passing signature whose d= is in the catalog;
 *   2. spf   the source address is authorized by a catalog service's SPF
 *            include (found by enrichment);
 *   3. ptr   the forward-confirmed PTR name is in the catalog.
 * The verdict says which of the chosen service's rules matched.  A source
 * no rule names is grouped by the base domain of its confirmed PTR name
 * ("ptr:example.net"), else by its AS number when a GeoIP database gave
 * one ("asn:64500"), else as "unknown".
 *
 * The shape of a record:
 *   PASS        DMARC passes;
 *   FWD_REASON  fails, and the receiver gave an override reason of
 *               forwarding: forwarded, mailing_list, trusted_forwarder,
 *               local_policy;
 *   FWD_DKIM    fails, SPF does not pass at all, and a DKIM signature of
 *               a third party passes (another organizational domain
 *               than the From domain's, and not the named service's
 *               own): a forwarder kept a signature SPF cannot see, or a
 *               mailing list re-signed the message;
 *   FAIL_AUTH   fails, but SPF or DKIM passes for another domain: the
 *               sender authenticates as itself, not as the From domain;
 *   FAIL        fails, and nothing passes at all.
 * Whether a FAIL is a misconfigured approved service, an unapproved
 * service or spoofing depends on the inventory, which changes over time,
 * so it is decided when figures are read (analysis.h), not here.
 *
 * Nothing here opens a socket, a file or a database.
 */
#ifndef DW_CLASSIFY_H
#define DW_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "psl/orgdomain.h"
#include "report/report.h"
#include "sources/catalog.h"

#define CLS_SERVICE_MAX	(DNS_NAME_MAX + 8)	/* "ptr:" + a name */

enum cls_shape {		/* stored in the rollups: never renumber */
	CLS_PASS = 0,
	CLS_FWD_REASON = 1,
	CLS_FWD_DKIM = 2,
	CLS_FAIL = 3,
	CLS_FAIL_AUTH = 4,
};
#define CLS_NSHAPES 5

const char *cls_shape_name(enum cls_shape s);

/* Which rules of the named service matched. */
#define CLS_SIG_DKIM	0x1u
#define CLS_SIG_SPF	0x2u
#define CLS_SIG_PTR	0x4u

/* A record as classification needs it; every string borrowed. */
struct cls_record {
	const char		*policy_domain;
	const char		*adkim;		/* "s" strict, else relaxed */
	const char		*aspf;
	const char		*header_from;	/* NULL: the policy domain */
	const char		*envelope_from;
	const struct agg_auth	*auth;
	size_t			 nauth;
	const char		*reasons;	/* JSON [[type, comment]...] */
};

/* What enrichment knows of the source address; NULL/0 when nothing. */
struct cls_ip {
	const char	*ptr;		/* forward-confirmed PTR name */
	const char	*base;		/* its base domain */
	const char	*spf_services;	/* catalog keys, space separated */
	uint32_t	 asn;
};

struct cls_verdict {
	char		 service[CLS_SERVICE_MAX];
	const struct catalog_service *svc;	/* NULL unless in catalog */
	unsigned	 signals;	/* CLS_SIG_* */
	bool		 spf_aligned, dkim_aligned, dmarc_pass;
	bool		 spf_pass, dkim_pass;	/* any pass, aligned or not */
	enum cls_shape	 shape;
};

/* The catalog and the list are borrowed for the context's life. */
struct cls_ctx {
	const struct catalog	*cat;
	const struct orgdomain	*od;
};

void cls_classify(const struct cls_ctx *cx, const struct cls_record *r,
    const struct cls_ip *ip, struct cls_verdict *v);

/* True when d is aligned with from under mode ("s" or relaxed). */
bool cls_aligned(const struct orgdomain *od, const char *d,
    const char *from, const char *mode);

#endif
