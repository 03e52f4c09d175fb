/*
 * main.c: dmarcward [--db PATH] [--zone FILE] [--resolver ADDR]
 * [--trust-anchor FILE] [--catalog FILE] [--config FILE] COMMAND [ARGS].
 * Global options, the command table, nothing else.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "cli.h"

#ifndef DW_VERSION
#define DW_VERSION "0.1.0"
#endif

#define DEFAULT_DB	"dmarcward.db"

static const struct cli_cmd *const commands[] = {
	&cli_cmd_ingest,
	&cli_cmd_parse,
	&cli_cmd_report,
	&cli_cmd_export,
	&cli_cmd_tls,
	&cli_cmd_spf,
	&cli_cmd_fetch,
	&cli_cmd_run,
	&cli_cmd_probe,
	&cli_cmd_dns,
	&cli_cmd_check,
	&cli_cmd_history,
	&cli_cmd_failures,
	&cli_cmd_failure,
	&cli_cmd_enrich,
	&cli_cmd_sources,
	&cli_cmd_readiness,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
	    "usage: dmarcward [--db PATH] [--zone FILE] [--resolver ADDR]"
	    " [--trust-anchor FILE]\n"
	    "                 [--catalog FILE] [--config FILE] COMMAND "
	    "[ARGS]\n\n"
	    "Global options:\n"
	    "  --db PATH         the store (default: $DMARCWARD_DB, else "
	    "./" DEFAULT_DB ")\n"
	    "  --zone FILE       answer DNS from zone data (SPF test suite "
	    "format)\n"
	    "  --resolver ADDR   upstream resolver, e.g. 127.0.0.1@5353\n"
	    "  --trust-anchor FILE  validate DNSSEC from these DS/DNSKEY "
	    "records\n"
	    "  --catalog FILE    known services to add to the built-in "
	    "catalog\n"
	    "  --config FILE     monitored domains and risk tiers (default: "
	    "$DMARCWARD_CONFIG)\n"
	    "  -q, --quiet       no progress output\n"
	    "  -v, --verbose     more log output\n"
	    "  -V, --version     print the version\n\n"
	    "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-10s %s\n", commands[i]->name,
		    commands[i]->summary);
	fprintf(fp, "\nRun `dmarcward COMMAND --help` or "
	    "`man dmarcward-COMMAND` for a command's options.\n");
}

bool
cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int
cli_run_sub(struct cli *c, int argc, char **argv, const char *cmd,
    const struct cli_sub *subs, size_t nsubs, void (*usage_fn)(FILE *))
{
	size_t i;

	if (argc < 2) {
		usage_fn(stderr);
		return CLI_EXIT_FAIL;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage_fn(stdout);
		return CLI_EXIT_OK;
	}
	for (i = 0; i < nsubs; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(c, argc - 1, argv + 1);
	log_warnx("%s: unknown subcommand \"%s\"", cmd, argv[1]);
	usage_fn(stderr);
	return CLI_EXIT_FAIL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "zone", required_argument, NULL, 'z' },
		{ "resolver", required_argument, NULL, 'r' },
		{ "trust-anchor", required_argument, NULL, 't' },
		{ "catalog", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { .progname = "dmarcward" };
	enum log_level lvl = LOG_LVL_WARN;
	const char *env;
	size_t i;
	int ch;

	env = getenv("DMARCWARD_DB");
	c.db_path = (env != NULL && *env != '\0') ? env : DEFAULT_DB;
	env = getenv("DMARCWARD_CONFIG");
	c.config = (env != NULL && *env != '\0') ? env : NULL;
	/* "+": stop at the command name; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+qvVh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			c.db_path = optarg;
			break;
		case 'z':
			c.zone = optarg;
			break;
		case 'r':
			c.resolver = optarg;
			break;
		case 't':
			c.trust_anchor = optarg;
			break;
		case 'c':
			c.catalog = optarg;
			break;
		case 'C':
			c.config = optarg;
			break;
		case 'q':
			c.quiet = true;
			break;
		case 'v':
			lvl = lvl == LOG_LVL_WARN ? LOG_LVL_INFO :
			    LOG_LVL_DEBUG;
			break;
		case 'V':
			printf("dmarcward %s\n", DW_VERSION);
			return CLI_EXIT_OK;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			usage(stderr);
			return CLI_EXIT_FAIL;
		}
	}
	log_init("dmarcward", lvl, false);
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[0], commands[i]->name) != 0)
			continue;
		optind = 0;	/* glibc: full reset for the command */
		return commands[i]->run(&c, argc, argv);
	}
	log_warnx("unknown command \"%s\"; see dmarcward --help", argv[0]);
	return CLI_EXIT_FAIL;
}
