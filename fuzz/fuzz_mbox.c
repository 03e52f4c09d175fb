/* fuzz_mbox.c: the mbox splitter alone (fuzz_unpack.h). */
#include "fuzz_unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_error e;
	struct rd *rd = rd_mem_new(data, size);

	if (rd != NULL)
		(void)mbox_each(rd, 4096, fuzz_ignore_msg, NULL, &e);
	rd_free(rd);
	return 0;
}
