/*
 * test_check.c: the posture check against the fixtures of tests/check/.
 *
 * Each YAML document there is a scenario: zone data, the domain to check,
 * the finding ids that must and must not come out, and optionally the
 * organizational domain, the policy domain, the grade, the worst
 * severity, the DNSSEC status, the exact record of a fix and a word the
 * text of a finding must contain.  Every document gets a resolver of its
 * own built from its zone data.  The last test lists every finding id of
 * the catalog and fails for any that no fixture expects (and produces).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <yaml.h>

#include "dwtest.h"
#include "dwtest_file.h"

#include "base/buf.h"

#include "check/check.h"
#include "check/check_int.h"
#include "check/check_net.h"
#include "dns/dns_fake.h"

#define FIXTURES	"tests/check"
#define NOW		((int64_t)1798761600)	/* 2027-01-01T00:00:00Z */
#define SEL_MAX		8

struct scen {
	yaml_document_t	*doc;
	yaml_node_t	*root;
	const char	*file, *domain;
	bool		 seen[CF__COUNT];	/* produced */
	bool		 ran;
	char		 fail[2048];
};

static bool produced[CF__COUNT], expected[CF__COUNT];

static const char *
scalar(yaml_document_t *doc, yaml_node_t *n)
{
	(void)doc;
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

/* The value of key in mapping m, or NULL. */
static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;

	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	    p++) {
		const char *k = scalar(doc, yaml_document_get_node(doc,
		    p->key));

		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static yaml_node_t *
get(const struct scen *s, const char *key)
{
	return map_get(s->doc, s->root, key);
}

static const char *
get_str(const struct scen *s, const char *key)
{
	return scalar(s->doc, get(s, key));
}

static void
failf(struct scen *s, const char *what, const char *a, const char *b)
{
	size_t n = strlen(s->fail);

	snprintf(s->fail + n, sizeof(s->fail) - n, "%s %s: %s%s%s; ",
	    s->domain, what, a != NULL ? a : "(null)", b != NULL ? " != " :
	    "", b != NULL ? b : "");
}

static const struct check_finding *
find(const struct check_result *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].def->id, id) == 0)
			return &r->findings[i];
	return NULL;
}

static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The ids listed under key must (or must not) be in the result. */
static void
ids(struct scen *s, const struct check_result *r, const char *key,
    bool want)
{
	yaml_node_t *l = get(s, key);
	yaml_node_item_t *it;
	const struct check_def *def;

	if (l == NULL || l->type != YAML_SEQUENCE_NODE)
		return;
	for (it = l->data.sequence.items.start;
	    it < l->data.sequence.items.top; it++) {
		const char *id = scalar(s->doc, yaml_document_get_node(
		    s->doc, *it));

		def = id != NULL ? check_def_find(id) : NULL;
		if (def == NULL) {
			failf(s, "no such finding id", id, NULL);
			continue;
		}
		if (want)
			expected[def - check_def(0)] = true;
		if ((find(r, id) != NULL) != want)
			failf(s, want ? "missing" : "unexpected", id, NULL);
	}
}

/* key: {id: text}: the finding's fix record is text (fix), or its found
 * text contains it. */
static void
per_finding(struct scen *s, const struct check_result *r, const char *key,
    bool fix)
{
	yaml_node_t *m = get(s, key);
	yaml_node_pair_t *p;
	const struct check_finding *f;

	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	    p++) {
		const char *id = scalar(s->doc, yaml_document_get_node(s->doc,
		    p->key));
		const char *v = scalar(s->doc, yaml_document_get_node(s->doc,
		    p->value));

		f = id != NULL ? find(r, id) : NULL;
		if (f == NULL)
			failf(s, key, id, "not found");
		else if (strcmp(key, "file") == 0)
			if (f->fix_file == NULL || strstr(f->fix_file, v) ==
			    NULL)
				failf(s, "file", f->fix_file, v);
			else
				continue;
		else if (fix && !same(f->fix_value, v))
			failf(s, "fix", f->fix_value, v);
		else if (!fix && strstr(f->found, v) == NULL)
			failf(s, "contains", f->found, v);
	}
}

static void
on_result(void *arg, const struct check_result *r)
{
	struct scen *s = arg;
	const char *want;
	char grade[2] = { r->grade, '\0' };
	size_t i;

	s->ran = true;
	for (i = 0; i < r->nfindings; i++)
		s->seen[r->findings[i].fid] = produced[r->findings[i].fid] =
		    true;
	if (r->status != CHECK_DONE)
		failf(s, "not checked", r->error, NULL);
	ids(s, r, "expect", true);
	ids(s, r, "absent", false);
	per_finding(s, r, "fix", true);
	per_finding(s, r, "contains", false);
	per_finding(s, r, "file", false);
	if ((want = get_str(s, "org")) != NULL && !same(r->org_domain, want))
		failf(s, "org", r->org_domain, want);
	if ((want = get_str(s, "policy")) != NULL &&
	    !same(r->policy_domain, want))
		failf(s, "policy", r->policy_domain, want);
	if ((want = get_str(s, "grade")) != NULL && !same(grade, want))
		failf(s, "grade", grade, want);
	if ((want = get_str(s, "worst")) != NULL &&
	    !same(check_sev_name(r->worst), want))
		failf(s, "worst", check_sev_name(r->worst), want);
	if ((want = get_str(s, "dnssec")) != NULL &&
	    !same(dns_sec_name(r->dnssec), want))
		failf(s, "dnssec", dns_sec_name(r->dnssec), want);
}

/* ---- the transport stage of a scenario ("net") ---- */

struct net_fixture {
	struct check_net_opts	 o;
	struct check_net	*cn;
	char			*policy;	/* with policy_pad */
	int			 fd;		/* the closed port's */
};

static bool
yes(struct scen *s, yaml_node_t *m, const char *key)
{
	return same(scalar(s->doc, map_get(s->doc, m, key)), "true");
}

/* A loopback port bound but not listening: connections are refused. */
static int
closed_port(uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* The "previous" list of the scenario as the history. */
static enum dw_err
prev_fixture(void *arg, struct arena *a, const char *domain,
    const char *kind, const char *name, const char **value, int64_t *at)
{
	struct scen *s = arg;
	yaml_node_t *l = map_get(s->doc, get(s, "net"), "previous"), *e;
	yaml_node_item_t *it;
	enum dw_err err = DW_ENOTFOUND;
	const char *v;

	(void)domain;
	for (it = l != NULL && l->type == YAML_SEQUENCE_NODE ?
	    l->data.sequence.items.start : NULL; it != NULL &&
	    it < l->data.sequence.items.top; it++) {
		e = yaml_document_get_node(s->doc, *it);
		if (!same(scalar(s->doc, map_get(s->doc, e, "kind")), kind) ||
		    !same(scalar(s->doc, map_get(s->doc, e, "name")), name))
			continue;
		v = scalar(s->doc, map_get(s->doc, e, "value"));
		*value = v != NULL ? arena_strdup(a, v) : NULL;
		*at = (int64_t)strtoll(scalar(s->doc, map_get(s->doc, e,
		    "at")), NULL, 10);
		err = DW_OK;
	}
	return err;
}

/* Sets up the stage when the scenario has "net"; false when not. */
static bool
net_setup(struct scen *s, struct net_fixture *nf)
{
	yaml_node_t *n = get(s, "net");
	const char *pol, *pad;
	uint16_t port = 0;
	size_t len, extra;

	memset(nf, 0, sizeof(*nf));
	nf->fd = -1;
	if (n == NULL)
		return false;
	nf->o.fetch_sts = !yes(s, n, "no_fetch");
	nf->o.probe_smtp = yes(s, n, "probe_smtp");
	nf->o.allow_loopback = yes(s, n, "allow_loopback");
	nf->o.timeout_ms = 3000;
	if (yes(s, n, "closed_port")) {
		nf->fd = closed_port(&port);
		nf->o.https_port = nf->o.smtp_port = port;
	}
	pol = scalar(s->doc, map_get(s->doc, n, "policy"));
	pad = scalar(s->doc, map_get(s->doc, n, "policy_pad"));
	if (pol != NULL) {
		len = strlen(pol);
		extra = pad != NULL ? (size_t)strtoul(pad, NULL, 10) : 0;
		nf->policy = malloc(len + extra + 1);
		assert_non_null(nf->policy);
		memcpy(nf->policy, pol, len);
		memset(nf->policy + len, '#', extra);
		nf->policy[len + extra] = '\0';
		nf->o.policy = nf->policy;
		nf->o.policy_len = len + extra;
		nf->o.policy_source = "draft.txt";
	}
	nf->o.prev = prev_fixture;
	nf->o.prev_arg = s;
	assert_int_equal(check_net_new(&nf->o, &nf->cn), DW_OK);
	return true;
}

static void
net_teardown(struct net_fixture *nf)
{
	check_net_free(nf->cn);
	free(nf->policy);
	if (nf->fd >= 0)
		close(nf->fd);
}

static void
run_scenario(struct scen *s)
{
	struct net_fixture nf;
	struct check_opts o = { 0 };
	const char *sel[SEL_MAX];
	yaml_node_t *l = get(s, "selectors");
	yaml_node_item_t *it;
	struct dw_error e = { DW_OK, "" };
	struct dns_resolver *r = dns_fake_new();

	assert_non_null(r);
	s->domain = get_str(s, "check");
	assert_non_null(s->domain);
	if (dns_fake_load_node(r, s->doc, get(s, "zonedata"), &e) != DW_OK)
		fail_msg("%s: %s: %s", s->file, s->domain, e.msg);
	for (it = l != NULL && l->type == YAML_SEQUENCE_NODE ?
	    l->data.sequence.items.start : NULL; it != NULL &&
	    it < l->data.sequence.items.top && o.nselectors < SEL_MAX; it++)
		sel[o.nselectors++] = scalar(s->doc,
		    yaml_document_get_node(s->doc, *it));
	o.selectors = sel;
	o.now = NOW;
	if (net_setup(s, &nf)) {
		o.stages = check_net_stage(nf.cn);
		o.nstages = 1;
	}
	assert_int_equal(check_many(r, &o, &s->domain, 1, on_result, s),
	    DW_OK);
	assert_true(s->ran);
	net_teardown(&nf);
	dns_free(r);
}

/* Runs every scenario of a file; with check, fails on any mismatch. */
static void
run_file(const char *path, bool check)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct scen s;
	FILE *fp = fopen(path, "rb");
	char fails[8192] = "";
	size_t n = 0;

	assert_non_null(fp);
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_file(&parser, fp);
	for (;;) {
		if (!yaml_parser_load(&parser, &doc))
			fail_msg("%s: YAML error line %lu: %s", path,
			    (unsigned long)parser.problem_mark.line + 1,
			    parser.problem);
		memset(&s, 0, sizeof(s));
		s.doc = &doc;
		s.root = yaml_document_get_root_node(&doc);
		if (s.root == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		assert_int_equal(s.root->type, YAML_MAPPING_NODE);
		s.file = path;
		run_scenario(&s);
		n++;
		if (*s.fail != '\0')
			snprintf(fails + strlen(fails), sizeof(fails) -
			    strlen(fails), "%s\n", s.fail);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	assert_true(n > 0);
	if (check && *fails != '\0')
		fail_msg("%s:\n%s", path, fails);
}

#define FIXTURE_TEST(name, file) \
static void name(void **state) { (void)state; \
	run_file(FIXTURES "/" file, true); }

FIXTURE_TEST(fixtures_good, "good.yml")
FIXTURE_TEST(fixtures_dmarc, "dmarc.yml")
FIXTURE_TEST(fixtures_spf, "spf.yml")
FIXTURE_TEST(fixtures_dkim, "dkim.yml")
FIXTURE_TEST(fixtures_policies, "policies.yml")
FIXTURE_TEST(fixtures_mx, "mx.yml")
FIXTURE_TEST(fixtures_dns, "dns.yml")
FIXTURE_TEST(fixtures_adversarial, "adversarial.yml")
FIXTURE_TEST(fixtures_transport, "transport.yml")

/*
 * Findings that only a live server can give: a TLS handshake, a
 * certificate, an HTTP answer, an SMTP dialogue.  tests/cli/check_net.sh
 * produces each with nginx, Postfix and a misbehaving SMTP server on
 * loopback and checks it in the JSON output; here the script must at
 * least name each.
 */
static const char *const needs_server[] = {
	"mtasts.policy.tls", "mtasts.policy.certificate",
	"mtasts.policy.certificate.weak", "mtasts.policy.redirect",
	"mtasts.policy.http_status", "mtasts.policy.content_type",
	"smtp.protocol", "smtp.starttls.missing", "smtp.starttls.failed",
	"smtp.starttls.injection", "smtp.tls.weak", "smtp.certificate",
	"smtp.certificate.mtasts", "smtp.certificate.weak", NULL,
};

static bool
id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	    c == '_';
}

/* True when text names id as a whole word. */
static bool
names_id(const char *text, const char *id)
{
	const char *p;
	size_t n = strlen(id);

	for (p = strstr(text, id); p != NULL; p = strstr(p + 1, id))
		if ((p == text || !id_char(p[-1])) && !id_char(p[n]))
			return true;
	return false;
}

/* True when id is in needs_server; fails when check_net.sh does not
 * name it. */
static bool
server_tested(const char *id, const struct buf *script)
{
	size_t i;

	for (i = 0; needs_server[i] != NULL; i++) {
		if (strcmp(needs_server[i], id) != 0)
			continue;
		if (!names_id(buf_str(script), id))
			fail_msg("tests/cli/check_net.sh never checks %s", id);
		return true;
	}
	return false;
}

/*
 * Every finding id of the catalog: well formed, unique, with its texts,
 * expected by some fixture of tests/check/ and produced by it (or, for
 * those a server must give, checked by tests/cli/check_net.sh).
 */
static void
every_finding_has_a_fixture(void **state)
{
	char missing[4096] = "";
	struct dirent *de;
	struct buf script;
	DIR *d;
	size_t i, k, nfiles = 0;

	(void)state;
	assert_true(dwtest_slurp("tests/cli/check_net.sh", &script));
	memset(produced, 0, sizeof(produced));
	memset(expected, 0, sizeof(expected));
	d = opendir(FIXTURES);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[512];
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".yml") != 0)
			continue;
		snprintf(path, sizeof(path), FIXTURES "/%s", de->d_name);
		run_file(path, false);
		nfiles++;
	}
	closedir(d);
	assert_true(nfiles >= 8);
	for (i = 0; i < CF__COUNT; i++) {
		const struct check_def *def = check_def((enum check_fid)i);

		assert_non_null(def->id);
		assert_true(strspn(def->id, "abcdefghijklmnopqrstuvwxyz0123456"
		    "789._") == strlen(def->id));
		assert_non_null(def->title);
		assert_non_null(def->why);
		assert_non_null(def->fix);
		for (k = 0; k < i; k++)
			assert_string_not_equal(def->id,
			    check_def((enum check_fid)k)->id);
		assert_ptr_equal(check_def_find(def->id), def);
		if (server_tested(def->id, &script))
			continue;
		if (!expected[i] || !produced[i])
			snprintf(missing + strlen(missing), sizeof(missing) -
			    strlen(missing), " %s%s", def->id, expected[i] ?
			    " (expected, never produced)" : "");
	}
	buf_fini(&script);
	if (*missing != '\0')
		fail_msg("finding ids without a fixture in " FIXTURES
		    ":%s", missing);
}

/*
 * A later stage (check_opts.stages) runs after the DNS stages, sees the MX
 * hosts, may ask the resolver, and its findings land in the result before
 * the grade.  Here one stage ends at once and one ends from a resolver
 * callback.
 */
struct stage_ctx {
	struct check_run	*run;
	const struct dns_answer	*ans;
	size_t			 calls;
	char			 mx[256];
};

static void
stage_dns_done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct stage_ctx *sc = arg;

	assert_int_equal(err, DW_OK);
	check_add(sc->run, CF_MTASTS_INVALID, check_run_domain(sc->run), NULL,
	    NULL, NULL, "a later stage read %zu TXT record", ans->n);
	check_stage_done(sc->run);
}

static enum dw_err
stage_async(struct check_run *run, void *arg)
{
	struct stage_ctx *sc = arg;
	const char *const *mx = check_run_mx(run);

	sc->calls++;
	sc->run = run;
	snprintf(sc->mx, sizeof(sc->mx), "%s", mx[0] != NULL ? mx[0] : "");
	assert_null(mx[1]);
	return dns_submit(check_run_resolver(run), check_run_arena(run),
	    check_run_domain(run), DNS_T_TXT, stage_dns_done, sc);
}

static enum dw_err
stage_sync(struct check_run *run, void *arg)
{
	struct stage_ctx *sc = arg;

	sc->calls++;
	assert_non_null(check_run_result(run)->dmarc);
	check_add(run, CF_MX_CNAME, "mx.good.test", NULL, NULL, NULL, "x");
	check_stage_done(run);
	return DW_OK;
}

static void
on_staged(void *arg, const struct check_result *r)
{
	size_t *n = arg;

	(*n)++;
	assert_int_equal(r->nfindings, 2);
	assert_int_equal(r->findings[0].fid, CF_MX_CNAME);
	assert_int_equal(r->findings[1].fid, CF_MTASTS_INVALID);
	assert_string_equal(r->findings[1].found,
	    "a later stage read 1 TXT record");
	assert_int_equal(r->score, 100 - CHECK_PENALTY_LOW -
	    CHECK_PENALTY_MEDIUM);
}

static void
later_stages(void **state)
{
	struct stage_ctx sa, sb;
	struct check_stage st[2] = {
		{ "sync", stage_sync, &sb }, { "async", stage_async, &sa },
	};
	struct dns_resolver *r = dns_fake_new();
	struct dw_error e = { DW_OK, "" };
	struct check_opts o = { 0 };
	const char *d = "good.test";
	static const char zone[] = "zonedata:\n"
	    "  good.test:\n    - MX: [10, mx.good.test]\n"
	    "    - TXT: \"v=spf1 -all\"\n"
	    "  mx.good.test:\n    - A: 192.0.2.1\n"
	    "  _dmarc.good.test:\n"
	    "    - TXT: \"v=DMARC1; p=reject; rua=mailto:d@good.test\"\n"
	    "  _mta-sts.good.test:\n    - TXT: \"v=STSv1; id=1\"\n"
	    "  _smtp._tls.good.test:\n"
	    "    - TXT: \"v=TLSRPTv1; rua=mailto:t@good.test\"\n";
	size_t n = 0;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	assert_int_equal(dns_fake_load_yaml(r, zone, sizeof(zone) - 1, &e),
	    DW_OK);
	o.stages = st;
	o.nstages = 2;
	o.now = NOW;
	assert_int_equal(check_many(r, &o, &d, 1, on_staged, &n), DW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sa.calls, 1);
	assert_int_equal(sb.calls, 1);
	assert_string_equal(sa.mx, "mx.good.test");
	dns_free(r);
}

/* The man page's table lists every finding id with its severity. */
static void
man_page_lists_every_finding(void **state)
{
	struct buf b;
	char chunk[4096], row[256];
	size_t i, k;
	FILE *fp = fopen("docs/man/dmarcward-check.1.md", "rb");

	(void)state;
	assert_non_null(fp);
	buf_init(&b, (size_t)1 << 20);
	while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(buf_append(&b, chunk, k), DW_OK);
	fclose(fp);
	for (i = 0; i < CF__COUNT; i++) {
		const struct check_def *def = check_def((enum check_fid)i);

		snprintf(row, sizeof(row), "| %s | %s | %s |", def->id,
		    check_sev_name(def->sev), hipaa_ref_cite(def->hipaa) + 7);
		if (strstr(buf_str(&b), row) == NULL)
			fail_msg("dmarcward-check.1.md lacks the row %s", row);
	}
	buf_fini(&b);
}

/* Results come in the order given, bad names among them, whatever the
 * window. */
struct order {
	const char	*const *want;
	size_t		 n;
	enum check_status st[16];
};

static void
on_order(void *arg, const struct check_result *r)
{
	struct order *o = arg;

	assert_true(o->n < 16);
	if (r->status == CHECK_DONE)
		assert_string_equal(r->domain, o->want[o->n]);
	o->st[o->n++] = r->status;
}

static void
many_domains_in_order(void **state)
{
	static const char *const d[] = {
		"pnone.dmarc.test", "bad..name", "quar.dmarc.test",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.test",	/* 65 */ "Weaksp.DMARC.test.", "two.dmarc.test", "sp ace.test",
		"none.dmarc.test", "removed.dmarc.test",
	};
	struct dns_resolver *r = dns_fake_new();
	struct dw_error e = { DW_OK, "" };
	struct check_opts o = { 0 };
	static const char *const norm[] = {
		"pnone.dmarc.test", NULL, "quar.dmarc.test", NULL,
		"weaksp.dmarc.test", "two.dmarc.test", NULL,
		"none.dmarc.test", "removed.dmarc.test",
	};
	struct order ord;
	struct buf b;
	char chunk[4096];
	size_t k, w;
	FILE *fp = fopen(FIXTURES "/dmarc.yml", "rb");

	(void)state;
	assert_non_null(fp);
	buf_init(&b, (size_t)1 << 20);
	while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(buf_append(&b, chunk, k), DW_OK);
	fclose(fp);
	assert_int_equal(dns_fake_load_yaml(r, b.data, b.len, &e), DW_OK);
	buf_fini(&b);
	o.now = NOW;
	for (w = 1; w <= 10; w += 3) {
		memset(&ord, 0, sizeof(ord));
		ord.want = norm;
		o.window = w;
		assert_int_equal(check_many(r, &o, d, 9, on_order, &ord),
		    DW_OK);
		assert_int_equal(ord.n, 9);
		for (k = 0; k < 9; k++)
			assert_int_equal(ord.st[k], k == 1 || k == 3 ||
			    k == 6 ? CHECK_BAD_NAME : CHECK_DONE);
	}
	dns_free(r);
}

/* The grade: penalties per severity, caps for high and critical. */
static void
grade_from_findings(void **state)
{
	static const struct {
		enum check_fid	 f[4];
		size_t		 n;
		int		 score;
		char		 grade;
	} cases[] = {
		{ { 0 }, 0, 100, 'A' },
		{ { CF_SPF_ALL_SOFTFAIL, CF_DMARC_INHERITED }, 2, 97, 'A' },
		{ { CF_MTASTS_MISSING, CF_TLSRPT_MISSING }, 2, 89, 'B' },
		{ { CF_DMARC_POLICY_NONE }, 1, 80, 'C' },	/* capped */
		{ { CF_DMARC_POLICY_NONE, CF_MTASTS_MISSING,
		    CF_DNSSEC_UNSIGNED }, 3, 69, 'D' },
		{ { CF_DMARC_MISSING }, 1, 60, 'F' },		/* critical */
		{ { CF_DMARC_MISSING, CF_DMARC_MULTIPLE, CF_SPF_ALL_PASS },
		    3, 0, 'F' },
	};
	struct check_finding f[4];
	struct check_result r;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		for (k = 0; k < cases[i].n; k++) {
			memset(&f[k], 0, sizeof(f[k]));
			f[k].fid = cases[i].f[k];
			f[k].def = check_def(cases[i].f[k]);
		}
		r.findings = f;
		r.nfindings = cases[i].n;
		check_grade(&r);
		assert_int_equal(r.score, cases[i].score);
		assert_int_equal(r.grade, cases[i].grade);
	}
	memset(&r, 0, sizeof(r));
	r.status = CHECK_BAD_NAME;
	check_grade(&r);
	assert_int_equal(r.grade, 'F');
	assert_int_equal(r.score, 0);
}

/* Tags removed from a record, spacing and case as receivers read them. */
static void
drop_tags(void **state)
{
	static const char *const rm[] = { "pct", "RI", NULL };
	struct check_run run;

	(void)state;
	memset(&run, 0, sizeof(run));
	run.a = arena_new((size_t)1 << 20);
	assert_non_null(run.a);
	assert_string_equal(check_drop_tags(&run, "v=DMARC1; p=none; "
	    "pct=20; rua=mailto:a@b.test; ri = 3600;", rm),
	    "v=DMARC1; p=none; rua=mailto:a@b.test");
	assert_string_equal(check_drop_tags(&run, "v=DMARC1;PCT=1;p=reject",
	    rm), "v=DMARC1; p=reject");
	assert_string_equal(check_drop_tags(&run, "v=DMARC1; p=none", rm),
	    "v=DMARC1; p=none");
	assert_false(run.nomem);
	arena_free(run.a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixtures_good),
		cmocka_unit_test(fixtures_dmarc),
		cmocka_unit_test(fixtures_spf),
		cmocka_unit_test(fixtures_dkim),
		cmocka_unit_test(fixtures_policies),
		cmocka_unit_test(fixtures_mx),
		cmocka_unit_test(fixtures_dns),
		cmocka_unit_test(fixtures_adversarial),
		cmocka_unit_test(fixtures_transport),
		cmocka_unit_test(every_finding_has_a_fixture),
		cmocka_unit_test(man_page_lists_every_finding),
		cmocka_unit_test(later_stages),
		cmocka_unit_test(many_domains_in_order),
		cmocka_unit_test(grade_from_findings),
		cmocka_unit_test(drop_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
