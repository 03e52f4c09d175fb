/*
 * fuzz_agg_xml.c: the aggregate report parser on one fuzzed document, fed
 * in two pieces split at a point taken from the data, then fed again
 * whole: both must agree.  A document that fails goes through
 * agg_repair() and, when repaired, is parsed once more, as ingest does.
 * Every record is also dumped as JSON, so each string the parser hands
 * out is read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "report/agg_dump.h"
#include "report/agg_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct buf	 json;
	uint64_t	 records;
};

static enum dw_err
f_report(void *ctx, const struct agg_report *r)
{
	struct fz *f = ctx;

	buf_reset(&f->json);
	return agg_report_json(r, &f->json);
}

static enum dw_err
f_record(void *ctx, const struct agg_record *rec)
{
	struct fz *f = ctx;

	f->records++;
	buf_reset(&f->json);
	return agg_record_json(rec, &f->json);
}

static enum dw_err
run(const char *d, size_t n, size_t cut, uint64_t *records)
{
	struct fz f;
	struct agg_sink sink = { &f, f_report, f_record };
	struct agg_xml *p;
	struct dw_error e;
	struct agg_stats st;
	enum dw_err err;

	memset(&f, 0, sizeof(f));
	buf_init(&f.json, 1 << 24);
	p = agg_xml_new(&sink);
	if (p == NULL)
		abort();
	err = agg_xml_feed(p, d, cut, cut == n, &e);
	if (err == DW_OK && cut < n)
		err = agg_xml_feed(p, d + cut, n - cut, true, &e);
	if (err == DW_OK) {
		agg_xml_stats(p, &st);
		if (st.records != f.records)
			abort();
	}
	*records = f.records;
	agg_xml_free(p);
	buf_fini(&f.json);
	return err;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	struct buf fixed;
	char note[256];
	size_t cut = size > 0 ? (data[0] * 257u + data[size - 1]) % (size + 1)
	    : 0;
	uint64_t r1, r2;
	enum dw_err e1, e2;

	e1 = run(d, size, cut, &r1);
	e2 = run(d, size, size, &r2);
	if (e1 != e2 || (e1 == DW_OK && r1 != r2))
		abort();
	if (e1 == DW_OK || e1 == DW_ENOMEM)
		return 0;
	buf_init(&fixed, AGG_REPAIR_MAX * 2);
	if (agg_repair(d, size, &fixed, note, sizeof(note)) == DW_OK)
		(void)run(fixed.data, fixed.len, fixed.len / 2, &r1);
	buf_fini(&fixed);
	return 0;
}
