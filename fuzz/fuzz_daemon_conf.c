/*
 * fuzz_daemon_conf.c: the daemon's configuration (inih and the settings
 * table) on one input, then the settings read back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	struct dw_error e;
	char *text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_parse(text, size, "fuzz", &c, &e) == DW_OK) {
		(void)conf_log_level(&c);
		conf_free(&c);
	}
	free(text);
	return 0;
}
