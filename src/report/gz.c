/*
 * gz.c: the gzip layer, a streaming inflate reader (RFC 1952) over the
 * reader below it.  Concatenated members are one stream; a bad CRC or
 * length, a missing trailer and bytes after the last member are errors.
 * The output is capped in size (max_size, counted on the inflated stream
 * itself) and in ratio to the compressed bytes consumed so far.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "unpack_int.h"

#define GZ_IBUF		65536

enum gz_state { GZ_MEMBER, GZ_BETWEEN, GZ_END };

struct gz_rd {
	struct rd	 rd;
	struct rd	*in;		/* borrowed */
	const struct unpack_limits *lim;
	z_stream	 zs;
	enum gz_state	 state;
	int		 in_eof;
	uint64_t	 cin;		/* compressed bytes consumed */
	uint64_t	 out;		/* inflated bytes handed out */
	unsigned char	 ibuf[GZ_IBUF];
};

static enum dw_err
fill(struct gz_rd *g, struct dw_error *e)
{
	size_t got;
	enum dw_err err;

	if (g->zs.avail_in > 0 && g->zs.next_in != g->ibuf) {
		memmove(g->ibuf, g->zs.next_in, g->zs.avail_in);
	}
	g->zs.next_in = g->ibuf;
	err = rd_read(g->in, g->ibuf + g->zs.avail_in,
	    GZ_IBUF - g->zs.avail_in, &got, e);
	if (err != DW_OK)
		return err;
	if (got == 0)
		g->in_eof = 1;
	g->zs.avail_in += (uInt)got;
	return DW_OK;
}

static int
is_pad(unsigned char c)
{
	return c == '\0' || c == '\r' || c == '\n' || c == ' ' || c == '\t';
}

/*
 * After a member: the end, another member, or garbage.  White space and
 * NULs after the last member are padding some senders add (a CRLF after
 * the trailer is common) and are skipped; anything else is an error.
 */
static enum dw_err
next_member(struct gz_rd *g, struct dw_error *e)
{
	enum dw_err err;
	int padded = 0;

	for (;;) {
		while (g->zs.avail_in > 0 && is_pad(g->zs.next_in[0])) {
			g->zs.next_in++;
			g->zs.avail_in--;
			padded = 1;
		}
		if ((g->zs.avail_in >= 2 && !padded) || g->in_eof ||
		    (g->zs.avail_in > 0 && padded))
			break;
		err = fill(g, e);
		if (err != DW_OK)
			return err;
	}
	if (g->zs.avail_in == 0) {
		g->state = GZ_END;
		return DW_OK;
	}
	if (padded || g->zs.avail_in < 2 || g->zs.next_in[0] != 0x1f ||
	    g->zs.next_in[1] != 0x8b)
		return dw_fail(e, DW_ESYNTAX, "gzip: trailing garbage after "
		    "the last member");
	if (inflateReset(&g->zs) != Z_OK)
		return dw_fail(e, DW_ESYNTAX, "gzip: cannot reset inflate");
	g->state = GZ_MEMBER;
	return DW_OK;
}

static enum dw_err
check_caps(struct gz_rd *g, struct dw_error *e)
{
	char lim[32];

	if (g->out > g->lim->max_size)
		return dw_fail(e, DW_ELIMIT, "gzip: decompressed size over "
		    "%s limit", unpack_size_str(g->lim->max_size, lim,
		    sizeof(lim)));
	if (g->out > UNPACK_RATIO_SLACK && g->lim->max_ratio != 0 &&
	    g->out / g->lim->max_ratio > g->cin)
		return dw_fail(e, DW_ELIMIT, "gzip: decompressed size over "
		    "%u times the compressed size (ratio limit)",
		    g->lim->max_ratio);
	return DW_OK;
}

static enum dw_err
inflate_err(struct gz_rd *g, int ret, struct dw_error *e)
{
	if (ret == Z_MEM_ERROR)
		return dw_fail(e, DW_ENOMEM, "gzip: out of memory");
	if (g->zs.msg != NULL && strstr(g->zs.msg, "data check") != NULL)
		return dw_fail(e, DW_ESYNTAX, "gzip: CRC mismatch (corrupt "
		    "data)");
	if (g->zs.msg != NULL && strstr(g->zs.msg, "length check") != NULL)
		return dw_fail(e, DW_ESYNTAX, "gzip: length mismatch in the "
		    "trailer (corrupt data)");
	return dw_fail(e, DW_ESYNTAX, "gzip: corrupt data (%s)",
	    g->zs.msg != NULL ? g->zs.msg : "inflate failed");
}

static enum dw_err
gz_read(struct rd *r, void *buf, size_t cap, size_t *got,
    struct dw_error *e)
{
	struct gz_rd *g = (struct gz_rd *)r;
	uInt before, room;
	size_t n;
	enum dw_err err;
	int ret;

	*got = 0;
	if (cap == 0)
		return dw_fail(e, DW_EINVAL, "gzip: read of 0 bytes");
	for (;;) {
		if (g->state == GZ_BETWEEN) {
			err = next_member(g, e);
			if (err != DW_OK)
				return err;
		}
		if (g->state == GZ_END)
			return DW_OK;
		if (g->zs.avail_in == 0 && !g->in_eof) {
			err = fill(g, e);
			if (err != DW_OK)
				return err;
		}
		room = cap > (1u << 30) ? (1u << 30) : (uInt)cap;
		if (g->lim->max_size - g->out < room)
			room = (uInt)(g->lim->max_size - g->out) + 1;
		before = g->zs.avail_in;
		g->zs.next_out = buf;
		g->zs.avail_out = room;
		ret = inflate(&g->zs, Z_NO_FLUSH);
		g->cin += before - g->zs.avail_in;
		n = room - g->zs.avail_out;
		g->out += n;
		if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
			return inflate_err(g, ret, e);
		err = check_caps(g, e);
		if (err != DW_OK)
			return err;
		if (ret == Z_STREAM_END)
			g->state = GZ_BETWEEN;
		if (n > 0) {
			*got = n;
			return DW_OK;
		}
		if (ret != Z_STREAM_END && g->zs.avail_in == 0 && g->in_eof)
			return dw_fail(e, DW_ESYNTAX, "gzip: truncated (the "
			    "stream ends before its trailer)");
	}
}

static void
gz_free(struct rd *r)
{
	struct gz_rd *g = (struct gz_rd *)r;

	inflateEnd(&g->zs);
	free(g);
}

/* A reader of the inflated bytes of in (borrowed); NULL on no memory. */
static struct rd *
gz_rd_new(struct rd *in, const struct unpack_limits *lim)
{
	struct gz_rd *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	if (inflateInit2(&g->zs, 16 + MAX_WBITS) != Z_OK) {
		free(g);
		return NULL;
	}
	g->rd.read = gz_read;
	g->rd.free = gz_free;
	g->in = in;
	g->lim = lim;
	g->zs.next_in = g->ibuf;
	g->state = GZ_MEMBER;
	return &g->rd;
}

/*
 * The content is no report: read the rest of it anyway, so that a broken
 * or oversized stream is reported as such (a bomb of NULs is a bomb).
 */
static enum dw_err
not_report(struct rd *g, struct dw_error *e)
{
	char tmp[16384];
	struct dw_error de;
	size_t got;
	enum dw_err err;

	do {
		err = rd_read(g, tmp, sizeof(tmp), &got, &de);
	} while (err == DW_OK && got > 0);
	if (err != DW_OK) {
		if (e != NULL)
			*e = de;
		return err;
	}
	unpack_err_prefix(e, "gzip content: ");
	return DW_ENOTREPORT;
}

enum dw_err
gz_unpack(struct unpack_ctx *u, struct rd *in, const char *name,
    unsigned layer, struct dw_error *e)
{
	struct rd *g;
	enum dw_err err;

	err = unpack_layer(u, layer, "gzip", e);
	if (err != DW_OK)
		return err;
	g = gz_rd_new(in, u->lim);
	if (g == NULL)
		return dw_fail(e, DW_ENOMEM, "gzip: out of memory");
	err = unpack_rd(u, g, name, layer + 1, 0, e);
	if (err == DW_ENOTREPORT && !u->stopped)
		err = not_report(g, e);
	rd_free(g);
	return err;
}
