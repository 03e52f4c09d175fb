/*
 * cmd_spf.c: dmarcward spf eval | lint.  eval runs check_host() for one
 * client address and sender; lint walks a domain's include tree.  Both
 * use the resolver of the global options (--zone, --resolver).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "cli.h"
#include "cli_dns.h"
#include "cli_json.h"
#include "cli_util.h"
#include "record/spf_eval.h"
#include "record/spf_lint.h"

#define SPF_ARENA_MAX	((size_t)64 << 20)
#define LINT_PARALLEL	64		/* domains linted at once */
#define LINT_PARALLEL_MAX 4096
#define LINT_FILE_MAX	((size_t)64 << 20)	/* bytes of --file */

static void
usage_eval(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward spf eval --ip IP --sender ADDR [--helo HOST]"
	    " [--trace] [--json]\n\n"
	    "Runs the SPF check (RFC 7208 check_host) of a client address "
	    "and sender.\n\n"
	    "  --ip IP        the connecting client, IPv4 or IPv6\n"
	    "  --sender ADDR  the MAIL FROM address (\"\" for a bounce: the "
	    "HELO name is checked)\n"
	    "  --helo HOST    the HELO/EHLO name\n"
	    "  --trace        every term and DNS lookup, with the counts "
	    "toward the limits\n"
	    "  --json         {\"result\": ..., \"explanation\": ...}\n\n"
	    "Exit status: 0 pass, 1 any other result, 2 usage or "
	    "resolver error.\n");
}

static void
usage_lint(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward spf lint [--json] [--parallel N] DOMAIN...\n"
	    "       dmarcward spf lint [--json] [--parallel N] --file FILE\n\n"
	    "Checks the SPF setup of each domain: the include tree with the "
	    "DNS lookups\nof each branch against the limit of 10, void "
	    "lookups, the all policy,\noverlapping ranges, oversized "
	    "records, ptr, and how to get under the limit.\n"
	    "Many domains are checked at once; results come in the order "
	    "given.\n\n"
	    "  --json         one JSON object per domain per line\n"
	    "  --file FILE    the domains, one per line (\"-\": standard "
	    "input; # comments)\n"
	    "  --parallel N   domains in flight at once (default %d, at "
	    "most %d)\n\n"
	    "Exit status: 0 no errors, 1 an error was found, 2 usage or "
	    "resolver error.\n", LINT_PARALLEL, LINT_PARALLEL_MAX);
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: dmarcward spf eval --ip IP --sender ADDR "
	    "[--helo HOST] [--trace] [--json]\n"
	    "       dmarcward spf lint [--json] [--parallel N] "
	    "DOMAIN... | --file FILE\n\n"
	    "See dmarcward spf eval --help, dmarcward spf lint --help and "
	    "dmarcward-spf(1).\n");
}

static const char *
clean(char *buf, size_t sz, const char *s)
{
	return log_sanitize(buf, sz, s != NULL ? s : "");
}

static const char *const ev_names[] = {
	[SPF_EV_RECORD] = "record", [SPF_EV_TERM] = "term",
	[SPF_EV_LOOKUP] = "lookup", [SPF_EV_RESULT] = "result",
	[SPF_EV_ERROR] = "error",
};

static void
eval_text(const struct spf_outcome *o, bool trace)
{
	char a[1024], b[1024];
	size_t i;

	for (i = 0; trace && i < o->ntrace; i++) {
		const struct spf_event *t = &o->trace[i];

		printf("%*s[%2u/10 terms %u/2 void] %-6s %s: %s %s\n",
		    (int)t->depth * 2, "", t->dns_terms, t->voids,
		    ev_names[t->kind], clean(a, sizeof(a), t->domain),
		    clean(b, sizeof(b), t->text), t->note);
	}
	printf("result: %s\n", spf_result_name(o->result));
	if (o->explanation != NULL)
		printf("explanation: %s\n", clean(a, sizeof(a),
		    o->explanation));
	if (o->mechanism != NULL)
		printf("mechanism: %s\n", clean(a, sizeof(a), o->mechanism));
	if (o->problem != NULL)
		printf("problem: %s\n", clean(a, sizeof(a), o->problem));
	if (trace)
		printf("dns-querying terms: %u/10, void lookups: %u/2\n",
		    o->dns_terms, o->voids);
}

static void
eval_json(const struct spf_outcome *o, bool trace)
{
	json_t *j = json_object(), *arr;
	size_t i;

	json_object_set_new(j, "result", json_string(spf_result_name(
	    o->result)));
	json_object_set_new(j, "explanation", cli_json_str(o->explanation));
	json_object_set_new(j, "domain", cli_json_str(o->domain));
	json_object_set_new(j, "mechanism", cli_json_str(o->mechanism));
	json_object_set_new(j, "problem", cli_json_str(o->problem));
	json_object_set_new(j, "dns_terms", json_integer(o->dns_terms));
	json_object_set_new(j, "void_lookups", json_integer(o->voids));
	if (trace) {
		arr = json_array();
		for (i = 0; i < o->ntrace; i++) {
			const struct spf_event *t = &o->trace[i];

			json_array_append_new(arr, json_pack(
			    "{s:s, s:i, s:o, s:o, s:s, s:i, s:i}",
			    "event", ev_names[t->kind], "depth",
			    (int)t->depth, "domain", cli_json_str(t->domain),
			    "text", cli_json_str(t->text), "note", t->note,
			    "dns_terms", (int)t->dns_terms,
			    "void_lookups", (int)t->voids));
		}
		json_object_set_new(j, "trace", arr);
	}
	cli_json_print(j);
}

/* The resolver of the global options and a work arena. */
static bool
setup(struct cli *c, struct dns_resolver **r, struct arena **a)
{
	*r = cli_dns_resolver(c);
	*a = arena_new(SPF_ARENA_MAX);
	if (*r != NULL && *a != NULL)
		return true;
	dns_free(*r);
	arena_free(*a);
	return false;
}

static int
spf_eval_cmd(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ip", required_argument, NULL, 'i' },
		{ "sender", required_argument, NULL, 's' },
		{ "helo", required_argument, NULL, 'H' },
		{ "trace", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct spf_query q = { 0 };
	struct spf_outcome o;
	struct dns_resolver *r;
	struct arena *a;
	enum dw_err err;
	bool json = false, have_sender = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'i': q.ip = optarg; break;
		case 's': q.sender = optarg; have_sender = true; break;
		case 'H': q.helo = optarg; break;
		case 't': q.trace = true; break;
		case 'j': json = true; break;
		case 'h': usage_eval(stdout); return CLI_EXIT_OK;
		default: usage_eval(stderr); return CLI_EXIT_FAIL;
		}
	}
	if (optind != argc || q.ip == NULL || !have_sender) {
		usage_eval(stderr);
		return CLI_EXIT_FAIL;
	}
	if (!setup(c, &r, &a))
		return CLI_EXIT_FAIL;
	err = spf_check_host(a, r, &q, &o);
	if (err == DW_EINVAL)
		log_warnx("--ip %s: not an IPv4 or IPv6 address", q.ip);
	else if (err != DW_OK)
		log_warnx("spf eval: %s", dw_strerror(err));
	else if (json)
		eval_json(&o, q.trace);
	else
		eval_text(&o, q.trace);
	arena_free(a);
	dns_free(r);
	if (err != DW_OK)
		return CLI_EXIT_FAIL;
	return o.result == SPF_PASS ? CLI_EXIT_OK : CLI_EXIT_FOUND;
}

static void
tree_text(const struct spf_lint_node *n, int depth)
{
	char a[1024], b[1024];
	size_t i;

	printf("  %*s%s [%u own, %u in branch%s%s] %s\n", depth * 2, "",
	    clean(a, sizeof(a), n->via != NULL ? n->via : n->domain),
	    n->own, n->lookups, n->sec != DNS_SEC_UNCHECKED ? ", DNSSEC " :
	    "", n->sec != DNS_SEC_UNCHECKED ? dns_sec_name(n->sec) : "",
	    n->record != NULL ? clean(b, sizeof(b), n->record) : n->status);
	for (i = 0; i < n->nkids; i++)
		tree_text(n->kids[i], depth + 1);
}

static json_t *
tree_json(const struct spf_lint_node *n)
{
	json_t *j = json_object(), *kids = json_array();
	size_t i;

	json_object_set_new(j, "via", cli_json_str(n->via));
	json_object_set_new(j, "domain", cli_json_str(n->domain));
	json_object_set_new(j, "record", cli_json_str(n->record));
	json_object_set_new(j, "status", cli_json_str(n->status));
	json_object_set_new(j, "own_lookups", json_integer(n->own));
	json_object_set_new(j, "lookups", json_integer(n->lookups));
	json_object_set_new(j, "void_lookups", json_integer(n->voids));
	json_object_set_new(j, "dnssec", n->sec != DNS_SEC_UNCHECKED ?
	    json_string(dns_sec_name(n->sec)) : json_null());
	for (i = 0; i < n->nkids; i++)
		json_array_append_new(kids, tree_json(n->kids[i]));
	json_object_set_new(j, "includes", kids);
	return j;
}

static void
lint_json(const struct spf_lint *l)
{
	json_t *j = json_object(), *f = json_array();
	size_t i;

	json_object_set_new(j, "domain", cli_json_str(l->domain));
	json_object_set_new(j, "lookups", json_integer(l->lookups));
	json_object_set_new(j, "limit", json_integer(SPF_MAX_DNS_MECH));
	json_object_set_new(j, "void_lookups", json_integer(l->voids));
	json_object_set_new(j, "all", cli_json_str(l->all));
	json_object_set_new(j, "suggestion", cli_json_str(l->suggestion));
	json_object_set_new(j, "tree", l->root != NULL ?
	    tree_json(l->root) : json_null());
	for (i = 0; i < l->nfindings; i++)
		json_array_append_new(f, json_pack("{s:s, s:s, s:o, s:o}",
		    "severity", spf_lint_sev_name(l->findings[i].sev),
		    "code", l->findings[i].code,
		    "domain", cli_json_str(l->findings[i].domain),
		    "message", cli_json_str(l->findings[i].msg)));
	json_object_set_new(j, "findings", f);
	cli_json_print(j);
}

static void
lint_text(const struct spf_lint *l)
{
	char a[1024], b[1024];
	size_t i;

	printf("%s: %u/%d DNS-querying terms, %u/%d void lookups, all: %s\n",
	    clean(a, sizeof(a), l->domain), l->lookups, SPF_MAX_DNS_MECH,
	    l->voids, SPF_MAX_VOID_LOOKUPS, l->all != NULL ? l->all :
	    "missing");
	if (l->root != NULL)
		tree_text(l->root, 0);
	for (i = 0; i < l->nfindings; i++)
		printf("  %-7s %-18s %s: %s\n",
		    spf_lint_sev_name(l->findings[i].sev),
		    l->findings[i].code,
		    clean(a, sizeof(a), l->findings[i].domain),
		    clean(b, sizeof(b), l->findings[i].msg));
}

/*
 * Many domains at once: up to nslots walks in flight on one resolver,
 * each in its own arena; results are printed in the order given, as soon
 * as every domain before them is printed.  A walk that ends starts the
 * next (pump), from inside dns_wait().
 */
struct lint_slot {
	struct lint_run	*run;
	struct arena	*a;
	struct spf_lint	*l;
	enum dw_err	 err;
	bool		 done;
};

struct lint_run {
	struct dns_resolver	*r;
	char			**domains;
	size_t			 n, nslots, next_start, next_print;
	struct lint_slot	*slots;
	bool			 json, found, failed, pumping;
};

static void pump(struct lint_run *ru);

static void
lint_done(void *arg, struct spf_lint *l, enum dw_err err)
{
	struct lint_slot *s = arg;

	s->done = true;
	s->l = l;
	s->err = err;
	pump(s->run);
}

static void
lint_print(struct lint_run *ru, struct lint_slot *s, const char *domain)
{
	char clean_name[1024];
	size_t k;

	if (s->err != DW_OK) {
		log_warnx("spf lint %s: %s", log_sanitize(clean_name,
		    sizeof(clean_name), domain), dw_strerror(s->err));
		ru->failed = true;
		return;
	}
	if (ru->json)
		lint_json(s->l);
	else
		lint_text(s->l);
	for (k = 0; k < s->l->nfindings; k++)
		if (s->l->findings[k].sev == SPF_LINT_ERROR)
			ru->found = true;
}

/* Prints what is done, in order, and starts more while slots are free.
 * Re-entered from a walk that ends at once: the outer call goes on. */
static void
pump(struct lint_run *ru)
{
	struct lint_slot *s;

	if (ru->pumping)
		return;
	ru->pumping = true;
	for (;;) {
		while (ru->next_print < ru->next_start &&
		    (s = &ru->slots[ru->next_print % ru->nslots])->done) {
			if (!ru->failed)
				lint_print(ru, s, ru->domains[ru->next_print]);
			s->done = false;
			ru->next_print++;
		}
		if (ru->failed || ru->next_start == ru->n ||
		    ru->next_start - ru->next_print == ru->nslots)
			break;
		s = &ru->slots[ru->next_start % ru->nslots];
		if (s->a == NULL)
			s->a = arena_new(SPF_ARENA_MAX);
		else
			arena_reset(s->a);
		s->run = ru;
		ru->next_start++;
		if (s->a == NULL || spf_lint_start(s->a, ru->r,
		    ru->domains[ru->next_start - 1], lint_done, s) != DW_OK) {
			s->done = true;
			s->err = DW_ENOMEM;
		}
	}
	ru->pumping = false;
}

static int
lint_all(struct cli *c, struct lint_run *ru)
{
	enum dw_err err;
	size_t i;

	ru->r = cli_dns_resolver(c);
	ru->slots = calloc(ru->nslots, sizeof(*ru->slots));
	if (ru->r == NULL || ru->slots == NULL) {
		if (ru->slots == NULL)
			log_warnx("out of memory");
		dns_free(ru->r);
		free(ru->slots);
		return CLI_EXIT_FAIL;
	}
	pump(ru);
	err = dns_wait(ru->r);
	if (err != DW_OK) {
		log_warnx("spf lint: resolver: %s", dw_strerror(err));
		ru->failed = true;
	} else if (!ru->failed && ru->next_print != ru->n) {
		log_warnx("spf lint: the resolver lost %zu answers",
		    ru->n - ru->next_print);
		ru->failed = true;
	}
	dns_free(ru->r);	/* cancels what may still be in flight */
	for (i = 0; i < ru->nslots; i++)
		arena_free(ru->slots[i].a);
	free(ru->slots);
	if (ru->failed)
		return CLI_EXIT_FAIL;
	return ru->found ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}

static int
spf_lint_cmd(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'f' },
		{ "parallel", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lint_run ru = { .nslots = LINT_PARALLEL };
	const char *file = NULL;
	char **list = NULL;
	struct buf b;
	uint64_t v;
	long n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': ru.json = true; break;
		case 'f': file = optarg; break;
		case 'p':
			if (!cli_parse_u64(optarg, 1, LINT_PARALLEL_MAX, &v)) {
				log_warnx("--parallel %s: want 1..%d", optarg,
				    LINT_PARALLEL_MAX);
				return CLI_EXIT_FAIL;
			}
			ru.nslots = (size_t)v;
			break;
		case 'h': usage_lint(stdout); return CLI_EXIT_OK;
		default: usage_lint(stderr); return CLI_EXIT_FAIL;
		}
	}
	if ((optind == argc) == (file == NULL)) {
		usage_lint(stderr);
		return CLI_EXIT_FAIL;
	}
	buf_init(&b, LINT_FILE_MAX);
	if (file != NULL) {
		n = cli_read_list(file, "--file", &b, &list);
		ru.domains = list;
	} else {
		n = argc - optind;
		ru.domains = argv + optind;
	}
	ru.n = n > 0 ? (size_t)n : 0;
	if (n < 0)
		rc = CLI_EXIT_FAIL;
	else
		rc = ru.n == 0 ? CLI_EXIT_OK : lint_all(c, &ru);
	free(list);
	buf_fini(&b);
	return rc;
}

static int
spf_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "eval", spf_eval_cmd },
		{ "lint", spf_lint_cmd },
	};

	return cli_run_sub(c, argc, argv, "spf", subs,
	    sizeof(subs) / sizeof(subs[0]), usage);
}

const struct cli_cmd cli_cmd_spf = {
	"spf", "SPF: evaluate a sender (eval) or check a domain (lint)",
	spf_run,
};
