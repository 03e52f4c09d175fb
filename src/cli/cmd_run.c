/*
 * cmd_run.c: dmarcward run -- the daemon (src/daemon/).
 */
#include <getopt.h>
#include <stdio.h>

#include "base/log.h"
#include "cli.h"
#include "conf/settings.h"
#include "daemon/daemon.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward run --config FILE\n"
	    "       dmarcward run --check-config FILE\n"
	    "       dmarcward run --print-settings\n\n"
	    "Runs the daemon: the IMAP mailboxes and folders of the "
	    "configuration on\ntheir schedules, /metrics and the report upload "
	    "endpoint.  SIGTERM or\nSIGINT stops it after the current message, "
	    "SIGHUP rereads the\nconfiguration.  See dmarcward-run(1) and "
	    "dmarcward.conf(5).\n");
}

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", required_argument, NULL, 'k' },
		{ "print-settings", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	struct conf conf;
	struct dw_error e;
	int ch;

	(void)c;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'k':
			dw_error_clear(&e);
			if (conf_load(optarg, &conf, &e) != DW_OK) {
				log_warnx("%s", e.msg);
				return CLI_EXIT_FAIL;
			}
			printf("%s: ok (%zu mailboxes, %zu folders)\n", optarg,
			    conf.nimap, conf.nfolder);
			conf_free(&conf);
			return CLI_EXIT_OK;
		case 'p':
			conf_print_settings(stdout);
			return CLI_EXIT_OK;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			usage(stderr);
			return CLI_EXIT_FAIL;
		}
	}
	if (config == NULL || optind != argc) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	return daemon_run(config);
}

const struct cli_cmd cli_cmd_run = {
	"run", "the daemon: mailboxes and folders on a schedule, HTTP", run
};
