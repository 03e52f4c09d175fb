/*
 * cmd_dns.c: dmarcward dns lookup TYPE NAME...  Asks the resolver of the
 * global options (--zone, --resolver, --trust-anchor) for every name at
 * once and prints, in the order given, the records with their TTL and
 * the outcome: an answer, NODATA, NXDOMAIN or a temporary failure
 * (SERVFAIL, timeout, DNSSEC bogus) with its reason.
 */
#include <arpa/inet.h>
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

#define DNS_CMD_ARENA_MAX	((size_t)64 << 20)
#define DNS_CMD_NAMES_MAX	100000	/* names in one command */
#define DNS_CMD_TEXT_MAX	((size_t)256 << 10)	/* one rendered RR */

struct lookup {
	const char		*arg;		/* as given */
	char			 name[DNS_NAME_MAX + 2];
	bool			 done;
	enum dw_err		 err;
	const struct dns_answer	*ans;
};

static void
usage_lookup(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward dns lookup [--json] TYPE NAME...\n\n"
	    "Asks DNS for records of TYPE (TXT A AAAA MX PTR CNAME TLSA) of "
	    "each NAME, all\nat once, and prints them in the order given "
	    "with their TTL and the outcome:\nanswer, NODATA (the name "
	    "exists, no record of the type), NXDOMAIN (no such\nname) or "
	    "a temporary failure (SERVFAIL, timeout, DNSSEC bogus) with its "
	    "reason.\nFor PTR, NAME may be an IPv4 or IPv6 address.  "
	    "With --trust-anchor, the\nDNSSEC status of each answer "
	    "(secure, insecure, bogus).\n\n"
	    "  --json   one JSON object per name per line\n\n"
	    "Exit status: 0 every name has records, 1 some name has none "
	    "or failed,\n2 usage or resolver error.\n");
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: dmarcward dns lookup [--json] TYPE NAME...\n\n"
	    "See dmarcward dns lookup --help and dmarcward-dns(1).\n");
}

static void
done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct lookup *l = arg;

	l->done = true;
	l->err = err;
	l->ans = ans;
}

/* TXT bytes in zone-file presentation: printable ASCII, the rest \DDD. */
static enum dw_err
txt_text(struct buf *b, const char *s, size_t len)
{
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < len && err == DW_OK; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			err = buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			err = buf_printf(b, "\\%03u", c);
		else
			err = buf_putc(b, (char)c);
	}
	return err;
}

static enum dw_err
hex(struct buf *b, const uint8_t *p, size_t len)
{
	enum dw_err err = DW_OK;
	size_t i;

	for (i = 0; i < len && err == DW_OK; i++)
		err = buf_printf(b, "%02x", p[i]);
	return err;
}

/* One RR's data as text (the part after the TTL). */
static enum dw_err
rr_text(struct buf *b, enum dns_type t, const struct dns_rr *rr)
{
	char addr[INET6_ADDRSTRLEN];
	enum dw_err err;

	switch (t) {
	case DNS_T_A:
	case DNS_T_AAAA:
		inet_ntop(t == DNS_T_A ? AF_INET : AF_INET6, rr->u.addr, addr,
		    sizeof(addr));
		return buf_puts(b, addr);
	case DNS_T_MX:
		return buf_printf(b, "%u %s.", rr->u.mx.pref, rr->u.mx.host);
	case DNS_T_PTR:
	case DNS_T_CNAME:
		return buf_printf(b, "%s.", rr->u.name);
	case DNS_T_TXT:
	case DNS_T_SPF:
		err = buf_putc(b, '"');
		if (err == DW_OK)
			err = txt_text(b, rr->u.txt.data, rr->u.txt.len);
		if (err == DW_OK)
			err = buf_putc(b, '"');
		if (err == DW_OK && rr->u.txt.nstrings != 1)
			err = buf_printf(b, " (%zu strings joined, longest "
			    "%zu bytes)", rr->u.txt.nstrings,
			    rr->u.txt.longest);
		return err;
	case DNS_T_TLSA:
		if (rr->u.raw.len < 3)
			return buf_printf(b, "malformed TLSA (%zu bytes)",
			    rr->u.raw.len);
		err = buf_printf(b, "%u %u %u ", rr->u.raw.data[0],
		    rr->u.raw.data[1], rr->u.raw.data[2]);
		return err == DW_OK ? hex(b, rr->u.raw.data + 3,
		    rr->u.raw.len - 3) : err;
	}
	return hex(b, rr->u.raw.data, rr->u.raw.len);
}

/* "answer", "nodata", "nxdomain", "tempfail" */
static const char *
outcome(const struct lookup *l)
{
	if (l->err == DW_OK)
		return l->ans->n > 0 ? "answer" : "nodata";
	if (l->err == DW_EDNS_PERM)
		return "nxdomain";
	return "tempfail";
}

static const char *
reason(const struct lookup *l)
{
	if (l->err == DW_EDNS_TEMP)
		return l->ans != NULL && l->ans->why != NULL ? l->ans->why :
		    "SERVFAIL or timeout";
	if (l->err != DW_OK && l->err != DW_EDNS_PERM)
		return dw_strerror(l->err);
	return NULL;
}

static void
print_head(const struct lookup *l, enum dns_type t)
{
	const struct dns_answer *ans = l->ans;
	char name[1024];

	printf("%s %s: ", log_sanitize(name, sizeof(name), l->name),
	    dns_type_name(t));
	if (l->err == DW_OK && ans->n > 0)
		printf("answer, %zu record%s", ans->n, ans->n == 1 ? "" : "s");
	else if (l->err == DW_OK)
		printf("NODATA (the name exists, no %s record)",
		    dns_type_name(t));
	else if (l->err == DW_EDNS_PERM)
		printf("NXDOMAIN (no such name)");
	else
		printf("temporary failure: %s", log_sanitize(name,
		    sizeof(name), reason(l)));
	if (ans != NULL && ans->ncname > 0)
		printf(", via %zu CNAME%s to %s", ans->ncname,
		    ans->ncname == 1 ? "" : "s",
		    log_sanitize(name, sizeof(name), ans->canon));
	if (ans != NULL && (l->err == DW_OK || l->err == DW_EDNS_PERM))
		printf(", %sTTL %u", ans->n > 0 ? "" : "negative ", ans->ttl);
	if (ans != NULL && ans->wire_len > 0)
		printf(", %zu bytes", ans->wire_len);
	if (ans != NULL && ans->sec != DNS_SEC_UNCHECKED)
		printf(", DNSSEC %s", dns_sec_name(ans->sec));
	printf("\n");
}

static bool
print_text(const struct lookup *l, enum dns_type t, struct buf *b)
{
	size_t i;

	print_head(l, t);
	for (i = 0; l->err == DW_OK && i < l->ans->n; i++) {
		buf_reset(b);
		if (rr_text(b, t, &l->ans->rr[i]) != DW_OK) {
			log_warnx("%s: a record longer than %zu bytes of text",
			    l->name, DNS_CMD_TEXT_MAX);
			return false;
		}
		printf("  %-6u %s\n", l->ans->rr[i].ttl, buf_str(b));
	}
	return true;
}

static json_t *
rr_json(enum dns_type t, const struct dns_rr *rr, struct buf *b)
{
	char addr[INET6_ADDRSTRLEN];

	switch (t) {
	case DNS_T_A:
	case DNS_T_AAAA:
		inet_ntop(t == DNS_T_A ? AF_INET : AF_INET6, rr->u.addr, addr,
		    sizeof(addr));
		return json_pack("{s:I, s:s}", "ttl", (json_int_t)rr->ttl,
		    "address", addr);
	case DNS_T_MX:
		return json_pack("{s:I, s:i, s:o}", "ttl", (json_int_t)rr->ttl,
		    "preference", (int)rr->u.mx.pref, "exchange",
		    cli_json_str(rr->u.mx.host));
	case DNS_T_PTR:
	case DNS_T_CNAME:
		return json_pack("{s:I, s:o}", "ttl", (json_int_t)rr->ttl,
		    "name", cli_json_str(rr->u.name));
	case DNS_T_TXT:
	case DNS_T_SPF:
		buf_reset(b);
		if (txt_text(b, rr->u.txt.data, rr->u.txt.len) != DW_OK)
			return NULL;
		return json_pack("{s:I, s:s, s:I, s:I}", "ttl",
		    (json_int_t)rr->ttl, "text", buf_str(b), "strings",
		    (json_int_t)rr->u.txt.nstrings, "longest_string",
		    (json_int_t)rr->u.txt.longest);
	case DNS_T_TLSA:
		if (rr->u.raw.len < 3)
			break;
		buf_reset(b);
		if (hex(b, rr->u.raw.data + 3, rr->u.raw.len - 3) != DW_OK)
			return NULL;
		return json_pack("{s:I, s:i, s:i, s:i, s:s}", "ttl",
		    (json_int_t)rr->ttl, "usage", rr->u.raw.data[0],
		    "selector", rr->u.raw.data[1], "matching_type",
		    rr->u.raw.data[2], "data", buf_str(b));
	}
	buf_reset(b);
	if (rr_text(b, t, rr) != DW_OK)
		return NULL;
	return json_pack("{s:I, s:s}", "ttl", (json_int_t)rr->ttl, "data",
	    buf_str(b));
}

static bool
print_json(const struct lookup *l, enum dns_type t, struct buf *b)
{
	const struct dns_answer *ans = l->ans;
	json_t *j = json_object(), *recs = json_array(), *r;
	size_t i;

	json_object_set_new(j, "name", cli_json_str(l->name));
	json_object_set_new(j, "type", json_string(dns_type_name(t)));
	json_object_set_new(j, "outcome", json_string(outcome(l)));
	json_object_set_new(j, "reason", cli_json_str(reason(l)));
	json_object_set_new(j, "canonical", cli_json_str(ans != NULL ?
	    ans->canon : NULL));
	json_object_set_new(j, "cnames", json_integer(ans != NULL ?
	    (json_int_t)ans->ncname : 0));
	json_object_set_new(j, "ttl", ans != NULL && l->err != DW_EDNS_TEMP ?
	    json_integer(ans->ttl) : json_null());
	json_object_set_new(j, "answer_bytes", ans != NULL &&
	    ans->wire_len > 0 ? json_integer((json_int_t)ans->wire_len) :
	    json_null());
	json_object_set_new(j, "dnssec", ans != NULL && ans->sec !=
	    DNS_SEC_UNCHECKED ? json_string(dns_sec_name(ans->sec)) :
	    json_null());
	for (i = 0; l->err == DW_OK && i < ans->n; i++) {
		r = rr_json(t, &ans->rr[i], b);
		if (r == NULL) {
			log_warnx("%s: a record longer than %zu bytes of text",
			    l->name, DNS_CMD_TEXT_MAX);
			json_decref(recs);
			json_decref(j);
			return false;
		}
		json_array_append_new(recs, r);
	}
	json_object_set_new(j, "records", recs);
	cli_json_print(j);
	return true;
}

/* The name to ask: NAME normalized, or the reverse name of an address
 * for PTR.  false (with the reason logged) when it is no name. */
static bool
qname(struct lookup *l, enum dns_type t)
{
	uint8_t addr[16];
	char clean[1024];

	if (t == DNS_T_PTR && inet_pton(AF_INET, l->arg, addr) == 1) {
		dns_reverse_name(addr, false, l->name, sizeof(l->name));
		return true;
	}
	if (t == DNS_T_PTR && inet_pton(AF_INET6, l->arg, addr) == 1) {
		dns_reverse_name(addr, true, l->name, sizeof(l->name));
		return true;
	}
	if (dns_name_norm(l->arg, l->name, sizeof(l->name)) == DW_OK)
		return true;
	log_warnx("dns lookup: \"%s\" is not a domain name (empty label, "
	    "a label over 63 or a name over 253 bytes)",
	    log_sanitize(clean, sizeof(clean), l->arg));
	return false;
}

/* Submits every name, waits for all, prints in order. */
static int
run_lookups(struct dns_resolver *r, struct arena *a, enum dns_type t,
    struct lookup *ls, size_t n, bool json)
{
	struct buf b;
	enum dw_err err;
	bool all = true;
	size_t i;

	for (i = 0; i < n; i++) {
		err = dns_submit(r, a, ls[i].name, t, done, &ls[i]);
		if (err != DW_OK) {
			log_warnx("dns lookup %s: %s", ls[i].name,
			    dw_strerror(err));
			return CLI_EXIT_FAIL;
		}
	}
	err = dns_wait(r);
	if (err != DW_OK) {
		log_warnx("dns lookup: resolver: %s", dw_strerror(err));
		return CLI_EXIT_FAIL;
	}
	buf_init(&b, DNS_CMD_TEXT_MAX);
	for (i = 0; i < n; i++) {
		if (!ls[i].done || (ls[i].err != DW_OK &&
		    ls[i].err != DW_EDNS_PERM && ls[i].err != DW_EDNS_TEMP)) {
			log_warnx("dns lookup %s: %s", ls[i].name,
			    ls[i].done ? dw_strerror(ls[i].err) :
			    "no answer from the resolver");
			buf_fini(&b);
			return CLI_EXIT_FAIL;
		}
		if (json ? !print_json(&ls[i], t, &b) :
		    !print_text(&ls[i], t, &b)) {
			buf_fini(&b);
			return CLI_EXIT_FAIL;
		}
		if (ls[i].err != DW_OK || ls[i].ans->n == 0)
			all = false;
	}
	buf_fini(&b);
	return all ? CLI_EXIT_OK : CLI_EXIT_FOUND;
}

static int
dns_lookup_cmd(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dns_resolver *r;
	struct lookup *ls;
	struct arena *a;
	enum dns_type t;
	bool json = false;
	int ch, rc;
	size_t n, i;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'h': usage_lookup(stdout); return CLI_EXIT_OK;
		default: usage_lookup(stderr); return CLI_EXIT_FAIL;
		}
	}
	if (argc - optind < 2) {
		usage_lookup(stderr);
		return CLI_EXIT_FAIL;
	}
	if (!dns_type_parse(argv[optind], &t) || t == DNS_T_SPF) {
		log_warnx("dns lookup: unknown type \"%s\"; want TXT, A, "
		    "AAAA, MX, PTR, CNAME or TLSA", argv[optind]);
		return CLI_EXIT_FAIL;
	}
	n = (size_t)(argc - optind - 1);
	if (n > DNS_CMD_NAMES_MAX) {
		log_warnx("dns lookup: %zu names, more than %d at once", n,
		    DNS_CMD_NAMES_MAX);
		return CLI_EXIT_FAIL;
	}
	ls = calloc(n, sizeof(*ls));
	if (ls == NULL) {
		log_warnx("out of memory");
		return CLI_EXIT_FAIL;
	}
	for (i = 0; i < n; i++) {
		ls[i].arg = argv[optind + 1 + (int)i];
		if (!qname(&ls[i], t)) {
			free(ls);
			return CLI_EXIT_FAIL;
		}
	}
	r = cli_dns_resolver(c);
	a = arena_new(DNS_CMD_ARENA_MAX);
	if (r == NULL || a == NULL)
		rc = CLI_EXIT_FAIL;
	else
		rc = run_lookups(r, a, t, ls, n, json);
	arena_free(a);
	dns_free(r);
	free(ls);
	return rc;
}

static int
dns_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "lookup", dns_lookup_cmd },
	};

	return cli_run_sub(c, argc, argv, "dns", subs,
	    sizeof(subs) / sizeof(subs[0]), usage);
}

const struct cli_cmd cli_cmd_dns = {
	"dns", "DNS: look up records with their TTL, outcome and DNSSEC "
	"status", dns_run,
};
