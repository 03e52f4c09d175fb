/*
 * spf_parse.h: SPF records (RFC 7208 §4.5, §5, §6, §7, §12 ABNF).
 *
 * spf_parse() reads rec[0..len) strictly by the ABNF and never writes to
 * it or needs a NUL.  The verdict (valid or not) is apart from the
 * findings: DW_OK with rec->valid == false and findings is a successful
 * parse of a bad record.  Everything in *out is arena-owned.
 *
 * Macro strings are kept unexpanded; spf_macro_expand() expands them
 * against a context at evaluation time (RFC 7208 §7).
 */
#ifndef DW_SPF_PARSE_H
#define DW_SPF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

#define SPF_RECORD_MAX		65535	/* bytes of one record we parse */
#define SPF_TERMS_MAX		1024	/* terms in one record */
#define SPF_FINDINGS_MAX	32	/* findings kept per record */
#define SPF_DOMAIN_MAX		253	/* RFC 7208 §7.3: truncate to this */
#define SPF_MACRO_OUT_MAX	8192	/* bytes of one expansion */

enum spf_result {
	SPF_NONE, SPF_NEUTRAL, SPF_PASS, SPF_FAIL, SPF_SOFTFAIL,
	SPF_TEMPERROR, SPF_PERMERROR,
};

const char *spf_result_name(enum spf_result r);

enum spf_kind {
	SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6,
	SPF_EXISTS,
	SPF_REDIRECT, SPF_EXP, SPF_UNKNOWN_MOD,
};

const char *spf_kind_name(enum spf_kind k);
/* True for the terms that count toward the limit of 10 (§4.6.4). */
bool spf_kind_queries(enum spf_kind k);

struct spf_term {
	enum spf_kind	 kind;
	enum spf_result	 qual;		/* mechanisms: PASS by default */
	const char	*text;		/* the whole term, NUL-terminated */
	size_t		 off;		/* byte offset in the record */
	const char	*spec;		/* domain-spec / macro-string, or
					 * NULL when absent */
	int		 cidr4, cidr6;	/* prefix lengths, -1 when absent */
	uint8_t		 addr[16];	/* ip4: 4 bytes, ip6: 16 */
	const char	*modname;	/* unknown modifiers */
};

enum spf_fcode {
	SPF_F_VERSION,		/* not "v=spf1" */
	SPF_F_NONASCII,		/* byte outside 7-bit ASCII (§3.1) */
	SPF_F_BAD_TERM,		/* unknown mechanism or bad term syntax */
	SPF_F_BAD_CIDR,
	SPF_F_BAD_IP,
	SPF_F_BAD_DOMAIN,	/* domain-spec / domain-end (§7.1) */
	SPF_F_BAD_MACRO,
	SPF_F_DUP_MODIFIER,	/* redirect or exp twice (§6) */
	SPF_F_TOO_MANY,		/* over SPF_TERMS_MAX */
};

struct spf_finding {
	enum spf_fcode	 code;
	size_t		 off;	/* byte offset in the record */
	const char	*msg;	/* arena-owned, says what and where */
};

struct spf_record {
	bool			 valid;
	struct spf_term		*terms;
	size_t			 nterms;	/* mechanisms and modifiers */
	const struct spf_term	*redirect, *exp;	/* or NULL */
	struct spf_finding	*findings;
	size_t			 nfindings;
};

/* True when rec starts with "v=spf1" then a space or the end (§4.5). */
bool spf_is_spf1(const char *rec, size_t len);

enum dw_err spf_parse(struct arena *a, const char *rec, size_t len,
    struct spf_record **out);

/*
 * Macro expansion (§7).  The context: s, l, o, d, i, p, v, h and, for
 * exp= text only, c, r, t.  p is produced on demand by the callback (it
 * needs DNS); NULL callback gives "unknown".
 */
struct spf_macro_ctx {
	const char	*sender;	/* s */
	const char	*local;		/* l */
	const char	*sender_dom;	/* o */
	const char	*domain;	/* d */
	const uint8_t	*ip;		/* 4 or 16 bytes */
	bool		 v6;
	const char	*helo;		/* h */
	const char	*receiver;	/* r, exp only */
	long long	 now;		/* t, exp only */
	enum dw_err	(*p_fn)(void *arg, const char **out);
	void		*p_arg;
};

/* Is s[0..len) a valid macro-string (explain: explain-string)? */
bool spf_macro_valid(const char *s, size_t len, bool explain);

/*
 * Appends the expansion of s[0..len) to out.  DW_ESYNTAX on a bad macro
 * (a permerror), DW_ELIMIT when the output passes out's cap.  explain
 * allows c, r, t and spaces (an explain-string).
 */
enum dw_err spf_macro_expand(const struct spf_macro_ctx *ctx,
    const char *s, size_t len, bool explain, struct buf *out);

/*
 * The target of a domain-spec after expansion (§7.3, §4.3): strips one
 * trailing dot, cuts labels off the left while over 253 bytes, and
 * checks labels (1..63 bytes) and the last label.  False when invalid.
 */
bool spf_domain_fix(struct buf *b);

#endif
