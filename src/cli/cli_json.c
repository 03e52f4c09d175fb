/* cli_json.c: JSON output helpers shared by the commands. */
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "cli_json.h"

json_t *
cli_json_str(const char *s)
{
	char clean[4096];
	json_t *j;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	return json_string(log_sanitize(clean, sizeof(clean), s));
}

void
cli_json_print(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}
