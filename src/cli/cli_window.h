/*
 * cli_window.h: the day window and domain choice of the commands that
 * read the rollups (--domain D, --since/--until YYYY-MM-DD, --days N),
 * and the monitored-domain filter.
 */
#ifndef DW_CLI_WINDOW_H
#define DW_CLI_WINDOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_analysis.h"

#define CLI_DOMAINS_MAX	100000	/* policy domains listed at once */

struct cli_window {
	const char	*domain;	/* --domain, or NULL */
	int64_t		 since, until;	/* UTC seconds; INT64_MIN/MAX */
	uint64_t	 days;		/* --days, 0: not given */
	bool		 all_domains;	/* --all-domains: ignore --config */
};

void cli_window_init(struct cli_window *w);
/* Takes one of the window options; false (logged) on a bad value. */
bool cli_window_opt(struct cli_window *w, int ch, const char *arg);
/* The days [first, last] of w for domain: --days counts back from the
 * last day with data. */
void cli_window_days(const struct cli_window *w, struct cli_an *a,
    const char *domain, int64_t *first, int64_t *last);

/* The domains to show: --domain, or every domain in the rollups that the
 * configuration monitors (all when there is none, or --all-domains).
 * *out is malloc'd, strings too: free with cli_domains_free(). */
bool cli_domains(struct cli_an *a, const struct cli_window *w,
    char ***out, size_t *n, size_t *hidden);
void cli_domains_free(char **v, size_t n);

/*
 * Runs getopt_long over argv with opts, which may hold the window
 * options, --json ('j') and --help ('h'): -1 when the command goes on,
 * else the exit status to return (after usage was printed).
 */
struct option;
int cli_window_args(int argc, char **argv, const struct option *opts,
    struct cli_window *w, bool *json, void (*usage)(FILE *));

/* Option letters the window takes (for getopt tables). */
#define CLI_WOPT_DOMAIN	'd'
#define CLI_WOPT_SINCE	's'
#define CLI_WOPT_UNTIL	'u'
#define CLI_WOPT_DAYS	'D'
#define CLI_WOPT_ALL	'A'

#endif
