/* test_base.c: buffers, arenas, errors, UTF-8 and log sanitizing. */
#include <stdio.h>
#include <string.h>

#include "dwtest.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/utf8.h"

static void
buf_caps_without_truncating(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "abcdef"), DW_OK);
	/* 6 + 3 > 8: refused whole, buffer unchanged */
	assert_int_equal(buf_puts(&b, "ghi"), DW_ELIMIT);
	assert_int_equal(b.len, 6);
	assert_string_equal(buf_str(&b), "abcdef");
	assert_int_equal(buf_puts(&b, "gh"), DW_OK);
	assert_int_equal(buf_putc(&b, 'x'), DW_ELIMIT);
	assert_string_equal(buf_str(&b), "abcdefgh");
	assert_int_equal(buf_printf(&b, "%d", 1), DW_ELIMIT);
	assert_int_equal(b.len, 8);
	buf_fini(&b);
}

static void
buf_grows_and_keeps_nul(void **state)
{
	struct buf b;
	char *p;
	size_t i, n;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_string_equal(buf_str(&b), "");
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_printf(&b, "%zu,", i % 10), DW_OK);
	assert_int_equal(b.len, 20000);
	assert_int_equal(b.data[b.len], '\0');
	/* binary content with NULs is kept as is */
	buf_reset(&b);
	assert_int_equal(buf_append(&b, "a\0b", 3), DW_OK);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 3);
	p = buf_steal(&b, &n);
	assert_int_equal(n, 3);
	assert_null(b.data);
	free(p);
	buf_fini(&b);
	buf_fini(&b);	/* twice is harmless */
}

static void
arena_caps_and_resets(void **state)
{
	struct arena *a;
	char *s;
	void *p;
	size_t i;

	(void)state;
	a = arena_new(64 * 1024);
	assert_non_null(a);
	s = arena_strndup(a, "hello world", 5);
	assert_string_equal(s, "hello");
	assert_string_equal(arena_strdup(a, ""), "");
	for (i = 0; i < 100; i++) {
		p = arena_alloc(a, 1000);
		if (p == NULL)
			break;
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
	}
	assert_null(p);
	assert_true(arena_exhausted(a));
	assert_true(arena_used(a) <= 64 * 1024);
	arena_reset(a);
	assert_non_null(arena_zalloc(a, 1000));
	assert_false(arena_exhausted(a));
	arena_free(a);
	arena_free(NULL);
}

static void
arena_realloc_keeps_content(void **state)
{
	struct arena *a = arena_new(1 << 20);
	int *v = NULL;
	size_t n = 0, i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		v = arena_realloc(a, v, n * sizeof(*v), (n + 1) * sizeof(*v));
		assert_non_null(v);
		v[n++] = (int)i;
	}
	for (i = 0; i < n; i++)
		assert_int_equal(v[i], (int)i);
	arena_free(a);
}

static void
errors_have_text(void **state)
{
	struct dw_error e;
	char longarg[2000];
	int c;

	(void)state;
	for (c = DW_OK; c <= DW_EFULL; c++) {
		assert_non_null(dw_strerror((enum dw_err)c));
		assert_true(strlen(dw_strerror((enum dw_err)c)) > 0);
	}
	assert_int_equal(dw_fail(&e, DW_ELIMIT, "cap %d", 7), DW_ELIMIT);
	assert_int_equal(e.code, DW_ELIMIT);
	assert_string_equal(e.msg, "cap 7");
	memset(longarg, 'x', sizeof(longarg) - 1);
	longarg[sizeof(longarg) - 1] = '\0';
	dw_fail(&e, DW_ESYNTAX, "%s", longarg);
	assert_true(strlen(e.msg) < DW_ERRMSG_MAX);
	assert_int_equal(dw_fail(NULL, DW_EIO, "no sink"), DW_EIO);
	dw_error_clear(&e);
	assert_int_equal(e.code, DW_OK);
	assert_string_equal(e.msg, "");
}

static void
utf8_strict(void **state)
{
	static const struct {
		const char *s;
		int valid;
	} cases[] = {
		{ "plain", 1 },
		{ "b\xc3\xbc" "cher", 1 },
		{ "\xe2\x82\xac", 1 },
		{ "\xf0\x9f\x98\x80", 1 },
		{ "\xc0\xaf", 0 },		/* overlong '/' */
		{ "\xe0\x80\xaf", 0 },		/* overlong */
		{ "\xed\xa0\x80", 0 },		/* surrogate D800 */
		{ "\xf4\x90\x80\x80", 0 },	/* above U+10FFFF */
		{ "\x91quote", 0 },		/* Windows-1252 byte */
		{ "\xc3", 0 },			/* truncated */
		{ "\xff", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(utf8_valid(cases[i].s, strlen(cases[i].s)),
		    cases[i].valid);
}

static void
log_sanitize_escapes(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(log_sanitize(out, sizeof(out), "ok b\xc3\xbc"),
	    "ok b\xc3\xbc");
	assert_string_equal(log_sanitize(out, sizeof(out),
	    "a\r\nFAKE: line"), "a\\x0d\\x0aFAKE: line");
	assert_string_equal(log_sanitize(out, sizeof(out), "\x1b[31mred"),
	    "\\x1b[31mred");
	assert_string_equal(log_sanitize(out, sizeof(out), "\xc2\x9b"),
	    "\\xc2\\x9b");	/* C1 CSI */
	assert_string_equal(log_sanitize(out, sizeof(out), "bad\xff"),
	    "bad\\xff");
	/* small output: cut, never overrun, always terminated */
	assert_int_equal(strlen(log_sanitize(out, 5, "\x01\x02\x03")) < 5, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_caps_without_truncating),
		cmocka_unit_test(buf_grows_and_keeps_nul),
		cmocka_unit_test(arena_caps_and_resets),
		cmocka_unit_test(arena_realloc_keeps_content),
		cmocka_unit_test(errors_have_text),
		cmocka_unit_test(utf8_strict),
		cmocka_unit_test(log_sanitize_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
