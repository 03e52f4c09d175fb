/*
 * check_net.h: the transport stage of a posture check (check_opts.stages):
 * the MTA-STS policy fetched over HTTPS and compared with the MX hosts,
 * and, on request, each MX probed for STARTTLS.
 *
 * For a domain whose _mta-sts record is valid, the stage looks up the
 * addresses of mta-sts.<domain> on the check's resolver, fetches
 * https://mta-sts.<domain>/.well-known/mta-sts.txt with mtasts_fetch()
 * (certificate validation, 64 KiB cap, no redirects, non-public addresses
 * refused), parses the policy and adds findings: the transport's problems,
 * an invalid policy, testing or none mode, MX hosts the patterns miss,
 * a short max_age, a policy that changed while the record's id did not.
 * The policy text is kept in the history (kind "mta-sts-policy", event
 * "mtasts.policy").  With probe_smtp, every MX host with an address is
 * probed with smtp_probe() (EHLO, STARTTLS, TLS version, certificate).
 *
 * The fetch and the probes block, so they run on worker threads (at most
 * CHECK_NET_THREADS), each with an arena of its own; findings are added
 * on the thread that runs check_many(), when all of a domain's transport
 * work is done.  Addresses come from the check's own DNS answers and
 * go through the non-public rule of net.h; only allow_loopback (tests)
 * admits 127.0.0.0/8 and ::1.
 */
#ifndef DW_CHECK_NET_H
#define DW_CHECK_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/check.h"

#define CHECK_NET_THREADS	16		/* fetches and probes at once */
#define CHECK_NET_ARENA_MAX	((size_t)4 << 20)	/* per fetch or probe */

/*
 * The value last stored for (kind, name) of domain and when it was
 * stored: DW_OK with *value (NULL: the name had no record) copied into
 * arena a; DW_ENOTFOUND when nothing was ever stored for the name; any
 * other code when the history could not be read.
 */
typedef enum dw_err (*check_prev_fn)(void *arg, struct arena *a,
    const char *domain, const char *kind, const char *name,
    const char **value, int64_t *at);

struct check_net_opts {
	bool		 fetch_sts;	/* fetch the MTA-STS policy */
	bool		 probe_smtp;	/* probe every MX */
	/* A draft policy to judge instead of fetching one (borrowed), or
	 * NULL; source names it in findings. */
	const char	*policy;
	size_t		 policy_len;
	const char	*policy_source;
	const char	*ca_file;	/* trusted CAs instead of the system
					 * store (PEM), or NULL */
	bool		 allow_loopback;	/* tests only */
	uint16_t	 https_port;	/* 0: 443 */
	uint16_t	 smtp_port;	/* 0: 25 */
	unsigned	 timeout_ms;	/* 0: the defaults of net.h */
	unsigned	 connect_timeout_ms;
	const char	*ehlo_name;	/* NULL: an address literal */
	size_t		 threads;	/* 0: CHECK_NET_THREADS */
	check_prev_fn	 prev;		/* NULL: no history to compare */
	void		*prev_arg;
};

struct check_net;

/*
 * The options are copied (their strings are borrowed and must outlive
 * the stage).  DW_EINVAL when ca_file cannot be read, DW_ENOMEM.
 */
enum dw_err check_net_new(const struct check_net_opts *o,
    struct check_net **out);
/* Waits for nothing: call it after check_many() returned.  NULL: no-op. */
void check_net_free(struct check_net *cn);
/* The stage for check_opts.stages; valid as long as cn. */
const struct check_stage *check_net_stage(struct check_net *cn);

#endif
