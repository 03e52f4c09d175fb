/*
 * http.c: /metrics and the upload endpoint on libmicrohttpd.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/buf.h"
#include "base/log.h"
#include "http.h"
#include "ingest/ingest.h"
#include "metrics.h"
#include "store/store.h"

#define HTTP_TIMEOUT	60	/* seconds a connection may idle */
#define HTTP_MAX_CONN	64
#define HTTP_NAME_MAX	200

struct http {
	struct MHD_Daemon	*d;
	struct http_opts	 o;
	char			*token;
	char			*listen;
	char			*store_path;
};

/* Per request: the upload being received. */
struct req {
	struct buf	 body;
	bool		 over;
};

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *type,
    const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, "WWW-Authenticate",
		    "Bearer realm=\"dmarcward\"");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
reply_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	enum MHD_Result ret;

	json_decref(j);
	if (s == NULL)
		return MHD_NO;
	ret = reply(c, status, "application/json", s, strlen(s));
	free(s);
	return ret;
}

static enum MHD_Result
error_json(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return reply_json(c, status, json_pack("{s:s, s:s}", "status",
	    "error", "reason", msg));
}

/* Constant time, whatever the lengths: compares digests. */
static bool
token_ok(const struct http *h, const char *auth)
{
	unsigned char a[32], b[32];
	unsigned int n = 32;

	if (h->token == NULL || auth == NULL ||
	    strncasecmp(auth, "Bearer ", 7) != 0)
		return false;
	auth += 7;
	EVP_Digest(auth, strlen(auth), a, &n, EVP_sha256(), NULL);
	EVP_Digest(h->token, strlen(h->token), b, &n, EVP_sha256(), NULL);
	return CRYPTO_memcmp(a, b, 32) == 0;
}

static void
on_reject(void *ctx, const char *input, const char *doc,
    const struct dw_error *e)
{
	json_t *arr = ctx;
	char in[256], msg[DW_ERRMSG_MAX * 4], d[256];

	log_sanitize(in, sizeof(in), input);
	log_sanitize(msg, sizeof(msg), e->msg);
	if (doc != NULL)
		log_sanitize(d, sizeof(d), doc);
	log_info("upload rejected: %s: %s", in, msg);
	json_array_append_new(arr, json_pack("{s:s?, s:s, s:s}", "document",
	    doc ? d : NULL, "error", dw_strerror(e->code), "reason", msg));
}

/* Ingests one upload and answers with what became of it. */
static enum MHD_Result
ingest_upload(struct http *h, struct MHD_Connection *c, struct req *rq)
{
	const char *qn = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "name");
	struct ingest_stats zero = { 0 }, d;
	struct ingest_opts o;
	struct store *st = NULL;
	struct ingest *in = NULL;
	struct dw_error e;
	char name[HTTP_NAME_MAX + 16], qs[HTTP_NAME_MAX];
	json_t *rej = json_array(), *j;
	enum dw_err err;
	unsigned status;

	log_sanitize(qs, sizeof(qs), qn != NULL ? qn : "");
	snprintf(name, sizeof(name), "upload:%s", qs[0] ? qs : "report");
	ingest_opts_default(&o);
	o.on_reject = on_reject;
	o.ctx = rej;
	o.sample_key = h->o.sample_key;
	dw_error_clear(&e);
	if ((err = store_open(h->store_path, &st, &e)) != DW_OK ||
	    (in = ingest_new(st, &o)) == NULL ||
	    (err = ingest_mem(in, name, rq->body.data, rq->body.len, &e)) !=
	    DW_OK || (err = ingest_finish(in, &e)) != DW_OK) {
		log_warnx("upload %s: %s", name, in == NULL && err == DW_OK ?
		    "out of memory" : e.msg);
		ingest_free(in);
		store_close(st);
		json_decref(rej);
		return error_json(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "the store failed; try again later");
	}
	d = *ingest_stats(in);
	metrics_run(h->o.metrics, h->o.upload_job, time(NULL), &d, 0, 0);
	(void)zero;
	status = d.rejected > 0 ? MHD_HTTP_UNPROCESSABLE_CONTENT : MHD_HTTP_OK;
	j = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
	    "status", d.rejected > 0 ? "rejected" : d.reports_new +
	    d.tls_new + d.failures_new > 0 ? "stored" : "duplicate",
	    "reports_new", (json_int_t)d.reports_new,
	    "reports_duplicate", (json_int_t)d.reports_dup,
	    "tls_reports_new", (json_int_t)d.tls_new,
	    "tls_reports_duplicate", (json_int_t)d.tls_dup,
	    "failures_new", (json_int_t)d.failures_new,
	    "failures_duplicate", (json_int_t)d.failures_dup,
	    "inputs_duplicate", (json_int_t)d.inputs_dup,
	    "records", (json_int_t)d.records, "rejections", rej);
	ingest_free(in);
	store_close(st);
	return reply_json(c, status, j);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *data_size, void **con_cls)
{
	struct http *h = cls;
	struct req *rq = *con_cls;
	struct buf out;
	enum MHD_Result ret;

	(void)version;
	if (strcmp(url, "/metrics") == 0) {
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return error_json(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "use GET");
		buf_init(&out, 16 * 1024 * 1024);
		if (metrics_render(h->o.metrics, time(NULL), &out) != DW_OK) {
			buf_fini(&out);
			return MHD_NO;
		}
		ret = reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4",
		    out.data, out.len);
		buf_fini(&out);
		return ret;
	}
	if (strcmp(url, "/api/v1/reports") != 0)
		return error_json(c, MHD_HTTP_NOT_FOUND, "no such endpoint");
	if (strcmp(method, "POST") != 0)
		return error_json(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST");
	if (rq == NULL) {
		/* Headers are in: check the token before taking a body. */
		if (!token_ok(h, MHD_lookup_connection_value(c,
		    MHD_HEADER_KIND, "Authorization")))
			return error_json(c, MHD_HTTP_UNAUTHORIZED,
			    h->token == NULL ? "uploads are not configured" :
			    "a valid bearer token is required");
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		buf_init(&rq->body, h->o.max_upload);
		*con_cls = rq;
		return MHD_YES;
	}
	if (*data_size > 0) {
		if (!rq->over &&
		    buf_append(&rq->body, data, *data_size) != DW_OK) {
			rq->over = true;
			buf_fini(&rq->body);
		}
		*data_size = 0;
		return MHD_YES;
	}
	if (rq->over)
		return error_json(c, MHD_HTTP_CONTENT_TOO_LARGE,
		    "the upload is over max_upload_mib");
	if (rq->body.len == 0)
		return error_json(c, MHD_HTTP_BAD_REQUEST, "the body is empty");
	return ingest_upload(h, c, rq);
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq == NULL)
		return;
	buf_fini(&rq->body);
	free(rq);
	*con_cls = NULL;
}

/* "ADDR:PORT", IPv4 or [IPv6]. */
static enum dw_err
parse_listen(const char *s, struct sockaddr_storage *ss, struct dw_error *e)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(s, ':');
	char host[64];
	size_t hl;
	unsigned long port;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (colon == NULL || (hl = (size_t)(colon - s)) >= sizeof(host))
		goto bad;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port == 0 || port > 65535)
		goto bad;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			goto bad;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return DW_OK;
	}
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		goto bad;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	return DW_OK;
bad:
	return dw_fail(e, DW_EINVAL, "listen: want IPv4:PORT or [IPv6]:PORT,"
	    " got \"%s\"", s);
}

enum dw_err
http_start(const struct http_opts *o, struct http **out, struct dw_error *e)
{
	struct sockaddr_storage ss;
	struct http *h;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	enum dw_err err;

	*out = NULL;
	if ((err = parse_listen(o->listen, &ss, e)) != DW_OK)
		return err;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	h->o = *o;
	h->token = o->token ? strdup(o->token) : NULL;
	h->store_path = strdup(o->store_path);
	if ((o->token != NULL && h->token == NULL) || h->store_path == NULL) {
		http_stop(h);
		return dw_fail(e, DW_ENOMEM, "out of memory");
	}
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONN,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, h,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		http_stop(h);
		return dw_fail(e, DW_EIO, "cannot listen on %s", o->listen);
	}
	*out = h;
	return DW_OK;
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	if (h->d != NULL)
		MHD_stop_daemon(h->d);
	if (h->token != NULL)
		OPENSSL_cleanse(h->token, strlen(h->token));
	free(h->token);
	free(h->store_path);
	free(h);
}
