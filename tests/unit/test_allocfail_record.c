/*
 * test_allocfail_record.c: the allocation-failure sweep (allocfail.h) over
 * the record parsers: the tag=value lexer, URIs, SPF (parse, macro
 * expansion, check_host() and lint over the zone-data resolver), DMARC,
 * DKIM keys, MTA-STS, TLS-RPT and BIMI.  Each parser
 * gets an arena capped below its chunk size (ALLOCFAIL_ARENA_MAX), so
 * every arena allocation is a malloc of its own and fails in turn.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "allocfail.h"

#include "base/arena.h"
#include "base/buf.h"
#include "dns/dns_fake.h"
#include "record/bimi.h"
#include "record/dkim_key.h"
#include "record/dmarc_record.h"
#include "record/mtasts.h"
#include "record/spf_eval.h"
#include "record/spf_lint.h"
#include "record/spf_parse.h"
#include "record/taglist.h"
#include "record/tlsrpt_record.h"
#include "record/uri.h"

#if ALLOCFAIL
/* The parser's arena, made in the window like everything else. */
#define WITH_ARENA(a)						\
	struct arena *a = arena_new(ALLOCFAIL_ARENA_MAX);	\
	if (a == NULL)						\
		return DW_ENOMEM

/* A run's verdict: out of memory passes up, anything else is checked. */
static enum dw_err
verdict(struct arena *a, enum dw_err err, bool right)
{
	arena_free(a);
	if (err != DW_OK)
		return err;
	return right ? DW_OK : DW_ESYNTAX;
}

/* Folding, a duplicate, an empty tag-spec, trailing space. */
static const char tags[] =
    "v=DKIM1; k=rsa;\r\n\tt=y:s; n=a note;; t=y; P=abc ;  ";

static enum dw_err
run_taglist(void *arg)
{
	struct taglist tl;
	struct diag_list dl;
	enum dw_err err;
	WITH_ARENA(a);

	(void)arg;
	diag_list_init(&dl);
	err = taglist_parse(a, tags, sizeof(tags) - 1, TL_FWS | TL_CASELESS,
	    &tl, &dl);
	return verdict(a, err, tl.n == 5 && tl.nerr == 3 &&
	    taglist_get(&tl, "p") != NULL);
}

static enum dw_err
run_uri(void *arg)
{
	static const char *const uris[] = {
		"mailto:dmarc@clinic.example!10m",
		"https://r.clinic.example:8443/tls?x=%41",
		"mailto:%20@[192.0.2.1]",
	};
	struct uri_info u;
	size_t i, ok = 0, addr = 0;

	(void)arg;
	for (i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		if (uri_parse(uris[i], strlen(uris[i]), &u))
			ok++;
		if (u.addr_ok)
			addr++;
	}
	if (uri_hostname_ok("r.clinic.example.", 17))
		ok++;
	return ok == 4 && addr == 1 ? DW_OK : DW_ESYNTAX;
}

/* Every mechanism, macros in specs, both modifiers, an unknown one. */
static const char spf[] =
    "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a:%{d} mx/24//64 ptr "
    "include:_spf.%{d2} exists:%{ir}.%{l1r+-}._spf.%{d} ?all "
    "redirect=_spf.clinic.example exp=explain.%{d} x-foo=%{h}";

static enum dw_err
expand_terms(const struct spf_record *rec)
{
	static const uint8_t ip[16] = { 192, 0, 2, 3 };
	struct spf_macro_ctx c;
	struct buf b;
	enum dw_err err = DW_OK;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.sender = "first.last@clinic.example";
	c.local = "first.last";
	c.sender_dom = c.domain = "clinic.example";
	c.helo = "mx.clinic.example";
	c.ip = ip;
	buf_init(&b, SPF_MACRO_OUT_MAX);
	for (i = 0; i < rec->nterms && err == DW_OK; i++) {
		if (rec->terms[i].spec == NULL)
			continue;
		buf_reset(&b);
		err = spf_macro_expand(&c, rec->terms[i].spec,
		    strlen(rec->terms[i].spec), false, &b);
	}
	buf_fini(&b);
	return err;
}

static enum dw_err
run_spf_parse(void *arg)
{
	struct spf_record *rec = NULL;
	enum dw_err err;
	WITH_ARENA(a);

	(void)arg;
	err = spf_parse(a, spf, sizeof(spf) - 1, &rec);
	if (err == DW_OK)
		err = expand_terms(rec);
	return verdict(a, err, rec != NULL && rec->valid &&
	    rec->nterms == 11 && rec->redirect != NULL && rec->exp != NULL);
}

/*
 * check_host() for a client no term allows: an include that does not
 * match, a, mx, ptr and exists lookups, a redirect, then fail with an
 * explanation expanded from exp=, its %{p} validated by PTR and A.
 */
static const char zone[] =
    "zonedata:\n"
    "  clinic.example:\n"
    "    - TXT: \"v=spf1 include:_i.clinic.example a mx ptr "
    "exists:%{ir}.x.%{d} redirect=_r.clinic.example\"\n"
    "    - A: 192.0.2.1\n"
    "    - MX: [10, mail.clinic.example]\n"
    "  mail.clinic.example:\n"
    "    - A: 192.0.2.2\n"
    "    - AAAA: 2001:db8::2\n"
    "  _i.clinic.example:\n"
    "    - TXT: [\"v=spf1 ip4:198.51.100.0/24 \", \"-all\"]\n"
    "  _r.clinic.example:\n"
    "    - TXT: \"v=spf1 ip6:2001:db8::/32 -all exp=_e.clinic.example\"\n"
    "  _e.clinic.example:\n"
    "    - TXT: \"%{i} (%{p}) is not one of %{d}'s senders\"\n"
    "  77.2.0.192.in-addr.arpa:\n"
    "    - PTR: host.other.example\n"
    "  host.other.example:\n"
    "    - A: 192.0.2.77\n";

static enum dw_err
run_spf_eval(void *arg)
{
	struct dns_resolver *r = arg;
	struct spf_query q = { 0 };
	struct spf_outcome o;
	enum dw_err err;
	WITH_ARENA(a);

	q.ip = "192.0.2.77";
	q.sender = "first.last@clinic.example";
	q.helo = "mx.clinic.example";
	q.now = 1700000000;
	q.trace = true;
	err = spf_check_host(a, r, &q, &o);
	return verdict(a, err, o.result == SPF_FAIL &&
	    o.explanation != NULL && strstr(o.explanation,
	    "192.0.2.77 (host.other.example)") != NULL &&
	    o.dns_terms == 6 && o.ntrace > 10);
}

static enum dw_err
run_spf_lint(void *arg)
{
	struct dns_resolver *r = arg;
	struct spf_lint *l = NULL;
	enum dw_err err;
	WITH_ARENA(a);

	err = spf_lint(a, r, "clinic.example", &l);
	return verdict(a, err, l != NULL && l->lookups == 6 &&
	    l->root != NULL && l->root->nkids == 2 && l->nfindings == 1 &&
	    strcmp(l->findings[0].code, "ptr") == 0);
}

static struct dns_resolver *
zone_resolver(void)
{
	struct dns_resolver *r = dns_fake_new();
	struct dw_error e;

	assert_non_null(r);
	if (dns_fake_load_yaml(r, zone, sizeof(zone) - 1, &e) != DW_OK)
		fail_msg("zone: %s", e.msg);
	return r;
}

static bool
same_org(void *ctx, const char *a, const char *b)
{
	(void)ctx;
	return strcmp(a, b) == 0;
}

/*
 * Every tag, the removed ones, an unknown one, an external destination
 * with a size.
 */
static const char dmarc[] =
    "v=DMARC1; p=quarantine; sp=none; np=reject; adkim=s; aspf=r; "
    "pct=50; fo=1:d:s; rf=afrf; ri=3600; t=y; psd=n; foo=1; "
    "rua=mailto:agg@clinic.example,mailto:d@vendor.example!10m; "
    "ruf=mailto:f@vendor.example";

static enum dw_err
run_dmarc(void *arg)
{
	static const char *const txt[] = { "v=spf1 -all", dmarc };
	static const size_t lens[] = { 11, sizeof(dmarc) - 1 };
	struct dmarc_record *r = NULL, *sel = NULL;
	struct dmarc_auth *auth = NULL;
	struct diag_list dl;
	const char *next = NULL;
	size_t n = 0;
	enum dw_err err;
	WITH_ARENA(a);

	(void)arg;
	diag_list_init(&dl);
	err = dmarc_record_parse(a, dmarc, sizeof(dmarc) - 1, &r, &dl);
	if (err == DW_OK)
		err = dmarc_record_auth_names(a, r, "clinic.example",
		    same_org, NULL, &auth, &n);
	if (err == DW_OK)
		err = dmarc_record_next(a, r, &next);
	if (err == DW_OK)
		err = dmarc_record_select(a, txt, lens, 2, &sel, &dl);
	return verdict(a, err, r != NULL && r->status == REC_VALID &&
	    r->nrua == 2 && r->nruf == 1 && n == 1 && next != NULL &&
	    strstr(next, "p=quarantine") != NULL &&
	    strstr(next, "t=y") == NULL && sel != NULL &&
	    sel->status == REC_VALID);
}

/* An RSA key of 1024 bits (weak: a finding) and an Ed25519 key. */
static const char dkim_rsa[] =
    "v=DKIM1; k=rsa; h=sha256:sha1; s=email:*; t=y:s; n=rotated;\r\n "
    "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC+1JXguu4NSMCsu1Ymp9C4v305iu"
    "Dg3yApNwN4M6NZ8J3mBs4HE5Gpk8lfnQzl223IEVMYWLunhLEfblNVdZ8JCQD/nyoq"
    "DU52t78jdVBRshrEruH09ocZVyBm8vsssPVhCdlLW+2Cdk/KFRD4LMcl4RoCGofck"
    "Uc+eJrG1qGfsQIDAQAB";
static const char dkim_ed[] =
    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

static enum dw_err
run_dkim(void *arg)
{
	struct dkim_key *k = NULL, *ed = NULL;
	struct diag_list dl;
	enum dw_err err;
	WITH_ARENA(a);

	(void)arg;
	diag_list_init(&dl);
	err = dkim_key_parse(a, dkim_rsa, sizeof(dkim_rsa) - 1, &k, &dl);
	if (err == DW_OK)
		err = dkim_key_parse(a, dkim_ed, sizeof(dkim_ed) - 1, &ed,
		    &dl);
	return verdict(a, err, k != NULL && k->status == REC_VALID &&
	    k->bits == 1024 && k->enc == DKIM_ENC_SPKI && ed != NULL &&
	    ed->status == REC_VALID && ed->bits == 256);
}

static const char sts_txt[] = "v=STSv1; id=20240101T000000; x-ext=val;";
static const char sts_policy[] =
    "version: STSv1\r\nmode: enforce\r\nmx: mail.clinic.example\r\n"
    "mx: *.backup.clinic.example\r\nmax_age: 604800\r\nx-ext: 1\r\n";

static enum dw_err
run_mtasts(void *arg)
{
	struct mtasts_record *r = NULL;
	struct mtasts_policy *p = NULL;
	struct diag_list dl;
	enum dw_err err;
	WITH_ARENA(a);

	(void)arg;
	diag_list_init(&dl);
	err = mtasts_record_parse(a, sts_txt, sizeof(sts_txt) - 1, &r, &dl);
	if (err == DW_OK)
		err = mtasts_policy_parse(a, sts_policy,
		    sizeof(sts_policy) - 1, &p, &dl);
	return verdict(a, err, r != NULL && r->status == REC_VALID &&
	    r->next == 1 && p != NULL && p->status == REC_VALID &&
	    p->nmx == 2 && mtasts_mx_match(p, "mx1.backup.clinic.example.",
	    26));
}

static const char tlsrpt[] =
    "v=TLSRPTv1; rua=mailto:tls@clinic.example,"
    "https://r.clinic.example/tls; rua=mailto:b@clinic.example; ext=1";

static enum dw_err
run_tlsrpt(void *arg)
{
	struct tlsrpt_record *r = NULL;
	struct diag_list dl;
	enum dw_err err;
	WITH_ARENA(a);

	(void)arg;
	diag_list_init(&dl);
	err = tlsrpt_record_parse(a, tlsrpt, sizeof(tlsrpt) - 1, &r, &dl);
	return verdict(a, err, r != NULL && r->status == REC_VALID &&
	    r->nrua == 3 && r->ngroups == 2 && r->next == 1);
}

static const char bimi[] =
    "v=BIMI1; l=https://clinic.example/logo.svg; "
    "a=https://clinic.example/vmc.pem; x=1";

static enum dw_err
run_bimi(void *arg)
{
	struct bimi_record *r = NULL;
	struct diag_list dl;
	enum dw_err err;
	WITH_ARENA(a);

	(void)arg;
	diag_list_init(&dl);
	err = bimi_parse(a, bimi, sizeof(bimi) - 1, &r, &dl);
	return verdict(a, err, r != NULL && r->status == REC_VALID &&
	    r->l != NULL && r->a != NULL && !r->declined);
}
#endif

static void
sweep_taglist(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_taglist, NULL, "taglist") > 5);
#else
	skip();
#endif
}

/*
 * The URI checks are pure: the sweep holds them to that (a clean run at
 * N = 0 means nothing was allocated).
 */
static void
sweep_uri(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_int_equal(allocfail_sweep(run_uri, NULL, "uri"), 0);
#else
	skip();
#endif
}

static void
sweep_spf_parse(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_spf_parse, NULL, "spf_parse") > 12);
#else
	skip();
#endif
}

static void
sweep_spf_eval(void **state)
{
	(void)state;
#if ALLOCFAIL
	struct dns_resolver *r = zone_resolver();

	assert_true(allocfail_sweep(run_spf_eval, r, "spf_eval") > 20);
	dns_free(r);
#else
	skip();
#endif
}

static void
sweep_spf_lint(void **state)
{
	(void)state;
#if ALLOCFAIL
	struct dns_resolver *r = zone_resolver();

	assert_true(allocfail_sweep(run_spf_lint, r, "spf_lint") > 20);
	dns_free(r);
#else
	skip();
#endif
}

static void
sweep_dmarc_record(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_dmarc, NULL, "dmarc_record") > 10);
#else
	skip();
#endif
}

static void
sweep_dkim_key(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_dkim, NULL, "dkim_key") > 10);
#else
	skip();
#endif
}

static void
sweep_mtasts(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_mtasts, NULL, "mtasts") > 10);
#else
	skip();
#endif
}

static void
sweep_tlsrpt_record(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_tlsrpt, NULL, "tlsrpt_record") > 5);
#else
	skip();
#endif
}

static void
sweep_bimi(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_bimi, NULL, "bimi") > 3);
#else
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ALLOCFAIL_TEST(sweep_taglist),
		ALLOCFAIL_TEST(sweep_uri),
		ALLOCFAIL_TEST(sweep_spf_parse),
		ALLOCFAIL_TEST(sweep_spf_eval),
		ALLOCFAIL_TEST(sweep_spf_lint),
		ALLOCFAIL_TEST(sweep_dmarc_record),
		ALLOCFAIL_TEST(sweep_dkim_key),
		ALLOCFAIL_TEST(sweep_mtasts),
		ALLOCFAIL_TEST(sweep_tlsrpt_record),
		ALLOCFAIL_TEST(sweep_bimi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
