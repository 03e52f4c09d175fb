/*
 * fuzz_spf_record.c: the SPF record parser, macro expansion and
 * check_host() on one fuzzed record.
 *
 * The input is an SPF record; it is parsed, each of its terms' macro
 * strings is expanded, the whole input is expanded as exp= text, and the
 * record is evaluated as the TXT record of a zone-data domain (so include
 * and redirect loops back into it run into the limits).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "dns/dns_fake.h"
#include "record/spf_eval.h"
#include "record/spf_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
expand_all(const struct spf_record *rec, const char *s, size_t n)
{
	static const uint8_t ip[16] = { 192, 0, 2, 3 };
	struct spf_macro_ctx c;
	struct buf b;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.sender = "strong-bad@fuzz.example";
	c.local = "strong-bad";
	c.sender_dom = c.domain = "fuzz.example";
	c.helo = "mx.fuzz.example";
	c.ip = ip;
	buf_init(&b, SPF_MACRO_OUT_MAX);
	for (i = 0; i < rec->nterms; i++) {
		if (rec->terms[i].spec == NULL)
			continue;
		buf_reset(&b);
		if (spf_macro_expand(&c, rec->terms[i].spec,
		    strlen(rec->terms[i].spec), false, &b) == DW_OK)
			(void)spf_domain_fix(&b);
	}
	buf_reset(&b);
	(void)spf_macro_expand(&c, s, n, true, &b);
	buf_fini(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new((size_t)64 << 20);
	struct dns_resolver *r = dns_fake_new();
	struct spf_record *rec;
	struct spf_outcome o;
	struct spf_query q = { 0 };
	const char *s = (const char *)data;
	const char *strs[1] = { s };
	size_t lens[1] = { size };

	if (a == NULL || r == NULL)
		goto out;
	if (spf_parse(a, s, size, &rec) == DW_OK)
		expand_all(rec, s, size);
	if (dns_fake_add_txt(r, "fuzz.example", DNS_T_TXT, strs, lens, 1) !=
	    DW_OK || dns_fake_add_addr(r, "fuzz.example", "192.0.2.3") !=
	    DW_OK || dns_fake_add_mx(r, "fuzz.example", 10, "fuzz.example")
	    != DW_OK || dns_fake_finish(r) != DW_OK)
		goto out;
	q.ip = (size & 1) ? "2001:db8::3" : "192.0.2.3";
	q.sender = "strong-bad@fuzz.example";
	q.helo = "mx.fuzz.example";
	q.trace = true;
	q.now = 1;
	(void)spf_check_host(a, r, &q, &o);
out:
	dns_free(r);
	arena_free(a);
	return 0;
}
