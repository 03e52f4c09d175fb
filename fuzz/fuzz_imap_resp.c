/*
 * fuzz_imap_resp.c: the IMAP SEARCH and STATUS response readers, on the
 * same bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fetch/imap_resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_status st;
	uint32_t *uids;
	size_t n, i;

	if (imap_parse_search((const char *)data, size, &uids, &n, NULL) ==
	    DW_OK) {
		for (i = 1; i < n; i++)
			if (uids[i - 1] >= uids[i])
				abort();	/* must be sorted, unique */
		free(uids);
	}
	(void)imap_parse_status((const char *)data, size, &st, NULL);
	return 0;
}
