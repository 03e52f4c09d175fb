/*
 * test_spf.c: the SPF record parser (findings with positions), macro
 * expansion (RFC 7208 §7.4 examples and abuse), and check_host() on the
 * bad inputs of ADVERSARIAL.md section F.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dwtest.h"

#include "base/arena.h"
#include "dns/dns_fake.h"
#include "record/spf_eval.h"
#include "record/spf_lint.h"

static const struct {
	const char	*rec;
	bool		 valid;
	size_t		 off;		/* of the first finding */
	enum spf_fcode	 code;
} parse_cases[] = {
	{ "v=spf1 -all", true, 0, 0 },
	{ "v=spf1", true, 0, 0 },
	{ "V=SPF1 A:Example.COM/24//64 MX ?all", true, 0, 0 },
	{ "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all", true, 0, 0 },
	{ "v=spf1 foo=bar%{d} -all", true, 0, 0 },
	{ "v=spf1 include:%{d}.example.com exists:%{i}.%{d}", true, 0, 0 },
	{ "v=spf10 -all", false, 0, SPF_F_VERSION },
	{ "v=spf1 -all badmech", false, 12, SPF_F_BAD_TERM },
	{ "v=spf1 ip4:192.0.2.0/33", false, 7, SPF_F_BAD_CIDR },
	{ "v=spf1 ip4:192.0.2.0/024", false, 7, SPF_F_BAD_CIDR },
	{ "v=spf1 ip4:192.0.02.1", false, 7, SPF_F_BAD_IP },
	{ "v=spf1 ip6:2001:db8::/129", false, 7, SPF_F_BAD_CIDR },
	{ "v=spf1 a//129", false, 7, SPF_F_BAD_CIDR },
	{ "v=spf1 a:example", false, 7, SPF_F_BAD_DOMAIN },
	{ "v=spf1 a:example.123", false, 7, SPF_F_BAD_DOMAIN },
	{ "v=spf1 include:", false, 7, SPF_F_BAD_DOMAIN },
	{ "v=spf1 exists:%{x}.example.com", false, 7, SPF_F_BAD_DOMAIN },
	{ "v=spf1 a:%{d0}.example.com", false, 7, SPF_F_BAD_DOMAIN },
	{ "v=spf1 a:foo%", false, 7, SPF_F_BAD_DOMAIN },
	{ "v=spf1 a:%{d", false, 7, SPF_F_BAD_DOMAIN },
	{ "v=spf1 redirect=a.example redirect=b.example", false, 26,
	    SPF_F_DUP_MODIFIER },
	{ "v=spf1 exp=a.example exp=b.example", false, 21,
	    SPF_F_DUP_MODIFIER },
	{ "v=spf1 all:foo", false, 7, SPF_F_BAD_TERM },
	{ "v=spf1 -all \x80", false, 12, SPF_F_NONASCII },
	{ "v=spf1 a:x.example\x0dptr", false, 18, SPF_F_NONASCII + 99 },
};

static void
parser_findings(void **state)
{
	struct arena *a = arena_new(1 << 20);
	struct spf_record *rec;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const char *s = parse_cases[i].rec;

		assert_int_equal(spf_parse(a, s, strlen(s), &rec), DW_OK);
		if (rec->valid != parse_cases[i].valid)
			fail_msg("\"%s\": valid %d", s, rec->valid);
		if (rec->valid)
			continue;
		assert_true(rec->nfindings > 0);
		assert_non_null(rec->findings[0].msg);
		if ((int)parse_cases[i].code > SPF_F_TOO_MANY)
			continue;	/* position only roughly known */
		if (rec->findings[0].code != parse_cases[i].code ||
		    rec->findings[0].off != parse_cases[i].off)
			fail_msg("\"%s\": code %d off %zu (%s)", s,
			    rec->findings[0].code, rec->findings[0].off,
			    rec->findings[0].msg);
	}
	arena_free(a);
}

static const struct {
	const char	*in, *out;
} macro_cases[] = {	/* RFC 7208 §7.4 */
	{ "%{s}", "strong-bad@email.example.com" },
	{ "%{o}", "email.example.com" },
	{ "%{d}", "email.example.com" },
	{ "%{d4}", "email.example.com" },
	{ "%{d3}", "email.example.com" },
	{ "%{d2}", "example.com" },
	{ "%{d1}", "com" },
	{ "%{dr}", "com.example.email" },
	{ "%{d2r}", "example.email" },
	{ "%{l}", "strong-bad" },
	{ "%{l-}", "strong.bad" },
	{ "%{lr}", "strong-bad" },
	{ "%{lr-}", "bad.strong" },
	{ "%{l1r-}", "strong" },
	{ "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com" },
	{ "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com" },
	{ "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
	    "3.2.0.192.in-addr.strong.lp._spf.example.com" },
	{ "%{d2}.trusted-domains.example.net",
	    "example.com.trusted-domains.example.net" },
	{ "%%%_%-", "% %20" },
	{ "%{L}", "strong-bad" },
	{ "%{S}", "strong-bad%40email.example.com" },
	{ "%{d999999999999}", "email.example.com" },
	{ "%{p}", "unknown" },
};

static void
ctx_init(struct spf_macro_ctx *c, const uint8_t *ip, bool v6)
{
	memset(c, 0, sizeof(*c));
	c->sender = "strong-bad@email.example.com";
	c->local = "strong-bad";
	c->sender_dom = "email.example.com";
	c->domain = "email.example.com";
	c->helo = "mx.example.org";
	c->ip = ip;
	c->v6 = v6;
}

static void
macros(void **state)
{
	static const uint8_t v4[16] = { 192, 0, 2, 3 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0xcb, 0x01 };
	struct spf_macro_ctx c;
	struct buf b;
	size_t i;

	(void)state;
	ctx_init(&c, v4, false);
	for (i = 0; i < sizeof(macro_cases) / sizeof(macro_cases[0]); i++) {
		buf_init(&b, 4096);
		assert_int_equal(spf_macro_expand(&c, macro_cases[i].in,
		    strlen(macro_cases[i].in), false, &b), DW_OK);
		assert_string_equal(buf_str(&b), macro_cases[i].out);
		buf_fini(&b);
	}
	ctx_init(&c, v6, true);
	buf_init(&b, 4096);
	assert_int_equal(spf_macro_expand(&c, "%{ir}.%{v}._spf.%{d2}", 21,
	    false, &b), DW_OK);
	assert_int_equal(strcasecmp(buf_str(&b), "1.0.b.c.0.0.0.0.0.0.0.0."
	    "0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"),
	    0);
	buf_fini(&b);
}

static void
macro_abuse(void **state)
{
	static const char *const bad[] = {
		"%", "%{", "%{x}", "%{d0}", "%{d", "%{dr", "a b", "%{c}",
		"%{d}%", "%{d1r.x}", "\x80",
	};
	static const uint8_t v4[16] = { 192, 0, 2, 3 };
	struct spf_macro_ctx c;
	char local[5000];
	struct buf b;
	size_t i;

	(void)state;
	ctx_init(&c, v4, false);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_init(&b, 4096);
		assert_int_equal(spf_macro_expand(&c, bad[i], strlen(bad[i]),
		    false, &b), DW_ESYNTAX);
		buf_fini(&b);
	}
	/* c, r, t and spaces only in exp= text */
	buf_init(&b, 4096);
	c.now = 42;
	assert_int_equal(spf_macro_expand(&c, "%{c} at %{t} by %{r}", 20,
	    true, &b), DW_OK);
	assert_string_equal(buf_str(&b), "192.0.2.3 at 42 by unknown");
	buf_fini(&b);
	/* a huge local part: capped output, an error, no overflow */
	memset(local, 'x', sizeof(local) - 1);
	local[sizeof(local) - 1] = '\0';
	c.local = local;
	buf_init(&b, 4096);
	assert_int_equal(spf_macro_expand(&c, "%{l}%{l}", 8, false, &b),
	    DW_ELIMIT);
	buf_fini(&b);
	/* delimiters galore: more parts than kept is an error too */
	memset(local, '.', sizeof(local) - 1);
	buf_init(&b, 1 << 16);
	assert_int_equal(spf_macro_expand(&c, "%{lr}", 5, false, &b),
	    DW_ELIMIT);
	buf_fini(&b);
}

static void
domain_fix(void **state)
{
	struct buf b;
	char long_name[600];
	size_t i;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(buf_puts(&b, "example.com."), DW_OK);
	assert_true(spf_domain_fix(&b));
	assert_string_equal(buf_str(&b), "example.com");
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "a..example.com"), DW_OK);
	assert_false(spf_domain_fix(&b));
	/* over 253: labels cut off the left (§7.3) */
	for (i = 0; i < 100; i++)
		memcpy(long_name + i * 5, "abcd.", 5);
	memcpy(long_name + 500, "example.com", 12);
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, long_name), DW_OK);
	assert_true(spf_domain_fix(&b));
	assert_true(b.len <= 253);
	assert_true(b.len > 240);
	assert_int_equal(strcmp(buf_str(&b) + b.len - 11, "example.com"), 0);
	buf_fini(&b);
}

static const char adv_zone[] =
    "zonedata:\n"
    "  loop-a.example:\n"
    "    - TXT: v=spf1 include:loop-b.example -all\n"
    "  loop-b.example:\n"
    "    - TXT: v=spf1 include:loop-a.example -all\n"
    "  self.example:\n"
    "    - TXT: v=spf1 redirect=self.example\n"
    "  eleven.example:\n"
    "    - TXT: v=spf1 a a a a a a a a a a a ip4:192.0.2.9 -all\n"
    "    - A: 192.0.2.1\n"
    "  ten.example:\n"
    "    - TXT: v=spf1 a a a a a a a a a a ip4:192.0.2.9 -all\n"
    "    - A: 192.0.2.1\n"
    "  void.example:\n"
    "    - TXT: v=spf1 a:n1.example a:n2.example a:n3.example "
    "ip4:192.0.2.9 -all\n"
    "  cidr.example:\n"
    "    - TXT: v=spf1 ip4:0.0.0.0/0 -all\n"
    "  macro.example:\n"
    "    - TXT: \"v=spf1 exists:%{l}%{l}%{l}%{l}.%{d}%{d}%{d}%{d} "
    "-all exp=%{l}.%{d}\"\n"
    "  split.example:\n"
    "    - TXT: [\"v=spf1 ip4:192.0.2.9\", \" -all\"]\n";

static const struct {
	const char	*sender, *ip;
	enum spf_result	 want;
	unsigned	 terms;
} adv_cases[] = {
	{ "a@loop-a.example", "192.0.2.9", SPF_PERMERROR, 11 },
	{ "a@self.example", "192.0.2.9", SPF_PERMERROR, 11 },
	{ "a@eleven.example", "192.0.2.9", SPF_PERMERROR, 11 },
	{ "a@ten.example", "192.0.2.9", SPF_PASS, 10 },
	{ "a@void.example", "192.0.2.9", SPF_PERMERROR, 3 },
	{ "a@cidr.example", "203.0.113.1", SPF_PASS, 0 },
	{ "a@macro.example", "192.0.2.9", SPF_FAIL, 1 },
	{ "a@split.example", "192.0.2.9", SPF_PASS, 0 },
	{ "a@split.example", "::ffff:192.0.2.9", SPF_PASS, 0 },
};

static void
adversarial(void **state)
{
	struct dns_resolver *r = dns_fake_new();
	struct arena *a = arena_new(16 << 20);
	struct spf_outcome o;
	struct dw_error e;
	size_t i;

	(void)state;
	assert_int_equal(dns_fake_load_yaml(r, adv_zone, sizeof(adv_zone) - 1,
	    &e), DW_OK);
	for (i = 0; i < sizeof(adv_cases) / sizeof(adv_cases[0]); i++) {
		struct spf_query q = { 0 };

		q.ip = adv_cases[i].ip;
		q.sender = adv_cases[i].sender;
		q.helo = "mx.example";
		q.trace = true;
		assert_int_equal(spf_check_host(a, r, &q, &o), DW_OK);
		if (o.result != adv_cases[i].want ||
		    o.dns_terms != adv_cases[i].terms)
			fail_msg("%s: %s after %u terms", q.sender,
			    spf_result_name(o.result), o.dns_terms);
		assert_true(o.ntrace > 0);
	}
	arena_free(a);
	dns_free(r);
}

static void
lint_counts(void **state)
{
	struct dns_resolver *r = dns_fake_new();
	struct arena *a = arena_new(16 << 20);
	struct spf_lint *l;
	struct dw_error e;

	(void)state;
	assert_int_equal(dns_fake_load_yaml(r, adv_zone, sizeof(adv_zone) - 1,
	    &e), DW_OK);
	assert_int_equal(spf_lint(a, r, "eleven.example", &l), DW_OK);
	assert_int_equal(l->lookups, 11);
	assert_non_null(l->suggestion);
	assert_int_equal(spf_lint(a, r, "loop-a.example", &l), DW_OK);
	assert_true(l->nfindings > 0);
	assert_string_equal(l->findings[0].code, "loop");
	assert_int_equal(spf_lint(a, r, "void.example", &l), DW_OK);
	assert_int_equal(l->voids, 3);
	assert_int_equal(spf_lint(a, r, "bad..name", &l), DW_OK);
	assert_string_equal(l->findings[0].code, "bad-domain");
	arena_free(a);
	dns_free(r);
}

/*
 * A resolver in front of the zone data that answers in another order:
 * last asked first (lifo) or first asked first, optionally slowly.
 */
#define WRAP_MAX	4096

struct wrap_q {
	struct arena	*a;
	char		 name[DNS_NAME_MAX + 2];
	enum dns_type	 type;
	DNS_CB(cb);
	void		*arg;
};

struct wrap {
	struct dns_resolver	 r;
	struct dns_resolver	*inner;
	struct wrap_q		 q[WRAP_MAX];
	size_t			 n;
	bool			 lifo;
	long			 sleep_ns;
};

static enum dw_err
wrap_submit(struct dns_resolver *r, struct arena *a, const char *name,
    enum dns_type type, DNS_CB(cb), void *arg)
{
	struct wrap *w = (struct wrap *)r;
	struct wrap_q *q;

	assert_true(w->n < WRAP_MAX);
	q = &w->q[w->n++];
	q->a = a;
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->type = type;
	q->cb = cb;
	q->arg = arg;
	return DW_OK;
}

static enum dw_err
wrap_wait(struct dns_resolver *r)
{
	struct wrap *w = (struct wrap *)r;
	const struct dns_answer *ans;
	struct timespec ts = { 0, 0 };
	struct wrap_q q;
	enum dw_err err;

	while (w->n > 0) {
		if (w->lifo) {
			q = w->q[--w->n];
		} else {
			q = w->q[0];
			memmove(w->q, w->q + 1, --w->n * sizeof(w->q[0]));
		}
		ts.tv_nsec = w->sleep_ns;
		if (w->sleep_ns > 0)
			nanosleep(&ts, NULL);
		err = dns_query(w->inner, q.a, q.name, q.type, &ans);
		q.cb(q.arg, err, ans);
	}
	return DW_OK;
}

static size_t
wrap_pending(const struct dns_resolver *r)
{
	return ((const struct wrap *)r)->n;
}

static void
wrap_free(struct dns_resolver *r)
{
	(void)r;
}

static const struct dns_resolver_ops wrap_ops = {
	"test order", wrap_submit, wrap_wait, wrap_wait, wrap_pending,
	wrap_free,
};

static const char lint_zone[] =
    "zonedata:\n"
    "  big.example:\n"
    "    - TXT: v=spf1 include:a.v.example include:b.v.example a:gone.example"
    " mx:nomx.example ptr ip4:192.0.2.0/24 ip4:192.0.2.128/25 "
    "redirect=r.example\n"
    "  a.v.example:\n"
    "    - TXT: v=spf1 include:a1.v.example include:a2.v.example "
    "ip4:198.51.100.0/25 a -all\n"
    "  a1.v.example:\n"
    "    - TXT: v=spf1 ip4:198.51.100.0/24 ptr -all\n"
    "  a2.v.example:\n"
    "    - TXT: v=spf1 ip4:192.0.2.10 include:big.example -all\n"
    "  b.v.example:\n"
    "    - TXT: v=spf1 include:b1.v.example mx:nomx.example ?all\n"
    "  b1.v.example:\n"
    "    - TXT: v=spf1 ip6:2001:db8:1::/48 ip6:2001:db8:1::/48 -all\n"
    "  r.example:\n"
    "    - TXT: v=spf1 include:nx.example a:gone.example +all\n"
    "  nomx.example:\n"
    "    - A: 192.0.2.1\n";

/* The whole result as text, to compare two runs. */
static void
render(const struct spf_lint_node *n, char *out, size_t sz)
{
	size_t i, o = strlen(out);

	snprintf(out + o, sz - o, "[%s %s %s %u %u %u]", n->via ? n->via :
	    "-", n->domain, n->status, n->own, n->lookups, n->voids);
	for (i = 0; i < n->nkids; i++)
		render(n->kids[i], out, sz);
}

static void
lint_text(const struct spf_lint *l, char *out, size_t sz)
{
	size_t i, o;

	snprintf(out, sz, "%u %u %s|", l->lookups, l->voids,
	    l->all ? l->all : "-");
	if (l->root != NULL)
		render(l->root, out, sz);
	for (i = 0; i < l->nfindings; i++) {
		o = strlen(out);
		snprintf(out + o, sz - o, "\n%s %s %s",
		    l->findings[i].code, l->findings[i].domain,
		    l->findings[i].msg);
	}
}

static void
lint_order(void **state)
{
	static const char *const doms[] = { "big.example", "a.v.example",
	    "r.example", "nx.example" };
	static char fifo[16384], lifo[16384];
	struct dns_resolver *r = dns_fake_new();
	struct arena *a = arena_new(16 << 20);
	struct wrap *w = calloc(1, sizeof(*w));
	struct spf_lint *l;
	struct dw_error e;
	size_t i;

	(void)state;
	assert_int_equal(dns_fake_load_yaml(r, lint_zone,
	    sizeof(lint_zone) - 1, &e), DW_OK);
	w->r.ops = &wrap_ops;
	w->inner = r;
	for (i = 0; i < sizeof(doms) / sizeof(doms[0]); i++) {
		w->lifo = false;
		assert_int_equal(spf_lint(a, &w->r, doms[i], &l), DW_OK);
		lint_text(l, fifo, sizeof(fifo));
		w->lifo = true;
		assert_int_equal(spf_lint(a, &w->r, doms[i], &l), DW_OK);
		lint_text(l, lifo, sizeof(lifo));
		/* the order answers arrive in changes nothing */
		if (strcmp(fifo, lifo) != 0)
			fail_msg("%s:\n%s\n---\n%s", doms[i], fifo, lifo);
		arena_reset(a);
	}
	/* the loop back to the top through a2, the void lookups, the
	 * redirect's +all as the domain's, duplicates and overlaps */
	assert_int_equal(spf_lint(a, r, "big.example", &l), DW_OK);
	lint_text(l, fifo, sizeof(fifo));
	assert_non_null(strstr(fifo, "\nloop big.example include:big.example"));
	assert_non_null(strstr(fifo, "\nduplicate-range b1.v.example"));
	assert_non_null(strstr(fifo, "\npass-all r.example"));
	assert_string_equal(l->all, "+all");
	assert_int_equal(l->voids, 5);
	free(w);
	arena_free(a);
	dns_free(r);
}

/* Builds a zone of n names under top, each record from fmt. */
static void
wide_zone(struct dns_resolver *r, const char *top, const char *rec)
{
	const char *s = rec;
	size_t len = strlen(rec);

	assert_int_equal(dns_fake_add_txt(r, top, DNS_T_TXT, &s, &len, 1),
	    DW_OK);
}

static void
lint_caps(void **state)
{
	struct dns_resolver *r = dns_fake_new();
	struct arena *a = arena_new(64 << 20);
	static char rec[8192];
	char name[64];
	struct spf_lint *l;
	size_t i, j, o;

	(void)state;
	/* 20 includes of 20 includes each: 421 records, over the cap */
	o = (size_t)snprintf(rec, sizeof(rec), "v=spf1");
	for (i = 0; i < 20; i++)
		o += (size_t)snprintf(rec + o, sizeof(rec) - o,
		    " include:i%zu.wide.example", i);
	wide_zone(r, "wide.example", rec);
	for (i = 0; i < 20; i++) {
		o = (size_t)snprintf(rec, sizeof(rec), "v=spf1");
		for (j = 0; j < 20; j++)
			o += (size_t)snprintf(rec + o, sizeof(rec) - o,
			    " include:j%zu.i%zu.wide.example", j, i);
		snprintf(name, sizeof(name), "i%zu.wide.example", i);
		wide_zone(r, name, rec);
	}
	/* 300 a: terms: 600 queries, over the cap */
	o = (size_t)snprintf(rec, sizeof(rec), "v=spf1");
	for (i = 0; i < 300; i++)
		o += (size_t)snprintf(rec + o, sizeof(rec) - o,
		    " a:h%zu.many.example", i);
	wide_zone(r, "many.example", rec);
	/* 300 ptr terms: 300 findings, over the list's cap */
	o = (size_t)snprintf(rec, sizeof(rec), "v=spf1");
	for (i = 0; i < 300; i++)
		o += (size_t)snprintf(rec + o, sizeof(rec) - o, " ptr");
	wide_zone(r, "ptr.example", rec);

	assert_int_equal(spf_lint(a, r, "wide.example", &l), DW_OK);
	/* the limit comes first: it says how far the rest goes */
	assert_string_equal(l->findings[0].code, "record-limit");
	assert_true(r->nqueries < SPF_LINT_RECORDS_MAX + 4);
	arena_reset(a);
	r->nqueries = 0;
	assert_int_equal(spf_lint(a, r, "many.example", &l), DW_OK);
	assert_string_equal(l->findings[0].code, "query-limit");
	assert_int_equal(r->nqueries, SPF_LINT_QUERIES_MAX);
	arena_reset(a);
	assert_int_equal(spf_lint(a, r, "ptr.example", &l), DW_OK);
	assert_int_equal(l->nfindings, SPF_LINT_FINDINGS_MAX + 1);
	assert_string_equal(l->findings[SPF_LINT_FINDINGS_MAX].code,
	    "findings-limit");
	arena_free(a);
	dns_free(r);
}

/* RFC 7208 §4.6.4: past the time budget, temperror, no more lookups. */
static void
eval_budget(void **state)
{
	struct dns_resolver *r = dns_fake_new();
	struct arena *a = arena_new(16 << 20);
	struct wrap *w = calloc(1, sizeof(*w));
	struct spf_query q = { 0 };
	struct spf_outcome o;
	struct dw_error e;

	(void)state;
	assert_int_equal(dns_fake_load_yaml(r, adv_zone, sizeof(adv_zone) - 1,
	    &e), DW_OK);
	w->r.ops = &wrap_ops;
	w->inner = r;
	w->sleep_ns = 20 * 1000 * 1000;	/* 20 ms per answer */
	q.ip = "192.0.2.9";
	q.sender = "a@ten.example";	/* 11 lookups */
	q.budget_ms = 50;
	assert_int_equal(spf_check_host(a, &w->r, &q, &o), DW_OK);
	assert_int_equal(o.result, SPF_TEMPERROR);
	assert_non_null(o.problem);
	assert_non_null(strstr(o.problem, "time budget"));
	assert_true(r->nqueries < 6);
	free(w);
	arena_free(a);
	dns_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parser_findings),
		cmocka_unit_test(macros),
		cmocka_unit_test(macro_abuse),
		cmocka_unit_test(domain_fix),
		cmocka_unit_test(adversarial),
		cmocka_unit_test(lint_counts),
		cmocka_unit_test(lint_order),
		cmocka_unit_test(lint_caps),
		cmocka_unit_test(eval_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
