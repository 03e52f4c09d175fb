/*
 * test_allocfail.c: the allocation-failure sweep (curl's torture mode).
 * Each parser runs over a sample input with its Nth allocation failing,
 * for every N until a run needs no more: every run must fail cleanly with
 * DW_ENOMEM (or succeed), never crash, and free everything it allocated.
 *
 * malloc and friends are replaced in this executable, so the sweep sees
 * every allocation of our code and of expat, zlib and libarchive.  Under
 * AddressSanitizer, which owns malloc itself, the sweep is skipped; the
 * plain build runs it.  MIME is not swept: glib aborts on a failed
 * allocation by design, so gmime cannot fail gracefully.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "dwtest.h"

#include "base/buf.h"
#include "report/agg_xml.h"
#include "report/rd.h"
#include "report/unpack.h"

#if defined(__SANITIZE_ADDRESS__)
#define SWEEP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SWEEP 0
#endif
#endif
#ifndef SWEEP
#define SWEEP 1
#endif

#if SWEEP
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static long fail_at = -1;	/* fail the allocation with this index */
static long nalloc;		/* allocations since the window opened */
static long live;		/* allocated minus freed in the window */
static bool window;

static bool
should_fail(void)
{
	if (!window)
		return false;
	return nalloc++ == fail_at;
}

void *malloc(size_t n);
void *calloc(size_t a, size_t b);
void *realloc(void *p, size_t n);
void free(void *p);

void *
malloc(size_t n)
{
	void *p;

	if (should_fail())
		return NULL;
	p = __libc_malloc(n);
	if (p != NULL && window)
		live++;
	return p;
}

void *
calloc(size_t a, size_t b)
{
	void *p;

	if (should_fail())
		return NULL;
	p = __libc_calloc(a, b);
	if (p != NULL && window)
		live++;
	return p;
}

void *
realloc(void *p, size_t n)
{
	void *q;

	if (should_fail())
		return NULL;
	q = __libc_realloc(p, n);
	if (p == NULL && q != NULL && window)
		live++;
	return q;
}

void
free(void *p)
{
	if (p != NULL && window)
		live--;
	__libc_free(p);
}

static const char sample[] =
    "<?xml version=\"1.0\"?>\n"
    "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">"
    "<report_metadata><org_name>sweep.example</org_name>"
    "<email>d@sweep.example</email><report_id>sw-1</report_id>"
    "<date_range><begin>1700000000</begin><end>1700086399</end>"
    "</date_range><error>one</error></report_metadata>"
    "<policy_published><domain>example.org</domain><p>reject</p>"
    "<np>none</np></policy_published>"
    "<record><row><source_ip>2001:db8::1</source_ip><count>3</count>"
    "<policy_evaluated><disposition>none</disposition><dkim>pass</dkim>"
    "<spf>fail</spf><reason><type>forwarded</type><comment>x</comment>"
    "</reason></policy_evaluated></row><identifiers>"
    "<header_from>example.org</header_from></identifiers><auth_results>"
    "<dkim><domain>example.org</domain><selector>s</selector>"
    "<result>pass</result></dkim><dkim><domain>b.example</domain>"
    "<result>fail</result></dkim><spf><domain>example.org</domain>"
    "<result>fail</result></spf></auth_results></record>"
    "<record><row><source_ip>192.0.2.1</source_ip><count>1</count>"
    "<policy_evaluated><disposition>none</disposition><dkim>pass</dkim>"
    "<spf>pass</spf></policy_evaluated></row><identifiers>"
    "<header_from>example.org</header_from></identifiers><auth_results>"
    "<spf><domain>example.org</domain><result>pass</result></spf>"
    "</auth_results></record></feedback>\n";

static enum dw_err
nop_report(void *ctx, const struct agg_report *r)
{
	(void)ctx;
	(void)r;
	return DW_OK;
}

static enum dw_err
count_record(void *ctx, const struct agg_record *rec)
{
	(void)rec;
	(*(int *)ctx)++;
	return DW_OK;
}

/* One parse in three pieces; the result code. */
static enum dw_err
parse_sample(int *nrec)
{
	struct agg_sink sink = { nrec, nop_report, count_record };
	struct agg_xml *p;
	struct dw_error e;
	size_t n = sizeof(sample) - 1, a = n / 3;
	enum dw_err err;

	*nrec = 0;
	p = agg_xml_new(&sink);
	if (p == NULL)
		return DW_ENOMEM;
	err = agg_xml_feed(p, sample, a, false, &e);
	if (err == DW_OK)
		err = agg_xml_feed(p, sample + a, n - a, false, &e);
	if (err == DW_OK)
		err = agg_xml_feed(p, NULL, 0, true, &e);
	agg_xml_free(p);
	return err;
}

struct drain {
	int	 docs;
	size_t	 bytes;
};

static enum dw_err
drain_doc(void *ctx, const struct doc *d, struct dw_error *e)
{
	struct drain *dr = ctx;
	char b[4096];
	size_t got;
	enum dw_err err;

	dr->docs++;
	do {
		err = rd_read(d->rd, b, sizeof(b), &got, e);
		dr->bytes += got;
	} while (err == DW_OK && got > 0);
	return err;
}

static enum dw_err
unpack_gz(const unsigned char *gz, size_t n, struct drain *dr)
{
	struct unpack_limits lim;
	struct dw_error e;
	struct rd *rd;
	enum dw_err err;

	memset(dr, 0, sizeof(*dr));
	unpack_limits_default(&lim);
	rd = rd_mem_new(gz, n);
	if (rd == NULL)
		return DW_ENOMEM;
	err = unpack(rd, "sweep.xml.gz", &lim, drain_doc, dr, &e);
	rd_free(rd);
	return err;
}

typedef enum dw_err (*sweep_fn)(void *arg);

static void
sweep(sweep_fn fn, void *arg, const char *what)
{
	enum dw_err err;
	long n;

	for (n = 0; n < 100000; n++) {
		fail_at = n;
		nalloc = 0;
		live = 0;
		window = true;
		err = fn(arg);
		window = false;
		if (live != 0)
			fail_msg("%s: %ld allocations leaked when allocation "
			    "%ld failed", what, live, n);
		if (nalloc <= n) {	/* nothing failed: a clean run */
			assert_int_equal(err, DW_OK);
			return;
		}
		if (err != DW_ENOMEM)
			fail_msg("%s: allocation %ld failed but the result "
			    "was \"%s\", not out of memory", what, n,
			    dw_strerror(err));
	}
	fail_msg("%s: sweep did not finish", what);
}

static enum dw_err
run_parse(void *arg)
{
	int nrec;
	enum dw_err err = parse_sample(&nrec);

	(void)arg;
	if (err == DW_OK && nrec != 2)
		return DW_ESYNTAX;
	return err;
}

struct gzarg {
	unsigned char	*gz;
	size_t		 n;
};

static enum dw_err
run_unpack(void *arg)
{
	struct gzarg *g = arg;
	struct drain dr;

	return unpack_gz(g->gz, g->n, &dr);
}
#endif

static void
sweep_agg_xml(void **state)
{
	(void)state;
#if SWEEP
	sweep(run_parse, NULL, "agg_xml");
#else
	skip();
#endif
}

static void
sweep_unpack_gzip(void **state)
{
	(void)state;
#if SWEEP
	struct gzarg g;
	uLongf n = compressBound(sizeof(sample)) + 64;
	z_stream zs;

	g.gz = __libc_malloc(n);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)sample;
	zs.avail_in = sizeof(sample) - 1;
	zs.next_out = g.gz;
	zs.avail_out = (uInt)n;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	g.n = zs.total_out;
	deflateEnd(&zs);
	sweep(run_unpack, &g, "unpack gzip");
	__libc_free(g.gz);
#else
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sweep_agg_xml),
		cmocka_unit_test(sweep_unpack_gzip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
