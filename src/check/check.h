/*
 * check.h: a domain's email-authentication posture from the DNS.
 *
 * check_many() checks many domains concurrently over one asynchronous
 * resolver.  For each domain it runs the DNS stages (DMARC discovery with
 * the RFC 9989 tree walk and the report authorizations, SPF through the
 * linter, DKIM keys at the given and built-in selectors, _mta-sts,
 * _smtp._tls, default._bimi, MX hosts and their addresses, the DNSSEC
 * status the resolver reports), then the stages of check_opts.stages
 * (which need the DNS results: the MX hosts, the MTA-STS record), then
 * grades the findings.  Each domain's result goes to a callback, in the
 * order the domains were given; the result and every string in it live
 * in an arena that is freed when the callback returns.
 *
 * A domain that is not a valid DNS name gets a result with status
 * CHECK_BAD_NAME and the reason, and the next domain proceeds.
 */
#ifndef DW_CHECK_H
#define DW_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "check/finding.h"
#include "dns/dns.h"
#include "record/dmarc_record.h"

#define CHECK_ARENA_MAX		((size_t)32 << 20)	/* per domain */
#define CHECK_WINDOW		256	/* domains in flight at once */
#define CHECK_SELECTORS_MAX	64	/* DKIM selectors tried, all told */
#define CHECK_MX_MAX		16	/* MX hosts whose addresses are
					 * looked up (RFC 5321 has none;
					 * more is a finding) */
#define CHECK_TXT_MAX		32	/* TXT records read at one name */
#define CHECK_AUTH_MAX		8	/* report authorizations looked up */
#define CHECK_WALK_MAX		8	/* RFC 9989 §4.10: DNS queries of one
					 * tree walk */
#define CHECK_WALK_LABELS	7	/* RFC 9989 §4.10 step 4: a name of
					 * 8 labels or more goes to 7 */
#define CHECK_FINDINGS_MAX	256	/* findings kept per domain; one
					 * more says how many were left */
#define CHECK_VALUE_MAX		65536	/* bytes of one stored record set */
#define CHECK_POLL_MS		5	/* turns between DNS answers and
					 * the stages' threads */

struct check_run;

/*
 * A stage that runs after the DNS stages (the transport checks: the
 * MTA-STS policy fetch, the SMTP STARTTLS probe).  start() is called once
 * per domain; it may submit DNS queries or do its own work, adds its
 * findings with check_add(), and calls check_stage_done() exactly once,
 * before returning or later from a resolver callback.  A non-DW_OK
 * return means it failed to start (check_stage_done() is then not
 * needed).
 */
struct check_stage {
	const char	*name;
	enum dw_err	(*start)(struct check_run *run, void *arg);
	void		*arg;
	/*
	 * For a stage whose work runs in other threads, else NULL.  Runs,
	 * on the calling thread, what its threads finished (which may call
	 * check_stage_done()); when nothing had finished and work is under
	 * way, first waits up to timeout_ms for some (-1: until some
	 * finishes).  Returns the units of work still under way.
	 * check_many() returns only when every stage reports none.
	 */
	size_t		(*poll)(void *arg, int timeout_ms);
};

struct check_opts {
	const char *const *selectors;	/* DKIM selectors from the user */
	size_t		 nselectors;
	bool		 no_builtin;	/* skip the built-in selector list */
	/* The report address put into computed records ("mailto:..."),
	 * or NULL: the record's own rua= when usable, else
	 * mailto:dmarc-reports@<domain>. */
	const char	*rua;
	const struct check_stage *stages;
	size_t		 nstages;
	int64_t		 now;		/* UTC seconds of the check */
	size_t		 window;	/* domains in flight; 0: CHECK_WINDOW */
};

/* The built-in DKIM selectors (common providers), NULL-terminated. */
extern const char *const check_builtin_selectors[];

struct check_finding {
	enum check_fid	 fid;
	const struct check_def *def;
	const char	*subject;	/* the DNS name concerned */
	const char	*found;		/* what was found */
	/* A record to publish (name, type, value), or all NULL. */
	const char	*fix_name;
	const char	*fix_type;
	const char	*fix_value;
	const char	*fix_file;	/* a file to serve (MTA-STS policy)
					 * or NULL */
};

/* A record set the check saw, for history. */
struct check_record {
	const char	*kind;		/* "dmarc", "spf", "dkim", "mta-sts",
					 * "tls-rpt", "bimi", "mx" */
	const char	*name;		/* owner name */
	const char	*value;		/* the records, sorted, one per line;
					 * NULL when there is none */
	/* The part whose change is an event for alerting and the audit
	 * log (the DMARC record, the SPF record, a DKIM key, the MTA-STS
	 * policy id), or NULL when changes of this kind are no event. */
	const char	*event_type;	/* "dmarc.policy", "spf.record",
					 * "dkim.key", "mtasts.id" */
	const char	*event_value;
};

struct check_dkim_key {
	const char	*selector;
	const char	*type;		/* "rsa", "ed25519" */
	unsigned	 bits;
	bool		 revoked;
	bool		 valid;
};

/* The MTA-STS policy as the transport stage saw it (check_net.h). */
struct check_sts_policy {
	const char	*host;		/* mta-sts.<domain> */
	const char	*source;	/* the URL, or the draft's name */
	const char	*outcome;	/* "fetched", "unreachable",
					 * "tls-failed", "no-policy", "draft" */
	long		 http_status;	/* 0: no answer */
	const char	*address;	/* the address fetched from, or NULL */
	const char	*status;	/* "valid", "invalid"; NULL: none
					 * parsed */
	const char	*mode;		/* "enforce", "testing", "none", or
					 * NULL */
	uint64_t	 max_age;
	const char	*mx;		/* the patterns, ", " between */
};

/* One MX host as the SMTP probe saw it. */
struct check_mx_tls {
	const char	*host;
	const char	*outcome;	/* smtp_probe_outcome_name() */
	const char	*address;	/* the address probed, or NULL */
	const char	*tls_version;	/* "TLSv1.3", or NULL */
	const char	*cipher;	/* or NULL */
	bool		 cert_valid;	/* trusted, for the name, in date */
	const char	*cert_subject;	/* or NULL */
	int64_t		 cert_not_after;	/* UTC seconds; 0: none */
};

enum check_status { CHECK_DONE, CHECK_BAD_NAME, CHECK_FAILED };

struct check_result {
	const char	*domain;	/* normalized (as given when bad) */
	enum check_status status;
	const char	*error;		/* why, unless CHECK_DONE */
	int64_t		 checked_at;
	/* DMARC discovery (RFC 9989 §4.10) */
	const char	*org_domain;	/* NULL when the walk failed */
	const char	*policy_domain;	/* where the policy was found */
	const char	*dmarc_record;	/* the record that applies */
	const struct dmarc_record *dmarc;	/* parsed, or NULL */
	enum dns_sec	 dnssec;	/* of the domain's own answers */
	struct check_dkim_key *dkim;
	size_t		 ndkim;
	struct check_finding *findings;
	size_t		 nfindings;
	size_t		 findings_dropped;
	struct check_record *records;
	size_t		 nrecords;
	/* the transport stage's view; NULL / 0 when it did not run */
	const struct check_sts_policy *sts_policy;
	struct check_mx_tls *mx_tls;
	size_t		 nmx_tls;
	enum check_sev	 worst;		/* CHECK_SEV_INFO when none */
	int		 score;		/* 0..100 */
	char		 grade;		/* 'A'..'F' */
};

/*
 * Called once per domain, in the order given, with the finished result.
 * The result lives until the callback returns.
 */
typedef void (*check_done_fn)(void *arg, const struct check_result *res);

/*
 * Checks domains[0..n).  DW_OK when every domain got its result (whatever
 * was found); DW_ENOMEM or the resolver's own failure otherwise, after
 * which no more results come.  The resolver and the options are borrowed.
 */
enum dw_err check_many(struct dns_resolver *r, const struct check_opts *o,
    const char *const *domains, size_t n, check_done_fn done, void *arg);

/* ---- for stages (check_opts.stages) ---- */

const char *check_run_domain(const struct check_run *run);
struct arena *check_run_arena(struct check_run *run);
struct dns_resolver *check_run_resolver(struct check_run *run);
const struct check_result *check_run_result(const struct check_run *run);
/* The MX hosts (pref order), NULL-terminated; none for a null MX. */
const char *const *check_run_mx(const struct check_run *run);
/*
 * Adds a finding; subject and the formatted text are copied into the
 * run's arena.  fix_value (with fix_name and fix_type) may be NULL.
 * Returns the finding (to set fix_file), or NULL when it was counted in
 * findings_dropped or memory ran out.
 */
struct check_finding *check_add(struct check_run *run, enum check_fid fid,
    const char *subject, const char *fix_name, const char *fix_type,
    const char *fix_value, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void check_stage_done(struct check_run *run);

/* ---- grading (check_grade.c) ---- */

/* Points taken off 100 per finding of each severity; see the man page. */
#define CHECK_PENALTY_CRITICAL	40
#define CHECK_PENALTY_HIGH	20
#define CHECK_PENALTY_MEDIUM	8
#define CHECK_PENALTY_LOW	3

/* Fills score, grade and worst from the findings. */
void check_grade(struct check_result *res);

#endif
