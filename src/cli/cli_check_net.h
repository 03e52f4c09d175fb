/*
 * cli_check_net.h: the transport options of dmarcward check (the
 * MTA-STS policy fetch, --probe-smtp and the options that point them at
 * test servers), the history lookups the stage compares with, and the
 * transport part of the output.
 */
#ifndef DW_CLI_CHECK_NET_H
#define DW_CLI_CHECK_NET_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "base/buf.h"
#include "check/check_net.h"
#include "net/net.h"
#include "store/store.h"

#define CLI_POLICY_FILE_MAX	((size_t)1 << 20)	/* --mta-sts-policy */

/* The getopt_long entries; their values are handled by
 * cli_check_net_option(). */
#define CLI_CHECK_NET_OPTIONS \
	{ "no-fetch", no_argument, NULL, 'F' }, \
	{ "mta-sts-policy", required_argument, NULL, 'P' }, \
	{ "probe-smtp", no_argument, NULL, 'S' }, \
	{ "smtp-port", required_argument, NULL, 'M' }, \
	{ "https-port", required_argument, NULL, 'H' }, \
	{ "ca-file", required_argument, NULL, 'C' }, \
	{ "allow-loopback", no_argument, NULL, 'L' }, \
	{ "net-timeout", required_argument, NULL, 'T' }, \
	{ "ehlo", required_argument, NULL, 'E' }

struct cli_check_net {
	struct check_net_opts	 o;
	bool			 no_fetch;
	const char		*policy_file;
	struct buf		 policy;
};

void cli_check_net_init(struct cli_check_net *c);
void cli_check_net_fini(struct cli_check_net *c);
/* 1: ch was one of these options and its value is good; 0: not one of
 * these; -1: a bad value (logged). */
int cli_check_net_option(struct cli_check_net *c, int ch, const char *arg);
/* The usage lines of these options. */
void cli_check_net_usage(FILE *fp);
/*
 * The stage, after the options are parsed (reads --mta-sts-policy);
 * *out NULL when neither fetch nor probe is wanted.  st (may be NULL) is
 * borrowed for the history lookups.  False when it cannot (logged).
 */
bool cli_check_net_stage(struct cli_check_net *c, struct store *st,
    struct check_net **out);
/* Lines for the human summary, and members for the JSON object. */
void cli_check_net_text(const struct check_result *r);
void cli_check_net_json(json_t *j, const struct check_result *r);

#endif
