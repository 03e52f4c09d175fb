/* fuzz_mbox.c: the mbox splitter. */
#include <stdint.h>

#include "report/rd.h"
#include "report/unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum dw_err
on_msg(void *ctx, const char *msg, size_t len, uint64_t index,
    const struct dw_error *msgerr)
{
	(void)ctx;
	(void)msg;
	(void)len;
	(void)index;
	(void)msgerr;
	return DW_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_error e;
	struct rd *rd = rd_mem_new(data, size);

	if (rd != NULL)
		(void)mbox_each(rd, 4096, on_msg, NULL, &e);
	rd_free(rd);
	return 0;
}
