/*
 * spf_lint.h: what is wrong with a domain's SPF setup, without a client
 * address: the include/redirect tree with the DNS-querying terms of each
 * branch against the limit of 10 (RFC 7208 §4.6.4), void lookups, the
 * "all" policy, overlapping or duplicate ranges, oversized strings and
 * answers, deprecated ptr, and a concrete way under the limit when over.
 *
 * The walk is asynchronous: every lookup of a branch is in flight at once,
 * and many domains can be linted together on one resolver
 * (spf_lint_start); spf_lint() is the synchronous form.  The result does
 * not depend on the order answers arrive in: findings and ranges are put
 * in the order of the records, as a depth-first reading would give them.
 *
 * Everything in *out is arena-owned; the resolver is borrowed.
 */
#ifndef DW_SPF_LINT_H
#define DW_SPF_LINT_H

#include "dns/dns.h"
#include "spf_parse.h"

#define SPF_LINT_DEPTH_MAX	16	/* include/redirect nesting walked */
#define SPF_LINT_RANGES_MAX	4096	/* ip4/ip6 ranges compared */
#define SPF_LINT_FINDINGS_MAX	256	/* listed; one more says how many
					 * were left out */
#define SPF_LINT_OVERLAPS_MAX	32	/* overlapping pairs listed */
#define SPF_LINT_RECORDS_MAX	128	/* records walked in one tree */
#define SPF_LINT_QUERIES_MAX	512	/* DNS queries for one domain */

enum spf_lint_sev { SPF_LINT_INFO, SPF_LINT_WARN, SPF_LINT_ERROR };

struct spf_lint_node {
	const char		*via;		/* "include:x", "redirect=x",
						 * NULL for the top */
	const char		*domain;
	const char		*record;	/* NULL when none was used */
	const char		*status;	/* "ok", "no record", ... */
	enum dns_sec		 sec;		/* of its TXT answer */
	unsigned		 own;		/* DNS terms in this record */
	unsigned		 lookups;	/* own + every branch below */
	unsigned		 voids;		/* its void lookups */
	unsigned		 nranges;	/* ip4/ip6 in this subtree */
	bool			 flat;		/* no a/mx/ptr/exists below:
						 * replaceable by its ranges */
	struct spf_lint_node	**kids;
	size_t			 nkids;
};

struct spf_lint_finding {
	enum spf_lint_sev	 sev;
	const char		*code;		/* stable: "lookup-limit" */
	const char		*domain;
	const char		*msg;
};

struct spf_lint {
	const char		*domain;
	struct spf_lint_node	*root;
	unsigned		 lookups;	/* total vs SPF_MAX_DNS_MECH */
	unsigned		 voids;		/* total vs 2 */
	const char		*all;		/* "-all", "~all", "?all",
						 * "+all" or NULL (missing) */
	const char		*suggestion;	/* when over the limit */
	struct spf_lint_finding	*findings;
	size_t			 nfindings;
};

const char *spf_lint_sev_name(enum spf_lint_sev s);

/* DW_OK whatever is found (findings say it); other codes are local
 * failures (DW_ENOMEM, or the resolver's own failure from dns_wait). */
enum dw_err spf_lint(struct arena *a, struct dns_resolver *r,
    const char *domain, struct spf_lint **out);

/*
 * Starts linting domain; done(arg, l, err) runs once with the result (err
 * as for spf_lint; l NULL unless DW_OK), from inside dns_wait() or
 * dns_poll() on r, or before spf_lint_start() returns when no query is
 * needed.  Until then a must stay alive and untouched; done may reset or
 * free it.  Returns DW_ENOMEM (done not called) when nothing could start.
 */
enum dw_err spf_lint_start(struct arena *a, struct dns_resolver *r,
    const char *domain,
    void (*done)(void *arg, struct spf_lint *l, enum dw_err err),
    void *arg);

#endif
