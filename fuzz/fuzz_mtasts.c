/*
 * fuzz_mtasts.c: the MTA-STS TXT record parser and the policy file parser
 * on the same fuzzed bytes, then every MX pattern of the policy matched
 * against host names taken from the input.
 */
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "record/mtasts.h"

#define FUZZ_ARENA_MAX	(1 << 22)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(FUZZ_ARENA_MAX);
	struct mtasts_record *r;
	struct mtasts_policy *p;
	struct diag_list dl;
	const char *s = (const char *)data;
	size_t i;

	if (a == NULL)
		return 0;
	diag_list_init(&dl);
	(void)mtasts_record_parse(a, s, size, &r, &dl);
	diag_list_init(&dl);
	(void)mtasts_policy_parse(a, s, size, &p, &dl);
	for (i = 0; i < size && i < 64; i += 7)
		(void)mtasts_mx_match(p, s + i, size - i < 40 ? size - i : 40);
	(void)mtasts_mx_match(p, "mx.clinic.example", 17);
	arena_free(a);
	return 0;
}
