/* seal.c: sealed boxes and key files through libsodium (seal.h). */
#include <string.h>

#include <sodium.h>

#include "seal.h"

#define PUB_LABEL	"dmarcward-sample-public-key:"
#define SEC_LABEL	"dmarcward-sample-secret-key:"

static enum dw_err
init(struct dw_error *e)
{
	if (sodium_init() < 0)
		return dw_fail(e, DW_ENOMEM, "libsodium cannot start");
	return DW_OK;
}

enum dw_err
seal_keygen(uint8_t pk[SEAL_KEY_BYTES], uint8_t sk[SEAL_KEY_BYTES])
{
	enum dw_err err = init(NULL);

	if (err != DW_OK)
		return err;
	return crypto_box_keypair(pk, sk) == 0 ? DW_OK : DW_ENOMEM;
}

enum dw_err
seal_key_format(enum seal_key_kind kind, const uint8_t key[SEAL_KEY_BYTES],
    struct buf *out)
{
	char b64[sodium_base64_ENCODED_LEN(SEAL_KEY_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];
	enum dw_err err;

	if ((err = init(NULL)) != DW_OK)
		return err;
	sodium_bin2base64(b64, sizeof(b64), key, SEAL_KEY_BYTES,
	    sodium_base64_VARIANT_ORIGINAL);
	err = buf_printf(out, "# dmarcward failure sample %s key (libsodium "
	    "sealed box, X25519)\n%s %s\n", kind == SEAL_KEY_PUBLIC ?
	    "public" : "secret", kind == SEAL_KEY_PUBLIC ? PUB_LABEL :
	    SEC_LABEL, b64);
	sodium_memzero(b64, sizeof(b64));
	return err;
}

/* The next line of t[*i..n) that is not blank or a comment. */
static const char *
next_line(const char *t, size_t n, size_t *i, size_t *len)
{
	const char *l, *eol;

	while (*i < n) {
		l = t + *i;
		eol = memchr(l, '\n', n - *i);
		*len = eol != NULL ? (size_t)(eol - l) : n - *i;
		*i += *len + (eol != NULL);
		while (*len > 0 && (l[*len - 1] == '\r' || l[*len - 1] == ' ' ||
		    l[*len - 1] == '\t'))
			(*len)--;
		if (*len > 0 && l[0] != '#')
			return l;
	}
	return NULL;
}

enum dw_err
seal_key_parse(enum seal_key_kind want, const char *text, size_t n,
    uint8_t key[SEAL_KEY_BYTES], struct dw_error *e)
{
	const char *label = want == SEAL_KEY_PUBLIC ? PUB_LABEL : SEC_LABEL;
	const char *other = want == SEAL_KEY_PUBLIC ? SEC_LABEL : PUB_LABEL;
	const char *l, *v;
	size_t i = 0, len, m = strlen(label), got = 0;
	enum dw_err err;

	if ((err = init(e)) != DW_OK)
		return err;
	if ((l = next_line(text, n, &i, &len)) == NULL)
		return dw_fail(e, DW_EINVAL, "key file holds no key");
	if (len >= strlen(other) && memcmp(l, other, strlen(other)) == 0)
		return dw_fail(e, DW_EINVAL, "this is a %s key; a %s key is "
		    "wanted here", want == SEAL_KEY_PUBLIC ? "secret" :
		    "public", want == SEAL_KEY_PUBLIC ? "public" : "secret");
	if (len < m || memcmp(l, label, m) != 0)
		return dw_fail(e, DW_EINVAL, "not a dmarcward sample key file "
		    "(no \"%s\" line)", label);
	for (v = l + m; v < l + len && (*v == ' ' || *v == '\t'); v++)
		;
	if (sodium_base642bin(key, SEAL_KEY_BYTES, v, (size_t)(l + len - v),
	    NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != SEAL_KEY_BYTES) {
		sodium_memzero(key, SEAL_KEY_BYTES);
		return dw_fail(e, DW_EINVAL, "key is not base64 of %d bytes",
		    SEAL_KEY_BYTES);
	}
	if (next_line(text, n, &i, &len) != NULL) {
		sodium_memzero(key, SEAL_KEY_BYTES);
		return dw_fail(e, DW_EINVAL, "key file holds more than one "
		    "key");
	}
	return DW_OK;
}

size_t
seal_overhead(void)
{
	return crypto_box_SEALBYTES;
}

enum dw_err
seal_box(const uint8_t pk[SEAL_KEY_BYTES], const void *msg, size_t n,
    struct buf *out, struct dw_error *e)
{
	unsigned char *box;
	enum dw_err err;

	if ((err = init(e)) != DW_OK)
		return err;
	if (n > SIZE_MAX - crypto_box_SEALBYTES)
		return dw_fail(e, DW_ELIMIT, "sample too large to seal");
	box = malloc(n + crypto_box_SEALBYTES);
	if (box == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	if (crypto_box_seal(box, msg, n, pk) != 0)
		err = dw_fail(e, DW_EINVAL, "sealing failed: the public key "
		    "is not usable");
	else if ((err = buf_append(out, box, n + crypto_box_SEALBYTES)) !=
	    DW_OK)
		err = dw_fail(e, err, "sealed sample over its size limit");
	free(box);
	return err;
}

enum dw_err
seal_open(const uint8_t sk[SEAL_KEY_BYTES], const void *box, size_t n,
    struct buf *out, struct dw_error *e)
{
	uint8_t pk[SEAL_KEY_BYTES];
	unsigned char *msg;
	enum dw_err err;

	if ((err = init(e)) != DW_OK)
		return err;
	if (n < crypto_box_SEALBYTES)
		return dw_fail(e, DW_EAUTH, "sample is too short to be a "
		    "sealed box");
	if ((msg = malloc(n - crypto_box_SEALBYTES + 1)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	crypto_scalarmult_base(pk, sk);
	if (crypto_box_seal_open(msg, box, n, pk, sk) != 0)
		err = dw_fail(e, DW_EAUTH, "sample cannot be opened with this "
		    "key: another key, or the sample is damaged");
	else if ((err = buf_append(out, msg, n - crypto_box_SEALBYTES)) !=
	    DW_OK)
		err = dw_fail(e, err, "opened sample over its size limit");
	sodium_memzero(msg, n - crypto_box_SEALBYTES);
	free(msg);
	return err;
}

void
seal_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}
