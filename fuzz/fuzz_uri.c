/* fuzz_uri.c: the URI checks shared by DMARC, TLS-RPT and BIMI. */
#include <stdint.h>

#include "record/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uri_info u;

	(void)uri_parse((const char *)data, size, &u);
	(void)uri_hostname_ok((const char *)data, size);
	return 0;
}
