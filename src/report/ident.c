/*
 * ident.c: domain names and IP addresses in canonical form (ident.h).
 */
#include <arpa/inet.h>
#include <string.h>

#include "base/utf8.h"
#include "ident.h"

bool
report_domain_norm(const char *s, size_t n, char *out, size_t outsz)
{
	char tmp[REPORT_DOMAIN_BUF];
	size_t i;
	char c;

	if (n > DNS_NAME_MAX + 1 || memchr(s, '\0', n) != NULL ||
	    !utf8_valid(s, n))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (dns_name_norm(tmp, out, outsz) != DW_OK || out[0] == '-')
		return false;
	for (i = 0; out[i] != '\0'; i++) {
		c = out[i];
		if (c == '-' && (out[i + 1] == '.' || out[i + 1] == '\0'))
			return false;
		if (c == '.' && out[i + 1] == '-')
			return false;
		if (!((unsigned char)c >= 0x80 || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.'))
			return false;
	}
	return true;
}

bool
report_ip_canon(const char *s, size_t n, char *out, size_t outsz)
{
	unsigned char a[16];
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp) || memchr(s, '\0', n) != NULL)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	/*
	 * inet_pton takes dotted-quad decimal only, without leading zeros:
	 * what it accepts is the canonical spelling already.
	 */
	if (memchr(tmp, ':', n) == NULL) {
		if (inet_pton(AF_INET, tmp, a) != 1 || n >= outsz)
			return false;
		memcpy(out, tmp, n + 1);
		return true;
	}
	if (inet_pton(AF_INET6, tmp, a) != 1)
		return false;
	if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
		return inet_ntop(AF_INET, a + 12, out, (socklen_t)outsz) !=
		    NULL;
	return inet_ntop(AF_INET6, a, out, (socklen_t)outsz) != NULL;
}

const char *
report_quote(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t i, j = 0;

	for (i = 0; i < n && i < 64 && j + 2 < dstsz; i++)
		dst[j++] = (s[i] >= 0x20 && s[i] != 0x7f) ? s[i] : '?';
	if (i < n && j + 4 < dstsz) {
		memcpy(dst + j, "...", 3);
		j += 3;
	}
	dst[j] = '\0';
	return dst;
}
