/*
 * gen_store.c: fills a dmarcward store (schema already created) with a
 * deterministic year of aggregate reports for a health system, as if
 * ingested and enriched: NRECORDS records from NIPS distinct addresses
 * over 365 days, 10 policy domains, 4 reporters, senders of every kind
 * (corporate mail, a vendor through SendGrid, marketing, own servers, a
 * misconfigured billing vendor, forwarders under 200 base domains, and
 * spoofers without PTR names).  Usage: gen_store DB NRECORDS NIPS
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#define DAYS		365
#define NDOMAINS	10
#define NREPORTERS	4
#define DAY0		20000	/* 2024-10-04 */

static const char *const domains[NDOMAINS] = {
	"examplehealth.org", "portal.examplehealth.org",
	"billing.examplehealth.org", "clinic1.example", "clinic2.example",
	"clinic3.example", "clinic4.example", "clinic5.example",
	"labs.example", "foundation.example",
};
/* share of the records, per mille */
static const int dshare[NDOMAINS] = { 500, 150, 100, 50, 50, 50, 30, 30,
    20, 20 };
static const char *const orgs[NREPORTERS] = { "google.com", "Outlook.com",
    "Yahoo", "Example Mail Receiver" };

enum kind { K_M365, K_LUMA, K_CHIMP, K_OWN, K_BILL, K_FWD, K_SPOOF, K_N };
/* share of addresses and of records, per mille */
static const int ipshare[K_N] = { 20, 30, 20, 1, 1, 100, 828 };
static const int recshare[K_N] = { 450, 120, 80, 20, 30, 50, 250 };

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static int
pick(const int *share, int n)
{
	int r = (int)(rnd() % 1000), i, acc = 0;

	for (i = 0; i < n; i++) {
		acc += share[i];
		if (r < acc)
			return i;
	}
	return n - 1;
}

static void
die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "gen_store: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static sqlite3_stmt *
prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die(db, sql);
	return s;
}

static void
step(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die(db, "insert");
	sqlite3_reset(s);
}

/* Address number i of kind k, and its enrichment row. */
static void
ip_of(uint32_t i, char *out, size_t sz)
{
	snprintf(out, sz, "%u.%u.%u.%u", 11 + (i >> 16) % 200,
	    (i >> 8) & 255, i & 255, 7);
}

static void
enrich_rows(sqlite3 *db, uint32_t nips, uint32_t *first, uint32_t *count)
{
	sqlite3_stmt *s = prep(db, "INSERT INTO ip_info (ip, status, ptr, "
	    "ptr_any, base, spf_services, attr, resolved, expires) VALUES "
	    "(?1, ?2, ?3, ?3, ?4, ?5, ?6, 0, 9999999999)");
	char ip[32], ptr[128], base[64], attr[256];
	uint32_t i, at = 0;
	int k;

	for (k = 0; k < K_N; k++) {
		first[k] = at;
		count[k] = (uint32_t)((uint64_t)nips * (uint64_t)ipshare[k] /
		    1000);
		if (count[k] == 0)
			count[k] = 1;
		at += count[k];
	}
	for (k = 0; k < K_N; k++)
		for (i = first[k]; i < first[k] + count[k]; i++) {
			const char *spf = k == K_M365 ? "microsoft365" :
			    k == K_LUMA ? "sendgrid" : k == K_CHIMP ?
			    "mailchimp" : NULL;

			ip_of(i, ip, sizeof(ip));
			base[0] = ptr[0] = '\0';
			if (k == K_M365)
				snprintf(base, sizeof(base), "outlook.com");
			else if (k == K_LUMA)
				snprintf(base, sizeof(base), "sendgrid.net");
			else if (k == K_CHIMP)
				snprintf(base, sizeof(base), "rsgsv.net");
			else if (k == K_OWN)
				snprintf(base, sizeof(base),
				    "examplehealth.org");
			else if (k == K_BILL)
				snprintf(base, sizeof(base),
				    "billingvendor.example");
			else if (k == K_FWD)
				snprintf(base, sizeof(base), "fwd%u.example",
				    i % 200);
			if (base[0] != '\0')
				snprintf(ptr, sizeof(ptr), "h%u.%s%s", i,
				    k == K_M365 ? "outbound.protection." : "",
				    base);
			snprintf(attr, sizeof(attr), "%s|%s|%s|0", ptr, base,
			    spf ? spf : "");
			sqlite3_bind_text(s, 1, ip, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(s, 2, ptr[0] ? "ok" : "noptr", -1,
			    SQLITE_STATIC);
			if (ptr[0] != '\0') {
				sqlite3_bind_text(s, 3, ptr, -1,
				    SQLITE_TRANSIENT);
				sqlite3_bind_text(s, 4, base, -1,
				    SQLITE_TRANSIENT);
			} else {
				sqlite3_bind_null(s, 3);
				sqlite3_bind_null(s, 4);
			}
			if (spf != NULL)
				sqlite3_bind_text(s, 5, spf, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(s, 5);
			sqlite3_bind_text(s, 6, attr, -1, SQLITE_TRANSIENT);
			step(db, s);
		}
	sqlite3_finalize(s);
}

struct auth {
	const char	*dd, *dr, *sd, *sr, *reason;
};

static void
auth_of(int k, const char *dom, struct auth *a)
{
	memset(a, 0, sizeof(*a));
	switch (k) {
	case K_M365:
	case K_CHIMP:
	case K_OWN:
		a->dd = dom, a->dr = "pass", a->sd = dom, a->sr = "pass";
		break;
	case K_LUMA:
		a->dd = "lumahealth.io", a->dr = "pass";
		a->sd = "em123.sendgrid.net", a->sr = "pass";
		break;
	case K_BILL:
		a->dd = "billingvendor.example", a->dr = "pass";
		a->sd = "bounce.billingvendor.example", a->sr = "pass";
		break;
	case K_FWD:
		a->dd = dom, a->dr = rnd() % 2 ? "pass" : "fail";
		a->sd = dom, a->sr = "fail";
		a->reason = rnd() % 3 == 0 ? "[[\"forwarded\",null]]" : NULL;
		break;
	default:
		a->sd = dom, a->sr = "fail";
	}
}

int
main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *rep, *rec;
	uint64_t nrec, left, per, i;
	uint32_t nips, first[K_N], count[K_N];
	int d, day, r, k, x;
	int64_t rid = 0;
	char ip[32], id[64];
	struct auth a;

	if (argc != 4)
		return 2;
	nrec = strtoull(argv[2], NULL, 10);
	nips = (uint32_t)strtoul(argv[3], NULL, 10);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die(db, "open");
	sqlite3_exec(db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL,
	    NULL);
	if (sqlite3_exec(db, "INSERT INTO raw_inputs (id, name, sha256, size,"
	    " received, encoding) VALUES (1000000, 'bench', x'01', 0, 0, "
	    "'identity')", NULL, NULL, NULL) != SQLITE_OK)
		die(db, "raw_inputs");
	for (r = 0; r < NREPORTERS; r++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "INSERT INTO reporters (id, "
		    "org_name, email) VALUES (%d, '%s', 'dmarc@r%d.example')",
		    1000 + r, orgs[r], r);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			die(db, sql);
	}
	enrich_rows(db, nips, first, count);
	rep = prep(db, "INSERT INTO reports (reporter_id, input_id, org_name,"
	    " email, report_id, domain, date_begin, date_end, schema, p, sp, "
	    "source_name, records, messages) VALUES (?, 1000000, ?, "
	    "'dmarc@r.example', ?, ?, ?, ?, 'rfc7489', ?, ?, 'bench', ?, 0)");
	rec = prep(db, "INSERT INTO records (report_id, source_ip, count, "
	    "disposition, dkim, spf, reasons, header_from, dkim_domain, "
	    "dkim_result, spf_domain, spf_scope, spf_result, nauth) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,'mfrom',?,?)");
	left = nrec;
	for (day = 0; day < DAYS; day++)
		for (d = 0; d < NDOMAINS; d++)
			for (r = 0; r < NREPORTERS; r++) {
				per = nrec * (uint64_t)dshare[d] / 1000 /
				    DAYS / NREPORTERS;
				if (per > left)
					per = left;
				snprintf(id, sizeof(id), "%d-%d-%d", day, d, r);
				sqlite3_bind_int(rep, 1, 1000 + r);
				sqlite3_bind_text(rep, 2, orgs[r], -1,
				    SQLITE_STATIC);
				sqlite3_bind_text(rep, 3, id, -1,
				    SQLITE_TRANSIENT);
				sqlite3_bind_text(rep, 4, domains[d], -1,
				    SQLITE_STATIC);
				sqlite3_bind_int64(rep, 5, (int64_t)(DAY0 +
				    day) * 86400);
				sqlite3_bind_int64(rep, 6, (int64_t)(DAY0 +
				    day) * 86400 + 86399);
				sqlite3_bind_text(rep, 7, d == 1 ? "reject" :
				    "none", -1, SQLITE_STATIC);
				sqlite3_bind_text(rep, 8, "none", -1,
				    SQLITE_STATIC);
				sqlite3_bind_int64(rep, 9, (int64_t)per);
				step(db, rep);
				rid = sqlite3_last_insert_rowid(db);
				for (i = 0; i < per; i++) {
					k = pick(recshare, K_N);
					x = (int)(first[k] + rnd() % count[k]);
					ip_of((uint32_t)x, ip, sizeof(ip));
					auth_of(k, domains[d], &a);
					sqlite3_bind_int64(rec, 1, rid);
					sqlite3_bind_text(rec, 2, ip, -1,
					    SQLITE_TRANSIENT);
					sqlite3_bind_int(rec, 3, 1 +
					    (int)(rnd() % 40));
					sqlite3_bind_text(rec, 4, "none", -1,
					    SQLITE_STATIC);
					sqlite3_bind_text(rec, 5, a.dr != NULL &&
					    strcmp(a.dd, domains[d]) == 0 ?
					    a.dr : "fail", -1, SQLITE_STATIC);
					sqlite3_bind_text(rec, 6, a.sr, -1,
					    SQLITE_STATIC);
					if (a.reason)
						sqlite3_bind_text(rec, 7, a.reason,
						    -1, SQLITE_STATIC);
					else
						sqlite3_bind_null(rec, 7);
					sqlite3_bind_text(rec, 8, domains[d], -1,
					    SQLITE_STATIC);
					sqlite3_bind_text(rec, 9, a.dd, -1,
					    SQLITE_STATIC);
					sqlite3_bind_text(rec, 10, a.dr, -1,
					    SQLITE_STATIC);
					sqlite3_bind_text(rec, 11, a.sd, -1,
					    SQLITE_STATIC);
					sqlite3_bind_text(rec, 12, a.sr, -1,
					    SQLITE_STATIC);
					sqlite3_bind_int(rec, 13, a.dd ? 2 : 1);
					step(db, rec);
					sqlite3_clear_bindings(rec);
				}
				left -= per;
			}
	sqlite3_finalize(rep);
	sqlite3_finalize(rec);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die(db, "commit");
	sqlite3_close(db);
	printf("gen_store: %" PRIu64 " records\n", nrec - left);
	return 0;
}
