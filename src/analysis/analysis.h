/*
 * analysis.h: the rollups read together with the catalog and the
 * inventory: the services that send as a domain, what kind each is, what
 * its failing mail is, and what to fix.
 *
 * Kinds of service:
 *   approved   in the inventory and approved;
 *   known      in the catalog, not approved (an unapproved sender);
 *   unknown    neither: grouped by PTR base domain, AS number, or as
 *              "unknown" (no confirmed PTR name).
 * Failing mail (DMARC fails) of a service is, in this order:
 *   forwarding     the receiver gave a forwarding override reason, or
 *                  SPF failed while a third party's DKIM passed
 *                  (classify.h), whatever the service;
 *   misconfigured  an approved service failing otherwise: its fix is in
 *                  its SPF include or its DKIM selectors;
 *   unapproved     a known service nobody approved, or an unknown one
 *                  that authenticates as its own domain;
 *   spoofing       an unknown source for which nothing passes at all.
 */
#ifndef DW_ANALYSIS_H
#define DW_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/classify.h"
#include "conf/domains.h"
#include "store/store.h"

#define AN_TEXT_MAX	256
#define AN_FIXES_MAX	4
#define AN_FIX_MAX	1024	/* one fix: two domain names and selectors */
#define AN_ALIGNED_MIN	98.0	/* % DMARC pass an approved service needs */
#define AN_SERVICES_MAX	100000	/* services of one domain read at once */

enum an_kind { AN_APPROVED, AN_KNOWN, AN_UNKNOWN };
const char *an_kind_name(enum an_kind k);	/* approved, unapproved,
						 * unknown */

struct an_service {
	char		 key[CLS_SERVICE_MAX];
	char		 name[AN_TEXT_MAX];
	const struct catalog_service *svc;	/* NULL unless in catalog */
	enum an_kind	 kind;
	bool		 own;		/* PTR base is the domain's own */
	/* the inventory entry (has_inv false: none) */
	bool		 has_inv;
	bool		 approved;
	char		 owner[AN_TEXT_MAX], purpose[AN_TEXT_MAX];
	int		 ephi;		/* 1, 0, -1 unknown */
	enum store_baa	 baa;
	char		 baa_date[16];
	/* figures */
	uint64_t	 c[STORE_ROLLUP_NCOUNT];
	uint64_t	 fwd_reason, fwd_dkim, fail, fail_auth;
	int64_t		 first_day, last_day;
};

struct an_failing {
	uint64_t	 forwarding, misconfigured, unapproved, spoofing;
};

/*
 * The services of domain on days [first_day, last_day], most messages
 * first, with approved inventory entries that sent nothing appended
 * (messages 0).  *out is malloc'd: free() it.
 */
enum dw_err an_services(struct store *st, const struct catalog *cat,
    const struct orgdomain *od, const char *domain, int64_t first_day,
    int64_t last_day, struct an_service **out, size_t *n,
    struct dw_error *e);

/* Percent of a's messages; 0 when none. */
double an_pct(uint64_t part, uint64_t whole);
void an_failing_of(const struct an_service *s, struct an_failing *f);
/* An approved service carrying ePHI without a signed BAA. */
bool an_baa_missing(const struct an_service *s);
/* Below AN_ALIGNED_MIN: a blocker when approved. */
bool an_below(const struct an_service *s);
/*
 * What to fix for s to pass DMARC as domain: up to AN_FIXES_MAX lines
 * into fixes; returns how many.  Empty when it passes.
 */
size_t an_fixes(const struct an_service *s, const char *domain,
    char fixes[AN_FIXES_MAX][AN_FIX_MAX]);

/* The display name of a service key (catalog name, or a description of
 * the group) into out. */
void an_service_name(const struct catalog *cat, const struct orgdomain *od,
    const char *domain, const char *key, char *out, size_t sz);

/*
 * The way to p=reject, one step at a time (RFC 9989 t=y asks receivers
 * to apply the next less strict policy, so a stricter policy can be
 * published while it is still tested):
 *	none -> quarantine t=y -> quarantine -> reject t=y -> reject
 * Blocked (an approved service below AN_ALIGNED_MIN), the next step is
 * the stricter policy with t=y: receivers keep applying the current one
 * while the blockers are fixed.  Unblocked, the t=y steps are skipped.
 */
struct an_policy {
	enum dmarc_level level;
	bool		 t;		/* t=y */
};
/* false when cur is already p=reject without t=y (nothing further) */
bool an_next_step(struct an_policy cur, bool blocked, struct an_policy *next);
/* What receivers apply: with t=y, the next less strict policy. */
enum dmarc_level an_applied(struct an_policy p);

/* Today as a day number, and a day as YYYY-MM-DD. */
int64_t an_today(void);
void an_day_text(int64_t day, char out[11]);

#endif
