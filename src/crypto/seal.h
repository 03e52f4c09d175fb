/*
 * seal.h: failure report samples sealed to the operator's key.
 *
 * A sample (a whole failure report message, body and all) is kept only
 * when the operator asks for it, and then only encrypted: a libsodium
 * sealed box (crypto_box_seal: X25519 + XSalsa20-Poly1305 with a fresh
 * ephemeral key per box) to a public key the operator holds the secret
 * key of.  dmarcward needs only the public key to keep samples; reading
 * one back needs the secret key, which need never be on the server.
 *
 * Key files are text, one key each, so they can be told apart and
 * pasted:
 *	# dmarcward failure sample key (libsodium sealed box, X25519)
 *	dmarcward-sample-public-key: <base64 of 32 bytes>
 * and "dmarcward-sample-secret-key:" for the secret key; lines starting
 * with '#' and blank lines are ignored.
 */
#ifndef DW_SEAL_H
#define DW_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"

#define SEAL_KEY_BYTES	32
#define SEAL_KEY_FILE_MAX 4096	/* bytes of a key file read */

enum seal_key_kind { SEAL_KEY_PUBLIC, SEAL_KEY_SECRET };

enum dw_err seal_keygen(uint8_t pk[SEAL_KEY_BYTES],
    uint8_t sk[SEAL_KEY_BYTES]);
/* The key file text of key into out. */
enum dw_err seal_key_format(enum seal_key_kind kind,
    const uint8_t key[SEAL_KEY_BYTES], struct buf *out);
/*
 * Reads a key file's text[0..n) into key; e says what is wrong (the
 * other kind of key, bad base64, wrong length).
 */
enum dw_err seal_key_parse(enum seal_key_kind want, const char *text,
    size_t n, uint8_t key[SEAL_KEY_BYTES], struct dw_error *e);
/*
 * Reads the key file at path (seal_file.c).  A secret key file that
 * others can read is refused.  e names the file.
 */
enum dw_err seal_key_file(const char *path, enum seal_key_kind kind,
    uint8_t key[SEAL_KEY_BYTES], struct dw_error *e);
/* Bytes a box adds to its message. */
size_t seal_overhead(void);
/* Appends the sealed box of msg[0..n) for pk to out. */
enum dw_err seal_box(const uint8_t pk[SEAL_KEY_BYTES], const void *msg,
    size_t n, struct buf *out, struct dw_error *e);
/* Appends the message of box[0..n) to out; DW_EAUTH for a wrong key or a
 * damaged box. */
enum dw_err seal_open(const uint8_t sk[SEAL_KEY_BYTES], const void *box,
    size_t n, struct buf *out, struct dw_error *e);
/* Zeroes key material (not optimized away). */
void seal_wipe(void *p, size_t n);

#endif
