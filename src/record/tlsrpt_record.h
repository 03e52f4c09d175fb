/*
 * tlsrpt_record.h: SMTP TLS Reporting policy records, _smtp._tls.<domain>
 * TXT (RFC 8460 §3): v=TLSRPTv1 first, rua= a comma-separated list of
 * mailto: or https: URIs, extension fields.
 *
 * tlsrpt_record_parse() reads buf[0..len), never needs a NUL and never
 * writes to buf; *out and its strings are arena-owned.
 */
#ifndef DW_TLSRPT_RECORD_H
#define DW_TLSRPT_RECORD_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "record/diag.h"
#include "record/uri.h"

#define TLSRPT_URIS_MAX	32	/* rua URIs we read */
#define TLSRPT_EXT_MAX	32	/* extensions kept */

struct tlsrpt_uri {
	const char	*uri;
	size_t		 off;
	enum uri_scheme	 scheme;	/* URI_MAILTO or URI_HTTPS */
	size_t		 group;		/* which rua= tag it came from */
};

struct tlsrpt_ext {
	const char	*name;
	const char	*value;
};

struct tlsrpt_record {
	enum rec_status	 status;
	struct tlsrpt_uri rua[TLSRPT_URIS_MAX];
	size_t		 nrua;
	size_t		 ngroups;	/* rua= tags; more than 1 warns */
	struct tlsrpt_ext ext[TLSRPT_EXT_MAX];
	size_t		 next;
};

enum dw_err tlsrpt_record_parse(struct arena *a, const char *buf,
    size_t len, struct tlsrpt_record **out, struct diag_list *dl);

#endif
