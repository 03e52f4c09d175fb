/* fuzz_zip.c: the zip layer of the unpacker (fuzz_unpack.h). */
#include "fuzz_unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = "PK\x03\x04";

	fuzz_unpack_prefixed(magic, sizeof(magic) - 1, data, size);
	return 0;
}
