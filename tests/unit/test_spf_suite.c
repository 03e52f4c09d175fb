/*
 * test_spf_suite.c: the SPF conformance suites, read unchanged from
 * $DW_SHARED/conformance/spf: every scenario's zonedata feeds the zone
 * data resolver, every case runs check_host() and compares the result
 * (any of a list counts) and the explanation.  Prints "NAME: N/M passed".
 * A case that cannot run (reviewed in the tables below) is one TAP skip
 * of its own, with the suite, the case and the reason, in a second group
 * after the suites, so tests/run.sh counts it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dwtest.h"

#include <yaml.h>

#include "base/arena.h"
#include "dns/dns_fake.h"
#include "record/spf_eval.h"

#define SUITE_MAX_BYTES	(8u << 20)

struct tally {
	const char	*label;
	unsigned	 passed, total, skipped;
};

/*
 * Cases that cannot run here (a result RFC 7208 does not have, a format
 * or identity this runner does not take) are reported after the suites,
 * each as a TAP skip naming the suite, the case and the reason.
 */
#define SKIPS_MAX	256

static char	skipped[SKIPS_MAX][512];
static size_t	nskipped;

static void
note_skip(struct tally *t, const char *name, const char *why)
{
	assert_true(nskipped < SKIPS_MAX);
	snprintf(skipped[nskipped++], sizeof(skipped[0]), "%s %s: %s",
	    t->label, name, why);
	t->skipped++;
}

static void
skipped_case(void **state)
{
	(void)state;
	skip();
}

static const char *
scalar(yaml_document_t *d, yaml_node_t *n)
{
	(void)d;
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static yaml_node_t *
get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(d, yaml_document_get_node(d, p->key));

		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *
norm_result(const char *r)
{
	if (strcmp(r, "unknown") == 0)
		return "permerror";
	if (strcmp(r, "error") == 0)
		return "temperror";
	return r;
}

static bool
result_ok(yaml_document_t *d, yaml_node_t *want, const char *got,
    char *wbuf, size_t wsz)
{
	yaml_node_item_t *it;
	bool ok = false;

	wbuf[0] = '\0';
	if (want != NULL && want->type == YAML_SCALAR_NODE) {
		snprintf(wbuf, wsz, "%s", scalar(d, want));
		return strcmp(norm_result(scalar(d, want)), got) == 0;
	}
	if (want == NULL || want->type != YAML_SEQUENCE_NODE)
		return false;
	for (it = want->data.sequence.items.start;
	    it < want->data.sequence.items.top; it++) {
		const char *w = scalar(d, yaml_document_get_node(d, *it));
		size_t l = strlen(wbuf);

		if (w == NULL)
			continue;
		snprintf(wbuf + l, wsz - l, "%s%s", l ? "|" : "", w);
		if (strcmp(norm_result(w), got) == 0)
			ok = true;
	}
	return ok;
}

/* Reviewed skips: cases whose expectation is not RFC 7208's. */
static const struct {
	const char	*name, *why;
} skips[] = {
	{ "default-modifier", "pyspf lax mode (strict: 0): a \"default=\" "
	    "modifier RFC 7208 does not have" },
	{ "resolution-with-10-lookups", "include:d11 names a single label, "
	    "a syntax error by RFC 7208 section 7.1 (domain-end)" },
	{ "mx-resolution-10-terms", "sender domain \"mx10\" is a single "
	    "label: RFC 7208 section 4.3 gives none" },
	{ "mx-resolution-11-terms", "sender domain \"mx11\" is a single "
	    "label: RFC 7208 section 4.3 gives none" },
	{ "one-mx-not-found", "single-label sender domain (RFC 7208 "
	    "section 4.3: none)" },
	{ "all-mx-not-found", "single-label sender domain (RFC 7208 "
	    "section 4.3: none)" },
	{ "include-not-found", "single-label sender domain (RFC 7208 "
	    "section 4.3: none)" },
	{ "redirect-not-found", "single-label sender domain (RFC 7208 "
	    "section 4.3: none)" },
};

/* A reason to skip a case, or NULL. */
static const char *
skip_reason(yaml_document_t *d, const char *name, yaml_node_t *tc)
{
	yaml_node_t *r = get(d, tc, "result");
	size_t i;

	for (i = 0; i < sizeof(skips) / sizeof(skips[0]); i++)
		if (strcmp(skips[i].name, name) == 0)
			return skips[i].why;

	if (r != NULL && r->type == YAML_SCALAR_NODE &&
	    strcmp(scalar(d, r), "ambiguous") == 0)
		return "pyspf-only result \"ambiguous\"";
	if (get(d, tc, "host") == NULL)
		return "no client address";
	return NULL;
}

static void
run_case(yaml_document_t *d, struct dns_resolver *r, const char *name,
    yaml_node_t *tc, struct tally *t)
{
	const char *exp = scalar(d, get(d, tc, "explanation"));
	const char *why = skip_reason(d, name, tc);
	struct spf_query q = { 0 };
	struct spf_outcome o;
	struct arena *a;
	char want[128];
	bool ok;

	if (why != NULL) {
		note_skip(t, name, why);
		return;
	}
	a = arena_new(64u << 20);
	assert_non_null(a);
	q.ip = scalar(d, get(d, tc, "host"));
	q.sender = scalar(d, get(d, tc, "mailfrom"));
	q.helo = scalar(d, get(d, tc, "helo"));
	q.receiver = "receiver.com";
	q.default_exp = "DEFAULT";
	q.now = 1;
	t->total++;
	if (spf_check_host(a, r, &q, &o) != DW_OK) {
		printf("# FAIL %s: check_host failed\n", name);
		arena_free(a);
		return;
	}
	ok = result_ok(d, get(d, tc, "result"), spf_result_name(o.result),
	    want, sizeof(want));
	if (ok && exp != NULL && o.result == SPF_FAIL)
		ok = o.explanation != NULL && strcmp(o.explanation, exp) == 0;
	if (ok)
		t->passed++;
	else
		printf("# FAIL %s: got %s (%s) want %s (%s) problem %s\n",
		    name, spf_result_name(o.result),
		    o.explanation ? o.explanation : "-", want,
		    exp ? exp : "-", o.problem ? o.problem : "-");
	arena_free(a);
}

static void
run_doc(yaml_document_t *d, struct tally *t)
{
	yaml_node_t *root = yaml_document_get_root_node(d), *tests, *zone;
	struct dns_resolver *r;
	yaml_node_pair_t *p;
	struct dw_error e;

	tests = get(d, root, "tests");
	zone = get(d, root, "zonedata");
	if (tests == NULL || tests->type != YAML_MAPPING_NODE)
		return;
	r = dns_fake_new();
	assert_non_null(r);
	if (zone != NULL && dns_fake_load_node(r, d, zone, &e) != DW_OK) {
		printf("# zonedata refused: %s\n", e.msg);
		fail();
	}
	for (p = tests->data.mapping.pairs.start;
	    p < tests->data.mapping.pairs.top; p++)
		run_case(d, r, scalar(d, yaml_document_get_node(d, p->key)),
		    yaml_document_get_node(d, p->value), t);
	dns_free(r);
}

static bool
run_file(const char *rel, const char *label, struct tally *t)
{
	char path[1024];
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/conformance/spf/%s", dwtest_shared(),
	    rel);
	fp = fopen(path, "rb");
	if (fp == NULL)
		return false;
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_file(&parser, fp);
	for (;;) {
		yaml_node_t *root;

		if (!yaml_parser_load(&parser, &doc)) {
			printf("# %s: YAML error %s\n", label,
			    parser.problem ? parser.problem : "?");
			fail();
		}
		root = yaml_document_get_root_node(&doc);
		if (root == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		run_doc(&doc, t);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	printf("# %s: %u/%u passed", label, t->passed, t->total);
	if (t->skipped > 0)
		printf(", %u skipped", t->skipped);
	printf("\n");
	return true;
}

static void
suite(const char *rel, const char *label, bool gate)
{
	struct tally t = { label, 0, 0, 0 };

	if (!run_file(rel, label, &t)) {
		printf("# %s: %s not found under %s\n", label, rel,
		    dwtest_shared());
		skip();
	}
	if (gate)
		assert_int_equal(t.passed, t.total);
}

static void
rfc7208(void **state)
{
	(void)state;
	suite("rfc7208-tests.yml", "rfc7208", true);
}

static void
rfc4408(void **state)
{
	(void)state;
	suite("rfc4408-tests.yml", "rfc4408", true);
}

static void
pyspf(void **state)
{
	(void)state;
	suite("pyspf-tests.yml", "pyspf", true);
}

static void
blitiri(void **state)
{
	(void)state;
	suite("extra/blitiri/blitirispf-tests.yml", "blitiri", true);
}

/*
 * The stalwart-mail-auth suite: a line format of its own (not YAML).
 * Documents split on "---"; "a:/aaaa:/mx:/ptr:/spf:/exp:" lines add DNS
 * data (a later line for the same name and kind replaces the earlier, as
 * that suite's driver does), "domain:/sender:/ip:" set the identity and
 * "expect: RESULT [EXPLANATION]" runs one check.
 */
#define ST_MAX	512

struct st_rec {
	char	kind[8];
	char	name[256];
	char	value[1024];
};

struct st {
	struct st_rec	 rec[ST_MAX];
	size_t		 n;
	char		 domain[256], sender[256], ip[64];
	struct tally	*t;
	const char	*file;
	unsigned	 line;
};

static void
st_add(struct st *st, const char *kind, const char *rest)
{
	const char *sp = strchr(rest, ' ');
	char name[256];
	size_t i;

	if (sp == NULL || (size_t)(sp - rest) >= sizeof(name))
		return;
	snprintf(name, sizeof(name), "%.*s", (int)(sp - rest), rest);
	if (strcmp(kind, "exp") == 0)
		kind = "spf";	/* both are the TXT of the name */
	for (i = 0; i < st->n; i++)
		if (strcmp(st->rec[i].kind, kind) == 0 &&
		    strcasecmp(st->rec[i].name, name) == 0)
			break;
	if (i == st->n) {
		assert_true(st->n < ST_MAX);
		st->n++;
	}
	snprintf(st->rec[i].kind, sizeof(st->rec[i].kind), "%s", kind);
	snprintf(st->rec[i].name, sizeof(st->rec[i].name), "%s", name);
	snprintf(st->rec[i].value, sizeof(st->rec[i].value), "%s", sp + 1);
}

/* Each comma-separated item of a value, spaces trimmed. */
static size_t
st_items(char *v, char **items, size_t max)
{
	size_t n = 0;
	char *p = v, *c;

	while (p != NULL && n < max) {
		c = strchr(p, ',');
		if (c != NULL)
			*c++ = '\0';
		while (*p == ' ')
			p++;
		if (*p != '\0')
			items[n++] = p;
		p = c;
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(items[i]);

		while (l > 0 && items[i][l - 1] == ' ')
			items[i][--l] = '\0';
	}
	return n;
}

static void
st_load_one(struct dns_resolver *r, const struct st_rec *rec)
{
	char v[1024], *items[64], name[300], rev[DNS_NAME_MAX + 1];
	uint8_t addr[16];
	size_t n, i, len;
	bool v6;

	snprintf(v, sizeof(v), "%s", rec->value);
	if (strcmp(rec->kind, "tmo") == 0) {
		assert_int_equal(dns_fake_add_timeout(r, rec->name), DW_OK);
		return;
	}
	if (strcmp(rec->kind, "spf") == 0) {
		const char *s = v;

		len = strlen(v);
		assert_int_equal(dns_fake_add_txt(r, rec->name, DNS_T_TXT, &s,
		    &len, 1), DW_OK);
		return;
	}
	n = st_items(v, items, 64);
	for (i = 0; i < n; i++) {
		if (strcmp(rec->kind, "mx") == 0) {
			snprintf(name, sizeof(name), "mx.%s.%zu", items[i], i);
			assert_int_equal(dns_fake_add_mx(r, rec->name,
			    (unsigned)i + 1, name), DW_OK);
			assert_int_equal(dns_fake_add_addr(r, name, items[i]),
			    DW_OK);
		} else if (strcmp(rec->kind, "ptr") == 0) {
			assert_true(spf_ip_parse(rec->name, addr, &v6));
			dns_reverse_name(addr, v6, rev, sizeof(rev));
			assert_int_equal(dns_fake_add_name(r, rev, DNS_T_PTR,
			    items[i]), DW_OK);
		} else {
			assert_int_equal(dns_fake_add_addr(r, rec->name,
			    items[i]), DW_OK);
		}
	}
}

/* Reviewed skips, by file and line of the expect: line. */
static const struct {
	const char	*file;
	unsigned	 line;
	const char	*why;
} st_skips[] = {
	{ "all.yml", 14, "\"ip:10.0.0.1\" is no mechanism: RFC 7208 "
	    "section 4.6 makes a syntax error anywhere a permerror" },
	{ "basic.yml", 112, "ten void lookups: RFC 7208 section 4.6.4 (and "
	    "the rfc7208 suite's void-over-limit) says permerror after 2" },
	{ "basic.yml", 164, "a HELO-identity check; check_host() of the "
	    "MAIL FROM domain gives pass here" },
	{ "exists.yml", 19, "exists on an IPv6-only name: RFC 7208 section "
	    "5.7 asks for an A record even for IPv6 clients" },
	{ "ip.yml", 54, "ip6:::ffff:10.1.2.3 for an IPv4 client: RFC 7208 "
	    "section 5.6 matches ip6 against IPv6 clients only" },
	{ "macro.yml", 35, "exists on an AAAA-only name: RFC 7208 section "
	    "5.7 asks for an A record even for IPv6 clients" },
};

static const char *
st_skip(const struct st *st)
{
	size_t i;

	for (i = 0; i < sizeof(st_skips) / sizeof(st_skips[0]); i++)
		if (strcmp(st_skips[i].file, st->file) == 0 &&
		    st_skips[i].line == st->line)
			return st_skips[i].why;
	return NULL;
}

static void
st_expect(struct st *st, const char *want)
{
	struct dns_resolver *r = dns_fake_new();
	struct arena *a = arena_new(64u << 20);
	struct spf_query q = { 0 };
	const char *exp = strchr(want, ' ');
	size_t wl = exp != NULL ? (size_t)(exp - want) : strlen(want), i;
	struct spf_outcome o;
	const char *got;
	bool ok;

	if (st_skip(st) != NULL) {
		char where[128];

		snprintf(where, sizeof(where), "%s:%u", st->file, st->line);
		note_skip(st->t, where, st_skip(st));
		arena_free(a);
		dns_free(r);
		return;
	}
	for (i = 0; i < st->n; i++)
		st_load_one(r, &st->rec[i]);
	q.ip = st->ip;
	q.sender = st->sender;
	q.helo = st->domain;
	q.receiver = "localdomain.org";
	q.now = 1;
	st->t->total++;
	assert_int_equal(spf_check_host(a, r, &q, &o), DW_OK);
	got = spf_result_name(o.result);
	ok = strlen(got) == wl && strncmp(got, want, wl) == 0;
	if (ok && exp != NULL)
		ok = o.explanation != NULL &&
		    strcmp(o.explanation, exp + 1) == 0;
	if (ok)
		st->t->passed++;
	else
		printf("# FAIL %s:%u: %s %s ip %s: got %s (%s) want %s\n",
		    st->file, st->line, st->domain, st->sender, st->ip, got,
		    o.explanation ? o.explanation : "-", want);
	arena_free(a);
	dns_free(r);
}

static void
st_line(struct st *st, char *l)
{
	static const char *const recs[] = { "a", "aaaa", "mx", "ptr", "spf",
	    "exp" };
	char *colon, *v;
	size_t i, n;

	n = strlen(l);
	while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\n' ||
	    l[n - 1] == '\r'))
		l[--n] = '\0';
	while (*l == ' ')
		l++;
	if (strncmp(l, "- ", 2) == 0)
		l += 2;
	colon = strstr(l, "_dns_error.");
	if (colon != NULL) {
		/* that suite's driver fails such names temporarily */
		char tmo[300];

		snprintf(tmo, sizeof(tmo), "%.*s x", (int)strcspn(colon, " "),
		    colon);
		st_add(st, "tmo", tmo);
	}
	colon = strchr(l, ':');
	if (colon == NULL)
		return;
	*colon = '\0';
	v = colon + 1;
	while (*v == ' ')
		v++;
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		if (strcmp(l, recs[i]) == 0)
			st_add(st, l, v);
	if (strcmp(l, "domain") == 0)
		snprintf(st->domain, sizeof(st->domain), "%s", v);
	else if (strcmp(l, "sender") == 0)
		snprintf(st->sender, sizeof(st->sender), "%s", v);
	else if (strcmp(l, "ip") == 0)
		snprintf(st->ip, sizeof(st->ip), "%s", v);
	else if (strcmp(l, "expect") == 0)
		st_expect(st, v);
}

static const char *const st_files[] = {
	"a.yml", "all.yml", "basic.yml", "examples.yml", "exists.yml",
	"exp.yml", "include.yml", "ip.yml", "macro.yml", "mx.yml",
	"ptr.yml", "redirect.yml",
};

static void
stalwart(void **state)
{
	static struct st st;
	struct tally t = { "stalwart", 0, 0, 0 };
	char path[1024], line[4096];
	size_t i;
	FILE *fp;

	(void)state;
	for (i = 0; i < sizeof(st_files) / sizeof(st_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/conformance/spf/extra/"
		    "stalwart-mail-auth/%s", dwtest_shared(), st_files[i]);
		fp = fopen(path, "r");
		if (fp == NULL) {
			printf("# stalwart: %s not found\n", path);
			skip();
		}
		memset(&st, 0, sizeof(st));
		snprintf(st.ip, sizeof(st.ip), "127.0.0.1");
		st.t = &t;
		st.file = st_files[i];
		while (fgets(line, sizeof(line), fp) != NULL) {
			st.line++;
			st_line(&st, line);
		}
		fclose(fp);
	}
	printf("# stalwart: %u/%u passed, %u skipped\n", t.passed, t.total,
	    t.skipped);
	assert_int_equal(t.passed, t.total);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc7208),
		cmocka_unit_test(rfc4408),
		cmocka_unit_test(pyspf),
		cmocka_unit_test(blitiri),
		cmocka_unit_test(stalwart),
	};
	struct CMUnitTest notrun[SKIPS_MAX];
	size_t i;
	int rc;

	rc = cmocka_run_group_tests_name("spf suites", tests, NULL, NULL);
	if (nskipped == 0)
		return rc;
	memset(notrun, 0, sizeof(notrun));
	for (i = 0; i < nskipped; i++) {
		notrun[i].name = skipped[i];
		notrun[i].test_func = skipped_case;
	}
	return rc | _cmocka_run_group_tests("spf suite cases not run", notrun,
	    nskipped, NULL, NULL);
}
