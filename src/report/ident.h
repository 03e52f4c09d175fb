/*
 * ident.h: the identifiers reports carry (domain names, IP addresses) in
 * one canonical spelling, and attacker text quoted for error messages.
 * Shared by the aggregate (agg_xml.c), SMTP TLS (tlsrpt_json.c) and
 * failure report (failure*.c) parsers, so a name or address reads the
 * same in all three.
 */
#ifndef DW_REPORT_IDENT_H
#define DW_REPORT_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "../dns/dns.h"

#define REPORT_DOMAIN_BUF	(DNS_NAME_MAX + 2)	/* out of domain_norm */
#define REPORT_IP_BUF		46	/* INET6_ADDRSTRLEN */

/*
 * Normalizes s[0..n) (borrowed, need not be NUL-terminated) into out
 * (REPORT_DOMAIN_BUF bytes) when it is a domain name: dns_name_norm()'s
 * lengths, one trailing dot dropped, ASCII lower-cased, and labels of
 * letters, digits, '-', '_' or valid UTF-8 that neither start nor end
 * with '-'.
 */
bool report_domain_norm(const char *s, size_t n, char *out, size_t outsz);

/*
 * The canonical text of the IP address s[0..n) into out (REPORT_IP_BUF
 * bytes): inet_pton's rules (no leading-zero IPv4, no zone ids, no host
 * names), written by inet_ntop, an IPv4-mapped IPv6 address folded to
 * IPv4.  False when s is not an address.
 */
bool report_ip_canon(const char *s, size_t n, char *out, size_t outsz);

/*
 * At most 64 bytes of s[0..n) for a message, control characters as '?'
 * and "..." when cut; returns dst.
 */
const char *report_quote(char *dst, size_t dstsz, const char *s, size_t n);

#endif
