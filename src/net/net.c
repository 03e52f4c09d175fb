/*
 * net.c: address classes, host resolution with the non-public rule,
 * diagnostics and clocks of the transport checks.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

#include "net/net.h"

/* IANA IPv4 and IPv6 special-purpose address registries (RFC 6890 and
 * updates).  First match wins, so narrower prefixes come first. */
struct range {
	uint8_t			 p[16];
	unsigned		 bits;
	enum net_addr_class	 c;
};

static const struct range v4_ranges[] = {
	{ { 0 }, 8, NET_ADDR_UNSPECIFIED },
	{ { 10 }, 8, NET_ADDR_PRIVATE },
	{ { 100, 64 }, 10, NET_ADDR_SHARED },
	{ { 127 }, 8, NET_ADDR_LOOPBACK },
	{ { 169, 254 }, 16, NET_ADDR_LINK_LOCAL },
	{ { 172, 16 }, 12, NET_ADDR_PRIVATE },
	{ { 192, 0, 0 }, 24, NET_ADDR_RESERVED },
	{ { 192, 0, 2 }, 24, NET_ADDR_DOCUMENTATION },
	{ { 192, 88, 99 }, 24, NET_ADDR_RESERVED },
	{ { 192, 168 }, 16, NET_ADDR_PRIVATE },
	{ { 198, 18 }, 15, NET_ADDR_RESERVED },
	{ { 198, 51, 100 }, 24, NET_ADDR_DOCUMENTATION },
	{ { 203, 0, 113 }, 24, NET_ADDR_DOCUMENTATION },
	{ { 224 }, 4, NET_ADDR_MULTICAST },
	{ { 240 }, 4, NET_ADDR_RESERVED },
};

/* Checked after ::, ::1 and the IPv4-carrying prefixes. */
static const struct range v6_ranges[] = {
	{ { 0 }, 96, NET_ADDR_RESERVED },		/* IPv4-compatible */
	{ { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 }, 48, NET_ADDR_PRIVATE },
	{ { 0x01, 0x00 }, 64, NET_ADDR_RESERVED },	/* discard */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, NET_ADDR_DOCUMENTATION },
	{ { 0x20, 0x01 }, 23, NET_ADDR_RESERVED },	/* Teredo, ORCHID */
	{ { 0x3f, 0xff }, 20, NET_ADDR_DOCUMENTATION },	/* RFC 9637 */
	{ { 0xfc }, 7, NET_ADDR_PRIVATE },
	{ { 0xfe, 0x80 }, 10, NET_ADDR_LINK_LOCAL },
	{ { 0xfe, 0xc0 }, 10, NET_ADDR_PRIVATE },	/* site-local */
	{ { 0xff }, 8, NET_ADDR_MULTICAST },
	{ { 0x20 }, 3, NET_ADDR_PUBLIC },		/* global unicast */
};

static bool
prefix_match(const uint8_t *a, const uint8_t *p, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, p, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (p[full] & mask);
}

static enum net_addr_class
classify_v4(const uint8_t *a)
{
	size_t i;

	for (i = 0; i < sizeof(v4_ranges) / sizeof(v4_ranges[0]); i++)
		if (prefix_match(a, v4_ranges[i].p, v4_ranges[i].bits))
			return v4_ranges[i].c;
	return NET_ADDR_PUBLIC;
}

enum net_addr_class
net_addr_classify(const struct net_addr *ad)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
	static const uint8_t zero[16];
	const uint8_t *a = ad->a;
	size_t i;

	if (!ad->v6)
		return classify_v4(a);
	if (memcmp(a, zero, 16) == 0)
		return NET_ADDR_UNSPECIFIED;
	if (memcmp(a, zero, 15) == 0 && a[15] == 1)
		return NET_ADDR_LOOPBACK;
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return classify_v4(a + 12);
	if (a[0] == 0x20 && a[1] == 0x02)		/* 6to4 */
		return classify_v4(a + 2);
	for (i = 0; i < sizeof(v6_ranges) / sizeof(v6_ranges[0]); i++)
		if (prefix_match(a, v6_ranges[i].p, v6_ranges[i].bits))
			return v6_ranges[i].c;
	return NET_ADDR_RESERVED;	/* outside 2000::/3: unassigned */
}

const char *
net_addr_class_name(enum net_addr_class c)
{
	static const char *const names[] = {
		[NET_ADDR_PUBLIC] = "public",
		[NET_ADDR_UNSPECIFIED] = "unspecified",
		[NET_ADDR_LOOPBACK] = "loopback",
		[NET_ADDR_PRIVATE] = "private",
		[NET_ADDR_SHARED] = "shared address space",
		[NET_ADDR_LINK_LOCAL] = "link-local",
		[NET_ADDR_MULTICAST] = "multicast",
		[NET_ADDR_DOCUMENTATION] = "documentation",
		[NET_ADDR_RESERVED] = "reserved",
	};

	if ((size_t)c >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[c];
}

bool
net_addr_allowed(const struct net_addr *ad, bool allow_loopback)
{
	enum net_addr_class c = net_addr_classify(ad);

	return c == NET_ADDR_PUBLIC || (allow_loopback &&
	    c == NET_ADDR_LOOPBACK);
}

const char *
net_addr_format(const struct net_addr *ad, char *out, size_t sz)
{
	if (inet_ntop(ad->v6 ? AF_INET6 : AF_INET, ad->a, out,
	    (socklen_t)sz) == NULL)
		snprintf(out, sz, "?");
	return out;
}

bool
net_addr_parse(const char *s, struct net_addr *ad)
{
	memset(ad, 0, sizeof(*ad));
	if (inet_pton(AF_INET, s, ad->a) == 1)
		return true;
	ad->v6 = true;
	return inet_pton(AF_INET6, s, ad->a) == 1;
}

static const struct {
	const char	*id;
	enum diag_sev	 sev;
	const char	*msg;
} codes[NET__COUNT] = {
	[NET_NXDOMAIN] = { "net.nxdomain", DIAG_ERR,
	    "the host name does not exist" },
	[NET_NO_ADDRESS] = { "net.no_address", DIAG_ERR,
	    "the host name has no address" },
	[NET_DNS_TEMP] = { "net.dns_temporary", DIAG_WARN,
	    "temporary DNS failure; retry later" },
	[NET_ADDR_NOT_PUBLIC] = { "net.address_not_public", DIAG_ERR,
	    "the host resolves to a non-public address; not contacted" },
	[NET_CONNECT] = { "net.connect_failed", DIAG_ERR,
	    "the TCP connection failed" },
	[NET_TIMEOUT] = { "net.timeout", DIAG_ERR,
	    "the server did not answer in time" },
	[NET_CLOSED] = { "net.closed", DIAG_ERR,
	    "the server closed the connection" },
	[NET_TLS_HANDSHAKE] = { "net.tls_handshake_failed", DIAG_ERR,
	    "TLS could not be negotiated" },
	[NET_TLS_OLD_VERSION] = { "net.tls_old_version", DIAG_WARN,
	    "TLS 1.0 and 1.1 are deprecated (RFC 8996); 1.2 or newer "
	    "is required" },
	[NET_TLS_WEAK_CIPHER] = { "net.tls_weak_cipher", DIAG_WARN,
	    "the negotiated cipher is weaker than 128 bits" },
	[NET_CERT_UNTRUSTED] = { "net.cert_untrusted", DIAG_ERR,
	    "the certificate chain does not lead to a trusted CA" },
	[NET_CERT_EXPIRED] = { "net.cert_expired", DIAG_ERR,
	    "the certificate has expired" },
	[NET_CERT_NOT_YET_VALID] = { "net.cert_not_yet_valid", DIAG_ERR,
	    "the certificate is not valid yet" },
	[NET_CERT_NAME] = { "net.cert_name_mismatch", DIAG_ERR,
	    "the certificate is not valid for the host name" },
	[NET_CERT_EXPIRES_SOON] = { "net.cert_expires_soon", DIAG_WARN,
	    "the certificate expires within 14 days" },
	[NET_CERT_WEAK_KEY] = { "net.cert_weak_key", DIAG_WARN,
	    "the certificate key is shorter than 2048 bits" },
	[NET_STS_REDIRECT] = { "sts.http_redirect", DIAG_ERR,
	    "the policy URL redirects; redirects must not be followed "
	    "(RFC 8461 §3.3)" },
	[NET_STS_HTTP_STATUS] = { "sts.http_status", DIAG_ERR,
	    "the policy URL did not answer 200 OK" },
	[NET_STS_CONTENT_TYPE] = { "sts.content_type", DIAG_ERR,
	    "the policy is not served as text/plain (RFC 8461 §3.2)" },
	[NET_STS_TOO_LARGE] = { "sts.policy_too_large", DIAG_ERR,
	    "the policy body is over 64 KiB (RFC 8461 §3.3)" },
	[NET_STS_HTTP_ERROR] = { "sts.http_error", DIAG_ERR,
	    "the policy could not be fetched" },
	[NET_STS_POLICY_INVALID] = { "sts.policy_invalid", DIAG_ERR,
	    "the fetched policy is invalid" },
	[NET_STS_MX_NOT_COVERED] = { "sts.mx_not_covered", DIAG_ERR,
	    "an MX host matches no mx pattern of the policy "
	    "(RFC 8461 §4.1)" },
	[NET_STS_MX_UNUSED] = { "sts.mx_pattern_unused", DIAG_INFO,
	    "an mx pattern of the policy matches no MX host" },
	[NET_STS_NO_MX] = { "sts.no_mx", DIAG_WARN,
	    "the domain has no MX host to compare with the policy" },
	[NET_SMTP_GREETING] = { "smtp.greeting_refused", DIAG_ERR,
	    "the SMTP greeting is not 220" },
	[NET_SMTP_BAD_REPLY] = { "smtp.bad_reply", DIAG_ERR,
	    "the server sent a malformed SMTP reply (RFC 5321 §4.2)" },
	[NET_SMTP_REPLY_TOO_LONG] = { "smtp.reply_too_long", DIAG_ERR,
	    "an SMTP reply is over the line length or line count cap" },
	[NET_SMTP_EHLO_REFUSED] = { "smtp.ehlo_refused", DIAG_ERR,
	    "the server refused EHLO" },
	[NET_SMTP_NO_STARTTLS] = { "smtp.no_starttls", DIAG_ERR,
	    "the server does not offer STARTTLS: mail to it travels in "
	    "clear text" },
	[NET_SMTP_STARTTLS_REFUSED] = { "smtp.starttls_refused", DIAG_ERR,
	    "the server offers STARTTLS but refused it" },
	[NET_SMTP_STARTTLS_EXTRA] = { "smtp.starttls_extra_data", DIAG_ERR,
	    "the server sent data after its STARTTLS reply "
	    "(response injection, CVE-2011-0411 class)" },
};

const char *
net_code_id(enum net_code c)
{
	return (size_t)c < NET__COUNT ? codes[c].id : "net.unknown";
}

const char *
net_code_message(enum net_code c)
{
	return (size_t)c < NET__COUNT ? codes[c].msg : "unknown";
}

enum diag_sev
net_code_sev(enum net_code c)
{
	return (size_t)c < NET__COUNT ? codes[c].sev : DIAG_ERR;
}

const struct net_diag *
net_diags_find(const struct net_diags *nd, enum net_code c)
{
	size_t i;

	for (i = 0; i < nd->n; i++)
		if (nd->d[i].code == c)
			return &nd->d[i];
	return NULL;
}

enum dw_err
net_diag_add(struct arena *a, struct net_diags *nd, enum net_code c,
    int sev, const char *fmt, ...)
{
	char text[NET_DETAIL_MAX];
	struct net_diag *d;
	va_list ap;

	if (nd->n >= NET_DIAG_MAX) {
		nd->dropped++;
		return DW_OK;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	d = &nd->d[nd->n];
	d->detail = arena_strdup(a, text);
	if (d->detail == NULL)
		return net_nomem(a);
	d->code = c;
	d->sev = sev < 0 ? net_code_sev(c) : (enum diag_sev)sev;
	nd->n++;
	return DW_OK;
}

bool
net_host_ok(const char *host)
{
	size_t len = strlen(host), label = 0, i;

	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char ch = host[i];

		if (ch == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return false;
		if (++label > DNS_LABEL_MAX)
			return false;
	}
	return true;
}

/* Keeps or refuses one address; *n counts the kept ones. */
static enum dw_err
take_addr(const struct net_opts *o, struct arena *a, const char *host,
    const struct net_addr *ad, struct net_addr *out, size_t *n,
    size_t *skipped, struct net_diags *nd)
{
	char s[NET_ADDR_STRLEN];

	if (!net_addr_allowed(ad, o->allow_loopback))
		return net_diag_add(a, nd, NET_ADDR_NOT_PUBLIC, -1,
		    "%s resolves to %s (%s address); not contacted", host,
		    net_addr_format(ad, s, sizeof(s)),
		    net_addr_class_name(net_addr_classify(ad)));
	if (*n >= NET_ADDR_MAX) {
		(*skipped)++;
		return DW_OK;
	}
	out[(*n)++] = *ad;
	return DW_OK;
}

/* What the address queries saw, as bits of *flags. */
enum { SEEN_NX = 1, SEEN_TEMP = 2, SEEN_ADDR = 4 };

/* One query; *flags records what its answer was. */
static enum dw_err
query_addrs(const struct net_opts *o, struct arena *a, const char *host,
    enum dns_type t, struct net_addr *out, size_t *n, size_t *skipped,
    struct net_diags *nd, unsigned *flags)
{
	const struct dns_answer *ans;
	struct net_addr ad;
	enum dw_err err;
	size_t i;

	err = dns_query(o->resolver, a, host, t, &ans);
	if (err == DW_EDNS_PERM) {
		*flags |= SEEN_NX;
		return DW_OK;
	}
	if (err == DW_EDNS_TEMP) {
		*flags |= SEEN_TEMP;
		return DW_OK;
	}
	if (err != DW_OK)
		return err;
	for (i = 0; i < ans->n; i++) {
		memset(&ad, 0, sizeof(ad));
		ad.v6 = t == DNS_T_AAAA;
		memcpy(ad.a, ans->rr[i].u.addr, ad.v6 ? 16 : 4);
		*flags |= SEEN_ADDR;
		err = take_addr(o, a, host, &ad, out, n, skipped, nd);
		if (err != DW_OK)
			return err;
	}
	return DW_OK;
}

enum dw_err
net_resolve(const struct net_opts *o, struct arena *a, const char *host,
    struct net_addr *out, size_t *n, size_t *skipped, struct net_diags *nd)
{
	unsigned flags = 0;
	enum dw_err err;
	size_t i;

	*n = 0;
	*skipped = 0;
	if (o->naddrs > 0) {
		for (i = 0; i < o->naddrs; i++) {
			err = take_addr(o, a, host, &o->addrs[i], out, n,
			    skipped, nd);
			if (err != DW_OK)
				return err;
		}
		return DW_OK;
	}
	if (o->resolver == NULL)
		return DW_EINVAL;
	err = query_addrs(o, a, host, DNS_T_A, out, n, skipped, nd, &flags);
	if (err == DW_OK && !(flags & SEEN_NX))
		err = query_addrs(o, a, host, DNS_T_AAAA, out, n, skipped, nd,
		    &flags);
	if (err != DW_OK || (flags & SEEN_ADDR))
		return err;
	if (flags & SEEN_TEMP)
		return net_diag_add(a, nd, NET_DNS_TEMP, -1,
		    "%s: the address lookup failed temporarily", host);
	if (flags & SEEN_NX)
		return net_diag_add(a, nd, NET_NXDOMAIN, -1,
		    "%s does not exist (NXDOMAIN)", host);
	return net_diag_add(a, nd, NET_NO_ADDRESS, -1,
	    "%s has no A or AAAA record", host);
}

const char *
net_escape(struct arena *a, const char *s, size_t n, size_t max)
{
	char raw[NET_TEXT_MAX * 4 + 8], clean[NET_TEXT_MAX * 16 + 8];
	size_t i, o = 0;
	bool cut = n > max;

	if (max > NET_TEXT_MAX)
		max = NET_TEXT_MAX;
	if (n > max) {
		n = max;
		cut = true;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '\0') {
			memcpy(raw + o, "\\x00", 4);
			o += 4;
		} else {
			raw[o++] = s[i];
		}
	}
	if (cut) {
		memcpy(raw + o, "...", 3);
		o += 3;
	}
	raw[o] = '\0';
	return arena_strdup(a, log_sanitize(clean, sizeof(clean), raw));
}

enum dw_err
net_nomem(const struct arena *a)
{
	return arena_exhausted(a) ? DW_ELIMIT : DW_ENOMEM;
}

const char *
net_date(int64_t t, char *buf, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sz, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, sz, "?");
	return buf;
}

enum dw_err
net_opts_check(const struct net_opts *o)
{
	if (o->ca_file != NULL && access(o->ca_file, R_OK) != 0)
		return DW_EINVAL;
	return DW_OK;
}

int64_t
net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned
net_timeout_ms(const struct net_opts *o)
{
	if (o->timeout_ms == 0)
		return NET_TIMEOUT_MS;
	return o->timeout_ms > NET_TIMEOUT_MAX_MS ? NET_TIMEOUT_MAX_MS :
	    o->timeout_ms;
}

unsigned
net_connect_timeout_ms(const struct net_opts *o)
{
	if (o->connect_timeout_ms == 0)
		return NET_CONNECT_TIMEOUT_MS;
	return o->connect_timeout_ms > NET_TIMEOUT_MAX_MS ?
	    NET_TIMEOUT_MAX_MS : o->connect_timeout_ms;
}
