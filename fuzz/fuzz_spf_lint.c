/*
 * fuzz_spf_lint.c: spf_lint() over a zone built from one fuzzed input.
 *
 * The input is split at NUL bytes into up to FUZZ_NAMES TXT records, the
 * i-th published at d<i>.fuzz.example, and d0.fuzz.example is linted, so
 * includes and redirects between the records (and loops back) build the
 * tree.  d0 and d1 have addresses and an MX, the others none, so a and mx
 * terms meet both answers and void lookups.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"
#include "dns/dns_fake.h"
#include "record/spf_lint.h"

#define FUZZ_NAMES	4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum dw_err
zone(struct dns_resolver *r, const char *s, size_t size)
{
	char name[32];
	size_t i, start = 0, n = 0, len;
	const char *str;
	enum dw_err err = DW_OK;

	for (i = 0; i <= size && n < FUZZ_NAMES && err == DW_OK; i++) {
		if (i < size && s[i] != '\0')
			continue;
		snprintf(name, sizeof(name), "d%zu.fuzz.example", n++);
		str = s + start;
		len = i - start;
		err = dns_fake_add_txt(r, name, DNS_T_TXT, &str, &len, 1);
		start = i + 1;
	}
	if (err == DW_OK)
		err = dns_fake_add_addr(r, "d0.fuzz.example", "192.0.2.1");
	if (err == DW_OK)
		err = dns_fake_add_addr(r, "d1.fuzz.example", "2001:db8::1");
	if (err == DW_OK)
		err = dns_fake_add_mx(r, "d0.fuzz.example", 10,
		    "d1.fuzz.example");
	if (err == DW_OK)
		err = dns_fake_finish(r);
	return err;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new((size_t)64 << 20);
	struct dns_resolver *r = dns_fake_new();
	struct spf_lint *l;

	if (a != NULL && r != NULL &&
	    zone(r, (const char *)data, size) == DW_OK)
		(void)spf_lint(a, r, "d0.fuzz.example", &l);
	dns_free(r);
	arena_free(a);
	return 0;
}
