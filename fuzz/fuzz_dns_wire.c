/*
 * fuzz_dns_wire.c: DNS bytes from a stranger.
 *
 * The first input byte picks a record type (A, AAAA, MX, PTR, CNAME, TXT,
 * TLSA); the rest is that record's rdata, read into a struct dns_rr and
 * copied as the cache copies answers.  The whole input is also read as
 * a DNS message whose answer-section CNAMEs are counted.
 */
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "dns/dns_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dns_type types[] = { DNS_T_A, DNS_T_AAAA, DNS_T_MX,
	    DNS_T_PTR, DNS_T_CNAME, DNS_T_TXT, DNS_T_TLSA };
	struct arena *a = arena_new((size_t)16 << 20);
	struct dns_answer ans = { 0 };
	struct dns_rr rr = { 0 };
	enum dns_type t;

	if (a == NULL || size == 0)
		goto out;
	(void)dns_wire_count_cnames(data, size);
	t = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	if (dns_wire_rr(a, t, data + 1, size - 1, &rr) == DW_OK) {
		ans.type = t;
		ans.qname = "fuzz.example";
		ans.canon = ans.qname;
		ans.n = 1;
		ans.rr = &rr;
		(void)dns_answer_copy(a, &ans);
	}
out:
	arena_free(a);
	return 0;
}
