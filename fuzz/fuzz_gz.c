/* fuzz_gz.c: the gz layer of the unpacker, reached by prefixing its magic. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/rd.h"
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = "\x1f\x8b";
	struct dw_error e;
	struct rd *rd;
	char *p;

	if (size > 1 << 20 || (p = malloc(size + 2)) == NULL)
		return 0;
	memcpy(p, magic, 2);
	memcpy(p + 2, data, size);
	rd = rd_mem_new(p, size + 2);
	if (rd != NULL)
		(void)unpack(rd, "fuzz", NULL, drain, NULL, &e);
	rd_free(rd);
	free(p);
	return 0;
}
