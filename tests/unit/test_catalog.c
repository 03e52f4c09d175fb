/*
 * test_catalog.c: the data-file lexer, the known-service catalog (the
 * built-in file and bad inputs) with its PTR and DKIM matching, and the
 * domains configuration (monitored domains, risk tiers).
 */
#include <stdio.h>
#include <string.h>

#include "dwtest.h"

#include "conf/domains.h"
#include "conf/inilex.h"
#include "sources/catalog.h"

/* ---- ini --------------------------------------------------------------- */

struct seen {
	char	 log[2048];
};

static enum dw_err
record(void *ctx, const struct inilex_event *ev, struct dw_error *e)
{
	struct seen *s = ctx;
	size_t n = strlen(s->log);

	(void)e;
	if (ev->key == NULL)
		snprintf(s->log + n, sizeof(s->log) - n, "[%s|%s]@%zu ",
		    ev->type, ev->name, ev->line);
	else
		snprintf(s->log + n, sizeof(s->log) - n, "%s=<%s> ", ev->key,
		    ev->value);
	return DW_OK;
}

static enum dw_err
parse(const char *text, struct seen *s, struct dw_error *e)
{
	memset(s, 0, sizeof(*s));
	dw_error_clear(e);
	return inilex_parse(text, strlen(text), record, s, e);
}

static void
test_ini_good(void **state)
{
	struct seen s;
	struct dw_error e;

	(void)state;
	assert_int_equal(parse("# head\n\n[service:a-b]\nname = X Y  \n"
	    "list=a, b # note\r\n  ; also a comment\n[tier]\nk=\n"
	    "url = http://x/#frag\n", &s, &e), DW_OK);
	assert_string_equal(s.log, "[service|a-b]@3 name=<X Y> "
	    "list=<a, b> [tier|]@7 k=<> url=<http://x/#frag> ");
	/* no newline at the end, UTF-8 in a value */
	assert_int_equal(parse("[d:example.org]\nname = Zürich", &s, &e),
	    DW_OK);
	assert_string_equal(s.log, "[d|example.org]@1 name=<Zürich> ");
}

static void
test_ini_bad(void **state)
{
	static const struct {
		const char	*text;
		enum dw_err	 err;
		const char	*msg;
	} cases[] = {
		{ "k = v\n", DW_ESYNTAX, "line 1: a key before any" },
		{ "[a]\nno equals\n", DW_ESYNTAX, "line 2: want key = value" },
		{ "[a\n", DW_ESYNTAX, "line 1: a section header ends" },
		{ "[A:b]\n", DW_ESYNTAX, "line 1: bad section type" },
		{ "[a:b c]\n", DW_ESYNTAX, "line 1: bad section name" },
		{ "[a:]\n", DW_ESYNTAX, "line 1: bad section name" },
		{ "[a b]\n", DW_ESYNTAX, "line 1: bad section type" },
		{ "[a]\nK = v\n", DW_ESYNTAX, "line 2: bad key" },
		{ "[a]\nk = \x01\n", DW_ESYNTAX, "line 2: control character" },
		{ "[a]\nk = \xc0\xaf\n", DW_ESYNTAX, "line 2: control" },
		{ "[]\n", DW_ESYNTAX, "line 1: bad section type" },
	};
	struct seen s;
	struct dw_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].text, &s, &e), cases[i].err);
		if (strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg,
			    cases[i].msg);
	}
}

static void
test_ini_limits(void **state)
{
	char big[INILEX_LINE_MAX + 64];
	struct seen s;
	struct dw_error e;

	(void)state;
	memset(big, 'a', sizeof(big));
	memcpy(big, "[a]\nk=", 6);
	big[INILEX_LINE_MAX + 4 + 1] = '\0';	/* the line: 1025 bytes */
	assert_int_equal(parse(big, &s, &e), DW_ELIMIT);
	assert_non_null(strstr(e.msg, "longer than 1024"));
	big[INILEX_LINE_MAX + 4] = '\0';		/* exactly 1024: fine */
	assert_int_equal(parse(big, &s, &e), DW_OK);
	/* a NUL inside a line is refused, not cut */
	assert_int_equal(inilex_parse("[a]\nk=v\0w\n", 10, record, &s, &e),
	    DW_ESYNTAX);
}

/* ---- catalog ------------------------------------------------------ */

static const char *const required[] = {
	"microsoft365", "google-workspace", "amazon-ses", "sendgrid",
	"mailchimp", "mandrill", "mailgun", "postmark", "salesforce",
	"hubspot", "constantcontact", "zendesk", "servicenow", "workday",
	"docusign", "epic-mychart", "oracle-health", "athenahealth",
	"phreesia", "waystar", "availity", "change-healthcare",
	"luma-health", "klara", "solutionreach", "weave",
};

static struct catalog *
builtin(void)
{
	struct catalog *c = catalog_new();
	struct dw_error e;

	assert_non_null(c);
	if (catalog_load_builtin(c, &e) != DW_OK)
		fail_msg("built-in catalog: %s", e.msg);
	return c;
}

static void
test_builtin(void **state)
{
	struct catalog *c = builtin();
	const struct catalog_service *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		s = catalog_find(c, required[i]);
		if (s == NULL)
			fail_msg("built-in catalog lacks %s", required[i]);
		assert_true(s->type < SVC_NTYPES);
		assert_true(s->nptr + s->nspf + s->ndkim > 0);
	}
	s = catalog_find(c, "sendgrid");
	assert_string_equal(s->name, "Twilio SendGrid");
	assert_int_equal(s->nselectors, 2);
	assert_string_equal(s->selectors[1], "s2");
	assert_int_equal(catalog_find(c, "athenahealth")->type, SVC_PATIENT);
	assert_int_equal(catalog_find(c, "waystar")->type, SVC_BILLING);
	assert_int_equal(catalog_find(c, "workday")->type, SVC_HR);
	catalog_free(c);
}

static void
test_match(void **state)
{
	struct catalog *c = builtin();
	const struct catalog_service *s;

	(void)state;
	s = catalog_match_ptr(c,
	    "mail-dm6nam10on2040.outbound.protection.outlook.com");
	assert_non_null(s);
	assert_string_equal(s->key, "microsoft365");
	/* outlook.com itself is not a Microsoft 365 rule */
	assert_null(catalog_match_ptr(c, "outlook.com"));
	assert_string_equal(catalog_match_ptr(c,
	    "o1.ptr2345.sendgrid.net")->key, "sendgrid");
	assert_string_equal(catalog_match_ptr(c,
	    "mail12.atl31.rsgsv.net")->key, "mailchimp");
	/* a label boundary, not a string suffix */
	assert_null(catalog_match_ptr(c, "notsendgrid.net"));
	assert_null(catalog_match_ptr(c, "sendgrid.net.example"));
	assert_string_equal(catalog_match_dkim(c,
	    "contoso.onmicrosoft.com")->key, "microsoft365");
	assert_string_equal(catalog_match_dkim(c, "lumahealth.io")->key,
	    "luma-health");
	assert_null(catalog_match_dkim(c, "example.org"));
	assert_null(catalog_match_dkim(c, NULL));
	catalog_free(c);
}

static enum dw_err
load(struct catalog *c, const char *text, struct dw_error *e)
{
	dw_error_clear(e);
	return catalog_load(c, text, strlen(text), "local.ini", e);
}

static void
test_bad(void **state)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} cases[] = {
		{ "[service:a]\ntype = it\n", "service a needs a name" },
		{ "[service:a]\nname = A\n", "needs a name and a type" },
		{ "[service:a]\nname = A\ntype = mail\n", "type \"mail\"" },
		{ "[vendor:a]\n", "want [service:KEY]" },
		{ "[service:A]\n", "a service key is lower-case" },
		{ "[service]\n", "want [service:KEY]" },
		{ "[service:a]\nname=A\ntype=it\nfoo=1\n", "unknown key" },
		{ "[service:a]\nname=A\nname=B\n", "name given twice" },
		{ "[service:a]\nname=A\ntype=it\nptr=Example.COM\n",
		    "not a lower-case domain" },
		{ "[service:a]\nname=A\ntype=it\nptr=com\n", "two labels" },
		{ "[service:a]\nname=A\ntype=it\nptr=a..b\n", "ptr:" },
		{ "[service:a]\nname=A\ntype=it\nptr=a.b, ,c.d\n",
		    "empty item" },
		{ "[service:a]\nname=A\ntype=it\ndkim=a.b, a.b\n",
		    "lists \"a.b\" twice" },
		{ "[service:a]\nname=A\ntype=it\nselectors=s 1\n",
		    "selector \"s 1\"" },
		{ "[service:a]\nname=A\ntype=it\n[service:a]\n",
		    "defined twice" },
		{ "[service:a]\nname=A\ntype=it\nptr=x.example\n"
		    "[service:b]\nname=B\ntype=it\nptr=x.example\n",
		    "claimed by both a and b" },
	};
	struct catalog *c;
	struct dw_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = catalog_new();
		assert_int_not_equal(load(c, cases[i].text, &e), DW_OK);
		if (strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg,
			    cases[i].msg);
		assert_int_equal(catalog_count(c), 0);
		catalog_free(c);
	}
}

static void
test_local_override(void **state)
{
	struct catalog *c = builtin();
	size_t n = catalog_count(c);
	uint64_t d0 = catalog_digest(c);
	struct dw_error e;

	(void)state;
	/* a new service and a replaced one */
	assert_int_equal(load(c, "[service:epic-mychart]\nname = Epic "
	    "MyChart (hosted)\ntype = patient\nptr = relay.epichosted.example"
	    "\n\n[service:our-relay]\nname = Billing relay\ntype = billing\n"
	    "ptr = relay.examplehealth.org\n", &e), DW_OK);
	assert_int_equal(catalog_count(c), n + 1);
	assert_int_not_equal(catalog_digest(c), d0);
	assert_string_equal(catalog_match_ptr(c,
	    "a1.relay.epichosted.example")->name, "Epic MyChart (hosted)");
	/* the replaced service's old rules are gone */
	assert_null(catalog_match_ptr(c, "mail.epic.com"));
	assert_string_equal(catalog_match_ptr(c,
	    "relay.examplehealth.org")->key, "our-relay");
	/* a conflicting load leaves the catalog as it was */
	d0 = catalog_digest(c);
	assert_int_not_equal(load(c, "[service:x]\nname=X\ntype=it\n"
	    "ptr=sendgrid.net\n", &e), DW_OK);
	assert_non_null(strstr(e.msg, "claimed by both"));
	assert_int_equal(catalog_count(c), n + 1);
	assert_int_equal(catalog_digest(c), d0);
	assert_string_equal(catalog_match_ptr(c, "x.sendgrid.net")->key,
	    "sendgrid");
	catalog_free(c);
}

static void
test_types(void **state)
{
	enum svc_type t;

	(void)state;
	assert_true(svc_type_parse("hr", &t));
	assert_int_equal(t, SVC_HR);
	assert_string_equal(svc_type_label(SVC_PATIENT),
	    "patient communication");
	assert_string_equal(svc_type_key(SVC_CORPORATE), "corporate");
	assert_false(svc_type_parse("HR", &t));
}

/* ---- the domains configuration ------------------------------------ */

static void
test_domains_conf(void **state)
{
	static const char good[] =
	    "[tier:patient-portal]\npolicy = reject\ndescription = log in\n"
	    "[tier:standard]\npolicy = quarantine\n"
	    "[domain:ExampleHealth.org.]\ntier = standard\n"
	    "[domain:portal.examplehealth.org]\ntier = patient-portal\n"
	    "[domain:clinic.example]\n";
	struct domains_conf *c;
	const struct conf_domain *d;
	struct dw_error e;

	(void)state;
	assert_int_equal(domains_conf_parse(good, sizeof(good) - 1, "t", &c,
	    &e), DW_OK);
	assert_int_equal(c->nd, 3);
	assert_int_equal(c->nt, 2);
	d = domains_conf_find(c, "examplehealth.org");
	assert_non_null(d);
	assert_string_equal(d->tier->name, "standard");
	assert_int_equal(d->tier->required, LEVEL_QUARANTINE);
	d = domains_conf_nearest(c, "a.portal.examplehealth.org");
	assert_string_equal(d->name, "portal.examplehealth.org");
	assert_int_equal(d->tier->required, LEVEL_REJECT);
	/* a section without keys is a monitored domain without a tier */
	assert_null(domains_conf_find(c, "clinic.example")->tier);
	assert_true(domains_conf_monitored(c, "billing.examplehealth.org"));
	assert_true(domains_conf_monitored(c, "clinic.example"));
	assert_false(domains_conf_monitored(c, "evil.example"));
	assert_false(domains_conf_monitored(c, "notexamplehealth.org"));
	assert_true(domains_conf_monitored(NULL, "anything.example"));
	domains_conf_free(c);
}

static void
test_domains_conf_bad(void **state)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} cases[] = {
		{ "[domain:a.example]\ntier = gold\n", "tier gold, which is "
		    "not defined" },
		{ "[tier:gold]\n[domain:a.example]\n", "tier gold needs a "
		    "policy" },
		{ "[tier:gold]\npolicy = strict\n", "want none, quarantine "
		    "or reject" },
		{ "[tier:gold]\npolicy = reject\npolicy = none\n", "once" },
		{ "[domain:com]\n", "not a domain name" },
		{ "[domain:a.example]\n[domain:A.example]\n", "listed twice" },
		{ "[tier:a]\npolicy=none\n[tier:a]\npolicy=none\n",
		    "defined twice" },
		{ "[zone:a.example]\n", "want [domain:NAME]" },
		{ "[domain:a.example]\nowner = x\n", "unexpected" },
		{ "[tier:gold]\n", "needs a policy" },
	};
	struct domains_conf *c;
	struct dw_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_not_equal(domains_conf_parse(cases[i].text,
		    strlen(cases[i].text), "t", &c, &e), DW_OK);
		assert_null(c);
		if (strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg,
			    cases[i].msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini_good),
		cmocka_unit_test(test_ini_bad),
		cmocka_unit_test(test_ini_limits),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_local_override),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_domains_conf),
		cmocka_unit_test(test_domains_conf_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
