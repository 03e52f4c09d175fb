/*
 * ingest_tls.c: SMTP TLS reports from the unpacker to the store
 * (ingest_tls.h).
 */
#include <string.h>

#include <openssl/evp.h>

#include "base/arena.h"
#include "base/buf.h"
#include "report/tlsrpt_json.h"
#include "writer.h"
#include "ingest_tls.h"

/* The whole document into doc; a reader failure sets *rdfail. */
static enum dw_err
read_doc(const struct ingest_tls *t, struct rd *rd, struct buf *doc,
    bool *rdfail, struct dw_error *e)
{
	enum dw_err err;
	size_t got;

	for (;;) {
		if ((err = rd_read(rd, t->iobuf, t->iosz, &got, e)) != DW_OK) {
			*rdfail = true;
			return err;
		}
		if (got == 0)
			return DW_OK;
		if (buf_append(doc, t->iobuf, got) != DW_OK)
			return dw_fail(e, DW_ELIMIT, "JSON document over the "
			    "%zu MiB limit for SMTP TLS reports "
			    "(TLSRPT_MAX_INPUT)", TLSRPT_MAX_INPUT >> 20);
	}
}

enum dw_err
ingest_tls_doc(const struct ingest_tls *t, struct rd *rd, bool *rdfail,
    struct dw_error *e)
{
	struct tlsrpt_report *r;
	struct arena *a = NULL;
	struct buf doc;
	uint8_t sha[32];
	unsigned int shalen = sizeof(sha);
	enum dw_err err;

	buf_init(&doc, TLSRPT_MAX_INPUT);
	if ((err = read_doc(t, rd, &doc, rdfail, e)) != DW_OK)
		goto out;
	if ((a = arena_new(TLSRPT_ARENA_MAX)) == NULL) {
		err = dw_fail(e, DW_ENOMEM, "out of memory");
		goto out;
	}
	if ((err = tlsrpt_json_parse(a, buf_str(&doc), doc.len, &r, e)) !=
	    DW_OK)
		goto out;
	if (t->w == NULL) {
		if (t->sink != NULL)
			t->sink(t->ctx, r);
		goto out;
	}
	if (EVP_Digest(doc.data, doc.len, sha, &shalen, EVP_sha256(), NULL) !=
	    1)
		err = dw_fail(e, DW_ENOMEM, "SHA-256 unavailable");
	else
		err = writer_tls_report(t->w, r, sha, e);
out:
	arena_free(a);
	buf_fini(&doc);
	return err;
}

void
ingest_neither(enum doc_kind kind, struct dw_error *e)
{
	char why[DW_ERRMSG_MAX];

	memcpy(why, e->msg, sizeof(why));
	if (kind == DOC_JSON)
		dw_fail(e, e->code, "not an SMTP TLS report (%s), and not XML, "
		    "so not a DMARC aggregate report", why);
	else if (kind == DOC_XML)
		dw_fail(e, e->code, "not a DMARC aggregate report (%s), and "
		    "not JSON, so not an SMTP TLS report", why);
}
