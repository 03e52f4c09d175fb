/*
 * spf_eval.c: check_host() evaluations per second against the zone-data
 * resolver (no network, no cache: every lookup is answered, and its
 * answer copied, by the resolver).  Usage: spf_eval [SECONDS]
 *
 * The zone: DOMAINS sender domains d<i>.bench.example, each
 *   "v=spf1 ip4:10.<i>.0.0/16 mx include:_spf.v<k>.bench.example -all
 *    exp=exp.bench.example"
 * with an MX host of its own; VENDORS vendors whose record includes a
 * second level with the ranges.  The clients cycle through four cases:
 * pass on the first term (1 lookup), pass by mx (3), pass two includes
 * down (5) and fail after every term, with the explanation expanded (6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/mono.h"
#include "dns/dns_fake.h"
#include "record/spf_eval.h"

#define DOMAINS	1000
#define VENDORS	20

static void
must(enum dw_err err, const char *what)
{
	if (err != DW_OK) {
		fprintf(stderr, "spf_eval: %s: %s\n", what, dw_strerror(err));
		exit(1);
	}
}

static void
txt(struct dns_resolver *r, const char *name, const char *rec)
{
	const char *s = rec;
	size_t len = strlen(rec);

	must(dns_fake_add_txt(r, name, DNS_T_TXT, &s, &len, 1), name);
}

static struct dns_resolver *
zone(void)
{
	struct dns_resolver *r = dns_fake_new();
	char name[128], rec[512], addr[64];
	int i;

	if (r == NULL)
		must(DW_ENOMEM, "resolver");
	for (i = 0; i < VENDORS; i++) {
		snprintf(name, sizeof(name), "_spf.v%d.bench.example", i);
		snprintf(rec, sizeof(rec), "v=spf1 ip4:192.0.2.%d "
		    "include:_spf2.v%d.bench.example ~all", i, i);
		txt(r, name, rec);
		snprintf(name, sizeof(name), "_spf2.v%d.bench.example", i);
		snprintf(rec, sizeof(rec), "v=spf1 ip4:172.%d.0.0/16 "
		    "ip6:2001:db8:%x::/48 -all", 16 + i, i);
		txt(r, name, rec);
	}
	for (i = 0; i < DOMAINS; i++) {
		snprintf(name, sizeof(name), "d%d.bench.example", i);
		snprintf(rec, sizeof(rec), "v=spf1 ip4:10.%d.%d.0/24 mx "
		    "include:_spf.v%d.bench.example -all "
		    "exp=exp.bench.example", i / 256, i % 256, i % VENDORS);
		txt(r, name, rec);
		snprintf(addr, sizeof(addr), "mx%d.bench.example", i);
		must(dns_fake_add_mx(r, name, 10, addr), "mx");
		snprintf(name, sizeof(name), "198.51.%d.%d", i / 256, i % 256);
		must(dns_fake_add_addr(r, addr, name), "a");
	}
	txt(r, "exp.bench.example", "%{i} may not send for %{d} (%{l})");
	must(dns_fake_finish(r), "zone");
	return r;
}

int
main(int argc, char **argv)
{
	static const enum spf_result want[4] = { SPF_PASS, SPF_PASS,
	    SPF_PASS, SPF_FAIL };
	double secs = argc > 1 ? strtod(argv[1], NULL) : 5, t0, t;
	struct dns_resolver *r = zone();
	struct arena *a = arena_new((size_t)16 << 20);
	char ip[64], sender[128];
	unsigned long n = 0, i;
	uint64_t q0 = r->nqueries;

	if (a == NULL || secs <= 0)
		must(DW_EINVAL, "usage: spf_eval [SECONDS]");
	t0 = mono_now();
	do {
		for (i = 0; i < 1000; i++, n++) {
			struct spf_query q = { 0 };
			struct spf_outcome o;
			unsigned d = (unsigned)(n / 4 % DOMAINS);
			unsigned c = (unsigned)(n % 4);

			if (c == 0)
				snprintf(ip, sizeof(ip), "10.%u.%u.9", d / 256,
				    d % 256);
			else if (c == 1)
				snprintf(ip, sizeof(ip), "198.51.%u.%u",
				    d / 256, d % 256);
			else if (c == 2)
				snprintf(ip, sizeof(ip), "172.%u.3.4",
				    16 + d % VENDORS);
			else
				snprintf(ip, sizeof(ip), "203.0.113.7");
			snprintf(sender, sizeof(sender),
			    "user%lu@d%u.bench.example", n % 97, d);
			q.ip = ip;
			q.sender = sender;
			q.helo = "mail.client.example";
			arena_reset(a);
			must(spf_check_host(a, r, &q, &o), "check_host");
			if (o.result != want[c]) {
				fprintf(stderr, "spf_eval: %s from %s: %s\n",
				    sender, ip, spf_result_name(o.result));
				return 1;
			}
		}
		t = mono_now() - t0;
	} while (t < secs);
	printf("spf_eval: %lu evaluations in %.2f s: %.0f evaluations/s, "
	    "%.2f lookups each\n", n, t, n / t,
	    (double)(r->nqueries - q0) / n);
	arena_free(a);
	dns_free(r);
	return 0;
}
