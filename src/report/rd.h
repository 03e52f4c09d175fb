/*
 * rd.h: a pull reader, the one stream abstraction of the unpacking layer.
 *
 * read() fills up to cap bytes and sets *got; *got == 0 with DW_OK is end of
 * stream.  Readers stack: a gzip reader reads from the reader below it.  A
 * reader borrows what it reads from (a descriptor, memory, an inner reader)
 * unless its constructor says otherwise; rd_free(NULL) is a no-op.
 */
#ifndef DW_RD_H
#define DW_RD_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

struct rd {
	enum dw_err (*read)(struct rd *r, void *buf, size_t cap, size_t *got,
	    struct dw_error *e);
	void (*free)(struct rd *r);
};

static inline enum dw_err
rd_read(struct rd *r, void *buf, size_t cap, size_t *got, struct dw_error *e)
{
	return r->read(r, buf, cap, got, e);
}

static inline void
rd_free(struct rd *r)
{
	if (r != NULL)
		r->free(r);
}

/* Reads from fd (borrowed: not closed by rd_free). */
struct rd *rd_fd_new(int fd);
/* Reads p[0..n) (borrowed). */
struct rd *rd_mem_new(const void *p, size_t n);
/*
 * Reads the whole stream into b, failing with DW_ELIMIT when it is longer
 * than b's maximum.
 */
struct buf;
enum dw_err rd_slurp(struct rd *r, struct buf *b, struct dw_error *e);

/*
 * A reader that can look ahead without consuming: rd_peek() makes up to n
 * (at most RD_PEEK_MAX) bytes available at *p, and the following reads
 * return them again.  *len < n only at the end of the stream.  The peek
 * reader borrows inner; *p stays valid until the next call on r.
 */
#define RD_PEEK_MAX	4096
struct rd *rd_peek_new(struct rd *inner);
enum dw_err rd_peek(struct rd *r, size_t n, const void **p, size_t *len,
    struct dw_error *e);

#endif
