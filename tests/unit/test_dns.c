/* test_dns.c: names, TXT rdata, the zone-data resolver and the cache. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dwtest.h"

#include "base/arena.h"
#include "dns/dns.h"
#include "dns/dns_fake.h"
#include "dns/dns_wire.h"

static const char zone[] =
    "zonedata:\n"
    "  Multi.Example:\n"
    "    - TXT: [\"v=spf1 \", \"ip4:192.0.2.1\", \" -all\"]\n"
    "    - TXT: other\n"
    "  spf.example:\n"
    "    - SPF: v=spf1 -all\n"
    "  none.example:\n"
    "    - SPF: v=spf1 -all\n"
    "    - TXT: NONE\n"
    "  host.example:\n"
    "    - A: 192.0.2.1\n"
    "    - AAAA: 2001:db8::1\n"
    "    - MX: [10, mx.example]\n"
    "    - MX: [0, \"\"]\n"
    "  half.example:\n"
    "    - A: 192.0.2.2\n"
    "    - TIMEOUT\n"
    "  c1.example:\n"
    "    - CNAME: c2.example.\n"
    "  c2.example:\n"
    "    - CNAME: host.example\n"
    "  loop1.example:\n"
    "    - CNAME: loop2.example\n"
    "  loop2.example:\n"
    "    - CNAME: loop1.example\n"
    "  1.2.0.192.in-addr.arpa:\n"
    "    - PTR: host.example\n"
    "  _25._tcp.host.example:\n"
    "    - TLSA: [3, 1, 1, \"00ff\"]\n";

static struct dns_resolver *
load(void)
{
	struct dns_resolver *r = dns_fake_new();
	struct dw_error e;

	assert_non_null(r);
	assert_int_equal(dns_fake_load_yaml(r, zone, sizeof(zone) - 1, &e),
	    DW_OK);
	return r;
}

static void
names(void **state)
{
	char out[DNS_NAME_MAX + 2], rev[DNS_NAME_MAX + 1], big[300];
	uint8_t v4[4] = { 192, 0, 2, 1 };
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	(void)state;
	assert_int_equal(dns_name_norm("Example.COM.", out, sizeof(out)),
	    DW_OK);
	assert_string_equal(out, "example.com");
	assert_int_equal(dns_name_norm("a..b", out, sizeof(out)),
	    DW_ESYNTAX);
	assert_int_equal(dns_name_norm(".", out, sizeof(out)), DW_ESYNTAX);
	memset(big, 'a', 64);
	memcpy(big + 64, ".com", 5);
	assert_int_equal(dns_name_norm(big, out, sizeof(out)), DW_ESYNTAX);
	dns_reverse_name(v4, false, rev, sizeof(rev));
	assert_string_equal(rev, "1.2.0.192.in-addr.arpa");
	dns_reverse_name(v6, true, rev, sizeof(rev));
	assert_string_equal(rev, "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

static void
txt_rdata(void **state)
{
	static const uint8_t good[] = { 3, 'a', 'b', 'c', 0, 2, 'd', 'e' };
	static const uint8_t bad[] = { 3, 'a', 'b', 'c', 5, 'd' };
	struct arena *a = arena_new(1 << 20);
	struct dns_rr rr;

	(void)state;
	assert_int_equal(dns_txt_from_rdata(a, good, sizeof(good), &rr),
	    DW_OK);
	assert_int_equal(rr.u.txt.len, 5);
	assert_string_equal(rr.u.txt.data, "abcde");
	assert_int_equal(rr.u.txt.nstrings, 3);
	assert_int_equal(rr.u.txt.longest, 3);
	/* a length byte past the end is refused, never read past */
	assert_int_equal(dns_txt_from_rdata(a, bad, sizeof(bad), &rr),
	    DW_ESYNTAX);
	arena_free(a);
}

static void
wire_rr(void **state)
{
	static const uint8_t mx[] = { 0, 10, 4, 'M', 'a', 'i', 'L', 2, 'e',
	    'x', 0 };
	static const uint8_t past_end[] = { 0, 10, 9, 'm', 'a', 'i', 'l' };
	static const uint8_t no_root[] = { 4, 'm', 'a', 'i', 'l' };
	static const uint8_t a5[] = { 192, 0, 2, 1, 9 };
	static const uint8_t msg[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		2, 'c', '1', 2, 'e', 'x', 0, 0, 16, 0, 1,
		0xc0, 12, 0, 5, 0, 1, 0, 0, 1, 44, 0, 5, 2, 'c', '2', 0xc0, 15,
		0xc0, 35, 0, 16, 0, 1, 0, 0, 1, 44, 0, 2, 1, 'x',
	};
	uint8_t long_label[70] = { 0, 10, 64 };
	struct arena *a = arena_new(1 << 20);
	struct dns_rr rr;

	(void)state;
	assert_int_equal(dns_wire_rr(a, DNS_T_MX, mx, sizeof(mx), &rr),
	    DW_OK);
	assert_int_equal(rr.u.mx.pref, 10);
	assert_string_equal(rr.u.mx.host, "mail.ex");
	/* a label running past the rdata, a name without its root label,
	 * a label over 63, an address of the wrong size: refused */
	assert_int_equal(dns_wire_rr(a, DNS_T_MX, past_end, sizeof(past_end),
	    &rr), DW_ESYNTAX);
	assert_int_equal(dns_wire_rr(a, DNS_T_PTR, no_root, sizeof(no_root),
	    &rr), DW_ESYNTAX);
	assert_int_equal(dns_wire_rr(a, DNS_T_MX, long_label,
	    sizeof(long_label), &rr), DW_ESYNTAX);
	assert_int_equal(dns_wire_rr(a, DNS_T_A, a5, sizeof(a5), &rr),
	    DW_ESYNTAX);
	/* a CNAME then a TXT in the answer section; cut short, what was
	 * seen so far */
	assert_int_equal(dns_wire_count_cnames(msg, sizeof(msg)), 1);
	assert_int_equal(dns_wire_count_cnames(msg, 30), 0);
	assert_int_equal(dns_wire_count_cnames(msg, 3), 0);
	arena_free(a);
}

static void
fake_outcomes(void **state)
{
	struct dns_resolver *r = load();
	struct arena *a = arena_new(1 << 20);
	const struct dns_answer *ans;

	(void)state;
	/* multi-string TXT joined without separator, names case-folded */
	assert_int_equal(dns_query(r, a, "multi.example.", DNS_T_TXT, &ans),
	    DW_OK);
	assert_int_equal(ans->n, 2);
	assert_string_equal(ans->rr[0].u.txt.data,
	    "v=spf1 ip4:192.0.2.1 -all");
	assert_int_equal(ans->rr[0].u.txt.nstrings, 3);
	/* SPF entries are served as TXT, unless TXT: NONE */
	assert_int_equal(dns_query(r, a, "spf.example", DNS_T_TXT, &ans),
	    DW_OK);
	assert_int_equal(ans->n, 1);
	assert_int_equal(dns_query(r, a, "none.example", DNS_T_TXT, &ans),
	    DW_OK);
	assert_int_equal(ans->n, 0);
	/* NODATA, NXDOMAIN, TIMEOUT stay apart */
	assert_int_equal(dns_query(r, a, "host.example", DNS_T_TXT, &ans),
	    DW_OK);
	assert_int_equal(ans->n, 0);
	assert_int_equal(dns_query(r, a, "nx.example", DNS_T_A, &ans),
	    DW_EDNS_PERM);
	assert_int_equal(dns_query(r, a, "half.example", DNS_T_A, &ans),
	    DW_OK);
	assert_int_equal(ans->n, 1);
	assert_int_equal(dns_query(r, a, "half.example", DNS_T_TXT, &ans),
	    DW_EDNS_TEMP);
	/* a temporary failure says why */
	assert_non_null(ans);
	assert_non_null(ans->why);
	assert_non_null(strstr(ans->why, "timeout"));
	/* MX with a null MX, PTR */
	assert_int_equal(dns_query(r, a, "host.example", DNS_T_MX, &ans),
	    DW_OK);
	assert_int_equal(ans->n, 2);
	assert_string_equal(ans->rr[0].u.mx.host, "mx.example");
	assert_string_equal(ans->rr[1].u.mx.host, "");
	assert_int_equal(dns_query(r, a, "1.2.0.192.in-addr.arpa",
	    DNS_T_PTR, &ans), DW_OK);
	assert_string_equal(ans->rr[0].u.name, "host.example");
	/* CNAME chain and a CNAME loop */
	assert_int_equal(dns_query(r, a, "c1.example", DNS_T_AAAA, &ans),
	    DW_OK);
	assert_int_equal(ans->n, 1);
	assert_int_equal(ans->ncname, 2);
	assert_string_equal(ans->canon, "host.example");
	assert_int_equal(dns_query(r, a, "loop1.example", DNS_T_A, &ans),
	    DW_EDNS_TEMP);
	assert_non_null(strstr(ans->why, "CNAME chain"));
	/* TLSA: rdata as on the wire */
	assert_int_equal(dns_query(r, a, "_25._tcp.host.example", DNS_T_TLSA,
	    &ans), DW_OK);
	assert_int_equal(ans->n, 1);
	assert_int_equal(ans->rr[0].u.raw.len, 5);
	assert_memory_equal(ans->rr[0].u.raw.data, "\3\1\1\0\377", 5);
	arena_free(a);
	dns_free(r);
}

struct got {
	int		 n;
	enum dw_err	 err[4];
};

static void
collect(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct got *g = arg;

	(void)ans;
	g->err[g->n++] = err;
}

static void
async_order(void **state)
{
	struct dns_resolver *r = load();
	struct arena *a = arena_new(1 << 20);
	struct got g = { 0 };

	(void)state;
	assert_int_equal(dns_submit(r, a, "host.example", DNS_T_A, collect,
	    &g), DW_OK);
	assert_int_equal(dns_submit(r, a, "nx.example", DNS_T_A, collect,
	    &g), DW_OK);
	assert_int_equal(dns_submit(r, a, "half.example", DNS_T_MX, collect,
	    &g), DW_OK);
	/* nothing runs inside submit */
	assert_int_equal(g.n, 0);
	assert_int_equal(dns_pending(r), 3);
	assert_int_equal(dns_wait(r), DW_OK);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.err[0], DW_OK);
	assert_int_equal(g.err[1], DW_EDNS_PERM);
	assert_int_equal(g.err[2], DW_EDNS_TEMP);
	arena_free(a);
	dns_free(r);
}

static double clock_now;

static double
fake_clock(void *arg)
{
	(void)arg;
	return clock_now;
}

static void
cache_ttl(void **state)
{
	struct dns_resolver *c = dns_cache_new(load(), 16, fake_clock, NULL);
	struct arena *a = arena_new(1 << 20);
	const struct dns_answer *ans;
	uint64_t hits, misses;

	(void)state;
	assert_non_null(c);
	clock_now = 1000;
	assert_int_equal(dns_query(c, a, "host.example", DNS_T_A, &ans),
	    DW_OK);
	assert_int_equal(dns_query(c, a, "HOST.example.", DNS_T_A, &ans),
	    DW_OK);
	assert_int_equal(ans->n, 1);
	assert_int_equal(ans->rr[0].u.addr[3], 1);
	assert_int_equal(dns_query(c, a, "nx.example", DNS_T_A, &ans),
	    DW_EDNS_PERM);
	assert_int_equal(dns_query(c, a, "nx.example", DNS_T_A, &ans),
	    DW_EDNS_PERM);
	/* temporary failures are never cached */
	assert_int_equal(dns_query(c, a, "half.example", DNS_T_TXT, &ans),
	    DW_EDNS_TEMP);
	assert_int_equal(dns_query(c, a, "half.example", DNS_T_TXT, &ans),
	    DW_EDNS_TEMP);
	dns_cache_stats(c, &hits, &misses);
	assert_int_equal(hits, 2);
	assert_int_equal(misses, 4);
	/* the zone data's TTL is 3600: expired after that */
	clock_now = 1000 + 3601;
	assert_int_equal(dns_query(c, a, "host.example", DNS_T_A, &ans),
	    DW_OK);
	dns_cache_stats(c, &hits, &misses);
	assert_int_equal(hits, 2);
	assert_int_equal(misses, 5);
	/* more names than entries: flushed, still correct */
	assert_int_equal(dns_query(c, a, "c1.example", DNS_T_A, &ans),
	    DW_OK);
	arena_free(a);
	dns_free(c);
}

struct hit_during {
	struct dns_resolver	*c;
	struct arena		*a;
	const struct dns_answer	*ans;
	enum dw_err		 err;
	bool			 done;
};

static void
hit_done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct hit_during *h = arg;

	h->done = true;
	h->err = err;
	h->ans = ans;
}

/* A miss whose callback asks for a name the cache holds. */
static void
miss_done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct hit_during *h = arg;

	(void)err;
	(void)ans;
	assert_int_equal(dns_submit(h->c, h->a, "host.example", DNS_T_A,
	    hit_done, h), DW_OK);
}

/*
 * A hit waits in the cache until dns_wait() delivers it; meanwhile other
 * answers may fill the cache and flush it.  The hit must still deliver
 * its own answer, not whatever took the flushed entry's place.
 */
static void
cache_flush_before_delivery(void **state)
{
	struct dns_resolver *c = dns_cache_new(load(), 2, NULL, NULL);
	struct arena *a = arena_new(1 << 20);
	struct hit_during h = { 0 };
	const struct dns_answer *ans;

	(void)state;
	h.c = c;
	h.a = a;
	assert_int_equal(dns_query(c, a, "host.example", DNS_T_A, &ans),
	    DW_OK);
	/* two misses: the first queues the hit, the second fills the
	 * table (2 entries) and flushes it before the hit is delivered */
	assert_int_equal(dns_submit(c, a, "c1.example", DNS_T_A, miss_done,
	    &h), DW_OK);
	assert_int_equal(dns_submit(c, a, "multi.example", DNS_T_TXT,
	    hit_done, &(struct hit_during){ 0 }), DW_OK);
	assert_int_equal(dns_wait(c), DW_OK);
	assert_true(h.done);
	assert_int_equal(h.err, DW_OK);
	assert_string_equal(h.ans->qname, "host.example");
	assert_int_equal(h.ans->type, DNS_T_A);
	assert_int_equal(h.ans->rr[0].u.addr[3], 1);
	arena_free(a);
	dns_free(c);
}

static void
bad_zone(void **state)
{
	static const char *const bad[] = {
		"zonedata:\n  a.example:\n    - A: not-an-address\n",
		"zonedata:\n  a.example:\n    - WHAT: x\n",
		"zonedata:\n  a.example:\n    - MX: 5\n",
		"zonedata:\n  a.example:\n    - TLSA: [3, 1, 1, \"xyz\"]\n",
		"zonedata:\n  a.example:\n    - TLSA: [3, 1, 256, \"00\"]\n",
		"zonedata:\n  a.example:\n    - TLSA: [3, 1, \"00\"]\n",
		"zonedata:\n  a.example: [\n",
		"",
	};
	struct dw_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dns_resolver *r = dns_fake_new();

		assert_int_equal(dns_fake_load_yaml(r, bad[i], strlen(bad[i]),
		    &e), DW_ESYNTAX);
		assert_true(strlen(e.msg) > 0);
		dns_free(r);
	}
}

static void
unbound_refuses_bad_upstream(void **state)
{
	struct dns_unbound_opts o = { .upstream = "not-an-address" };
	struct dns_resolver *r;
	struct dw_error e;

	(void)state;
	/* a refused option is an error, never a silent fallback to the
	 * root servers; no query is sent */
	assert_int_equal(dns_unbound_new(&o, &r, &e), DW_EINVAL);
	assert_null(r);
	o.upstream = "127.0.0.1@5353";
	o.trust_anchor = "/nonexistent/anchor";
	assert_int_equal(dns_unbound_new(&o, &r, &e), DW_EINVAL);
	assert_null(r);
}

/* Writes text to a fresh file under /tmp; returns its name. */
static void
write_tmp(char *path, const char *text)
{
	FILE *fp;
	int fd;

	snprintf(path, 64, "%s", "/tmp/dwtest-ta.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
unbound_trust_anchor(void **state)
{
	static const struct {
		const char	*text, *want;
	} bad[] = {
		{ "", "no DS or DNSKEY record" },
		{ "; only a comment DS\n", "no DS or DNSKEY record" },
		{ "example. IN DS 1 13 2 not-hex\n", "parse error" },
	};
	struct dns_unbound_opts o = { .upstream = "127.0.0.1@1" };
	struct dns_resolver *r;
	struct dw_error e;
	char path[64];
	size_t i;

	(void)state;
	/* each is refused when the resolver is made, before any query,
	 * never taken as "validate nothing" */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_tmp(path, bad[i].text);
		o.trust_anchor = path;
		assert_int_equal(dns_unbound_new(&o, &r, &e), DW_EINVAL);
		assert_null(r);
		assert_non_null(strstr(e.msg, path));
		if (strstr(e.msg, bad[i].want) == NULL)
			fail_msg("anchor \"%s\": %s", bad[i].text, e.msg);
		unlink(path);
	}
	write_tmp(path, "example. IN DS 31589 8 2 "
	    "cde0d742d6998aa554a92d890f8184c698cfac8a26fa59875a990c03e576343c"
	    "\n");
	o.trust_anchor = path;
	assert_int_equal(dns_unbound_new(&o, &r, &e), DW_OK);
	dns_free(r);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(txt_rdata),
		cmocka_unit_test(wire_rr),
		cmocka_unit_test(fake_outcomes),
		cmocka_unit_test(async_order),
		cmocka_unit_test(cache_ttl),
		cmocka_unit_test(cache_flush_before_delivery),
		cmocka_unit_test(bad_zone),
		cmocka_unit_test(unbound_refuses_bad_upstream),
		cmocka_unit_test(unbound_trust_anchor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
