/*
 * test_enrich.c: SPF includes flattened into networks, PTR lookups with
 * forward confirmation against zone data (tests/dns/sources-examples.yml),
 * and enrichment kept in a store: expiry, temporary failures, and days
 * marked for the rollups when an address's attribution changes.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dwtest.h"

#include "dns/dns_fake.h"
#include "sources/enrich.h"
#include "sources/refresh.h"
#include "sources/spfnets.h"

#define ZONE	"tests/dns/sources-examples.yml"

static struct dns_resolver *
zone(const char *extra)
{
	static char buf[1 << 16];
	struct dns_resolver *r = dns_fake_new();
	struct dw_error e;
	size_t n;
	FILE *fp;

	assert_non_null(r);
	fp = fopen(ZONE, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	if (dns_fake_load_yaml(r, buf, n, &e) != DW_OK)
		fail_msg("%s: %s", ZONE, e.msg);
	if (extra != NULL && dns_fake_load_yaml(r, extra, strlen(extra),
	    &e) != DW_OK)
		fail_msg("extra zone: %s", e.msg);
	return r;
}

/* ---- spfnets -------------------------------------------------------- */

static void
test_spfnets_resolve(void **state)
{
	struct dns_resolver *r = zone("zonedata:\n"
	    "  deep.example:\n    - TXT: \"v=spf1 include:a.example "
	    "mx:mx.example ~ip4:192.0.2.9 ptr -all\"\n"
	    "  a.example:\n    - TXT: \"v=spf1 ip6:2001:db8:1::1/40 "
	    "redirect=b.example\"\n"
	    "  b.example:\n    - TXT: \"v=spf1 a:h.example/24 -all\"\n"
	    "  h.example:\n    - A: 192.0.2.200\n"
	    "  mx.example:\n    - MX: [10, h2.example]\n"
	    "  h2.example:\n    - AAAA: 2001:db8:2::5\n"
	    "  two.example:\n    - TXT: \"v=spf1 -all\"\n"
	    "    - TXT: \"v=spf1 +all\"\n");
	struct spfnets_result res;
	struct dw_error e;

	(void)state;
	spfnets_result_init(&res);
	assert_int_equal(spfnets_resolve(r, "deep.example", &res, &e),
	    DW_OK);
	/* masked to their prefixes; ~ip4 is not an authorization */
	assert_string_equal(buf_str(&res.nets), "2001:db8::/40 "
	    "192.0.2.0/24 2001:db8:2::5/128");
	assert_non_null(strstr(buf_str(&res.partial),
	    "ptr: depends on the client"));
	spfnets_result_fini(&res);

	spfnets_result_init(&res);
	assert_int_equal(spfnets_resolve(r, "two.example", &res, &e), DW_OK);
	assert_string_equal(buf_str(&res.nets), "");
	assert_non_null(strstr(buf_str(&res.partial),
	    "more than one SPF record"));
	spfnets_result_fini(&res);

	spfnets_result_init(&res);
	assert_int_equal(spfnets_resolve(r, "servers.mcsv.net", &res, &e),
	    DW_OK);
	assert_string_equal(buf_str(&res.nets),
	    "198.51.100.192/27 198.51.100.230/32");
	assert_non_null(strstr(buf_str(&res.partial), "macro"));
	spfnets_result_fini(&res);
	dns_free(r);
}

static void
test_spfnets_limit(void **state)
{
	char z[8192];
	size_t n = 0;
	int i;
	struct dns_resolver *r;
	struct spfnets_result res;
	struct dw_error e;

	(void)state;
	/* a chain of 12 includes: the 11th is over SPF's limit of 10 */
	n += (size_t)snprintf(z + n, sizeof(z) - n, "zonedata:\n");
	for (i = 0; i < 12; i++)
		n += (size_t)snprintf(z + n, sizeof(z) - n, "  i%d.example:\n"
		    "    - TXT: \"v=spf1 ip4:10.0.%d.0/24 include:i%d.example "
		    "-all\"\n", i, i, i + 1);
	r = zone(z);
	spfnets_result_init(&res);
	assert_int_equal(spfnets_resolve(r, "i0.example", &res, &e), DW_OK);
	assert_int_equal(res.n, 11);
	assert_non_null(strstr(buf_str(&res.partial),
	    "more than 10 DNS-querying terms"));
	spfnets_result_fini(&res);
	dns_free(r);
}

static void
test_spfnets_match(void **state)
{
	struct spfnets s;
	struct dw_error e;
	uint8_t a[16] = { 198, 51, 100, 70 };
	uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x03, 0x65, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0x25 };
	uint16_t out[4];

	(void)state;
	spfnets_init(&s);
	assert_int_equal(spfnets_add(&s, "198.51.100.64/28 2001:db8:365::/48",
	    3, &e), DW_OK);
	assert_int_equal(spfnets_add(&s, "198.51.100.0/24", 7, &e), DW_OK);
	assert_int_equal(spfnets_add(&s, "", 9, &e), DW_OK);
	assert_int_equal(spfnets_match(&s, a, false, out, 4), 2);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[1], 7);
	assert_int_equal(spfnets_match(&s, b, true, out, 4), 1);
	assert_int_equal(out[0], 3);
	a[3] = 1;
	assert_int_equal(spfnets_match(&s, a, false, out, 4), 1);
	assert_int_equal(out[0], 7);
	/* the same bytes as IPv6 match nothing */
	assert_int_equal(spfnets_match(&s, a, true, out, 4), 0);
	/* stored text is read strictly */
	assert_int_equal(spfnets_add(&s, "198.51.100.0/33", 1, &e),
	    DW_ESYNTAX);
	assert_int_equal(spfnets_add(&s, "198.51.100.0", 1, &e), DW_ESYNTAX);
	assert_int_equal(spfnets_add(&s, "010.1.1.1/8", 1, &e), DW_ESYNTAX);
	assert_int_equal(spfnets_add(&s, "1.2.3.4/x", 1, &e), DW_ESYNTAX);
	assert_int_equal(spfnets_add(&s, "1.2.3.4/8  1.2.3.4/8", 1, &e),
	    DW_ESYNTAX);
	spfnets_fini(&s);
}

/* ---- enrich --------------------------------------------------------- */

struct got {
	char	 line[16][1200];
	size_t	 n;
};

static void
on_res(void *ctx, const struct enrich_result *res)
{
	struct got *g = ctx;

	assert_true(g->n < 16);
	snprintf(g->line[g->n++], sizeof(g->line[0]), "%s %s ptr=%s any=%s "
	    "base=%s spf=%s", res->ip, enrich_status_name(res->status),
	    res->ptr ? res->ptr : "-", res->ptr_any ? res->ptr_any : "-",
	    res->base ? res->base : "-", res->spf_services);
}

static const char *
find(const struct got *g, const char *ip)
{
	size_t i, n = strlen(ip);

	for (i = 0; i < g->n; i++)
		if (strncmp(g->line[i], ip, n) == 0 && g->line[i][n] == ' ')
			return g->line[i];
	fail_msg("no result for %s", ip);
	return NULL;
}

static void
test_enrich_run(void **state)
{
	static const char *const ips[] = {
		"198.51.100.10", "2001:db8:365::25", "192.0.2.77",
		"192.0.2.250", "192.0.2.251", "2001:db8:bad::1", "not-an-ip",
		"198.51.100.70",
	};
	static const char *const keys[] = { "microsoft365", "other" };
	struct dns_resolver *r = zone(NULL);
	struct orgdomain *od;
	struct spfnets nets;
	struct enrich_opts o;
	struct dw_error e;
	struct got g;

	(void)state;
	assert_int_equal(orgdomain_new(&od, &e), DW_OK);
	spfnets_init(&nets);
	assert_int_equal(spfnets_add(&nets, "198.51.100.8/29 "
	    "198.51.100.64/28 2001:db8:365::/48", 0, &e), DW_OK);
	assert_int_equal(spfnets_add(&nets, "198.51.100.70/32", 1, &e),
	    DW_OK);
	memset(&o, 0, sizeof(o));
	o.r = r;
	o.od = od;
	o.spf = &nets;
	o.spf_keys = keys;
	o.nspf_keys = 2;
	memset(&g, 0, sizeof(g));
	assert_int_equal(enrich_run(&o, ips, 8, on_res, &g, &e), DW_OK);
	assert_int_equal(g.n, 8);
	assert_string_equal(find(&g, "198.51.100.10"), "198.51.100.10 ok "
	    "ptr=mail-bn8nam12on2010.outbound.protection.outlook.com "
	    "any=mail-bn8nam12on2010.outbound.protection.outlook.com "
	    "base=outlook.com spf=microsoft365");
	assert_non_null(strstr(find(&g, "2001:db8:365::25"),
	    "ok ptr=mail-co1nam11on2025.outbound.protection.outlook.com"));
	assert_string_equal(find(&g, "192.0.2.77"), "192.0.2.77 ok "
	    "ptr=mta7.billingvendor.example any=mta7.billingvendor.example "
	    "base=billingvendor.example spf=");
	/* a PTR name that does not resolve back is not trusted */
	assert_string_equal(find(&g, "192.0.2.250"), "192.0.2.250 ok ptr=- "
	    "any=o1.ptr9.sendgrid.net base=- spf=");
	assert_string_equal(find(&g, "192.0.2.251"), "192.0.2.251 noptr "
	    "ptr=- any=- base=- spf=");
	assert_string_equal(find(&g, "2001:db8:bad::1"), "2001:db8:bad::1 "
	    "temp ptr=- any=- base=- spf=");
	assert_string_equal(find(&g, "not-an-ip"), "not-an-ip badip ptr=- "
	    "any=- base=- spf=");
	assert_string_equal(find(&g, "198.51.100.70"), "198.51.100.70 noptr "
	    "ptr=- any=- base=- spf=microsoft365 other");
	spfnets_fini(&nets);
	orgdomain_free(od);
	dns_free(r);
}

/* Many addresses in one go: batches, and every one answered once. */
static void
count_res(void *ctx, const struct enrich_result *res)
{
	size_t *n = ctx;

	assert_int_equal(res->status, ENRICH_NOPTR);
	(*n)++;
}

static void
test_enrich_many(void **state)
{
	static char names[5000][24];
	const char *ips[5000];
	struct dns_resolver *r = zone(NULL);
	struct enrich_opts o;
	struct dw_error e;
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(names[i], sizeof(names[i]), "10.%zu.%zu.%zu",
		    i / 65536, i / 256 % 256, i % 256);
		ips[i] = names[i];
	}
	memset(&o, 0, sizeof(o));
	o.r = r;
	assert_int_equal(enrich_run(&o, ips, 5000, count_res, &n, &e), DW_OK);
	assert_int_equal(n, 5000);
	dns_free(r);
}

/* ---- refresh over a store ------------------------------------------- */

static sqlite3 *
raw(const char *path)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static long long
q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void
test_refresh_store(void **state)
{
	char path[] = "/tmp/dwtest-enrich-XXXXXX";
	char db_path[64];
	struct store *st;
	struct dns_resolver *r = zone(NULL);
	struct catalog *cat = catalog_new();
	struct orgdomain *od;
	struct refresh_opts o;
	struct refresh_stats s;
	struct dw_error e;
	sqlite3 *db;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(db_path, sizeof(db_path), "%s.db", path);
	assert_int_equal(catalog_load_builtin(cat, &e), DW_OK);
	assert_int_equal(orgdomain_new(&od, &e), DW_OK);
	assert_int_equal(store_open(db_path, &st, &e), DW_OK);
	db = raw(db_path);
	/* two records by hand: the store's own writer is tested elsewhere */
	assert_int_equal(sqlite3_exec(db, "INSERT INTO reporters VALUES (1, "
	    "'r', ''); INSERT INTO raw_inputs VALUES (1, 'x', x'00', 0, 0, "
	    "'identity'); INSERT INTO reports (id, reporter_id, input_id, "
	    "org_name, report_id, domain, date_begin, date_end, schema, "
	    "source_name) VALUES (1, 1, 1, 'r', 'a', 'examplehealth.org', "
	    "86400, 172799, 'rfc7489', 'x'); INSERT INTO records (report_id,"
	    " source_ip, count) VALUES (1, '198.51.100.10', 5), (1, "
	    "'2001:db8:bad::1', 2), (1, '198.51.100.10', 1)", NULL, NULL,
	    NULL), SQLITE_OK);
	memset(&o, 0, sizeof(o));
	o.st = st;
	o.r = r;
	o.cat = cat;
	o.od = od;
	o.now = 1000000;
	assert_int_equal(refresh_enrich(&o, &s, &e), DW_OK);
	assert_int_equal(s.addresses, 2);
	assert_int_equal(s.confirmed, 1);
	assert_int_equal(s.temp, 1);
	assert_int_equal(s.spf_named, 1);
	assert_true(s.includes > 10);
	assert_int_equal(q1(db, "SELECT expires FROM ip_info WHERE ip = "
	    "'2001:db8:bad::1'"), 1000000 + ENRICH_TTL_TEMP);
	assert_int_equal(q1(db, "SELECT expires FROM ip_info WHERE ip = "
	    "'198.51.100.10'"), 1000000 + ENRICH_TTL_MIN);
	/* nothing new, nothing expired: nothing to do, no DNS */
	o.now += 60;
	assert_int_equal(refresh_enrich(&o, &s, &e), DW_OK);
	assert_int_equal(s.addresses, 0);
	assert_int_equal(s.includes_resolved, 0);
	/* the failure is retried once its short TTL is over */
	o.now = 1000000 + ENRICH_TTL_TEMP;
	assert_int_equal(refresh_enrich(&o, &s, &e), DW_OK);
	assert_int_equal(s.addresses, 1);
	/* an address that counts in the rollups, whose PTR changes */
	assert_int_equal(sqlite3_exec(db, "INSERT INTO ip_seen VALUES "
	    "('198.51.100.10', 'examplehealth.org', 1, 1); UPDATE ip_info "
	    "SET attr = 'old', expires = 0 WHERE ip = '198.51.100.10'", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_int_equal(refresh_enrich(&o, &s, &e), DW_OK);
	assert_int_equal(q1(db, "SELECT count(*) FROM rollup_dirty WHERE "
	    "domain = 'examplehealth.org' AND first_day = 1"), 1);
	/* the same again: unchanged, nothing marked */
	assert_int_equal(sqlite3_exec(db, "UPDATE ip_info SET expires = 0",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(refresh_enrich(&o, &s, &e), DW_OK);
	assert_int_equal(q1(db, "SELECT count(*) FROM rollup_dirty"), 1);
	/* a temporary failure keeps what was known */
	assert_int_equal(q1(db, "SELECT count(*) FROM ip_info WHERE ptr IS "
	    "NOT NULL"), 1);
	sqlite3_close(db);
	store_close(st);
	orgdomain_free(od);
	catalog_free(cat);
	dns_free(r);
	unlink(db_path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spfnets_resolve),
		cmocka_unit_test(test_spfnets_limit),
		cmocka_unit_test(test_spfnets_match),
		cmocka_unit_test(test_enrich_run),
		cmocka_unit_test(test_enrich_many),
		cmocka_unit_test(test_refresh_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
