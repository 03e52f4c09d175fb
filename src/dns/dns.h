/*
 * dns.h: the resolver interface.
 *
 * A resolver is a struct of function pointers (OpenSMTPD's queue backends)
 * with three implementations: libunbound (dns_unbound.c, real DNS,
 * asynchronous), zone data in the SPF test suite's "zonedata:" format
 * (dns_fake.c, hermetic) and a TTL-honouring cache in front of either
 * (dns_cache.c).
 *
 * Every lookup has three outcomes, never folded into each other:
 *   records      DW_OK, ans->n > 0
 *   NODATA       DW_OK, ans->n == 0 (the name exists, no RR of the type)
 *   NXDOMAIN     DW_EDNS_PERM
 *   SERVFAIL or timeout   DW_EDNS_TEMP
 * DW_ENOMEM / DW_ELIMIT / DW_EINVAL are local failures.
 *
 * Asynchronous use: dns_submit() queues a query; the callback runs from
 * inside dns_wait() (never from dns_submit() itself, so a caller can
 * submit many before collecting any).  A callback may submit more queries.
 * dns_query() is the synchronous convenience wrapper.
 *
 * Ownership: an answer and every string in it live in the arena passed
 * with the query (arena-owned); the resolver keeps nothing of the caller's.
 */
#ifndef DW_DNS_H
#define DW_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define DNS_NAME_MAX	253	/* RFC 1035 §2.3.4, presentation, no dot */
#define DNS_LABEL_MAX	63	/* RFC 1035 §2.3.4 */
#define DNS_CNAME_MAX	8	/* longest CNAME chain followed */
#define DNS_UDP_CLASSIC	512	/* RFC 1035 §4.2.1: answers above truncate
				 * for resolvers without EDNS */
#define DNS_TXT_STRING_MAX 255	/* RFC 1035 §3.3: one character-string */

enum dns_type {
	DNS_T_A = 1,
	DNS_T_CNAME = 5,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_TLSA = 52,
	DNS_T_SPF = 99,		/* obsolete (RFC 7208 §3.1); fake only */
};

/* DNSSEC status of an answer (meaningful with a trust anchor only). */
enum dns_sec {
	DNS_SEC_UNCHECKED = 0,	/* no trust anchor, or not validated */
	DNS_SEC_INSECURE,	/* validated: the zone is not signed */
	DNS_SEC_SECURE,
	DNS_SEC_BOGUS,		/* reported as DW_EDNS_TEMP, with why */
};

/* "unchecked", "insecure", "secure", "bogus" */
const char *dns_sec_name(enum dns_sec s);

struct dns_rr {
	uint32_t	 ttl;
	union {
		uint8_t	 addr[16];	/* A: 4 bytes, AAAA: 16 */
		struct {
			uint16_t	 pref;
			char		*host;	/* "" for a null MX */
		} mx;
		char	*name;		/* PTR, CNAME target */
		struct {
			/* the character-strings joined with no separator
			 * (RFC 7208 §3.3); NUL-terminated, may hold NULs */
			char	*data;
			size_t	 len;
			size_t	 nstrings;
			size_t	 longest;	/* longest single string */
		} txt;
		struct {		/* TLSA and any other type: rdata */
			uint8_t	*data;
			size_t	 len;
		} raw;
	} u;
};

struct dns_answer {
	enum dns_type	 type;
	const char	*qname;		/* as asked, lower case, no dot */
	const char	*canon;		/* after CNAMEs (== qname if none) */
	size_t		 ncname;	/* CNAMEs followed */
	size_t		 n;
	struct dns_rr	*rr;
	uint32_t	 ttl;		/* of the RRset or negative answer */
	size_t		 wire_len;	/* DNS message size, 0 if unknown */
	enum dns_sec	 sec;
	/* DW_EDNS_TEMP only: "timeout", "SERVFAIL", "malformed answer",
	 * the DNSSEC failure of a bogus answer...; else NULL */
	const char	*why;
};

struct dns_resolver;

/*
 * Called once per query with its outcome; ans is NULL unless err is DW_OK
 * (for DW_EDNS_PERM / DW_EDNS_TEMP ans may be non-NULL and carry the
 * negative TTL, the DNSSEC status and, for DW_EDNS_TEMP, why).  ans lives
 * in the query's arena.
 */
#define DNS_CB(f) void (*f)(void *arg, enum dw_err err, \
    const struct dns_answer *ans)

struct dns_resolver_ops {
	const char	*name;
	enum dw_err	(*submit)(struct dns_resolver *r, struct arena *a,
			    const char *name, enum dns_type type,
			    DNS_CB(cb), void *arg);
	/* Runs callbacks until nothing is pending. */
	enum dw_err	(*wait)(struct dns_resolver *r);
	/* Runs the callbacks of queries already answered; never blocks. */
	enum dw_err	(*poll)(struct dns_resolver *r);
	size_t		(*pending)(const struct dns_resolver *r);
	void		(*free)(struct dns_resolver *r);
};

struct dns_resolver {
	const struct dns_resolver_ops *ops;
	uint64_t	 nqueries;	/* queries submitted, for statistics */
};

enum dw_err dns_submit(struct dns_resolver *r, struct arena *a,
    const char *name, enum dns_type type, DNS_CB(cb), void *arg);
enum dw_err dns_wait(struct dns_resolver *r);
enum dw_err dns_poll(struct dns_resolver *r);
size_t dns_pending(const struct dns_resolver *r);
/* Synchronous: *ans as for the callback (NULL for a local failure). */
enum dw_err dns_query(struct dns_resolver *r, struct arena *a,
    const char *name, enum dns_type type, const struct dns_answer **ans);
void dns_free(struct dns_resolver *r);	/* dns_free(NULL) is a no-op */

const char *dns_type_name(enum dns_type t);
/* "A", "txt", ... → type; false when unknown. */
bool dns_type_parse(const char *s, enum dns_type *out);

/*
 * Normalizes a presentation-format name into out (size >= DNS_NAME_MAX+2):
 * lower case, one trailing dot removed.  DW_ESYNTAX when a label is empty
 * or over 63 bytes or the name is over 253.
 */
enum dw_err dns_name_norm(const char *name, char *out, size_t outsz);

/* The reverse name of an address: "4.3.2.1.in-addr.arpa" or nibbles under
 * "ip6.arpa".  out needs DNS_NAME_MAX + 1 bytes. */
void dns_reverse_name(const uint8_t *addr, bool v6, char *out, size_t sz);

/* Helpers for implementations: copy an answer into another arena. */
struct dns_answer *dns_answer_copy(struct arena *a,
    const struct dns_answer *src);
/* Fills a TXT rr from rdata (character-strings); DW_ESYNTAX on a bad
 * length byte.  Strings are joined per RFC 7208 §3.3. */
enum dw_err dns_txt_from_rdata(struct arena *a, const uint8_t *rd,
    size_t len, struct dns_rr *rr);

/* ---- the cache: a resolver in front of another ---- */

#define DNS_CACHE_MAX_ENTRIES	65536
#define DNS_CACHE_MAX_TTL	86400	/* cap on any TTL honoured */

/*
 * Takes ownership of inner when it succeeds (NULL: inner is still the
 * caller's).  Answers (and NXDOMAIN/NODATA, with their
 * negative TTL) are reused until their TTL runs out; temporary failures
 * are never cached.  now_fn (NULL: monotonic clock) returns seconds, so
 * tests can move time.
 */
struct dns_resolver *dns_cache_new(struct dns_resolver *inner,
    size_t max_entries, double (*now_fn)(void *), void *now_arg);
/* Hits and misses so far. */
void dns_cache_stats(const struct dns_resolver *cache, uint64_t *hits,
    uint64_t *misses);

/* ---- libunbound ---- */

struct dns_unbound_opts {
	const char	*upstream;	/* "127.0.0.1@5353"; NULL:
					 * the servers of resolv.conf */
	const char	*trust_anchor;	/* file of DS/DNSKEY records in
					 * zone-file format, or NULL: no
					 * DNSSEC validation */
	unsigned	 timeout_ms;	/* per query; 0: DNS_UNBOUND_TIMEOUT */
	unsigned	 max_inflight;	/* 0: DNS_UNBOUND_INFLIGHT */
};

#define DNS_UNBOUND_TIMEOUT	5000
#define DNS_TA_FILE_MAX		(1 << 20)	/* bytes of an anchor file */
#define DNS_UNBOUND_INFLIGHT	512

/* The whole configuration is applied (libunbound "finalized") before this
 * returns; any refused option is an error (DW_EINVAL with the reason in
 * e), so a typo can never make libunbound fall back to recursion from the
 * root.  A trust anchor file that cannot be read, holds no DS or DNSKEY
 * record or does not parse is such an error.  With a trust anchor, every
 * answer carries its DNSSEC status; a bogus one is DW_EDNS_TEMP. */
enum dw_err dns_unbound_new(const struct dns_unbound_opts *o,
    struct dns_resolver **out, struct dw_error *e);

#endif
