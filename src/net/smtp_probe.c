/*
 * smtp_probe.c: EHLO, STARTTLS and the TLS an MX negotiates, over a
 * non-blocking socket with a deadline on every step.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "net/net_tls.h"
#include "net/smtp_probe.h"
#include "net/smtp_reply.h"

#define SMTP_PROBE_TRIES	4	/* addresses tried for a connection */
#define SMTP_QUIT_TIMEOUT_MS	2000	/* QUIT is a courtesy: short */
#define SMTP_WHO_MAX		(DNS_NAME_MAX + NET_ADDR_STRLEN + 16)

struct probe {
	struct arena			*a;
	const struct smtp_probe_opts	*o;
	struct smtp_probe_result	*r;
	int				 fd;
	SSL_CTX				*ctx;
	SSL				*ssl;
	struct net_tls_check		 tls;
	char				 who[SMTP_WHO_MAX];	/* for diags */
	char				 in[SMTP_REPLY_MAX];
	size_t				 inlen;
	struct smtp_reply		 reply;
	size_t				 used;	/* bytes of reply in in[] */
	bool				 talking; /* last reply read well */
};

/* What an I/O wait or transfer came to. */
enum io { IO_OK, IO_TIMEOUT, IO_CLOSED, IO_ERROR };

const char *
smtp_probe_outcome_name(enum smtp_probe_outcome o)
{
	static const char *const names[] = {
		[SMTP_PROBE_TLS] = "starttls",
		[SMTP_PROBE_NO_STARTTLS] = "no-starttls",
		[SMTP_PROBE_UNREACHABLE] = "unreachable",
		[SMTP_PROBE_SMTP_ERROR] = "smtp-error",
		[SMTP_PROBE_TLS_FAILED] = "tls-failed",
	};

	if ((size_t)o >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[o];
}

/* ---- a socket BIO whose writes never raise SIGPIPE ---- */

static pthread_once_t bio_once = PTHREAD_ONCE_INIT;
static BIO_METHOD *bio_method;

static int
bio_write(BIO *b, const char *data, int len)
{
	int fd = (int)(intptr_t)BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	n = send(fd, data, (size_t)len, MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		BIO_set_retry_write(b);
	return (int)n;
}

static int
bio_read(BIO *b, char *data, int len)
{
	int fd = (int)(intptr_t)BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	n = recv(fd, data, (size_t)len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		BIO_set_retry_read(b);
	return (int)n;
}

static long
bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static void
bio_init(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() |
	    BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "dmarcward socket");

	if (m == NULL)
		return;
	if (BIO_meth_set_write(m, bio_write) != 1 ||
	    BIO_meth_set_read(m, bio_read) != 1 ||
	    BIO_meth_set_ctrl(m, bio_ctrl) != 1) {
		BIO_meth_free(m);
		return;
	}
	bio_method = m;
}

/* ---- waiting and moving bytes ---- */

static enum io
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = { fd, events, 0 };
	int64_t left;
	int n;

	for (;;) {
		left = deadline - net_now_ms();
		if (left <= 0)
			return IO_TIMEOUT;
		n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return IO_OK;
		if (n == 0)
			return IO_TIMEOUT;
		if (errno != EINTR)
			return IO_ERROR;
	}
}

/* After an SSL call returned rc: wait for what it wants. */
static enum io
tls_wait(struct probe *p, int rc, int64_t deadline)
{
	switch (SSL_get_error(p->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(p->fd, POLLIN, deadline);
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(p->fd, POLLOUT, deadline);
	case SSL_ERROR_ZERO_RETURN:
		return IO_CLOSED;
	case SSL_ERROR_SYSCALL:
		return ERR_peek_error() == 0 ? IO_CLOSED : IO_ERROR;
	default:
		return IO_ERROR;
	}
}

static enum io
io_write(struct probe *p, const char *s, size_t len, int64_t deadline)
{
	enum io st;
	ssize_t n;
	int rc;

	while (len > 0) {
		if (p->ssl != NULL) {
			rc = SSL_write(p->ssl, s, (int)len);
			if (rc <= 0) {
				st = tls_wait(p, rc, deadline);
				if (st != IO_OK)
					return st;
				continue;
			}
			n = rc;
		} else {
			n = send(p->fd, s, len, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				st = wait_fd(p->fd, POLLOUT, deadline);
				if (st != IO_OK)
					return st;
				continue;
			}
			if (n < 0)
				return errno == EPIPE || errno == ECONNRESET ?
				    IO_CLOSED : IO_ERROR;
		}
		s += n;
		len -= (size_t)n;
	}
	return IO_OK;
}

/* Appends what arrives to in[]; the caller has checked there is room. */
static enum io
io_read(struct probe *p, int64_t deadline)
{
	size_t room = sizeof(p->in) - p->inlen;
	enum io st;
	ssize_t n;
	int rc;

	for (;;) {
		if (p->ssl != NULL) {
			rc = SSL_read(p->ssl, p->in + p->inlen, (int)room);
			if (rc > 0) {
				p->inlen += (size_t)rc;
				return IO_OK;
			}
			st = tls_wait(p, rc, deadline);
		} else {
			n = recv(p->fd, p->in + p->inlen, room, 0);
			if (n > 0) {
				p->inlen += (size_t)n;
				return IO_OK;
			}
			if (n == 0)
				return IO_CLOSED;
			if (errno != EAGAIN && errno != EINTR)
				return errno == ECONNRESET ? IO_CLOSED :
				    IO_ERROR;
			st = wait_fd(p->fd, POLLIN, deadline);
		}
		if (st != IO_OK)
			return st;
	}
}

static void
consume(struct probe *p)
{
	memmove(p->in, p->in + p->used, p->inlen - p->used);
	p->inlen -= p->used;
	p->used = 0;
}

static enum dw_err
fail(struct probe *p, enum net_code c, const char *step, const char *why)
{
	p->r->outcome = SMTP_PROBE_SMTP_ERROR;
	return net_diag_add(p->a, &p->r->diags, c, -1, "%s: %s: %s", p->who,
	    step, why);
}

static enum dw_err
io_fail(struct probe *p, enum io st, const char *step)
{
	char why[256];

	p->talking = false;
	if (st == IO_TIMEOUT) {
		snprintf(why, sizeof(why), "no answer within %u ms",
		    net_timeout_ms(&p->o->net));
		return fail(p, NET_TIMEOUT, step, why);
	}
	if (st == IO_CLOSED)
		return fail(p, NET_CLOSED, step, "connection closed");
	if (p->ssl != NULL)
		return fail(p, NET_CLOSED, step, net_tls_error(why,
		    sizeof(why), "TLS error"));
	return fail(p, NET_CLOSED, step, strerror(errno));
}

/*
 * One whole reply into p->reply (p->used bytes of in[]); *ok false when
 * there is none, with the diagnostic added.
 */
static enum dw_err
read_reply(struct probe *p, const char *step, unsigned ms, bool *ok)
{
	int64_t deadline = net_now_ms() + ms;
	enum smtp_reply_status st;
	enum io io;
	char why[128];

	*ok = p->talking = false;
	for (;;) {
		st = smtp_reply_parse(p->in, p->inlen, &p->reply, &p->used);
		if (st == SMTP_REPLY_DONE) {
			*ok = p->talking = true;
			return DW_OK;
		}
		if (st == SMTP_REPLY_LINE_TOO_LONG ||
		    st == SMTP_REPLY_TOO_MANY_LINES)
			return fail(p, NET_SMTP_REPLY_TOO_LONG, step,
			    smtp_reply_status_name(st));
		if (st != SMTP_REPLY_MORE) {
			snprintf(why, sizeof(why), "%s at byte %zu",
			    smtp_reply_status_name(st), p->reply.err_off);
			return fail(p, NET_SMTP_BAD_REPLY, step, why);
		}
		if (p->inlen >= sizeof(p->in))
			return fail(p, NET_SMTP_REPLY_TOO_LONG, step,
			    smtp_reply_status_name(SMTP_REPLY_TOO_MANY_LINES));
		io = io_read(p, deadline);
		if (io != IO_OK)
			return io_fail(p, io, step);
	}
}

/* Sends line (CRLF added) and reads the reply. */
static enum dw_err
command(struct probe *p, const char *line, const char *step, bool *ok)
{
	char cmd[SMTP_LINE_MAX];
	unsigned ms = net_timeout_ms(&p->o->net);
	int n = snprintf(cmd, sizeof(cmd), "%s\r\n", line);
	enum io io;

	*ok = false;
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return DW_EINVAL;
	io = io_write(p, cmd, (size_t)n, net_now_ms() + ms);
	if (io != IO_OK)
		return io_fail(p, io, step);
	return read_reply(p, step, ms, ok);
}

/* The first line of the reply, escaped, for a diagnostic. */
static const char *
reply_text(struct probe *p)
{
	const struct smtp_line *l = &p->reply.line[0];
	const char *s = net_escape(p->a, l->text, l->len, NET_TEXT_MAX);

	return s != NULL ? s : "";
}

/* ---- the connection ---- */

static int
tcp_connect(const struct net_addr *ad, uint16_t port, int64_t deadline,
    enum io *st)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len, elen = sizeof(int);
	int fd, e = 0;

	memset(&ss, 0, sizeof(ss));
	if (ad->v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, ad->a, 16);
		len = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, ad->a, 4);
		len = sizeof(*s4);
	}
	*st = IO_ERROR;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
		*st = IO_OK;
		return fd;
	}
	if (errno == EINPROGRESS) {
		*st = wait_fd(fd, POLLOUT, deadline);
		if (*st == IO_OK && (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
		    &elen) != 0 || e != 0)) {
			errno = e != 0 ? e : errno;
			*st = IO_ERROR;
		}
	}
	if (*st == IO_OK)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* Tries the admitted addresses in turn; false when none answered. */
static enum dw_err
connect_any(struct probe *p, const struct net_addr *addrs, size_t n,
    bool *ok)
{
	struct smtp_probe_result *r = p->r;
	unsigned ms = net_connect_timeout_ms(&p->o->net);
	char s[NET_ADDR_STRLEN];
	enum dw_err err;
	enum io st;
	size_t i;
	int e;

	*ok = false;
	for (i = 0; i < n && i < SMTP_PROBE_TRIES; i++) {
		p->fd = tcp_connect(&addrs[i], r->port, net_now_ms() + ms, &st);
		e = errno;
		net_addr_format(&addrs[i], s, sizeof(s));
		snprintf(p->who, sizeof(p->who), addrs[i].v6 ? "%s [%s]:%u" :
		    "%s %s:%u", r->host, s, (unsigned)r->port);
		if (p->fd >= 0) {
			r->connected = true;
			r->addr = addrs[i];
			*ok = true;
			return DW_OK;
		}
		if (st == IO_TIMEOUT)
			err = net_diag_add(p->a, &r->diags, NET_TIMEOUT, -1,
			    "%s: no TCP connection within %u ms", p->who, ms);
		else
			err = net_diag_add(p->a, &r->diags, NET_CONNECT, -1,
			    "%s: %s", p->who, strerror(e));
		if (err != DW_OK)
			return err;
	}
	return DW_OK;
}

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" of the local end (§4.1.3). */
static void
ehlo_name(struct probe *p, char *out, size_t sz)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct net_addr ad;
	char s[NET_ADDR_STRLEN];

	if (p->o->ehlo_name != NULL) {
		snprintf(out, sz, "%s", p->o->ehlo_name);
		return;
	}
	memset(&ad, 0, sizeof(ad));
	if (getsockname(p->fd, (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family == AF_INET6) {
		ad.v6 = true;
		memcpy(ad.a, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
		snprintf(out, sz, "[IPv6:%s]", net_addr_format(&ad, s,
		    sizeof(s)));
		return;
	}
	if (ss.ss_family == AF_INET)
		memcpy(ad.a, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	snprintf(out, sz, "[%s]", net_addr_format(&ad, s, sizeof(s)));
}

/* The EHLO keywords, escaped. */
static enum dw_err
keep_ext(struct probe *p)
{
	struct smtp_probe_result *r = p->r;
	const struct smtp_line *l;
	const char *sp;
	size_t i, n;

	for (i = 1; i < p->reply.nlines; i++) {
		if (r->next >= SMTP_PROBE_EXT_MAX) {
			r->ext_dropped++;
			continue;
		}
		l = &p->reply.line[i];
		sp = memchr(l->text, ' ', l->len);
		n = sp != NULL ? (size_t)(sp - l->text) : l->len;
		r->ext[r->next] = net_escape(p->a, l->text, n, NET_TEXT_MAX);
		if (r->ext[r->next] == NULL)
			return net_nomem(p->a);
		r->next++;
	}
	return DW_OK;
}

/* Greeting and EHLO; *ok when STARTTLS may be tried. */
static enum dw_err
smtp_hello(struct probe *p, bool *ok)
{
	struct smtp_probe_result *r = p->r;
	char name[DNS_NAME_MAX + 16], line[DNS_NAME_MAX + 32];
	enum dw_err err;

	err = read_reply(p, "greeting", net_timeout_ms(&p->o->net), ok);
	if (err != DW_OK || !*ok)
		return err;
	*ok = false;
	r->greeting_code = p->reply.code;
	r->greeting = reply_text(p);
	if (p->reply.code != 220)
		return fail(p, NET_SMTP_GREETING, "greeting", r->greeting);
	consume(p);
	ehlo_name(p, name, sizeof(name));
	snprintf(line, sizeof(line), "EHLO %s", name);
	err = command(p, line, "EHLO", ok);
	if (err != DW_OK || !*ok)
		return err;
	*ok = false;
	if (p->reply.code != 250)
		return fail(p, NET_SMTP_EHLO_REFUSED, "EHLO", reply_text(p));
	err = keep_ext(p);
	if (err != DW_OK)
		return err;
	r->starttls = smtp_reply_has_ext(&p->reply, "STARTTLS");
	consume(p);
	if (!r->starttls) {
		r->outcome = SMTP_PROBE_NO_STARTTLS;
		return net_diag_add(p->a, &r->diags, NET_SMTP_NO_STARTTLS, -1,
		    "%s: EHLO reply does not offer STARTTLS", p->who);
	}
	*ok = true;
	return DW_OK;
}

/* ---- TLS ---- */

static enum dw_err
tls_setup(struct probe *p)
{
	const char *ca = p->o->net.ca_file;
	BIO *bio;

	pthread_once(&bio_once, bio_init);
	p->ctx = SSL_CTX_new(TLS_client_method());
	if (bio_method == NULL || p->ctx == NULL)
		return DW_ENOMEM;
	/* See what the server offers, old as it may be: the verdicts are
	 * diagnostics, not handshake failures. */
	SSL_CTX_set_security_level(p->ctx, 0);
	if (SSL_CTX_set_min_proto_version(p->ctx, TLS1_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(p->ctx, "ALL:@SECLEVEL=0") != 1)
		return DW_EINVAL;
	SSL_CTX_set_options(p->ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	SSL_CTX_set_verify(p->ctx, SSL_VERIFY_NONE, NULL);
	if (ca != NULL ? SSL_CTX_load_verify_locations(p->ctx, ca, NULL) != 1
	    : SSL_CTX_set_default_verify_paths(p->ctx) != 1)
		return DW_EINVAL;
	p->tls.keep_going = true;
	if (net_tls_attach(p->ctx, &p->tls) != DW_OK)
		return DW_EINVAL;
	p->ssl = SSL_new(p->ctx);
	bio = BIO_new(bio_method);
	if (p->ssl == NULL || bio == NULL) {
		BIO_free(bio);
		return DW_ENOMEM;
	}
	BIO_set_data(bio, (void *)(intptr_t)p->fd);
	BIO_set_init(bio, 1);
	SSL_set_bio(p->ssl, bio, bio);
	if (SSL_set_tlsext_host_name(p->ssl, p->r->host) != 1)
		return DW_EINVAL;
	SSL_set_connect_state(p->ssl);
	return DW_OK;
}

static enum dw_err
tls_handshake(struct probe *p, bool *ok)
{
	int64_t deadline = net_now_ms() + net_timeout_ms(&p->o->net);
	char why[256];
	enum io st;
	int rc;

	*ok = false;
	for (;;) {
		rc = SSL_do_handshake(p->ssl);
		if (rc == 1) {
			*ok = true;
			return DW_OK;
		}
		st = tls_wait(p, rc, deadline);
		if (st == IO_OK)
			continue;
		p->talking = false;
		if (st == IO_TIMEOUT)
			return io_fail(p, st, "TLS handshake");
		p->r->outcome = SMTP_PROBE_TLS_FAILED;
		return net_diag_add(p->a, &p->r->diags, NET_TLS_HANDSHAKE, -1,
		    "%s: TLS handshake failed: %s", p->who, net_tls_error(why,
		    sizeof(why), st == IO_CLOSED ? "connection closed" :
		    "protocol error"));
	}
}

/* Version, cipher, certificate and their diagnostics. */
static enum dw_err
tls_record(struct probe *p)
{
	struct smtp_probe_result *r = p->r;
	const SSL_CIPHER *c = SSL_get_current_cipher(p->ssl);
	enum dw_err err = DW_OK;

	r->outcome = SMTP_PROBE_TLS;
	r->tls_version_num = SSL_version(p->ssl);
	r->tls_version = SSL_get_version(p->ssl);
	r->cipher = c != NULL ? SSL_CIPHER_get_name(c) : "none";
	r->cipher_bits = c != NULL ? SSL_CIPHER_get_bits(c, NULL) : 0;
	if (r->tls_version_num < TLS1_2_VERSION)
		err = net_diag_add(p->a, &r->diags, NET_TLS_OLD_VERSION, -1,
		    "%s: negotiated %s; TLS 1.2 or newer is required",
		    p->who, r->tls_version);
	if (err == DW_OK && r->cipher_bits < NET_CIPHER_MIN_BITS)
		err = net_diag_add(p->a, &r->diags, NET_TLS_WEAK_CIPHER, -1,
		    "%s: cipher %s has %d bits", p->who, r->cipher,
		    r->cipher_bits);
	if (err != DW_OK)
		return err;
	err = net_tls_inspect(&p->tls, SSL_get0_peer_certificate(p->ssl),
	    r->host, p->a, &r->cert);
	if (err == DW_ENOTFOUND)
		return net_diag_add(p->a, &r->diags, NET_CERT_UNTRUSTED,
		    DIAG_WARN, "%s: the server sent no certificate", p->who);
	if (err != DW_OK)
		return err;
	r->have_cert = true;
	return net_tls_cert_diags(p->a, &r->diags, p->who, r->host, &r->cert,
	    DIAG_WARN);
}

static enum dw_err
starttls(struct probe *p)
{
	struct smtp_probe_result *r = p->r;
	enum dw_err err;
	bool ok;

	err = command(p, "STARTTLS", "STARTTLS", &ok);
	if (err != DW_OK || !ok)
		return err;
	if (p->reply.code != 220)
		return fail(p, NET_SMTP_STARTTLS_REFUSED, "STARTTLS",
		    reply_text(p));
	consume(p);
	if (p->inlen > 0) {
		/* Never handed to TLS: dropped here, as RFC 3207 §4.2
		 * requires of what came before the handshake. */
		err = net_diag_add(p->a, &r->diags, NET_SMTP_STARTTLS_EXTRA,
		    -1, "%s: %zu bytes after the 220 to STARTTLS", p->who,
		    p->inlen);
		p->inlen = 0;
		if (err != DW_OK)
			return err;
	}
	err = tls_setup(p);
	if (err == DW_OK)
		err = tls_handshake(p, &ok);
	if (err == DW_OK && ok)
		err = tls_record(p);
	return err;
}

/* A courtesy: QUIT, a short wait for 221, a TLS close_notify. */
static void
quit(struct probe *p)
{
	int64_t deadline = net_now_ms() + SMTP_QUIT_TIMEOUT_MS;
	enum smtp_reply_status st = SMTP_REPLY_MORE;

	if (io_write(p, "QUIT\r\n", 6, deadline) != IO_OK)
		return;
	while (st == SMTP_REPLY_MORE && p->inlen < sizeof(p->in) &&
	    io_read(p, deadline) == IO_OK)
		st = smtp_reply_parse(p->in, p->inlen, &p->reply, &p->used);
	if (p->ssl != NULL)
		SSL_shutdown(p->ssl);
}

static void
probe_fini(struct probe *p)
{
	SSL_free(p->ssl);
	SSL_CTX_free(p->ctx);
	net_tls_check_fini(&p->tls);
	if (p->fd >= 0)
		close(p->fd);
	ERR_clear_error();
}

/* A host name, or an address literal "[...]" of printable ASCII. */
static bool
ehlo_ok(const char *s)
{
	size_t len = strlen(s), i;

	if (len < 3 || len > DNS_NAME_MAX || s[0] != '[' || s[len - 1] != ']')
		return net_host_ok(s);
	for (i = 1; i < len - 1; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '[' || s[i] == ']')
			return false;
	return true;
}

/* The host name, lower case, no final dot. */
static enum dw_err
set_host(struct probe *p, const char *host)
{
	size_t len = strlen(host), i;
	char *h;

	if (!net_host_ok(host))
		return DW_EINVAL;
	if (host[len - 1] == '.')
		len--;
	h = arena_alloc(p->a, len + 1);
	if (h == NULL)
		return net_nomem(p->a);
	for (i = 0; i < len; i++)
		h[i] = (char)tolower((unsigned char)host[i]);
	h[len] = '\0';
	p->r->host = h;
	snprintf(p->who, sizeof(p->who), "%s", h);
	return DW_OK;
}

enum dw_err
smtp_probe(struct arena *a, const char *host,
    const struct smtp_probe_opts *o, struct smtp_probe_result *out)
{
	struct net_addr addrs[NET_ADDR_MAX];
	struct probe *p;
	size_t n = 0, skipped;
	int64_t start = net_now_ms();
	enum dw_err err;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	out->outcome = SMTP_PROBE_UNREACHABLE;
	out->port = o->net.port != 0 ? o->net.port : SMTP_PROBE_PORT;
	p = arena_zalloc(a, sizeof(*p));
	if (p == NULL)
		return net_nomem(a);
	p->a = a;
	p->o = o;
	p->r = out;
	p->fd = -1;
	err = net_opts_check(&o->net);
	if (err == DW_OK && o->ehlo_name != NULL && !ehlo_ok(o->ehlo_name))
		err = DW_EINVAL;
	if (err == DW_OK)
		err = set_host(p, host);
	if (err == DW_OK)
		err = net_resolve(&o->net, a, out->host, addrs, &n, &skipped,
		    &out->diags);
	if (err == DW_OK && n > 0)
		err = connect_any(p, addrs, n, &ok);
	if (err == DW_OK && ok)
		err = smtp_hello(p, &ok);
	if (err == DW_OK && ok)
		err = starttls(p);
	if (err == DW_OK && p->talking)
		quit(p);
	probe_fini(p);
	out->elapsed_ms = net_now_ms() - start;
	return err;
}
