/*
 * fuzz_unpack.h: what the unpacking fuzz targets share -- small caps (the
 * code paths are those of the defaults, each run is shorter), a callback
 * that drains every document, and a runner that puts a container's magic
 * in front of the input so every run reaches that container's code.
 */
#ifndef DW_FUZZ_UNPACK_H
#define DW_FUZZ_UNPACK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/rd.h"
#include "report/unpack.h"

#define FUZZ_MAX_INPUT	(1 << 20)

static inline void
fuzz_limits(struct unpack_limits *lim)
{
	unpack_limits_default(lim);
	lim->max_size = 1 << 20;
	lim->max_message = 1 << 20;
}

static inline enum dw_err
fuzz_drain(void *ctx, const struct doc *d, struct dw_error *e)
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

static inline enum dw_err
fuzz_ignore_msg(void *ctx, const char *msg, size_t len, uint64_t index,
    const struct dw_error *msgerr)
{
	(void)ctx;
	(void)msg;
	(void)len;
	(void)index;
	(void)msgerr;
	return DW_OK;
}

/* unpack() over magic[0..n) followed by data[0..size). */
static inline void
fuzz_unpack_prefixed(const char *magic, size_t n, const uint8_t *data,
    size_t size)
{
	struct unpack_limits lim;
	struct dw_error e;
	struct rd *rd;
	char *p;

	if (size > FUZZ_MAX_INPUT || (p = malloc(size + n)) == NULL)
		return;
	memcpy(p, magic, n);
	memcpy(p + n, data, size);
	fuzz_limits(&lim);
	rd = rd_mem_new(p, size + n);
	if (rd != NULL)
		(void)unpack(rd, "fuzz", &lim, fuzz_drain, NULL, &e);
	rd_free(rd);
	free(p);
}

#endif
