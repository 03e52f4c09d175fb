/*
 * test_store_failure.c: failure reports in the store (migration 0003):
 * what is stored reads back the same, a unit keeps no plain raw bytes
 * (withheld) or only a sealed box that opens with the operator's key,
 * duplicates are found by hash, queries filter by domain and time, and
 * no PHI string of the fixtures is anywhere in the database files.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "dwtest.h"

#include "base/buf.h"
#include "dwtest_file.h"
#include "crypto/seal.h"
#include "report/failure.h"
#include "report/failure_json.h"
#include "store/store.h"

#define DIR_FIX		"tests/reports/failure"
#define FILE_MAX	((size_t)16 << 20)

struct fx {
	struct dwtest_tmp *tmp;		/* the scratch directory */
	const char	*db;		/* the store file in it */
	struct store	*st;
	struct arena	*a;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct dw_error e;

	if (f == NULL || dwtest_tmp_setup((void **)&f->tmp) != 0)
		return -1;
	f->db = f->tmp->path;
	if (store_open(f->db, &f->st, &e) != DW_OK)
		return -1;
	f->a = arena_new(64 << 20);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	arena_free(f->a);
	dwtest_tmp_teardown((void **)&f->tmp);
	free(f);
	return 0;
}

/* Parses fixture name into the arena. */
static const struct failure_report *
fixture(struct fx *f, const char *name, struct buf *raw)
{
	struct failure_report *r;
	struct dw_error e;
	char path[256];

	snprintf(path, sizeof(path), DIR_FIX "/%s", name);
	assert_true(dwtest_slurp(path, raw));
	assert_int_equal(failure_parse(f->a, raw->data, raw->len, NULL, &r,
	    &e), DW_OK);
	return r;
}

/* Stores r in a unit of its own with evidence ev (and sealed bytes). */
static bool
put(struct fx *f, const char *name, const struct failure_report *r,
    enum store_evidence ev, const struct buf *sealed)
{
	struct dw_error e;
	bool dup;

	assert_int_equal(store_unit_begin(f->st, name, r->sha256, 100, &dup,
	    &e), DW_OK);
	if (dup)
		return false;
	assert_int_equal(store_unit_evidence(f->st, ev, &e), DW_OK);
	if (sealed != NULL)
		assert_int_equal(store_unit_raw(f->st, sealed->data,
		    sealed->len, &e), DW_OK);
	assert_int_equal(store_failure_put(f->st, r, &dup, &e), DW_OK);
	assert_int_equal(store_unit_end(f->st, !dup, &e), DW_OK);
	assert_int_equal(store_flush(f->st, &e), DW_OK);
	return !dup;
}

struct got {
	json_t	*reports;
	int64_t	 last_id;
	bool	 sample;
};

static enum dw_err
on_failure(void *ctx, const struct store_failure *sf)
{
	struct got *g = ctx;

	json_array_append_new(g->reports, failure_json(sf->report));
	g->last_id = sf->id;
	g->sample = sf->sample;
	return DW_OK;
}

static json_t *
query(struct fx *f, const char *domain, int64_t since, int64_t until,
    struct got *g)
{
	struct store_filter flt;
	struct dw_error e;

	store_filter_init(&flt);
	flt.domain = domain;
	if (since != 0)
		flt.since = since;
	if (until != 0)
		flt.until = until;
	memset(g, 0, sizeof(*g));
	g->reports = json_array();
	if (store_failures(f->st, &flt, on_failure, g, &e) != DW_OK)
		fail_msg("store_failures: %s", e.msg);
	return g->reports;
}

static int64_t
q_int(struct fx *f, const char *sql)
{
	return dwtest_sql_int(f->db, sql);
}

static void
test_roundtrip(void **state)
{
	struct fx *f = *state;
	const struct failure_report *r;
	struct buf raw, sample;
	struct dw_error e;
	struct got g;
	json_t *want, *got;

	r = fixture(f, "arf-phi-subject.eml", &raw);
	want = failure_json(r);
	assert_true(put(f, "a.eml", r, STORE_EVIDENCE_WITHHELD, NULL));
	got = query(f, NULL, 0, 0, &g);
	assert_int_equal(json_array_size(got), 1);
	assert_true(json_equal(json_array_get(got, 0), want));
	assert_false(g.sample);
	/* the unit: name, size and hash, no bytes */
	assert_int_equal(q_int(f, "SELECT count(*) FROM raw_inputs WHERE "
	    "encoding = 'withheld'"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM raw_chunks"), 0);
	buf_init(&sample, FILE_MAX);
	assert_int_equal(store_failure_sample(f->st, g.last_id, &sample, &e),
	    DW_ENOTFOUND);
	assert_non_null(strstr(e.msg, "without a sample"));
	assert_int_equal(store_failure_sample(f->st, 999, &sample, &e),
	    DW_ENOTFOUND);
	assert_non_null(strstr(e.msg, "no failure report 999"));
	/* the same report again, as another unit, is a duplicate */
	assert_false(put(f, "b.eml", r, STORE_EVIDENCE_WITHHELD, NULL));
	assert_int_equal(q_int(f, "SELECT count(*) FROM failure_reports"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM raw_inputs"), 1);
	json_decref(got);
	json_decref(want);
	buf_fini(&sample);
	buf_fini(&raw);
}

static void
test_withheld_refuses_raw(void **state)
{
	struct fx *f = *state;
	uint8_t sha[32] = { 1 };
	struct dw_error e;
	bool dup;

	assert_int_equal(store_unit_begin(f->st, "x", sha, 3, &dup, &e),
	    DW_OK);
	assert_int_equal(store_unit_evidence(f->st, STORE_EVIDENCE_WITHHELD,
	    &e), DW_OK);
	assert_int_equal(store_unit_raw(f->st, "abc", 3, &e), DW_EINVAL);
	assert_non_null(strstr(e.msg, "withheld"));
	assert_int_equal(store_unit_end(f->st, false, &e), DW_OK);
	/* the evidence is said before the bytes, never after */
	sha[0] = 2;
	assert_int_equal(store_unit_begin(f->st, "y", sha, 3, &dup, &e),
	    DW_OK);
	assert_int_equal(store_unit_raw(f->st, "abc", 3, &e), DW_OK);
	assert_int_equal(store_unit_evidence(f->st, STORE_EVIDENCE_SEALED,
	    &e), DW_EINVAL);
	assert_int_equal(store_unit_end(f->st, false, &e), DW_OK);
	/* outside a unit nothing is stored */
	assert_int_equal(store_unit_evidence(f->st, STORE_EVIDENCE_SEALED,
	    &e), DW_EINVAL);
	assert_int_equal(q_int(f, "SELECT count(*) FROM raw_inputs"), 0);
}

static void
test_sealed(void **state)
{
	struct fx *f = *state;
	const struct failure_report *r;
	uint8_t pk[SEAL_KEY_BYTES], sk[SEAL_KEY_BYTES];
	struct buf raw, box, back, plain;
	struct dw_error e;
	struct got g;

	r = fixture(f, "text-form.eml", &raw);
	assert_int_equal(seal_keygen(pk, sk), DW_OK);
	buf_init(&box, FILE_MAX);
	assert_int_equal(seal_box(pk, raw.data, raw.len, &box, &e), DW_OK);
	assert_true(put(f, "t.eml", r, STORE_EVIDENCE_SEALED, &box));
	json_decref(query(f, NULL, 0, 0, &g));
	assert_true(g.sample);
	assert_int_equal(q_int(f, "SELECT count(*) FROM raw_inputs WHERE "
	    "encoding = 'sealed-box'"), 1);
	buf_init(&back, FILE_MAX);
	assert_int_equal(store_failure_sample(f->st, g.last_id, &back, &e),
	    DW_OK);
	assert_int_equal(back.len, box.len);
	assert_memory_equal(back.data, box.data, box.len);
	buf_init(&plain, FILE_MAX);
	assert_int_equal(seal_open(sk, back.data, back.len, &plain, &e),
	    DW_OK);
	assert_int_equal(plain.len, raw.len);
	assert_memory_equal(plain.data, raw.data, raw.len);
	buf_fini(&raw);
	buf_fini(&box);
	buf_fini(&back);
	buf_fini(&plain);
}

static void
test_filter(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = {
		"arf-phi-subject.eml", "forwarded.eml", "nested-original.eml",
		"rfc822-headers.eml", "text-form.eml",
	};
	struct buf raw;
	struct got g;
	json_t *j;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_true(put(f, names[i], fixture(f, names[i], &raw),
		    STORE_EVIDENCE_WITHHELD, NULL));
		buf_fini(&raw);
	}
	j = query(f, NULL, 0, 0, &g);
	assert_int_equal(json_array_size(j), 5);
	json_decref(j);
	j = query(f, "clinic.example", 0, 0, &g);
	assert_int_equal(json_array_size(j), 5);
	json_decref(j);
	j = query(f, "other.example", 0, 0, &g);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	/* 2025-03-05 .. 2025-03-07: the text form and the forwarded one */
	j = query(f, NULL, 1741132800, 1741305600, &g);
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(j, 0), "form")), "text");
	json_decref(j);
}

/* Every byte of the database files, the way an attacker would grep. */
static void
check_files(struct fx *f)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char path[400], **phi = NULL, line[256];
	struct buf b;
	size_t n = 0, i, k, m, j;
	FILE *fp;
	int bad = 0;

	fp = fopen(DIR_FIX "/phi-strings.txt", "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		phi = realloc(phi, (n + 1) * sizeof(*phi));
		phi[n++] = strdup(line);
	}
	fclose(fp);
	for (k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s%s", f->db, sfx[k]);
		if (!dwtest_slurp(path, &b)) {
			buf_fini(&b);
			continue;
		}
		for (i = 0; i < n; i++) {
			m = strlen(phi[i]);
			for (j = 0; j + m <= b.len; j++)
				if (memcmp(b.data + j, phi[i], m) == 0) {
					printf("# %s holds %s\n", path, phi[i]);
					bad++;
					break;
				}
		}
		buf_fini(&b);
	}
	for (i = 0; i < n; i++)
		free(phi[i]);
	free(phi);
	assert_int_equal(bad, 0);
}

static void
test_no_phi_in_files(void **state)
{
	struct fx *f = *state;
	uint8_t pk[SEAL_KEY_BYTES], sk[SEAL_KEY_BYTES];
	struct failure_report *r;
	struct buf raw, box;
	struct dw_error e;
	char *ua;

	test_filter(state);
	/* and a sealed sample of a message full of PHI, as a new report */
	assert_true(dwtest_slurp(DIR_FIX "/arf-phi-subject.eml", &raw));
	ua = strstr(raw.data, "ExampleReceiver/2.1");
	assert_non_null(ua);
	ua[18] = '2';
	assert_int_equal(failure_parse(f->a, raw.data, raw.len, NULL, &r, &e),
	    DW_OK);
	assert_int_equal(seal_keygen(pk, sk), DW_OK);
	buf_init(&box, FILE_MAX);
	assert_int_equal(seal_box(pk, raw.data, raw.len, &box, &e), DW_OK);
	assert_true(put(f, "sealed.eml", r, STORE_EVIDENCE_SEALED, &box));
	check_files(f);
	buf_fini(&raw);
	buf_fini(&box);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_withheld_refuses_raw,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sealed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_phi_in_files, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
