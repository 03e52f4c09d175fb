/*
 * cmd_history.c: dmarcward history [--json] DOMAIN -- every change of the
 * records `dmarcward check` saw for a domain: when, which record, the old
 * value and the new one, and whether it was an event (a DMARC policy,
 * the SPF record, a DKIM key, the MTA-STS policy id).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/log.h"
#include "cli.h"
#include "cli_json.h"
#include "cli_util.h"
#include "dns/dns.h"
#include "store/store.h"

struct hctx {
	bool		 json;
	size_t		 n;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] history [--json] DOMAIN\n\n"
	    "Lists every change of the records dmarcward check saw for "
	    "DOMAIN, oldest\nfirst: when, which record, old value -> new "
	    "value, and the event it raised\n(dmarc.policy, spf.record, "
	    "dkim.key, mtasts.id).\n\n"
	    "  --json   one JSON object per change per line\n\n"
	    "Exit status: 0 listed (maybe nothing), 2 usage error or no "
	    "store.\n");
}

/* Writes a value on indented lines, control bytes escaped. */
static void
put_value(const char *s, bool first)
{
	char line[4096];
	const char *nl;
	size_t n;

	if (s == NULL) {
		printf("%s\n", first ? "(not checked before)" : "(none)");
		return;
	}
	for (;;) {
		nl = strchr(s, '\n');
		n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, s, n);
		line[n] = '\0';
		printf("%s", log_sanitize(line, sizeof(line), line));
		if (nl == NULL)
			break;
		printf("\n                         ");
		s = nl + 1;
	}
	printf("\n");
}

static enum dw_err
on_change(void *ctx, const struct store_dns_change *c)
{
	struct hctx *h = ctx;
	char at[32];

	h->n++;
	cli_format_utc(c->at, at, sizeof(at));
	if (h->json) {
		cli_json_print(json_pack("{s:s, s:s, s:o, s:o, s:o, s:b, s:o}",
		    "at", at, "kind", c->kind, "name", cli_json_str(c->name),
		    "old", cli_json_str(c->old_value), "new",
		    cli_json_str(c->new_value), "first", c->first, "event",
		    cli_json_str(c->event_type)));
		return DW_OK;
	}
	printf("%s  %s %s%s%s%s\n", at, c->kind, c->name,
	    c->event_type != NULL ? "  [event " : "",
	    c->event_type != NULL ? c->event_type : "",
	    c->event_type != NULL ? "]" : "");
	printf("    old: ");
	put_value(c->old_value, c->first);
	printf("    new: ");
	put_value(c->new_value, false);
	return DW_OK;
}

static int
history_run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hctx h = { false, 0 };
	struct dw_error e = { DW_OK, "" };
	struct store *st;
	char name[DNS_NAME_MAX + 2];
	uint64_t runs = 0;
	enum dw_err err;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': h.json = true; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: usage(stderr); return CLI_EXIT_FAIL;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	if (dns_name_norm(argv[optind], name, sizeof(name)) != DW_OK) {
		log_warnx("history: %s is not a valid domain name",
		    argv[optind]);
		return CLI_EXIT_FAIL;
	}
	if (store_open_ro(c->db_path, &st, &e) != DW_OK) {
		log_warnx("%s", e.msg);
		return CLI_EXIT_FAIL;
	}
	err = store_dns_history(st, name, on_change, &h, &runs, &e);
	store_close(st);
	if (err != DW_OK) {
		log_warnx("history %s: %s", name, e.msg);
		return CLI_EXIT_FAIL;
	}
	if (!h.json && runs == 0)
		printf("%s: never checked (run dmarcward check %s)\n", name,
		    name);
	else if (!h.json)
		printf("%s: %zu change%s over %llu check%s\n", name, h.n,
		    h.n == 1 ? "" : "s", (unsigned long long)runs,
		    runs == 1 ? "" : "s");
	return CLI_EXIT_OK;
}

const struct cli_cmd cli_cmd_history = {
	"history", "every change of a domain's records, from the checks",
	history_run,
};
