/*
 * cli.h: the command-line front end.  main.c parses the global options
 * (dmarcward [--db PATH] [--zone FILE] [--resolver ADDR]
 * [--trust-anchor FILE] [--catalog FILE] [--config FILE] COMMAND [ARGS])
 * and hands the rest to one command from the table below.  Commands are
 * thin: parse their arguments, call the library, print.
 *
 * Exit status of every command: 0 success, 1 the command ran but found
 * something wrong (a rejected report, a failing check), 2 a usage error or
 * a failure to run at all (store cannot be opened, out of memory).
 */
#ifndef DW_CLI_H
#define DW_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define CLI_EXIT_OK	0
#define CLI_EXIT_FOUND	1
#define CLI_EXIT_FAIL	2

struct cli {
	const char	*progname;
	const char	*db_path;	/* --db, else the default store path */
	const char	*zone;		/* --zone FILE: DNS from zone data */
	const char	*resolver;	/* --resolver ADDR[@PORT] */
	const char	*trust_anchor;	/* --trust-anchor FILE: DNSSEC */
	const char	*catalog;	/* --catalog FILE: more services */
	const char	*config;	/* --config FILE: domains and tiers */
	bool		 quiet;		/* --quiet: no progress, no chatter */
};

struct cli_cmd {
	const char	*name;
	const char	*summary;	/* one line for `dmarcward --help` */
	/* argv[0] is the command name; getopt state is reset before. */
	int		(*run)(struct cli *c, int argc, char **argv);
};

/* Each command file defines one of these; main.c lists them. */
extern const struct cli_cmd cli_cmd_ingest;
extern const struct cli_cmd cli_cmd_report;
extern const struct cli_cmd cli_cmd_export;
extern const struct cli_cmd cli_cmd_parse;
extern const struct cli_cmd cli_cmd_spf;
extern const struct cli_cmd cli_cmd_fetch;
extern const struct cli_cmd cli_cmd_run;
extern const struct cli_cmd cli_cmd_probe;
extern const struct cli_cmd cli_cmd_dns;
extern const struct cli_cmd cli_cmd_check;
extern const struct cli_cmd cli_cmd_history;
extern const struct cli_cmd cli_cmd_tls;
extern const struct cli_cmd cli_cmd_failures;
extern const struct cli_cmd cli_cmd_failure;
extern const struct cli_cmd cli_cmd_enrich;
extern const struct cli_cmd cli_cmd_sources;
extern const struct cli_cmd cli_cmd_readiness;

/* True when argv holds -h or --help before any "--". */
bool cli_wants_help(int argc, char **argv);

/* A subcommand: "spf eval", "dns lookup". */
struct cli_sub {
	const char	*name;
	int		(*run)(struct cli *c, int argc, char **argv);
};

/*
 * Runs the subcommand named by argv[1] with argv + 1; prints usage (to
 * stdout for -h/--help, then CLI_EXIT_OK) or an error naming cmd (then
 * CLI_EXIT_FAIL) when there is none or it is unknown.
 */
int cli_run_sub(struct cli *c, int argc, char **argv, const char *cmd,
    const struct cli_sub *subs, size_t nsubs, void (*usage)(FILE *));

#endif
