/*
 * buf.h: a growable byte buffer with a maximum (curl's dynbuf).
 *
 * Every buffer has a cap set at init; an append that would pass it fails
 * with DW_ELIMIT and leaves the buffer as it was, so nothing is ever
 * silently truncated.  The data is always followed by a NUL byte that is not
 * counted in len, so text can be handed to C string functions, but binary
 * content may contain NULs of its own.
 */
#ifndef DW_BUF_H
#define DW_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct buf {
	char	*data;		/* NULL until the first append */
	size_t	 len;
	size_t	 cap;		/* allocated, including the NUL */
	size_t	 max;		/* len never exceeds this */
};

void buf_init(struct buf *b, size_t max);
void buf_fini(struct buf *b);		/* frees; the buffer may be reused */
void buf_reset(struct buf *b);		/* len = 0, keeps memory */
enum dw_err buf_append(struct buf *b, const void *p, size_t n);
enum dw_err buf_putc(struct buf *b, char c);
enum dw_err buf_puts(struct buf *b, const char *s);
enum dw_err buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Takes ownership of the data away from b; the caller frees it. */
char *buf_steal(struct buf *b, size_t *len);
/* Returns data or "" when empty: never NULL. */
const char *buf_str(const struct buf *b);
/*
 * Reads the whole file at path into b (initialized with max), or fails
 * with e naming the file and the reason (DW_EIO, DW_ELIMIT when it is
 * larger than max); b is empty after a failure.
 */
enum dw_err buf_read_file(struct buf *b, const char *path, size_t max,
    struct dw_error *e);

#endif
