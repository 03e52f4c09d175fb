/*
 * cli_json.h: JSON output of the commands (jansson), one compact object
 * per line.
 */
#ifndef DW_CLI_JSON_H
#define DW_CLI_JSON_H

#include <jansson.h>

/* A JSON string of s, escaped first when it is not UTF-8; null for NULL.
 * A new reference. */
json_t *cli_json_str(const char *s);
/* Prints j as one line to stdout and drops the reference. */
void cli_json_print(json_t *j);

#endif
