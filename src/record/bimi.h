/*
 * bimi.h: BIMI assertion records, default._bimi.<domain> TXT
 * (draft-brand-indicators-for-message-identification): v=BIMI1 first,
 * l= the indicator location and a= the evidence document location, each
 * an https: URI or empty.  Syntax and HTTPS checks only: nothing is
 * fetched or rendered.
 *
 * bimi_parse() reads buf[0..len), never needs a NUL and never writes to
 * buf; *out and its strings are arena-owned.
 */
#ifndef DW_BIMI_H
#define DW_BIMI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "record/diag.h"

struct bimi_record {
	enum rec_status	 status;
	const char	*l;		/* NULL when absent, "" when empty */
	const char	*a;
	bool		 declined;	/* l= and a= both empty */
};

enum dw_err bimi_parse(struct arena *a, const char *buf, size_t len,
    struct bimi_record **out, struct diag_list *dl);

#endif
