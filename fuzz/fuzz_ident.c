/*
 * fuzz_ident.c: the domain and IP address spellings the report parsers
 * share, on one input.  A normalized name or address must normalize to
 * itself again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char d[REPORT_DOMAIN_BUF], d2[REPORT_DOMAIN_BUF];
	char ip[REPORT_IP_BUF], ip2[REPORT_IP_BUF], q[80];

	if (report_domain_norm(s, size, d, sizeof(d)) &&
	    (!report_domain_norm(d, strlen(d), d2, sizeof(d2)) ||
	    strcmp(d, d2) != 0))
		abort();
	if (report_ip_canon(s, size, ip, sizeof(ip)) &&
	    (!report_ip_canon(ip, strlen(ip), ip2, sizeof(ip2)) ||
	    strcmp(ip, ip2) != 0))
		abort();
	(void)report_quote(q, sizeof(q), s, size);
	return 0;
}
