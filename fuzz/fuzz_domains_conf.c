/*
 * fuzz_domains_conf.c: the domains configuration (monitored domains and
 * risk tiers) on one input, then the lookups on a few names.
 */
#include <stdint.h>

#include "conf/domains.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domains_conf *c;
	struct dw_error e;

	if (domains_conf_parse((const char *)data, size, "fuzz", &c, &e) !=
	    DW_OK)
		return 0;
	(void)domains_conf_monitored(c, "a.b.example.org");
	(void)domains_conf_nearest(c, "portal.example.org");
	(void)domains_conf_find(c, "example.org");
	domains_conf_free(c);
	return 0;
}
