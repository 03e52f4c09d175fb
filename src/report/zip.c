/*
 * zip.c: the zip layer through libarchive (the zip format only, no other
 * formats or filters).  A zip needs its central directory, so the whole
 * container is read into a capped buffer first; members are then read as
 * streams.  Members are chosen by what their bytes look like, never by
 * name; names are only shown, sanitized, in document names.  Member count,
 * per-member and total inflated bytes and the ratio to the container size
 * are capped on the actual stream, not on the sizes the headers declare.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "unpack_int.h"

#define ZIP_MEMBER_NAME_MAX	200	/* bytes of a member name shown */

struct zip_rd {
	struct rd	 rd;
	struct archive	*a;
	const struct unpack_limits *lim;
	const char	*member;	/* sanitized, for messages */
	uint64_t	 n;		/* this member's inflated bytes */
	uint64_t	*total;		/* every member's */
	uint64_t	 zsize;		/* the container's size */
};

struct zip_walk {
	struct unpack_ctx *u;
	struct archive	*a;
	struct archive_entry *ent;	/* ours: see zip_unpack() */
	const char	*name;
	unsigned	 layer;
	uint64_t	 zsize;
	uint64_t	 total;
	unsigned	 members;
	struct buf	 seen;
	struct buf	 mname;		/* sanitized member name */
	struct buf	 dname;		/* document name */
};

/*
 * A libarchive failure as ours: ENOMEM is out of memory (libarchive
 * reports most failed allocations so; zlib's inflateInit2() fails only
 * when it cannot allocate, which libarchive reports in words), anything
 * else a broken archive, or a broken member when member is not NULL.
 */
static enum dw_err
ar_fail(struct archive *a, const char *member, const char *dflt,
    struct dw_error *e)
{
	const char *msg = archive_error_string(a);

	if (archive_errno(a) == ENOMEM || (msg != NULL &&
	    strstr(msg, "Can't initialize ZIP decompression") != NULL))
		return dw_fail(e, DW_ENOMEM, "zip: out of memory");
	if (msg == NULL)
		msg = dflt;
	if (member != NULL)
		return dw_fail(e, DW_ESYNTAX, "zip: member %s: %s", member,
		    msg);
	return dw_fail(e, DW_ESYNTAX, "zip: %s", msg);
}

static enum dw_err
zip_caps(struct zip_rd *z, struct dw_error *e)
{
	char lim[32];

	unpack_size_str(z->lim->max_size, lim, sizeof(lim));
	if (z->n > z->lim->max_size)
		return dw_fail(e, DW_ELIMIT, "zip: member %s inflates over "
		    "%s limit", z->member, lim);
	if (*z->total > z->lim->max_size)
		return dw_fail(e, DW_ELIMIT, "zip: members inflate to over "
		    "%s in total (size limit)", lim);
	if (*z->total > UNPACK_RATIO_SLACK && z->lim->max_ratio != 0 &&
	    *z->total / z->lim->max_ratio > z->zsize)
		return dw_fail(e, DW_ELIMIT, "zip: members inflate to over %u "
		    "times the archive size (ratio limit)", z->lim->max_ratio);
	return DW_OK;
}

static enum dw_err
zip_read(struct rd *r, void *buf, size_t cap, size_t *got,
    struct dw_error *e)
{
	struct zip_rd *z = (struct zip_rd *)r;
	uint64_t left = z->lim->max_size - *z->total;
	la_ssize_t n;

	*got = 0;
	if (z->lim->max_size - z->n < left)
		left = z->lim->max_size - z->n;
	if (left < cap)
		cap = (size_t)left + 1;
	n = archive_read_data(z->a, buf, cap);
	if (n < 0)
		return ar_fail(z->a, z->member, "read failed", e);
	z->n += (uint64_t)n;
	*z->total += (uint64_t)n;
	*got = (size_t)n;
	return zip_caps(z, e);
}

static void
zip_rd_free(struct rd *r)
{
	(void)r;
}

/*
 * The archive bytes as libarchive's client, seekable (the zip reader
 * wants the central directory at the end).  Ours rather than
 * archive_read_open_memory(), whose state leaks when archive_read_open1()
 * fails an allocation: libarchive then never calls its close callback.
 */
struct zip_src {
	const unsigned char *p;
	size_t		 n;
	size_t		 off;
};

static la_ssize_t
src_read(struct archive *a, void *ctx, const void **buf)
{
	struct zip_src *s = ctx;
	size_t n = s->n - s->off;

	(void)a;
	*buf = s->p + s->off;
	s->off = s->n;
	return (la_ssize_t)n;
}

static la_int64_t
src_skip(struct archive *a, void *ctx, la_int64_t req)
{
	struct zip_src *s = ctx;

	(void)a;
	if (req < 0)
		return 0;
	if ((uint64_t)req > s->n - s->off)
		req = (la_int64_t)(s->n - s->off);
	s->off += (size_t)req;
	return req;
}

static la_int64_t
src_seek(struct archive *a, void *ctx, la_int64_t off, int whence)
{
	struct zip_src *s = ctx;
	la_int64_t base = whence == SEEK_CUR ? (la_int64_t)s->off :
	    whence == SEEK_END ? (la_int64_t)s->n : 0;

	(void)a;
	if (off < -base)
		return ARCHIVE_FATAL;
	if (off > (la_int64_t)s->n - base)
		off = (la_int64_t)s->n - base;
	s->off = (size_t)(base + off);
	return (la_int64_t)s->off;
}

/*
 * Opens w->a on src.  Setting the client data allocates a node that
 * archive_read_open1() would otherwise use unchecked; archive_read_open1()
 * itself fails one allocation without saying why, and in this setup (no
 * filters, no open callback) nothing else fails without a reason.
 */
static enum dw_err
zip_open(struct zip_walk *w, struct zip_src *src, struct dw_error *e)
{
	if (archive_read_support_format_zip_seekable(w->a) != ARCHIVE_OK ||
	    archive_read_set_read_callback(w->a, src_read) != ARCHIVE_OK ||
	    archive_read_set_skip_callback(w->a, src_skip) != ARCHIVE_OK ||
	    archive_read_set_seek_callback(w->a, src_seek) != ARCHIVE_OK ||
	    archive_read_set_callback_data(w->a, src) != ARCHIVE_OK)
		return ar_fail(w->a, NULL, "cannot open archive", e);
	if (archive_read_open1(w->a) == ARCHIVE_OK)
		return DW_OK;
	if (archive_errno(w->a) == 0 && archive_error_string(w->a) == NULL)
		return dw_fail(e, DW_ENOMEM, "zip: out of memory");
	return ar_fail(w->a, NULL, "cannot open archive", e);
}

/* The method from libarchive's "ZIP 2.0 (deflation)" format name. */
static enum dw_err
check_method(struct zip_walk *w, struct archive_entry *ent,
    struct dw_error *e)
{
	const char *f = archive_format_name(w->a);
	const char *m = f != NULL ? strchr(f, '(') : NULL;

	if (archive_entry_is_encrypted(ent))
		return dw_fail(e, DW_EUNSUPPORTED, "zip: member %s is "
		    "encrypted", buf_str(&w->mname));
	if (m == NULL || strcmp(m, "(deflation)") == 0 ||
	    strcmp(m, "(uncompressed)") == 0)
		return DW_OK;
	return dw_fail(e, DW_EUNSUPPORTED, "zip: member %s uses the "
	    "compression method %.*s; only stored and deflate are supported",
	    buf_str(&w->mname), (int)strcspn(m + 1, ")"), m + 1);
}

static enum dw_err
member(struct zip_walk *w, struct archive_entry *ent, struct dw_error *e)
{
	struct zip_rd z = { { zip_read, zip_rd_free }, w->a, w->u->lim,
	    NULL, 0, &w->total, w->zsize };
	const char *nm = archive_entry_pathname(ent);
	struct dw_error me;
	enum dw_err err;

	buf_reset(&w->mname);
	if (nm == NULL)
		nm = "(unnamed)";
	unpack_name_append(&w->mname, nm, strlen(nm), ZIP_MEMBER_NAME_MAX);
	if (archive_entry_filetype(ent) != AE_IFREG)
		return DW_OK;
	err = check_method(w, ent, e);
	if (err != DW_OK)
		return err;
	buf_reset(&w->dname);
	(void)buf_printf(&w->dname, "%s!%s", w->name, buf_str(&w->mname));
	z.member = buf_str(&w->mname);
	dw_error_clear(&me);
	err = unpack_rd(w->u, &z.rd, buf_str(&w->dname), w->layer + 1, 0,
	    &me);
	if (err == DW_ENOTREPORT && !w->u->stopped) {
		buf_reset(&w->dname);
		(void)buf_printf(&w->dname, "%s: %s", buf_str(&w->mname),
		    me.msg);
		unpack_seen_add(&w->seen, buf_str(&w->dname));
		return DW_OK;
	}
	if (err != DW_OK && e != NULL)
		*e = me;
	return err;
}

static enum dw_err
walk(struct zip_walk *w, struct dw_error *e)
{
	uint64_t before = w->u->ndocs;
	enum dw_err err;
	int r;

	for (;;) {
		r = archive_read_next_header2(w->a, w->ent);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return ar_fail(w->a, NULL, "broken archive", e);
		if (++w->members > w->u->lim->max_members)
			return dw_fail(e, DW_ELIMIT, "zip: more than %u "
			    "members (member limit)", w->u->lim->max_members);
		err = member(w, w->ent, e);
		if (err != DW_OK)
			return err;
	}
	if (w->u->ndocs > before)
		return DW_OK;
	if (w->members == 0)
		return dw_fail(e, DW_ENOTREPORT, "zip: archive has no "
		    "members, not a report");
	if (w->seen.len == 0)
		return dw_fail(e, DW_ENOTREPORT, "zip: no report in %u "
		    "members (only directories)", w->members);
	return dw_fail(e, DW_ENOTREPORT, "zip: no report in %u members "
	    "(%s)", w->members, buf_str(&w->seen));
}

enum dw_err
zip_unpack(struct unpack_ctx *u, struct rd *in, const char *name,
    unsigned layer, struct dw_error *e)
{
	const struct unpack_limits *lim = u->lim;
	struct zip_walk w = { .u = u, .name = name, .layer = layer };
	struct zip_src src;
	struct buf zb;
	char ls[32];
	uint64_t max;
	enum dw_err err;

	err = unpack_layer(u, layer, "zip", e);
	if (err != DW_OK)
		return err;
	max = lim->max_size > lim->max_message ? lim->max_size :
	    lim->max_message;
	buf_init(&zb, max > SIZE_MAX - 1 ? SIZE_MAX - 1 : (size_t)max);
	buf_init(&w.seen, UNPACK_SEEN_MAX);
	buf_init(&w.mname, UNPACK_NAME_MAX);
	buf_init(&w.dname, UNPACK_NAME_MAX);
	err = rd_slurp(in, &zb, e);
	if (err == DW_ELIMIT)
		err = dw_fail(e, err, "zip: archive over %s limit",
		    unpack_size_str(max, ls, sizeof(ls)));
	if (err != DW_OK)
		goto out;
	w.zsize = zb.len;
	if (zb.len >= 4 && memcmp(zb.data, "PK\5\6", 4) == 0) {
		err = dw_fail(e, DW_ENOTREPORT, "zip: empty archive, not a "
		    "report");
		goto out;
	}
	/*
	 * archive_read_new() does not check the entry it allocates for
	 * archive_read_next_header(), which then dereferences NULL when
	 * that allocation failed; with an entry of our own it is never used.
	 */
	w.a = archive_read_new();
	w.ent = archive_entry_new();
	if (w.a == NULL || w.ent == NULL) {
		err = dw_fail(e, DW_ENOMEM, "zip: out of memory");
		goto out;
	}
	src.p = (const unsigned char *)zb.data;
	src.n = zb.len;
	src.off = 0;
	err = zip_open(&w, &src, e);
	if (err == DW_OK)
		err = walk(&w, e);
out:
	archive_read_free(w.a);
	archive_entry_free(w.ent);
	buf_fini(&zb);
	buf_fini(&w.seen);
	buf_fini(&w.mname);
	buf_fini(&w.dname);
	return err;
}
