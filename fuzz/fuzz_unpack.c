/*
 * fuzz_unpack.c: unpack() over one fuzzed input, draining every document
 * it finds, whatever container the bytes turn out to be (fuzz_unpack.h).
 * The per-layer targets (fuzz_gz, fuzz_zip, fuzz_mime, fuzz_mbox) reach
 * each layer on every run.
 */
#include "fuzz_unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_unpack_prefixed("", 0, data, size);
	return 0;
}
