/*
 * cmd_check.c: dmarcward check [options] DOMAIN... -- each domain's
 * email-authentication posture: findings with severity, why they matter,
 * the record to publish and the HIPAA safeguard, and a grade.  Domains
 * are checked concurrently on the resolver of the global options (--zone
 * checks a draft before it is published); each check is stored for
 * `dmarcward history` unless --no-store.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/log.h"
#include "check/check.h"
#include "check/check_store.h"
#include "cli.h"
#include "cli_check_net.h"
#include "cli_dns.h"
#include "cli_json.h"
#include "cli_util.h"
#include "store/store.h"

#define CHECK_FILE_MAX		((size_t)64 << 20)	/* --domains-file */
#define CHECK_WINDOW_CAP	4096	/* --concurrency */
#define TXT_STRING_MAX		255	/* RFC 1035 §3.3 */

/* Exit status by the worst severity found (see dmarcward-check(1)). */
static const int sev_exit[] = {
	[CHECK_SEV_INFO] = CLI_EXIT_OK, [CHECK_SEV_LOW] = CLI_EXIT_FOUND,
	[CHECK_SEV_MEDIUM] = 3, [CHECK_SEV_HIGH] = 4,
	[CHECK_SEV_CRITICAL] = 5,
};

struct cctx {
	struct store	*st;
	bool		 json;
	bool		 failed;	/* a domain or the store failed */
	bool		 any;		/* a domain was checked */
	enum check_sev	 worst;
	json_t		*changes;	/* of the domain being printed */
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward [--zone FILE | --resolver ADDR] check [--json]"
	    " [--selector S]...\n"
	    "                 [--no-builtin-selectors] [--rua URI] "
	    "[--domains-file FILE]\n"
	    "                 [--no-store] [--concurrency N] [--no-fetch]"
	    " [--probe-smtp] ...\n"
	    "                 [DOMAIN...]\n\n"
	    "Checks each domain's DMARC (RFC 9989 tree walk), SPF, DKIM "
	    "keys, MTA-STS and\nTLS-RPT records and the MTA-STS policy file, "
	    "BIMI, MX hosts and DNSSEC\n(and with --probe-smtp each MX's "
	    "STARTTLS), and prints findings with\ntheir severity, why they "
	    "matter, the record to publish and the HIPAA\nsafeguard, and a "
	    "grade.  Each check is stored (see dmarcward history).\n\n"
	    "  --json                  one JSON object per domain per line\n"
	    "  --selector S            a DKIM selector to try (repeatable, "
	    "or S1,S2)\n"
	    "  --no-builtin-selectors  try only the selectors given\n"
	    "  --rua URI               report address for the records "
	    "computed as fixes\n"
	    "  --domains-file FILE     domains, one per line (- for stdin)\n"
	    "  --no-store              do not store the check\n"
	    "  --concurrency N         domains checked at once (default "
	    "%d)\n", CHECK_WINDOW);
	cli_check_net_usage(fp);
	fprintf(fp, "\n"
	    "Exit status: 0 nothing above info, 1 low, 3 medium, 4 high, "
	    "5 critical\n(the worst over all domains); 2 usage error, "
	    "resolver or store failure,\nor a domain that could not be "
	    "checked.\n");
}

/* ---- output helpers ---- */

/* Writes s with control bytes escaped (values are ASCII already). */
static void
put(const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' && s[1] == '\0')
			break;
		if (c == '\n')
			fputs("\n             ", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

/* The record as a zone file line: name. IN TYPE value, a TXT value as
 * quoted strings of at most 255 bytes. */
static char *
zone_line(const struct check_finding *f)
{
	struct buf b;
	const char *v = f->fix_value;
	size_t i, n;

	buf_init(&b, (size_t)1 << 20);
	(void)buf_printf(&b, "%s. IN %s ", f->fix_name, f->fix_type);
	if (strcmp(f->fix_type, "TXT") != 0) {
		(void)buf_puts(&b, v);
		return buf_steal(&b, &n);
	}
	for (i = 0; v[i] != '\0' || i == 0; ) {
		(void)buf_puts(&b, i == 0 ? "\"" : " \"");
		for (n = 0; v[i] != '\0' && n < TXT_STRING_MAX; i++, n++) {
			if (v[i] == '"' || v[i] == '\\')
				(void)buf_putc(&b, '\\');
			(void)buf_putc(&b, v[i]);
		}
		(void)buf_putc(&b, '"');
		if (v[i] == '\0')
			break;
	}
	return buf_steal(&b, &n);
}

/* Findings by severity, worst first, in the order found otherwise. */
static size_t *
order(const struct check_result *r)
{
	size_t *ix = calloc(r->nfindings + 1, sizeof(*ix)), i, j, t;

	if (ix == NULL)
		return NULL;
	for (i = 0; i < r->nfindings; i++)
		ix[i] = i;
	for (i = 1; i < r->nfindings; i++)
		for (j = i; j > 0 && r->findings[ix[j]].def->sev >
		    r->findings[ix[j - 1]].def->sev; j--) {
			t = ix[j];
			ix[j] = ix[j - 1];
			ix[j - 1] = t;
		}
	return ix;
}

static const char *
val(const char *s)
{
	return s != NULL ? s : "(none)";
}

/* ---- human output ---- */

static void
text_summary(const struct check_result *r)
{
	const struct dmarc_record *d = r->dmarc;
	size_t i;

	printf("%s: grade %c (%d/100), worst %s\n", r->domain, r->grade,
	    r->score, r->nfindings ? check_sev_name(r->worst) : "none");
	printf("  organizational domain %s; DMARC ",
	    r->org_domain != NULL ? r->org_domain : "unknown");
	if (d != NULL) {
		printf("at _dmarc.%s (p=%s", r->policy_domain,
		    dmarc_policy_name(d->eff_p));
		if (d->p == DMARC_P_UNSET)
			printf(" as receivers apply it: p= is missing or bad");
		if (d->t)
			printf(", t=y");
		printf(")\n");
	} else
		printf("%s\n", r->org_domain == NULL ? "unknown (the lookup "
		    "failed)" : "none");
	printf("  DNSSEC %s; DKIM keys:", dns_sec_name(r->dnssec));
	for (i = 0; i < r->ndkim; i++)
		printf(" %s (%s %u%s)", r->dkim[i].selector, r->dkim[i].type,
		    r->dkim[i].bits, r->dkim[i].revoked ? ", revoked" : "");
	printf("%s\n", r->ndkim == 0 ? " none found" : "");
	cli_check_net_text(r);
}

static void
text_finding(const struct check_finding *f)
{
	char *z;

	printf("\n  %-8s %s: %s\n", check_sev_name(f->def->sev), f->def->id,
	    f->def->title);
	printf("    found: ");
	put(f->found);
	printf("\n    why:   %s\n    fix:   ", f->def->why);
	if (f->fix_value != NULL && (z = zone_line(f)) != NULL) {
		printf("publish ");
		put(z);
		free(z);
		if (f->fix_file != NULL) {
			printf("\n           and serve this policy file:\n"
			    "             ");
			put(f->fix_file);
		}
	} else {
		printf("%s", f->def->fix);
	}
	printf("\n    HIPAA: %s %s\n", hipaa_ref_cite(f->def->hipaa),
	    hipaa_ref_name(f->def->hipaa));
}

static void
text_result(struct cctx *cc, const struct check_result *r)
{
	size_t *ix, i;

	if (r->status != CHECK_DONE) {
		printf("%s: not checked: %s\n\n", r->domain, r->error);
		return;
	}
	text_summary(r);
	ix = order(r);
	for (i = 0; ix != NULL && i < r->nfindings; i++)
		text_finding(&r->findings[ix[i]]);
	free(ix);
	if (r->findings_dropped > 0)
		printf("\n  (%zu more findings not listed)\n",
		    r->findings_dropped);
	if (cc->changes != NULL && json_array_size(cc->changes) > 0) {
		printf("\n  changed since the last check:\n");
		for (i = 0; i < json_array_size(cc->changes); i++) {
			json_t *c = json_array_get(cc->changes, i);

			printf("    %s %s: ", json_string_value(json_object_get(
			    c, "kind")), json_string_value(json_object_get(c,
			    "name")));
			put(val(json_string_value(json_object_get(c, "old")))
			    );
			printf(" -> ");
			put(val(json_string_value(json_object_get(c, "new")))
			    );
			printf("\n");
		}
	}
	printf("\n");
}

/* ---- JSON output ---- */

static json_t *
json_finding(const struct check_finding *f)
{
	json_t *j, *fix = json_null();
	char *z;

	if (f->fix_value != NULL) {
		z = zone_line(f);
		fix = json_pack("{s:o, s:s, s:o, s:o, s:o}", "name",
		    cli_json_str(f->fix_name), "type", f->fix_type, "value",
		    cli_json_str(f->fix_value), "zone", cli_json_str(z),
		    "file", cli_json_str(f->fix_file));
		free(z);
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:s}",
	    "id", f->def->id, "severity", check_sev_name(f->def->sev),
	    "hipaa", hipaa_ref_cite(f->def->hipaa), "safeguard",
	    hipaa_ref_name(f->def->hipaa), "title", f->def->title,
	    "subject", cli_json_str(f->subject), "found",
	    cli_json_str(f->found), "why", f->def->why, "fix",
	    fix != NULL ? fix : json_null(), "fix_text", f->def->fix);
	return j;
}

static json_t *
json_dmarc(const struct check_result *r)
{
	const struct dmarc_record *d = r->dmarc;

	if (d == NULL)
		return json_null();
	return json_pack("{s:o, s:s, s:s, s:s, s:b, s:o}", "policy_domain",
	    cli_json_str(r->policy_domain), "p", dmarc_policy_name(d->eff_p),
	    "sp", dmarc_policy_name(d->eff_sp), "np",
	    dmarc_policy_name(d->eff_np), "t", d->t, "record",
	    cli_json_str(r->dmarc_record));
}

static void
json_result(struct cctx *cc, const struct check_result *r)
{
	json_t *j, *arr;
	size_t *ix, i;
	char at[32];

	if (r->status != CHECK_DONE) {
		cli_json_print(json_pack("{s:o, s:s}", "domain",
		    cli_json_str(r->domain), "error", r->error));
		return;
	}
	cli_format_iso(r->checked_at, at, sizeof(at));
	j = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o, s:o, s:s}", "domain",
	    r->domain, "checked_at", at, "grade", (char[]){ r->grade, 0 },
	    "score", r->score, "worst", check_sev_name(r->worst),
	    "org_domain", cli_json_str(r->org_domain), "dmarc",
	    json_dmarc(r), "dnssec", dns_sec_name(r->dnssec));
	arr = json_array();
	for (i = 0; i < r->ndkim; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:b, "
		    "s:b}", "selector", r->dkim[i].selector, "type",
		    r->dkim[i].type, "bits", (int)r->dkim[i].bits, "revoked",
		    r->dkim[i].revoked, "valid", r->dkim[i].valid));
	json_object_set_new(j, "dkim", arr);
	arr = json_array();
	for (i = 0; i < r->nrecords; i++)
		if (r->records[i].value != NULL)
			json_array_append_new(arr, json_pack("{s:s, s:o, s:o}",
			    "kind", r->records[i].kind, "name",
			    cli_json_str(r->records[i].name), "value",
			    cli_json_str(r->records[i].value)));
	json_object_set_new(j, "records", arr);
	cli_check_net_json(j, r);
	arr = json_array();
	ix = order(r);
	for (i = 0; ix != NULL && i < r->nfindings; i++)
		json_array_append_new(arr, json_finding(&r->findings[ix[i]]));
	free(ix);
	json_object_set_new(j, "findings", arr);
	json_object_set_new(j, "findings_dropped",
	    json_integer((json_int_t)r->findings_dropped));
	if (cc->changes != NULL)
		json_object_set(j, "changes", cc->changes);
	cli_json_print(j);
}

/* ---- the store ---- */

static enum dw_err
on_change(void *ctx, const struct store_dns_change *c)
{
	struct cctx *cc = ctx;

	if (c->first)
		return DW_OK;	/* the first check: nothing changed */
	json_array_append_new(cc->changes, json_pack("{s:s, s:o, s:o, s:o, "
	    "s:b, s:o}", "kind", c->kind, "name", cli_json_str(c->name),
	    "old", cli_json_str(c->old_value), "new",
	    cli_json_str(c->new_value), "first", c->first, "event",
	    cli_json_str(c->event_type)));
	return DW_OK;
}

static void
store_result(struct cctx *cc, const struct check_result *r)
{
	struct dw_error e = { DW_OK, "" };

	if (check_store(cc->st, r, on_change, cc, &e) != DW_OK) {
		log_warnx("%s: the check was not stored: %s", r->domain,
		    e.msg);
		cc->failed = true;
	}
}

static void
on_result(void *arg, const struct check_result *r)
{
	struct cctx *cc = arg;

	if (r->status != CHECK_DONE)
		cc->failed = true;
	else {
		cc->any = true;
		if (r->worst > cc->worst)
			cc->worst = r->worst;
	}
	cc->changes = NULL;
	if (cc->st != NULL && r->status == CHECK_DONE) {
		cc->changes = json_array();
		store_result(cc, r);
	}
	if (cc->json)
		json_result(cc, r);
	else
		text_result(cc, r);
	json_decref(cc->changes);
	cc->changes = NULL;
	fflush(stdout);
}

/* ---- options ---- */

struct copts {
	struct check_opts	 o;
	struct cli_check_net	 net;
	const char		*file;
	bool			 no_store;
	char			*sel[CHECK_SELECTORS_MAX];
	size_t			 nsel;
};

/* S or S1,S2: each a DNS label sequence usable under _domainkey. */
static bool
add_selectors(struct copts *co, char *arg)
{
	char *s, *next, norm[DNS_NAME_MAX + 2];

	for (s = arg; s != NULL; s = next) {
		next = strchr(s, ',');
		if (next != NULL)
			*next++ = '\0';
		if (dns_name_norm(s, norm, sizeof(norm)) != DW_OK ||
		    strspn(norm, "abcdefghijklmnopqrstuvwxyz0123456789-_.") !=
		    strlen(norm)) {
			log_warnx("--selector %s: not a valid selector "
			    "(DNS labels of 1 to 63 bytes)", s);
			return false;
		}
		if (co->nsel == CHECK_SELECTORS_MAX) {
			log_warnx("--selector: more than %d selectors",
			    CHECK_SELECTORS_MAX);
			return false;
		}
		co->sel[co->nsel] = strdup(norm);
		if (co->sel[co->nsel] == NULL) {
			log_warnx("out of memory");
			return false;
		}
		co->nsel++;
	}
	return true;
}

/* 0 to go on, else the exit status. */
static int
parse_opts(int argc, char **argv, struct copts *co, bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "selector", required_argument, NULL, 's' },
		{ "no-builtin-selectors", no_argument, NULL, 'B' },
		{ "rua", required_argument, NULL, 'r' },
		{ "domains-file", required_argument, NULL, 'f' },
		{ "no-store", no_argument, NULL, 'n' },
		{ "concurrency", required_argument, NULL, 'c' },
		CLI_CHECK_NET_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		rc = cli_check_net_option(&co->net, ch, optarg);
		if (rc < 0)
			return CLI_EXIT_FAIL;
		if (rc > 0)
			continue;
		switch (ch) {
		case 'j': *json = true; break;
		case 's':
			if (!add_selectors(co, optarg))
				return CLI_EXIT_FAIL;
			break;
		case 'B': co->o.no_builtin = true; break;
		case 'r':
			if (strncmp(optarg, "mailto:", 7) != 0 ||
			    strchr(optarg, '@') == NULL ||
			    strpbrk(optarg, " ;,\"") != NULL) {
				log_warnx("--rua %s: want mailto:user@domain",
				    optarg);
				return CLI_EXIT_FAIL;
			}
			co->o.rua = optarg;
			break;
		case 'f': co->file = optarg; break;
		case 'n': co->no_store = true; break;
		case 'c':
			if (!cli_parse_u64(optarg, 1, CHECK_WINDOW_CAP, &v)) {
				log_warnx("--concurrency %s: want 1..%d",
				    optarg, CHECK_WINDOW_CAP);
				return CLI_EXIT_FAIL;
			}
			co->o.window = (size_t)v;
			break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return CLI_EXIT_FAIL;
		}
	}
	return 0;
}

/* The domains of the command line, then of --domains-file. */
static long
domains(int argc, char **argv, const char *file, struct buf *b,
    char ***out)
{
	char **list = NULL, **v;
	long n = 0, i, k = argc;

	if (file != NULL && (n = cli_read_list(file, "--domains-file", b,
	    &list)) < 0)
		return -1;
	v = calloc((size_t)(k + n) + 1, sizeof(*v));
	if (v == NULL) {
		log_warnx("out of memory");
		free(list);
		return -1;
	}
	for (i = 0; i < k; i++)
		v[i] = argv[i];
	for (i = 0; i < n; i++)
		v[k + i] = list[i];
	free(list);
	*out = v;
	return k + n;
}

static int
run_checks(struct cli *c, struct copts *co, bool json, char **list,
    size_t n)
{
	struct cctx cc = { NULL, json, false, false, CHECK_SEV_INFO, NULL };
	struct dw_error e = { DW_OK, "" };
	struct dns_resolver *r;
	struct check_net *net = NULL;
	enum dw_err err;

	r = cli_dns_resolver(c);
	if (r == NULL)
		return CLI_EXIT_FAIL;
	if (!co->no_store && store_open(c->db_path, &cc.st, &e) != DW_OK) {
		log_warnx("%s (use --no-store to check without storing)",
		    e.msg);
		dns_free(r);
		return CLI_EXIT_FAIL;
	}
	if (!cli_check_net_stage(&co->net, cc.st, &net)) {
		store_close(cc.st);
		dns_free(r);
		return CLI_EXIT_FAIL;
	}
	co->o.stages = net != NULL ? check_net_stage(net) : NULL;
	co->o.nstages = net != NULL ? 1 : 0;
	co->o.selectors = (const char *const *)co->sel;
	co->o.nselectors = co->nsel;
	co->o.now = (int64_t)time(NULL);
	err = check_many(r, &co->o, (const char *const *)list, n, on_result,
	    &cc);
	check_net_free(net);
	dns_free(r);
	store_close(cc.st);
	if (err != DW_OK) {
		log_warnx("check: %s", dw_strerror(err));
		return CLI_EXIT_FAIL;
	}
	if (cc.failed)
		return CLI_EXIT_FAIL;
	return sev_exit[cc.worst];
}

static int
check_run_cmd(struct cli *c, int argc, char **argv)
{
	struct copts co;
	struct buf b;
	char **list = NULL;
	bool json = false;
	long n;
	int rc;
	size_t i;

	memset(&co, 0, sizeof(co));
	cli_check_net_init(&co.net);
	rc = parse_opts(argc, argv, &co, &json);
	if (rc == 0) {
		buf_init(&b, CHECK_FILE_MAX);
		n = domains(argc - optind, argv + optind, co.file, &b, &list);
		if (n == 0) {
			log_warnx("check: no domain given");
			usage(stderr);
			rc = CLI_EXIT_FAIL;
		} else {
			rc = n < 0 ? CLI_EXIT_FAIL :
			    run_checks(c, &co, json, list, (size_t)n);
		}
		free(list);
		buf_fini(&b);
	}
	for (i = 0; i < co.nsel; i++)
		free(co.sel[i]);
	cli_check_net_fini(&co.net);
	return rc < 0 ? CLI_EXIT_OK : rc;
}

const struct cli_cmd cli_cmd_check = {
	"check", "a domain's email-authentication posture, with fixes",
	check_run_cmd,
};
