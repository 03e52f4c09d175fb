/*
 * orgdomain.h: organizational domains from the Public Suffix List, for
 * relaxed DMARC alignment (RFC 9989: two names are in relaxed alignment
 * when their organizational domains are the same) and for naming the
 * base domain of a host.
 *
 * The list is libpsl's: the newer of its built-in copy and Debian's
 * publicsuffix package (/usr/share/publicsuffix), loaded once and never
 * changed, so one handle may be shared by threads.  This is the PSL way
 * of finding the organizational domain; RFC 9989's DNS tree walk needs a
 * resolver and belongs to the posture checks.
 */
#ifndef DW_ORGDOMAIN_H
#define DW_ORGDOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct orgdomain;

enum dw_err orgdomain_new(struct orgdomain **out, struct dw_error *e);
void orgdomain_free(struct orgdomain *od);	/* NULL is a no-op */

/*
 * The registrable domain of name (lower case, no trailing dot): the
 * public suffix plus one label.  A name that is itself a public suffix,
 * or is empty, has none: then name itself is returned.  The result points
 * into name (borrowed), never a copy.
 */
const char *orgdomain_of(const struct orgdomain *od, const char *name);

/*
 * The base domain of a host name, for grouping hosts by who runs them:
 * the registrable domain by the list's ICANN section only.  The private
 * section names customers' own zones under a provider (every EC2 host
 * under compute-1.amazonaws.com is its own "registrable" name there),
 * which would split one provider into thousands.  Points into name.
 */
const char *orgdomain_base(const struct orgdomain *od, const char *name);

/* Relaxed alignment: the same organizational domain (ASCII
 * case-insensitive). */
bool orgdomain_relaxed(const struct orgdomain *od, const char *a,
    const char *b);

#endif
