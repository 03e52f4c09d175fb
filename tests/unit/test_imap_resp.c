/*
 * test_imap_resp.c: the IMAP SEARCH and STATUS response readers.
 */
#include "dwtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/imap_resp.h"

static enum dw_err
search(const char *s, uint32_t **u, size_t *n)
{
	struct dw_error e;

	return imap_parse_search(s, strlen(s), u, n, &e);
}

static void
t_search(void **state)
{
	uint32_t *u;
	size_t n;

	(void)state;
	assert_int_equal(search("* SEARCH 9 2 7 2\r\nA1 OK\r\n", &u, &n),
	    DW_OK);
	assert_int_equal(n, 3);
	assert_int_equal(u[0], 2);
	assert_int_equal(u[1], 7);
	assert_int_equal(u[2], 9);
	free(u);
	/* Several lines, an empty one, other untagged lines, bare LF. */
	assert_int_equal(search("* 3 EXISTS\n* SEARCH\n* search 4\n"
	    "* SEARCH 4294967295 1 (MODSEQ 5)\n", &u, &n), DW_OK);
	assert_int_equal(n, 3);
	assert_int_equal(u[0], 1);
	assert_int_equal(u[2], 4294967295u);
	free(u);
	assert_int_equal(search("A1 OK nothing\r\n", &u, &n), DW_OK);
	assert_int_equal(n, 0);
	free(u);
}

static void
t_search_bad(void **state)
{
	uint32_t *u;
	size_t n;

	(void)state;
	assert_int_equal(search("* SEARCH 0\r\n", &u, &n), DW_ESYNTAX);
	assert_int_equal(search("* SEARCH 4294967296\r\n", &u, &n),
	    DW_ESYNTAX);
	assert_int_equal(search("* SEARCH 1x\r\n", &u, &n), DW_ESYNTAX);
	assert_int_equal(search("* SEARCH -1\r\n", &u, &n), DW_ESYNTAX);
	assert_int_equal(search("* SEARCH 01\r\n", &u, &n), DW_ESYNTAX);
	assert_int_equal(search("* SEARCH  1\r\n", &u, &n), DW_ESYNTAX);
	assert_null(u);
}

static void
t_search_cap(void **state)
{
	struct dw_error e;
	char *s, *p;
	uint32_t *u;
	size_t n, i;

	(void)state;
	s = malloc(16 + (size_t)(IMAP_MAX_UIDS + 1) * 7);
	assert_non_null(s);
	memcpy(s, "* SEARCH", 8);
	p = s + 8;
	for (i = 1; i <= IMAP_MAX_UIDS + 1; i++)
		p += snprintf(p, 8, " %zu", i);
	assert_int_equal(imap_parse_search(s, (size_t)(p - s), &u, &n, &e),
	    DW_ELIMIT);
	assert_non_null(strstr(e.msg, "over"));
	free(s);
}

static void
t_status(void **state)
{
	struct imap_status st;
	struct dw_error e;
	const char *r;

	(void)state;
	r = "* STATUS \"In \\\"box\" (MESSAGES 0 UIDNEXT 12 UIDVALIDITY 7)\r\n"
	    "A2 OK\r\n";
	assert_int_equal(imap_parse_status(r, strlen(r), &st, &e), DW_OK);
	assert_int_equal(st.uidvalidity, 7);
	assert_int_equal(st.uidnext, 12);
	assert_int_equal(st.messages, 0);
	assert_true(st.have_messages);
	r = "* OK x\r\n* STATUS INBOX (UIDVALIDITY 4294967295)\r\n";
	assert_int_equal(imap_parse_status(r, strlen(r), &st, &e), DW_OK);
	assert_int_equal(st.uidvalidity, 4294967295u);
	r = "* STATUS INBOX (MESSAGES 3)\r\n";
	assert_int_equal(imap_parse_status(r, strlen(r), &st, &e),
	    DW_ESYNTAX);
	assert_non_null(strstr(e.msg, "UIDVALIDITY"));
	r = "* STATUS INBOX (UIDVALIDITY 99999999999)\r\n";
	assert_int_equal(imap_parse_status(r, strlen(r), &st, &e),
	    DW_ESYNTAX);
	r = "* STATUS \"INBOX (UIDVALIDITY 1)\r\n";
	assert_int_equal(imap_parse_status(r, strlen(r), &st, &e),
	    DW_ESYNTAX);
	r = "* STATUS INBOX (UIDVALIDITY 1\r\n";
	assert_int_equal(imap_parse_status(r, strlen(r), &st, &e),
	    DW_ESYNTAX);
	assert_int_equal(imap_parse_status("", 0, &st, &e), DW_ESYNTAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_search),
		cmocka_unit_test(t_search_bad),
		cmocka_unit_test(t_search_cap),
		cmocka_unit_test(t_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
