/* dns_wire.c: rdata and messages as received, every length checked. */
#include <string.h>

#include "dns_wire.h"

/* A name in rdata (uncompressed wire format) to text at *off. */
static char *
rd_name(struct arena *a, const uint8_t *rd, size_t len, size_t off)
{
	char out[DNS_NAME_MAX + 2];
	size_t o = 0;

	while (off < len && rd[off] != 0) {
		size_t l = rd[off];

		if (l > DNS_LABEL_MAX || l > len - off - 1 ||
		    o + l + 1 > sizeof(out) - 1)
			return NULL;
		if (o > 0)
			out[o++] = '.';
		memcpy(out + o, rd + off + 1, l);
		o += l;
		off += 1 + l;
	}
	if (off >= len)
		return NULL;
	out[o] = '\0';
	for (off = 0; off < o; off++)
		if (out[off] >= 'A' && out[off] <= 'Z')
			out[off] = (char)(out[off] - 'A' + 'a');
	return arena_strdup(a, out);
}

/* Skips a possibly compressed name in a message; 0 when malformed. */
static size_t
skip_name(const uint8_t *p, size_t len, size_t off)
{
	while (off < len) {
		if ((p[off] & 0xc0) == 0xc0)
			return off + 2 <= len ? off + 2 : 0;
		if (p[off] > DNS_LABEL_MAX)
			return 0;
		if (p[off] == 0)
			return off + 1;
		off += 1 + (size_t)p[off];
	}
	return 0;
}

/* The CNAMEs in the answer section: how many were followed. */
size_t
dns_wire_count_cnames(const uint8_t *p, size_t len)
{
	size_t off = 12, n = 0, an, qd;

	if (p == NULL || len < 12)
		return 0;
	qd = (size_t)p[4] << 8 | p[5];
	an = (size_t)p[6] << 8 | p[7];
	while (qd-- > 0) {
		off = skip_name(p, len, off);
		if (off == 0 || off + 4 > len)
			return n;
		off += 4;
	}
	while (an-- > 0) {
		size_t rdlen;

		off = skip_name(p, len, off);
		if (off == 0 || off + 10 > len)
			return n;
		if (((size_t)p[off] << 8 | p[off + 1]) == DNS_T_CNAME)
			n++;
		rdlen = (size_t)p[off + 8] << 8 | p[off + 9];
		off += 10;
		if (rdlen > len - off)
			return n;
		off += rdlen;
	}
	return n;
}

enum dw_err
dns_wire_rr(struct arena *a, enum dns_type t, const uint8_t *rd, size_t len,
    struct dns_rr *rr)
{
	switch (t) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (len != (t == DNS_T_A ? 4u : 16u))
			return DW_ESYNTAX;
		memcpy(rr->u.addr, rd, len);
		return DW_OK;
	case DNS_T_MX:
		if (len < 3)
			return DW_ESYNTAX;
		rr->u.mx.pref = (uint16_t)(rd[0] << 8 | rd[1]);
		rr->u.mx.host = rd_name(a, rd, len, 2);
		return rr->u.mx.host == NULL ? DW_ESYNTAX : DW_OK;
	case DNS_T_PTR:
	case DNS_T_CNAME:
		rr->u.name = rd_name(a, rd, len, 0);
		return rr->u.name == NULL ? DW_ESYNTAX : DW_OK;
	case DNS_T_TXT:
	case DNS_T_SPF:
		return dns_txt_from_rdata(a, rd, len, rr);
	default:
		rr->u.raw.data = arena_alloc(a, len + 1);
		if (rr->u.raw.data == NULL)
			return DW_ENOMEM;
		memcpy(rr->u.raw.data, rd, len);
		rr->u.raw.len = len;
		return DW_OK;
	}
}
