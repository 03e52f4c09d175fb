/*
 * test_rollup.c: records stored through the store, classified into the
 * daily rollups; incremental refreshes, days recomputed when an address's
 * enrichment changes, a rebuild when the catalog changes, implausible
 * counts set aside; and the analysis read back with the inventory:
 * kinds, failing classes, fixes and the policy ladder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwtest.h"

#include "analysis/analysis.h"
#include "analysis/rollup.h"

#define DAY	86400

static struct catalog *cat;
static struct orgdomain *od;
static struct store *st;
static char db_path[64];
static unsigned nunits;

#define DKIM(d, r)	{ AGG_AUTH_DKIM, d, "s1", NULL, r, NULL }
#define SPF(d, r)	{ AGG_AUTH_SPF, d, NULL, "mfrom", r, NULL }

struct rec {
	const char	*ip;
	uint64_t	 count;
	struct agg_auth	 auth[3];
	size_t		 nauth;
	const char	*reason;	/* an override type or NULL */
};

static void
put_report(const char *org, const char *id, const char *domain,
    int64_t begin, int64_t end, const struct rec *recs, size_t n)
{
	struct agg_report r;
	struct agg_record rec;
	struct agg_reason why;
	struct dw_error e;
	uint8_t sha[32];
	bool dup;
	size_t i;
	uint64_t msgs = 0;

	memset(sha, 0, sizeof(sha));
	nunits++;
	memcpy(sha, &nunits, sizeof(nunits));
	assert_int_equal(store_unit_begin(st, id, sha, 1, &dup, &e), DW_OK);
	assert_int_equal(store_unit_raw(st, "x", 1, &e), DW_OK);
	memset(&r, 0, sizeof(r));
	r.schema = AGG_SCHEMA_RFC7489;
	r.org_name = org;
	r.email = "dmarc@reporter.example";
	r.report_id = id;
	r.begin = begin;
	r.end = end;
	r.policy.domain = domain;
	r.policy.p = "none";
	r.policy.pct = -1;
	assert_int_equal(store_report_begin(st, &r, &dup, &e), DW_OK);
	for (i = 0; i < n; i++) {
		memset(&rec, 0, sizeof(rec));
		rec.source_ip = recs[i].ip;
		rec.count = recs[i].count;
		rec.disposition = "none";
		rec.dkim = "fail";
		rec.spf = "fail";
		rec.header_from = domain;
		rec.auth = (struct agg_auth *)recs[i].auth;
		rec.nauth = recs[i].nauth;
		if (recs[i].reason != NULL) {
			why.type = recs[i].reason;
			why.comment = NULL;
			rec.reasons = &why;
			rec.nreasons = 1;
		}
		assert_int_equal(store_report_record(st, &rec, &e), DW_OK);
		msgs += recs[i].count;
	}
	assert_int_equal(store_report_end(st, true, n, msgs, &e), DW_OK);
	assert_int_equal(store_unit_end(st, true, &e), DW_OK);
	assert_int_equal(store_flush(st, &e), DW_OK);
}

static void
put_ip(const char *ip, const char *ptr, const char *base, const char *spf)
{
	struct store_ip_info v;
	struct dw_error e;

	memset(&v, 0, sizeof(v));
	v.ip = ip;
	v.status = ptr != NULL ? "ok" : "noptr";
	v.ptr = v.ptr_any = ptr;
	v.base = base;
	v.spf_services = spf;
	v.resolved = 1;
	v.expires = 2;
	assert_int_equal(store_ip_info_put(st, &v, 1, &e), DW_OK);
}

static void
refresh(struct rollup_stats *s)
{
	struct rollup_opts o = { st, cat, od };
	struct dw_error e;

	if (rollup_refresh(&o, s, &e) != DW_OK)
		fail_msg("refresh: %s", e.msg);
}

static int
setup(void **state)
{
	char tmpl[] = "/tmp/dwtest-rollup-XXXXXX";
	struct dw_error e;
	int fd;

	(void)state;
	if ((fd = mkstemp(tmpl)) < 0)
		return -1;
	close(fd);
	unlink(tmpl);
	snprintf(db_path, sizeof(db_path), "%s.db", tmpl);
	cat = catalog_new();
	if (cat == NULL || catalog_load_builtin(cat, &e) != DW_OK ||
	    orgdomain_new(&od, &e) != DW_OK ||
	    store_open(db_path, &st, &e) != DW_OK)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char p[80];

	(void)state;
	store_close(st);
	catalog_free(cat);
	orgdomain_free(od);
	unlink(db_path);
	snprintf(p, sizeof(p), "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db_path);
	unlink(p);
	return 0;
}

/* One service's sums over every day of a domain. */
struct sums {
	const char	*want;
	bool		 found;
	struct store_rollup_row r;
};

static enum dw_err
on_row(void *ctx, const struct store_rollup_row *r)
{
	struct sums *s = ctx;

	if (strcmp(r->service, s->want) == 0) {
		s->found = true;
		s->r = *r;
		s->r.domain = s->r.service = NULL;
	}
	return DW_OK;
}

static struct sums
window(const char *domain, const char *key, int64_t first, int64_t last)
{
	struct store_rollup_q q;
	struct sums s;
	struct dw_error e;

	memset(&s, 0, sizeof(s));
	s.want = key;
	store_rollup_q_init(&q);
	q.by = ROLLUP_BY_SERVICE;
	q.domain = domain;
	q.first_day = first;
	q.last_day = last;
	assert_int_equal(store_rollup_query(st, &q, on_row, &s, &e), DW_OK);
	return s;
}

static struct sums
service(const char *domain, const char *key)
{
	return window(domain, key, INT64_MIN, INT64_MAX);
}

static const struct rec day100[] = {
	{ "198.51.100.10", 10, { DKIM("examplehealth.org", "pass"),
	    SPF("examplehealth.org", "pass") }, 2, NULL },
	{ "192.0.2.1", 5, { SPF("examplehealth.org", "fail") }, 1, NULL },
	{ "192.0.2.2", 3, { DKIM("sendgrid.net", "pass"),
	    SPF("em1.sendgrid.net", "pass") }, 2, NULL },
	{ "203.0.113.5", 2, { DKIM("examplehealth.org", "fail") }, 1,
	    "forwarded" },
	{ "192.0.2.3", 4000000000ULL, { DKIM("examplehealth.org", "pass") }, 1,
	    NULL },
};

static void
test_refresh(void **state)
{
	struct rollup_stats s;
	struct sums m;

	(void)state;
	put_ip("198.51.100.10", "mail-a.outbound.protection.outlook.com",
	    "outlook.com", "microsoft365");
	/* begins late on day 99, mostly day 100: the midpoint decides */
	put_report("r1", "a", "examplehealth.org", 100 * DAY - 3600,
	    101 * DAY - 1, day100, 5);
	refresh(&s);
	assert_int_equal(s.records, 5);
	assert_int_equal(s.suspect_records, 1);
	assert_int_equal(s.messages, 20);
	assert_false(s.rebuilt);
	m = service("examplehealth.org", "microsoft365");
	assert_true(m.found);
	assert_int_equal(m.r.c[RC_MESSAGES], 10);
	assert_int_equal(m.r.c[RC_DMARC_PASS], 10);
	assert_int_equal(m.r.c[RC_SIG_SPF], 10);
	assert_int_equal(m.r.c[RC_SIG_PTR], 10);
	assert_int_equal(m.r.first_day, 100);
	m = service("examplehealth.org", "sendgrid");
	assert_int_equal(m.r.c[RC_MESSAGES], 3);
	assert_int_equal(m.r.fail_auth, 3);
	assert_int_equal(m.r.c[RC_SIG_DKIM], 3);
	m = service("examplehealth.org", "unknown");
	assert_int_equal(m.r.c[RC_MESSAGES], 7);
	assert_int_equal(m.r.fail, 5);
	assert_int_equal(m.r.fwd_reason, 2);

	/* incremental: only the new report's records */
	put_report("r2", "b", "examplehealth.org", 101 * DAY, 102 * DAY - 1,
	    day100, 2);
	refresh(&s);
	assert_int_equal(s.records, 2);
	m = service("examplehealth.org", "microsoft365");
	assert_int_equal(m.r.c[RC_MESSAGES], 20);
	assert_int_equal(m.r.last_day, 101);
	/* days 96-127 are one whole bucket; 101-101 and 90-100 are days */
	m = window("examplehealth.org", "microsoft365", 96, 127);
	assert_int_equal(m.r.c[RC_MESSAGES], 20);
	assert_int_equal(m.r.first_day, 100);
	m = window("examplehealth.org", "microsoft365", 101, 101);
	assert_int_equal(m.r.c[RC_MESSAGES], 10);
	m = window("examplehealth.org", "microsoft365", 64, 100);
	assert_int_equal(m.r.c[RC_MESSAGES], 10);
	m = window("examplehealth.org", "microsoft365", 50, 200);
	assert_int_equal(m.r.c[RC_MESSAGES], 20);
	/* nothing new: nothing done */
	refresh(&s);
	assert_int_equal(s.records, 0);

	/* 192.0.2.1 gets a confirmed PTR: its days are recomputed */
	put_ip("192.0.2.1", "mta.billing.example", "billing.example", NULL);
	refresh(&s);
	assert_int_equal(s.dirty_ranges, 1);
	m = service("examplehealth.org", "ptr:billing.example");
	assert_int_equal(m.r.c[RC_MESSAGES], 10);
	m = service("examplehealth.org", "unknown");
	assert_int_equal(m.r.c[RC_MESSAGES], 2);
	m = service("examplehealth.org", "microsoft365");
	assert_int_equal(m.r.c[RC_MESSAGES], 20);
}

static void
test_catalog_change(void **state)
{
	static const char local[] = "[service:billing]\nname = Billing "
	    "vendor\ntype = billing\nptr = billing.example\n";
	struct rollup_stats s;
	struct dw_error e;
	struct sums m;

	(void)state;
	assert_int_equal(catalog_load(cat, local, sizeof(local) - 1, "t", &e),
	    DW_OK);
	refresh(&s);
	assert_true(s.rebuilt);
	assert_int_equal(s.records, 7);
	m = service("examplehealth.org", "billing");
	assert_int_equal(m.r.c[RC_MESSAGES], 10);
	assert_int_equal(m.r.c[RC_SIG_PTR], 10);
	assert_false(service("examplehealth.org",
	    "ptr:billing.example").found);
}

static void
test_analysis(void **state)
{
	struct store_inventory inv;
	struct an_service *v;
	const struct an_service *ms = NULL, *bill = NULL, *unk = NULL;
	struct an_failing f;
	char fixes[AN_FIXES_MAX][AN_FIX_MAX];
	struct dw_error e;
	size_t n, i;

	(void)state;
	memset(&inv, 0, sizeof(inv));
	inv.service = "billing";
	inv.approved = true;
	inv.ephi = 1;
	inv.baa = BAA_NOT_SIGNED;
	inv.updated = 1;
	assert_int_equal(store_inventory_put(st, &inv, "approve", "t", &e),
	    DW_OK);
	inv.service = "mailgun";	/* approved, never seen */
	inv.ephi = -1;
	assert_int_equal(store_inventory_put(st, &inv, "approve", "t", &e),
	    DW_OK);
	assert_int_equal(an_services(st, cat, od, "examplehealth.org",
	    INT64_MIN, INT64_MAX, &v, &n, &e), DW_OK);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].key, "microsoft365") == 0)
			ms = &v[i];
		if (strcmp(v[i].key, "billing") == 0)
			bill = &v[i];
		if (strcmp(v[i].key, "unknown") == 0)
			unk = &v[i];
	}
	assert_non_null(ms);
	assert_non_null(bill);
	assert_non_null(unk);
	assert_string_equal(v[0].key, "microsoft365");	/* most first */
	assert_string_equal(v[n - 1].key, "mailgun");	/* appended */
	assert_int_equal(v[n - 1].c[RC_MESSAGES], 0);
	assert_int_equal(ms->kind, AN_KNOWN);
	assert_int_equal(bill->kind, AN_APPROVED);
	assert_true(an_baa_missing(bill));
	assert_true(an_below(bill));
	an_failing_of(bill, &f);
	assert_int_equal(f.misconfigured, 10);
	an_failing_of(unk, &f);
	assert_int_equal(f.forwarding, 2);
	assert_int_equal(f.spoofing, 0);
	assert_int_equal(an_fixes(bill, "examplehealth.org", fixes), 3);
	assert_non_null(strstr(fixes[0], "authorize its addresses"));
	assert_int_equal(an_fixes(ms, "examplehealth.org", fixes), 0);
	free(v);
}

static void
test_ladder(void **state)
{
	static const struct {
		enum dmarc_level l;
		bool		 t, blocked, step;
		enum dmarc_level nl;
		bool		 nt;
	} cases[] = {
		{ LEVEL_NONE, false, false, true, LEVEL_QUARANTINE, false },
		{ LEVEL_NONE, false, true, true, LEVEL_QUARANTINE, true },
		{ LEVEL_QUARANTINE, true, false, true, LEVEL_QUARANTINE,
		    false },
		{ LEVEL_QUARANTINE, true, true, false, 0, false },
		{ LEVEL_QUARANTINE, false, false, true, LEVEL_REJECT, false },
		{ LEVEL_QUARANTINE, false, true, true, LEVEL_REJECT, true },
		{ LEVEL_REJECT, true, false, true, LEVEL_REJECT, false },
		{ LEVEL_REJECT, false, false, false, 0, false },
	};
	struct an_policy cur, next;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cur.level = cases[i].l;
		cur.t = cases[i].t;
		memset(&next, 0, sizeof(next));
		if (an_next_step(cur, cases[i].blocked, &next) !=
		    cases[i].step)
			fail_msg("case %zu: step", i);
		if (cases[i].step && (next.level != cases[i].nl ||
		    next.t != cases[i].nt))
			fail_msg("case %zu: got %d t=%d", i, next.level,
			    next.t);
	}
	cur.level = LEVEL_REJECT;
	cur.t = true;
	assert_int_equal(an_applied(cur), LEVEL_QUARANTINE);
	cur.level = LEVEL_QUARANTINE;
	assert_int_equal(an_applied(cur), LEVEL_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_catalog_change),
		cmocka_unit_test(test_analysis),
		cmocka_unit_test(test_ladder),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
