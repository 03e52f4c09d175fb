/*
 * store.h: the store interface (DESIGN.md), with SQLite as the embedded
 * default.  Backends implement struct store_ops (store_int.h); callers only
 * see the opaque handle and these functions.
 *
 * Ingest writes in units: a unit is one input as it arrived (a file, one
 * message of a mailbox) whose raw bytes are kept, compressed, with their
 * SHA-256 as evidence.  A unit holds zero or more reports; each report is
 * stored whole or not at all (a savepoint inside the unit's transaction),
 * and the unit, its raw bytes and its good reports commit together, so a
 * crash at any point leaves either all of it or none of it.
 *
 *	store_unit_begin -> store_unit_raw* ->
 *	    (store_report_begin -> store_report_record* -> store_report_end)*
 *	-> store_unit_end
 *
 * Every string passed in is borrowed: the store copies what it keeps.
 */
#ifndef DW_STORE_H
#define DW_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/buf.h"
#include "../report/failure.h"
#include "../report/report.h"
#include "../report/tlsrpt.h"

struct store;

/*
 * path is a file name for SQLite ("postgresql://..." is reserved).  Creates
 * the store or brings its schema up to date.  A file that is not a store
 * (not SQLite, or another program's database) or whose schema is newer
 * than this program knows is refused, untouched; the error names path.
 */
enum dw_err store_open(const char *path, struct store **out,
    struct dw_error *e);
/*
 * Opens an existing store for reading only: DW_ENOTFOUND when there is
 * none (no file, an empty or another program's database).  Its schema
 * must be the one this program knows.  Writes on it fail with DW_EINVAL.
 */
enum dw_err store_open_ro(const char *path, struct store **out,
    struct dw_error *e);
/*
 * Commits what is kept and frees st (NULL is a no-op).  It cannot report
 * a failure: writers call store_flush() first.
 */
void store_close(struct store *st);

/*
 * Starts a unit.  When a completed unit with the same SHA-256 is already
 * stored, *dup is set, nothing is started, and the caller skips the input.
 */
enum dw_err store_unit_begin(struct store *st, const char *name,
    const uint8_t sha256[32], uint64_t size, bool *dup, struct dw_error *e);
/*
 * Whether a unit with this SHA-256 is committed: a quick check before an
 * input is read, which unlike the others may be called from another
 * thread than the one writing, and does not wait for it.  A unit of the
 * batch not yet committed may not be seen; store_unit_begin decides.
 */
enum dw_err store_unit_known(struct store *st, const uint8_t sha256[32],
    bool *known, struct dw_error *e);
/* Appends raw bytes of the unit; the store compresses them. */
enum dw_err store_unit_raw(struct store *st, const void *p, size_t n,
    struct dw_error *e);
/*
 * Keeps (commit true) or rolls back the whole unit.  Kept units are made
 * durable in batches: by the time store_flush() or store_close() returns,
 * every kept unit is committed.
 *
 * After a failure (DW_EFULL on a full disk, DW_ESTORE) the unit takes no
 * more writes and is ended with commit false.  Such a failure may end the
 * whole batch, as a crash would: then the units kept since the last
 * commit are lost with it, and the error message says how many, so the
 * caller does not count them as stored (ingesting them again stores
 * them).
 */
enum dw_err store_unit_end(struct store *st, bool commit,
    struct dw_error *e);
enum dw_err store_flush(struct store *st, struct dw_error *e);

/*
 * Starts a report inside the current unit.  When a report with the same
 * (reporter org, report id, policy domain, begin, end) is stored, *dup is
 * set and nothing is started.
 */
enum dw_err store_report_begin(struct store *st, const struct agg_report *r,
    bool *dup, struct dw_error *e);
enum dw_err store_report_record(struct store *st,
    const struct agg_record *rec, struct dw_error *e);
/* Keeps (commit true, with the totals) or discards the current report. */
enum dw_err store_report_end(struct store *st, bool commit,
    uint64_t records, uint64_t messages, struct dw_error *e);

/* ---- failure reports ---------------------------------------------------
 *
 * A failure report is stored in a unit of its own (one message), whose
 * raw bytes are someone else's e-mail, body and all: they are never kept
 * in plain form.  Before any raw bytes, the caller says what the unit
 * keeps as evidence:
 *  - STORE_EVIDENCE_WITHHELD: nothing; the unit keeps its name, size and
 *    SHA-256, and store_unit_raw() fails;
 *  - STORE_EVIDENCE_SEALED: the raw bytes given are a sealed box of the
 *    message (seal.h), kept as they come, never compressed or read.
 * raw_inputs.encoding says which ("withheld", "sealed-box").
 */
enum store_evidence {
	STORE_EVIDENCE_RAW,		/* the default: plain, compressed */
	STORE_EVIDENCE_WITHHELD,
	STORE_EVIDENCE_SEALED,
};
enum dw_err store_unit_evidence(struct store *st, enum store_evidence ev,
    struct dw_error *e);
/*
 * Stores r (already redacted by the parser) in the current unit.  When a
 * report with the same sha256 is stored, *dup is set and nothing is.
 */
enum dw_err store_failure_put(struct store *st,
    const struct failure_report *r, bool *dup, struct dw_error *e);

/* ---- mailboxes -------------------------------------------------------
 *
 * What a mailbox fetcher has taken, by a key naming the mailbox (its URL
 * without credentials).  These run outside units: call them only when the
 * store has no unit open and store_flush has made the reports durable.
 */
struct store_mailbox {
	uint32_t	 uidvalidity;
	uint32_t	 last_uid;	/* highest UID whose report is stored */
	int64_t		 last_fetch;	/* UTC seconds */
};
/* A message whose report is stored, still to be moved to folder. */
struct store_move {
	uint32_t	 uid;
	const char	*folder;
};
/* *found false (and *m zero) for a mailbox never polled. */
enum dw_err store_mailbox_get(struct store *st, const char *key,
    struct store_mailbox *m, bool *found, struct dw_error *e);
/*
 * Sets the mailbox's state and adds moves to make, in one transaction.  A
 * new UIDVALIDITY drops the moves recorded under the old one.
 */
enum dw_err store_mailbox_put(struct store *st, const char *key,
    const struct store_mailbox *m, const struct store_move *mv, size_t n,
    struct dw_error *e);
typedef enum dw_err (*store_move_cb)(void *ctx, const struct store_move *m);
/* The moves still to make, by UID. */
enum dw_err store_mailbox_moves(struct store *st, const char *key,
    store_move_cb cb, void *ctx, struct dw_error *e);
/* A move was made (or is moot): forget it. */
enum dw_err store_mailbox_moved(struct store *st, const char *key,
    uint32_t uid, struct dw_error *e);

/* ---- posture history (dmarcward check) -------------------------------
 *
 * Each check of a domain is a run with its time and grade.  The record
 * sets it saw are kept as changes: a row each time the value at a name
 * differs from the one stored last (the records a run saw are, per name,
 * the newest row at or before it).  A change of a kind with an event type
 * whose event value differs too is also an event, in an append-only
 * table that alerting and the audit log read.  Like the mailbox calls,
 * these run outside units.
 */
struct store_check {
	const char	*domain;
	int64_t		 at;		/* UTC seconds of the check */
	const char	*grade;		/* "A".."F" */
	int		 score;
	const char	*worst;		/* worst severity, "info".. */
	const char	*findings;	/* finding ids, space-separated */
};
/* A record set a check saw.  value NULL: the name has no record.  A
 * name that never had a record and has none now is not stored. */
struct store_dns_record {
	const char	*kind;		/* "dmarc", "spf", "dkim", ... */
	const char	*name;
	const char	*value;
	const char	*event_type;	/* NULL: changes are no event */
	const char	*event_value;
};
/* A change at a name.  old_value NULL with first set: the first check
 * of the domain; without first: the name had no record. */
struct store_dns_change {
	const char	*domain, *kind, *name;
	const char	*old_value, *new_value;
	bool		 first;
	int64_t		 at;
	const char	*event_type;	/* set when it was an event too */
};
typedef enum dw_err (*store_change_cb)(void *ctx,
    const struct store_dns_change *c);
/*
 * Stores a run and the record sets that changed, in one transaction; cb
 * (may be NULL) sees each change stored.  Strings in a change are valid
 * during the call only.
 */
enum dw_err store_check_put(struct store *st, const struct store_check *c,
    const struct store_dns_record *recs, size_t n, store_change_cb cb,
    void *ctx, struct dw_error *e);
/* Every change stored for domain, oldest first; *nruns (may be NULL)
 * gets the number of checks stored. */
enum dw_err store_dns_history(struct store *st, const char *domain,
    store_change_cb cb, void *ctx, uint64_t *nruns, struct dw_error *e);

struct store_event {
	int64_t		 id;		/* increasing: read on from the last */
	int64_t		 at;
	const char	*domain, *type, *name;
	const char	*old_value, *new_value;	/* NULL: none */
};
typedef enum dw_err (*store_event_cb)(void *ctx,
    const struct store_event *ev);
/* Events with id > after (of domain, or all when NULL), oldest first. */
enum dw_err store_events(struct store *st, const char *domain,
    int64_t after, store_event_cb cb, void *ctx, struct dw_error *e);

/* ---- queries ------------------------------------------------------- */

/* Which reports a query covers: their date range overlaps [since, until). */
struct store_filter {
	const char	*domain;	/* policy domain, or NULL for all */
	int64_t		 since;		/* UTC seconds; INT64_MIN: no bound */
	int64_t		 until;		/* INT64_MAX: no bound */
};
void store_filter_init(struct store_filter *f);

/* Totals for one policy domain (as policy_evaluated says). */
struct store_summary {
	const char	*domain;
	uint64_t	 reports;
	uint64_t	 messages;
	uint64_t	 dmarc_pass;	/* dkim=pass or spf=pass */
	uint64_t	 spf_aligned;	/* spf=pass */
	uint64_t	 dkim_aligned;	/* dkim=pass */
	uint64_t	 none, quarantine, reject;	/* dispositions */
};
/* Pointers in *s are valid during the call only. */
typedef enum dw_err (*store_summary_cb)(void *ctx,
    const struct store_summary *s);
enum dw_err store_summary(struct store *st, const struct store_filter *f,
    store_summary_cb cb, void *ctx, struct dw_error *e);

struct store_source {
	const char	*source_ip;
	uint64_t	 messages;
	uint64_t	 pass;		/* DMARC pass */
};
typedef enum dw_err (*store_source_cb)(void *ctx,
    const struct store_source *s);
/* The top n sources of f->domain by volume, or by failing volume. */
enum dw_err store_top_sources(struct store *st, const struct store_filter *f,
    bool failing, unsigned n, store_source_cb cb, void *ctx,
    struct dw_error *e);

/* One stored record with its report, for export. */
struct store_row {
	const struct agg_report	*report;	/* policy filled, no errors */
	const char		*errors;	/* JSON array or NULL */
	const char		*reasons;	/* JSON [[type, comment]] */
	const struct agg_record	*record;	/* every auth result */
};
typedef enum dw_err (*store_row_cb)(void *ctx, const struct store_row *r);
enum dw_err store_export(struct store *st, const struct store_filter *f,
    store_row_cb cb, void *ctx, struct dw_error *e);

/* One stored failure report; everything is valid during the call only. */
struct store_failure {
	int64_t				 id;
	int64_t				 received;	/* UTC seconds */
	bool				 sample;	/* sealed one kept */
	const struct failure_report	*report;
};
typedef enum dw_err (*store_failure_cb)(void *ctx,
    const struct store_failure *f);
/*
 * The failure reports of f->domain (the policy domain) that arrived in
 * [since, until) (when stored, for those without an Arrival-Date), in
 * that order.
 */
enum dw_err store_failures(struct store *st, const struct store_filter *f,
    store_failure_cb cb, void *ctx, struct dw_error *e);
/*
 * Appends the sealed sample of failure report id to out.  DW_ENOTFOUND
 * when there is no such report or it was stored without a sample (the
 * message says which).
 */
enum dw_err store_failure_sample(struct store *st, int64_t id,
    struct buf *out, struct dw_error *e);

/* ---- SMTP TLS reports (RFC 8460) ----------------------------------- */

/*
 * Stores a whole TLS report inside the current unit: the report, its
 * policies and their failure details, or nothing (a savepoint).  sha256
 * is that of the JSON document.  When a report with the same
 * (organization-name, report-id) or the same document hash is stored,
 * *dup is set and nothing is written.  DW_EINVAL outside a unit.
 */
enum dw_err store_tls_put(struct store *st, const struct tlsrpt_report *r,
    const uint8_t sha256[32], bool *dup, struct dw_error *e);

/*
 * What `dmarcward tls` shows.  The first four group the policies'
 * summaries (session counts are per policy in RFC 8460); the last two
 * group the failure details, which are all a report says per MX.
 * f->domain filters on the policy domain.
 */
enum store_tls_group {
	STORE_TLS_ALL,		/* one row: every report */
	STORE_TLS_DOMAIN,	/* key: policy domain (NULL: none given) */
	STORE_TLS_TYPE,		/* key: policy type */
	STORE_TLS_DAY,		/* key: UTC day "YYYY-MM-DD" of the start */
	STORE_TLS_MX,		/* key: receiving MX, sub: result type */
	STORE_TLS_RESULT,	/* key: result type */
};

struct store_tls_row {
	const char	*key;		/* NULL when the reports gave none */
	const char	*sub;		/* STORE_TLS_MX only */
	uint64_t	 reports;
	uint64_t	 successful;	/* sessions; 0 for MX and RESULT */
	uint64_t	 failed;	/* sessions */
	uint64_t	 details;	/* failure details (MX, RESULT) */
};
/* Pointers in *r are valid during the call only. */
typedef enum dw_err (*store_tls_cb)(void *ctx, const struct store_tls_row *r);
/*
 * Rows in display order: ALL one row; DOMAIN by sessions, most first;
 * TYPE and DAY by key; MX by the MX's failed sessions, most first, then
 * by result type; RESULT by failed sessions, most first.
 */
enum dw_err store_tls_query(struct store *st, const struct store_filter *f,
    enum store_tls_group g, store_tls_cb cb, void *ctx, struct dw_error *e);

/* ---- sources: enrichment (migration 0005) -------------------------- */

/* What enrichment learned of one source address (sources/enrich.h). */
struct store_ip_info {
	const char	*ip;
	const char	*status;	/* ok, noptr, temp, badip */
	const char	*ptr;		/* confirmed PTR name, or NULL */
	const char	*ptr_any;	/* first PTR name, or NULL */
	const char	*base;		/* base domain of ptr, or NULL */
	const char	*spf_services;	/* catalog keys, or NULL */
	uint32_t	 asn;		/* 0: unknown */
	const char	*as_org;	/* NULL: unknown */
	const char	*country;
	int64_t		 resolved;	/* UTC seconds */
	int64_t		 expires;
};

typedef enum dw_err (*store_ip_cb)(void *ctx, const char *ip);
/*
 * The source addresses to look up at time now: those of records stored
 * since the last store_enrich_done() that have no entry yet, and those
 * whose entry expired; with all, every address of every record.  *upto
 * gets the last record id covered, for store_enrich_done().
 */
enum dw_err store_enrich_todo(struct store *st, int64_t now, bool all,
    store_ip_cb cb, void *ctx, int64_t *upto, struct dw_error *e);
/* Records up to upto have had their addresses looked up. */
enum dw_err store_enrich_done(struct store *st, int64_t upto,
    struct dw_error *e);
/*
 * Keeps v[0..n) in one transaction, replacing older entries; an entry
 * with status temp only moves the expiry of an older one.  When what
 * classification reads of an address (confirmed PTR, base domain, SPF
 * services, AS number) changed and the address already counts in the
 * rollups, the days it counts on are marked for recomputation.
 */
enum dw_err store_ip_info_put(struct store *st,
    const struct store_ip_info *v, size_t n, struct dw_error *e);
typedef enum dw_err (*store_ip_info_cb)(void *ctx,
    const struct store_ip_info *v);
/* Calls cb with the entry of ip; not at all when there is none. */
enum dw_err store_ip_info_get(struct store *st, const char *ip,
    store_ip_info_cb cb, void *ctx, struct dw_error *e);

/* The networks of one SPF include (sources/spfnets.h). */
struct store_spf_nets {
	const char	*include;
	const char	*nets;
	const char	*partial;	/* NULL when complete */
	int64_t		 resolved;
	int64_t		 expires;
};
typedef enum dw_err (*store_spf_nets_cb)(void *ctx,
    const struct store_spf_nets *v);
enum dw_err store_spf_nets_list(struct store *st, store_spf_nets_cb cb,
    void *ctx, struct dw_error *e);
enum dw_err store_spf_nets_put(struct store *st,
    const struct store_spf_nets *v, struct dw_error *e);

/* ---- sources: daily rollups (migration 0005) ------------------------ */

/*
 * The rollups are derived from the records and the address entries by
 * analysis/rollup.c, which reads records with store_rollup_scan() and
 * adds its sums with store_rollup_put(), all between store_rollup_begin()
 * and store_rollup_end() (one transaction).  Days are UTC days since
 * 1970-01-01.
 */
struct store_rollup_state {
	int64_t		 record_id;	/* records up to here are rolled up */
	int64_t		 catalog;	/* digest of the catalog used */
	int64_t		 max_record_id;	/* the last record stored */
	int		 backend;	/* the backend's own */
};
enum dw_err store_rollup_begin(struct store *st,
    struct store_rollup_state *s, struct dw_error *e);
/* Commits with the new state and no day left marked, or rolls back. */
enum dw_err store_rollup_end(struct store *st, bool commit,
    const struct store_rollup_state *s, struct dw_error *e);
/* Empties every rollup, for a rebuild from the first record. */
enum dw_err store_rollup_clear(struct store *st, struct dw_error *e);

typedef enum dw_err (*store_dirty_cb)(void *ctx, const char *domain,
    int64_t first_day, int64_t last_day);
/* The day ranges marked for recomputation. */
enum dw_err store_rollup_dirty(struct store *st, store_dirty_cb cb,
    void *ctx, struct dw_error *e);
/* rollup_day summed in buckets of STORE_BUCKET_DAYS days, for long
 * windows; rebuilt from rollup_day for the buckets that hold days
 * [first, last] of domain. */
#define STORE_BUCKET_DAYS	32
enum dw_err store_rollup_buckets(struct store *st, const char *domain,
    int64_t first_day, int64_t last_day, struct dw_error *e);
/* Removes the rollup rows of domain on days [first, last]. */
enum dw_err store_rollup_forget(struct store *st, const char *domain,
    int64_t first_day, int64_t last_day, struct dw_error *e);

/* One record as the rollups read it; pointers valid during the call. */
struct store_rollup_rec {
	int64_t			 id;
	const char		*domain;	/* policy domain */
	int64_t			 begin, end;	/* of its report */
	const char		*adkim, *aspf;
	int64_t			 reporter_id;
	const char		*source_ip;
	uint64_t		 count;
	const char		*disposition, *pe_dkim, *pe_spf;
	const char		*header_from, *envelope_from;
	const char		*reasons;	/* JSON or NULL */
	const struct agg_auth	*auth;		/* every result */
	size_t			 nauth;
	/* the address entry, NULL/0 when there is none */
	const char		*ptr, *base, *spf_services;
	uint32_t		 asn;
};
typedef enum dw_err (*store_rollup_rec_cb)(void *ctx,
    const struct store_rollup_rec *r);
/*
 * Records with from_id < id <= to_id; with domain not NULL, only that
 * policy domain's records whose reports begin in [begin_from, begin_to).
 */
struct store_rollup_scan {
	int64_t		 from_id, to_id;
	const char	*domain;
	int64_t		 begin_from, begin_to;
};
enum dw_err store_rollup_scan(struct store *st,
    const struct store_rollup_scan *q, store_rollup_rec_cb cb, void *ctx,
    struct dw_error *e);

/* Sums to add to the rollups (rows that exist are added to). */
#define STORE_ROLLUP_NCOUNT 13
enum store_rollup_counter {
	RC_MESSAGES, RC_DMARC_PASS, RC_SPF_ALIGNED, RC_DKIM_ALIGNED,
	RC_SPF_PASS, RC_DKIM_PASS, RC_PE_PASS, RC_NONE, RC_QUARANTINE,
	RC_REJECT,
	/* messages whose service was named by its DKIM, SPF, PTR rule */
	RC_SIG_DKIM, RC_SIG_SPF, RC_SIG_PTR,
};
struct store_rollup_day {
	const char	*domain;
	int64_t		 day;
	const char	*header_from;
	const char	*service;
	int		 shape;
	uint64_t	 c[STORE_ROLLUP_NCOUNT];
};
struct store_rollup_ip {
	const char	*domain, *service;
	int64_t		 day;
	const char	*ip;
	uint64_t	 messages, dmarc_pass;
	unsigned	 signals;	/* CLS_SIG_* (analysis/classify.h) */
};
struct store_rollup_reporter {
	const char	*domain;
	int64_t		 day;
	int64_t		 reporter_id;
	uint64_t	 records, messages, dmarc_pass;
	uint64_t	 suspect_records, suspect_messages;
};
struct store_ip_seen {
	const char	*ip, *domain;
	int64_t		 first_day, last_day;
};
struct store_rollup_batch {
	const struct store_rollup_day		*day;
	size_t					 nday;
	const struct store_rollup_ip		*ip;
	size_t					 nip;
	const struct store_rollup_reporter	*rep;
	size_t					 nrep;
	const struct store_ip_seen		*seen;
	size_t					 nseen;
};
enum dw_err store_rollup_put(struct store *st,
    const struct store_rollup_batch *b, struct dw_error *e);

/* ---- sources: reading the rollups ------------------------------------ */

/* What to group by (bits); the policy domain is always a key. */
#define ROLLUP_BY_DAY		0x1u
#define ROLLUP_BY_FROM		0x2u	/* header_from */
#define ROLLUP_BY_SERVICE	0x4u
#define ROLLUP_BY_IP		0x8u	/* rollup_ip: with SERVICE only */

struct store_rollup_q {
	unsigned	 by;		/* ROLLUP_BY_* */
	const char	*domain;	/* NULL: every domain */
	const char	*service;	/* NULL: every service */
	int64_t		 first_day;	/* INT64_MIN: no bound */
	int64_t		 last_day;	/* INT64_MAX: no bound */
	unsigned	 limit;		/* rows; 0: all */
};
void store_rollup_q_init(struct store_rollup_q *q);

struct store_rollup_row {
	const char	*domain;
	int64_t		 day;		/* -1 unless by day */
	const char	*header_from;	/* NULL unless by From */
	const char	*service;	/* NULL unless by service */
	const char	*ip;		/* NULL unless by IP */
	uint64_t	 c[STORE_ROLLUP_NCOUNT];	/* by IP: messages,
					 * dmarc_pass, and RC_SIG_* as 0/1 */
	uint64_t	 fwd_reason, fwd_dkim, fail;	/* messages by shape */
	uint64_t	 fail_auth;
	int64_t		 first_day, last_day;
};
typedef enum dw_err (*store_rollup_row_cb)(void *ctx,
    const struct store_rollup_row *r);
/* Rows ordered by domain, then messages (most first), or by day. */
enum dw_err store_rollup_query(struct store *st,
    const struct store_rollup_q *q, store_rollup_row_cb cb, void *ctx,
    struct dw_error *e);

/* The last day domain has rollups on; *day is -1 when none. */
enum dw_err store_rollup_last_day(struct store *st, const char *domain,
    int64_t *day, struct dw_error *e);

struct store_reporter_row {
	const char	*domain;
	const char	*org_name, *email;
	uint64_t	 records, messages, dmarc_pass;
	uint64_t	 suspect_records, suspect_messages;
};
typedef enum dw_err (*store_reporter_cb)(void *ctx,
    const struct store_reporter_row *r);
enum dw_err store_rollup_reporters(struct store *st,
    const struct store_rollup_q *q, store_reporter_cb cb, void *ctx,
    struct dw_error *e);

/* The policy a domain published, as the reports of [since, until) say. */
struct store_policy_row {
	const char	*p, *sp, *np, *adkim, *aspf, *testing;
	int		 pct;		/* -1: absent */
	uint64_t	 reports;	/* that said so */
	int64_t		 last_seen;	/* latest report begin */
};
typedef enum dw_err (*store_policy_cb)(void *ctx,
    const struct store_policy_row *r);
/* Every distinct p, sp and testing (absent: "n"), most reports first;
 * np, adkim, aspf and pct are the greatest value among those reports. */
enum dw_err store_policies(struct store *st, const char *domain,
    int64_t since, int64_t until, store_policy_cb cb, void *ctx,
    struct dw_error *e);
/* Reports per policy domain overlapping [since, until). */
typedef enum dw_err (*store_count_cb)(void *ctx, const char *domain,
    uint64_t n);
enum dw_err store_report_counts(struct store *st,
    const struct store_filter *f, store_count_cb cb, void *ctx,
    struct dw_error *e);
/* The policy domains with reports, and how many each. */
enum dw_err store_report_domains(struct store *st, store_count_cb cb,
    void *ctx, struct dw_error *e);

/* ---- sources: the approved-sender inventory ------------------------- */

enum store_baa { BAA_UNKNOWN, BAA_SIGNED, BAA_NOT_SIGNED, BAA_NOT_NEEDED };
const char *store_baa_name(enum store_baa b);	/* "signed", ... */
bool store_baa_parse(const char *s, enum store_baa *out);

struct store_inventory {
	const char	*service;
	bool		 approved;
	const char	*owner;		/* NULL: not set */
	const char	*purpose;
	int		 ephi;		/* 1 yes, 0 no, -1 unknown */
	enum store_baa	 baa;
	const char	*baa_date;	/* YYYY-MM-DD or NULL */
	int64_t		 updated;
};
typedef enum dw_err (*store_inventory_cb)(void *ctx,
    const struct store_inventory *v);
/* Every entry (service NULL), or that service's (not at all if none). */
enum dw_err store_inventory_get(struct store *st, const char *service,
    store_inventory_cb cb, void *ctx, struct dw_error *e);
/*
 * Replaces the entry of v->service and logs action (approve, revoke,
 * set) with detail, in one transaction.
 */
enum dw_err store_inventory_put(struct store *st,
    const struct store_inventory *v, const char *action,
    const char *detail, struct dw_error *e);

struct store_inventory_event {
	const char	*service;
	int64_t		 at;
	const char	*action;	/* approve, revoke, set, note */
	const char	*detail;
};
typedef enum dw_err (*store_inv_event_cb)(void *ctx,
    const struct store_inventory_event *v);
/* Adds a note (action "note"). */
enum dw_err store_inventory_note(struct store *st, const char *service,
    int64_t at, const char *text, struct dw_error *e);
enum dw_err store_inventory_events(struct store *st, const char *service,
    store_inv_event_cb cb, void *ctx, struct dw_error *e);

#endif
