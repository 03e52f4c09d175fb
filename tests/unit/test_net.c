/*
 * test_net.c: the parts of the transport checks that need no server:
 * address classes and the non-public rule, host names, resolution
 * through the fake resolver, SMTP reply parsing, MX comparison with a
 * policy, certificate diagnostics, escaping, and fetch/probe refusals
 * that must happen before any socket is opened.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dwtest.h"
#include "dwtest_json.h"

#include "base/arena.h"
#include "dns/dns_fake.h"
#include "net/mtasts_fetch.h"
#include "net/net.h"
#include "net/net_tls.h"
#include "net/smtp_probe.h"
#include "net/smtp_reply.h"

#define ARENA_MAX	(1 << 20)

static void
addr_classes(void **state)
{
	static const struct {
		const char		*lit;
		enum net_addr_class	 c;
	} cases[] = {
		{ "8.8.8.8", NET_ADDR_PUBLIC },
		{ "1.1.1.1", NET_ADDR_PUBLIC },
		{ "0.0.0.0", NET_ADDR_UNSPECIFIED },
		{ "0.1.2.3", NET_ADDR_UNSPECIFIED },
		{ "10.0.0.1", NET_ADDR_PRIVATE },
		{ "100.64.0.1", NET_ADDR_SHARED },
		{ "100.127.255.255", NET_ADDR_SHARED },
		{ "100.128.0.1", NET_ADDR_PUBLIC },
		{ "127.0.0.1", NET_ADDR_LOOPBACK },
		{ "127.255.255.254", NET_ADDR_LOOPBACK },
		{ "169.254.169.254", NET_ADDR_LINK_LOCAL },
		{ "172.15.255.255", NET_ADDR_PUBLIC },
		{ "172.16.0.1", NET_ADDR_PRIVATE },
		{ "172.31.255.255", NET_ADDR_PRIVATE },
		{ "172.32.0.1", NET_ADDR_PUBLIC },
		{ "192.0.0.8", NET_ADDR_RESERVED },
		{ "192.0.2.25", NET_ADDR_DOCUMENTATION },
		{ "192.168.1.1", NET_ADDR_PRIVATE },
		{ "198.18.0.1", NET_ADDR_RESERVED },
		{ "198.19.255.255", NET_ADDR_RESERVED },
		{ "198.20.0.1", NET_ADDR_PUBLIC },
		{ "198.51.100.7", NET_ADDR_DOCUMENTATION },
		{ "203.0.113.9", NET_ADDR_DOCUMENTATION },
		{ "224.0.0.1", NET_ADDR_MULTICAST },
		{ "240.0.0.1", NET_ADDR_RESERVED },
		{ "255.255.255.255", NET_ADDR_RESERVED },
		{ "::", NET_ADDR_UNSPECIFIED },
		{ "::1", NET_ADDR_LOOPBACK },
		{ "::2", NET_ADDR_RESERVED },
		{ "::ffff:127.0.0.1", NET_ADDR_LOOPBACK },
		{ "::ffff:10.1.1.1", NET_ADDR_PRIVATE },
		{ "::ffff:8.8.8.8", NET_ADDR_PUBLIC },
		{ "64:ff9b::a9fe:a9fe", NET_ADDR_LINK_LOCAL },
		{ "64:ff9b::808:808", NET_ADDR_PUBLIC },
		{ "64:ff9b:1::1", NET_ADDR_PRIVATE },
		{ "2002:7f00:1::1", NET_ADDR_LOOPBACK },	/* 6to4 of 127/8 */
		{ "2002:808:808::1", NET_ADDR_PUBLIC },
		{ "100::1", NET_ADDR_RESERVED },
		{ "2001:db8::25", NET_ADDR_DOCUMENTATION },
		{ "2001::1", NET_ADDR_RESERVED },		/* Teredo */
		{ "3fff::1", NET_ADDR_DOCUMENTATION },
		{ "fc00::1", NET_ADDR_PRIVATE },
		{ "fd12:3456::1", NET_ADDR_PRIVATE },
		{ "fe80::1", NET_ADDR_LINK_LOCAL },
		{ "febf::1", NET_ADDR_LINK_LOCAL },
		{ "fec0::1", NET_ADDR_PRIVATE },
		{ "ff02::1", NET_ADDR_MULTICAST },
		{ "2606:4700:4700::1111", NET_ADDR_PUBLIC },
		{ "2a00:1450::1", NET_ADDR_PUBLIC },
		{ "4000::1", NET_ADDR_RESERVED },
	};
	struct net_addr ad;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(net_addr_parse(cases[i].lit, &ad));
		if (net_addr_classify(&ad) != cases[i].c)
			fail_msg("%s: %s, want %s", cases[i].lit,
			    net_addr_class_name(net_addr_classify(&ad)),
			    net_addr_class_name(cases[i].c));
		assert_int_equal(net_addr_allowed(&ad, false),
		    cases[i].c == NET_ADDR_PUBLIC);
		assert_int_equal(net_addr_allowed(&ad, true),
		    cases[i].c == NET_ADDR_PUBLIC ||
		    cases[i].c == NET_ADDR_LOOPBACK);
	}
	assert_false(net_addr_parse("300.1.1.1", &ad));
	assert_false(net_addr_parse("mx.example", &ad));
}

static void
host_names(void **state)
{
	char long_label[80], long_name[300];

	(void)state;
	assert_true(net_host_ok("mx.example.com"));
	assert_true(net_host_ok("MX1.Example.COM."));
	assert_true(net_host_ok("_mta-sts.example"));
	assert_false(net_host_ok(""));
	assert_false(net_host_ok("."));
	assert_false(net_host_ok("a..example"));
	assert_false(net_host_ok(".example"));
	assert_false(net_host_ok("mx example"));
	assert_false(net_host_ok("mx.example/x"));
	assert_false(net_host_ok("mx\xc3\xa9.example"));
	assert_false(net_host_ok("127.0.0.1:25"));
	memset(long_label, 'a', 64);
	memcpy(long_label + 64, ".example", 9);
	assert_false(net_host_ok(long_label));
	memset(long_name, 'a', sizeof(long_name));
	for (size_t i = 60; i < 260; i += 61)
		long_name[i] = '.';
	long_name[254] = '\0';
	assert_false(net_host_ok(long_name));
	long_name[253] = '\0';
	assert_true(net_host_ok(long_name));
}

static struct dns_resolver *
zone(void)
{
	struct dns_resolver *r = dns_fake_new();
	char name[32];
	int i;

	assert_non_null(r);
	assert_int_equal(dns_fake_add_addr(r, "mixed.example", "10.0.0.5"),
	    DW_OK);
	assert_int_equal(dns_fake_add_addr(r, "mixed.example",
	    "2606:4700::25"), DW_OK);
	assert_int_equal(dns_fake_add_addr(r, "private.example",
	    "192.168.0.25"), DW_OK);
	assert_int_equal(dns_fake_add_mx(r, "nodata.example", 10,
	    "mx.example"), DW_OK);
	assert_int_equal(dns_fake_add_timeout(r, "slow.example"), DW_OK);
	for (i = 0; i < NET_ADDR_MAX + 3; i++) {
		snprintf(name, sizeof(name), "8.8.4.%d", i + 1);
		assert_int_equal(dns_fake_add_addr(r, "many.example", name),
		    DW_OK);
	}
	assert_int_equal(dns_fake_finish(r), DW_OK);
	return r;
}

static void
resolve(void **state)
{
	struct dns_resolver *r = zone();
	struct arena *a = arena_new(ARENA_MAX);
	struct net_opts o = { .resolver = r };
	struct net_addr out[NET_ADDR_MAX], given[2];
	struct net_diags nd;
	const struct net_diag *d;
	size_t n, skipped;

	(void)state;
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_resolve(&o, a, "mixed.example", out, &n,
	    &skipped, &nd), DW_OK);
	assert_int_equal(n, 1);
	assert_true(out[0].v6);
	d = net_diags_find(&nd, NET_ADDR_NOT_PUBLIC);
	assert_non_null(d);
	assert_string_equal(d->detail, "mixed.example resolves to 10.0.0.5 "
	    "(private address); not contacted");

	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_resolve(&o, a, "private.example", out, &n,
	    &skipped, &nd), DW_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nd.n, 1);

	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_resolve(&o, a, "absent.example", out, &n,
	    &skipped, &nd), DW_OK);
	assert_non_null(net_diags_find(&nd, NET_NXDOMAIN));
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_resolve(&o, a, "nodata.example", out, &n,
	    &skipped, &nd), DW_OK);
	assert_non_null(net_diags_find(&nd, NET_NO_ADDRESS));
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_resolve(&o, a, "slow.example", out, &n,
	    &skipped, &nd), DW_OK);
	assert_non_null(net_diags_find(&nd, NET_DNS_TEMP));
	assert_null(net_diags_find(&nd, NET_NXDOMAIN));

	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_resolve(&o, a, "many.example", out, &n,
	    &skipped, &nd), DW_OK);
	assert_int_equal(n, NET_ADDR_MAX);
	assert_int_equal(skipped, 3);

	/* given addresses: the resolver is not asked */
	assert_true(net_addr_parse("127.0.0.1", &given[0]));
	assert_true(net_addr_parse("9.9.9.9", &given[1]));
	o.resolver = NULL;
	o.addrs = given;
	o.naddrs = 2;
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_resolve(&o, a, "x.example", out, &n, &skipped,
	    &nd), DW_OK);
	assert_int_equal(n, 1);
	assert_non_null(net_diags_find(&nd, NET_ADDR_NOT_PUBLIC));
	o.allow_loopback = true;
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_resolve(&o, a, "x.example", out, &n, &skipped,
	    &nd), DW_OK);
	assert_int_equal(n, 2);
	assert_int_equal(nd.n, 0);
	arena_free(a);
	dns_free(r);
}

struct reply_case {
	const char		*in;
	enum smtp_reply_status	 st;
	int			 code;
	size_t			 nlines;
	size_t			 used;
};

static void
replies(void **state)
{
	static const struct reply_case cases[] = {
		{ "220 mx.example ESMTP\r\n", SMTP_REPLY_DONE, 220, 1, 22 },
		{ "220\r\n", SMTP_REPLY_DONE, 220, 1, 5 },
		{ "220 \r\n", SMTP_REPLY_DONE, 220, 1, 6 },
		{ "250-a\r\n250-b\r\n250 c\r\n", SMTP_REPLY_DONE, 250, 3, 21 },
		{ "250-a\r\n250 c\r\n221 next\r\n", SMTP_REPLY_DONE, 250, 2,
		    14 },
		{ "250-a\r\n", SMTP_REPLY_MORE, 0, 0, 0 },
		{ "250 a", SMTP_REPLY_MORE, 0, 0, 0 },
		{ "", SMTP_REPLY_MORE, 0, 0, 0 },
		{ "2", SMTP_REPLY_MORE, 0, 0, 0 },
		{ "25\r\n", SMTP_REPLY_SYNTAX, 0, 0, 0 },
		{ "2200 x\r\n", SMTP_REPLY_SYNTAX, 0, 0, 0 },
		{ "220x\r\n", SMTP_REPLY_SYNTAX, 0, 0, 0 },
		{ "600 x\r\n", SMTP_REPLY_SYNTAX, 0, 0, 0 },
		{ "160 x\r\n", SMTP_REPLY_SYNTAX, 0, 0, 0 },
		{ "260 x\r\n", SMTP_REPLY_SYNTAX, 0, 0, 0 },
		{ "2a0 x\r\n", SMTP_REPLY_SYNTAX, 0, 0, 0 },
		{ "HTTP/1.1 400 Bad\r\n", SMTP_REPLY_SYNTAX, 0, 0, 0 },
		{ "250-a\r\n251 b\r\n", SMTP_REPLY_CODE_MISMATCH, 0, 0, 0 },
		{ "\r\n", SMTP_REPLY_SYNTAX, 0, 0, 0 },
	};
	struct smtp_reply r;
	size_t i, used;
	enum smtp_reply_status st;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st = smtp_reply_parse(cases[i].in, strlen(cases[i].in), &r,
		    &used);
		if (st != cases[i].st)
			fail_msg("case %zu: %s, want %s", i,
			    smtp_reply_status_name(st),
			    smtp_reply_status_name(cases[i].st));
		if (st != SMTP_REPLY_DONE)
			continue;
		assert_int_equal(r.code, cases[i].code);
		assert_int_equal(r.nlines, cases[i].nlines);
		assert_int_equal(used, cases[i].used);
	}
	st = smtp_reply_parse("250-x\r\n250 mx.example hi\r\n", 26, &r, &used);
	assert_int_equal(st, SMTP_REPLY_DONE);
	assert_int_equal(r.line[1].len, 13);
	assert_memory_equal(r.line[1].text, "mx.example hi", 13);
	assert_false(r.bare_lf);
	st = smtp_reply_parse("220 a\n", 6, &r, &used);
	assert_int_equal(st, SMTP_REPLY_DONE);
	assert_true(r.bare_lf);
	st = smtp_reply_parse("220 caf\xc3\xa9\x01\r\n", 12, &r, &used);
	assert_int_equal(st, SMTP_REPLY_DONE);
	assert_true(r.bad_text);
	st = smtp_reply_parse("220 a\0b\r\n", 9, &r, &used);
	assert_int_equal(st, SMTP_REPLY_DONE);
	assert_int_equal(r.line[0].len, 3);
	assert_true(r.bad_text);
}

static void
reply_limits(void **state)
{
	char buf[SMTP_REPLY_MAX + SMTP_LINE_MAX];
	struct smtp_reply r;
	size_t used, i, off;

	(void)state;
	/* exactly 512 octets with CRLF: fine; one more: too long */
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "220 ", 4);
	memcpy(buf + 510, "\r\n", 2);
	assert_int_equal(smtp_reply_parse(buf, 512, &r, &used),
	    SMTP_REPLY_DONE);
	assert_int_equal(r.line[0].len, 506);
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "220 ", 4);
	memcpy(buf + 511, "\r\n", 2);
	assert_int_equal(smtp_reply_parse(buf, 513, &r, &used),
	    SMTP_REPLY_LINE_TOO_LONG);
	/* no line end in sight: refused as soon as the cap is passed */
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "220 ", 4);
	assert_int_equal(smtp_reply_parse(buf, 511, &r, &used),
	    SMTP_REPLY_MORE);
	assert_int_equal(smtp_reply_parse(buf, 512, &r, &used),
	    SMTP_REPLY_LINE_TOO_LONG);
	/* 64 lines: fine; 65: too many */
	for (i = 0, off = 0; i < SMTP_REPLY_LINES_MAX; i++, off += 7)
		memcpy(buf + off, "250-ab\n", 7);
	buf[off - 4] = ' ';
	assert_int_equal(smtp_reply_parse(buf, off, &r, &used),
	    SMTP_REPLY_DONE);
	assert_int_equal(r.nlines, SMTP_REPLY_LINES_MAX);
	buf[off - 4] = '-';
	memcpy(buf + off, "250 ab\n", 7);
	assert_int_equal(smtp_reply_parse(buf, off + 7, &r, &used),
	    SMTP_REPLY_TOO_MANY_LINES);
}

static void
ehlo_keywords(void **state)
{
	static const char ehlo[] = "250-mx.example greets you\r\n"
	    "250-PIPELINING\r\n250-starttls\r\n250-SIZE 10240000\r\n"
	    "250 STARTTLSX\r\n";
	static const char no[] = "250-STARTTLS.example\r\n250-SIZE\r\n"
	    "250 STARTTLSX\r\n";
	struct smtp_reply r;
	size_t used;

	(void)state;
	assert_int_equal(smtp_reply_parse(ehlo, sizeof(ehlo) - 1, &r, &used),
	    SMTP_REPLY_DONE);
	assert_true(smtp_reply_has_ext(&r, "STARTTLS"));
	assert_true(smtp_reply_has_ext(&r, "size"));
	assert_false(smtp_reply_has_ext(&r, "CHUNKING"));
	/* the greeting line is no keyword; prefixes do not count */
	assert_int_equal(smtp_reply_parse(no, sizeof(no) - 1, &r, &used),
	    SMTP_REPLY_DONE);
	assert_false(smtp_reply_has_ext(&r, "STARTTLS"));
}

static struct mtasts_policy *
policy(struct arena *a, const char *text)
{
	struct mtasts_policy *p;
	struct diag_list dl;

	diag_list_init(&dl);
	assert_int_equal(mtasts_policy_parse(a, text, strlen(text), &p, &dl),
	    DW_OK);
	return p;
}

static void
mx_compare(void **state)
{
	struct arena *a = arena_new(ARENA_MAX);
	struct mtasts_policy *p = policy(a, "version: STSv1\nmode: enforce\n"
	    "mx: mx1.clinic.example\nmx: *.mail.clinic.example\n"
	    "mx: old.clinic.example\nmax_age: 604800\n");
	const char *mx[] = { "MX1.clinic.example.", "a.mail.clinic.example",
	    "b.c.mail.clinic.example", "backup.vendor.example" };
	const char *null_mx[] = { "" };
	struct mtasts_mx_cmp c;
	struct net_diags nd;
	const struct net_diag *d;

	(void)state;
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(mtasts_mx_compare(a, p, mx, 4, &c, &nd), DW_OK);
	assert_true(c.covered[0]);
	assert_true(c.covered[1]);
	assert_false(c.covered[2]);	/* "*." is one label only */
	assert_false(c.covered[3]);
	assert_int_equal(c.uncovered, 2);
	assert_true(c.used[0]);
	assert_true(c.used[1]);
	assert_false(c.used[2]);
	d = net_diags_find(&nd, NET_STS_MX_NOT_COVERED);
	assert_non_null(d);
	assert_int_equal(d->sev, DIAG_ERR);
	assert_string_equal(d->detail, "MX b.c.mail.clinic.example matches "
	    "no mx pattern of the policy");
	d = net_diags_find(&nd, NET_STS_MX_UNUSED);
	assert_non_null(d);
	assert_int_equal(d->sev, DIAG_INFO);

	p = policy(a, "version: STSv1\nmode: testing\nmx: mx.example\n"
	    "max_age: 604800\n");
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(mtasts_mx_compare(a, p, mx + 3, 1, &c, &nd), DW_OK);
	assert_int_equal(net_diags_find(&nd, NET_STS_MX_NOT_COVERED)->sev,
	    DIAG_WARN);

	memset(&nd, 0, sizeof(nd));
	assert_int_equal(mtasts_mx_compare(a, p, null_mx, 1, &c, &nd), DW_OK);
	assert_non_null(net_diags_find(&nd, NET_STS_NO_MX));
	assert_null(net_diags_find(&nd, NET_STS_MX_UNUSED));
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(mtasts_mx_compare(a, p, NULL, 0, &c, &nd), DW_OK);
	assert_non_null(net_diags_find(&nd, NET_STS_NO_MX));
	arena_free(a);
}

/* The shared MX matching cases through the comparison. */
static void
mx_conformance(void **state)
{
	json_t *root = dwtest_shared_json("conformance/mta-sts/cases.json");
	struct arena *a;
	struct mtasts_policy p;
	struct mtasts_mx_cmp c;
	struct net_diags nd;
	json_t *cs, *m;
	const char *host;
	size_t i, j, n = 0;

	(void)state;
	if (root == NULL)
		skip();
	a = arena_new(ARENA_MAX);
	json_array_foreach(json_object_get(root, "mx_matching"), i, cs) {
		memset(&p, 0, sizeof(p));
		p.mode = MTASTS_MODE_ENFORCE;
		json_array_foreach(json_object_get(cs, "policy_mx"), j, m)
			p.mx[p.nmx++] = json_string_value(m);
		host = json_string_value(json_object_get(cs, "host"));
		memset(&nd, 0, sizeof(nd));
		assert_int_equal(mtasts_mx_compare(a, &p, &host, 1, &c, &nd),
		    DW_OK);
		assert_int_equal(c.covered[0],
		    json_is_true(json_object_get(cs, "match")));
		assert_int_equal(net_diags_find(&nd, NET_STS_MX_NOT_COVERED)
		    != NULL, !c.covered[0]);
		n++;
	}
	printf("# cases.json mx_matching through mtasts_mx_compare: %zu\n",
	    n);
	assert_true(n > 0);
	arena_free(a);
	json_decref(root);
}

static void
cert_diags(void **state)
{
	struct arena *a = arena_new(ARENA_MAX);
	struct net_cert c;
	struct net_diags nd;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.subject = "CN=mx.other.example";
	c.issuer = "CN=Some CA";
	c.dns_names = "mx.other.example";
	c.key_type = "RSA";
	c.key_bits = 1024;
	c.chain_ok = true;
	c.name_ok = true;
	c.days_left = 5;
	c.not_after = 86400 * 5;
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_tls_cert_diags(a, &nd, "mx.example 192.0.2.1",
	    "mx.example", &c, DIAG_WARN), DW_OK);
	assert_int_equal(nd.n, 2);
	assert_non_null(net_diags_find(&nd, NET_CERT_EXPIRES_SOON));
	assert_string_equal(net_diags_find(&nd, NET_CERT_WEAK_KEY)->detail,
	    "mx.example 192.0.2.1: certificate key is RSA 1024 bits");

	c.key_bits = 2048;
	c.days_left = -3;
	c.expired = true;
	c.chain_ok = false;
	c.chain_text = "unable to get local issuer certificate";
	c.name_ok = false;
	memset(&nd, 0, sizeof(nd));
	assert_int_equal(net_tls_cert_diags(a, &nd, "mx.example",
	    "mx.example", &c, DIAG_WARN), DW_OK);
	assert_int_equal(nd.n, 3);
	assert_int_equal(net_diags_find(&nd, NET_CERT_UNTRUSTED)->sev,
	    DIAG_WARN);
	assert_non_null(net_diags_find(&nd, NET_CERT_EXPIRED));
	assert_string_equal(net_diags_find(&nd, NET_CERT_NAME)->detail,
	    "mx.example: certificate is for CN=mx.other.example (names: "
	    "mx.other.example), not for mx.example");
	assert_null(net_diags_find(&nd, NET_CERT_EXPIRES_SOON));
	arena_free(a);
}

static void
escaping(void **state)
{
	struct arena *a = arena_new(ARENA_MAX);
	char big[NET_TEXT_MAX + 10];

	(void)state;
	assert_string_equal(net_escape(a, "ok text", 7, NET_TEXT_MAX),
	    "ok text");
	assert_string_equal(net_escape(a, "a\0b\x1b[2J", 7, NET_TEXT_MAX),
	    "a\\x00b\\x1b[2J");
	assert_string_equal(net_escape(a, "abcdef", 6, 3), "abc...");
	memset(big, 'z', sizeof(big));
	assert_int_equal(strlen(net_escape(a, big, sizeof(big), 100000)),
	    NET_TEXT_MAX + 3);
	arena_free(a);
}

static void
diag_table(void **state)
{
	int c;

	(void)state;
	for (c = 0; c < NET__COUNT; c++) {
		assert_non_null(net_code_id(c));
		assert_string_not_equal(net_code_id(c), "net.unknown");
		assert_true(strlen(net_code_message(c)) > 10);
	}
	assert_string_equal(net_code_id(NET__COUNT), "net.unknown");
}

/* Refusals that happen before any socket: bad names, non-public hosts. */
static void
refused_before_connecting(void **state)
{
	struct dns_resolver *r = zone();
	struct arena *a = arena_new(ARENA_MAX);
	struct net_opts o = { .resolver = r, .allow_loopback = true };
	struct smtp_probe_opts so = { .net = o };
	struct mtasts_fetch_result f;
	struct smtp_probe_result p;

	(void)state;
	assert_int_equal(mtasts_fetch(a, "bad domain", &o, &f), DW_EINVAL);
	assert_int_equal(mtasts_fetch(a, "", &o, &f), DW_EINVAL);
	assert_int_equal(smtp_probe(a, "mx..example", &so, &p), DW_EINVAL);
	so.ehlo_name = "two words";
	assert_int_equal(smtp_probe(a, "mx.example", &so, &p), DW_EINVAL);
	so.ehlo_name = "[192.0.2.1\r\nRSET]";
	assert_int_equal(smtp_probe(a, "mx.example", &so, &p), DW_EINVAL);
	so.ehlo_name = NULL;
	o.ca_file = "/nonexistent/ca.pem";
	assert_int_equal(mtasts_fetch(a, "clinic.example", &o, &f),
	    DW_EINVAL);
	o.ca_file = NULL;

	assert_int_equal(dns_fake_add_addr(r, "mta-sts.clinic.example",
	    "169.254.169.254"), DW_OK);
	assert_int_equal(dns_fake_add_addr(r, "mx.clinic.example",
	    "fd00::25"), DW_OK);
	assert_int_equal(mtasts_fetch(a, "Clinic.Example.", &o, &f), DW_OK);
	assert_int_equal(f.outcome, MTASTS_FETCH_UNREACHABLE);
	assert_string_equal(f.host, "mta-sts.clinic.example");
	assert_string_equal(f.url,
	    "https://mta-sts.clinic.example/.well-known/mta-sts.txt");
	assert_false(f.connected);
	assert_non_null(net_diags_find(&f.diags, NET_ADDR_NOT_PUBLIC));
	assert_null(f.policy);

	assert_int_equal(smtp_probe(a, "MX.clinic.example", &so, &p), DW_OK);
	assert_int_equal(p.outcome, SMTP_PROBE_UNREACHABLE);
	assert_string_equal(p.host, "mx.clinic.example");
	assert_int_equal(p.port, SMTP_PROBE_PORT);
	assert_false(p.connected);
	assert_string_equal(net_diags_find(&p.diags,
	    NET_ADDR_NOT_PUBLIC)->detail, "mx.clinic.example resolves to "
	    "fd00::25 (private address); not contacted");
	arena_free(a);
	dns_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addr_classes),
		cmocka_unit_test(host_names),
		cmocka_unit_test(resolve),
		cmocka_unit_test(replies),
		cmocka_unit_test(reply_limits),
		cmocka_unit_test(ehlo_keywords),
		cmocka_unit_test(mx_compare),
		cmocka_unit_test(mx_conformance),
		cmocka_unit_test(cert_diags),
		cmocka_unit_test(escaping),
		cmocka_unit_test(diag_table),
		cmocka_unit_test(refused_before_connecting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
