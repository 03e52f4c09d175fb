/*
 * check_net_int.h: what check_net.c (the stage: lookups, jobs, threads)
 * and check_transport.c (the findings) share.  Not for callers.
 */
#ifndef DW_CHECK_NET_INT_H
#define DW_CHECK_NET_INT_H

#include "check/check_int.h"
#include "check/check_net.h"
#include "check/check_pool.h"
#include "net/mtasts_fetch.h"
#include "net/smtp_probe.h"

enum net_job_kind { NET_JOB_FETCH, NET_JOB_PROBE };

/*
 * One fetch or probe.  The struct lives in the run's arena; while the job
 * runs, its worker writes only err, fetch or probe, and arena a (its
 * own), and reads name, addrs and so, which nobody changes meanwhile.
 */
struct net_job {
	struct check_job	 job;
	struct check_net_run	*nr;
	enum net_job_kind	 kind;
	struct arena		*a;
	const char		*name;	/* the domain, or the MX host */
	struct net_addr		*addrs;	/* in a */
	struct smtp_probe_opts	 so;	/* so.net serves the fetch too */
	enum dw_err		 err;
	struct mtasts_fetch_result fetch;
	struct smtp_probe_result probe;
};

struct check_net {
	struct check_net_opts	 o;
	struct check_stage	 stage;
	struct check_pool	*pool;
};

/* The stage's state for one domain, in the run's arena. */
struct check_net_run {
	struct check_net	*cn;
	struct check_run	*run;
	const char		*host;		/* mta-sts.<domain> */
	struct check_ans	 a, aaaa;	/* its addresses */
	bool			 looked_up;
	size_t			 left;		/* units under way, plus a
						 * hold while starting */
	struct net_job		*fetch;
	struct net_job		**probe;
	size_t			 nprobe;
	/* the valid policy that applies (fetched or draft), for the
	 * probes' findings; NULL when none */
	const struct mtasts_policy *policy;
};

/* check_transport.c: findings, on the thread of check_many(). */
/* The policy host has no usable address (from nr->a, nr->aaaa). */
void check_net_sts_no_address(struct check_net_run *nr);
void check_net_sts_fetched(struct check_net_run *nr);
void check_net_sts_draft(struct check_net_run *nr);
void check_net_smtp_probed(struct check_net_run *nr, struct net_job *j);

#endif
