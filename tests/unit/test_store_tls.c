/*
 * test_store_tls.c: SMTP TLS reports in the store (migration 0002):
 * stored whole with their raw input, deduplicated on (organization,
 * report id) and on the document hash, rolled back whole when a part
 * fails, and the grouped figures `dmarcward tls` shows.
 */
#include "dwtest.h"
#include "dwtest_file.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "base/arena.h"
#include "report/tlsrpt_json.h"
#include "store/store.h"

#define FIX	"tests/reports/tlsrpt/valid/"

struct fx {
	char		 dir[64];
	char		 path[128];
	struct store	*st;
	struct arena	*a;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct dw_error e;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/dwtls.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s.db", f->dir);
	assert_int_equal(store_open(f->path, &f->st, &e), DW_OK);
	f->a = arena_new(TLSRPT_ARENA_MAX);
	assert_non_null(f->a);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char p[160];

	store_close(f->st);
	arena_free(f->a);
	snprintf(p, sizeof(p), "%s/s.db-wal", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/s.db-shm", f->dir);
	unlink(p);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
sha(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len = 32;

	assert_int_equal(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
}

/* The report in fixture name (arena-owned) and its document's hash. */
static struct tlsrpt_report *
load(struct fx *f, const char *name, uint8_t h[32])
{
	char path[256];
	struct tlsrpt_report *r;
	struct dw_error e;
	struct buf b;

	snprintf(path, sizeof(path), FIX "%s.json", name);
	assert_true(dwtest_slurp(path, &b));
	assert_int_equal(tlsrpt_json_parse(f->a, b.data, b.len, &r, &e),
	    DW_OK);
	sha(b.data, b.len, h);
	buf_fini(&b);
	return r;
}

/* One unit named name holding r; returns store_tls_put's result. */
static enum dw_err
put_unit(struct fx *f, const char *name, const struct tlsrpt_report *r,
    const uint8_t h[32], bool *dup, bool commit)
{
	uint8_t uh[32];
	struct dw_error e;
	enum dw_err err;
	bool udup;

	sha(name, strlen(name), uh);
	assert_int_equal(store_unit_begin(f->st, name, uh, 7, &udup, &e),
	    DW_OK);
	assert_false(udup);
	assert_int_equal(store_unit_raw(f->st, "rawdata", 7, &e), DW_OK);
	err = store_tls_put(f->st, r, h, dup, &e);
	assert_int_equal(store_unit_end(f->st, commit, &e), DW_OK);
	assert_int_equal(store_flush(f->st, &e), DW_OK);
	return err;
}

static int64_t
q(struct fx *f, const char *sql)
{
	return dwtest_sql_int(f->path, sql);
}

static void
test_put_whole(void **state)
{
	struct fx *f = *state;
	struct tlsrpt_report *r;
	uint8_t h[32];
	bool dup;

	r = load(f, "full", h);
	assert_int_equal(put_unit(f, "full.json", r, h, &dup, true), DW_OK);
	assert_false(dup);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_reports"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_policies"), 2);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_failures"), 3);
	assert_int_equal(q(f, "SELECT successful * 1000 + failed FROM "
	    "tls_reports"), 9540 * 1000 + 502);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_reports t JOIN "
	    "raw_inputs i ON i.id = t.input_id WHERE i.name = 'full.json' AND "
	    "t.source_name = 'full.json'"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM raw_chunks"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM reporters WHERE org_name "
	    "= 'Receiver Health Mail' AND email = 'tlsrpt@receiver.example'"),
	    1);
	assert_int_equal(q(f, "SELECT date_begin FROM tls_reports"),
	    1762128000);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_policies WHERE "
	    "policy_strings LIKE '[\"version: STSv1\",%' AND mx_hosts = "
	    "'[\"mx1.clinic.example\",\"*.backup.clinic.example\"]'"), 1);
	assert_int_equal(q(f, "SELECT failed_sessions FROM tls_failures WHERE "
	    "receiving_ip = '192.0.2.25' AND sending_mta_ip = '2001:db8::1' "
	    "AND receiving_mx_helo = 'mx1.clinic.example' AND "
	    "failure_reason_code = 'X509_V_ERR_CERT_HAS_EXPIRED' AND "
	    "additional_information LIKE 'https://%'"), 300);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_reports WHERE notes IS "
	    "NULL"), 1);
}

static void
test_dedup(void **state)
{
	struct fx *f = *state;
	struct tlsrpt_report *r;
	uint8_t h[32], other[32];
	bool dup;

	r = load(f, "full", h);
	assert_int_equal(put_unit(f, "a", r, h, &dup, true), DW_OK);
	assert_false(dup);
	/* same organization and report id, another document */
	memset(other, 0x5a, sizeof(other));
	assert_int_equal(put_unit(f, "b", r, other, &dup, true), DW_OK);
	assert_true(dup);
	/* same document hash, another report id */
	r->report_id = "another-id";
	assert_int_equal(put_unit(f, "c", r, h, &dup, true), DW_OK);
	assert_true(dup);
	/* the same report id from another organization is another report */
	r->organization_name = "Another Receiver";
	assert_int_equal(put_unit(f, "d", r, other, &dup, true), DW_OK);
	assert_false(dup);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_reports"), 2);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_policies"), 4);
}

/* A part that fails takes the whole report back; the unit goes on. */
static void
test_whole_or_nothing(void **state)
{
	struct fx *f = *state;
	struct tlsrpt_report *r, *good;
	uint8_t h[32], h2[32], uh[32];
	struct dw_error e;
	bool dup;

	r = load(f, "full", h);
	good = load(f, "minimal", h2);
	r->policies[1].failures[0].result_type = NULL;	/* NOT NULL */
	sha("unit", 4, uh);
	assert_int_equal(store_unit_begin(f->st, "unit", uh, 4, &dup, &e),
	    DW_OK);
	assert_int_equal(store_tls_put(f->st, r, h, &dup, &e), DW_ESTORE);
	assert_non_null(strstr(e.msg, "TLS failure detail"));
	assert_int_equal(store_tls_put(f->st, good, h2, &dup, &e), DW_OK);
	assert_false(dup);
	assert_int_equal(store_unit_end(f->st, true, &e), DW_OK);
	assert_int_equal(store_flush(f->st, &e), DW_OK);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_reports"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_policies"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_failures"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_reports WHERE "
	    "report_id = 'r1'"), 1);
	/* a unit rolled back keeps nothing */
	r = load(f, "unknown-types", h);
	assert_int_equal(put_unit(f, "gone", r, h, &dup, false), DW_OK);
	assert_int_equal(q(f, "SELECT count(*) FROM tls_reports"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM raw_inputs WHERE name = "
	    "'gone'"), 0);
	/* outside a unit */
	assert_int_equal(store_tls_put(f->st, r, h, &dup, &e), DW_EINVAL);
}

struct rows {
	char	 text[2048];
};

static enum dw_err
row_cb(void *ctx, const struct store_tls_row *r)
{
	struct rows *rs = ctx;
	size_t n = strlen(rs->text);

	snprintf(rs->text + n, sizeof(rs->text) - n, "%s%s%s %llu %llu %llu "
	    "%llu;", r->key ? r->key : "-", r->sub ? "/" : "",
	    r->sub ? r->sub : "", (unsigned long long)r->reports,
	    (unsigned long long)r->successful, (unsigned long long)r->failed,
	    (unsigned long long)r->details);
	return DW_OK;
}

static const char *
rows(struct fx *f, const struct store_filter *flt, enum store_tls_group g,
    struct rows *rs)
{
	struct dw_error e;

	rs->text[0] = '\0';
	assert_int_equal(store_tls_query(f->st, flt, g, row_cb, rs, &e),
	    DW_OK);
	return rs->text;
}

static void
test_queries(void **state)
{
	static const char *const fx[] = { "full", "minimal", "unknown-types",
	    "deviations", "no-policies" };
	struct fx *f = *state;
	struct store_filter flt;
	struct rows rs;
	uint8_t h[32];
	size_t i;
	bool dup;

	for (i = 0; i < sizeof(fx) / sizeof(fx[0]); i++)
		assert_int_equal(put_unit(f, fx[i], load(f, fx[i], h), h, &dup,
		    true), DW_OK);
	store_filter_init(&flt);
	assert_string_equal(rows(f, &flt, STORE_TLS_ALL, &rs),
	    "- 5 9556 509 0;");
	assert_string_equal(rows(f, &flt, STORE_TLS_DOMAIN, &rs),
	    "clinic.example 1 9540 502 0;- 1 10 5 0;example.com 1 6 1 0;"
	    "example.net 1 0 1 0;example.org 1 0 0 0;");
	assert_string_equal(rows(f, &flt, STORE_TLS_TYPE, &rs),
	    "no-policy-found 1 0 0 0;policy-from-2031 1 5 0 0;"
	    "sts 3 9511 507 0;tlsa 1 40 2 0;");
	assert_string_equal(rows(f, &flt, STORE_TLS_DAY, &rs),
	    "2024-06-01 1 10 6 0;2025-01-01 1 0 0 0;2025-11-03 1 9540 502 0;"
	    "2031-01-01 1 6 1 0;");
	assert_string_equal(rows(f, &flt, STORE_TLS_MX, &rs),
	    "mx1.clinic.example/certificate-expired 1 0 300 1;"
	    "mx1.clinic.example/tlsa-invalid 1 0 2 1;"
	    "mx2.backup.clinic.example/starttls-not-supported 1 0 200 1;"
	    "not a host name!/validation-failure 1 0 4 1;"
	    "-/sts-policy-fetch-error 1 0 2 2;"
	    "-/quantum-handshake-failure 1 0 1 1;"
	    "-/validation-failure 1 0 1 1;");
	assert_string_equal(rows(f, &flt, STORE_TLS_RESULT, &rs),
	    "certificate-expired 1 0 300 1;starttls-not-supported 1 0 200 1;"
	    "validation-failure 1 0 5 2;sts-policy-fetch-error 1 0 2 2;"
	    "tlsa-invalid 1 0 2 1;quantum-handshake-failure 1 0 1 1;");
	flt.domain = "clinic.example";
	assert_string_equal(rows(f, &flt, STORE_TLS_TYPE, &rs),
	    "sts 1 9500 500 0;tlsa 1 40 2 0;");
	assert_string_equal(rows(f, &flt, STORE_TLS_ALL, &rs),
	    "- 1 9540 502 0;");
	flt.domain = NULL;
	flt.since = 1735689600;		/* 2025-01-01 */
	flt.until = 1735776000;		/* 2025-01-02 */
	assert_string_equal(rows(f, &flt, STORE_TLS_ALL, &rs),
	    "- 2 0 0 0;");
	flt.domain = "nowhere.example";
	assert_string_equal(rows(f, &flt, STORE_TLS_ALL, &rs), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_whole, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dedup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole_or_nothing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queries, setup, teardown),
	};

	return cmocka_run_group_tests_name("store_tls", tests, NULL, NULL);
}
