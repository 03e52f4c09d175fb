/*
 * uri.c: RFC 3986 URI syntax, mailto: addresses and host names.
 */
#include "record/taglist.h"
#include "record/uri.h"

static bool
hexdig(char c)
{
	return tl_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* RFC 3986 §2: unreserved, gen-delims and sub-delims ('%' apart). */
static bool
uri_char(char c)
{
	if (tl_is_alpha(c) || tl_is_digit(c))
		return true;
	switch (c) {
	case '-': case '.': case '_': case '~':
	case ':': case '/': case '?': case '#': case '[': case ']': case '@':
	case '!': case '$': case '&': case '\'': case '(': case ')':
	case '*': case '+': case ',': case ';': case '=':
		return true;
	default:
		return false;
	}
}

bool
uri_hostname_ok(const char *s, size_t len)
{
	size_t i, lab = 0;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > URI_HOST_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return false;
			lab = 0;
			continue;
		}
		if (!tl_is_alpha(s[i]) && !tl_is_digit(s[i]) && s[i] != '-')
			return false;
		if (s[i] == '-' && lab == 0)
			return false;
		if (++lab > URI_LABEL_MAX)
			return false;
	}
	return s[len - 1] != '-';
}

static size_t
find(const char *s, size_t len, size_t from, char c)
{
	size_t i;

	for (i = from; i < len; i++)
		if (s[i] == c)
			return i;
	return len;
}

/* mailto:local@domain[?hfields] (RFC 6068 §2, one address). */
static void
mailto_addr(const char *s, size_t len, size_t rest, struct uri_info *u)
{
	size_t q = find(s, len, rest, '?');
	size_t at = find(s, q, rest, '@');

	if (at == q || at == rest || find(s, q, at + 1, '@') != q)
		return;
	if (s[rest] == '/')
		return;
	u->host = s + at + 1;
	u->host_len = q - at - 1;
	u->addr_ok = uri_hostname_ok(u->host, u->host_len);
}

/* http(s)://[userinfo@]host[:port][/path...] */
static void
http_host(const char *s, size_t len, size_t rest, struct uri_info *u)
{
	size_t h, end, at, colon;
	uint64_t port;

	if (len - rest < 2 || s[rest] != '/' || s[rest + 1] != '/')
		return;
	h = rest + 2;
	end = h;
	while (end < len && s[end] != '/' && s[end] != '?' && s[end] != '#')
		end++;
	at = find(s, end, h, '@');
	if (at != end)
		h = at + 1;
	colon = find(s, end, h, ':');
	if (colon != end && !tl_uint(s + colon + 1, end - colon - 1, 65535,
	    &port))
		return;
	u->host = s + h;
	u->host_len = colon - h;
	u->addr_ok = uri_hostname_ok(u->host, u->host_len);
}

bool
uri_parse(const char *s, size_t len, struct uri_info *u)
{
	size_t i, colon;

	u->scheme = URI_OTHER;
	u->host = NULL;
	u->host_len = 0;
	u->addr_ok = false;
	if (len == 0 || !tl_is_alpha(s[0]))
		return false;
	for (i = 1; i < len && s[i] != ':'; i++)
		if (!tl_is_alpha(s[i]) && !tl_is_digit(s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return false;
	if (i == len)
		return false;
	colon = i;
	for (i = colon + 1; i < len; i++) {
		if (s[i] == '%') {
			if (i + 2 >= len || !hexdig(s[i + 1]) ||
			    !hexdig(s[i + 2]))
				return false;
			i += 2;
		} else if (!uri_char(s[i]))
			return false;
	}
	if (tl_ieq(s, colon, "mailto")) {
		u->scheme = URI_MAILTO;
		mailto_addr(s, len, colon + 1, u);
	} else if (tl_ieq(s, colon, "https")) {
		u->scheme = URI_HTTPS;
		http_host(s, len, colon + 1, u);
	} else if (tl_ieq(s, colon, "http")) {
		u->scheme = URI_HTTP;
		http_host(s, len, colon + 1, u);
	}
	return true;
}
