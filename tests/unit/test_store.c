/*
 * test_store.c: the store through store.h: schema and migrations, units
 * and their raw bytes, reports, durability, a full disk, the queries; and
 * the CSV cell writer the export uses.
 *
 * Every test gets a fresh directory under $TMPDIR.  What the store wrote is
 * read back with SQLite directly, as src/store/migrations lays it out, so
 * the evidence (raw bytes and their SHA-256) is checked the way an auditor
 * would read it, without the store's own code.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <zlib.h>
#include <zstd.h>

#include "dwtest.h"

#include "base/buf.h"
#include "base/csv.h"
#include "store/migrations.h"
#include "store/store.h"

#define MIB	((size_t)1 << 20)
#define DAY	86400
#define D0	((int64_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define D1	(D0 + DAY)

static int
setup(void **state)
{
	return dwtest_tmp_setup(state);
}

static int
teardown(void **state)
{
	sqlite3_reset_auto_extension();
	return dwtest_tmp_teardown(state);
}

/* ---- helpers -------------------------------------------------------- */

static void
sha256(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len = 0;

	assert_int_equal(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
	assert_int_equal(len, 32);
}

/* Deterministic bytes: report-like text that compresses, or noise. */
static unsigned char *
gen(size_t n, bool noise, uint32_t seed)
{
	static const char text[] = "<record><row><source_ip>192.0.2.";
	unsigned char *p = malloc(n > 0 ? n : 1);
	uint32_t x = seed;
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		if (noise)
			p[i] = (unsigned char)(x >> 24);
		else if (i % 64 < sizeof(text) - 1)
			p[i] = (unsigned char)text[i % 64];
		else
			p[i] = (unsigned char)('0' + (x >> 28) % 10);
	}
	return p;
}

static sqlite3 *
db_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* The first column of the first row of sql on the file, or -1. */
static int64_t
q_int(const char *path, const char *sql)
{
	sqlite3 *db = db_open(path);
	sqlite3_stmt *s;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void
q_text(const char *path, const char *sql, char *out, size_t n)
{
	sqlite3 *db = db_open(path);
	sqlite3_stmt *s;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_text(s, 0) != NULL)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db = db_open(path);

	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A unit as stored: its row in raw_inputs and its bytes, decoded. */
struct raw {
	unsigned char	*data;
	size_t		 len;
	int64_t		 size;
	char		 enc[16];
	char		 name[256];
	int		 chunks;
};

/* The raw bytes of a 'zstd' unit: one frame, decoded whole. */
static void
unzstd_all(struct raw *r, const unsigned char *p, size_t n)
{
	size_t got;

	r->data = malloc((size_t)r->size + 1);
	assert_non_null(r->data);
	assert_int_equal(ZSTD_getFrameContentSize(p, n) ==
	    ZSTD_CONTENTSIZE_ERROR, 0);
	got = ZSTD_decompress(r->data, (size_t)r->size + 1, p, n);
	assert_false(ZSTD_isError(got));
	r->len = got;
}

/*
 * Reads the unit whose SHA-256 is sha from the store file: its chunks in
 * order (seq 0, 1, ...), decoded as one zstd frame when its encoding is
 * 'zstd', concatenated as they are when 'identity'.  False when no such
 * unit is stored.
 */
static bool
raw_read(const char *path, const uint8_t sha[32], struct raw *r)
{
	sqlite3 *db = db_open(path);
	sqlite3_stmt *s;
	struct buf b;
	int64_t id = 0;
	bool found;

	memset(r, 0, sizeof(*r));
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, encoding, size, "
	    "name FROM raw_inputs WHERE sha256 = ?", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_blob(s, 1, sha, 32, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	if (found) {
		id = sqlite3_column_int64(s, 0);
		snprintf(r->enc, sizeof(r->enc), "%s", sqlite3_column_text(s,
		    1));
		r->size = sqlite3_column_int64(s, 2);
		snprintf(r->name, sizeof(r->name), "%s",
		    sqlite3_column_text(s, 3));
	}
	sqlite3_finalize(s);
	if (!found) {
		sqlite3_close(db);
		return false;
	}
	buf_init(&b, (size_t)1 << 30);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, data FROM "
	    "raw_chunks WHERE input_id = ? ORDER BY seq", -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_int_equal(sqlite3_column_int64(s, 0), r->chunks);
		assert_int_equal(buf_append(&b, sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1)), DW_OK);
		r->chunks++;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	if (strcmp(r->enc, "identity") == 0 || r->chunks == 0) {
		r->data = (unsigned char *)buf_steal(&b, &r->len);
		if (r->data == NULL)
			r->data = calloc(1, 1);
	} else {
		assert_string_equal(r->enc, "zstd");
		unzstd_all(r, (const unsigned char *)b.data, b.len);
	}
	buf_fini(&b);
	return true;
}

/* The unit read back holds exactly p[0..n), with the same SHA-256. */
static void
assert_raw(const char *path, const void *p, size_t n, const char *enc)
{
	uint8_t sha[32], back[32];
	struct raw r;

	sha256(p, n, sha);
	assert_true(raw_read(path, sha, &r));
	assert_int_equal(r.size, n);
	assert_int_equal(r.len, n);
	assert_memory_equal(r.data, p, n);
	sha256(r.data, r.len, back);
	assert_memory_equal(back, sha, 32);
	if (enc != NULL)
		assert_string_equal(r.enc, enc);
	if (n > MIB)
		assert_true(r.chunks > 1);
	free(r.data);
}

/*
 * Starts a unit of n bytes and feeds them in pieces of step; returns the
 * first error.  The unit is left open for store_unit_end.
 */
static enum dw_err
unit_feed(struct store *st, const char *name, const void *p, size_t n,
    size_t step, struct dw_error *e)
{
	const unsigned char *q = p;
	uint8_t sha[32];
	bool dup = true;
	enum dw_err err;
	size_t k;

	sha256(p, n, sha);
	if ((err = store_unit_begin(st, name, sha, n, &dup, e)) != DW_OK)
		return err;
	assert_false(dup);
	for (k = 0; k < n; k += step) {
		err = store_unit_raw(st, q + k, n - k < step ? n - k : step, e);
		if (err != DW_OK)
			return err;
	}
	return DW_OK;
}

static void
unit_open(struct store *st, const char *name, const char *text)
{
	struct dw_error e;

	assert_int_equal(unit_feed(st, name, text, strlen(text), 4096, &e),
	    DW_OK);
}

static void
unit_close(struct store *st, bool commit)
{
	struct dw_error e;

	assert_int_equal(store_unit_end(st, commit, &e), DW_OK);
}

static struct store *
open_rw(const char *path)
{
	struct store *st = NULL;
	struct dw_error e;

	assert_int_equal(store_open(path, &st, &e), DW_OK);
	assert_non_null(st);
	return st;
}

static void
rep_init(struct agg_report *r, const char *org, const char *id,
    const char *domain, int64_t begin)
{
	memset(r, 0, sizeof(*r));
	r->schema = AGG_SCHEMA_RFC7489;
	r->version = "1.0";
	r->org_name = org;
	r->email = "noreply-dmarc@reporter.example";
	r->report_id = id;
	r->begin = begin;
	r->end = begin + DAY - 1;
	r->policy.domain = domain;
	r->policy.adkim = "r";
	r->policy.aspf = "s";
	r->policy.p = "reject";
	r->policy.sp = "quarantine";
	r->policy.pct = 100;
	r->policy.fo = "1";
}

static void
rec_init(struct agg_record *c, const char *ip, uint64_t count,
    const char *disp, const char *dkim, const char *spf)
{
	memset(c, 0, sizeof(*c));
	c->source_ip = ip;
	c->count = count;
	c->disposition = disp;
	c->dkim = dkim;
	c->spf = spf;
	c->header_from = "example.org";
}

/* Stores one whole report in the current unit; totals from recs. */
static void
report_put(struct store *st, const struct agg_report *r,
    const struct agg_record *recs, size_t n, bool commit)
{
	struct dw_error e;
	uint64_t msgs = 0;
	bool dup = true;
	size_t i;

	assert_int_equal(store_report_begin(st, r, &dup, &e), DW_OK);
	assert_false(dup);
	for (i = 0; i < n; i++) {
		assert_int_equal(store_report_record(st, &recs[i], &e), DW_OK);
		msgs += recs[i].count;
	}
	assert_int_equal(store_report_end(st, commit, n, msgs, &e), DW_OK);
}

static int64_t
count_rows(const char *path, const char *table)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return q_int(path, sql);
}

/* ---- open and migrations ------------------------------------------- */

static void
open_creates_schema_once(void **state)
{
	static const char *const tables[] = { "reporters", "raw_inputs",
	    "raw_chunks", "reports", "records", "auth_results" };
	struct dwtest_tmp *d = *state;
	struct store *st;
	struct dw_error e;
	char sql[160], mode[16];
	size_t i;

	assert_true(store_nmigrations > 0);
	st = open_rw(d->path);
	store_close(st);
	assert_int_equal(q_int(d->path, "SELECT max(version) FROM "
	    "schema_version"), store_migrations[store_nmigrations - 1].version);
	assert_int_equal(count_rows(d->path, "schema_version"),
	    store_nmigrations);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master"
		    " WHERE type = 'table' AND name = '%s'", tables[i]);
		assert_int_equal(q_int(d->path, sql), 1);
	}
	q_text(d->path, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");

	/* Reopening keeps the data and applies nothing again. */
	st = open_rw(d->path);
	unit_open(st, "a.xml", "<feedback/>");
	unit_close(st, true);
	store_close(st);
	st = open_rw(d->path);
	store_close(st);
	assert_int_equal(store_open_ro(d->path, &st, &e), DW_OK);
	store_close(st);
	assert_int_equal(count_rows(d->path, "schema_version"),
	    store_nmigrations);
	assert_int_equal(count_rows(d->path, "raw_inputs"), 1);
	store_close(NULL);
}

static void
open_refuses_newer_schema(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st;
	struct dw_error e;
	char sql[96];

	store_close(open_rw(d->path));
	snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d)",
	    store_migrations[store_nmigrations - 1].version + 1);
	exec_sql(d->path, sql);

	st = (struct store *)d;
	assert_int_equal(store_open(d->path, &st, &e), DW_ESTORE);
	assert_null(st);
	assert_non_null(strstr(e.msg, "newer"));
	assert_non_null(strstr(e.msg, d->path));
	st = (struct store *)d;
	assert_int_equal(store_open_ro(d->path, &st, &e), DW_ESTORE);
	assert_null(st);
	assert_non_null(strstr(e.msg, "newer"));
	assert_int_equal(count_rows(d->path, "schema_version"),
	    store_nmigrations + 1);
}

/*
 * A store that has the highest migration but lacks an earlier one (they
 * were numbered on separate lines of work) gets the missing one.
 */
static void
open_applies_a_missing_earlier_migration(void **state)
{
	struct dwtest_tmp *d = *state;
	const struct store_migration *m;
	const char *p, *q;
	char sql[256];
	size_t n;

	assert_true(store_nmigrations >= 2);
	m = &store_migrations[store_nmigrations - 2];
	store_close(open_rw(d->path));
	/* Undo m by hand: drop what it created, forget its number. */
	for (p = m->sql; (p = strstr(p, "CREATE TABLE ")) != NULL; p = q) {
		p += 13;
		q = p + strcspn(p, " (\n");
		n = (size_t)(q - p);
		snprintf(sql, sizeof(sql), "DROP TABLE %.*s", (int)n, p);
		exec_sql(d->path, sql);
	}
	snprintf(sql, sizeof(sql), "DELETE FROM schema_version WHERE "
	    "version = %d", m->version);
	exec_sql(d->path, sql);
	assert_int_equal(count_rows(d->path, "schema_version"),
	    store_nmigrations - 1);
	store_close(open_rw(d->path));
	assert_int_equal(count_rows(d->path, "schema_version"),
	    store_nmigrations);
}

static void
open_refuses_what_is_not_a_store(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st;
	struct dw_error e;
	char text[8192], back[8192], mode[16];
	size_t i;
	FILE *fp;

	for (i = 0; i < sizeof(text); i++)
		text[i] = "this is not a database\n"[i % 23];
	fp = fopen(d->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, sizeof(text), fp), sizeof(text));
	fclose(fp);
	st = (struct store *)d;
	assert_int_equal(store_open(d->path, &st, &e), DW_ESTORE);
	assert_null(st);
	assert_non_null(strstr(e.msg, d->path));
	assert_non_null(strstr(e.msg, "not a database"));
	assert_int_not_equal(store_open_ro(d->path, &st, &e), DW_OK);
	assert_null(st);
	assert_non_null(strstr(e.msg, d->path));
	fp = fopen(d->path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(back, 1, sizeof(back), fp), sizeof(back));
	assert_int_equal(fgetc(fp), EOF);
	fclose(fp);
	assert_memory_equal(back, text, sizeof(text));

	/* An SQLite database of something else is left as it is. */
	assert_int_equal(unlink(d->path), 0);
	exec_sql(d->path, "CREATE TABLE patients (mrn TEXT)");
	assert_int_equal(store_open(d->path, &st, &e), DW_ESTORE);
	assert_null(st);
	assert_non_null(strstr(e.msg, "not a dmarcward store"));
	assert_int_equal(store_open_ro(d->path, &st, &e), DW_ENOTFOUND);
	assert_int_equal(q_int(d->path, "SELECT count(*) FROM sqlite_master"),
	    1);
	q_text(d->path, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "delete");

	/* A directory that does not exist: the path is named. */
	assert_int_equal(store_open("/nonexistent-dir/x/store.db", &st, &e),
	    DW_ESTORE);
	assert_non_null(strstr(e.msg, "/nonexistent-dir/x/store.db"));
}

static void
open_ro_missing_and_read_only(void **state)
{
	struct dwtest_tmp *d = *state;
	uint8_t sha[32];
	struct store *st = (struct store *)d;
	struct agg_report r;
	struct dw_error e;
	bool dup = false;

	assert_int_equal(store_open_ro(d->path, &st, &e), DW_ENOTFOUND);
	assert_null(st);
	assert_non_null(strstr(e.msg, d->path));
	assert_int_equal(access(d->path, F_OK), -1);

	store_close(open_rw(d->path));
	assert_int_equal(store_open_ro(d->path, &st, &e), DW_OK);
	sha256("x", 1, sha);
	assert_int_equal(store_unit_begin(st, "x", sha, 1, &dup, &e),
	    DW_EINVAL);
	assert_false(dup);
	assert_int_equal(store_unit_raw(st, "x", 1, &e), DW_EINVAL);
	rep_init(&r, "Reporter", "ro", "example.org", D0);
	assert_int_equal(store_report_begin(st, &r, &dup, &e), DW_EINVAL);
	assert_int_equal(store_unit_end(st, true, &e), DW_OK);
	assert_int_equal(store_flush(st, &e), DW_OK);
	store_close(st);
	assert_int_equal(count_rows(d->path, "raw_inputs"), 0);
	assert_int_equal(count_rows(d->path, "reports"), 0);
}

/* ---- units ---------------------------------------------------------- */

static void
unit_raw_round_trips(void **state)
{
	static const struct {
		const char	*name;
		size_t		 n, step;
		bool		 noise;
	} c[] = {
		{ "empty", 0, 1, false },
		{ "small", 5000, 7, false },
		{ "one-chunk", MIB, MIB, false },
		{ "chunk-and-a-byte", MIB + 1, 4096, false },
		{ "text-3MiB", 3 * MIB + 12345, 70001, false },
		{ "noise-2.5MiB", 2 * MIB + MIB / 2, MIB, true },
		{ "noise-one-call", 2 * MIB + 3, 2 * MIB + 3, true },
	};
	struct dwtest_tmp *d = *state;
	unsigned char *p[sizeof(c) / sizeof(c[0])];
	struct store *st = open_rw(d->path);
	struct dw_error e;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		p[i] = gen(c[i].n, c[i].noise, (uint32_t)i + 1);
		assert_int_equal(unit_feed(st, c[i].name, p[i], c[i].n,
		    c[i].step, &e), DW_OK);
		unit_close(st, true);
	}
	store_close(st);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_raw(d->path, p[i], c[i].n, c[i].n > 0 ? "zstd" :
		    NULL);
		free(p[i]);
	}
	/* Text compresses: the evidence does not cost its full size. */
	assert_true(q_int(d->path, "SELECT sum(length(data)) FROM raw_chunks "
	    "JOIN raw_inputs i ON i.id = input_id WHERE i.name = "
	    "'text-3MiB'") < (int64_t)(3 * MIB / 2));
}

/* gzip (RFC 1952) of p[0..n) made with zlib. */
static unsigned char *
gzip_of(const void *p, size_t n, size_t *out_len)
{
	size_t cap = n + n / 100 + 1024;
	unsigned char *out = malloc(cap);
	z_stream z;

	assert_non_null(out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* A zip archive holding one member, made with libarchive. */
static unsigned char *
zip_of(const char *member, const void *p, size_t n, size_t *out_len)
{
	size_t cap = n + 4096;
	unsigned char *out = malloc(cap);
	struct archive *a = archive_write_new();
	struct archive_entry *ent = archive_entry_new();

	assert_non_null(out);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, out, cap, out_len),
	    ARCHIVE_OK);
	archive_entry_set_pathname(ent, member);
	archive_entry_set_size(ent, (la_int64_t)n);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0644);
	assert_int_equal(archive_write_header(a, ent), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, p, n), (la_ssize_t)n);
	archive_entry_free(ent);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return out;
}

static void
unit_raw_compressed_kept_as_is(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st = open_rw(d->path);
	unsigned char *noise = gen(MIB + MIB / 2, true, 7);
	unsigned char *xml = gen(200000, false, 8);
	unsigned char *gz, *zip, *gz2;
	size_t gzn, zipn, gz2n;
	struct dw_error e;

	gz = gzip_of(noise, MIB + MIB / 2, &gzn);
	zip = zip_of("google.com!example.org!1!2.xml", xml, 200000, &zipn);
	gz2 = gzip_of(xml, 200000, &gz2n);
	assert_true(gzn > MIB);
	assert_memory_equal(zip, "PK", 2);
	assert_int_equal(unit_feed(st, "big.xml.gz", gz, gzn, 65536, &e),
	    DW_OK);
	unit_close(st, true);
	assert_int_equal(unit_feed(st, "r.zip", zip, zipn, 1000, &e), DW_OK);
	unit_close(st, true);
	/* The magic split over two calls: still stored exactly. */
	assert_int_equal(unit_feed(st, "split.xml.gz", gz2, gz2n, 1, &e),
	    DW_OK);
	unit_close(st, true);
	store_close(st);
	assert_raw(d->path, gz, gzn, "identity");
	assert_raw(d->path, zip, zipn, "identity");
	assert_raw(d->path, gz2, gz2n, NULL);
	free(noise);
	free(xml);
	free(gz);
	free(zip);
	free(gz2);
}

static void
unit_rolled_back_leaves_nothing(void **state)
{
	static const char *const tables[] = { "raw_inputs", "raw_chunks",
	    "reporters", "reports", "records", "auth_results" };
	struct dwtest_tmp *d = *state;
	struct store *st = open_rw(d->path);
	unsigned char *p = gen(2 * MIB + 17, false, 3);
	struct agg_auth au[3] = {
		{ AGG_AUTH_DKIM, "example.org", "s1", NULL, "pass", NULL },
		{ AGG_AUTH_DKIM, "esp.example", "s2", NULL, "pass", NULL },
		{ AGG_AUTH_SPF, "example.org", NULL, "mfrom", "pass", NULL },
	};
	struct agg_report r;
	struct agg_record c;
	struct dw_error e;
	uint8_t sha[32];
	bool known = true;
	size_t i;

	rep_init(&r, "Reporter", "gone-1", "example.org", D0);
	rec_init(&c, "192.0.2.1", 3, "none", "pass", "pass");
	c.auth = au;
	c.nauth = 3;
	assert_int_equal(unit_feed(st, "gone.xml", p, 2 * MIB + 17, 100000,
	    &e), DW_OK);
	report_put(st, &r, &c, 1, true);
	unit_close(st, false);
	assert_int_equal(store_flush(st, &e), DW_OK);
	store_close(st);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		assert_int_equal(count_rows(d->path, tables[i]), 0);

	/* Nothing of it remains to call the same input a duplicate. */
	st = open_rw(d->path);
	sha256(p, 2 * MIB + 17, sha);
	assert_int_equal(store_unit_known(st, sha, &known, &e), DW_OK);
	assert_false(known);
	assert_int_equal(unit_feed(st, "again.xml", p, 2 * MIB + 17, MIB,
	    &e), DW_OK);
	report_put(st, &r, &c, 1, true);
	unit_close(st, true);
	store_close(st);
	assert_raw(d->path, p, 2 * MIB + 17, "zstd");
	assert_int_equal(count_rows(d->path, "auth_results"), 1);
	free(p);
}

static void
unit_same_sha_is_dup(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st = open_rw(d->path);
	static const char text[] = "<feedback>same bytes</feedback>";
	struct dw_error e;
	uint8_t sha[32];
	bool dup = false, known = true;

	sha256(text, strlen(text), sha);
	assert_int_equal(store_unit_known(st, sha, &known, &e), DW_OK);
	assert_false(known);
	unit_open(st, "first.xml", text);
	unit_close(st, true);
	/* In the same batch, before any flush: unit_begin decides. */
	assert_int_equal(store_unit_begin(st, "second.xml", sha, strlen(text),
	    &dup, &e), DW_OK);
	assert_true(dup);
	/* Nothing was started: ending is a no-op. */
	assert_int_equal(store_unit_end(st, true, &e), DW_OK);
	/* Committed, the quick check sees it too. */
	assert_int_equal(store_flush(st, &e), DW_OK);
	known = false;
	assert_int_equal(store_unit_known(st, sha, &known, &e), DW_OK);
	assert_true(known);
	store_close(st);

	st = open_rw(d->path);
	known = false;
	assert_int_equal(store_unit_known(st, sha, &known, &e), DW_OK);
	assert_true(known);
	dup = false;
	assert_int_equal(store_unit_begin(st, "third.xml", sha, strlen(text),
	    &dup, &e), DW_OK);
	assert_true(dup);
	store_close(st);
	assert_int_equal(count_rows(d->path, "raw_inputs"), 1);
	assert_raw(d->path, text, strlen(text), "zstd");
}

/* ---- reports -------------------------------------------------------- */

static void
report_same_key_is_dup(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st = open_rw(d->path);
	struct agg_report r, r2;
	struct agg_record c;
	struct dw_error e;
	bool dup = false;

	rep_init(&r, "Reporter", "id-1", "example.org", D0);
	rec_init(&c, "192.0.2.1", 5, "none", "pass", "pass");
	unit_open(st, "u1.xml", "unit one");
	report_put(st, &r, &c, 1, true);
	/* The same report again in the same unit. */
	assert_int_equal(store_report_begin(st, &r, &dup, &e), DW_OK);
	assert_true(dup);
	assert_int_equal(store_report_end(st, true, 0, 0, &e), DW_OK);
	unit_close(st, true);

	/* Another file carrying it: dup; any part of the key differing: new. */
	unit_open(st, "u2.xml", "unit two");
	dup = false;
	assert_int_equal(store_report_begin(st, &r, &dup, &e), DW_OK);
	assert_true(dup);
	r2 = r;
	r2.end = r.end + 1;
	report_put(st, &r2, &c, 1, true);
	r2 = r;
	r2.policy.domain = "other.example";
	report_put(st, &r2, &c, 1, true);
	r2 = r;
	r2.org_name = "Other Reporter";
	report_put(st, &r2, &c, 1, true);
	r2 = r;
	r2.begin = r.begin - 1;
	report_put(st, &r2, &c, 1, true);
	r2 = r;
	r2.report_id = "id-2";
	report_put(st, &r2, &c, 1, true);
	unit_close(st, true);
	store_close(st);

	st = open_rw(d->path);
	unit_open(st, "u3.xml", "unit three");
	dup = false;
	assert_int_equal(store_report_begin(st, &r, &dup, &e), DW_OK);
	assert_true(dup);
	unit_close(st, true);
	store_close(st);
	assert_int_equal(count_rows(d->path, "reports"), 6);
	assert_int_equal(count_rows(d->path, "records"), 6);
}

static void
report_discarded_alone(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st = open_rw(d->path);
	struct agg_auth au[2] = {
		{ AGG_AUTH_DKIM, "a.example", "s", NULL, "pass", NULL },
		{ AGG_AUTH_DKIM, "b.example", "s", NULL, "fail", NULL },
	};
	struct agg_report a, b, c;
	struct agg_record rec[3];
	char ids[64];

	rep_init(&a, "Reporter", "keep-a", "example.org", D0);
	rep_init(&b, "Bad Reporter", "drop-b", "example.org", D0);
	rep_init(&c, "Reporter", "keep-c", "example.org", D1);
	rec_init(&rec[0], "192.0.2.1", 1, "none", "pass", "pass");
	rec_init(&rec[1], "192.0.2.2", 2, "none", "pass", "fail");
	rec_init(&rec[2], "2001:db8::3", 3, "reject", "fail", "fail");
	rec[1].auth = au;
	rec[1].nauth = 2;
	unit_open(st, "mbox-message-1", "three reports");
	report_put(st, &a, rec, 1, true);
	report_put(st, &b, rec, 3, false);
	report_put(st, &c, rec + 1, 2, true);
	unit_close(st, true);
	store_close(st);

	q_text(d->path, "SELECT group_concat(report_id, ',') FROM (SELECT "
	    "report_id FROM reports ORDER BY report_id)", ids, sizeof(ids));
	assert_string_equal(ids, "keep-a,keep-c");
	assert_int_equal(count_rows(d->path, "records"), 3);
	assert_int_equal(q_int(d->path, "SELECT count(*) FROM records WHERE "
	    "report_id NOT IN (SELECT id FROM reports)"), 0);
	assert_int_equal(count_rows(d->path, "auth_results"), 1);
	assert_int_equal(q_int(d->path, "SELECT count(*) FROM reporters "
	    "WHERE org_name = 'Bad Reporter'"), 0);
	/* The discarded report's key is free again. */
	st = open_rw(d->path);
	unit_open(st, "retry", "b again");
	report_put(st, &b, rec, 3, true);
	unit_close(st, true);
	store_close(st);
	assert_int_equal(count_rows(d->path, "reports"), 3);
}

static void
report_totals_kept(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st = open_rw(d->path);
	struct agg_report r, z;
	struct agg_record c[3];
	struct dw_error e;
	bool dup;

	rep_init(&r, "Reporter", "t-1", "example.org", D0);
	rep_init(&z, "Reporter", "t-0", "example.org", D0);
	rec_init(&c[0], "192.0.2.1", 4294967295u, "none", "pass", "pass");
	rec_init(&c[1], "192.0.2.2", 0, "none", "fail", "pass");
	rec_init(&c[2], "192.0.2.3", 7, "reject", "fail", "fail");
	unit_open(st, "totals.xml", "totals");
	report_put(st, &r, c, 3, true);
	assert_int_equal(store_report_begin(st, &z, &dup, &e), DW_OK);
	assert_int_equal(store_report_end(st, true, 0, 0, &e), DW_OK);
	unit_close(st, true);
	store_close(st);
	assert_int_equal(q_int(d->path, "SELECT records FROM reports WHERE "
	    "report_id = 't-1'"), 3);
	assert_int_equal(q_int(d->path, "SELECT messages FROM reports WHERE "
	    "report_id = 't-1'"), 4294967302LL);
	assert_int_equal(q_int(d->path, "SELECT sum(count) FROM records"),
	    4294967302LL);
	assert_int_equal(q_int(d->path, "SELECT records + messages FROM "
	    "reports WHERE report_id = 't-0'"), 0);
}

/* ---- export of auth results ----------------------------------------- */

static void
assert_str_eq(const char *want, const char *got)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(want, got == NULL ? "(null)" : got);
}

struct want {
	const struct agg_record	*recs;
	size_t			 n, seen;
	const char		*reasons[4];
};

static enum dw_err
check_row(void *ctx, const struct store_row *row)
{
	struct want *w = ctx;
	const struct agg_record *g = row->record, *x;
	size_t i;

	assert_true(w->seen < w->n);
	x = &w->recs[w->seen];
	assert_str_eq(x->source_ip, g->source_ip);
	assert_int_equal(x->count, g->count);
	assert_str_eq(x->disposition, g->disposition);
	assert_str_eq(x->header_from, g->header_from);
	assert_str_eq(x->envelope_from, g->envelope_from);
	assert_str_eq(x->envelope_to, g->envelope_to);
	assert_str_eq(w->reasons[w->seen], row->reasons);
	assert_int_equal(g->nauth, x->nauth);
	for (i = 0; i < x->nauth; i++) {
		assert_int_equal(g->auth[i].kind, x->auth[i].kind);
		assert_str_eq(x->auth[i].domain, g->auth[i].domain);
		assert_str_eq(x->auth[i].selector, g->auth[i].selector);
		assert_str_eq(x->auth[i].scope, g->auth[i].scope);
		assert_str_eq(x->auth[i].result, g->auth[i].result);
		assert_str_eq(x->auth[i].human_result,
		    g->auth[i].human_result);
	}
	w->seen++;
	return DW_OK;
}

static void
record_keeps_every_auth_result(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st = open_rw(d->path);
	struct agg_auth au[] = {
		{ AGG_AUTH_DKIM, "example.org", "s1", NULL, "pass", NULL },
		{ AGG_AUTH_DKIM, "esp.example", "k2", NULL, "fail",
		    "body hash did not verify" },
		{ AGG_AUTH_DKIM, "third.example", "s3", NULL, "neutral", "" },
		{ AGG_AUTH_SPF, "example.org", NULL, "mfrom", "pass", NULL },
		{ AGG_AUTH_SPF, "bounce.esp.example", NULL, "helo",
		    "softfail", "not in the record" },
		/* SPF only, two of them */
		{ AGG_AUTH_SPF, "a.example", NULL, "mfrom", "fail", "h1" },
		{ AGG_AUTH_SPF, "b.example", NULL, "mfrom", "temperror", NULL },
	};
	struct agg_reason why[2] = {
		{ "forwarded", "via list" }, { "local_policy", NULL },
	};
	struct agg_record c[4];
	struct want w = { c, 4, 0, {
	    "[[\"forwarded\",\"via list\"],[\"local_policy\",null]]",
	    NULL, NULL, NULL } };
	struct store_filter f;
	struct agg_report r;
	struct dw_error e;

	rep_init(&r, "Reporter", "auth-1", "example.org", D0);
	rec_init(&c[0], "192.0.2.1", 9, "none", "pass", "pass");
	c[0].auth = au;
	c[0].nauth = 5;
	c[0].reasons = why;
	c[0].nreasons = 2;
	c[0].envelope_from = "bounce.esp.example";
	c[0].envelope_to = "example.net";
	rec_init(&c[1], "192.0.2.2", 1, "none", "pass", "fail");
	c[1].auth = au + 1;
	c[1].nauth = 1;
	rec_init(&c[2], "2001:db8::2", 2, "reject", "fail", "fail");
	c[2].auth = au + 5;
	c[2].nauth = 2;
	rec_init(&c[3], "192.0.2.4", 4, "quarantine", "fail", "fail");
	unit_open(st, "auth.xml", "auth results");
	report_put(st, &r, c, 4, true);
	unit_close(st, true);
	store_close(st);

	assert_int_equal(store_open_ro(d->path, &st, &e), DW_OK);
	store_filter_init(&f);
	assert_int_equal(store_export(st, &f, check_row, &w, &e), DW_OK);
	assert_int_equal(w.seen, 4);
	store_close(st);
}

/* ---- durability ----------------------------------------------------- */

/* Keeps one unit, flushes and dies without closing: no cmocka here. */
static void
flush_child(const char *path)
{
	unsigned int len = 0;
	struct store *st;
	struct dw_error e;
	uint8_t sha[32];
	bool dup = true;

	if (EVP_Digest("flushed", 7, sha, &len, EVP_sha256(), NULL) != 1 ||
	    store_open(path, &st, &e) != DW_OK ||
	    store_unit_begin(st, "flushed.xml", sha, 7, &dup, &e) != DW_OK ||
	    dup || store_unit_raw(st, "flushed", 7, &e) != DW_OK ||
	    store_unit_end(st, true, &e) != DW_OK ||
	    store_flush(st, &e) != DW_OK)
		_exit(2);
	_exit(0);
}

/*
 * In a child that ends with _exit (no store_close, no checkpoint): a unit
 * kept and flushed is committed; the parent sees it after the child died.
 */
static void
flush_commits_units(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st;
	uint8_t sha[32];
	struct raw r;
	int status;
	pid_t pid;

	store_close(open_rw(d->path));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		flush_child(d->path);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_raw(d->path, "flushed", 7, "zstd");

	/* store_close commits what is still in the batch. */
	st = open_rw(d->path);
	unit_open(st, "closed.xml", "closed");
	unit_close(st, true);
	store_close(st);
	assert_raw(d->path, "closed", 6, "zstd");

	/* An open unit is not kept by store_close. */
	st = open_rw(d->path);
	unit_open(st, "open.xml", "never ended");
	store_close(st);
	sha256("never ended", 11, sha);
	assert_false(raw_read(d->path, sha, &r));
	assert_int_equal(count_rows(d->path, "raw_inputs"), 2);
}

/* ---- a full disk ---------------------------------------------------- */

/* Every connection opened while it is registered gets this page cap. */
static int cap_pages;

static int
cap_ext(sqlite3 *db, const char **err, const sqlite3_api_routines *api)
{
	char sql[64];

	(void)err;
	(void)api;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %d", cap_pages);
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static void
small_unit(struct store *st, const char *name, const char *rid)
{
	struct agg_report r;
	struct agg_record c[2];

	rep_init(&r, "Reporter", rid, "example.org", D0);
	rec_init(&c[0], "192.0.2.1", 3, "none", "pass", "pass");
	rec_init(&c[1], "192.0.2.2", 4, "reject", "fail", "fail");
	unit_open(st, name, name);
	report_put(st, &r, c, 2, true);
	unit_close(st, true);
}

/* A report of n records: the store fills while storing them. */
static enum dw_err
many_records(struct store *st, size_t n, struct dw_error *e)
{
	struct agg_report r;
	struct agg_record c;
	enum dw_err err;
	char ip[32];
	bool dup;
	size_t i;

	rep_init(&r, "Reporter", "huge", "example.org", D1);
	if ((err = store_report_begin(st, &r, &dup, e)) != DW_OK)
		return err;
	for (i = 0; i < n && err == DW_OK; i++) {
		snprintf(ip, sizeof(ip), "10.%zu.%zu.%zu", i >> 16,
		    (i >> 8) & 255, i & 255);
		rec_init(&c, ip, i, "none", "fail", "fail");
		c.envelope_from = "a-rather-long-envelope-from.example.org";
		err = store_report_record(st, &c, e);
	}
	return err;
}

/*
 * The store is capped at 64 pages over its empty schema.  A unit that
 * does not fit fails with DW_EFULL and leaves nothing; committed units
 * stay; a unit kept in the uncommitted batch goes with the failing one
 * (SQLite ends the whole transaction on a full disk) and the error says
 * so; the next input is stored.
 */
static void
disk_full_is_efull_and_consistent(void **state)
{
	struct dwtest_tmp *d = *state;
	unsigned char *noise = gen(2 * MIB, true, 11);
	struct agg_record c;
	struct store *st;
	struct dw_error e;
	char ok[64], names[128];
	enum dw_err err;

	store_close(open_rw(d->path));
	cap_pages = (int)q_int(d->path, "PRAGMA page_count") + 64;
	assert_int_equal(sqlite3_auto_extension((void (*)(void))cap_ext),
	    SQLITE_OK);
	st = open_rw(d->path);
	small_unit(st, "a-flushed", "ra");
	assert_int_equal(store_flush(st, &e), DW_OK);
	small_unit(st, "b-in-batch", "rb");

	/* Raw bytes that do not fit. */
	err = unit_feed(st, "c-raw-too-big", noise, 2 * MIB, MIB / 4, &e);
	assert_int_equal(err, DW_EFULL);
	assert_non_null(strstr(e.msg, "store full"));
	assert_non_null(strstr(e.msg, "the 1 input kept since the last "
	    "commit was rolled back"));
	/* The failed unit takes no more writes and cannot be kept. */
	assert_int_not_equal(store_unit_raw(st, "x", 1, &e), DW_OK);
	assert_int_not_equal(store_unit_end(st, true, &e), DW_OK);
	small_unit(st, "d-after-raw", "rd");
	assert_int_equal(store_flush(st, &e), DW_OK);

	/* Records that do not fit, with nothing else in the batch. */
	unit_open(st, "e-records-too-many", "many records");
	err = many_records(st, 100000, &e);
	assert_int_equal(err, DW_EFULL);
	assert_null(strstr(e.msg, "rolled back"));
	rec_init(&c, "192.0.2.9", 1, "none", "pass", "pass");
	assert_int_not_equal(store_report_record(st, &c, &e), DW_OK);
	assert_int_not_equal(store_report_end(st, true, 1, 1, &e), DW_OK);
	(void)store_unit_end(st, false, NULL);
	small_unit(st, "f-after-records", "rf");
	store_close(st);
	sqlite3_reset_auto_extension();

	q_text(d->path, "PRAGMA integrity_check", ok, sizeof(ok));
	assert_string_equal(ok, "ok");
	assert_int_equal(q_int(d->path, "PRAGMA foreign_key_check"), -1);
	q_text(d->path, "SELECT group_concat(name, ',') FROM (SELECT name "
	    "FROM raw_inputs ORDER BY name)", names, sizeof(names));
	assert_string_equal(names, "a-flushed,d-after-raw,f-after-records");
	q_text(d->path, "SELECT group_concat(report_id, ',') FROM (SELECT "
	    "report_id FROM reports ORDER BY report_id)", names,
	    sizeof(names));
	assert_string_equal(names, "ra,rd,rf");
	assert_int_equal(count_rows(d->path, "records"), 6);
	assert_int_equal(q_int(d->path, "SELECT count(*) FROM raw_chunks "
	    "WHERE input_id NOT IN (SELECT id FROM raw_inputs)"), 0);
	assert_raw(d->path, "a-flushed", 9, "zstd");
	assert_raw(d->path, "d-after-raw", 11, "zstd");
	free(noise);
}

/* ---- queries -------------------------------------------------------- */

/*
 * a.example: r1 (day 0) and r2 (day 1); b.example: r3 (day 0); c.example:
 * r4 (day 1) without records.
 */
static void
load_queries(const char *path)
{
	struct store *st = open_rw(path);
	struct agg_report r[4];
	struct agg_record c[7];

	rep_init(&r[0], "Rep A", "r1", "a.example", D0);
	rep_init(&r[1], "Rep A", "r2", "a.example", D1);
	rep_init(&r[2], "Rep B", "r3", "b.example", D0);
	rep_init(&r[3], "Rep B", "r4", "c.example", D1);
	rec_init(&c[0], "192.0.2.1", 10, "none", "pass", "pass");
	rec_init(&c[1], "192.0.2.2", 5, "reject", "fail", "fail");
	rec_init(&c[2], "192.0.2.3", 7, "quarantine", "fail", "pass");
	rec_init(&c[3], "192.0.2.2", 20, "none", "fail", "fail");
	rec_init(&c[4], "192.0.2.1", 1, "none", "fail", "fail");
	rec_init(&c[5], "2001:db8::4", 100, "none", "pass", "fail");
	rec_init(&c[6], "192.0.2.5", 30, "reject", "fail", "fail");
	unit_open(st, "q1", "day zero");
	report_put(st, &r[0], c, 3, true);
	report_put(st, &r[2], c + 5, 2, true);
	unit_close(st, true);
	unit_open(st, "q2", "day one");
	report_put(st, &r[1], c + 3, 2, true);
	report_put(st, &r[3], NULL, 0, true);
	unit_close(st, true);
	store_close(st);
}

/* A filter on dom (NULL: all); a zero bound is no bound. */
static void
filter(struct store_filter *f, const char *dom, int64_t since, int64_t until)
{
	store_filter_init(f);
	f->domain = dom;
	if (since != 0)
		f->since = since;
	if (until != 0)
		f->until = until;
}

struct sums {
	int			n;
	struct store_summary	s[4];
	char			dom[4][32];
};

static enum dw_err
on_sum(void *ctx, const struct store_summary *s)
{
	struct sums *x = ctx;

	assert_true(x->n < 4);
	x->s[x->n] = *s;
	snprintf(x->dom[x->n], sizeof(x->dom[0]), "%s", s->domain);
	x->s[x->n].domain = x->dom[x->n];
	x->n++;
	return DW_OK;
}

/* v: messages, DMARC pass, SPF, DKIM, none, quarantine, reject. */
static void
assert_sum(const struct store_summary *s, const char *dom, uint64_t reports,
    const uint64_t v[7])
{
	assert_string_equal(s->domain, dom);
	assert_int_equal(s->reports, reports);
	assert_int_equal(s->messages, v[0]);
	assert_int_equal(s->dmarc_pass, v[1]);
	assert_int_equal(s->spf_aligned, v[2]);
	assert_int_equal(s->dkim_aligned, v[3]);
	assert_int_equal(s->none, v[4]);
	assert_int_equal(s->quarantine, v[5]);
	assert_int_equal(s->reject, v[6]);
}

static struct sums
summary_of(struct store *st, const char *dom, int64_t since, int64_t until)
{
	struct store_filter f;
	struct dw_error e;
	struct sums x;

	memset(&x, 0, sizeof(x));
	filter(&f, dom, since, until);
	assert_int_equal(store_summary(st, &f, on_sum, &x, &e), DW_OK);
	return x;
}

static void
query_summary(void **state)
{
	static const uint64_t b[7] = { 130, 100, 0, 100, 100, 0, 30 };
	static const uint64_t a[7] = { 43, 17, 17, 10, 31, 7, 5 };
	static const uint64_t a2[7] = { 21, 0, 0, 0, 21, 0, 0 };
	static const uint64_t a1[7] = { 22, 17, 17, 10, 10, 7, 5 };
	static const uint64_t zero[7];
	struct dwtest_tmp *d = *state;
	struct store *st;
	struct dw_error e;
	struct sums x;

	load_queries(d->path);
	assert_int_equal(store_open_ro(d->path, &st, &e), DW_OK);
	x = summary_of(st, NULL, 0, 0);
	assert_int_equal(x.n, 3);
	assert_sum(&x.s[0], "b.example", 1, b);
	assert_sum(&x.s[1], "a.example", 2, a);
	assert_sum(&x.s[2], "c.example", 1, zero);
	x = summary_of(st, "a.example", D1, 0);
	assert_int_equal(x.n, 1);
	assert_sum(&x.s[0], "a.example", 1, a2);
	x = summary_of(st, "nobody.example", 0, 0);
	assert_int_equal(x.n, 0);

	/* Overlap with [since, until): r1 is [D0, D1 - 1], r2 from D1. */
	x = summary_of(st, "a.example", D1 - 1, 0);
	assert_sum(&x.s[0], "a.example", 2, a);
	x = summary_of(st, "a.example", D0 - DAY, D1);
	assert_sum(&x.s[0], "a.example", 1, a1);
	x = summary_of(st, "a.example", D0 - DAY, D1 + 1);
	assert_sum(&x.s[0], "a.example", 2, a);
	x = summary_of(st, "a.example", D1 + DAY, 0);
	assert_int_equal(x.n, 0);
	x = summary_of(st, "a.example", D1 + DAY - 1, D1 + DAY);
	assert_sum(&x.s[0], "a.example", 1, a2);
	x = summary_of(st, NULL, D0 + 3600, D0 + 7200);
	assert_int_equal(x.n, 2);
	store_close(st);
}

struct srcs {
	int	 n;
	char	 ip[8][48];
	uint64_t msgs[8], pass[8];
};

static enum dw_err
on_src(void *ctx, const struct store_source *s)
{
	struct srcs *x = ctx;

	assert_true(x->n < 8);
	snprintf(x->ip[x->n], sizeof(x->ip[0]), "%s", s->source_ip);
	x->msgs[x->n] = s->messages;
	x->pass[x->n] = s->pass;
	x->n++;
	return DW_OK;
}

/* want: "ip messages pass;" for each source, in order. */
static void
assert_srcs(struct store *st, const char *dom, int64_t since, bool failing,
    unsigned n, const char *want)
{
	struct store_filter f;
	struct dw_error e;
	struct srcs x;
	char got[512];
	size_t len = 0;
	int i;

	memset(&x, 0, sizeof(x));
	filter(&f, dom, since, 0);
	assert_int_equal(store_top_sources(st, &f, failing, n, on_src, &x,
	    &e), DW_OK);
	got[0] = '\0';
	for (i = 0; i < x.n; i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len,
		    "%s %llu %llu;", x.ip[i], (unsigned long long)x.msgs[i],
		    (unsigned long long)x.pass[i]);
	assert_string_equal(got, want);
}

static void
query_top_sources(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store *st;
	struct dw_error e;

	load_queries(d->path);
	assert_int_equal(store_open_ro(d->path, &st, &e), DW_OK);
	assert_srcs(st, NULL, 0, false, 10, "2001:db8::4 100 100;"
	    "192.0.2.5 30 0;192.0.2.2 25 0;192.0.2.1 11 10;192.0.2.3 7 7;");
	assert_srcs(st, NULL, 0, false, 2, "2001:db8::4 100 100;"
	    "192.0.2.5 30 0;");
	assert_srcs(st, NULL, 0, true, 10, "192.0.2.5 30 0;192.0.2.2 25 0;"
	    "192.0.2.1 11 10;");
	assert_srcs(st, "a.example", 0, true, 10, "192.0.2.2 25 0;"
	    "192.0.2.1 11 10;");
	assert_srcs(st, "a.example", 0, false, 10, "192.0.2.2 25 0;"
	    "192.0.2.1 11 10;192.0.2.3 7 7;");
	assert_srcs(st, "a.example", D1, false, 10, "192.0.2.2 20 0;"
	    "192.0.2.1 1 0;");
	assert_srcs(st, "c.example", 0, false, 10, "");
	assert_srcs(st, NULL, 0, false, 0, "");
	store_close(st);
}

struct rows {
	int	 n, stop_after;
	char	 got[1024];
	size_t	 len;
};

static enum dw_err
on_row(void *ctx, const struct store_row *r)
{
	struct rows *x = ctx;

	x->len += (size_t)snprintf(x->got + x->len, sizeof(x->got) - x->len,
	    "%s/%s/%llu;", r->report->report_id, r->record->source_ip,
	    (unsigned long long)r->record->count);
	x->n++;
	if (x->n == 1) {
		/* Every report field comes back as stored. */
		assert_int_equal(r->report->schema, AGG_SCHEMA_RFC7489);
		assert_string_equal(r->report->email,
		    "noreply-dmarc@reporter.example");
		assert_int_equal(r->report->end, r->report->begin + DAY - 1);
		assert_string_equal(r->report->policy.adkim, "r");
		assert_string_equal(r->report->policy.aspf, "s");
		assert_string_equal(r->report->policy.p, "reject");
		assert_string_equal(r->report->policy.sp, "quarantine");
		assert_string_equal(r->report->policy.fo, "1");
		assert_int_equal(r->report->policy.pct, 100);
		assert_null(r->report->policy.np);
		assert_null(r->report->repairs);
		assert_null(r->errors);
		assert_string_equal(r->record->header_from, "example.org");
	}
	return x->stop_after == x->n ? DW_EINTR : DW_OK;
}

static void
assert_export(struct store *st, const char *dom, int64_t since,
    int64_t until, const char *want)
{
	struct store_filter f;
	struct dw_error e;
	struct rows x;

	memset(&x, 0, sizeof(x));
	filter(&f, dom, since, until);
	assert_int_equal(store_export(st, &f, on_row, &x, &e), DW_OK);
	assert_string_equal(x.got, want);
}

static void
query_export(void **state)
{
	struct dwtest_tmp *d = *state;
	struct store_filter f;
	struct store *st;
	struct dw_error e;
	struct rows x;

	load_queries(d->path);
	assert_int_equal(store_open_ro(d->path, &st, &e), DW_OK);
	assert_export(st, NULL, 0, 0, "r1/192.0.2.1/10;r1/192.0.2.2/5;"
	    "r1/192.0.2.3/7;r3/2001:db8::4/100;r3/192.0.2.5/30;"
	    "r2/192.0.2.2/20;r2/192.0.2.1/1;");
	assert_export(st, "a.example", D1, 0,
	    "r2/192.0.2.2/20;r2/192.0.2.1/1;");
	assert_export(st, NULL, 0, D1, "r1/192.0.2.1/10;r1/192.0.2.2/5;"
	    "r1/192.0.2.3/7;r3/2001:db8::4/100;r3/192.0.2.5/30;");
	assert_export(st, "b.example", D1 - 1, D1,
	    "r3/2001:db8::4/100;r3/192.0.2.5/30;");
	assert_export(st, "b.example", D1, 0, "");
	assert_export(st, "c.example", 0, 0, "");

	/* A callback's error stops the export and is returned. */
	memset(&x, 0, sizeof(x));
	x.stop_after = 2;
	store_filter_init(&f);
	assert_int_equal(store_export(st, &f, on_row, &x, &e), DW_EINTR);
	assert_int_equal(x.n, 2);
	store_close(st);
}

/* ---- CSV cells ------------------------------------------------------ */

static void
csv_cells_neutralized_and_quoted(void **state)
{
	static const struct {
		const char	*in, *out;
	} c[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "192.0.2.1", "192.0.2.1" },
		{ "=1+2", "'=1+2" },
		{ "+1", "'+1" },
		{ "-1", "'-1" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\tx", "'\tx" },
		{ "\rx", "\"'\rx\"" },
		{ "a=b", "a=b" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "line\nbreak", "\"line\nbreak\"" },
		{ "=HYPERLINK(\"http://x\",\"y\")",
		    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ "-2+3,cmd", "\"'-2+3,cmd\"" },
	};
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 4096);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		buf_reset(&b);
		assert_int_equal(csv_cell(&b, c[i].in), DW_OK);
		assert_string_equal(buf_str(&b), c[i].out);
	}
	buf_reset(&b);
	assert_int_equal(csv_cell(&b, NULL), DW_OK);
	assert_int_equal(b.len, 0);
	buf_fini(&b);

	/* A cell over the buffer's cap is an error, not a cut cell. */
	buf_init(&b, 4);
	assert_int_equal(csv_cell(&b, "abcdef"), DW_ELIMIT);
	buf_fini(&b);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(open_creates_schema_once),
		T(open_refuses_newer_schema),
		T(open_applies_a_missing_earlier_migration),
		T(open_refuses_what_is_not_a_store),
		T(open_ro_missing_and_read_only),
		T(unit_raw_round_trips),
		T(unit_raw_compressed_kept_as_is),
		T(unit_rolled_back_leaves_nothing),
		T(unit_same_sha_is_dup),
		T(report_same_key_is_dup),
		T(report_discarded_alone),
		T(report_totals_kept),
		T(record_keeps_every_auth_result),
		T(flush_commits_units),
		T(disk_full_is_efull_and_consistent),
		T(query_summary),
		T(query_top_sources),
		T(query_export),
		cmocka_unit_test(csv_cells_neutralized_and_quoted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
