/*
 * taglist.h: the tag=value lexer of RFC 6376 §3.2, shared by DKIM key
 * records and DMARC (RFC 9989 §4.7) and reused, with flags, for the
 * MTA-STS (RFC 8461 §3.1), TLS-RPT (RFC 8460 §3) and BIMI TXT records.
 *
 * taglist_parse() moves a cursor over buf[0..len): it never needs a NUL
 * and never writes to buf.  Each tag's value points into buf (borrowed:
 * valid while buf is), with surrounding whitespace removed; its name is
 * copied, NUL-terminated, into the arena.  Lexical problems are findings
 * in dl; tl->nerr counts the errors among them, and a tag-list with
 * errors is invalid as a whole (duplicates included, RFC 6376 §3.2).
 * A duplicate tag is reported and only the first occurrence is kept.
 */
#ifndef DW_TAGLIST_H
#define DW_TAGLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "record/diag.h"

/* No record kind defines more than a dozen tags; more is abuse. */
#define TAGLIST_MAX		64
/* RFC 8461 §3.1, RFC 8460 §3: extension names are 1 + *31 characters. */
#define TAGLIST_EXT_NAME_MAX	32

enum taglist_flags {
	TL_FWS		= 1 << 0,	/* CRLF WSP folding (RFC 6376 §2.8) */
	TL_TRAIL_WSP	= 1 << 1,	/* WSP after the final ';' is fine */
	TL_CASELESS	= 1 << 2,	/* names compare case-insensitively */
	TL_EXT_NAMES	= 1 << 3,	/* (ALPHA/DIGIT) *31(ALNUM/_/-/.) */
	TL_NO_WSP_EQ	= 1 << 4,	/* no whitespace around '=' */
	TL_DUPS_OK	= 1 << 5,	/* repeated names are kept (RFC 8460
					 * §3 has no rule against them) */
};

struct tag {
	const char	*name;		/* arena-owned, NUL-terminated */
	size_t		 name_len;
	const char	*val;		/* borrowed from buf, not terminated */
	size_t		 val_len;
	size_t		 off;		/* of the name in buf */
	size_t		 val_off;	/* of the value in buf */
};

struct taglist {
	struct tag	 t[TAGLIST_MAX];
	size_t		 n;
	size_t		 nerr;		/* error findings added */
	unsigned	 flags;
	size_t		 trailing_sep;	/* 1 when the list ended with ';' */
};

enum dw_err taglist_parse(struct arena *a, const char *buf, size_t len,
    unsigned flags, struct taglist *tl, struct diag_list *dl);
/* The tag called name (per the list's case rule), or NULL. */
const struct tag *taglist_get(const struct taglist *tl, const char *name);
/* True when tag t is called name (case-insensitively when caseless). */
bool tag_is(const struct tag *t, const char *name, bool caseless);

/* s[0..len) equals the NUL-terminated lit, exactly / ignoring ASCII case. */
bool tl_eq(const char *s, size_t len, const char *lit);
bool tl_ieq(const char *s, size_t len, const char *lit);
/*
 * s[0..len) is 1*DIGIT with a value <= max: stores it in *out.  Empty
 * input, signs, other bytes and overflow give false.
 */
bool tl_uint(const char *s, size_t len, uint64_t max, uint64_t *out);
/* RFC 8461 §3.1 / RFC 8460 §3 extension value: 1*(%x21-3A / %x3C /
 * %x3E-7E), so no ';', '=', space or control. */
bool tl_ext_value_ok(const char *s, size_t len);
bool tl_is_wsp(char c);
bool tl_is_alpha(char c);
bool tl_is_digit(char c);

#endif
