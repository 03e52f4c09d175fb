/*
 * dmarc_record.h: DMARC policy records (RFC 9989 §4.7, §4.8).
 *
 * dmarc_record_parse() reads buf[0..len) strictly by RFC 9989: v=DMARC1
 * first (tag name in any case, value exact), each known tag's value by
 * its ABNF, duplicates invalid (RFC 6376 §3.2), unknown tags ignored with
 * a finding.  pct, rf and ri (removed by RFC 9989) are accepted with a
 * finding.  The verdict is r->status; findings go to dl.  It never needs
 * a NUL and never writes to buf.  *out and every string in it are
 * arena-owned, valid until arena_free(a).
 */
#ifndef DW_DMARC_RECORD_H
#define DW_DMARC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "record/diag.h"
#include "record/uri.h"

#define DMARC_URIS_MAX		32	/* per rua or ruf (RFC 9989 §4.7:
					 * receivers must support two) */
#define DMARC_NAME_MAX		253	/* RFC 1035 §2.3.4 */
#define DMARC_NEXT_MAX		4096	/* bytes of a suggested record */

enum dmarc_policy {
	DMARC_P_UNSET, DMARC_P_NONE, DMARC_P_QUARANTINE, DMARC_P_REJECT,
};
enum dmarc_align { DMARC_ALIGN_RELAXED, DMARC_ALIGN_STRICT };
enum dmarc_psd { DMARC_PSD_U, DMARC_PSD_Y, DMARC_PSD_N };

#define DMARC_FO_0	0x1
#define DMARC_FO_1	0x2
#define DMARC_FO_D	0x4
#define DMARC_FO_S	0x8

const char *dmarc_policy_name(enum dmarc_policy p);

struct dmarc_uri {
	const char	*uri;		/* without any size suffix */
	size_t		 off;		/* in the record */
	enum uri_scheme	 scheme;
	const char	*domain;	/* mailto domain or https host, lower
					 * case, or NULL when unusable */
	bool		 has_size;	/* obsolete "!size" suffix present */
	uint64_t	 size;		/* its number */
	char		 unit;		/* 0, 'k', 'm', 'g' or 't' */
	uint64_t	 max_bytes;	/* size times unit */
};

struct dmarc_record {
	enum rec_status	 status;
	/* As published: UNSET when absent or not valid. */
	enum dmarc_policy p, sp, np;
	/* What receivers apply: sp defaults to p, np to sp, and p=none
	 * stands in for a missing or bad policy when rua= is usable
	 * (RFC 9989 §4.10.1).  UNSET when receivers apply no DMARC. */
	enum dmarc_policy eff_p, eff_sp, eff_np;
	enum dmarc_align adkim, aspf;
	enum dmarc_psd	 psd;
	bool		 t;
	unsigned	 fo;		/* DMARC_FO_*; DMARC_FO_0 by default */
	bool		 fo_set;
	struct dmarc_uri *rua, *ruf;
	size_t		 nrua, nruf;
	const char	*pct, *rf, *ri;	/* removed tags as published, or
					 * NULL */
	size_t		 ntags;		/* tags read, v included */
};

enum dw_err dmarc_record_parse(struct arena *a, const char *buf, size_t len,
    struct dmarc_record **out, struct diag_list *dl);

/*
 * The TXT strings found at _dmarc.<domain> (each already the
 * concatenation of its character-strings).  Strings that do not start
 * with v=DMARC1 are discarded (RFC 9989 §4.10 step 2): none left gives
 * REC_ABSENT; more than one DMARC record gives REC_INVALID; one is
 * parsed.  Borrows txt and lens.
 */
enum dw_err dmarc_record_select(struct arena *a, const char *const *txt,
    const size_t *lens, size_t n, struct dmarc_record **out,
    struct diag_list *dl);


struct dmarc_auth {
	const struct dmarc_uri *uri;	/* borrowed from the record */
	bool		 ruf;		/* from ruf= rather than rua= */
	const char	*dest;		/* the destination domain */
	const char	*name;		/* <policy>._report._dmarc.<dest> */
	bool		 too_long;	/* name over DMARC_NAME_MAX */
};

/*
 * For each rua/ruf destination outside the policy domain's
 * Organizational Domain, the name of the TXT record that must authorize
 * it (RFC 9990 §4 / RFC 7489 §7.1).  The caller decides "outside" with
 * same_org(ctx, policy_domain, dest), since the PSL or tree walk lives
 * elsewhere.  Destinations are listed once.  *out is arena-owned.
 */
enum dw_err dmarc_record_auth_names(struct arena *a,
    const struct dmarc_record *r, const char *policy_domain,
    bool (*same_org)(void *ctx, const char *a, const char *b), void *ctx,
    struct dmarc_auth **out, size_t *n);

/*
 * The record the domain should publish next on the way to p=reject:
 * absent -> p=none; invalid -> the record repaired at the policy
 * receivers apply now; t=y -> the same policy without t=y; none ->
 * quarantine -> reject.  Keeps rua, ruf and the other valid tags, drops
 * pct, rf and ri.  *out is NULL when r is already at p=reject.
 * *out is arena-owned.
 */
enum dw_err dmarc_record_next(struct arena *a, const struct dmarc_record *r,
    const char **out);

#endif
