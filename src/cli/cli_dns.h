/*
 * cli_dns.h: the resolver every DNS-using command builds from the global
 * options: --zone FILE answers from zone data (the SPF test suite's
 * "zonedata:" format), else libunbound asks --resolver ADDR[@PORT] (or
 * the servers of /etc/resolv.conf), each query given up after
 * $DMARCWARD_DNS_TIMEOUT milliseconds (default 5000), validating DNSSEC
 * when --trust-anchor FILE is given.  A TTL cache sits in front of
 * either.
 */
#ifndef DW_CLI_DNS_H
#define DW_CLI_DNS_H

#include "cli.h"
#include "dns/dns.h"

#define CLI_ZONE_MAX	((size_t)16 << 20)	/* bytes of a --zone file */

/* Logs the reason and returns NULL when it cannot be built.  The caller
 * frees the result with dns_free(). */
struct dns_resolver *cli_dns_resolver(const struct cli *c);

#endif
