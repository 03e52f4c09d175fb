/* cli_check_net.c: see cli_check_net.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "check/check_store.h"
#include "cli_check_net.h"
#include "cli_json.h"
#include "cli_util.h"

void
cli_check_net_init(struct cli_check_net *c)
{
	memset(c, 0, sizeof(*c));
	c->o.fetch_sts = true;
	buf_init(&c->policy, CLI_POLICY_FILE_MAX);
}

void
cli_check_net_fini(struct cli_check_net *c)
{
	buf_fini(&c->policy);
}

static bool
port(const char *opt, const char *arg, uint16_t *out)
{
	uint64_t v;

	if (!cli_parse_u64(arg, 1, 65535, &v)) {
		log_warnx("%s %s: want a port from 1 to 65535", opt, arg);
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

int
cli_check_net_option(struct cli_check_net *c, int ch, const char *arg)
{
	uint64_t v;

	switch (ch) {
	case 'F': c->no_fetch = true; return 1;
	case 'P': c->policy_file = arg; return 1;
	case 'S': c->o.probe_smtp = true; return 1;
	case 'M': return port("--smtp-port", arg, &c->o.smtp_port) ? 1 : -1;
	case 'H': return port("--https-port", arg, &c->o.https_port) ? 1 : -1;
	case 'C': c->o.ca_file = arg; return 1;
	case 'L': c->o.allow_loopback = true; return 1;
	case 'E': c->o.ehlo_name = arg; return 1;
	case 'T':
		if (!cli_parse_u64(arg, 1, NET_TIMEOUT_MAX_MS, &v)) {
			log_warnx("--net-timeout %s: want milliseconds from 1 "
			    "to %d", arg, NET_TIMEOUT_MAX_MS);
			return -1;
		}
		c->o.timeout_ms = (unsigned)v;
		c->o.connect_timeout_ms = (unsigned)v;
		return 1;
	default:
		return 0;
	}
}

void
cli_check_net_usage(FILE *fp)
{
	fprintf(fp,
	    "  --no-fetch              do not fetch the MTA-STS policy file\n"
	    "  --mta-sts-policy FILE   judge FILE as the policy served (a "
	    "draft)\n"
	    "  --probe-smtp            probe each MX on port 25: STARTTLS, "
	    "TLS, certificate\n"
	    "  --ca-file FILE          trust the CAs in FILE (PEM) for "
	    "HTTPS and SMTP\n"
	    "  --net-timeout MS        each network step (default 20000)\n"
	    "  --ehlo NAME             the EHLO argument of the probe\n"
	    "  --https-port N, --smtp-port N, --allow-loopback\n"
	    "                          point the fetch and the probe at test "
	    "servers\n");
}

bool
cli_check_net_stage(struct cli_check_net *c, struct store *st,
    struct check_net **out)
{
	enum dw_err err;

	*out = NULL;
	if (c->no_fetch && c->policy_file != NULL) {
		log_warnx("--no-fetch and --mta-sts-policy exclude each other");
		return false;
	}
	c->o.fetch_sts = !c->no_fetch;
	if (c->policy_file != NULL) {
		buf_fini(&c->policy);
		if (!cli_read_file(c->policy_file, CLI_POLICY_FILE_MAX,
		    "--mta-sts-policy", &c->policy))
			return false;
		c->o.policy = buf_str(&c->policy);
		c->o.policy_len = c->policy.len;
		c->o.policy_source = c->policy_file;
	}
	if (!c->o.fetch_sts && !c->o.probe_smtp)
		return true;
	c->o.prev = st != NULL ? check_store_prev : NULL;
	c->o.prev_arg = st;
	err = check_net_new(&c->o, out);
	if (err == DW_EINVAL)
		log_warnx("--ca-file %s: %s", c->o.ca_file, errno != 0 ?
		    strerror(errno) : "no certificate in it");
	else if (err != DW_OK)
		log_warnx("check: %s", dw_strerror(err));
	return err == DW_OK;
}

/* ---- output ---- */

static const char *
opt(const char *s)
{
	return s != NULL ? s : "";
}

void
cli_check_net_text(const struct check_result *r)
{
	const struct check_sts_policy *p = r->sts_policy;
	const struct check_mx_tls *t;
	size_t i;

	if (p != NULL) {
		printf("  MTA-STS policy %s: %s", p->source != NULL ?
		    p->source : p->host, p->outcome);
		if (p->address != NULL)
			printf(" from %s", p->address);
		if (p->http_status != 0)
			printf(" (HTTP %ld)", p->http_status);
		if (p->status != NULL)
			printf("; %s, mode %s, max_age %llu, mx %s",
			    p->status, p->mode != NULL ? p->mode : "unset",
			    (unsigned long long)p->max_age,
			    *opt(p->mx) != '\0' ? p->mx : "none");
		printf("\n");
	}
	for (i = 0; i < r->nmx_tls; i++) {
		t = &r->mx_tls[i];
		printf("  MX %s: %s", t->host, t->outcome);
		if (t->tls_version != NULL)
			printf(", %s %s", t->tls_version, opt(t->cipher));
		if (t->cert_subject != NULL)
			printf(", certificate %s", t->cert_valid ? "valid" :
			    "not valid");
		printf("\n");
	}
}

void
cli_check_net_json(json_t *j, const struct check_result *r)
{
	const struct check_sts_policy *p = r->sts_policy;
	const struct check_mx_tls *t;
	json_t *arr = json_array();
	size_t i;

	json_object_set_new(j, "mta_sts_policy", p == NULL ? json_null() :
	    json_pack("{s:o, s:o, s:s, s:I, s:o, s:o, s:o, s:I, s:o}",
	    "host", cli_json_str(p->host), "source", cli_json_str(p->source),
	    "outcome", p->outcome, "http_status", (json_int_t)p->http_status,
	    "address", cli_json_str(p->address), "status",
	    cli_json_str(p->status), "mode", cli_json_str(p->mode),
	    "max_age", (json_int_t)p->max_age, "mx", cli_json_str(p->mx)));
	for (i = 0; i < r->nmx_tls; i++) {
		t = &r->mx_tls[i];
		json_array_append_new(arr, json_pack("{s:o, s:s, s:o, s:o, "
		    "s:o, s:b, s:o, s:I}", "host", cli_json_str(t->host),
		    "outcome", t->outcome, "address", cli_json_str(t->address),
		    "tls_version", cli_json_str(t->tls_version), "cipher",
		    cli_json_str(t->cipher), "certificate_valid",
		    t->cert_valid, "certificate_subject",
		    cli_json_str(t->cert_subject), "certificate_not_after",
		    (json_int_t)t->cert_not_after));
	}
	json_object_set_new(j, "smtp", arr);
}
