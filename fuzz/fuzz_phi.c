/*
 * fuzz_phi.c: the PHI redactor on one input as free text, then on its own
 * output (markers beside what was left), and the header and parameter
 * classifiers on the input's first line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "report/phi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t line = nl != NULL ? (size_t)(nl - data) : size;
	struct phi_counts c;
	struct buf out, again;
	char *name;

	(void)phi_header_is_free_text(s, line);
	(void)phi_header_has_params(s, line);
	if ((name = malloc(line + 1)) != NULL) {
		memcpy(name, s, line);
		name[line] = '\0';
		(void)phi_param_is_free_text(name);
		free(name);
	}
	memset(&c, 0, sizeof(c));
	buf_init(&out, 4 * size + 64);
	if (phi_redact(s, size, &out, &c) == DW_OK) {
		memset(&c, 0, sizeof(c));
		buf_init(&again, 4 * out.len + 64);
		(void)phi_redact(buf_str(&out), out.len, &again, &c);
		buf_fini(&again);
	}
	buf_fini(&out);
	return 0;
}
