/*
 * cmd_probe.c: dmarcward probe mta-sts DOMAIN... | probe smtp HOST...
 * The transport checks of the library, one at a time from the shell:
 * the MTA-STS policy fetched over HTTPS and compared with the domain's
 * MX hosts, and the STARTTLS probe of an MX.  Names resolve through the
 * global --zone / --resolver options.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "cli.h"
#include "cli_dns.h"
#include "cli_util.h"
#include "net/mtasts_fetch.h"
#include "net/smtp_probe.h"

#define PROBE_ARENA_MAX	((size_t)4 << 20)
#define PROBE_MX_MAX	32	/* --mx hosts, and MX records compared */

struct args {
	struct net_opts	 net;
	const char	*ehlo;
	const char	*mx[PROBE_MX_MAX];
	size_t		 nmx;
	bool		 mx_given;
	bool		 no_mx;
	bool		 json;
};

static const char common_help[] =
    "  --port N             connect to port N instead of the standard one\n"
    "  --ca-file FILE       trust the CAs in FILE (PEM) instead of the "
    "system store\n"
    "  --allow-loopback     let a name resolve to 127.0.0.0/8 or ::1 "
    "(tests)\n"
    "  --timeout MS         each step (default 20000)\n"
    "  --connect-timeout MS the TCP connection (default 10000)\n"
    "  --json               one JSON object per name per line\n\n"
    "Addresses that are not public (private, loopback, link-local, "
    "reserved)\nare never contacted; each is reported.  Exit status: 0 "
    "no error found,\n1 an error was found, 2 usage or resolver error.\n";

static void
usage_sts(FILE *fp)
{
	fprintf(fp, "usage: dmarcward probe mta-sts [OPTIONS] DOMAIN...\n\n"
	    "Fetches https://mta-sts.DOMAIN/.well-known/mta-sts.txt (RFC "
	    "8461): certificate\nchecked, no redirects, text/plain, at most "
	    "64 KiB; parses the policy and\ncompares its mx patterns with "
	    "the MX hosts of DOMAIN.\n\n"
	    "  --mx HOST            compare with HOST instead of the MX "
	    "records (repeat)\n"
	    "  --no-mx              do not compare with MX hosts\n%s",
	    common_help);
}

static void
usage_smtp(FILE *fp)
{
	fprintf(fp, "usage: dmarcward probe smtp [OPTIONS] HOST...\n\n"
	    "Connects to the MX HOST on port 25: greeting, EHLO, STARTTLS, "
	    "the TLS\nhandshake; reports the TLS version (1.2 or newer "
	    "required), the cipher and\nthe certificate (chain, name, "
	    "dates, key).\n\n"
	    "  --ehlo NAME          the EHLO argument (default: an address "
	    "literal)\n%s", common_help);
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: dmarcward probe mta-sts [OPTIONS] DOMAIN...\n"
	    "       dmarcward probe smtp [OPTIONS] HOST...\n\n"
	    "See dmarcward probe mta-sts --help, dmarcward probe smtp "
	    "--help and\ndmarcward-probe(1).\n");
}

static bool
parse_ms(const char *opt, const char *s, unsigned *out)
{
	uint64_t v;

	if (!cli_parse_u64(s, 1, NET_TIMEOUT_MAX_MS, &v)) {
		log_warnx("%s %s: want milliseconds from 1 to %d", opt, s,
		    NET_TIMEOUT_MAX_MS);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

/* One option; false on a bad value. */
static bool
option(struct args *g, int ch, const char *arg)
{
	uint64_t v;

	switch (ch) {
	case 'p':
		if (!cli_parse_u64(arg, 1, 65535, &v)) {
			log_warnx("--port %s: want 1 to 65535", arg);
			return false;
		}
		g->net.port = (uint16_t)v;
		return true;
	case 'c': g->net.ca_file = arg; return true;
	case 'l': g->net.allow_loopback = true; return true;
	case 't': return parse_ms("--timeout", arg, &g->net.timeout_ms);
	case 'T':
		return parse_ms("--connect-timeout", arg,
		    &g->net.connect_timeout_ms);
	case 'e': g->ehlo = arg; return true;
	case 'n': g->no_mx = true; return true;
	case 'j': g->json = true; return true;
	case 'm':
		if (g->nmx >= PROBE_MX_MAX) {
			log_warnx("--mx: at most %d hosts", PROBE_MX_MAX);
			return false;
		}
		g->mx[g->nmx++] = arg;
		g->mx_given = true;
		return true;
	default:
		return false;
	}
}

/* -1 when parsed and the command should run, else the exit status. */
static int
parse_args(struct args *g, int argc, char **argv, bool sts)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "allow-loopback", no_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "connect-timeout", required_argument, NULL, 'T' },
		{ "ehlo", required_argument, NULL, 'e' },
		{ "mx", required_argument, NULL, 'm' },
		{ "no-mx", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	void (*help)(FILE *) = sts ? usage_sts : usage_smtp;
	int ch;

	memset(g, 0, sizeof(*g));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			help(stdout);
			return CLI_EXIT_OK;
		}
		if ((sts && ch == 'e') || (!sts && (ch == 'm' || ch == 'n')) ||
		    !option(g, ch, optarg)) {
			help(stderr);
			return CLI_EXIT_FAIL;
		}
	}
	if (optind == argc || (g->no_mx && g->mx_given)) {
		help(stderr);
		return CLI_EXIT_FAIL;
	}
	return -1;
}

static bool
has_error(const struct net_diags *nd)
{
	size_t i;

	for (i = 0; i < nd->n; i++)
		if (nd->d[i].sev == DIAG_ERR)
			return true;
	return false;
}

static void
diags_text(const struct net_diags *nd)
{
	size_t i;

	for (i = 0; i < nd->n; i++)
		printf("  %-7s %-26s %s\n", diag_sev_name(nd->d[i].sev),
		    net_code_id(nd->d[i].code), nd->d[i].detail);
	if (nd->dropped > 0)
		printf("  (%zu more not kept)\n", nd->dropped);
}

static json_t *
diags_json(const struct net_diags *nd)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < nd->n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o}",
		    "severity", diag_sev_name(nd->d[i].sev),
		    "id", net_code_id(nd->d[i].code),
		    "message", cli_json_str(nd->d[i].detail)));
	return arr;
}

static void
cert_text(const struct net_cert *c)
{
	char d[16];

	net_date(c->not_after, d, sizeof(d));
	printf("  certificate: %s; issuer %s; names %s; expires %s "
	    "(%lld days); %s %d bits; chain %s; name %s\n", c->subject,
	    c->issuer, c->dns_names[0] != '\0' ? c->dns_names : "none", d,
	    (long long)c->days_left, c->key_type, c->key_bits,
	    c->chain_ok ? "trusted" : c->chain_text,
	    c->name_ok ? "matches" : "does not match");
}

static json_t *
cert_json(const struct net_cert *c)
{
	return json_pack("{s:o, s:o, s:o, s:I, s:I, s:I, s:s, s:i, s:b, "
	    "s:o, s:b, s:b, s:b}",
	    "subject", cli_json_str(c->subject),
	    "issuer", cli_json_str(c->issuer),
	    "dns_names", cli_json_str(c->dns_names),
	    "not_before", (json_int_t)c->not_before,
	    "not_after", (json_int_t)c->not_after,
	    "days_left", (json_int_t)c->days_left,
	    "key_type", c->key_type, "key_bits", c->key_bits,
	    "chain_ok", c->chain_ok, "chain_error",
	    cli_json_str(c->chain_text), "name_ok", c->name_ok,
	    "expired", c->expired, "not_yet_valid", c->not_yet_valid);
}

static const char *const mode_names[] = {
	[MTASTS_MODE_UNSET] = "unset", [MTASTS_MODE_ENFORCE] = "enforce",
	[MTASTS_MODE_TESTING] = "testing", [MTASTS_MODE_NONE] = "none",
};

/*
 * The MX host names to compare with: --mx, else the MX records.
 * *n = 0 with true for none; false when the lookup failed (noted in
 * the result's diagnostics).
 */
static bool
mx_hosts(struct dns_resolver *r, struct arena *a, const char *domain,
    const struct args *g, const char **mx, size_t *n,
    struct mtasts_fetch_result *res)
{
	const struct dns_answer *ans;
	enum dw_err err;
	size_t i;

	*n = 0;
	if (g->mx_given) {
		memcpy(mx, g->mx, g->nmx * sizeof(*mx));
		*n = g->nmx;
		return true;
	}
	err = dns_query(r, a, domain, DNS_T_MX, &ans);
	if (err == DW_EDNS_PERM)
		return true;
	if (err != DW_OK) {
		net_diag_add(a, &res->diags, NET_DNS_TEMP, -1, "%s: MX "
		    "lookup failed (%s); not compared", domain,
		    dw_strerror(err));
		return false;
	}
	for (i = 0; i < ans->n && *n < PROBE_MX_MAX; i++)
		mx[(*n)++] = ans->rr[i].u.mx.host;
	return true;
}

static void
sts_text(const struct mtasts_fetch_result *f,
    const char *const *mx, const struct mtasts_mx_cmp *cmp)
{
	char s[NET_ADDR_STRLEN];
	size_t i;

	printf("%s: %s", f->host, mtasts_fetch_outcome_name(f->outcome));
	if (f->http_status != 0)
		printf(", HTTP %ld", f->http_status);
	if (f->content_type != NULL)
		printf(", %s", f->content_type);
	if (f->connected)
		printf(", from %s", net_addr_format(&f->addr, s, sizeof(s)));
	printf(", %lld ms\n", (long long)f->elapsed_ms);
	if (f->have_cert)
		cert_text(&f->cert);
	if (f->policy != NULL) {
		printf("  policy: %s; mode %s; max_age %llu;",
		    rec_status_name(f->policy->status),
		    mode_names[f->policy->mode],
		    (unsigned long long)f->policy->max_age);
		for (i = 0; i < f->policy->nmx; i++)
			printf(" mx %s", f->policy->mx[i]);
		printf("\n");
		for (i = 0; i < f->policy_diags.n; i++)
			printf("  policy  %-7s %s at byte %zu: %s\n",
			    diag_sev_name(f->policy_diags.d[i].sev),
			    diag_id(f->policy_diags.d[i].code),
			    f->policy_diags.d[i].off,
			    diag_message(f->policy_diags.d[i].code));
	}
	for (i = 0; cmp != NULL && i < cmp->nmx; i++)
		printf("  MX %s: %s\n", mx[i][0] != '\0' ? mx[i] : "(null)",
		    cmp->covered[i] ? "covered" : "not covered");
	diags_text(&f->diags);
}

static void
sts_json(const char *domain, const struct mtasts_fetch_result *f,
    const char *const *mx, const struct mtasts_mx_cmp *cmp)
{
	json_t *j = json_object(), *p, *arr;
	char s[NET_ADDR_STRLEN];
	size_t i;

	json_object_set_new(j, "domain", cli_json_str(domain));
	json_object_set_new(j, "host", cli_json_str(f->host));
	json_object_set_new(j, "url", cli_json_str(f->url));
	json_object_set_new(j, "outcome", json_string(
	    mtasts_fetch_outcome_name(f->outcome)));
	json_object_set_new(j, "address", f->connected ? json_string(
	    net_addr_format(&f->addr, s, sizeof(s))) : json_null());
	json_object_set_new(j, "http_status", json_integer(f->http_status));
	json_object_set_new(j, "content_type", cli_json_str(f->content_type));
	json_object_set_new(j, "location", cli_json_str(f->location));
	json_object_set_new(j, "certificate", f->have_cert ?
	    cert_json(&f->cert) : json_null());
	p = json_null();
	if (f->policy != NULL) {
		arr = json_array();
		for (i = 0; i < f->policy->nmx; i++)
			json_array_append_new(arr, json_string(
			    f->policy->mx[i]));
		p = json_pack("{s:s, s:s, s:I, s:o}", "status",
		    rec_status_name(f->policy->status), "mode",
		    mode_names[f->policy->mode], "max_age",
		    (json_int_t)f->policy->max_age, "mx", arr);
		arr = json_array();
		for (i = 0; i < f->policy_diags.n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, "
			    "s:I}", "severity", diag_sev_name(
			    f->policy_diags.d[i].sev), "id", diag_id(
			    f->policy_diags.d[i].code), "offset",
			    (json_int_t)f->policy_diags.d[i].off));
		json_object_set_new(p, "findings", arr);
	}
	json_object_set_new(j, "policy", p);
	arr = json_array();
	for (i = 0; cmp != NULL && i < cmp->nmx; i++)
		json_array_append_new(arr, json_pack("{s:o, s:b}", "host",
		    cli_json_str(mx[i]), "covered", cmp->covered[i]));
	json_object_set_new(j, "mx", arr);
	json_object_set_new(j, "diagnostics", diags_json(&f->diags));
	cli_json_print(j);
}

/* One domain: fetch, compare, print.  Returns the dw_err of the fetch. */
static enum dw_err
sts_one(struct arena *a, struct dns_resolver *r, const struct args *g,
    const char *domain, bool *found)
{
	struct mtasts_fetch_result f;
	struct mtasts_mx_cmp cmp, *cmpp = NULL;
	const char *mx[PROBE_MX_MAX];
	size_t nmx = 0;
	enum dw_err err;

	err = mtasts_fetch(a, domain, &g->net, &f);
	if (err != DW_OK)
		return err;
	if (f.policy != NULL && !g->no_mx &&
	    mx_hosts(r, a, domain, g, mx, &nmx, &f)) {
		err = mtasts_mx_compare(a, f.policy, mx, nmx, &cmp, &f.diags);
		if (err != DW_OK)
			return err;
		cmpp = &cmp;
	}
	if (g->json)
		sts_json(domain, &f, mx, cmpp);
	else
		sts_text(&f, mx, cmpp);
	if (has_error(&f.diags) || f.outcome != MTASTS_FETCH_OK)
		*found = true;
	return DW_OK;
}

static void
smtp_text(const struct smtp_probe_result *p)
{
	char s[NET_ADDR_STRLEN];
	size_t i;

	printf("%s: %s", p->host, smtp_probe_outcome_name(p->outcome));
	if (p->connected)
		printf(", %s port %u", net_addr_format(&p->addr, s,
		    sizeof(s)), (unsigned)p->port);
	printf(", %lld ms\n", (long long)p->elapsed_ms);
	if (p->greeting != NULL)
		printf("  greeting: %d %s\n", p->greeting_code, p->greeting);
	if (p->next > 0) {
		printf("  EHLO:");
		for (i = 0; i < p->next; i++)
			printf(" %s", p->ext[i]);
		printf("\n");
	}
	if (p->tls_version != NULL)
		printf("  TLS: %s, %s (%d bits)\n", p->tls_version, p->cipher,
		    p->cipher_bits);
	if (p->have_cert)
		cert_text(&p->cert);
	diags_text(&p->diags);
}

static void
smtp_json(const struct smtp_probe_result *p)
{
	json_t *j = json_object(), *arr = json_array();
	char s[NET_ADDR_STRLEN];
	size_t i;

	json_object_set_new(j, "host", cli_json_str(p->host));
	json_object_set_new(j, "outcome", json_string(
	    smtp_probe_outcome_name(p->outcome)));
	json_object_set_new(j, "address", p->connected ? json_string(
	    net_addr_format(&p->addr, s, sizeof(s))) : json_null());
	json_object_set_new(j, "port", json_integer(p->port));
	json_object_set_new(j, "greeting_code",
	    json_integer(p->greeting_code));
	json_object_set_new(j, "greeting", cli_json_str(p->greeting));
	for (i = 0; i < p->next; i++)
		json_array_append_new(arr, cli_json_str(p->ext[i]));
	json_object_set_new(j, "ehlo", arr);
	json_object_set_new(j, "starttls", json_boolean(p->starttls));
	json_object_set_new(j, "tls_version", cli_json_str(p->tls_version));
	json_object_set_new(j, "cipher", cli_json_str(p->cipher));
	json_object_set_new(j, "cipher_bits", json_integer(p->cipher_bits));
	json_object_set_new(j, "certificate", p->have_cert ?
	    cert_json(&p->cert) : json_null());
	json_object_set_new(j, "diagnostics", diags_json(&p->diags));
	cli_json_print(j);
}

static enum dw_err
smtp_one(struct arena *a, const struct args *g, const char *host,
    bool *found)
{
	struct smtp_probe_opts o = { g->net, g->ehlo };
	struct smtp_probe_result p;
	enum dw_err err;

	err = smtp_probe(a, host, &o, &p);
	if (err != DW_OK)
		return err;
	if (g->json)
		smtp_json(&p);
	else
		smtp_text(&p);
	if (has_error(&p.diags) || p.outcome != SMTP_PROBE_TLS)
		*found = true;
	return DW_OK;
}

static int
probe_cmd(struct cli *c, int argc, char **argv, bool sts)
{
	struct dns_resolver *r = NULL;
	struct arena *a;
	struct args g;
	enum dw_err err = DW_OK;
	bool found = false;
	int i, rc;

	rc = parse_args(&g, argc, argv, sts);
	if (rc >= 0)
		return rc;
	if (net_opts_check(&g.net) != DW_OK) {
		log_warnx("--ca-file %s: %s", g.net.ca_file, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	a = arena_new(PROBE_ARENA_MAX);
	r = cli_dns_resolver(c);
	if (a == NULL || r == NULL) {
		arena_free(a);
		dns_free(r);
		return CLI_EXIT_FAIL;
	}
	g.net.resolver = r;
	for (i = optind; i < argc && err == DW_OK; i++) {
		arena_reset(a);
		err = sts ? sts_one(a, r, &g, argv[i], &found) :
		    smtp_one(a, &g, argv[i], &found);
		if (err == DW_EINVAL)
			log_warnx("probe %s: not a host name, or --ca-file "
			    "holds no certificate", argv[i]);
		else if (err != DW_OK)
			log_warnx("probe %s: %s", argv[i], dw_strerror(err));
	}
	arena_free(a);
	dns_free(r);
	if (err != DW_OK)
		return CLI_EXIT_FAIL;
	return found ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}

static int
probe_sts_cmd(struct cli *c, int argc, char **argv)
{
	return probe_cmd(c, argc, argv, true);
}

static int
probe_smtp_cmd(struct cli *c, int argc, char **argv)
{
	return probe_cmd(c, argc, argv, false);
}

static int
probe_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "mta-sts", probe_sts_cmd },
		{ "smtp", probe_smtp_cmd },
	};

	return cli_run_sub(c, argc, argv, "probe", subs,
	    sizeof(subs) / sizeof(subs[0]), usage);
}

const struct cli_cmd cli_cmd_probe = {
	"probe", "transport: fetch an MTA-STS policy, probe an MX's STARTTLS",
	probe_run,
};
