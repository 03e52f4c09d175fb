/*
 * test_unpack.c: the unpacking layer (ADVERSARIAL.md section B): sniffing,
 * gzip, zip, MIME and mbox, their caps and their errors.  Binary inputs
 * are built here with zlib and libarchive; text messages live in
 * tests/data/unpack/.  The shared report corpus runs when present.
 */
#include <dirent.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "dwtest.h"

#include "base/buf.h"
#include "report/unpack.h"

#define BIG	((size_t)256 << 20)
#define DATA	"tests/data/unpack/"

static const char xml[] = "<?xml version=\"1.0\"?><feedback><report_metadata>"
    "<org_name>t</org_name></report_metadata></feedback>\n";

struct got {
	int		 docs;
	int		 kinds[3];
	char		 names[8][256];
	size_t		 bytes[8];
	char		 head[8][16];
	int		 drain;		/* read each document to its end */
};

static enum dw_err
collect(void *ctx, const struct doc *d, struct dw_error *e)
{
	struct got *g = ctx;
	char b[65536];
	size_t got, total = 0;
	enum dw_err err = DW_OK;
	int i = g->docs < 8 ? g->docs : 7;

	g->docs++;
	g->kinds[d->kind]++;
	snprintf(g->names[i], sizeof(g->names[i]), "%s", d->name);
	g->head[i][0] = '\0';
	if (!g->drain)
		return DW_OK;
	do {
		err = rd_read(d->rd, b, sizeof(b), &got, e);
		if (err == DW_OK && total == 0 && got > 0)
			snprintf(g->head[i], sizeof(g->head[i]), "%.*s",
			    (int)(got < 15 ? got : 15), b);
		total += got;
	} while (err == DW_OK && got > 0);
	g->bytes[i] = total;
	return err;
}

static enum dw_err
run_lim(const void *p, size_t n, const struct unpack_limits *lim,
    struct got *g, struct dw_error *e)
{
	struct rd *rd = rd_mem_new(p, n);
	enum dw_err err;

	memset(g, 0, sizeof(*g));
	g->drain = 1;
	dw_error_clear(e);
	assert_non_null(rd);
	err = unpack(rd, "in", lim, collect, g, e);
	rd_free(rd);
	return err;
}

static enum dw_err
run(const void *p, size_t n, struct got *g, struct dw_error *e)
{
	return run_lim(p, n, NULL, g, e);
}

static void
small_limits(struct unpack_limits *lim)
{
	unpack_limits_default(lim);
	lim->max_size = 4 << 20;
}

/* gzip of p[0..n) into b (level 0..9). */
static void
gz(const void *p, size_t n, int level, struct buf *b)
{
	z_stream zs;
	char out[65536];
	int ret;

	buf_init(b, BIG);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS,
	    8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)p;
	zs.avail_in = (uInt)n;
	do {
		zs.next_out = (Bytef *)out;
		zs.avail_out = sizeof(out);
		ret = deflate(&zs, Z_FINISH);
		assert_true(ret == Z_OK || ret == Z_STREAM_END);
		assert_int_equal(buf_append(b, out, sizeof(out) -
		    zs.avail_out), DW_OK);
	} while (ret != Z_STREAM_END);
	deflateEnd(&zs);
}

static void
gz_again(struct buf *b)
{
	struct buf t;

	gz(b->data, b->len, 6, &t);
	buf_fini(b);
	*b = t;
}

/* A zip writer into a buf, through libarchive. */
static la_ssize_t
zw_write(struct archive *a, void *ctx, const void *p, size_t n)
{
	(void)a;
	if (buf_append(ctx, p, n) != DW_OK)
		return -1;
	return (la_ssize_t)n;
}

static struct archive *
zip_open_pw(struct buf *b, const char *opts, const char *pw)
{
	struct archive *a = archive_write_new();

	buf_init(b, BIG);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	if ((opts != NULL && archive_write_set_options(a, opts) !=
	    ARCHIVE_OK) || (pw != NULL && archive_write_set_passphrase(a,
	    pw) != ARCHIVE_OK)) {
		archive_write_free(a);
		buf_fini(b);
		return NULL;
	}
	assert_int_equal(archive_write_set_bytes_in_last_block(a, 1),
	    ARCHIVE_OK);
	assert_int_equal(archive_write_open(a, b, NULL, zw_write, NULL),
	    ARCHIVE_OK);
	return a;
}

static struct archive *
zip_open(struct buf *b, const char *opts)
{
	return zip_open_pw(b, opts, NULL);
}

static void
zip_add(struct archive *a, const char *name, const void *p, size_t n)
{
	struct archive_entry *ent = archive_entry_new();
	size_t len = strlen(name);

	archive_entry_set_pathname(ent, name);
	if (len > 0 && name[len - 1] == '/') {
		archive_entry_set_filetype(ent, AE_IFDIR);
		archive_entry_set_perm(ent, 0755);
		n = 0;
	} else {
		archive_entry_set_filetype(ent, AE_IFREG);
		archive_entry_set_perm(ent, 0644);
	}
	archive_entry_set_size(ent, (la_int64_t)n);
	assert_int_equal(archive_write_header(a, ent), ARCHIVE_OK);
	if (n > 0)
		assert_int_equal(archive_write_data(a, p, n), (la_ssize_t)n);
	archive_entry_free(ent);
}

static void
zip_close(struct archive *a)
{
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void
zip1(const char *name, const void *p, size_t n, struct buf *b)
{
	struct archive *a = zip_open(b, NULL);

	zip_add(a, name, p, n);
	zip_close(a);
}

static void
expect_err(enum dw_err got, enum dw_err want, const struct dw_error *e,
    const char *part)
{
	if (got != want || strstr(e->msg, part) == NULL)
		fail_msg("got %s \"%s\", want %s with \"%s\"",
		    dw_strerror(got), got == DW_OK ? "" : e->msg,
		    dw_strerror(want), part);
}

static char *
slurp_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[65536];
	size_t k;

	if (f == NULL)
		return NULL;
	buf_init(&b, BIG);
	while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		assert_int_equal(buf_append(&b, tmp, k), DW_OK);
	fclose(f);
	if (b.data == NULL)
		assert_int_equal(buf_append(&b, "", 0), DW_OK);
	return buf_steal(&b, n);
}

static enum dw_err
run_file(const char *path, struct got *g, struct dw_error *e)
{
	size_t n;
	char *p = slurp_file(path, &n);
	enum dw_err err;

	if (p == NULL)
		fail_msg("cannot read %s", path);
	err = run(p, n, g, e);
	free(p);
	return err;
}

/* ---- readers and sniffing ---------------------------------------- */

static void
rd_slurp_caps(void **state)
{
	char src[100];
	struct dw_error e;
	struct buf b;
	struct rd *rd;

	(void)state;
	memset(src, 'x', sizeof(src));
	rd = rd_mem_new(src, sizeof(src));
	buf_init(&b, 99);
	assert_int_equal(rd_slurp(rd, &b, &e), DW_ELIMIT);
	assert_non_null(strstr(e.msg, "limit"));
	buf_fini(&b);
	rd_free(rd);
	rd = rd_mem_new(src, sizeof(src));
	buf_init(&b, 100);
	assert_int_equal(rd_slurp(rd, &b, &e), DW_OK);
	assert_int_equal(b.len, 100);
	buf_fini(&b);
	rd_free(rd);
	rd_free(NULL);
}

static void
rd_peek_keeps_bytes(void **state)
{
	const char *s = "0123456789abcdef";
	struct dw_error e;
	struct buf b;
	struct rd *m, *pk;
	const void *p;
	size_t n;

	(void)state;
	m = rd_mem_new(s, strlen(s));
	pk = rd_peek_new(m);
	assert_int_equal(rd_peek(pk, 4, &p, &n, &e), DW_OK);
	assert_int_equal(n, 4);
	assert_memory_equal(p, "0123", 4);
	assert_int_equal(rd_peek(pk, 100, &p, &n, &e), DW_OK);
	assert_int_equal(n, 16);
	buf_init(&b, 1000);
	assert_int_equal(rd_slurp(pk, &b, &e), DW_OK);
	assert_string_equal(buf_str(&b), s);
	buf_fini(&b);
	rd_free(pk);
	rd_free(m);
}

static void
sniff_magic(void **state)
{
	static const struct {
		const char	*in;
		size_t		 n;
		enum sniff	 want;
	} t[] = {
		{ "", 0, SNIFF_EMPTY },
		{ " \r\n\t", 4, SNIFF_EMPTY },
		{ "<?xml version", 13, SNIFF_XML },
		{ "\xef\xbb\xbf<?xml", 8, SNIFF_XML },
		{ "\xff\xfe<\0?\0", 6, SNIFF_XML },
		{ "\xfe\xff\0<\0?", 6, SNIFF_XML },
		{ "\n  <feedback>", 13, SNIFF_XML },
		{ "<!-- c -->", 10, SNIFF_XML },
		{ "{\"organization-name\"", 20, SNIFF_JSON },
		{ " {\n \"a\"", 8, SNIFF_JSON },
		{ "[{\"organization-name\":", 22, SNIFF_JSON },
		{ "[ ]", 3, SNIFF_JSON },
		{ "[1, 2]", 6, SNIFF_UNKNOWN },
		{ "\x1f\x8b\x08", 3, SNIFF_GZIP },
		{ "PK\3\4", 4, SNIFF_ZIP },
		{ "PK\5\6", 4, SNIFF_ZIP },
		{ "From a@b Mon", 12, SNIFF_MBOX },
		{ "From: a@b", 9, SNIFF_MESSAGE },
		{ "X-Header: 1", 11, SNIFF_MESSAGE },
		{ "<html><body>", 12, SNIFF_UNKNOWN },
		{ "<!DOCTYPE html>", 15, SNIFF_UNKNOWN },
		{ "%PDF-1.4", 8, SNIFF_UNKNOWN },
		{ "{not json", 9, SNIFF_UNKNOWN },
		{ "hello world", 11, SNIFF_UNKNOWN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (unpack_sniff(t[i].in, t[i].n) != t[i].want)
			fail_msg("case %zu (%s): got %d, want %d", i, t[i].in,
			    unpack_sniff(t[i].in, t[i].n), t[i].want);
}

static void
not_reports_named(void **state)
{
	static const struct {
		const char	*in;
		size_t		 n;
		const char	*what;
	} t[] = {
		{ "", 0, "empty input" },
		{ "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15, "PDF document" },
		{ "\x89PNG\r\n\x1a\n\0\0", 10, "PNG image" },
		{ "\x7f" "ELF\2\1\1\0\0\0", 10, "ELF executable" },
		{ "MZ\x90\0\3\0", 6, "Windows executable" },
		{ "BZh91AY&SY", 10, "bzip2 data" },
		{ "<html><body>x</body></html>", 27, "HTML document" },
		{ "just some words", 15, "unknown content" },
	};
	struct dw_error e;
	struct got g;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		expect_err(run(t[i].in, t[i].n, &g, &e), DW_ENOTREPORT, &e,
		    t[i].what);
		assert_int_equal(g.docs, 0);
	}
}

static void
plain_documents(void **state)
{
	static const char json[] = "{\"organization-name\": \"x\"}";
	static const char bom[] = "\xef\xbb\xbf<?xml version=\"1.0\"?><f/>";
	static const char u16[] = "\xff\xfe<\0?\0x\0m\0l\0";
	struct dw_error e;
	struct got g;

	(void)state;
	assert_int_equal(run(xml, sizeof(xml) - 1, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	assert_int_equal(g.kinds[DOC_XML], 1);
	assert_int_equal(g.bytes[0], sizeof(xml) - 1);
	assert_string_equal(g.names[0], "in");
	assert_int_equal(run(json, sizeof(json) - 1, &g, &e), DW_OK);
	assert_int_equal(g.kinds[DOC_JSON], 1);
	assert_int_equal(run(bom, sizeof(bom) - 1, &g, &e), DW_OK);
	assert_int_equal(g.kinds[DOC_XML], 1);
	assert_int_equal(g.bytes[0], sizeof(bom) - 1);
	assert_int_equal(run(u16, sizeof(u16) - 1, &g, &e), DW_OK);
	assert_int_equal(g.kinds[DOC_XML], 1);
}

static void
plain_document_capped(void **state)
{
	struct unpack_limits lim;
	struct dw_error e;
	struct got g;

	(void)state;
	unpack_limits_default(&lim);
	lim.max_size = sizeof(xml) - 1;
	assert_int_equal(run_lim(xml, sizeof(xml) - 1, &lim, &g, &e), DW_OK);
	lim.max_size = sizeof(xml) - 2;
	expect_err(run_lim(xml, sizeof(xml) - 1, &lim, &g, &e), DW_ELIMIT, &e,
	    "xml: document size over");
}

/* ---- gzip -------------------------------------------------------- */

/* An XML prefix followed by filler up to n bytes (filler 0: spaces). */
static char *
xml_of_size(size_t n, int random)
{
	char *p = malloc(n);
	uint32_t x = 12345;
	size_t i, k = sizeof(xml) - 2;

	assert_non_null(p);
	memcpy(p, xml, k < n ? k : n);
	for (i = k; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = random ? (char)('a' + (x >> 16) % 26) : ' ';
	}
	return p;
}

static void
gzip_basic_and_concatenated(void **state)
{
	struct dw_error e;
	struct buf a, b;
	struct got g;

	(void)state;
	gz(xml, sizeof(xml) - 1, 6, &a);
	assert_int_equal(run(a.data, a.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	assert_int_equal(g.bytes[0], sizeof(xml) - 1);
	assert_string_equal(g.names[0], "in");
	gz("  <!-- second member -->", 24, 6, &b);
	assert_int_equal(buf_append(&a, b.data, b.len), DW_OK);
	assert_int_equal(run(a.data, a.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	assert_int_equal(g.bytes[0], sizeof(xml) - 1 + 24);
	buf_fini(&a);
	buf_fini(&b);
}

static void
gzip_broken(void **state)
{
	struct dw_error e;
	struct buf a;
	struct got g;

	(void)state;
	gz(xml, sizeof(xml) - 1, 6, &a);
	/* truncated: no trailer, then cut inside the deflate data */
	expect_err(run(a.data, a.len - 8, &g, &e), DW_ESYNTAX, &e,
	    "gzip: truncated");
	expect_err(run(a.data, a.len - 20, &g, &e), DW_ESYNTAX, &e, "gzip");
	a.data[a.len - 8] ^= 0xff;
	expect_err(run(a.data, a.len, &g, &e), DW_ESYNTAX, &e,
	    "gzip: CRC mismatch");
	a.data[a.len - 8] ^= 0xff;
	a.data[a.len - 1] ^= 0x01;
	expect_err(run(a.data, a.len, &g, &e), DW_ESYNTAX, &e,
	    "gzip: length mismatch");
	a.data[a.len - 1] ^= 0x01;
	assert_int_equal(buf_append(&a, "junk", 4), DW_OK);
	expect_err(run(a.data, a.len, &g, &e), DW_ESYNTAX, &e,
	    "gzip: trailing garbage");
	a.data[10] ^= 0x55;
	a.len -= 4;
	assert_int_not_equal(run(a.data, a.len, &g, &e), DW_OK);
	buf_fini(&a);
}

static void
gzip_bomb_small_limit(void **state)
{
	struct unpack_limits lim;
	struct dw_error e;
	struct buf a;
	struct got g;
	char *p;

	(void)state;
	small_limits(&lim);
	/* stored blocks, ratio 1:1: the size cap alone */
	p = xml_of_size((4 << 20) + 1, 1);
	gz(p, (4 << 20) + 1, 0, &a);
	expect_err(run_lim(a.data, a.len, &lim, &g, &e), DW_ELIMIT, &e,
	    "gzip: decompressed size over 4 MiB limit");
	buf_fini(&a);
	gz(p, 4 << 20, 0, &a);
	assert_int_equal(run_lim(a.data, a.len, &lim, &g, &e), DW_OK);
	assert_int_equal(g.bytes[0], 4 << 20);
	buf_fini(&a);
	free(p);
}

static void
gzip_ratio_cap(void **state)
{
	struct unpack_limits lim;
	struct dw_error e;
	struct buf a;
	struct got g;
	char *p;

	(void)state;
	unpack_limits_default(&lim);
	/* spaces compress about 1000:1: refused once past the slack */
	p = xml_of_size(8 << 20, 0);
	gz(p, 8 << 20, 9, &a);
	expect_err(run_lim(a.data, a.len, &lim, &g, &e), DW_ELIMIT, &e,
	    "ratio limit");
	buf_fini(&a);
	/* NULs are no report, but the bomb is still named a bomb */
	memset(p, 0, 8 << 20);
	gz(p, 8 << 20, 9, &a);
	expect_err(run_lim(a.data, a.len, &lim, &g, &e), DW_ELIMIT, &e,
	    "ratio limit");
	buf_fini(&a);
	memset(p, ' ', 8 << 20);
	memcpy(p, xml, 10);
	/* under the slack the ratio does not apply */
	gz(p, UNPACK_RATIO_SLACK, 9, &a);
	assert_int_equal(run_lim(a.data, a.len, &lim, &g, &e), DW_OK);
	assert_int_equal(g.bytes[0], UNPACK_RATIO_SLACK);
	buf_fini(&a);
	free(p);
}

/* The default 64 MiB limit, exactly and one byte over. */
static void
gzip_default_limit_exact(void **state)
{
	struct dw_error e;
	struct buf a;
	struct got g;
	size_t n = (size_t)UNPACK_MAX_SIZE;
	char *p;

	(void)state;
	p = xml_of_size(n + 1, 1);
	gz(p, n, 0, &a);
	assert_int_equal(run(a.data, a.len, &g, &e), DW_OK);
	assert_int_equal(g.bytes[0], n);
	buf_fini(&a);
	gz(p, n + 1, 0, &a);
	expect_err(run(a.data, a.len, &g, &e), DW_ELIMIT, &e,
	    "gzip: decompressed size over 64 MiB limit");
	buf_fini(&a);
	free(p);
}

static void
gzip_layers(void **state)
{
	struct dw_error e;
	struct buf a;
	struct got g;

	(void)state;
	gz(xml, sizeof(xml) - 1, 6, &a);
	gz_again(&a);			/* .xml.gz.gz */
	assert_int_equal(run(a.data, a.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	assert_int_equal(g.bytes[0], sizeof(xml) - 1);
	gz_again(&a);			/* three layers: the limit */
	assert_int_equal(run(a.data, a.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	gz_again(&a);			/* four: over */
	expect_err(run(a.data, a.len, &g, &e), DW_ELIMIT, &e,
	    "3 layer limit");
	assert_int_equal(g.docs, 0);
	buf_fini(&a);
}

static void
gzip_zip_nesting(void **state)
{
	struct dw_error e;
	struct buf a, z;
	struct got g;

	(void)state;
	zip1("r.xml", xml, sizeof(xml) - 1, &z);	/* zip in gzip */
	gz(z.data, z.len, 6, &a);
	assert_int_equal(run(a.data, a.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	assert_string_equal(g.names[0], "in!r.xml");
	buf_fini(&a);
	buf_fini(&z);
	gz(xml, sizeof(xml) - 1, 6, &a);		/* gzip in zip */
	zip1("r.xml.gz", a.data, a.len, &z);
	assert_int_equal(run(z.data, z.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	assert_int_equal(g.bytes[0], sizeof(xml) - 1);
	assert_string_equal(g.names[0], "in!r.xml.gz");
	buf_fini(&a);
	buf_fini(&z);
}

static void
gzip_not_report(void **state)
{
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	struct dw_error e;
	struct buf a;
	struct got g;

	(void)state;
	gz(png, sizeof(png) - 1, 6, &a);
	expect_err(run(a.data, a.len, &g, &e), DW_ENOTREPORT, &e,
	    "gzip content: PNG image, not a report");
	buf_fini(&a);
	gz("", 0, 6, &a);
	expect_err(run(a.data, a.len, &g, &e), DW_ENOTREPORT, &e,
	    "gzip content: empty input");
	buf_fini(&a);
}

/* ---- zip --------------------------------------------------------- */

static void
zip_members_by_content(void **state)
{
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0";
	struct archive *a;
	struct dw_error e;
	struct buf z;
	struct got g;

	(void)state;
	a = zip_open(&z, NULL);
	zip_add(a, "readme.txt", xml, sizeof(xml) - 1);	/* name lies */
	zip_add(a, "logo.xml", png, sizeof(png) - 1);	/* so does this */
	zip_add(a, "b.json", "{\"a\": 1}", 8);
	zip_close(a);
	assert_int_equal(run(z.data, z.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 2);
	assert_int_equal(g.kinds[DOC_XML], 1);
	assert_int_equal(g.kinds[DOC_JSON], 1);
	assert_string_equal(g.names[0], "in!readme.txt");
	assert_int_equal(g.bytes[0], sizeof(xml) - 1);
	buf_fini(&z);
	zip1("r.xml", png, sizeof(png) - 1, &z);
	expect_err(run(z.data, z.len, &g, &e), DW_ENOTREPORT, &e,
	    "zip: no report in 1 members (r.xml: PNG image");
	buf_fini(&z);
	a = zip_open(&z, NULL);
	zip_add(a, "subfolder.xml/", NULL, 0);
	zip_close(a);
	expect_err(run(z.data, z.len, &g, &e), DW_ENOTREPORT, &e,
	    "only directories");
	buf_fini(&z);
	expect_err(run("PK\5\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22, &g,
	    &e), DW_ENOTREPORT, &e, "zip");
}

static void
zip_many_members(void **state)
{
	struct archive *a;
	struct dw_error e;
	struct buf z;
	struct got g;
	char name[32];
	int i;

	(void)state;
	a = zip_open(&z, "zip:compression=store");
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "m%d.xml", i);
		zip_add(a, name, "x", 1);
	}
	zip_close(a);
	expect_err(run(z.data, z.len, &g, &e), DW_ELIMIT, &e,
	    "more than 32 members (member limit)");
	assert_int_equal(g.docs, 0);
	buf_fini(&z);
	/* 32 members is the limit itself */
	a = zip_open(&z, NULL);
	for (i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "m%d.xml", i);
		zip_add(a, name, xml, sizeof(xml) - 1);
	}
	zip_close(a);
	assert_int_equal(run(z.data, z.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 32);
	buf_fini(&z);
}

static void
zip_inflate_caps(void **state)
{
	struct unpack_limits lim;
	struct archive *a;
	struct dw_error e;
	struct buf z;
	struct got g;
	size_t n = (4 << 20) + 1, part = 3 << 19;
	char *p;

	(void)state;
	small_limits(&lim);
	p = xml_of_size(n, 1);
	a = zip_open(&z, "zip:compression=store");	/* one member over */
	zip_add(a, "r.xml", p, n);
	zip_close(a);
	expect_err(run_lim(z.data, z.len, &lim, &g, &e), DW_ELIMIT, &e,
	    "zip: member r.xml inflates over 4 MiB limit");
	buf_fini(&z);
	a = zip_open(&z, "zip:compression=store");	/* each under */
	zip_add(a, "a.xml", p, part);
	zip_add(a, "b.xml", p, part);
	zip_add(a, "c.xml", p, part);
	zip_close(a);
	expect_err(run_lim(z.data, z.len, &lim, &g, &e), DW_ELIMIT, &e,
	    "in total (size limit)");
	assert_int_equal(g.docs, 3);
	buf_fini(&z);
	free(p);
	p = xml_of_size(8 << 20, 0);			/* ratio */
	unpack_limits_default(&lim);
	zip1("r.xml", p, 8 << 20, &z);
	expect_err(run_lim(z.data, z.len, &lim, &g, &e), DW_ELIMIT, &e,
	    "ratio limit");
	buf_fini(&z);
	free(p);
}

static uint32_t
le32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
	    (uint32_t)u[3] << 24;
}

/* Sets a field of every local and central header (off: local, central). */
static void
zip_patch(struct buf *z, size_t loff, size_t coff, const void *v, size_t n)
{
	size_t i;

	for (i = 0; i + 46 <= z->len; i++) {
		if (le32(z->data + i) == 0x04034b50)
			memcpy(z->data + i + loff, v, n);
		else if (le32(z->data + i) == 0x02014b50)
			memcpy(z->data + i + coff, v, n);
	}
}

static void
zip_declared_size_lies(void **state)
{
	static const char ten[4] = { 10, 0, 0, 0 };
	struct dw_error e;
	struct buf z;
	struct got g;
	enum dw_err err;
	char *p = xml_of_size(100000, 1);

	(void)state;
	zip1("r.xml", p, 100000, &z);
	zip_patch(&z, 22, 24, ten, 4);	/* uncompressed size: 10 */
	err = run(z.data, z.len, &g, &e);
	/* all of it or an error: never the 10 bytes the header claims */
	if (err == DW_OK)
		assert_int_equal(g.bytes[0], 100000);
	else
		assert_true(err == DW_ESYNTAX || err == DW_ELIMIT);
	buf_fini(&z);
	free(p);
}

static void
zip_names_never_paths(void **state)
{
	static const char *names[] = {
		"../../../../tmp/dw-unpack-slip.xml", "/abs/path.xml",
		"C:\\x.xml", "ctl\x01\x1b[31m.xml",
	};
	struct archive *a;
	struct dw_error e;
	struct buf z;
	struct got g;
	size_t i;

	(void)state;
	a = zip_open(&z, NULL);
	for (i = 0; i < 4; i++)
		zip_add(a, names[i], xml, sizeof(xml) - 1);
	zip_add(a, "subfolder.xml/", NULL, 0);
	zip_close(a);
	assert_int_equal(run(z.data, z.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 4);
	assert_string_equal(g.names[0],
	    "in!../../../../tmp/dw-unpack-slip.xml");
	/* libarchive reads a backslash as a Windows separator */
	assert_string_equal(g.names[2], "in!C:/x.xml");
	assert_string_equal(g.names[3], "in!ctl??[31m.xml");
	assert_int_equal(access("/tmp/dw-unpack-slip.xml", F_OK), -1);
	assert_int_equal(access("/abs/path.xml", F_OK), -1);
	buf_fini(&z);
}

static void
zip_unsupported(void **state)
{
	static const char bzip2[2] = { 12, 0 }, lzma[2] = { 14, 0 };
	struct archive *a;
	struct dw_error e;
	struct buf z;
	struct got g;

	(void)state;
	a = zip_open_pw(&z, "zip:encryption=zipcrypt", "secret");
	if (a == NULL)
		skip();
	zip_add(a, "r.xml", xml, sizeof(xml) - 1);
	zip_close(a);
	expect_err(run(z.data, z.len, &g, &e), DW_EUNSUPPORTED, &e,
	    "zip: member r.xml is encrypted");
	buf_fini(&z);
	/* libarchive writes only store and deflate: patch the method */
	zip1("r.xml", xml, sizeof(xml) - 1, &z);
	zip_patch(&z, 8, 10, bzip2, 2);
	expect_err(run(z.data, z.len, &g, &e), DW_EUNSUPPORTED, &e,
	    "method bzip");
	zip_patch(&z, 8, 10, lzma, 2);
	expect_err(run(z.data, z.len, &g, &e), DW_EUNSUPPORTED, &e, "lzma");
	buf_fini(&z);
}

static void
zip_truncated(void **state)
{
	struct dw_error e;
	struct buf z;
	struct got g;
	size_t cut;

	(void)state;
	zip1("r.xml", xml, sizeof(xml) - 1, &z);
	for (cut = 4; cut < z.len; cut += 7)
		assert_int_not_equal(run(z.data, cut, &g, &e), DW_OK);
	buf_fini(&z);
}

/* ---- MIME -------------------------------------------------------- */

static void
b64(const void *src, size_t n, struct buf *out)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";
	const unsigned char *p = src;
	size_t i;
	uint32_t v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		(void)buf_putc(out, al[v >> 18 & 63]);
		(void)buf_putc(out, al[v >> 12 & 63]);
		(void)buf_putc(out, i + 1 < n ? al[v >> 6 & 63] : '=');
		(void)buf_putc(out, i + 2 < n ? al[v & 63] : '=');
		if (i % 57 == 54)
			(void)buf_puts(out, "\r\n");
	}
	(void)buf_puts(out, "\r\n");
}

static void
mime_start(struct buf *m, const char *ctype)
{
	buf_init(m, BIG);
	(void)buf_printf(m, "From: d@r.example\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: %s\r\n", ctype);
}

static void
mime_part(struct buf *m, const char *ctype, const void *p, size_t n,
    int base64)
{
	(void)buf_printf(m, "--b\r\nContent-Type: %s\r\n%s\r\n", ctype,
	    base64 ? "Content-Transfer-Encoding: base64\r\n" : "");
	if (base64)
		b64(p, n, m);
	else
		(void)buf_append(m, p, n);
	(void)buf_puts(m, "\r\n");
}

static void
mime_two_reports(void **state)
{
	struct dw_error e;
	struct buf m, g1;
	struct got g;

	(void)state;
	gz(xml, sizeof(xml) - 1, 6, &g1);
	mime_start(&m, "multipart/mixed; boundary=\"b\"\r\n");
	mime_part(&m, "text/plain", "see attached", 12, 0);
	mime_part(&m, "text/xml", xml, sizeof(xml) - 1, 0);
	mime_part(&m, "application/gzip", g1.data, g1.len, 1);
	(void)buf_puts(&m, "--b--\r\n");
	assert_int_equal(run(m.data, m.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 2);
	assert_string_equal(g.names[0], "in#2");
	assert_string_equal(g.names[1], "in#3");
	assert_int_equal(g.bytes[1], sizeof(xml) - 1);
	buf_fini(&m);
	/* the same as multipart/report */
	mime_start(&m, "multipart/report; report-type=x; boundary=\"b\"\r\n");
	mime_part(&m, "application/gzip", g1.data, g1.len, 1);
	(void)buf_puts(&m, "--b--\r\n");
	assert_int_equal(run(m.data, m.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	buf_fini(&m);
	buf_fini(&g1);
}

static void
mime_base64_tolerance(void **state)
{
	struct dw_error e;
	struct buf m, g1, t;
	struct got g;
	size_t i;

	(void)state;
	gz(xml, sizeof(xml) - 1, 6, &g1);
	buf_init(&t, BIG);
	b64(g1.data, g1.len, &t);
	mime_start(&m, "multipart/mixed; boundary=\"b\"\r\n");
	(void)buf_puts(&m, "--b\r\nContent-Type: application/gzip\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	for (i = 0; i < t.len; i++) {
		if (t.data[i] == '=')		/* no padding */
			continue;
		(void)buf_putc(&m, t.data[i]);
		if (i % 9 == 8)			/* white space */
			(void)buf_puts(&m, " \t");
		if (i % 31 == 30)		/* illegal characters */
			(void)buf_puts(&m, "*!");
	}
	(void)buf_puts(&m, "\r\n--b--\r\n");
	if (run(m.data, m.len, &g, &e) != DW_OK)
		fail_msg("%s", e.msg);
	assert_int_equal(g.docs, 1);
	assert_int_equal(g.bytes[0], sizeof(xml) - 1);
	buf_fini(&m);
	buf_fini(&t);
	buf_fini(&g1);
}

static void
mime_toplevel_and_mislabelled(void **state)
{
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	struct dw_error e;
	struct buf m, g1, z;
	struct got g;

	(void)state;
	gz(xml, sizeof(xml) - 1, 6, &g1);
	mime_start(&m, "application/gzip\r\n"
	    "Content-Transfer-Encoding: base64");
	(void)buf_puts(&m, "\r\n");
	b64(g1.data, g1.len, &m);
	assert_int_equal(run(m.data, m.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	assert_int_equal(g.bytes[0], sizeof(xml) - 1);
	buf_fini(&m);
	/* says gzip, is zip */
	zip1("r.xml", xml, sizeof(xml) - 1, &z);
	mime_start(&m, "multipart/mixed; boundary=\"b\"\r\n");
	mime_part(&m, "application/gzip", z.data, z.len, 1);
	(void)buf_puts(&m, "--b--\r\n");
	assert_int_equal(run(m.data, m.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	assert_string_equal(g.names[0], "in#1!r.xml");
	buf_fini(&m);
	buf_fini(&z);
	buf_fini(&g1);
	/* octet-stream "report.xml.gz" that is a gzipped PNG */
	gz(png, sizeof(png) - 1, 6, &g1);
	mime_start(&m, "multipart/mixed; boundary=\"b\"\r\n");
	mime_part(&m, "application/octet-stream; name=report.xml.gz",
	    g1.data, g1.len, 1);
	(void)buf_puts(&m, "--b--\r\n");
	expect_err(run(m.data, m.len, &g, &e), DW_ENOTREPORT, &e,
	    "no report part (parts: application/octet-stream)");
	buf_fini(&m);
	buf_fini(&g1);
}

static void
mime_part_and_depth_caps(void **state)
{
	struct dw_error e;
	struct buf m;
	struct got g;
	int i;

	(void)state;
	mime_start(&m, "multipart/mixed; boundary=\"b\"\r\n");
	for (i = 0; i < 1000; i++)
		mime_part(&m, "text/plain", "p", 1, 0);
	mime_part(&m, "text/xml", xml, sizeof(xml) - 1, 0);
	(void)buf_puts(&m, "--b--\r\n");
	expect_err(run(m.data, m.len, &g, &e), DW_ELIMIT, &e,
	    "more than 256 parts (part limit)");
	buf_fini(&m);
	/* nesting depth 1000: refused before gmime recurses that deep */
	mime_start(&m, "multipart/mixed; boundary=\"b0\"\r\n");
	for (i = 0; i < 1000; i++)
		(void)buf_printf(&m, "--b%d\r\nContent-Type: multipart/mixed; "
		    "boundary=\"b%d\"\r\n\r\n", i, i + 1);
	expect_err(run(m.data, m.len, &g, &e), DW_ELIMIT, &e, "depth");
	buf_fini(&m);
	/* depth 16 is allowed, 17 is not */
	for (i = 16; i <= 17; i++) {
		int k;

		mime_start(&m, "multipart/mixed; boundary=\"b0\"\r\n");
		for (k = 0; k < i - 1; k++)
			(void)buf_printf(&m, "--b%d\r\nContent-Type: "
			    "multipart/mixed; boundary=\"b%d\"\r\n\r\n", k,
			    k + 1);
		(void)buf_printf(&m, "--b%d\r\nContent-Type: text/xml\r\n\r\n"
		    "%s\r\n", k, xml);
		if (i == 16) {
			assert_int_equal(run(m.data, m.len, &g, &e), DW_OK);
			assert_int_equal(g.docs, 1);
		} else {
			expect_err(run(m.data, m.len, &g, &e), DW_ELIMIT, &e,
			    "more than 16 levels deep (depth limit)");
		}
		buf_fini(&m);
	}
}

static void
mime_layers(void **state)
{
	struct dw_error e;
	struct buf m, g1;
	struct got g;

	(void)state;
	gz(xml, sizeof(xml) - 1, 6, &g1);
	gz_again(&g1);
	mime_start(&m, "application/gzip\r\nContent-Transfer-Encoding: "
	    "base64\r\n");
	b64(g1.data, g1.len, &m);	/* MIME > gzip > gzip */
	assert_int_equal(run(m.data, m.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 1);
	buf_fini(&m);
	gz_again(&g1);
	mime_start(&m, "application/gzip\r\nContent-Transfer-Encoding: "
	    "base64\r\n");
	b64(g1.data, g1.len, &m);	/* MIME > gzip > gzip > gzip */
	expect_err(run(m.data, m.len, &g, &e), DW_ELIMIT, &e, "layer limit");
	buf_fini(&m);
	buf_fini(&g1);
}

static void
mime_fixtures(void **state)
{
	static const struct {
		const char	*file;
		int		 docs;
		enum doc_kind	 kind;
		const char	*name;
	} t[] = {
		{ "inline-xml.eml", 1, DOC_XML, "in#1" },
		{ "qp-xml.eml", 1, DOC_XML, "in#2" },
		{ "no-closing-boundary.eml", 1, DOC_XML, "in#2" },
		{ "rfc2231-name.eml", 1, DOC_XML, "in#1!r\xc3\xa9port.xml" },
		{ "arf.eml", 1, DOC_FEEDBACK, "in#2" },
		{ "forwarded.eml", 1, DOC_XML, "in#2" },
		{ "tlsrpt-json.eml", 1, DOC_JSON, "in#2" },
	};
	struct dw_error e;
	struct got g;
	char path[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(path, sizeof(path), DATA "%s", t[i].file);
		if (run_file(path, &g, &e) != DW_OK)
			fail_msg("%s: %s", t[i].file, e.msg);
		if (g.docs != t[i].docs || g.kinds[t[i].kind] != t[i].docs ||
		    strcmp(g.names[0], t[i].name) != 0)
			fail_msg("%s: %d documents, first %s", t[i].file,
			    g.docs, g.names[0]);
	}
	expect_err(run_file(DATA "no-report.eml", &g, &e), DW_ENOTREPORT, &e,
	    "(parts: text/plain, image/png, text/html)");
}

/* ---- mbox -------------------------------------------------------- */

struct msgs {
	int		 n;
	int		 errs;
	uint64_t	 idx[8];
	char		 text[8][256];
};

static enum dw_err
on_msg(void *ctx, const char *msg, size_t len, uint64_t index,
    const struct dw_error *msgerr)
{
	struct msgs *m = ctx;
	int i = m->n < 8 ? m->n : 7;

	m->n++;
	m->idx[i] = index;
	if (msg == NULL) {
		m->errs++;
		snprintf(m->text[i], sizeof(m->text[i]), "ERR %.200s",
		    msgerr->msg);
	} else {
		snprintf(m->text[i], sizeof(m->text[i]), "%.*s", (int)len,
		    msg);
	}
	return DW_OK;
}

static enum dw_err
split(const char *box, uint64_t max, struct msgs *m)
{
	struct dw_error e;
	struct rd *rd = rd_mem_new(box, strlen(box));
	enum dw_err err;

	memset(m, 0, sizeof(*m));
	err = mbox_each(rd, max, on_msg, m, &e);
	rd_free(rd);
	return err;
}

static void
mbox_split_and_unescape(void **state)
{
	static const char box[] =
	    "From a@x Mon Nov 17 06:00:00 2025\n"
	    "Subject: one\n\nbody\n>From here\n>>From there\n"
	    "From inside a paragraph\n\n"
	    "From b@x Mon Nov 17 07:00:00 2025\r\n"
	    "Subject: two\r\n\r\nx\r\n\r\n"
	    "From c@x Mon Nov 17 08:00:00 2025\n"
	    "Subject: three\n\n>";
	struct msgs m;

	(void)state;
	assert_int_equal(split(box, 1 << 20, &m), DW_OK);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.text[0], "Subject: one\n\nbody\nFrom here\n"
	    ">From there\nFrom inside a paragraph\n");
	assert_string_equal(m.text[1], "Subject: two\r\n\r\nx\r\n");
	assert_string_equal(m.text[2], "Subject: three\n\n>");
	assert_int_equal(m.idx[0], 1);
	assert_int_equal(m.idx[2], 3);
	assert_int_equal(split("", 100, &m), DW_OK);
	assert_int_equal(m.n, 0);
}

static void
mbox_oversized_message(void **state)
{
	static const char box[] =
	    "From a@x\nSubject: small\n\n"
	    "From b@x\nSubject: this one is far too long for the cap\n\n"
	    "From c@x\nSubject: small\n";
	struct msgs m;

	(void)state;
	assert_int_equal(split(box, 20, &m), DW_OK);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.errs, 1);
	assert_string_equal(m.text[1], "ERR mbox: message 2 over 20 bytes "
	    "limit");
	assert_string_equal(m.text[2], "Subject: small\n");
	assert_int_equal(m.idx[2], 3);
}

static void
mbox_inside_gzip(void **state)
{
	struct dw_error e;
	struct buf box, a;
	struct got g;

	(void)state;
	buf_init(&box, BIG);
	(void)buf_printf(&box, "From a@x\nContent-Type: text/xml\n\n%s\n"
	    "From b@x\nContent-Type: text/plain\n\nhello\n\n"
	    "From c@x\nContent-Type: application/xml\n\n%s\n", xml, xml);
	gz(box.data, box.len, 6, &a);
	assert_int_equal(run(a.data, a.len, &g, &e), DW_OK);
	assert_int_equal(g.docs, 2);
	assert_string_equal(g.names[0], "in#1#1");
	assert_string_equal(g.names[1], "in#3#1");
	buf_fini(&a);
	buf_fini(&box);
}

/* ---- shared samples ---------------------------------------------- */

static int
corpus_dir(const char *sub, const char *const *suffixes, int want_each)
{
	char dir[512], path[1024];
	struct dw_error e;
	struct dirent *de;
	struct got g;
	DIR *d;
	size_t i, nl;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/%s", dwtest_shared(), sub);
	d = opendir(dir);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		nl = strlen(de->d_name);
		for (i = 0; suffixes[i] != NULL; i++) {
			size_t sl = strlen(suffixes[i]);

			if (nl > sl && strcmp(de->d_name + nl - sl,
			    suffixes[i]) == 0)
				break;
		}
		if (suffixes[i] == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (run_file(path, &g, &e) != DW_OK)
			fail_msg("%s: %s", path, e.msg);
		if (g.kinds[DOC_XML] != want_each || g.docs != want_each)
			fail_msg("%s: %d documents", path, g.docs);
		n++;
	}
	closedir(d);
	return n;
}

static void
corpus_parsedmarc(void **state)
{
	static const char *const agg[] = { ".eml", ".zip", ".gz", NULL };
	static const char *const ext[] = { ".xml", ".gz", ".zip", NULL };
	int a, x;

	(void)state;
	a = corpus_dir("corpus/parsedmarc/aggregate", agg, 1);
	x = corpus_dir("corpus/parsedmarc/extract_report", ext, 1);
	if (a < 0 && x < 0)
		skip();
	assert_true(a > 0 && x > 0);
}

static void
corpus_stalwart(void **state)
{
	char path[1024];
	struct dw_error e;
	struct got g;
	int i;

	(void)state;
	for (i = 100; i <= 104; i++) {
		snprintf(path, sizeof(path), "%s/conformance/dmarc/known-answer/"
		    "stalwart-mail-auth/aggregate/%d.eml", dwtest_shared(), i);
		if (access(path, R_OK) != 0)
			skip();
		if (run_file(path, &g, &e) != DW_OK)
			fail_msg("%s: %s", path, e.msg);
		if (g.docs != 1 || g.kinds[DOC_XML] != 1)
			fail_msg("%s: %d documents", path, g.docs);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rd_slurp_caps),
		cmocka_unit_test(rd_peek_keeps_bytes),
		cmocka_unit_test(sniff_magic),
		cmocka_unit_test(not_reports_named),
		cmocka_unit_test(plain_documents),
		cmocka_unit_test(plain_document_capped),
		cmocka_unit_test(gzip_basic_and_concatenated),
		cmocka_unit_test(gzip_broken),
		cmocka_unit_test(gzip_bomb_small_limit),
		cmocka_unit_test(gzip_ratio_cap),
		cmocka_unit_test(gzip_default_limit_exact),
		cmocka_unit_test(gzip_layers),
		cmocka_unit_test(gzip_zip_nesting),
		cmocka_unit_test(gzip_not_report),
		cmocka_unit_test(zip_members_by_content),
		cmocka_unit_test(zip_many_members),
		cmocka_unit_test(zip_inflate_caps),
		cmocka_unit_test(zip_declared_size_lies),
		cmocka_unit_test(zip_names_never_paths),
		cmocka_unit_test(zip_unsupported),
		cmocka_unit_test(zip_truncated),
		cmocka_unit_test(mime_two_reports),
		cmocka_unit_test(mime_base64_tolerance),
		cmocka_unit_test(mime_toplevel_and_mislabelled),
		cmocka_unit_test(mime_part_and_depth_caps),
		cmocka_unit_test(mime_layers),
		cmocka_unit_test(mime_fixtures),
		cmocka_unit_test(mbox_split_and_unescape),
		cmocka_unit_test(mbox_oversized_message),
		cmocka_unit_test(mbox_inside_gzip),
		cmocka_unit_test(corpus_parsedmarc),
		cmocka_unit_test(corpus_stalwart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
