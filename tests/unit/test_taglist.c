/*
 * test_taglist.c: the tag=value lexer, and the text case files of every
 * record parser: tests/cases/<parser>.test holds blocks of three lines
 * (name / input / expected) separated by blank lines, '#' comments.  The
 * input takes C escapes (\t \r \n \\); the expected line is the verdict
 * (valid, invalid, absent) then finding ids that must be present, each
 * optionally with @offset.
 */
#include <stdio.h>
#include <string.h>

#include "dwtest.h"

#include "base/arena.h"
#include "record/bimi.h"
#include "record/dkim_key.h"
#include "record/dmarc_record.h"
#include "record/mtasts.h"
#include "record/taglist.h"
#include "record/tlsrpt_record.h"

#define ARENA_MAX	(1 << 20)
#define LINE_MAX_	4096

static enum rec_status
run_taglist(struct arena *a, const char *s, size_t n, struct diag_list *dl)
{
	struct taglist tl;

	assert_int_equal(taglist_parse(a, s, n, TL_FWS, &tl, dl), DW_OK);
	return tl.nerr == 0 ? REC_VALID : REC_INVALID;
}

static enum rec_status
run_dmarc(struct arena *a, const char *s, size_t n, struct diag_list *dl)
{
	struct dmarc_record *r;

	assert_int_equal(dmarc_record_parse(a, s, n, &r, dl), DW_OK);
	return r->status;
}

static enum rec_status
run_dkim(struct arena *a, const char *s, size_t n, struct diag_list *dl)
{
	struct dkim_key *k;

	assert_int_equal(dkim_key_parse(a, s, n, &k, dl), DW_OK);
	return k->status;
}

static enum rec_status
run_sts(struct arena *a, const char *s, size_t n, struct diag_list *dl)
{
	struct mtasts_record *r;

	assert_int_equal(mtasts_record_parse(a, s, n, &r, dl), DW_OK);
	return r->status;
}

static enum rec_status
run_sts_policy(struct arena *a, const char *s, size_t n,
    struct diag_list *dl)
{
	struct mtasts_policy *p;

	assert_int_equal(mtasts_policy_parse(a, s, n, &p, dl), DW_OK);
	return p->status;
}

static enum rec_status
run_tlsrpt(struct arena *a, const char *s, size_t n, struct diag_list *dl)
{
	struct tlsrpt_record *r;

	assert_int_equal(tlsrpt_record_parse(a, s, n, &r, dl), DW_OK);
	return r->status;
}

static enum rec_status
run_bimi(struct arena *a, const char *s, size_t n, struct diag_list *dl)
{
	struct bimi_record *r;

	assert_int_equal(bimi_parse(a, s, n, &r, dl), DW_OK);
	return r->status;
}

static const struct {
	const char	*file;
	enum rec_status	(*run)(struct arena *, const char *, size_t,
			    struct diag_list *);
} parsers[] = {
	{ "taglist", run_taglist },
	{ "dmarc_record", run_dmarc },
	{ "dkim_key", run_dkim },
	{ "mtasts", run_sts },
	{ "mtasts_policy", run_sts_policy },
	{ "tlsrpt_record", run_tlsrpt },
	{ "bimi", run_bimi },
};

/* C escapes \t \r \n \xHH \\; a lone final '\' stands for nothing. */
static size_t
unescape(const char *in, char *out)
{
	char hex[3] = { 0 };
	size_t n = 0;

	for (; *in != '\0' && *in != '\n'; in++) {
		if (*in != '\\') {
			out[n++] = *in;
			continue;
		}
		in++;
		if (*in == '\0' || *in == '\n')
			break;
		if (*in == 'x' && in[1] != '\0' && in[2] != '\0') {
			memcpy(hex, in + 1, 2);
			out[n++] = (char)strtoul(hex, NULL, 16);
			in += 2;
			continue;
		}
		out[n++] = *in == 't' ? '\t' : *in == 'r' ? '\r' :
		    *in == 'n' ? '\n' : *in;
	}
	return n;
}

static enum diag_code
code_of(const char *id)
{
	int c;

	for (c = 0; c < DIAG__COUNT; c++)
		if (strcmp(diag_id((enum diag_code)c), id) == 0)
			return (enum diag_code)c;
	fail_msg("unknown finding id %s", id);
	return DIAG__COUNT;
}

/* The next space-separated word of *s, NUL-terminated in place. */
static char *
word(char **s)
{
	char *w = *s + strspn(*s, " \n");
	size_t n = strcspn(w, " \n");

	if (n == 0)
		return NULL;
	*s = w + n + (w[n] != '\0');
	w[n] = '\0';
	return w;
}

static void
check_block(size_t p, const char *name, const char *input,
    char *expected)
{
	struct arena *a = arena_new(ARENA_MAX);
	struct diag_list dl;
	char buf[LINE_MAX_], *tok, *at;
	const struct diag *d;
	size_t n = unescape(input, buf);
	enum rec_status st;

	diag_list_init(&dl);
	st = parsers[p].run(a, buf, n, &dl);
	tok = word(&expected);
	if (tok == NULL || strcmp(tok, rec_status_name(st)) != 0)
		fail_msg("%s: %s: got %s", parsers[p].file, name,
		    rec_status_name(st));
	while ((tok = word(&expected)) != NULL) {
		at = strchr(tok, '@');
		if (at != NULL)
			*at++ = '\0';
		d = diag_find(&dl, code_of(tok));
		if (d == NULL)
			fail_msg("%s: %s: no %s", parsers[p].file, name, tok);
		if (at != NULL && d->off != strtoul(at, NULL, 10))
			fail_msg("%s: %s: %s at %zu", parsers[p].file, name,
			    tok, d->off);
	}
	arena_free(a);
}

static void
case_files(void **state)
{
	char path[256], lines[3][LINE_MAX_], line[LINE_MAX_];
	size_t p, k, blocks = 0;
	FILE *f;

	(void)state;
	for (p = 0; p < sizeof(parsers) / sizeof(parsers[0]); p++) {
		snprintf(path, sizeof(path), "tests/cases/%s.test",
		    parsers[p].file);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		k = 0;
		while (fgets(line, sizeof(line), f) != NULL) {
			if (line[0] == '#')
				continue;
			if (line[0] == '\n') {
				assert_true(k == 0 || k == 3);
				k = 0;
				continue;
			}
			assert_true(k < 3);
			memcpy(lines[k++], line, sizeof(line));
			if (k == 3) {
				check_block(p, lines[0], lines[1], lines[2]);
				blocks++;
			}
		}
		fclose(f);
	}
	printf("# tests/cases: %zu blocks\n", blocks);
	assert_true(blocks > 0);
}

static void
lexer(void **state)
{
	static const char rec[] = "a=1; b = x y ;c=\r\n\tz;";
	struct arena *a = arena_new(ARENA_MAX);
	struct taglist tl;
	struct diag_list dl;
	const struct tag *t;

	(void)state;
	diag_list_init(&dl);
	assert_int_equal(taglist_parse(a, rec, sizeof(rec) - 1, TL_FWS, &tl,
	    &dl), DW_OK);
	assert_int_equal(tl.nerr, 0);
	assert_int_equal(tl.n, 3);
	t = taglist_get(&tl, "b");
	assert_non_null(t);
	assert_int_equal(t->off, 5);
	assert_int_equal(t->val_off, 9);
	assert_int_equal(t->val_len, 3);
	assert_memory_equal(t->val, "x y", 3);
	t = taglist_get(&tl, "c");
	assert_int_equal(t->val_len, 1);
	assert_int_equal(t->val_off, 19);
	assert_true(tl.trailing_sep);
	assert_null(taglist_get(&tl, "B"));
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lexer),
		cmocka_unit_test(case_files),
	};

	return cmocka_run_group_tests_name("taglist", tests, NULL, NULL);
}
