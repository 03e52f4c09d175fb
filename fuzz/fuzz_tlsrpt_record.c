/*
 * fuzz_tlsrpt_record.c: tlsrpt_record_parse() on one fuzzed record.
 */
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "record/tlsrpt_record.h"

#define FUZZ_ARENA_MAX	(1 << 22)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(FUZZ_ARENA_MAX);
	struct tlsrpt_record *r;
	struct diag_list dl;

	if (a == NULL)
		return 0;
	diag_list_init(&dl);
	(void)tlsrpt_record_parse(a, (const char *)data, size, &r, &dl);
	arena_free(a);
	return 0;
}
