/*
 * mbox.c: splits an mbox on its "From " separator lines (a "From " line at
 * the start of the file or after a blank line), streaming: only the
 * current message is held, capped at max_message.  Lines of the form
 * ">From ", ">>From " lose one '>' (mboxrd; mboxo escapes read the same).
 * Also the mbox layer of unpack, for an mbox inside a compressed file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unpack_int.h"

#define MBOX_CHUNK	65536

enum mbox_state { MB_LINESTART, MB_MIDLINE, MB_SKIPLINE };

struct mbox {
	struct buf	 msg;
	uint64_t	 max;
	uint64_t	 index;		/* messages delivered */
	int		 have;		/* a separator opened msg */
	int		 oversize;	/* msg passed max: bytes dropped */
	int		 nomem;		/* msg could not grow: give up */
	int		 prev_blank;	/* the line before was empty */
	int		 line_blank;	/* this line holds only CRs so far */
	enum mbox_state	 state;
	size_t		 gt;		/* '>' at the start of this line */
	size_t		 hn;		/* bytes of "From " matched after */
	mbox_cb		 cb;
	void		*ctx;
};

static const char from_[] = "From ";

static void
put(struct mbox *m, const void *p, size_t n)
{
	enum dw_err err;

	if (m->oversize || m->nomem || n == 0)
		return;
	err = buf_append(&m->msg, p, n);
	if (err == DW_ENOMEM)
		m->nomem = 1;
	else if (err != DW_OK) {
		m->oversize = 1;
		buf_fini(&m->msg);
	}
}

static void
put_gt(struct mbox *m, size_t n)
{
	static const char gts[] = ">>>>>>>>>>>>>>>>";
	size_t k;

	while (n > 0) {
		k = n < sizeof(gts) - 1 ? n : sizeof(gts) - 1;
		put(m, gts, k);
		n -= k;
	}
}

static int
blank_only(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			return 0;
	return 1;
}

/* Hands the message collected so far to the callback. */
static enum dw_err
deliver(struct mbox *m, struct dw_error *e)
{
	struct dw_error me;
	char ls[32];
	size_t len = m->msg.len;
	enum dw_err err;

	if (m->nomem)
		return dw_fail(e, DW_ENOMEM, "mbox: out of memory");
	if (!m->have && (m->oversize || blank_only(buf_str(&m->msg), len)))
		goto reset;
	m->index++;
	if (m->oversize) {
		dw_fail(&me, DW_ELIMIT, "mbox: message %llu over %s limit",
		    (unsigned long long)m->index,
		    unpack_size_str(m->max, ls, sizeof(ls)));
		err = m->cb(m->ctx, NULL, 0, m->index, &me);
	} else {
		/* The blank line before the next separator is not content. */
		if (len >= 2 && memcmp(m->msg.data + len - 2, "\n\n", 2) == 0)
			len--;
		else if (len >= 4 && memcmp(m->msg.data + len - 4,
		    "\r\n\r\n", 4) == 0)
			len -= 2;
		err = m->cb(m->ctx, buf_str(&m->msg), len, m->index, NULL);
	}
	if (err != DW_OK)
		return dw_fail(e, err, "mbox: stopped at message %llu: %s",
		    (unsigned long long)m->index, dw_strerror(err));
reset:
	buf_reset(&m->msg);
	m->oversize = 0;
	return DW_OK;
}

/* A line-start byte that is not part of ">*From ": emit what was held. */
static void
flush_head(struct mbox *m)
{
	if (m->gt > 0 || m->hn > 0)
		m->line_blank = 0;
	put_gt(m, m->gt);
	put(m, from_, m->hn);
	m->gt = 0;
	m->hn = 0;
	m->state = MB_MIDLINE;
}

static void
line_end(struct mbox *m)
{
	m->prev_blank = m->line_blank;
	m->line_blank = 1;
	m->state = MB_LINESTART;
}

/* Feeds one byte at a line start; *sep tells a separator was found. */
static void
linestart(struct mbox *m, char c, int *sep)
{
	*sep = 0;
	if (m->hn == 0 && c == '>') {
		m->gt++;
		return;
	}
	if (c != from_[m->hn]) {
		flush_head(m);
		put(m, &c, 1);
		if (c == '\n')
			line_end(m);
		else if (c != '\r')
			m->line_blank = 0;
		return;
	}
	if (++m->hn < sizeof(from_) - 1)
		return;
	if (m->gt == 0 && m->prev_blank) {
		*sep = 1;
		m->hn = 0;
		m->state = MB_SKIPLINE;
		return;
	}
	put_gt(m, m->gt > 0 ? m->gt - 1 : 0);
	put(m, from_, m->hn);
	m->gt = 0;
	m->hn = 0;
	m->line_blank = 0;
	m->state = MB_MIDLINE;
}

static enum dw_err
feed(struct mbox *m, const char *p, size_t n, struct dw_error *e)
{
	const char *nl;
	size_t k, i;
	enum dw_err err;
	int sep;

	while (n > 0) {
		if (m->state == MB_LINESTART) {
			linestart(m, *p, &sep);
			p++;
			n--;
			if (sep) {
				err = deliver(m, e);
				if (err != DW_OK)
					return err;
				m->have = 1;
			}
			continue;
		}
		nl = memchr(p, '\n', n);
		k = nl != NULL ? (size_t)(nl - p) + 1 : n;
		if (m->state == MB_MIDLINE) {
			for (i = 0; i < k && m->line_blank; i++)
				if (p[i] != '\r' && p[i] != '\n')
					m->line_blank = 0;
			put(m, p, k);
		}
		if (nl != NULL) {
			if (m->state == MB_SKIPLINE)
				m->line_blank = 0;
			line_end(m);
		}
		p += k;
		n -= k;
	}
	return DW_OK;
}

enum dw_err
mbox_each(struct rd *in, uint64_t max_message, mbox_cb cb, void *ctx,
    struct dw_error *e)
{
	struct mbox m;
	char *chunk;
	size_t got;
	enum dw_err err;

	memset(&m, 0, sizeof(m));
	m.max = max_message;
	buf_init(&m.msg, max_message > SIZE_MAX - 1 ? SIZE_MAX - 1 :
	    (size_t)max_message);
	m.prev_blank = 1;
	m.line_blank = 1;
	m.cb = cb;
	m.ctx = ctx;
	chunk = malloc(MBOX_CHUNK);
	if (chunk == NULL)
		return dw_fail(e, DW_ENOMEM, "mbox: out of memory");
	for (;;) {
		err = rd_read(in, chunk, MBOX_CHUNK, &got, e);
		if (err != DW_OK || got == 0)
			break;
		err = feed(&m, chunk, got, e);
		if (err != DW_OK)
			break;
	}
	if (err == DW_OK) {
		if (m.state == MB_LINESTART)
			flush_head(&m);
		err = deliver(&m, e);
	}
	free(chunk);
	buf_fini(&m.msg);
	return err;
}

struct mbox_unpack {
	struct unpack_ctx *u;
	const char	*name;
	unsigned	 layer;
	uint64_t	 skipped;
	struct dw_error	*e;
};

static enum dw_err
on_msg(void *ctx, const char *msg, size_t len, uint64_t index,
    const struct dw_error *msgerr)
{
	struct mbox_unpack *mu = ctx;
	char name[UNPACK_NAME_MAX];
	enum dw_err err;
	struct rd *rd;

	if (msg == NULL) {
		*mu->e = *msgerr;
		return msgerr->code;
	}
	snprintf(name, sizeof(name), "%s#%llu", mu->name,
	    (unsigned long long)index);
	rd = rd_mem_new(msg, len);
	if (rd == NULL)
		return dw_fail(mu->e, DW_ENOMEM, "mbox: out of memory");
	err = mime_unpack(mu->u, rd, name, mu->layer, mu->e);
	rd_free(rd);
	if (err == DW_ENOTREPORT && !mu->u->stopped) {
		mu->skipped++;
		return DW_OK;
	}
	return err;
}

enum dw_err
mbox_unpack(struct unpack_ctx *u, struct rd *in, const char *name,
    unsigned layer, struct dw_error *e)
{
	struct dw_error me;
	struct mbox_unpack mu = { u, name, layer, 0, &me };
	uint64_t before = u->ndocs;
	enum dw_err err;

	dw_error_clear(&me);
	err = mbox_each(in, u->lim->max_message, on_msg, &mu, e);
	if (err != DW_OK) {
		if (me.code != DW_OK && e != NULL)
			*e = me;
		return err;
	}
	if (u->ndocs == before)
		return dw_fail(e, DW_ENOTREPORT, "mbox: no report in its "
		    "messages");
	return DW_OK;
}
