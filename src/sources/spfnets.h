/*
 * spfnets.h: the addresses a service's SPF include authorizes, as a list
 * of networks, so each source address can be tested against every known
 * service without evaluating SPF per address.
 *
 * spfnets_resolve() walks the include's SPF record through a resolver:
 * ip4/ip6 terms (qualifier pass) are taken as they are, a/mx terms are
 * resolved to their addresses, include: and redirect= are followed.  The
 * walk stops at SPF's own limits (RFC 7208 §4.6.4: 10 DNS-querying terms,
 * 10 MX names).  What cannot be listed (exists:, ptr:, macros that depend
 * on the client, a limit hit, a lookup that failed) is said in *partial:
 * addresses matched by those terms are not seen as the service's.
 *
 * The result is text, "192.0.2.0/24 2001:db8::/32", the form kept in the
 * store; spfnets_add() reads it back strictly (it is stored data, not
 * trusted blindly).
 */
#ifndef DW_SPFNETS_H
#define DW_SPFNETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "dns/dns.h"

#define SPFNETS_NETS_MAX	8192	/* networks of one include */
#define SPFNETS_TEXT_MAX	((size_t)SPFNETS_NETS_MAX * 44)
#define SPFNETS_TTL_DEFAULT	3600	/* when no answer carried a TTL */

struct spfnets_result {
	struct buf	 nets;		/* "a/n b/m ...", SPFNETS_TEXT_MAX */
	struct buf	 partial;	/* "" when complete */
	uint32_t	 ttl;		/* the least TTL of the answers */
	size_t		 n;		/* networks */
};

void spfnets_result_init(struct spfnets_result *res);
void spfnets_result_fini(struct spfnets_result *res);

/*
 * Resolves include (a domain name) into res.  DW_OK even when parts are
 * missing (see partial); DW_ENOMEM / DW_ELIMIT for local failures.
 */
enum dw_err spfnets_resolve(struct dns_resolver *r, const char *include,
    struct spfnets_result *res, struct dw_error *e);

/* Networks of many services, for matching. */
struct spfnet {
	uint8_t		 addr[16];
	uint8_t		 prefix;
	bool		 v6;
	uint16_t	 svc;		/* the caller's service number */
};

struct spfnets {
	struct spfnet	*v;
	size_t		 n, cap;
};

void spfnets_init(struct spfnets *s);
void spfnets_fini(struct spfnets *s);
/* Adds the networks of text (spfnets_result.nets) for service svc;
 * DW_ESYNTAX names a bad item. */
enum dw_err spfnets_add(struct spfnets *s, const char *text, uint16_t svc,
    struct dw_error *e);
/*
 * The services whose networks hold addr: their numbers into out (at most
 * max, each once, in order of first match); returns how many.
 */
size_t spfnets_match(const struct spfnets *s, const uint8_t addr[16],
    bool v6, uint16_t *out, size_t max);

#endif
