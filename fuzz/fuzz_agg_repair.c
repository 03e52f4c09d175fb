/* fuzz_agg_repair.c: the bounded repairs of known reporter faults. */
#include <stdint.h>

#include "base/buf.h"
#include "report/agg_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out;
	char note[256];

	buf_init(&out, AGG_REPAIR_MAX * 2);
	(void)agg_repair((const char *)data, size, &out, note, sizeof(note));
	buf_fini(&out);
	return 0;
}
