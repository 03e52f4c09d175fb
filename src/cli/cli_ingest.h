/*
 * cli_ingest.h: what the commands that ingest (ingest, fetch) share: the
 * rejection lines, the progress line on a terminal, and the summary
 * (cmd_ingest.c).
 */
#ifndef DW_CLI_INGEST_H
#define DW_CLI_INGEST_H

#include <stdbool.h>

#include <jansson.h>

#include "base/err.h"
#include "ingest/ingest.h"

struct cli_ingest_ui {
	bool		 tty;		/* progress on stderr */
	bool		 json;
	double		 last;
	json_t		*rejections;	/* --json: collected here */
	json_t		*extra;		/* --json: added to the summary */
};

/* The ingest_opts callbacks; ctx is the struct cli_ingest_ui. */
void cli_ingest_on_reject(void *ctx, const char *input, const char *doc,
    const struct dw_error *e);
void cli_ingest_on_progress(void *ctx, const struct ingest_stats *s);
/* The summary as a JSON object (new reference). */
json_t *cli_ingest_json(const struct cli_ingest_ui *ui,
    const struct ingest_stats *s, double secs);
/* Prints the summary, as text or JSON. */
void cli_ingest_summary(const struct cli_ingest_ui *ui,
    const struct ingest_stats *s, double secs);

#endif
