/*
 * check_int.h: what the files of the posture check share.  Not for
 * callers: they use check.h.
 *
 * One struct check_run per domain, in its own arena.  Each area (DMARC,
 * SPF, DKIM, MX, the TXT policies) has a start function that submits its
 * DNS queries through check_query() and keeps the answers in its own
 * state, and a finish function that reads them and adds findings once
 * every query of the run has been answered.  The run counts queries in
 * flight; when the count drops to zero the DNS part is over.
 */
#ifndef DW_CHECK_INT_H
#define DW_CHECK_INT_H

#include "check/check.h"
#include "record/dkim_key.h"
#include "record/spf_lint.h"

struct check_many;
struct check_net_run;

/* One DNS answer kept for a finish function. */
struct check_ans {
	const char		*name;
	enum dw_err		 err;	/* DW_OK, DW_EDNS_PERM, DW_EDNS_TEMP */
	const struct dns_answer	*ans;	/* NULL for local failures */
	bool			 done;
};

/* A TXT name whose records are filtered by a version prefix. */
struct check_txt {
	struct check_ans	 q;
	const char		*exact;		/* "v=STSv1" */
	size_t			 nexact;	/* records starting so */
	size_t			 nlike;		/* starting so in any case */
	const struct dns_rr	*rr;		/* the one exact record */
};

struct check_dmarc {
	struct check_ans	 walk[CHECK_WALK_MAX];
	const char		*level[CHECK_WALK_MAX];	/* walk domains */
	size_t			 nwalk, walk_left;
	/* what the walk found, per level: parsed when one record */
	const struct dmarc_record *rec[CHECK_WALK_MAX];
	const char		*raw[CHECK_WALK_MAX];
	struct diag_list	*dl[CHECK_WALK_MAX];
	size_t			 nrec[CHECK_WALK_MAX];	/* v=DMARC1 records */
	int			 policy;	/* level whose record applies,
						 * -1: none */
	bool			 walk_failed;
	struct dmarc_auth	*auth;
	size_t			 nauth;
	struct check_ans	 auth_ans[CHECK_AUTH_MAX];
};

struct check_dkim_sel {
	const char		*selector;
	bool			 user;		/* given by the user */
	struct check_ans	 q;
};

struct check_mx_host {
	const char		*host;
	unsigned		 pref;
	bool			 literal;	/* an IP address, not a name */
	struct check_ans	 a, aaaa;
};

struct check_mx {
	struct check_ans	 q;
	struct check_mx_host	*hosts;
	size_t			 nhosts;
	size_t			 ndropped;	/* over CHECK_MX_MAX */
	bool			 null_mx;
	const char		**names;	/* for check_run_mx() */
};

struct check_spf {
	struct check_ans	 txt;		/* the domain's TXT records */
	struct spf_lint		*lint;
	enum dw_err		 err;
	bool			 done;
};

struct check_run {
	struct check_many	*m;
	struct arena		*a;
	struct check_result	 res;
	const char		*domain;	/* normalized */
	size_t			 pending;	/* queries, plus a hold */
	bool			 not_found;	/* NXDOMAIN for the domain */
	bool			 sends_none;	/* SPF is "v=spf1 -all" */
	size_t			 stages_left;
	bool			 dns_over, done, nomem;
	size_t			 fcap, rcap;
	struct check_dmarc	 dmarc;
	struct check_spf	 spf;
	struct check_dkim_sel	*sel;
	size_t			 nsel;
	struct check_mx		 mx;
	struct check_txt	 sts, tlsrpt, bimi;
	const char		*sts_id;	/* id of the valid _mta-sts
						 * record, or NULL */
	const char		*report_uri;	/* for computed records */
	struct check_net_run	*net;		/* the transport stage's */
};

struct check_many {
	struct dns_resolver	*r;
	const struct check_opts	*o;
	const char *const	*domains;
	size_t			 n, nslots, next_start, next_done;
	struct check_run	**slots;
	check_done_fn		 done;
	void			*arg;
	enum dw_err		 err;
	bool			 pumping;
};

typedef void (*check_cb)(struct check_run *run, struct check_ans *q);

/*
 * Submits a query for the run; q is filled when it is answered, then cb
 * (may be NULL) runs.  A failure to submit is recorded in q as a local
 * failure (and the run marked out of memory for DW_ENOMEM).
 */
void check_query(struct check_run *run, const char *name,
    enum dns_type type, struct check_ans *q, check_cb cb);
/* Ends one unit of the run's pending work (a query, the SPF walk); the
 * last one ends the DNS part. */
void check_release(struct check_run *run);
/* name joined: prefix "." domain, in the run's arena (NULL: no memory). */
const char *check_name(struct check_run *run, const char *prefix,
    const char *domain);
/* printf into the run's arena. */
const char *check_fmt(struct check_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Records a raw record set for history (nothing when the lookup failed
 * temporarily: the state is unknown).  Returns the entry or NULL.
 */
struct check_record *check_record(struct check_run *run, const char *kind,
    const char *name, const struct check_ans *q, const char *event_type);
/* Records that name holds no record of the kind. */
void check_record_absent(struct check_run *run, const char *kind,
    const char *name, const char *event_type);
/* Records a value already built (NULL: the name has none). */
void check_record_value(struct check_run *run, const char *kind,
    const char *name, const char *value, const char *event_type);
/* s[0..len) as a stored value: itself, or its digest when over
 * CHECK_VALUE_MAX (NULL: no memory). */
const char *check_value(struct check_run *run, const char *s, size_t len);
/* Records the MX set of the domain ("10 mx.example.org" per line). */
void check_mx_record(struct check_run *run, const char *value);
/* "timeout", "NXDOMAIN"... of an answer that failed. */
const char *check_ans_why(const struct check_ans *q);
/* The TXT records of q joined, sorted, one per line (NULL: none). */
const char *check_txt_value(struct check_run *run,
    const struct check_ans *q);
/* Adds dns.lookup.temporary for q. */
void check_temporary(struct check_run *run, const struct check_ans *q);
/* Sanitized for text output: control bytes escaped. */
const char *check_clean(struct check_run *run, const char *s, size_t len);

/* MTA-STS fixes (check_txt.c): a _mta-sts record value with a new id
 * ("v=STSv1; id=<UTC time of the check>"), and the policy file to serve
 * with the domain's MX hosts, in mode mode ("testing", "enforce") with
 * max_age seconds. */
const char *check_sts_new_record(struct check_run *run);
const char *check_sts_policy_file(struct check_run *run, const char *mode,
    unsigned long max_age);
#define CHECK_STS_MAX_AGE_FIX	604800	/* a week */

/* The report address for computed records. */
const char *check_report_uri(struct check_run *run);

/* The areas: start submits, finish reads and adds findings. */
void check_dmarc_start(struct check_run *run);
void check_dmarc_finish(struct check_run *run);
void check_spf_start(struct check_run *run);
void check_spf_finish(struct check_run *run);
void check_dkim_start(struct check_run *run);
void check_dkim_finish(struct check_run *run);
void check_mx_start(struct check_run *run);
void check_mx_finish(struct check_run *run);
void check_txt_start(struct check_run *run);
void check_txt_finish(struct check_run *run);
void check_dnssec_finish(struct check_run *run);

/* A DMARC tag-list with the named tags removed (tags: NULL-terminated). */
const char *check_drop_tags(struct check_run *run, const char *rec,
    const char *const *tags);
/* The DMARC policy receivers apply to the checked domain. */
enum dmarc_policy check_dmarc_applied(const struct check_run *run);

#endif
