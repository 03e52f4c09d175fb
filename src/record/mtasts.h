/*
 * mtasts.h: MTA-STS (RFC 8461): the _mta-sts TXT record (§3.1), the
 * policy file served at https://mta-sts.<domain>/.well-known/mta-sts.txt
 * (§3.2), and MX host matching against its patterns (§4.1).
 *
 * Parsers read buf[0..len), never need a NUL and never write to buf;
 * *out and its strings are arena-owned.  Fetching the policy (HTTPS,
 * no redirects) is the caller's business; the parser only caps its
 * size.
 */
#ifndef DW_MTASTS_H
#define DW_MTASTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "record/diag.h"

#define MTASTS_ID_MAX		32		/* RFC 8461 §3.1 */
#define MTASTS_EXT_NAME_MAX	32		/* RFC 8461 §3.1, §3.2 */
#define MTASTS_MAX_AGE_MAX	31557600	/* RFC 8461 §3.2 */
#define MTASTS_MAX_AGE_DIGITS	10		/* RFC 8461 §3.2 ABNF */
#define MTASTS_POLICY_MAX	65536		/* RFC 8461 §3.3 suggests
						 * 64 KiB */
#define MTASTS_MX_MAX		64		/* patterns we read */
#define MTASTS_EXT_MAX		32		/* extensions kept */
#define MTASTS_MAX_AGE_SHORT	86400		/* under a day: finding */

enum mtasts_mode {
	MTASTS_MODE_UNSET, MTASTS_MODE_ENFORCE, MTASTS_MODE_TESTING,
	MTASTS_MODE_NONE,
};

struct mtasts_ext {
	const char	*name;
	const char	*value;
};

struct mtasts_record {
	enum rec_status	 status;
	const char	*id;
	struct mtasts_ext ext[MTASTS_EXT_MAX];
	size_t		 next;
};

struct mtasts_policy {
	enum rec_status	 status;
	enum mtasts_mode mode;
	uint64_t	 max_age;
	bool		 max_age_set;
	const char	*mx[MTASTS_MX_MAX];	/* patterns as published */
	size_t		 nmx;
	struct mtasts_ext ext[MTASTS_EXT_MAX];
	size_t		 next;
};

enum dw_err mtasts_record_parse(struct arena *a, const char *buf,
    size_t len, struct mtasts_record **out, struct diag_list *dl);
/* Over MTASTS_POLICY_MAX bytes: DW_ELIMIT, a finding, REC_INVALID. */
enum dw_err mtasts_policy_parse(struct arena *a, const char *buf,
    size_t len, struct mtasts_policy **out, struct diag_list *dl);
/*
 * True when host[0..len) (an MX name, final dot allowed) matches the
 * pattern: equal ignoring ASCII case, or "*." covering exactly one
 * leftmost label (§4.1).
 */
bool mtasts_pattern_match(const char *pattern, const char *host,
    size_t len);
bool mtasts_mx_match(const struct mtasts_policy *p, const char *host,
    size_t len);

#endif
