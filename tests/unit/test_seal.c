/*
 * test_seal.c: sealed failure report samples (src/crypto/seal.c): key
 * files round trip and are told apart, a box opens with its key only and
 * not once damaged.
 */
#include "dwtest.h"

#include <string.h>

#include "crypto/seal.h"

static enum dw_err
parse_str(enum seal_key_kind kind, const char *s, uint8_t *k,
    struct dw_error *e)
{
	return seal_key_parse(kind, s, strlen(s), k, e);
}

static void
test_keys(void **state)
{
	uint8_t pk[SEAL_KEY_BYTES], sk[SEAL_KEY_BYTES], k[SEAL_KEY_BYTES];
	struct dw_error e;
	struct buf pub, sec;

	(void)state;
	assert_int_equal(seal_keygen(pk, sk), DW_OK);
	buf_init(&pub, SEAL_KEY_FILE_MAX);
	buf_init(&sec, SEAL_KEY_FILE_MAX);
	assert_int_equal(seal_key_format(SEAL_KEY_PUBLIC, pk, &pub), DW_OK);
	assert_int_equal(seal_key_format(SEAL_KEY_SECRET, sk, &sec), DW_OK);
	assert_int_equal(seal_key_parse(SEAL_KEY_PUBLIC, pub.data, pub.len, k,
	    &e), DW_OK);
	assert_memory_equal(k, pk, SEAL_KEY_BYTES);
	assert_int_equal(seal_key_parse(SEAL_KEY_SECRET, sec.data, sec.len, k,
	    &e), DW_OK);
	assert_memory_equal(k, sk, SEAL_KEY_BYTES);
	/* the other kind is named, never taken */
	assert_int_equal(seal_key_parse(SEAL_KEY_PUBLIC, sec.data, sec.len, k,
	    &e), DW_EINVAL);
	assert_non_null(strstr(e.msg, "this is a secret key"));
	assert_int_equal(seal_key_parse(SEAL_KEY_SECRET, pub.data, pub.len, k,
	    &e), DW_EINVAL);
	assert_non_null(strstr(e.msg, "this is a public key"));
	/* CRLF, comments and blank lines are fine; junk is not */
	assert_int_equal(parse_str(SEAL_KEY_PUBLIC, "\r\n# c\r\n"
	    "dmarcward-sample-public-key: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAA=\r\n", k, &e), DW_OK);
	assert_int_equal(parse_str(SEAL_KEY_PUBLIC, "dmarcward-sample-"
	    "public-key: AAAA\n", k, &e), DW_EINVAL);
	assert_non_null(strstr(e.msg, "not base64 of 32 bytes"));
	assert_int_equal(parse_str(SEAL_KEY_PUBLIC, "ssh-ed25519 AAAA", k,
	    &e), DW_EINVAL);
	assert_non_null(strstr(e.msg, "not a dmarcward sample key file"));
	assert_int_equal(seal_key_parse(SEAL_KEY_PUBLIC, "", 0, k, &e),
	    DW_EINVAL);
	(void)buf_append(&sec, pub.data, pub.len);	/* two keys in a file */
	(void)buf_append(&sec, pub.data, pub.len);
	assert_int_equal(seal_key_parse(SEAL_KEY_PUBLIC, sec.data + sec.len -
	    2 * pub.len, 2 * pub.len, k, &e), DW_EINVAL);
	assert_non_null(strstr(e.msg, "more than one key"));
	buf_fini(&pub);
	buf_fini(&sec);
}

static bool
contains(const char *p, size_t n, const char *s)
{
	size_t m = strlen(s), i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(p + i, s, m) == 0)
			return true;
	return false;
}

static void
test_box(void **state)
{
	static const char msg[] = "Subject: SSN 219-09-9999\n\nbody\n";
	uint8_t pk[SEAL_KEY_BYTES], sk[SEAL_KEY_BYTES];
	uint8_t pk2[SEAL_KEY_BYTES], sk2[SEAL_KEY_BYTES];
	struct dw_error e;
	struct buf box, out;

	(void)state;
	assert_int_equal(seal_keygen(pk, sk), DW_OK);
	assert_int_equal(seal_keygen(pk2, sk2), DW_OK);
	buf_init(&box, 1 << 20);
	buf_init(&out, 1 << 20);
	assert_int_equal(seal_box(pk, msg, sizeof(msg) - 1, &box, &e), DW_OK);
	assert_int_equal(box.len, sizeof(msg) - 1 + seal_overhead());
	assert_false(contains(box.data, box.len, "219-09-9999"));
	assert_int_equal(seal_open(sk, box.data, box.len, &out, &e), DW_OK);
	assert_int_equal(out.len, sizeof(msg) - 1);
	assert_memory_equal(out.data, msg, out.len);
	buf_reset(&out);
	assert_int_equal(seal_open(sk2, box.data, box.len, &out, &e),
	    DW_EAUTH);
	assert_non_null(strstr(e.msg, "cannot be opened with this key"));
	box.data[box.len / 2] ^= 1;
	assert_int_equal(seal_open(sk, box.data, box.len, &out, &e),
	    DW_EAUTH);
	assert_int_equal(seal_open(sk, box.data, 10, &out, &e), DW_EAUTH);
	assert_int_equal(out.len, 0);
	/* an empty sample seals and opens */
	buf_reset(&box);
	assert_int_equal(seal_box(pk, "", 0, &box, &e), DW_OK);
	assert_int_equal(seal_open(sk, box.data, box.len, &out, &e), DW_OK);
	assert_int_equal(out.len, 0);
	buf_fini(&box);
	buf_fini(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_box),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
