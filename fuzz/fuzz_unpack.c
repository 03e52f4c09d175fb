/*
 * fuzz_unpack.c: unpack() over one fuzzed input, draining every document
 * it finds, and mbox_each() over the same bytes.  Small caps keep each
 * run short; the code paths are the same as with the defaults.
 */
#include <stddef.h>
#include <stdint.h>

#include "report/unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum dw_err
drain(void *ctx, const struct doc *d, struct dw_error *e)
{
	char b[4096];
	size_t got;
	enum dw_err err;

	(void)ctx;
	do {
		err = rd_read(d->rd, b, sizeof(b), &got, e);
	} while (err == DW_OK && got > 0);
	return err;
}

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
	struct unpack_limits lim;
	struct dw_error e;
	struct rd *rd;

	unpack_limits_default(&lim);
	lim.max_size = 1 << 20;
	lim.max_message = 1 << 20;
	rd = rd_mem_new(data, size);
	if (rd == NULL)
		return 0;
	(void)unpack(rd, "fuzz", &lim, drain, NULL, &e);
	rd_free(rd);
	rd = rd_mem_new(data, size);
	if (rd == NULL)
		return 0;
	(void)mbox_each(rd, 4096, on_msg, NULL, &e);
	rd_free(rd);
	return 0;
}
