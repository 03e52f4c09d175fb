/*
 * dkim_key.h: DKIM key records, <selector>._domainkey.<domain> TXT
 * (RFC 6376 §3.6.1; RFC 8301 key sizes and hashes; RFC 8463 Ed25519).
 *
 * dkim_key_parse() reads buf[0..len) (the character-strings already
 * concatenated, RFC 6376 §3.6.2.2) strictly by the RFC 6376 tag-list
 * ABNF: tag names are case-sensitive, v=DKIM1 first when present, FWS
 * allowed inside values (and removed from p=).  The key is decoded and,
 * for RSA, its size read from the DER of a SubjectPublicKeyInfo
 * (rsaEncryption) or a bare RSAPublicKey, by a strict reader that
 * allocates nothing.  An empty p= is a revoked key: REC_VALID with
 * revoked set.  Never needs a NUL, never writes to buf; *out and its
 * strings are arena-owned.
 */
#ifndef DW_DKIM_KEY_H
#define DW_DKIM_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "record/diag.h"

#define DKIM_KEY_MAX		4096	/* decoded p= bytes; a 16384-bit
					 * RSA key takes about 2100 */
#define DKIM_RSA_MIN_BITS	1024	/* RFC 8301 §3.2: MUST NOT below */
#define DKIM_RSA_GOOD_BITS	2048	/* RFC 8301 §3.2: SHOULD use */
#define DKIM_ED25519_LEN	32	/* RFC 8463 §4.2 */

enum dkim_ktype { DKIM_K_RSA, DKIM_K_ED25519 };
enum dkim_enc { DKIM_ENC_NONE, DKIM_ENC_SPKI, DKIM_ENC_PKCS1, DKIM_ENC_RAW };

#define DKIM_H_SHA1	0x1
#define DKIM_H_SHA256	0x2
#define DKIM_S_ANY	0x1	/* "*" */
#define DKIM_S_EMAIL	0x2
#define DKIM_T_Y	0x1	/* testing */
#define DKIM_T_S	0x2	/* no subdomains in i= */

struct dkim_key {
	enum rec_status	 status;
	bool		 is_dkim;	/* v= absent or DKIM1 and not empty */
	bool		 has_v;
	bool		 revoked;	/* p= empty */
	enum dkim_ktype	 k;
	unsigned	 h;		/* DKIM_H_*; 0 when h= is absent */
	unsigned	 s;		/* DKIM_S_*; DKIM_S_ANY by default */
	unsigned	 t;		/* DKIM_T_* */
	const char	*n;		/* notes, or NULL */
	const char	*p;		/* base64 without FWS, or NULL */
	unsigned char	*key;		/* decoded p= */
	size_t		 key_len;
	enum dkim_enc	 enc;
	unsigned	 bits;		/* RSA modulus size, 256 for Ed25519 */
};

enum dw_err dkim_key_parse(struct arena *a, const char *buf, size_t len,
    struct dkim_key **out, struct diag_list *dl);

#endif
