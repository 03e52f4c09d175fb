/*
 * fuzz_taglist.c: the tag=value lexer under every combination of its
 * flags; the first input byte chooses the flags.
 */
#include <stdint.h>

#include "base/arena.h"
#include "record/diag.h"
#include "record/taglist.h"

#define FUZZ_ARENA_MAX	(4 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct taglist tl;
	struct diag_list dl;
	unsigned flags;

	if (size == 0 || (a = arena_new(FUZZ_ARENA_MAX)) == NULL)
		return 0;
	flags = data[0] & 0x3f;
	diag_list_init(&dl);
	if (taglist_parse(a, (const char *)data + 1, size - 1, flags, &tl,
	    &dl) == DW_OK)
		(void)taglist_get(&tl, "v");
	arena_free(a);
	return 0;
}
