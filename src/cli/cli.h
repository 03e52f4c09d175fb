/*
 * cli.h: the command-line front end.  main.c parses the global options
 * (dmarcward [--db PATH] [--zone FILE] [--resolver ADDR] COMMAND [ARGS])
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
extern const struct cli_cmd cli_cmd_tls;

/* True when argv holds -h or --help before any "--". */
bool cli_wants_help(int argc, char **argv);

#endif
