/*
 * test_classify.c: alignment recomputed from auth results, the service
 * named from the three signals, and the shape of failing records: one
 * fixture per classification.
 */
#include <string.h>

#include "dwtest.h"

#include "analysis/classify.h"

static struct catalog *cat;
static struct orgdomain *od;

static int
setup(void **state)
{
	struct dw_error e;

	(void)state;
	cat = catalog_new();
	if (cat == NULL || catalog_load_builtin(cat, &e) != DW_OK ||
	    orgdomain_new(&od, &e) != DW_OK)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	catalog_free(cat);
	orgdomain_free(od);
	return 0;
}

#define DKIM(d, r)	{ AGG_AUTH_DKIM, d, "s1", NULL, r, NULL }
#define SPF(d, s, r)	{ AGG_AUTH_SPF, d, NULL, s, r, NULL }

struct fixture {
	const char	*name;
	struct cls_record r;
	struct agg_auth	 auth[4];
	size_t		 nauth;
	struct cls_ip	 ip;
	/* expected */
	const char	*service;
	unsigned	 signals;
	bool		 spf_al, dkim_al, pass;
	enum cls_shape	 shape;
};

static const struct fixture fixtures[] = {
	{ "aligned DKIM from Microsoft 365, named by PTR and SPF",
	    { "example.org", NULL, NULL, "example.org", "example.org",
	    NULL, 0, NULL }, { DKIM("example.org", "pass"),
	    SPF("example.org", "mfrom", "pass") }, 2,
	    { "mail-a.outbound.protection.outlook.com", "outlook.com",
	    "microsoft365", 0 },
	    "microsoft365", CLS_SIG_PTR | CLS_SIG_SPF, true, true, true,
	    CLS_PASS },
	{ "relaxed: a subdomain signature aligns",
	    { "example.org", "r", "r", "example.org", NULL, NULL, 0, NULL },
	    { DKIM("mail.example.org", "pass") }, 1, { 0 },
	    "unknown", 0, false, true, true, CLS_PASS },
	{ "strict: a subdomain signature does not align",
	    { "example.org", "s", "s", "example.org", NULL, NULL, 0, NULL },
	    { DKIM("mail.example.org", "pass"),
	    SPF("bounce.example.org", "mfrom", "pass") }, 2, { 0 },
	    "unknown", 0, false, false, false, CLS_FAIL_AUTH },
	{ "public suffix: two names under co.uk do not align",
	    { "example.co.uk", NULL, NULL, "example.co.uk", NULL, NULL, 0,
	    NULL }, { DKIM("other.co.uk", "pass") }, 1, { 0 },
	    "unknown", 0, false, false, false, CLS_FWD_DKIM },
	{ "public suffix: a name under example.co.uk aligns",
	    { "example.co.uk", NULL, NULL, "example.co.uk", NULL, NULL, 0,
	    NULL }, { DKIM("mail.example.co.uk", "pass") }, 1, { 0 },
	    "unknown", 0, false, true, true, CLS_PASS },
	{ "HELO result does not count when there was a MAIL FROM",
	    { "example.org", NULL, NULL, "example.org", "x.example.net",
	    NULL, 0, NULL }, { SPF("example.org", "helo", "pass") }, 1,
	    { 0 }, "unknown", 0, false, false, false, CLS_FAIL_AUTH },
	{ "HELO result counts for a null MAIL FROM",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    NULL }, { SPF("mx.example.org", "helo", "pass") }, 1, { 0 },
	    "unknown", 0, true, false, true, CLS_PASS },
	{ "forwarded: the receiver's override reason",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    "[[\"forwarded\",\"\"]]" }, { DKIM("example.org", "fail"),
	    SPF("example.net", "mfrom", "fail") }, 2,
	    { "mx.example.net", "example.net", NULL, 0 },
	    "ptr:example.net", 0, false, false, false, CLS_FWD_REASON },
	{ "forwarder: SPF fails, a third party's DKIM passes",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    NULL }, { DKIM("example.org", "fail"),
	    DKIM("lists.example.net", "pass"),
	    SPF("example.org", "mfrom", "fail") }, 3,
	    { "lists.example.net", "example.net", NULL, 0 },
	    "ptr:example.net", 0, false, false, false, CLS_FWD_DKIM },
	{ "a vendor authenticating as itself is not forwarding",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    NULL }, { DKIM("billing.example", "pass"),
	    SPF("bounce.billing.example", "mfrom", "pass") }, 2,
	    { "mta7.billing.example", "billing.example", NULL, 0 },
	    "ptr:billing.example", 0, false, false, false, CLS_FAIL_AUTH },
	{ "misconfigured service: SendGrid signing as itself",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    NULL }, { DKIM("sendgrid.net", "pass"),
	    SPF("em123.sendgrid.net", "mfrom", "pass") }, 2,
	    { "o1.ptr1.sendgrid.net", "sendgrid.net", "sendgrid", 0 },
	    "sendgrid", CLS_SIG_DKIM | CLS_SIG_SPF | CLS_SIG_PTR, false,
	    false, false, CLS_FAIL_AUTH },
	{ "a vendor through a platform: its DKIM names it",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    NULL }, { DKIM("lumahealth.io", "pass") }, 1,
	    { "o2.ptr9.sendgrid.net", "sendgrid.net", "sendgrid", 0 },
	    "luma-health", CLS_SIG_DKIM, false, false, false,
	    CLS_FAIL_AUTH },
	{ "SPF include alone names the service",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    NULL }, { SPF("example.org", "mfrom", "pass") }, 1,
	    { NULL, NULL, "google-workspace", 0 },
	    "google-workspace", CLS_SIG_SPF, true, false, true, CLS_PASS },
	{ "spoofing: nothing passes, no name",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    NULL }, { SPF("example.org", "mfrom", "fail") }, 1, { 0 },
	    "unknown", 0, false, false, false, CLS_FAIL },
	{ "spoofing grouped by AS number",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    NULL }, { DKIM("example.org", "fail") }, 1,
	    { NULL, NULL, NULL, 64500 },
	    "asn:64500", 0, false, false, false, CLS_FAIL },
	{ "no header_from: the policy domain stands in",
	    { "example.org", NULL, NULL, NULL, NULL, NULL, 0, NULL },
	    { DKIM("example.org", "pass") }, 1, { 0 },
	    "unknown", 0, false, true, true, CLS_PASS },
	{ "a failing signature names no service",
	    { "example.org", NULL, NULL, "example.org", NULL, NULL, 0,
	    NULL }, { DKIM("sendgrid.net", "fail") }, 1, { 0 },
	    "unknown", 0, false, false, false, CLS_FAIL },
};

static void
test_fixtures(void **state)
{
	const struct cls_ctx cx = { cat, od };
	struct cls_record r;
	struct cls_verdict v;
	const struct fixture *f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		f = &fixtures[i];
		r = f->r;
		r.auth = f->auth;
		r.nauth = f->nauth;
		cls_classify(&cx, &r, &f->ip, &v);
		if (strcmp(v.service, f->service) != 0 ||
		    v.signals != f->signals || v.spf_aligned != f->spf_al ||
		    v.dkim_aligned != f->dkim_al || v.dmarc_pass != f->pass ||
		    v.shape != f->shape)
			fail_msg("%s: got %s sig %u spf %d dkim %d pass %d "
			    "shape %s", f->name, v.service, v.signals,
			    v.spf_aligned, v.dkim_aligned, v.dmarc_pass,
			    cls_shape_name(v.shape));
	}
}

static void
test_aligned(void **state)
{
	(void)state;
	assert_true(cls_aligned(od, "EXAMPLE.org", "example.org", "s"));
	assert_true(cls_aligned(od, "a.b.example.org", "c.example.org",
	    NULL));
	assert_false(cls_aligned(od, "a.b.example.org", "c.example.org",
	    "s"));
	assert_false(cls_aligned(od, "", "example.org", NULL));
	assert_false(cls_aligned(od, NULL, "example.org", NULL));
	/* city.kobe.jp is an exception rule: its own registrable domain */
	assert_string_equal(orgdomain_of(od, "www.city.kobe.jp"),
	    "city.kobe.jp");
	assert_string_equal(orgdomain_of(od, "co.uk"), "co.uk");
	assert_string_equal(orgdomain_of(od, "b.example.example"),
	    "example.example");
	/* base domains of hosts: the ICANN section only */
	assert_string_equal(orgdomain_base(od,
	    "ec2-1-2-3-4.compute-1.amazonaws.com"), "amazonaws.com");
	assert_string_equal(orgdomain_base(od, "mail.example.co.uk"),
	    "example.co.uk");
	assert_string_equal(orgdomain_base(od, "co.uk"), "co.uk");
	assert_string_equal(orgdomain_base(od, "a.b.example.example"),
	    "example.example");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_aligned),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
