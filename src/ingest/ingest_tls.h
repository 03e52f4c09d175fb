/*
 * ingest_tls.h: SMTP TLS reports for ingest.c; not for other callers.
 *
 * A JSON document found by the unpacker is read whole (TLS reports are
 * small, and jansson parses from memory), capped at TLSRPT_MAX_INPUT,
 * parsed into an arena, and handed to the store's writer with the
 * SHA-256 of the document, or to a sink when nothing is stored.
 */
#ifndef DW_INGEST_TLS_H
#define DW_INGEST_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/err.h"
#include "../report/rd.h"
#include "../report/tlsrpt.h"
#include "../report/unpack.h"

struct writer;

struct ingest_tls {
	struct writer	*w;		/* NULL: parse only */
	void		(*sink)(void *ctx, const struct tlsrpt_report *r);
	void		*ctx;
	char		*iobuf;		/* scratch, borrowed */
	size_t		 iosz;
};

/*
 * Reads, parses and stores the TLS report in rd.  DW_OK when it parsed
 * whole (the writer decides whether it is new).  Otherwise e says why:
 * *rdfail set when the reader (the container) failed, not the report.
 */
enum dw_err ingest_tls_doc(const struct ingest_tls *t, struct rd *rd,
    bool *rdfail, struct dw_error *e);

/*
 * For a document that is no report of the kind its first bytes promised
 * (DW_ENOTREPORT): says in e that the other kind was ruled out too, e.g.
 * "not an SMTP TLS report (...), and not XML, so not a DMARC aggregate
 * report".
 */
void ingest_neither(enum doc_kind kind, struct dw_error *e);

#endif
