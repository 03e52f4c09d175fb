/*
 * fuzz_smtp_reply.c: the SMTP reply parser the STARTTLS probe feeds with
 * an MX's bytes.  The input is read as the probe reads it: appended in
 * pieces to a buffer of SMTP_REPLY_MAX bytes, each whole reply consumed,
 * until an error or the end.  Every line must lie inside the buffer, the
 * consumed length inside what was given; the EHLO keyword lookup and the
 * escaping used for diagnostics run on every reply.  The first bytes
 * also go through the address classifier.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "net/net.h"
#include "net/smtp_reply.h"

#define FUZZ_ARENA_MAX	(1 << 22)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char buf[SMTP_REPLY_MAX];

static void
check(struct arena *a, const struct smtp_reply *r, size_t len, size_t used)
{
	size_t i;

	assert(used > 0 && used <= len);
	assert(r->nlines > 0 && r->nlines <= SMTP_REPLY_LINES_MAX);
	assert(r->code >= 200 && r->code <= 559);
	for (i = 0; i < r->nlines; i++) {
		assert(r->line[i].text >= buf);
		assert(r->line[i].text + r->line[i].len <= buf + used);
		assert(r->line[i].len < SMTP_LINE_MAX);
		(void)net_escape(a, r->line[i].text, r->line[i].len,
		    NET_TEXT_MAX);
	}
	(void)smtp_reply_has_ext(r, "STARTTLS");
}

static void
addresses(const uint8_t *data, size_t size)
{
	struct net_addr ad;

	if (size < 16)
		return;
	memset(&ad, 0, sizeof(ad));
	memcpy(ad.a, data, 4);
	(void)net_addr_allowed(&ad, false);
	ad.v6 = true;
	memcpy(ad.a, data, 16);
	(void)net_addr_classify(&ad);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(FUZZ_ARENA_MAX);
	struct smtp_reply r;
	enum smtp_reply_status st = SMTP_REPLY_MORE;
	size_t len = 0, pos = 0, used, piece;

	if (a == NULL)
		return 0;
	addresses(data, size);
	while (pos < size && (st == SMTP_REPLY_MORE || st == SMTP_REPLY_DONE)) {
		/* pieces of 1..64 bytes, their sizes taken from the data */
		piece = 1 + data[pos] % 64;
		if (piece > size - pos)
			piece = size - pos;
		if (piece > sizeof(buf) - len)
			break;
		memcpy(buf + len, data + pos, piece);
		len += piece;
		pos += piece;
		for (;;) {
			st = smtp_reply_parse(buf, len, &r, &used);
			if (st != SMTP_REPLY_DONE)
				break;
			check(a, &r, len, used);
			memmove(buf, buf + used, len - used);
			len -= used;
		}
	}
	arena_free(a);
	return 0;
}
