/*
 * unpack_int.h: what the layers of the unpacker (unpack.c, gz.c, zip.c,
 * mime.c, mbox.c) share.  Not for use outside src/report/.
 *
 * A layer gets a reader of its container's bytes (borrowed), the name of
 * what it unpacks (borrowed, for document names) and the number of
 * container layers already opened above it.  Content it cannot place
 * gives DW_ENOTREPORT; a container holding several things (zip, MIME)
 * skips such members and fails only when none held a report.
 */
#ifndef DW_UNPACK_INT_H
#define DW_UNPACK_INT_H

#include "../base/buf.h"
#include "unpack.h"

#define UNPACK_NAME_MAX	1024	/* a document's display name */
#define UNPACK_SEEN_MAX	400	/* the "parts: ..." list of an error */
#define UNPACK_F_NOMAIL	0x1	/* don't parse content as mail or mbox */

struct unpack_ctx {
	const struct unpack_limits *lim;
	unpack_cb	 cb;
	void		*cbctx;
	uint64_t	 ndocs;		/* documents passed to cb */
	int		 stopped;	/* cb failed: pass its error up */
};

/* Sniffs in and unpacks whatever it holds. */
enum dw_err unpack_rd(struct unpack_ctx *u, struct rd *in, const char *name,
    unsigned layer, int flags, struct dw_error *e);
/* Passes one document to the callback. */
enum dw_err unpack_emit(struct unpack_ctx *u, struct rd *rd,
    const char *name, enum doc_kind kind, struct dw_error *e);
/* Fails with DW_ELIMIT when opening one more layer passes the limit. */
enum dw_err unpack_layer(const struct unpack_ctx *u, unsigned layer,
    const char *what, struct dw_error *e);

enum dw_err gz_unpack(struct unpack_ctx *u, struct rd *in, const char *name,
    unsigned layer, struct dw_error *e);
enum dw_err zip_unpack(struct unpack_ctx *u, struct rd *in,
    const char *name, unsigned layer, struct dw_error *e);
enum dw_err mime_unpack(struct unpack_ctx *u, struct rd *in,
    const char *name, unsigned layer, struct dw_error *e);
enum dw_err mbox_unpack(struct unpack_ctx *u, struct rd *in,
    const char *name, unsigned layer, struct dw_error *e);

/* What unknown content looks like: "PDF document", "unknown content". */
const char *unpack_what(const void *head, size_t n);
/* "64 MiB" or "1000 bytes", into out. */
const char *unpack_size_str(uint64_t v, char *out, size_t outlen);
/*
 * Appends s (n bytes) to b for display: control characters become '?',
 * and more than max bytes are cut with "...".
 */
void unpack_name_append(struct buf *b, const char *s, size_t n, size_t max);
/* Adds what to a comma-separated list in b once, within b's cap. */
void unpack_seen_add(struct buf *b, const char *what);
/* Prefixes e's message with pre (e.g. "gzip content: "). */
void unpack_err_prefix(struct dw_error *e, const char *pre);

#endif
