/* fuzz_mime.c: the mime layer of the unpacker, reached by prefixing its magic. */
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
	static const char magic[] = "From: f@example.org\r\n";
	struct dw_error e;
	struct rd *rd;
	char *p;

	if (size > 1 << 20 || (p = malloc(size + 21)) == NULL)
		return 0;
	memcpy(p, magic, 21);
	memcpy(p + 21, data, size);
	rd = rd_mem_new(p, size + 21);
	if (rd != NULL)
		(void)unpack(rd, "fuzz", NULL, drain, NULL, &e);
	rd_free(rd);
	free(p);
	return 0;
}
