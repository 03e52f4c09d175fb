/*
 * cmd_enrich.c: dmarcward enrich -- look up the source addresses of the
 * stored records: PTR with forward confirmation, base domain, the known
 * services' SPF networks, and AS number and country with --geoip.
 */
#include <getopt.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/log.h"
#include "cli.h"
#include "cli_analysis.h"
#include "cli_dns.h"
#include "cli_enrich.h"
#include "cli_sources.h"
#include "cli_util.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] [--zone FILE | --resolver ADDR] "
	    "enrich\n                 [--geoip FILE]... [--all] [--json]\n\n"
	    "Looks up every source address of the stored records that is "
	    "new or whose\nentry expired: PTR name, forward confirmation, "
	    "base domain, the known\nservices whose SPF includes authorize "
	    "it, and AS number, organization and\ncountry from MaxMind-format "
	    "databases given with --geoip.  Then brings the\ndaily rollups up "
	    "to date.\n\n"
	    "  --geoip FILE   a GeoLite2-ASN / GeoLite2-Country style "
	    "database (up to 4)\n"
	    "  --all          look up every address again, fresh or not\n"
	    "  --json         print the summary as JSON\n");
}

static void
progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\r\033[Kenrich: %zu of %zu addresses", done, total);
}

static void
print(const struct refresh_stats *s, const struct rollup_stats *rs,
    double secs, bool json)
{
	json_t *j;

	if (json) {
		j = cli_enrich_json(s);
		json_object_set_new(j, "rollups", cli_rollup_json(rs));
		json_object_set_new(j, "seconds", json_real(secs));
		cli_json_out(j);
		json_decref(j);
		return;
	}
	cli_enrich_print(s);
	cli_rollup_print(rs);
	printf("seconds:      %.2f\n", secs);
}

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "geoip", required_argument, NULL, 'g' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_enrich ce;
	struct refresh_stats stats;
	struct rollup_stats rs;
	bool json = false, all = false;
	double t0;
	int ch, rc = CLI_EXIT_FAIL;

	cli_enrich_init(&ce);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			if (!cli_enrich_geoip(&ce, optarg))
				goto out;
			break;
		case 'a':
			all = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			rc = CLI_EXIT_OK;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind != argc) {
		usage(stderr);
		goto out;
	}
	if (!cli_enrich_open(&ce, c, NULL, false))
		goto out;
	t0 = cli_now();
	if (!cli_enrich_run(&ce, all, false, !c->quiet && !json &&
	    isatty(STDERR_FILENO) ? progress : NULL, &stats, &rs))
		goto out;
	print(&stats, &rs, cli_now() - t0, json);
	rc = CLI_EXIT_OK;
out:
	cli_enrich_fini(&ce);
	return rc;
}

const struct cli_cmd cli_cmd_enrich = {
	"enrich", "name source addresses: PTR, base domain, services, ASN",
	run
};
