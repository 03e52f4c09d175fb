/*
 * http.h: the daemon's HTTP listener (libmicrohttpd, one thread):
 *
 *	GET  /metrics		Prometheus text; no authentication
 *	POST /api/v1/reports	a report file in any wrapping (XML, JSON,
 *				gzip, zip, a MIME message), with
 *				"Authorization: Bearer TOKEN"; ?name=NAME
 *				names the input in the store
 *
 * An upload is ingested at once on a store connection of its own (the
 * store's locking orders it with the daemon's jobs) and committed before
 * the answer, a JSON object:
 *	200 {"status": "stored" | "duplicate", "reports_new": N,
 *	    "tls_reports_new": N, "failures_new": N, ...}
 *	422 {"status": "rejected", "rejections": [{"reason": ...}]}
 *	401 bad or missing token, 413 over max_upload_mib, 404, 405,
 *	503 the store failed.
 */
#ifndef DW_DAEMON_HTTP_H
#define DW_DAEMON_HTTP_H

#include <stdint.h>

#include "base/err.h"

struct metrics;
struct http;

struct http_opts {
	const char	*listen;	/* "ADDR:PORT" */
	const char	*token;		/* NULL: uploads refused */
	const char	*store_path;
	uint64_t	 max_upload;	/* bytes */
	struct metrics	*metrics;
	int		 upload_job;	/* metrics job for uploads */
	const uint8_t	*sample_key;	/* failure report samples sealed to
					   it (borrowed); NULL: none kept */
};

enum dw_err http_start(const struct http_opts *o, struct http **out,
    struct dw_error *e);
void http_stop(struct http *h);	/* NULL is a no-op */

#endif
