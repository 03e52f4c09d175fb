/*
 * ident.h: the identifiers reports carry -- IP addresses and domain names
 * -- checked strictly and put in one spelling, so one sender or domain is
 * one value however a reporter wrote it.
 */
#ifndef DW_IDENT_H
#define DW_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "../dns/dns.h"

#define IDENT_IP_MAX	46	/* INET6_ADDRSTRLEN */
#define IDENT_DOMAIN_MAX (DNS_NAME_MAX + 2)

/*
 * The canonical form of the IP address in s[0..n) into out: checked with
 * inet_pton (no leading-zero IPv4, no zone ids, no host names), written
 * by inet_ntop (a dotted quad, or RFC 5952 text for IPv6), with an
 * IPv4-mapped address (::ffff:a.b.c.d) folded to its IPv4 form.  False
 * when s is not an address.
 */
bool ident_ip_canon(const char *s, size_t n, char *out, size_t outsz);

/*
 * Normalizes the domain name in s[0..n) into out (IDENT_DOMAIN_MAX
 * bytes): dns_name_norm()'s lengths and lower case, one trailing dot
 * dropped, and labels of letters, digits, '-', '_' or valid UTF-8 that
 * neither start nor end with '-'.  False when s is not such a name.
 */
bool ident_domain_norm(const char *s, size_t n, char *out, size_t outsz);

#endif
