/*
 * cmd_fetch.c: dmarcward fetch imap URL -- reports from a mailbox.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/log.h"
#include "cli.h"
#include "cli_ingest.h"
#include "cli_util.h"
#include "crypto/seal.h"
#include "fetch/imap.h"
#include "ingest/ingest.h"
#include "store/store.h"

#define FETCH_SECRET_MAX	8192	/* OAuth2 tokens run to a few KB */
#define FETCH_BACKOFF_MAX	300	/* seconds between retries at most */

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--db PATH] fetch imap URL --user USER\n"
	    "           (--password-file FILE | --oauth2-token-file FILE)\n"
	    "           [--archive FOLDER] [--invalid FOLDER] "
	    "[--ca-file FILE]\n"
	    "           [--timeout SECS] [--max-messages N] [--retries N] "
	    "[--json]\n\n"
	    "Takes the reports of the messages not yet taken from an IMAP "
	    "mailbox\n(URL imaps://host[:port]/MAILBOX), then moves each "
	    "message to the archive\nfolder, or to the invalid folder when "
	    "its report was rejected, once its\nreport is committed.\n\n"
	    "  --user USER              login name\n"
	    "  --password-file FILE     the password, one line (\"-\": "
	    "standard input)\n"
	    "  --oauth2-token-file FILE an OAuth2 access token: SASL "
	    "XOAUTH2\n"
	    "  --archive FOLDER         move handled messages there\n"
	    "  --invalid FOLDER         move rejected messages there\n"
	    "  --ca-file FILE           trust these CAs instead of the "
	    "system's\n"
	    "  --timeout SECS           per step (default %d)\n"
	    "  --max-messages N         take at most N messages\n"
	    "  --retries N              on a network failure, retry N "
	    "times with\n"
	    "                           backoff (default 3)\n"
	    "  --keep-samples --sample-key PUBKEYFILE\n"
	    "                           keep each failure report message, "
	    "sealed to\n                           this public key\n"
	    "  --json                   print the summary as JSON\n"
	    "  --verbose                trace the IMAP exchange on stderr\n\n"
	    "Exit status: 0 all taken, 1 something was rejected, 2 a "
	    "failure.\n", IMAP_TIMEOUT);
}

static void
imap_summary(const struct cli_ingest_ui *ui, const struct ingest_stats *s,
    const struct imap_stats *is, double secs)
{
	json_t *j;

	if (ui->tty)
		fputs("\r\033[K", stderr);
	if (!ui->json) {
		printf("mailbox:  %" PRIu64 " messages, %" PRIu64 " taken, %"
		    PRIu64 " rejected, %" PRIu64 " archived, %" PRIu64
		    " moved to invalid\n", is->listed, is->fetched,
		    is->rejected, is->archived, is->invalid);
		if (is->uidvalidity_changed)
			printf("mailbox:  UIDVALIDITY changed: every message "
			    "was taken again\n");
		cli_ingest_summary(ui, s, secs);
		return;
	}
	j = cli_ingest_json(ui, s, secs);
	json_object_set_new(j, "mailbox", json_pack("{s:I, s:I, s:I, s:I, "
	    "s:I, s:b}", "messages", (json_int_t)is->listed,
	    "taken", (json_int_t)is->fetched,
	    "rejected", (json_int_t)is->rejected,
	    "archived", (json_int_t)is->archived,
	    "invalid", (json_int_t)is->invalid,
	    "uidvalidity_changed", is->uidvalidity_changed));
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	putchar('\n');
	json_decref(j);
}

struct fetch_args {
	struct imap_opts	 o;
	const char		*pass_file;
	const char		*token_file;
	uint64_t		 retries;
	bool			 json;
	bool			 keep_samples;
	const char		*sample_key;
};

static int
parse_args(struct fetch_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "oauth2-token-file", required_argument, NULL, 't' },
		{ "archive", required_argument, NULL, 'a' },
		{ "invalid", required_argument, NULL, 'i' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "max-messages", required_argument, NULL, 'm' },
		{ "retries", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "keep-samples", no_argument, NULL, 'k' },
		{ "sample-key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int ch;

	a->retries = 3;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			a->o.user = optarg;
			break;
		case 'p':
			a->pass_file = optarg;
			break;
		case 't':
			a->token_file = optarg;
			break;
		case 'a':
			a->o.archive = optarg;
			break;
		case 'i':
			a->o.invalid = optarg;
			break;
		case 'c':
			a->o.ca_file = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		case 'v':
			a->o.verbose = true;
			break;
		case 'k':
			a->keep_samples = true;
			break;
		case 'K':
			a->sample_key = optarg;
			break;
		case 'T':
		case 'm':
		case 'r':
			if (!cli_parse_u64(optarg, ch == 'T' ? 1 : 0,
			    ch == 'T' ? 3600 : 1000000, &v)) {
				log_warnx("%s: not a valid number", optarg);
				return -1;
			}
			if (ch == 'T')
				a->o.timeout = (unsigned)v;
			else if (ch == 'm')
				a->o.max_messages = (unsigned)v;
			else
				a->retries = v;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "imap") != 0) {
		usage(stderr);
		return -1;
	}
	a->o.url = argv[optind + 1];
	if (a->o.user == NULL ||
	    (a->pass_file == NULL) == (a->token_file == NULL)) {
		log_warnx("fetch imap: give --user and one of "
		    "--password-file or --oauth2-token-file");
		return -1;
	}
	return 0;
}

/* Polls, retrying network failures with exponential backoff. */
static enum dw_err
poll_retry(const struct fetch_args *a, struct store *st, struct ingest *in,
    struct imap_stats *is, struct dw_error *e)
{
	unsigned wait = 1;
	uint64_t tries;
	enum dw_err err;

	for (tries = 0;; tries++) {
		err = imap_poll(&a->o, st, in, is, e);
		if (err != DW_EIO || tries >= a->retries)
			return err;
		log_warnx("%s; retrying in %u s", e->msg, wait);
		sleep(wait);
		wait = wait * 2 > FETCH_BACKOFF_MAX ? FETCH_BACKOFF_MAX :
		    wait * 2;
	}
}

static int
run(struct cli *c, int argc, char **argv)
{
	struct fetch_args a = { 0 };
	struct cli_ingest_ui ui = { 0 };
	struct imap_stats is;
	struct ingest_opts o;
	struct store *st = NULL;
	struct ingest *in = NULL;
	struct dw_error e;
	static char secret[FETCH_SECRET_MAX];
	uint8_t pk[SEAL_KEY_BYTES];
	enum dw_err err;
	double t0;
	int rc;

	if ((rc = parse_args(&a, argc, argv)) != 0)
		return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	if (!cli_read_secret(a.pass_file ? a.pass_file : a.token_file,
	    secret, sizeof(secret)))
		return CLI_EXIT_FAIL;
	if (a.pass_file != NULL)
		a.o.password = secret;
	else
		a.o.bearer = secret;
	rc = CLI_EXIT_FAIL;
	ingest_opts_default(&o);
	if (!cli_sample_opts(a.keep_samples, a.sample_key, pk,
	    &o.sample_key))
		goto out;
	ui.tty = !c->quiet && isatty(STDERR_FILENO);
	ui.json = a.json;
	if (ui.json)
		ui.rejections = json_array();
	o.on_reject = cli_ingest_on_reject;
	o.on_progress = cli_ingest_on_progress;
	o.ctx = &ui;
	dw_error_clear(&e);
	if (store_open(c->db_path, &st, &e) != DW_OK) {
		log_warnx("%s: %s", c->db_path, e.msg);
		goto out;
	}
	if ((in = ingest_new(st, &o)) == NULL) {
		log_warnx("out of memory");
		goto out;
	}
	t0 = cli_now();
	err = poll_retry(&a, st, in, &is, &e);
	if (err != DW_OK) {
		if (ui.tty)
			fputs("\r\033[K", stderr);
		log_warnx("fetch stopped: %s: %s", dw_strerror(err), e.msg);
		goto out;
	}
	imap_summary(&ui, ingest_stats(in), &is, cli_now() - t0);
	rc = ingest_stats(in)->rejected > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
out:
	explicit_bzero(secret, sizeof(secret));
	ingest_free(in);
	store_close(st);
	json_decref(ui.rejections);
	return rc;
}

const struct cli_cmd cli_cmd_fetch = {
	"fetch", "take reports from an IMAP mailbox", run
};
