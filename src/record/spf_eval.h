/*
 * spf_eval.h: check_host() of RFC 7208 §4, on any resolver.
 *
 * Limits are per check_host() call from the top, nested includes and
 * redirects included.  The outcome, its explanation and the trace are
 * arena-owned; the resolver is borrowed.
 */
#ifndef DW_SPF_EVAL_H
#define DW_SPF_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "dns/dns.h"
#include "spf_parse.h"

#define SPF_MAX_DNS_MECH	10	/* RFC 7208 §4.6.4 */
#define SPF_MAX_VOID_LOOKUPS	2	/* RFC 7208 §4.6.4 */
#define SPF_MAX_MX_NAMES	10	/* RFC 7208 §4.6.4 */
#define SPF_MAX_PTR_NAMES	10	/* RFC 7208 §4.6.4 */
#define SPF_TRACE_MAX		4096	/* events kept in one trace */
#define SPF_TIME_BUDGET_MS	20000	/* RFC 7208 §4.6.4: a limit on the
					 * elapsed time SHOULD allow at
					 * least 20 s; then temperror */

struct spf_query {
	const char	*ip;		/* client address, v4 or v6 text */
	const char	*sender;	/* MAIL FROM; "" or NULL: none */
	const char	*helo;		/* HELO/EHLO name */
	const char	*receiver;	/* %{r}; NULL: "unknown" */
	const char	*default_exp;	/* explanation when exp= gives none;
					 * NULL: SPF_DEFAULT_EXP */
	long long	 now;		/* %{t}; 0: time(NULL) */
	unsigned	 budget_ms;	/* no lookup is started after this
					 * much time (temperror); 0:
					 * SPF_TIME_BUDGET_MS */
	bool		 trace;
};

#define SPF_DEFAULT_EXP \
	"%{o} does not designate %{c} as a permitted sender"

enum spf_ev_kind {
	SPF_EV_RECORD,		/* a record selected for a domain */
	SPF_EV_TERM,		/* a term evaluated */
	SPF_EV_LOOKUP,		/* a DNS query and its outcome */
	SPF_EV_RESULT,		/* check_host() of one domain returned */
	SPF_EV_ERROR,		/* what made it a permerror/temperror */
};

struct spf_event {
	enum spf_ev_kind kind;
	unsigned	 depth;		/* 0 top, +1 per include/redirect */
	const char	*domain;
	const char	*text;		/* term, query, or record */
	const char	*note;		/* "match", "3 records", ... */
	unsigned	 dns_terms;	/* count toward the limit of 10 */
	unsigned	 voids;		/* count toward the limit of 2 */
};

struct spf_outcome {
	enum spf_result	 result;
	const char	*explanation;	/* fail only; else NULL */
	const char	*mechanism;	/* the deciding term, or NULL */
	const char	*problem;	/* why perm/temperror, or NULL */
	const char	*domain;	/* the domain checked */
	unsigned	 dns_terms;
	unsigned	 voids;
	struct spf_event *trace;
	size_t		 ntrace;
};

/* Parses an address literal; false when it is none.  An IPv4-mapped
 * IPv6 address becomes IPv4 (RFC 7208 §5). */
bool spf_ip_parse(const char *s, uint8_t out[16], bool *v6);

/*
 * Runs check_host() for q (§4: the domain is that of the sender, else the
 * HELO name).  DW_OK with out filled, whatever the SPF result; other codes
 * only for local failures (DW_ENOMEM, DW_EINVAL for a bad IP).
 */
enum dw_err spf_check_host(struct arena *a, struct dns_resolver *r,
    const struct spf_query *q, struct spf_outcome *out);

#endif
