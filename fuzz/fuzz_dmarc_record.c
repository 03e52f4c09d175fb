/*
 * fuzz_dmarc_record.c: the DMARC record parser on one fuzzed record, then
 * what the posture check does with the result: the authorization names
 * of its report destinations and the next record to publish.  The input
 * is also split at NUL bytes into several TXT strings for the selection.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "record/dmarc_record.h"

#define FUZZ_ARENA_MAX	(1 << 22)
#define FUZZ_TXT_MAX	8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same_org(void *ctx, const char *a, const char *b)
{
	(void)ctx;
	return strcmp(a, b) == 0;
}

static void
select_split(struct arena *a, const char *s, size_t size)
{
	const char *txt[FUZZ_TXT_MAX];
	size_t lens[FUZZ_TXT_MAX], n = 0, start = 0, i;
	struct dmarc_record *r;
	struct diag_list dl;

	for (i = 0; i <= size && n < FUZZ_TXT_MAX; i++) {
		if (i == size || s[i] == '\0') {
			txt[n] = s + start;
			lens[n++] = i - start;
			start = i + 1;
		}
	}
	diag_list_init(&dl);
	(void)dmarc_record_select(a, txt, lens, n, &r, &dl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(FUZZ_ARENA_MAX);
	struct dmarc_record *r;
	struct dmarc_auth *auth;
	struct diag_list dl;
	const char *next;
	size_t n;

	if (a == NULL)
		return 0;
	diag_list_init(&dl);
	if (dmarc_record_parse(a, (const char *)data, size, &r, &dl) ==
	    DW_OK) {
		(void)dmarc_record_auth_names(a, r, "clinic.example",
		    same_org, NULL, &auth, &n);
		(void)dmarc_record_next(a, r, &next);
	}
	select_split(a, (const char *)data, size);
	arena_free(a);
	return 0;
}
