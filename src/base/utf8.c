/* utf8.c: strict UTF-8 validation per RFC 3629 section 4. */
#include "utf8.h"

size_t
utf8_valid_prefix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

uint32_t
utf8_decode(const char *str, size_t l)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	size_t i;

	if (l == 1)
		return s[0];
	cp = s[0] & (0xff >> (l + 1));
	for (i = 1; i < l; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

bool
utf8_valid(const char *s, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		l = utf8_valid_prefix(s + i, n - i);
		if (l == 0)
			return false;
		i += l;
	}
	return true;
}
