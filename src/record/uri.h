/*
 * uri.h: the URI checks the record parsers share (DMARC rua/ruf,
 * TLS-RPT rua, BIMI l/a): RFC 3986 generic syntax, the mailto: address
 * (RFC 6068) or the http(s) host, and host-name syntax (RFC 1123 LDH).
 * Pure functions over (const char *, size_t); nothing is copied.
 */
#ifndef DW_URI_H
#define DW_URI_H

#include <stdbool.h>
#include <stddef.h>

#define URI_HOST_MAX	253	/* RFC 1035 §2.3.4, without the root dot */
#define URI_LABEL_MAX	63	/* RFC 1035 §2.3.4 */

enum uri_scheme { URI_OTHER, URI_MAILTO, URI_HTTPS, URI_HTTP };

struct uri_info {
	enum uri_scheme	 scheme;
	const char	*host;		/* mailto domain or http(s) host, */
	size_t		 host_len;	/* borrowed from the input */
	bool		 addr_ok;	/* mailto: has local@domain; http(s):
					 * has a host name */
};

/*
 * True when s[0..len) is an absolute URI by RFC 3986 (scheme ":" and
 * only characters a URI may hold, each '%' followed by two hex digits).
 * Fills *u, which says whether the address part is usable.
 */
bool uri_parse(const char *s, size_t len, struct uri_info *u);
/* LDH labels of 1..63, 253 in all, an optional final dot. */
bool uri_hostname_ok(const char *s, size_t len);

#endif
