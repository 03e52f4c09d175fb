/* buf.c: capped growable buffer. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define BUF_MIN_ALLOC 64

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_fini(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static enum dw_err
reserve(struct buf *b, size_t n)
{
	size_t need, ncap;
	char *p;

	if (n > b->max || b->len > b->max - n)
		return DW_ELIMIT;
	need = b->len + n + 1;
	if (need <= b->cap)
		return DW_OK;
	ncap = b->cap < BUF_MIN_ALLOC ? BUF_MIN_ALLOC : b->cap;
	while (ncap < need)
		ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	p = realloc(b->data, ncap);
	if (p == NULL)
		return DW_ENOMEM;
	b->data = p;
	b->cap = ncap;
	return DW_OK;
}

enum dw_err
buf_append(struct buf *b, const void *p, size_t n)
{
	enum dw_err err;

	err = reserve(b, n);
	if (err != DW_OK)
		return err;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return DW_OK;
}

enum dw_err
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

enum dw_err
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum dw_err
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum dw_err err;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return DW_EINVAL;
	err = reserve(b, (size_t)n);
	if (err != DW_OK)
		return err;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return DW_OK;
}

char *
buf_steal(struct buf *b, size_t *len)
{
	char *p = b->data;

	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

enum dw_err
buf_read_file(struct buf *b, const char *path, size_t max,
    struct dw_error *e)
{
	char chunk[8192];
	enum dw_err err = DW_OK;
	size_t n;
	FILE *fp;

	buf_init(b, max);
	if ((fp = fopen(path, "rb")) == NULL)
		return dw_fail(e, DW_EIO, "%s: %s", path, strerror(errno));
	while (err == DW_OK && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(b, chunk, n) != DW_OK)
			err = dw_fail(e, DW_ELIMIT, "%s: larger than %zu bytes",
			    path, max);
	if (err == DW_OK && ferror(fp))
		err = dw_fail(e, DW_EIO, "%s: read error", path);
	fclose(fp);
	if (err != DW_OK)
		buf_fini(b);
	return err;
}
