/*
 * test_allocfail.c: the allocation-failure sweep (allocfail.h) over the
 * report side: the aggregate XML parser, its repairs, the unpacking layer
 * (the dispatcher, gzip, zip, the mbox splitter) and the IMAP responses
 * the fetcher reads.  Every run must fail cleanly with DW_ENOMEM (or
 * succeed), never crash, and free everything it allocated.
 *
 * MIME is not swept: gmime allocates through glib, which aborts the
 * process on a failed allocation by design, so no MIME input (nor an mbox
 * through unpack(), whose messages are MIME) can fail gracefully.  Nor
 * are the failure report parser and the PHI redactor, which are built on
 * gmime and glib's Unicode functions.  Those tests are listed as skipped
 * with the reason.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "allocfail.h"

#include "base/buf.h"
#include "fetch/imap_resp.h"
#include "report/agg_xml.h"
#include "report/rd.h"
#include "report/unpack.h"

#define MIME_NOT_SWEPT \
	"gmime allocates through glib, which aborts on a failed allocation"
#define FAILURE_NOT_SWEPT \
	"the failure report parser and the PHI redactor use gmime and " \
	"glib, which abort on a failed allocation"

/* What libarchive prints before it ends the process on some failed
 * allocations (copying an entry's name, growing its strings). */
#define LIBARCHIVE_EXITS	"Fatal Internal Error in libarchive"

#if ALLOCFAIL
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

/* The sample parsed in three pieces: both records or out of memory. */
static enum dw_err
run_agg_xml(void *arg)
{
	int nrec = 0;
	struct agg_sink sink = { &nrec, nop_report, count_record };
	struct agg_xml *p;
	struct dw_error e;
	size_t n = sizeof(sample) - 1, a = n / 3;
	enum dw_err err;

	(void)arg;
	p = agg_xml_new(&sink);
	if (p == NULL)
		return DW_ENOMEM;
	err = agg_xml_feed(p, sample, a, false, &e);
	if (err == DW_OK)
		err = agg_xml_feed(p, sample + a, n - a, false, &e);
	if (err == DW_OK)
		err = agg_xml_feed(p, NULL, 0, true, &e);
	agg_xml_free(p);
	if (err == DW_OK && nrec != 2)
		return DW_ESYNTAX;
	return err;
}

/* All three repairs at once: a wrapper, a stray '<', a cp1252 byte. */
static const char broken[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
    "<feedback><report_metadata><org_name>Caf\xe9 Mail</org_name>"
    "<email><bad-xml@sweep.example></email><report_id>r1</report_id>"
    "<date_range><begin>1</begin><end>2</end></date_range>"
    "</report_metadata><policy_published><domain>example.org</domain>"
    "</policy_published></feedback>\n";

static enum dw_err
run_agg_repair(void *arg)
{
	struct buf out;
	char note[256];
	enum dw_err err;

	(void)arg;
	buf_init(&out, AGG_REPAIR_MAX * 2);
	err = agg_repair(broken, sizeof(broken) - 1, &out, note,
	    sizeof(note));
	if (err == DW_OK && (strstr(note, "wrapper") == NULL ||
	    strstr(note, "Windows-1252") == NULL ||
	    strstr(out.data, "&lt;bad-xml") == NULL))
		err = DW_ESYNTAX;
	buf_fini(&out);
	return err;
}

/* Containers for the unpack sweeps, built unobserved before them. */
struct input {
	const char	*name;
	void		*p;
	size_t		 n;
	int		 want_docs;
	size_t		 want_bytes;	/* of all documents */
};

struct drained {
	int		 docs;
	size_t		 bytes;
};

static void
make_gzip(const void *p, size_t n, struct input *in)
{
	uLong cap = compressBound((uLong)n) + 64;
	z_stream zs;

	in->p = allocfail_outside(cap);
	assert_non_null(in->p);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)p;
	zs.avail_in = (uInt)n;
	zs.next_out = in->p;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	in->n = zs.total_out;
	deflateEnd(&zs);
}

static void
zip_member(struct archive *a, const char *name, const void *p, size_t n)
{
	struct archive_entry *ent = archive_entry_new();
	bool dir = name[strlen(name) - 1] == '/';

	archive_entry_set_pathname(ent, name);
	archive_entry_set_filetype(ent, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(ent, dir ? 0755 : 0644);
	archive_entry_set_size(ent, dir ? 0 : (la_int64_t)n);
	assert_int_equal(archive_write_header(a, ent), ARCHIVE_OK);
	if (!dir)
		assert_int_equal(archive_write_data(a, p, n), (la_ssize_t)n);
	archive_entry_free(ent);
}

/*
 * A zip holding the sample (deflated), a directory, a text file (no
 * report: listed, skipped) and the sample gzipped (zip > gzip > XML).
 */
static void
make_zip(struct input *in)
{
	static const char text[] = "Please find the report attached.\n";
	struct input gz;
	struct archive *a = archive_write_new();
	size_t cap = 4 * sizeof(sample) + 4096, used = 0;

	make_gzip(sample, sizeof(sample) - 1, &gz);
	in->p = allocfail_outside(cap);
	assert_non_null(in->p);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_set_bytes_in_last_block(a, 1),
	    ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, in->p, cap, &used),
	    ARCHIVE_OK);
	zip_member(a, "report.xml", sample, sizeof(sample) - 1);
	zip_member(a, "notes/", NULL, 0);
	zip_member(a, "notes/readme.txt", text, sizeof(text) - 1);
	zip_member(a, "second.xml.gz", gz.p, gz.n);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	allocfail_outside_free(gz.p);
	in->n = used;
}

static enum dw_err
drain_doc(void *ctx, const struct doc *d, struct dw_error *e)
{
	struct drained *dr = ctx;
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

/* unpack() over one input: every document drained, or out of memory. */
static enum dw_err
run_unpack(void *arg)
{
	const struct input *in = arg;
	struct unpack_limits lim;
	struct dw_error e;
	struct rd *rd;
	struct drained dr = { 0, 0 };
	enum dw_err err;

	unpack_limits_default(&lim);
	rd = rd_mem_new(in->p, in->n);
	if (rd == NULL)
		return DW_ENOMEM;
	err = unpack(rd, in->name, &lim, drain_doc, &dr, &e);
	rd_free(rd);
	if (err == DW_OK && (dr.docs != in->want_docs ||
	    dr.bytes != in->want_bytes))
		err = DW_ESYNTAX;
	return err;
}

/*
 * Three messages: a ">From " line to unescape, an ">>From " that keeps
 * one '>', a message over the size limit passed on as such, CRLF lines.
 */
static const char mbox[] =
    "From a@sweep.example Mon Jan  1 00:00:00 2024\n"
    "Subject: one\n\n>From here on\nbody\n\n"
    "From b@sweep.example Mon Jan  1 00:00:01 2024\n"
    "Subject: two\n\n>>From there\n\n"
    "From c@sweep.example Mon Jan  1 00:00:02 2024\r\n"
    "Subject: three, far too long for the limit of this sweep\r\n\r\n"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
    "\r\n"
    "From d@sweep.example Mon Jan  1 00:00:03 2024\n"
    "Subject: four\n\nlast\n";
#define MBOX_SWEEP_MAX	80	/* bytes of one message */

struct msgs {
	int	 ok, over;
	size_t	 bytes;
};

static enum dw_err
on_msg(void *ctx, const char *msg, size_t len, uint64_t index,
    const struct dw_error *msgerr)
{
	struct msgs *m = ctx;

	(void)index;
	if (msg == NULL && msgerr->code == DW_ELIMIT)
		m->over++;
	else if (msg == NULL)
		return msgerr->code;
	else
		m->ok++;
	m->bytes += len;
	return DW_OK;
}

static enum dw_err
run_mbox(void *arg)
{
	struct msgs m = { 0, 0, 0 };
	struct dw_error e;
	struct rd *rd;
	enum dw_err err;

	(void)arg;
	rd = rd_mem_new(mbox, sizeof(mbox) - 1);
	if (rd == NULL)
		return DW_ENOMEM;
	err = mbox_each(rd, MBOX_SWEEP_MAX, on_msg, &m, &e);
	rd_free(rd);
	if (err == DW_OK && (m.ok != 3 || m.over != 1))
		err = DW_ESYNTAX;
	return err;
}

/*
 * SEARCH lines with 400 UIDs (the array grows from 64 to 512), 100 of
 * them repeated, a MODSEQ extension; a STATUS line.  glibc's qsort()
 * absorbs the failure of its scratch buffer.
 */
static char imap[4096];
static size_t imap_len;

static void
make_imap(void)
{
	size_t i;
	int n;

	n = snprintf(imap, sizeof(imap), "* SEARCH");
	for (i = 300; i > 0; i--)
		n += snprintf(imap + n, sizeof(imap) - (size_t)n, " %zu%s",
		    i, i == 151 ? "\r\n* SEARCH" : "");
	n += snprintf(imap + n, sizeof(imap) - (size_t)n, "\r\n* SEARCH");
	for (i = 1; i <= 100; i++)
		n += snprintf(imap + n, sizeof(imap) - (size_t)n, " %zu", i);
	n += snprintf(imap + n, sizeof(imap) - (size_t)n, " (MODSEQ 9)\r\n"
	    "* STATUS \"INBOX\" (UIDVALIDITY 7 UIDNEXT 301 MESSAGES 300)\r\n"
	    "A1 OK done\r\n");
	assert_true(n > 0 && (size_t)n < sizeof(imap));
	imap_len = (size_t)n;
}

static enum dw_err
run_imap(void *arg)
{
	struct imap_status st;
	uint32_t *uids;
	size_t n, i;
	bool sorted = true;
	enum dw_err err;

	(void)arg;
	err = imap_parse_search(imap, imap_len, &uids, &n, NULL);
	if (err != DW_OK)
		return err;
	for (i = 0; i < n; i++)
		sorted = sorted && uids[i] == i + 1;
	free(uids);
	err = imap_parse_status(imap, imap_len, &st, NULL);
	if (err == DW_OK && (n != 300 || !sorted || st.uidnext != 301 ||
	    st.messages != 300))
		err = DW_ESYNTAX;
	return err;
}
#endif

static void
sweep_agg_xml(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_agg_xml, NULL, "agg_xml") > 10);
#else
	skip();
#endif
}

static void
sweep_agg_repair(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_agg_repair, NULL, "agg_repair") > 0);
#else
	skip();
#endif
}

static void
sweep_unpack_xml(void **state)
{
	(void)state;
#if ALLOCFAIL
	struct input in = { "sweep.xml", (void *)sample, sizeof(sample) - 1,
	    1, sizeof(sample) - 1 };

	assert_true(allocfail_sweep(run_unpack, &in, "unpack xml") > 0);
#else
	skip();
#endif
}

static void
sweep_unpack_json(void **state)
{
	(void)state;
#if ALLOCFAIL
	static const char json[] = "{ \"organization-name\": \"sweep\" }\n";
	struct input in = { "sweep.json", (void *)json, sizeof(json) - 1, 1,
	    sizeof(json) - 1 };

	assert_true(allocfail_sweep(run_unpack, &in, "unpack json") > 0);
#else
	skip();
#endif
}

static void
sweep_unpack_gzip(void **state)
{
	(void)state;
#if ALLOCFAIL
	struct input in = { "sweep.xml.gz", NULL, 0, 1, sizeof(sample) - 1 };

	make_gzip(sample, sizeof(sample) - 1, &in);
	assert_true(allocfail_sweep(run_unpack, &in, "unpack gzip") > 1);
	allocfail_outside_free(in.p);
#else
	skip();
#endif
}

static void
sweep_unpack_zip(void **state)
{
	(void)state;
#if ALLOCFAIL
	struct input in = { "sweep.zip", NULL, 0, 2,
	    2 * (sizeof(sample) - 1) };

	make_zip(&in);
	assert_true(allocfail_sweep_exits(run_unpack, &in, "unpack zip",
	    LIBARCHIVE_EXITS) > 2);
	allocfail_outside_free(in.p);
#else
	skip();
#endif
}

static void
sweep_mbox(void **state)
{
	(void)state;
#if ALLOCFAIL
	assert_true(allocfail_sweep(run_mbox, NULL, "mbox") > 0);
#else
	skip();
#endif
}

static void
sweep_imap_resp(void **state)
{
	(void)state;
#if ALLOCFAIL
	make_imap();
	assert_true(allocfail_sweep(run_imap, NULL, "imap_resp") >= 4);
#else
	skip();
#endif
}

static void
sweep_mime(void **state)
{
	(void)state;
	printf("# MIME is not swept: %s\n", MIME_NOT_SWEPT);
	skip();
}

static void
sweep_failure(void **state)
{
	(void)state;
	printf("# failure reports are not swept: %s\n", FAILURE_NOT_SWEPT);
	skip();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ALLOCFAIL_TEST(sweep_agg_xml),
		ALLOCFAIL_TEST(sweep_agg_repair),
		ALLOCFAIL_TEST(sweep_unpack_xml),
		ALLOCFAIL_TEST(sweep_unpack_json),
		ALLOCFAIL_TEST(sweep_unpack_gzip),
		ALLOCFAIL_TEST(sweep_unpack_zip),
		ALLOCFAIL_TEST(sweep_mbox),
		ALLOCFAIL_TEST(sweep_imap_resp),
		ALLOCFAIL_SKIP_TEST(sweep_mime, MIME_NOT_SWEPT),
		ALLOCFAIL_SKIP_TEST(sweep_failure, FAILURE_NOT_SWEPT),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
