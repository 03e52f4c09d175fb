/* utf8.h: strict UTF-8 checks (RFC 3629: no overlongs, no surrogates). */
#ifndef DW_UTF8_H
#define DW_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid sequence at s (1..4), or 0 when s[0..n) does not
 * start with one. */
size_t utf8_valid_prefix(const char *s, size_t n);
/* Decodes a sequence of length l that utf8_valid_prefix accepted. */
uint32_t utf8_decode(const char *s, size_t l);
/* True when all of s[0..n) is valid UTF-8. */
bool utf8_valid(const char *s, size_t n);

#endif
