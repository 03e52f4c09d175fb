/*
 * unpack.h: finds the report documents inside whatever arrived (plain XML
 * or JSON, gzip, zip, a MIME message), by magic bytes rather than by names
 * or labels, streaming where the container allows it.
 *
 * Nothing here touches the file system: zip member names are only ever
 * shown, never used as paths.  Every layer is capped; hitting a cap is an
 * error naming the cap, never a truncation.
 */
#ifndef DW_UNPACK_H
#define DW_UNPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "rd.h"

#define UNPACK_MAX_SIZE		((uint64_t)64 << 20)	/* one document */
#define UNPACK_MAX_RATIO	100	/* inflated : compressed, DESIGN.md */
#define UNPACK_RATIO_SLACK	((uint64_t)1 << 20)	/* ratio applies past */
#define UNPACK_MAX_LAYERS	3	/* e.g. MIME > gzip > gzip */
#define UNPACK_MAX_MEMBERS	32	/* zip members */
#define UNPACK_MAX_PARTS	256	/* MIME parts in one message */
#define UNPACK_MAX_DEPTH	16	/* MIME nesting, message/rfc822 too */
#define UNPACK_MAX_MESSAGE	((uint64_t)64 << 20)	/* one e-mail */

struct unpack_limits {
	uint64_t	 max_size;
	unsigned	 max_ratio;
	unsigned	 max_layers;
	unsigned	 max_members;
	unsigned	 max_parts;
	unsigned	 max_depth;
	uint64_t	 max_message;
};

void unpack_limits_default(struct unpack_limits *lim);

enum doc_kind {
	DOC_XML,	/* starts like XML: a candidate aggregate report */
	DOC_JSON,	/* starts like JSON: a candidate SMTP TLS report */
	DOC_FEEDBACK,	/* a message/feedback-report part (RFC 5965 ARF) */
};

struct doc {
	const char	*name;	/* "file.zip!report.xml", "msg.eml#2" */
	enum doc_kind	 kind;
	struct rd	*rd;	/* the decoded, decompressed bytes */
};

/*
 * Called once per document found.  The document and its reader are valid
 * only during the call.  A non-OK return stops unpack with that error; a
 * callback that only wants to note a bad document returns DW_OK.
 */
typedef enum dw_err (*unpack_cb)(void *ctx, const struct doc *d,
    struct dw_error *e);

/*
 * Detects what in holds and calls cb for every document inside it.  Fails
 * with DW_ENOTREPORT when nothing in it can be a report (e.g. "MIME message
 * has no report part (parts: text/plain, image/png)"), DW_ELIMIT on a cap,
 * DW_ESYNTAX on a broken container (bad gzip CRC, truncated zip).
 * Documents already passed to cb before a failure stay passed.
 */
enum dw_err unpack(struct rd *in, const char *name,
    const struct unpack_limits *lim, unpack_cb cb, void *ctx,
    struct dw_error *e);

/* What the first bytes of a stream look like, for the ingest layer. */
enum sniff {
	SNIFF_UNKNOWN, SNIFF_XML, SNIFF_JSON, SNIFF_GZIP, SNIFF_ZIP,
	SNIFF_MBOX, SNIFF_MESSAGE, SNIFF_EMPTY,
};
enum sniff unpack_sniff(const void *head, size_t n);

/*
 * Splits an mbox (mboxrd or mboxo, "From " separator lines) into messages
 * and calls cb with each, unescaping ">From " lines.  A message larger than
 * max_message is passed as msg == NULL with e describing it, and splitting
 * goes on with the next one.  index counts from 1.
 */
typedef enum dw_err (*mbox_cb)(void *ctx, const char *msg, size_t len,
    uint64_t index, const struct dw_error *msgerr);
enum dw_err mbox_each(struct rd *in, uint64_t max_message, mbox_cb cb,
    void *ctx, struct dw_error *e);

#endif
