/*
 * fuzz_catalog.c: the ini lexer and the service catalog on one input,
 * loaded twice (the second load replaces every service), then matched.
 */
#include <stdint.h>
#include <string.h>

#include "sources/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog *c = catalog_new();
	struct dw_error e;
	size_t i;

	if (c == NULL)
		return 0;
	if (catalog_load(c, (const char *)data, size, "fuzz", &e) == DW_OK &&
	    catalog_load(c, (const char *)data, size, "fuzz", &e) == DW_OK) {
		(void)catalog_match_ptr(c, "a.b.example.net");
		(void)catalog_match_dkim(c, "x.example.org");
		for (i = 0; i < catalog_count(c); i++)
			(void)catalog_find(c, catalog_at(c, i)->key);
	}
	catalog_free(c);
	return 0;
}
