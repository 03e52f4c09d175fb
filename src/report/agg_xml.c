/*
 * agg_xml.c: the streaming DMARC aggregate report parser over expat.
 *
 * Elements are dispatched through a table of element ids (one per
 * position in the report: <domain> under <policy_published> is another id
 * than <domain> under <dkim>), each parent listing its known children.
 * Unknown elements, and elements in a namespace other than none, RFC 9990
 * and the obsolete dmarc.org one, are skipped with their subtree.  Text is
 * gathered only for leaf elements we want, into one capped buffer; strings
 * go to a header arena or a per-record arena that is reset for every
 * record, so memory stays flat whatever the report size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "base/arena.h"
#include "base/buf.h"
#include "dns/dns.h"
#include "record/taglist.h"
#include "agg_xml.h"
#include "ident.h"

#define NSSEP		'\n'	/* cannot occur in a namespace name */
#define NS_RFC9990	"urn:ietf:params:xml:ns:dmarc-2.0"
#define NS_DRAFT	"http://dmarc.org/dmarc-xml/0.1"
#define HEAD_ARENA_MAX	((size_t)16 << 20)	/* header strings */
#define REC_ARENA_MAX	((size_t)64 << 20)	/* one record's strings */
#define HOLD_ARENA_MAX	((size_t)64 << 20)	/* records before header */
#define FEED_PIECE	(64 * 1024)	/* bytes given to expat at once */
#define MAX_PENDING	(2 * AGG_MAX_TEXT)	/* one unfinished token */
#define MAX_TIME	253402300799LL	/* 9999-12-31T23:59:59Z */
#define MAX_SPAN	(366LL * 86400)	/* longest date range */

enum el {
	E_SKIP, E_DOC, E_FEEDBACK, E_VERSION, E_METADATA, E_ORG_NAME,
	E_EMAIL, E_EXTRA, E_REPORT_ID, E_DATE_RANGE, E_BEGIN, E_END, E_ERROR,
	E_GENERATOR, E_POLICY, E_PP_DOMAIN, E_ADKIM, E_ASPF, E_P, E_SP, E_NP,
	E_PCT, E_FO, E_TESTING, E_DISCOVERY, E_RECORD, E_ROW, E_SOURCE_IP,
	E_COUNT, E_EVALUATED, E_DISPOSITION, E_PE_DKIM, E_PE_SPF, E_REASON,
	E_R_TYPE, E_R_COMMENT, E_IDENTIFIERS, E_HEADER_FROM, E_ENV_FROM,
	E_ENV_TO, E_AUTH_RESULTS, E_A_DKIM, E_A_SPF, E_A_DOMAIN, E_A_SELECTOR,
	E_A_SCOPE, E_A_RESULT, E_A_HUMAN, E_N
};

#define F_TEXT		0x01	/* leaf: its text is wanted */
#define F_REPEAT	0x02	/* may occur more than once */
#define F_REC		0x04	/* seen-scope: the record */
#define F_SUB		0x08	/* seen-scope: one reason or auth result */

struct eldef {
	const char	*name;
	unsigned char	 flags;
};

#define D(n, f)	{ n, f }
static const struct eldef els[E_N] = {
	[E_SKIP] = D("?", 0), [E_DOC] = D("", 0),
	[E_FEEDBACK] = D("feedback", 0), [E_VERSION] = D("version", F_TEXT),
	[E_METADATA] = D("report_metadata", 0),
	[E_ORG_NAME] = D("org_name", F_TEXT), [E_EMAIL] = D("email", F_TEXT),
	[E_EXTRA] = D("extra_contact_info", F_TEXT),
	[E_REPORT_ID] = D("report_id", F_TEXT),
	[E_DATE_RANGE] = D("date_range", 0), [E_BEGIN] = D("begin", F_TEXT),
	[E_END] = D("end", F_TEXT), [E_ERROR] = D("error", F_TEXT | F_REPEAT),
	[E_GENERATOR] = D("generator", F_TEXT),
	[E_POLICY] = D("policy_published", 0),
	[E_PP_DOMAIN] = D("domain", F_TEXT), [E_ADKIM] = D("adkim", F_TEXT),
	[E_ASPF] = D("aspf", F_TEXT), [E_P] = D("p", F_TEXT),
	[E_SP] = D("sp", F_TEXT), [E_NP] = D("np", F_TEXT),
	[E_PCT] = D("pct", F_TEXT), [E_FO] = D("fo", F_TEXT),
	[E_TESTING] = D("testing", F_TEXT),
	[E_DISCOVERY] = D("discovery_method", F_TEXT),
	[E_RECORD] = D("record", F_REPEAT), [E_ROW] = D("row", F_REC),
	[E_SOURCE_IP] = D("source_ip", F_TEXT | F_REC),
	[E_COUNT] = D("count", F_TEXT | F_REC),
	[E_EVALUATED] = D("policy_evaluated", F_REC),
	[E_DISPOSITION] = D("disposition", F_TEXT | F_REC),
	[E_PE_DKIM] = D("dkim", F_TEXT | F_REC),
	[E_PE_SPF] = D("spf", F_TEXT | F_REC),
	[E_REASON] = D("reason", F_REPEAT),
	[E_R_TYPE] = D("type", F_TEXT | F_SUB),
	[E_R_COMMENT] = D("comment", F_TEXT | F_SUB),
	[E_IDENTIFIERS] = D("identifiers", F_REC),
	[E_HEADER_FROM] = D("header_from", F_TEXT | F_REC),
	[E_ENV_FROM] = D("envelope_from", F_TEXT | F_REC),
	[E_ENV_TO] = D("envelope_to", F_TEXT | F_REC),
	[E_AUTH_RESULTS] = D("auth_results", F_REC),
	[E_A_DKIM] = D("dkim", F_REPEAT), [E_A_SPF] = D("spf", F_REPEAT),
	[E_A_DOMAIN] = D("domain", F_TEXT | F_SUB),
	[E_A_SELECTOR] = D("selector", F_TEXT | F_SUB),
	[E_A_SCOPE] = D("scope", F_TEXT | F_SUB),
	[E_A_RESULT] = D("result", F_TEXT | F_SUB),
	[E_A_HUMAN] = D("human_result", F_TEXT | F_SUB),
};
#undef D

/* The known children of each element, 0-terminated. */
static const unsigned char *const kids[E_N] = {
	[E_DOC] = (const unsigned char[]){ E_FEEDBACK, 0 },
	[E_FEEDBACK] = (const unsigned char[]){ E_RECORD, E_METADATA,
	    E_POLICY, E_VERSION, 0 },
	[E_METADATA] = (const unsigned char[]){ E_ORG_NAME, E_EMAIL,
	    E_EXTRA, E_REPORT_ID, E_DATE_RANGE, E_ERROR, E_GENERATOR, 0 },
	[E_DATE_RANGE] = (const unsigned char[]){ E_BEGIN, E_END, 0 },
	[E_POLICY] = (const unsigned char[]){ E_PP_DOMAIN, E_ADKIM, E_ASPF,
	    E_P, E_SP, E_NP, E_PCT, E_FO, E_TESTING, E_DISCOVERY, 0 },
	[E_RECORD] = (const unsigned char[]){ E_ROW, E_IDENTIFIERS,
	    E_AUTH_RESULTS, 0 },
	[E_ROW] = (const unsigned char[]){ E_SOURCE_IP, E_COUNT,
	    E_EVALUATED, 0 },
	[E_EVALUATED] = (const unsigned char[]){ E_DISPOSITION, E_PE_DKIM,
	    E_PE_SPF, E_REASON, 0 },
	[E_REASON] = (const unsigned char[]){ E_R_TYPE, E_R_COMMENT, 0 },
	[E_IDENTIFIERS] = (const unsigned char[]){ E_HEADER_FROM,
	    E_ENV_FROM, E_ENV_TO, 0 },
	[E_AUTH_RESULTS] = (const unsigned char[]){ E_A_DKIM, E_A_SPF, 0 },
	[E_A_DKIM] = (const unsigned char[]){ E_A_DOMAIN, E_A_RESULT,
	    E_A_SELECTOR, E_A_HUMAN, 0 },
	[E_A_SPF] = (const unsigned char[]){ E_A_DOMAIN, E_A_RESULT,
	    E_A_SCOPE, E_A_HUMAN, 0 },
};

/* Canonical spellings of every enumerated value of both schemas. */
#define V(s)	{ s, sizeof(s) - 1 }
static const struct {
	const char	*s;
	size_t		 len;
} enums[] = {
	V("none"), V("pass"), V("fail"), V("quarantine"), V("reject"), V("r"),
	V("s"), V("n"), V("y"), V("psl"), V("treewalk"), V("policy"),
	V("neutral"), V("temperror"), V("permerror"), V("softfail"),
	V("mfrom"), V("helo"), V("forwarded"), V("sampled_out"),
	V("trusted_forwarder"), V("mailing_list"), V("local_policy"),
	V("other"), V("policy_test_mode"),
};
#undef V

enum ns { NS_NONE, NS_OLD, NS_9990, NS_OTHER };

struct held {
	struct held		*next;
	struct agg_record	 rec;
};

struct agg_xml {
	XML_Parser		 xp;
	struct agg_sink		 sink;
	struct dw_error		 e;		/* the sticky failure */
	bool			 failed;
	bool			 ended;		/* </feedback> seen */
	bool			 want;		/* gather text */
	bool			 skip_want;	/* want before the skip */
	bool			 delivered;	/* sink->report() called */
	bool			 meta_done;	/* </report_metadata> seen */
	bool			 policy_done;	/* </policy_published> seen */
	enum ns			 root_ns;
	unsigned		 depth;
	unsigned		 skip;		/* depth of the skipped root */
	unsigned char		 stack[AGG_MAX_DEPTH + 2];
	uint64_t		 fed;
	uint64_t		 nelem;
	uint64_t		 seen_rep;	/* bits by element id */
	uint64_t		 seen_rec;
	uint64_t		 seen_sub;
	struct buf		 text;
	struct arena		*ha;		/* header */
	struct arena		*ra;		/* current record */
	struct arena		*hold;		/* records before header */
	struct held		*held_head;
	struct held		*held_tail;
	struct agg_report	 rep;
	const char		*errors[AGG_MAX_ERRORS];
	struct agg_record	 rec;
	struct agg_auth		*cur_auth;
	struct agg_reason	*cur_reason;
	size_t			 ndkim;
	size_t			 nspf;
	struct agg_auth		 dkim[AGG_MAX_AUTH];
	struct agg_auth		 spf[AGG_MAX_AUTH];
	struct agg_auth		 auth[AGG_MAX_AUTH];
	struct agg_reason	 reasons[AGG_MAX_REASONS];
	uint64_t		 nrec;		/* records begun */
	struct agg_stats	 st;
};

const char *
agg_schema_name(enum agg_schema s)
{
	switch (s) {
	case AGG_SCHEMA_DRAFT:
		return "draft";
	case AGG_SCHEMA_RFC7489:
		return "rfc7489";
	case AGG_SCHEMA_RFC9990:
		return "rfc9990";
	}
	return "unknown";
}

/*
 * Records the failure with expat's position and stops the parser.  The
 * first failure wins; later handlers do nothing.
 */
static void vfail(struct agg_xml *, enum dw_err, const char *, const char *,
    va_list) __attribute__((format(printf, 4, 0)));
static void
vfail(struct agg_xml *p, enum dw_err code, const char *pfx, const char *fmt,
    va_list ap)
{
	char msg[DW_ERRMSG_MAX];

	if (p->failed)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	dw_fail(&p->e, code, "line %lu, column %lu: %s%s",
	    (unsigned long)XML_GetCurrentLineNumber(p->xp),
	    (unsigned long)XML_GetCurrentColumnNumber(p->xp) + 1, pfx, msg);
	p->failed = true;
	(void)XML_StopParser(p->xp, XML_FALSE);
}

static void fail(struct agg_xml *, enum dw_err, const char *, ...)
    __attribute__((format(printf, 3, 4)));
static void
fail(struct agg_xml *p, enum dw_err code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, code, "", fmt, ap);
	va_end(ap);
}

/* As fail(), naming the current record. */
static void failrec(struct agg_xml *, enum dw_err, const char *, ...)
    __attribute__((format(printf, 3, 4)));
static void
failrec(struct agg_xml *p, enum dw_err code, const char *fmt, ...)
{
	char pfx[48];
	va_list ap;

	snprintf(pfx, sizeof(pfx), "record %llu: ",
	    (unsigned long long)p->nrec);
	va_start(ap, fmt);
	vfail(p, code, pfx, fmt, ap);
	va_end(ap);
}

static void
fail_alloc(struct agg_xml *p, const struct arena *a)
{
	if (arena_exhausted(a))
		fail(p, DW_ELIMIT, "more than %zu MiB of text in one %s",
		    (a == p->ha ? HEAD_ARENA_MAX : REC_ARENA_MAX) >> 20,
		    a == p->ha ? "report header" : "record");
	else
		fail(p, DW_ENOMEM, "out of memory");
}

static bool
is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char *
dup_lower(struct arena *a, const char *s, size_t n)
{
	char *d = arena_strndup(a, s, n);
	size_t i;

	if (d == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

/* The static canonical spelling, or a lower-cased copy in a. */
static const char *
canon(struct arena *a, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(enums) / sizeof(enums[0]); i++)
		if (enums[i].len == n && (s[0] | 0x20) == enums[i].s[0] &&
		    strncasecmp(enums[i].s, s, n) == 0)
			return enums[i].s;
	return dup_lower(a, s, n);
}

/* An identifier: normalized when a domain name, else kept as sent. */
static const char *
ident(struct agg_xml *p, char *s, size_t n, unsigned flag)
{
	char d[DNS_NAME_MAX + 2];

	if (n == 0)
		return arena_strndup(p->ra, s, 0);
	if (report_domain_norm(s, n, d, sizeof(d)))
		return arena_strdup(p->ra, d);
	p->rec.invalid |= flag;
	return arena_strndup(p->ra, s, n);
}

static bool
is_9990(const struct agg_xml *p)
{
	return p->root_ns == NS_9990;
}

static void
set_schema(struct agg_xml *p)
{
	if (is_9990(p))
		p->rep.schema = AGG_SCHEMA_RFC9990;
	else if (p->root_ns == NS_OLD || p->rep.version == NULL)
		p->rep.schema = AGG_SCHEMA_DRAFT;
	else
		p->rep.schema = AGG_SCHEMA_RFC7489;
}

/* Copies a record and its strings into the hold arena. */
static enum dw_err
hold_record(struct agg_xml *p, const struct agg_record *r)
{
	struct arena *a = p->hold;
	struct held *h;
	struct agg_record *c;
	size_t i;

#define CP(f) do {							\
	if ((f) != NULL && ((f) = arena_strdup(a, (f))) == NULL)	\
		goto nomem;						\
} while (0)
	if ((h = arena_zalloc(a, sizeof(*h))) == NULL)
		goto nomem;
	c = &h->rec;
	*c = *r;
	CP(c->source_ip); CP(c->disposition); CP(c->dkim); CP(c->spf);
	CP(c->header_from); CP(c->envelope_from); CP(c->envelope_to);
	c->reasons = arena_alloc(a, sizeof(*c->reasons) * (r->nreasons + 1));
	c->auth = arena_alloc(a, sizeof(*c->auth) * (r->nauth + 1));
	if (c->reasons == NULL || c->auth == NULL)
		goto nomem;
	for (i = 0; i < r->nreasons; i++) {
		c->reasons[i] = r->reasons[i];
		CP(c->reasons[i].type); CP(c->reasons[i].comment);
	}
	for (i = 0; i < r->nauth; i++) {
		c->auth[i] = r->auth[i];
		CP(c->auth[i].domain); CP(c->auth[i].selector);
		CP(c->auth[i].scope); CP(c->auth[i].result);
		CP(c->auth[i].human_result);
	}
#undef CP
	if (p->held_tail != NULL)
		p->held_tail->next = h;
	else
		p->held_head = h;
	p->held_tail = h;
	return DW_OK;
nomem:
	if (arena_exhausted(a))
		return dw_fail(&p->e, DW_ELIMIT, "more than %zu MiB of "
		    "records before <policy_published>", HOLD_ARENA_MAX >> 20);
	return dw_fail(&p->e, DW_ENOMEM, "out of memory");
}

static void
stop_with(struct agg_xml *p, enum dw_err err)
{
	if (p->failed)
		return;
	dw_fail(&p->e, err, "stopped by the report sink: %s",
	    dw_strerror(err));
	p->failed = true;
	(void)XML_StopParser(p->xp, XML_FALSE);
}

/* Calls sink->report() and hands over the records held so far. */
static void
deliver_report(struct agg_xml *p)
{
	struct held *h;
	enum dw_err err;

	set_schema(p);
	p->rep.errors = p->errors;
	p->delivered = true;
	err = p->sink.report(p->sink.ctx, &p->rep);
	for (h = p->held_head; err == DW_OK && h != NULL; h = h->next)
		err = p->sink.record(p->sink.ctx, &h->rec);
	p->held_head = p->held_tail = NULL;
	arena_reset(p->hold);
	if (err != DW_OK)
		stop_with(p, err);
}

static void
record_begin(struct agg_xml *p)
{
	if (p->nrec >= AGG_MAX_RECORDS) {
		fail(p, DW_ELIMIT, "more than %d records (AGG_MAX_RECORDS)",
		    AGG_MAX_RECORDS);
		return;
	}
	if (!p->delivered && p->meta_done && p->policy_done)
		deliver_report(p);
	p->nrec++;
	p->seen_rec = 0;
	arena_reset(p->ra);
	memset(&p->rec, 0, sizeof(p->rec));
	p->ndkim = p->nspf = 0;
}

static void
record_end(struct agg_xml *p)
{
	struct agg_record *r = &p->rec;
	enum dw_err err;
	size_t i;

	if (!(p->seen_rec & (1ULL << E_ROW)))
		return failrec(p, DW_ESYNTAX, "missing <row>");
	if (r->source_ip == NULL)
		return failrec(p, DW_ESYNTAX, "missing <source_ip>");
	if (!(p->seen_rec & (1ULL << E_COUNT)))
		return failrec(p, DW_ESYNTAX, "missing <count>");
	for (i = 0; i < p->ndkim; i++)
		p->auth[i] = p->dkim[i];
	for (i = 0; i < p->nspf; i++)
		p->auth[p->ndkim + i] = p->spf[i];
	r->auth = p->auth;
	r->nauth = p->ndkim + p->nspf;
	r->reasons = p->reasons;
	if (UINT64_MAX - p->st.messages < r->count)
		return failrec(p, DW_ELIMIT, "message total overflows");
	p->st.messages += r->count;
	p->st.records++;
	if (!p->delivered) {
		err = hold_record(p, r);
		if (err != DW_OK) {
			p->failed = true;
			(void)XML_StopParser(p->xp, XML_FALSE);
		}
		return;
	}
	err = p->sink.record(p->sink.ctx, r);
	if (err != DW_OK)
		stop_with(p, err);
}

static void
metadata_end(struct agg_xml *p)
{
	static const unsigned char need[] = { E_ORG_NAME, E_REPORT_ID,
	    E_DATE_RANGE, 0 };
	size_t i;

	for (i = 0; need[i] != 0; i++)
		if (!(p->seen_rep & (1ULL << need[i])))
			return fail(p, DW_ESYNTAX, "report_metadata: missing "
			    "<%s>", els[need[i]].name);
}

static void
date_range_end(struct agg_xml *p)
{
	if (!(p->seen_rep & (1ULL << E_BEGIN)))
		return fail(p, DW_ESYNTAX, "date_range: missing <begin>");
	if (!(p->seen_rep & (1ULL << E_END)))
		return fail(p, DW_ESYNTAX, "date_range: missing <end>");
	if (p->rep.end < p->rep.begin)
		return fail(p, DW_ESYNTAX, "date_range: end %lld is before "
		    "begin %lld", (long long)p->rep.end,
		    (long long)p->rep.begin);
	if (p->rep.end - p->rep.begin > MAX_SPAN)
		return fail(p, DW_ESYNTAX, "date_range: end is %lld days "
		    "after begin, more than 366",
		    (long long)((p->rep.end - p->rep.begin) / 86400));
}

static void
feedback_end(struct agg_xml *p)
{
	if (!(p->seen_rep & (1ULL << E_METADATA)))
		return fail(p, DW_ESYNTAX, "missing <report_metadata>");
	if (!(p->seen_rep & (1ULL << E_POLICY)))
		return fail(p, DW_ESYNTAX, "missing <policy_published>");
	p->ended = true;
	if (!p->delivered)
		deliver_report(p);
}

static void
block_end(struct agg_xml *p, unsigned id)
{
	switch (id) {
	case E_FEEDBACK:
		feedback_end(p);
		break;
	case E_METADATA:
		p->meta_done = true;
		metadata_end(p);
		break;
	case E_DATE_RANGE:
		date_range_end(p);
		break;
	case E_POLICY:
		p->policy_done = true;
		if (p->rep.policy.domain == NULL)
			fail(p, DW_ESYNTAX, "policy_published: missing "
			    "<domain>");
		break;
	case E_RECORD:
		record_end(p);
		break;
	default:
		break;
	}
}

/* Text of report_metadata and policy_published (header arena). */
static void
head_text(struct agg_xml *p, unsigned id, char *s, size_t n)
{
	struct agg_policy *pol = &p->rep.policy;
	const char *v = NULL, **dst = NULL;
	uint64_t u;
	char q[80], dom[DNS_NAME_MAX + 2];

	switch (id) {
	case E_VERSION: dst = &p->rep.version; break;
	case E_ORG_NAME: dst = &p->rep.org_name; break;
	case E_EMAIL: dst = &p->rep.email; break;
	case E_EXTRA: dst = &p->rep.extra_contact_info; break;
	case E_REPORT_ID: dst = &p->rep.report_id; break;
	case E_GENERATOR: dst = &p->rep.generator; break;
	case E_FO: dst = &pol->fo; break;
	case E_ERROR:
		if (p->rep.nerrors >= AGG_MAX_ERRORS)
			return fail(p, DW_ELIMIT, "more than %d <error> "
			    "elements (AGG_MAX_ERRORS)", AGG_MAX_ERRORS);
		dst = &p->errors[p->rep.nerrors++];
		break;
	case E_BEGIN:
	case E_END:
		if (!tl_uint(s, n, MAX_TIME, &u))
			return fail(p, DW_ESYNTAX, "<%s> \"%s\" is not a time "
			    "in 0..%lld", els[id].name,
			    report_quote(q, sizeof(q), s, n), MAX_TIME);
		*(id == E_BEGIN ? &p->rep.begin : &p->rep.end) = (int64_t)u;
		return;
	case E_PCT:
		if (!tl_uint(s, n, 100, &u))
			return fail(p, DW_ESYNTAX, "<pct> \"%s\" is not a "
			    "number in 0..100",
			    report_quote(q, sizeof(q), s, n));
		pol->pct = (int)u;
		return;
	case E_PP_DOMAIN:
		if (!report_domain_norm(s, n, dom, sizeof(dom)))
			return fail(p, DW_ESYNTAX, "policy_published: <domain> "
			    "\"%s\" is not a domain name",
			    report_quote(q, sizeof(q), s, n));
		if ((pol->domain = arena_strdup(p->ha, dom)) == NULL)
			fail_alloc(p, p->ha);
		return;
	case E_ADKIM: dst = &pol->adkim; break;
	case E_ASPF: dst = &pol->aspf; break;
	case E_P: dst = &pol->p; break;
	case E_SP: dst = &pol->sp; break;
	case E_NP: dst = &pol->np; break;
	case E_TESTING: dst = &pol->testing; break;
	case E_DISCOVERY: dst = &pol->discovery_method; break;
	default:
		return;
	}
	if (id >= E_ADKIM && id <= E_DISCOVERY && id != E_FO && id != E_PCT)
		v = canon(p->ha, s, n);
	else
		v = arena_strndup(p->ha, s, n);
	if (v == NULL)
		return fail_alloc(p, p->ha);
	*dst = v;
}

/* Text inside a record (record arena). */
static void
rec_text(struct agg_xml *p, unsigned id, char *s, size_t n)
{
	struct agg_record *r = &p->rec;
	struct agg_auth *a = p->cur_auth;
	const char *v = NULL;
	char ip[REPORT_IP_BUF], q[80];

	switch (id) {
	case E_SOURCE_IP:
		if (!report_ip_canon(s, n, ip, sizeof(ip)))
			return failrec(p, DW_ESYNTAX, "<source_ip> \"%s\" is "
			    "not an IP address",
			    report_quote(q, sizeof(q), s, n));
		v = r->source_ip = arena_strdup(p->ra, ip);
		break;
	case E_COUNT:
		if (!tl_uint(s, n, UINT32_MAX, &r->count))
			return failrec(p, DW_ESYNTAX, "<count> \"%s\" is not a "
			    "number in 0..4294967295",
			    report_quote(q, sizeof(q), s, n));
		return;
	case E_DISPOSITION: v = r->disposition = canon(p->ra, s, n); break;
	case E_PE_DKIM: v = r->dkim = canon(p->ra, s, n); break;
	case E_PE_SPF: v = r->spf = canon(p->ra, s, n); break;
	case E_R_TYPE:
		v = p->cur_reason->type = canon(p->ra, s, n);
		break;
	case E_R_COMMENT:
		v = p->cur_reason->comment = arena_strndup(p->ra, s, n);
		break;
	case E_HEADER_FROM:
		v = r->header_from = ident(p, s, n, AGG_INVALID_HEADER_FROM);
		break;
	case E_ENV_FROM:
		v = r->envelope_from = ident(p, s, n,
		    AGG_INVALID_ENVELOPE_FROM);
		break;
	case E_ENV_TO:
		v = r->envelope_to = ident(p, s, n, AGG_INVALID_ENVELOPE_TO);
		break;
	case E_A_DOMAIN:
		v = a->domain = ident(p, s, n, AGG_INVALID_AUTH_DOMAIN);
		break;
	case E_A_SELECTOR: v = a->selector = arena_strndup(p->ra, s, n); break;
	case E_A_SCOPE: v = a->scope = canon(p->ra, s, n); break;
	case E_A_RESULT: v = a->result = canon(p->ra, s, n); break;
	case E_A_HUMAN:
		v = a->human_result = arena_strndup(p->ra, s, n);
		break;
	default:
		return;
	}
	if (v == NULL)
		fail_alloc(p, p->ra);
}

static void
leaf_end(struct agg_xml *p, unsigned id)
{
	char empty[1] = "", *s = p->text.data != NULL ? p->text.data : empty;
	size_t n = p->text.len;

	while (n > 0 && is_xml_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_xml_space(s[n - 1]))
		n--;
	if (els[id].flags & (F_REC | F_SUB))
		rec_text(p, id, s, n);
	else
		head_text(p, id, s, n);
}

/* Attribute values come whole from expat: cap them like text. */
static bool
atts_ok(struct agg_xml *p, const XML_Char **atts)
{
	size_t i;

	for (i = 0; atts[i] != NULL; i += 2)
		if (strlen(atts[i + 1]) > AGG_MAX_TEXT) {
			fail(p, DW_ELIMIT, "attribute value over %d bytes "
			    "(AGG_MAX_TEXT)", AGG_MAX_TEXT);
			return false;
		}
	return true;
}

/* Splits expat's "uri\nlocal" and classifies the namespace. */
static enum ns
split_name(const char *name, const char **local)
{
	static const char ns9990[] = NS_RFC9990 "\n", nsold[] = NS_DRAFT "\n";
	const char *sep;

	if (name[0] == 'u' &&
	    strncmp(name, ns9990, sizeof(ns9990) - 1) == 0) {
		*local = name + sizeof(ns9990) - 1;
		return NS_9990;
	}
	if (name[0] == 'h' && strncmp(name, nsold, sizeof(nsold) - 1) == 0) {
		*local = name + sizeof(nsold) - 1;
		return NS_OLD;
	}
	sep = strchr(name, NSSEP);
	*local = sep != NULL ? sep + 1 : name;
	return sep != NULL ? NS_OTHER : NS_NONE;
}

static unsigned
child(unsigned parent, const char *local)
{
	const unsigned char *k = kids[parent];

	if (k == NULL)
		return E_SKIP;
	for (; *k != 0; k++)
		if (els[*k].name[0] == local[0] &&
		    strcmp(els[*k].name, local) == 0)
			return *k;
	return E_SKIP;
}

static void
bad_root(struct agg_xml *p, const char *local, enum ns ns)
{
	char q[80];

	report_quote(q, sizeof(q), local, strlen(local));
	if (ns == NS_OTHER && strcmp(q, "feedback") == 0)
		fail(p, DW_ENOTREPORT, "root element <feedback> is in an "
		    "unknown namespace, not a DMARC report");
	else
		fail(p, DW_ENOTREPORT, "root element is <%s>, not <feedback>",
		    q);
}

/* What an element opens: a record, a reason, an auth result, a leaf. */
static void
open_element(struct agg_xml *p, unsigned id)
{
	switch (id) {
	case E_RECORD:
		record_begin(p);
		return;
	case E_REASON:
		if (p->rec.nreasons >= AGG_MAX_REASONS)
			return failrec(p, DW_ELIMIT, "more than %d <reason> "
			    "elements (AGG_MAX_REASONS)", AGG_MAX_REASONS);
		p->cur_reason = &p->reasons[p->rec.nreasons++];
		memset(p->cur_reason, 0, sizeof(*p->cur_reason));
		p->seen_sub = 0;
		return;
	case E_A_DKIM:
	case E_A_SPF:
		if (p->ndkim + p->nspf >= AGG_MAX_AUTH)
			return failrec(p, DW_ELIMIT, "more than %d auth "
			    "results (AGG_MAX_AUTH)", AGG_MAX_AUTH);
		p->cur_auth = id == E_A_DKIM ? &p->dkim[p->ndkim++] :
		    &p->spf[p->nspf++];
		memset(p->cur_auth, 0, sizeof(*p->cur_auth));
		p->cur_auth->kind = id == E_A_DKIM ? AGG_AUTH_DKIM :
		    AGG_AUTH_SPF;
		p->seen_sub = 0;
		return;
	default:
		break;
	}
	if (els[id].flags & F_TEXT) {
		p->want = true;
		buf_reset(&p->text);
	}
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct agg_xml *p = ud;
	const char *local;
	uint64_t *seen, bit;
	unsigned id;
	enum ns ns;

	if (p->failed)
		return;
	if (++p->nelem > AGG_MAX_ELEMENTS)
		return fail(p, DW_ELIMIT, "more than %llu elements "
		    "(AGG_MAX_ELEMENTS)", (unsigned long long)AGG_MAX_ELEMENTS);
	if (p->depth >= AGG_MAX_DEPTH)
		return fail(p, DW_ELIMIT, "elements nested more than %d deep "
		    "(AGG_MAX_DEPTH)", AGG_MAX_DEPTH);
	p->depth++;
	if (atts[0] != NULL && !atts_ok(p, atts))
		return;
	if (p->skip != 0)
		return;
	ns = split_name(name, &local);
	id = ns == NS_OTHER ? E_SKIP : child(p->stack[p->depth - 1], local);
	if (p->depth == 1) {
		if (id != E_FEEDBACK)
			return bad_root(p, local, ns);
		p->root_ns = ns;
	}
	if (id == E_SKIP) {
		p->skip = p->depth;
		p->skip_want = p->want;
		p->want = false;
		return;
	}
	p->stack[p->depth] = (unsigned char)id;
	seen = (els[id].flags & F_SUB) ? &p->seen_sub :
	    (els[id].flags & F_REC) ? &p->seen_rec : &p->seen_rep;
	bit = 1ULL << id;
	if ((*seen & bit) && !(els[id].flags & F_REPEAT)) {
		if (els[id].flags & (F_REC | F_SUB))
			return failrec(p, DW_ESYNTAX, "repeated <%s>",
			    els[id].name);
		return fail(p, DW_ESYNTAX, "repeated <%s>", els[id].name);
	}
	*seen |= bit;
	open_element(p, id);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct agg_xml *p = ud;
	unsigned id;

	(void)name;
	if (p->failed)
		return;
	if (p->skip != 0) {
		if (p->depth == p->skip) {
			p->skip = 0;
			p->want = p->skip_want;
		}
		p->depth--;
		return;
	}
	id = p->stack[p->depth];
	p->depth--;
	if (els[id].flags & F_TEXT) {
		p->want = false;
		leaf_end(p, id);
	} else {
		block_end(p, id);
	}
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct agg_xml *p = ud;

	if (!p->want || p->failed)
		return;
	if (buf_append(&p->text, s, (size_t)len) != DW_OK) {
		if (p->text.len + (size_t)len > AGG_MAX_TEXT)
			fail(p, DW_ELIMIT, "<%s> text over %d bytes "
			    "(AGG_MAX_TEXT)", els[p->stack[p->depth]].name,
			    AGG_MAX_TEXT);
		else
			fail(p, DW_ENOMEM, "out of memory");
	}
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail(ud, DW_ESYNTAX, "DOCTYPE not allowed (external entities/DTD)");
}

static void XMLCALL
on_entity(void *ud, const XML_Char *name, int is_param,
    const XML_Char *value, int value_length, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)value_length;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	fail(ud, DW_ESYNTAX, "entity declarations not allowed");
}

/* windows-1252 (and its alias cp1252): the one legacy 8-bit encoding
 * reporters declare that expat does not know; converted by table. */
static int XMLCALL
on_unknown_encoding(void *ud, const XML_Char *name, XML_Encoding *info)
{
	int i;

	(void)ud;
	if (strcasecmp(name, "windows-1252") != 0 &&
	    strcasecmp(name, "cp1252") != 0)
		return XML_STATUS_ERROR;
	for (i = 0; i < 256; i++)
		info->map[i] = i;
	for (i = 0; i < 32; i++)
		info->map[0x80 + i] = agg_cp1252_hi[i] != 0 ?
		    agg_cp1252_hi[i] : -1;
	info->data = NULL;
	info->convert = NULL;
	info->release = NULL;
	return XML_STATUS_OK;
}

struct agg_xml *
agg_xml_new(const struct agg_sink *sink)
{
	struct agg_xml *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->sink = *sink;
	p->stack[0] = E_DOC;
	p->rep.policy.pct = -1;
	buf_init(&p->text, AGG_MAX_TEXT);
	p->ha = arena_new(HEAD_ARENA_MAX);
	p->ra = arena_new(REC_ARENA_MAX);
	p->hold = arena_new(HOLD_ARENA_MAX);
	p->xp = XML_ParserCreateNS(NULL, NSSEP);
	if (p->ha == NULL || p->ra == NULL || p->hold == NULL ||
	    p->xp == NULL) {
		agg_xml_free(p);
		return NULL;
	}
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, on_start, on_end);
	XML_SetCharacterDataHandler(p->xp, on_text);
	XML_SetStartDoctypeDeclHandler(p->xp, on_doctype);
	XML_SetEntityDeclHandler(p->xp, on_entity);
	XML_SetUnknownEncodingHandler(p->xp, on_unknown_encoding, NULL);
	XML_SetParamEntityParsing(p->xp, XML_PARAM_ENTITY_PARSING_NEVER);
	return p;
}

void
agg_xml_free(struct agg_xml *p)
{
	if (p == NULL)
		return;
	if (p->xp != NULL)
		XML_ParserFree(p->xp);
	arena_free(p->ha);
	arena_free(p->ra);
	arena_free(p->hold);
	buf_fini(&p->text);
	free(p);
}

/* Turns expat's verdict on one piece into the sticky failure. */
static enum dw_err
piece(struct agg_xml *p, const char *buf, size_t len, bool final)
{
	enum XML_Error xe;
	XML_Index at;

	if (XML_Parse(p->xp, buf, (int)len, final) != XML_STATUS_ERROR) {
		p->fed += len;
		at = XML_GetCurrentByteIndex(p->xp);
		if (at >= 0 && p->fed - (uint64_t)at > MAX_PENDING)
			fail(p, DW_ELIMIT, "one markup token over %d bytes "
			    "(AGG_MAX_TEXT)", MAX_PENDING);
		return p->failed ? p->e.code : DW_OK;
	}
	if (p->failed)
		return p->e.code;
	xe = XML_GetErrorCode(p->xp);
	dw_fail(&p->e, xe == XML_ERROR_NO_MEMORY ? DW_ENOMEM : DW_ESYNTAX,
	    "line %lu, column %lu: %s",
	    (unsigned long)XML_GetCurrentLineNumber(p->xp),
	    (unsigned long)XML_GetCurrentColumnNumber(p->xp) + 1,
	    XML_ErrorString(xe));
	p->failed = true;
	return p->e.code;
}

enum dw_err
agg_xml_feed(struct agg_xml *p, const char *buf, size_t len, bool final,
    struct dw_error *e)
{
	enum dw_err err = DW_OK;
	size_t n;

	while (!p->failed && (len > 0 || final)) {
		n = len < FEED_PIECE ? len : FEED_PIECE;
		err = piece(p, buf, n, final && n == len);
		buf += n;
		len -= n;
		if (err != DW_OK || len == 0)
			break;
	}
	if (!p->failed && final && !p->ended)
		fail(p, DW_ESYNTAX, "no </feedback>");
	if (p->failed) {
		if (e != NULL)
			*e = p->e;
		return p->e.code;
	}
	return err;
}

void
agg_xml_stats(const struct agg_xml *p, struct agg_stats *st)
{
	*st = p->st;
}
