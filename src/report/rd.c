/*
 * rd.c: the basic readers (descriptor, memory, look-ahead) and rd_slurp.
 * Every reader here borrows what it reads from; rd_free() frees only the
 * reader itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/buf.h"
#include "rd.h"

struct rd_fd {
	struct rd	 rd;
	int		 fd;
};

struct rd_mem {
	struct rd	 rd;
	const unsigned char *p;
	size_t		 n;
	size_t		 off;
};

struct rd_peek {
	struct rd	 rd;
	struct rd	*inner;
	size_t		 off;		/* next byte of head to hand out */
	size_t		 len;		/* bytes held in head */
	int		 eof;
	unsigned char	 head[RD_PEEK_MAX];
};

static void
rd_plain_free(struct rd *r)
{
	free(r);
}

static enum dw_err
fd_read(struct rd *r, void *buf, size_t cap, size_t *got,
    struct dw_error *e)
{
	struct rd_fd *f = (struct rd_fd *)r;
	ssize_t n;

	*got = 0;
	for (;;) {
		n = read(f->fd, buf, cap);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return dw_fail(e, DW_EIO, "read: %s", strerror(errno));
	}
	*got = (size_t)n;
	return DW_OK;
}

struct rd *
rd_fd_new(int fd)
{
	struct rd_fd *f = malloc(sizeof(*f));

	if (f == NULL)
		return NULL;
	f->rd.read = fd_read;
	f->rd.free = rd_plain_free;
	f->fd = fd;
	return &f->rd;
}

static enum dw_err
mem_read(struct rd *r, void *buf, size_t cap, size_t *got,
    struct dw_error *e)
{
	struct rd_mem *m = (struct rd_mem *)r;
	size_t n = m->n - m->off;

	(void)e;
	if (n > cap)
		n = cap;
	if (n > 0)
		memcpy(buf, m->p + m->off, n);
	m->off += n;
	*got = n;
	return DW_OK;
}

struct rd *
rd_mem_new(const void *p, size_t n)
{
	struct rd_mem *m = malloc(sizeof(*m));

	if (m == NULL)
		return NULL;
	m->rd.read = mem_read;
	m->rd.free = rd_plain_free;
	m->p = p;
	m->n = n;
	m->off = 0;
	return &m->rd;
}

enum dw_err
rd_slurp(struct rd *r, struct buf *b, struct dw_error *e)
{
	char tmp[16384];
	size_t got;
	enum dw_err err;

	for (;;) {
		err = rd_read(r, tmp, sizeof(tmp), &got, e);
		if (err != DW_OK)
			return err;
		if (got == 0)
			return DW_OK;
		err = buf_append(b, tmp, got);
		if (err == DW_ELIMIT)
			return dw_fail(e, err, "input over the %zu byte limit",
			    b->max);
		if (err != DW_OK)
			return dw_fail(e, err, "out of memory");
	}
}

static enum dw_err
peek_read(struct rd *r, void *buf, size_t cap, size_t *got,
    struct dw_error *e)
{
	struct rd_peek *k = (struct rd_peek *)r;
	size_t n = k->len - k->off;

	if (n == 0)
		return rd_read(k->inner, buf, cap, got, e);
	if (n > cap)
		n = cap;
	memcpy(buf, k->head + k->off, n);
	k->off += n;
	*got = n;
	return DW_OK;
}

struct rd *
rd_peek_new(struct rd *inner)
{
	struct rd_peek *k = malloc(sizeof(*k));

	if (k == NULL)
		return NULL;
	k->rd.read = peek_read;
	k->rd.free = rd_plain_free;
	k->inner = inner;
	k->off = 0;
	k->len = 0;
	k->eof = 0;
	return &k->rd;
}

enum dw_err
rd_peek(struct rd *r, size_t n, const void **p, size_t *len,
    struct dw_error *e)
{
	struct rd_peek *k = (struct rd_peek *)r;
	size_t got;
	enum dw_err err;

	if (n > RD_PEEK_MAX)
		n = RD_PEEK_MAX;
	if (k->off > 0) {
		memmove(k->head, k->head + k->off, k->len - k->off);
		k->len -= k->off;
		k->off = 0;
	}
	while (k->len < n && !k->eof) {
		err = rd_read(k->inner, k->head + k->len, n - k->len, &got, e);
		if (err != DW_OK)
			return err;
		if (got == 0)
			k->eof = 1;
		k->len += got;
	}
	*p = k->head;
	*len = k->len < n ? k->len : n;
	return DW_OK;
}
