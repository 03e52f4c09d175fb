/*
 * mtasts_fetch.c: the MTA-STS policy over HTTPS with libcurl, pinned to
 * public addresses, and the MX comparison.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "base/buf.h"
#include "net/mtasts_fetch.h"
#include "net/net_tls.h"

struct fetch {
	struct arena			*a;
	const struct net_opts		*o;
	struct mtasts_fetch_result	*r;
	CURL				*h;
	struct net_addr			 addrs[NET_ADDR_MAX];
	size_t				 naddrs;
	struct buf			 body;
	enum dw_err			 body_err; /* why on_body stopped */
	bool				 not_policy; /* stopped: not 200 */
	bool				 refused_socket;
	struct net_tls_check		 tls;
	char				 errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void
curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

const char *
mtasts_fetch_outcome_name(enum mtasts_fetch_outcome o)
{
	static const char *const names[] = {
		[MTASTS_FETCH_OK] = "fetched",
		[MTASTS_FETCH_UNREACHABLE] = "unreachable",
		[MTASTS_FETCH_TLS] = "tls-failed",
		[MTASTS_FETCH_HTTP] = "no-policy",
	};

	if ((size_t)o >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[o];
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct fetch *f = arg;
	size_t n = size * nmemb;
	long code = 0;

	curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200) {
		f->not_policy = true;	/* no policy: stop reading */
		return 0;
	}
	f->body_err = buf_append(&f->body, p, n);
	return f->body_err == DW_OK ? n : 0;
}

static bool
sockaddr_addr(const struct sockaddr *sa, struct net_addr *ad)
{
	memset(ad, 0, sizeof(*ad));
	if (sa->sa_family == AF_INET) {
		memcpy(ad->a, &((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		ad->v6 = true;
		memcpy(ad->a, &((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr, 16);
		return true;
	}
	return false;
}

/* Only a pinned, admitted address gets a socket. */
static curl_socket_t
on_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *csa)
{
	struct fetch *f = arg;
	struct net_addr ad;
	size_t i;

	if (purpose == CURLSOCKTYPE_IPCXN && sockaddr_addr(&csa->addr, &ad) &&
	    net_addr_allowed(&ad, f->o->allow_loopback)) {
		for (i = 0; i < f->naddrs; i++)
			if (f->addrs[i].v6 == ad.v6 &&
			    memcmp(f->addrs[i].a, ad.a, 16) == 0)
				return socket(csa->family, csa->socktype |
				    SOCK_CLOEXEC, csa->protocol);
	}
	f->refused_socket = true;
	return CURL_SOCKET_BAD;
}

static CURLcode
on_ssl_ctx(CURL *h, void *ctx, void *arg)
{
	struct fetch *f = arg;

	(void)h;
	return net_tls_attach(ctx, &f->tls) == DW_OK ? CURLE_OK :
	    CURLE_SSL_CERTPROBLEM;
}

/* "host:port:a1,[a2]" for CURLOPT_RESOLVE. */
static struct curl_slist *
pin_list(struct fetch *f, unsigned port)
{
	struct buf b;
	struct curl_slist *l = NULL;
	char s[NET_ADDR_STRLEN];
	size_t i;
	enum dw_err err;

	buf_init(&b, DNS_NAME_MAX + 16 + NET_ADDR_MAX * (NET_ADDR_STRLEN + 3));
	err = buf_printf(&b, "%s:%u:", f->r->host, port);
	for (i = 0; err == DW_OK && i < f->naddrs; i++)
		err = buf_printf(&b, f->addrs[i].v6 ? "%s[%s]" : "%s%s",
		    i > 0 ? "," : "", net_addr_format(&f->addrs[i], s,
		    sizeof(s)));
	if (err == DW_OK)
		l = curl_slist_append(NULL, buf_str(&b));
	buf_fini(&b);
	return l;
}

static bool
setup(struct fetch *f, struct curl_slist *pins)
{
	const struct net_opts *o = f->o;
	CURL *h = f->h;
	CURLcode rc = CURLE_OK;

#define SET(opt, val) do { if (rc == CURLE_OK) \
	rc = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_URL, f->r->url);
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_MAXREDIRS, 0L);
	SET(CURLOPT_RESOLVE, pins);
	SET(CURLOPT_OPENSOCKETFUNCTION, on_socket);
	SET(CURLOPT_OPENSOCKETDATA, f);
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_NOPROXY, "*");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)net_connect_timeout_ms(o));
	SET(CURLOPT_TIMEOUT_MS, (long)net_timeout_ms(o));
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MTASTS_POLICY_MAX);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, f);
	SET(CURLOPT_ERRORBUFFER, f->errbuf);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_USERAGENT, "dmarcward-mta-sts");
	if (o->ca_file != NULL) {
		SET(CURLOPT_CAINFO, o->ca_file);
		SET(CURLOPT_CAPATH, NULL);
	}
#undef SET
	if (rc != CURLE_OK)
		return false;
	/* Certificate details need the OpenSSL backend; without it the
	 * fetch still validates, only the diagnostics are less specific. */
	if (curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) ==
	    CURLE_OK)
		curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, f);
	return true;
}

static bool
text_plain(const char *ct)
{
	static const char want[] = "text/plain";

	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, sizeof(want) - 1) != 0)
		return false;
	ct += sizeof(want) - 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static bool
has_validity_diag(const struct net_diags *nd)
{
	return net_diags_find(nd, NET_CERT_UNTRUSTED) != NULL ||
	    net_diags_find(nd, NET_CERT_EXPIRED) != NULL ||
	    net_diags_find(nd, NET_CERT_NOT_YET_VALID) != NULL ||
	    net_diags_find(nd, NET_CERT_NAME) != NULL;
}

/* Certificate problems after a failed or finished handshake; when the
 * handshake failed on the certificate and the recorded one shows no
 * specific fault, libcurl's own words say why. */
static enum dw_err
cert_diags(struct fetch *f, bool verify_failed)
{
	struct mtasts_fetch_result *r = f->r;
	const char *why;
	enum dw_err err;

	err = net_tls_inspect(&f->tls, NULL, r->host, f->a, &r->cert);
	if (err == DW_ENOTFOUND) {
		err = DW_OK;
	} else if (err == DW_OK) {
		r->have_cert = true;
		err = net_tls_cert_diags(f->a, &r->diags, r->host, r->host,
		    &r->cert, -1);
	}
	if (err != DW_OK || !verify_failed || has_validity_diag(&r->diags))
		return err;
	why = net_escape(f->a, f->errbuf, strlen(f->errbuf), NET_TEXT_MAX);
	if (why == NULL)
		return net_nomem(f->a);
	return net_diag_add(f->a, &r->diags, NET_CERT_UNTRUSTED, -1,
	    "%s: certificate refused: %s", r->host, why);
}

/* What a failed transfer means. */
static enum dw_err
transfer_failed(struct fetch *f, CURLcode rc)
{
	struct mtasts_fetch_result *r = f->r;
	const char *h = r->host, *why = f->errbuf[0] != '\0' ? f->errbuf :
	    curl_easy_strerror(rc);

	why = net_escape(f->a, why, strlen(why), NET_TEXT_MAX);
	if (why == NULL)
		return net_nomem(f->a);

	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		r->outcome = MTASTS_FETCH_TLS;
		return cert_diags(f, true);
	case CURLE_SSL_CONNECT_ERROR:
		r->outcome = MTASTS_FETCH_TLS;
		return net_diag_add(f->a, &r->diags, NET_TLS_HANDSHAKE, -1,
		    "%s: TLS handshake failed: %s", h, why);
	case CURLE_OPERATION_TIMEDOUT:
		r->outcome = MTASTS_FETCH_UNREACHABLE;
		return net_diag_add(f->a, &r->diags, NET_TIMEOUT, -1,
		    "%s: no complete answer within %u ms: %s", h,
		    net_timeout_ms(f->o), why);
	case CURLE_COULDNT_CONNECT:
		r->outcome = MTASTS_FETCH_UNREACHABLE;
		return net_diag_add(f->a, &r->diags, NET_CONNECT, -1,
		    "%s: %s", h, f->refused_socket ?
		    "connection to an unpinned address refused" : why);
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_WRITE_ERROR:
		r->outcome = MTASTS_FETCH_HTTP;
		if (f->body_err == DW_ENOMEM)
			return DW_ENOMEM;
		return net_diag_add(f->a, &r->diags, NET_STS_TOO_LARGE, -1,
		    "%s: policy body over %d bytes", h, MTASTS_POLICY_MAX);
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		r->outcome = MTASTS_FETCH_HTTP;
		return net_diag_add(f->a, &r->diags, NET_CLOSED, -1,
		    "%s: %s", h, why);
	default:
		r->outcome = MTASTS_FETCH_HTTP;
		return net_diag_add(f->a, &r->diags, NET_STS_HTTP_ERROR, -1,
		    "%s: %s", h, why);
	}
}

/* A first diag id, to name why the parsed policy is invalid. */
static const char *
first_error(const struct diag_list *dl)
{
	size_t i;

	for (i = 0; i < dl->n; i++)
		if (dl->d[i].sev == DIAG_ERR)
			return diag_id(dl->d[i].code);
	return "invalid";
}

static enum dw_err
parse_body(struct fetch *f)
{
	struct mtasts_fetch_result *r = f->r;
	enum dw_err err;

	r->body_len = f->body.len;
	r->body = arena_strndup(f->a, buf_str(&f->body), f->body.len);
	if (r->body == NULL)
		return net_nomem(f->a);
	err = mtasts_policy_parse(f->a, r->body, r->body_len, &r->policy,
	    &r->policy_diags);
	if (err != DW_OK)
		return err;
	if (r->policy->status != REC_VALID)
		return net_diag_add(f->a, &r->diags, NET_STS_POLICY_INVALID,
		    -1, "%s: the policy is invalid (%s)", r->host,
		    first_error(&r->policy_diags));
	return DW_OK;
}

/* The transfer finished: status, type, body. */
static enum dw_err
response(struct fetch *f)
{
	struct mtasts_fetch_result *r = f->r;
	char *ct = NULL, *loc = NULL;
	enum dw_err err = DW_OK;

	struct curl_header *hd;

	curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &r->http_status);
	curl_easy_getinfo(f->h, CURLINFO_CONTENT_TYPE, &ct);
	/* From the header itself: libcurl computes its redirect URL only
	 * for a transfer that finished, and this one may have been cut. */
	if (curl_easy_header(f->h, "Location", 0, CURLH_HEADER, -1, &hd) ==
	    CURLHE_OK)
		loc = hd->value;
	if (ct != NULL)
		r->content_type = net_escape(f->a, ct, strlen(ct),
		    NET_TEXT_MAX);
	if (loc != NULL)
		r->location = net_escape(f->a, loc, strlen(loc),
		    NET_TEXT_MAX);
	if ((ct != NULL && r->content_type == NULL) ||
	    (loc != NULL && r->location == NULL))
		return net_nomem(f->a);
	r->outcome = MTASTS_FETCH_HTTP;
	if (r->http_status >= 300 && r->http_status < 400)
		return net_diag_add(f->a, &r->diags, NET_STS_REDIRECT, -1,
		    "%s: HTTP %ld redirect to %s, not followed", r->host,
		    r->http_status, r->location != NULL ? r->location :
		    "(no Location)");
	if (r->http_status != 200)
		return net_diag_add(f->a, &r->diags, NET_STS_HTTP_STATUS, -1,
		    "%s: HTTP status %ld for %s", r->host, r->http_status,
		    MTASTS_FETCH_PATH);
	if (ct == NULL || !text_plain(ct))
		err = net_diag_add(f->a, &r->diags, NET_STS_CONTENT_TYPE, -1,
		    "%s: Content-Type is %s, not text/plain", r->host,
		    r->content_type != NULL ? r->content_type : "missing");
	else
		r->outcome = MTASTS_FETCH_OK;
	if (err == DW_OK)
		err = parse_body(f);
	return err;
}

static enum dw_err
run(struct fetch *f)
{
	struct mtasts_fetch_result *r = f->r;
	struct curl_slist *pins;
	curl_off_t connect_us = 0;
	long status = 0;
	char *ip = NULL;
	CURLcode rc;
	enum dw_err err;

	pins = pin_list(f, f->o->port != 0 ? f->o->port : MTASTS_FETCH_PORT);
	if (pins == NULL)
		return DW_ENOMEM;
	if (!setup(f, pins)) {
		curl_slist_free_all(pins);
		return DW_EINVAL;
	}
	rc = curl_easy_perform(f->h);
	curl_easy_getinfo(f->h, CURLINFO_CONNECT_TIME_T, &connect_us);
	curl_easy_getinfo(f->h, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &status);
	r->connected = connect_us > 0 && ip != NULL &&
	    net_addr_parse(ip, &r->addr);
	/* A status other than 200 is the answer, whatever its body did:
	 * on_body stopped reading it, or it announced too large a size. */
	if (rc == CURLE_OK || (status != 0 && status != 200 &&
	    (f->not_policy || rc == CURLE_FILESIZE_EXCEEDED)))
		err = response(f);
	else
		err = transfer_failed(f, rc);
	if (err == DW_OK && status != 0)
		err = cert_diags(f, false);
	curl_slist_free_all(pins);
	return err;
}

/* host = "mta-sts." + domain, lower case, no final dot. */
static enum dw_err
names(struct fetch *f, const char *domain)
{
	size_t len = strlen(domain), plen = strlen(MTASTS_FETCH_PREFIX), i;
	unsigned port = f->o->port != 0 ? f->o->port : MTASTS_FETCH_PORT;
	char *host, portstr[8] = "";
	struct buf b;
	enum dw_err err;

	if (!net_host_ok(domain))
		return DW_EINVAL;
	if (domain[len - 1] == '.')
		len--;
	if (len + plen > DNS_NAME_MAX)
		return DW_EINVAL;
	host = arena_alloc(f->a, len + plen + 1);
	if (host == NULL)
		return net_nomem(f->a);
	memcpy(host, MTASTS_FETCH_PREFIX, plen);
	for (i = 0; i < len; i++)
		host[plen + i] = (char)tolower((unsigned char)domain[i]);
	host[plen + len] = '\0';
	f->r->host = host;
	if (port != MTASTS_FETCH_PORT)
		snprintf(portstr, sizeof(portstr), ":%u", port);
	buf_init(&b, DNS_NAME_MAX + 64);
	err = buf_printf(&b, "https://%s%s%s", host, portstr,
	    MTASTS_FETCH_PATH);
	if (err == DW_OK)
		f->r->url = arena_strdup(f->a, buf_str(&b));
	buf_fini(&b);
	if (err == DW_OK && f->r->url == NULL)
		err = net_nomem(f->a);
	return err;
}

enum dw_err
mtasts_fetch(struct arena *a, const char *domain, const struct net_opts *o,
    struct mtasts_fetch_result *out)
{
	struct fetch *f;
	size_t skipped;
	int64_t start = net_now_ms();
	enum dw_err err;

	memset(out, 0, sizeof(*out));
	diag_list_init(&out->policy_diags);
	out->outcome = MTASTS_FETCH_UNREACHABLE;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return DW_ENOMEM;
	f = arena_zalloc(a, sizeof(*f));
	if (f == NULL)
		return net_nomem(a);
	f->a = a;
	f->o = o;
	f->r = out;
	err = net_opts_check(o);
	if (err == DW_OK)
		err = names(f, domain);
	if (err == DW_OK)
		err = net_resolve(o, a, out->host, f->addrs, &f->naddrs,
		    &skipped, &out->diags);
	if (err != DW_OK || f->naddrs == 0)
		goto out;
	f->h = curl_easy_init();
	if (f->h == NULL) {
		err = DW_ENOMEM;
		goto out;
	}
	buf_init(&f->body, MTASTS_POLICY_MAX);
	err = run(f);
	buf_fini(&f->body);
	curl_easy_cleanup(f->h);
	net_tls_check_fini(&f->tls);
out:
	out->elapsed_ms = net_now_ms() - start;
	return err;
}

enum dw_err
mtasts_mx_compare(struct arena *a, const struct mtasts_policy *p,
    const char *const *mx, size_t nmx, struct mtasts_mx_cmp *out,
    struct net_diags *nd)
{
	int sev = p->mode == MTASTS_MODE_ENFORCE ? DIAG_ERR :
	    p->mode == MTASTS_MODE_TESTING ? DIAG_WARN : DIAG_INFO;
	size_t i, j, real = 0, len;
	enum dw_err err = DW_OK;

	memset(out, 0, sizeof(*out));
	out->nmx = nmx;
	out->npatterns = p->nmx;
	out->covered = arena_zalloc(a, nmx * sizeof(bool) + 1);
	out->used = arena_zalloc(a, p->nmx * sizeof(bool) + 1);
	if (out->covered == NULL || out->used == NULL)
		return net_nomem(a);
	for (i = 0; i < nmx && err == DW_OK; i++) {
		len = strlen(mx[i]);
		if (len == 0 || strcmp(mx[i], ".") == 0)
			continue;	/* null MX: no mail at all */
		real++;
		for (j = 0; j < p->nmx; j++)
			if (mtasts_pattern_match(p->mx[j], mx[i], len))
				out->covered[i] = out->used[j] = true;
		if (out->covered[i])
			continue;
		out->uncovered++;
		err = net_diag_add(a, nd, NET_STS_MX_NOT_COVERED, sev,
		    "MX %s matches no mx pattern of the policy",
		    net_escape(a, mx[i], len, NET_TEXT_MAX));
	}
	for (j = 0; j < p->nmx && err == DW_OK && real > 0; j++)
		if (!out->used[j])
			err = net_diag_add(a, nd, NET_STS_MX_UNUSED, -1,
			    "policy pattern mx: %s matches no MX host",
			    p->mx[j]);
	if (err == DW_OK && real == 0)
		err = net_diag_add(a, nd, NET_STS_NO_MX, -1,
		    "the domain has no MX host for the policy to cover");
	return err;
}
