/*
 * failure_arf.c: the fields of a failure report -- the message/feedback-
 * report part (RFC 5965 section 3, RFC 6591 section 3), dispatched
 * through a table with one small function per field, the reporter's
 * Authentication-Results, and Exim's plain-text form.  DKIM-Domain and
 * DKIM-Selector win over the header.d and header.s of A-R whichever
 * comes first: A-R only fills what is still empty.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ident.h"
#include "mime_int.h"
#include "failure_int.h"

#define ONCE		0x1	/* RFC 5965/6591: at most once */
#define AR_MAX		(8 * 1024)	/* bytes of A-R read for results */

typedef enum dw_err (*field_fn)(struct fp *, const char *, size_t);

struct field {
	const char	*name;
	field_fn	 fn;
	unsigned	 flags;
};

static enum dw_err
set_text(struct fp *p, const char **dst, const char *v, size_t n)
{
	if ((*dst = fp_text(p, v, n)) == NULL)
		return fp_nomem(p);
	if (**dst == '\0')
		*dst = NULL;
	return DW_OK;
}

static enum dw_err
set_lower(struct fp *p, const char **dst, const char *v, size_t n)
{
	if ((*dst = fp_lower(p, v, n)) == NULL)
		return fp_nomem(p);
	if (**dst == '\0')
		*dst = NULL;
	return DW_OK;
}

/* A domain name, or a note naming the field when it is none. */
static enum dw_err
set_domain(struct fp *p, const char **dst, const char *v, size_t n,
    const char *field)
{
	char d[REPORT_DOMAIN_BUF];

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	if (!report_domain_norm(v, n, d, sizeof(d))) {
		fp_note(p, "%s is not a domain name; left out", field);
		return DW_OK;
	}
	if ((*dst = arena_strdup(p->a, d)) == NULL)
		return fp_nomem(p);
	return DW_OK;
}

static enum dw_err
f_feedback_type(struct fp *p, const char *v, size_t n)
{
	static const char *const known[] = {
		"auth-failure", "abuse", "fraud", "virus", "other",
		"not-spam", NULL,
	};
	size_t i;
	enum dw_err err = set_lower(p, &p->r->feedback_type, v, n);

	if (err != DW_OK || p->r->feedback_type == NULL)
		return err;
	for (i = 0; known[i] != NULL; i++)
		if (strcmp(known[i], p->r->feedback_type) == 0)
			return DW_OK;
	fp_note(p, "Feedback-Type is not one RFC 5965 or RFC 6591 defines");
	return DW_OK;
}

static enum dw_err
f_user_agent(struct fp *p, const char *v, size_t n)
{
	return set_text(p, &p->r->user_agent, v, n);
}

static enum dw_err
f_version(struct fp *p, const char *v, size_t n)
{
	return set_text(p, &p->r->version, v, n);
}

static enum dw_err
f_arrival(struct fp *p, const char *v, size_t n)
{
	GDateTime *dt;
	char *s;
	gint64 t;

	if ((s = fp_text(p, v, n)) == NULL)
		return fp_nomem(p);
	dt = g_mime_utils_header_decode_date(s);
	if (dt == NULL) {
		fp_note(p, "Arrival-Date is not an RFC 5322 date; left out");
		return DW_OK;
	}
	t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	if (t < 0 || t > 253402300799LL) {
		fp_note(p, "Arrival-Date is out of range; left out");
		return DW_OK;
	}
	p->r->arrival = t;
	p->r->has_arrival = true;
	return DW_OK;
}

/* "192.0.2.1", "192.0.2.1 (host.example)", "[2001:db8::1]". */
static enum dw_err
f_source_ip(struct fp *p, const char *v, size_t n)
{
	char ip[REPORT_IP_BUF];
	size_t k;

	while (n > 0 && (*v == ' ' || *v == '\t' || *v == '[')) {
		v++;
		n--;
	}
	for (k = 0; k < n && v[k] != ' ' && v[k] != '\t' && v[k] != '(' &&
	    v[k] != ']'; k++)
		;
	if (!report_ip_canon(v, k, ip, sizeof(ip))) {
		fp_note(p, "Source-IP is not an IP address; left out");
		return DW_OK;
	}
	if ((p->r->source_ip = arena_strdup(p->a, ip)) == NULL)
		return fp_nomem(p);
	return DW_OK;
}

static enum dw_err
f_reported_domain(struct fp *p, const char *v, size_t n)
{
	if (p->ndomains++ > 0)
		return DW_OK;
	return set_domain(p, &p->r->reported_domain, v, n, "Reported-Domain");
}

/* An address, local part redacted (fp_addr()). */
static enum dw_err
set_addr(struct fp *p, const char **dst, const char *v, size_t n)
{
	char *a;
	enum dw_err err = fp_addr(p, v, n, &a);

	if (err == DW_OK)
		*dst = a;
	return err;
}

static enum dw_err
f_mail_from(struct fp *p, const char *v, size_t n)
{
	return set_addr(p, &p->r->envelope_from, v, n);
}

static enum dw_err
f_rcpt_to(struct fp *p, const char *v, size_t n)
{
	char *a;
	enum dw_err err;

	if (p->r->nenvelope_to == FAILURE_MAX_LIST)
		return dw_fail(p->e, DW_ELIMIT, "feedback report: more than %d "
		    "Original-Rcpt-To fields (list limit)", FAILURE_MAX_LIST);
	if ((err = fp_addr(p, v, n, &a)) == DW_OK)
		p->rcpt[p->r->nenvelope_to++] = a;
	return err;
}

/* The ENVID the original sender chose (RFC 3461): its text, scanned. */
static enum dw_err
f_envelope_id(struct fp *p, const char *v, size_t n)
{
	char *s;
	enum dw_err err = fp_redact(p, v, n, &s);

	if (err == DW_OK)
		p->r->original_envelope_id = *s != '\0' ? s : NULL;
	return err;
}

/* "dns; mail.example.com" (RFC 3464 mta-name-type) or a bare name. */
static enum dw_err
f_reporting_mta(struct fp *p, const char *v, size_t n)
{
	const char *semi = memchr(v, ';', n);

	if (semi != NULL) {
		n -= (size_t)(semi + 1 - v);
		v = semi + 1;
	}
	return set_domain(p, &p->r->reporting_mta, v, n, "Reporting-MTA");
}

static enum dw_err
f_incidents(struct fp *p, const char *v, size_t n)
{
	uint64_t x = 0;
	size_t i;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || x > UINT32_MAX / 10) {
			fp_note(p, "Incidents is not a count; 1 assumed");
			return DW_OK;
		}
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (n == 0 || x == 0 || x > UINT32_MAX) {
		fp_note(p, "Incidents is not a count; 1 assumed");
		return DW_OK;
	}
	p->r->incidents = x;
	return DW_OK;
}

static enum dw_err
f_auth_failure(struct fp *p, const char *v, size_t n)
{
	return set_lower(p, &p->r->auth_failure, v, n);
}

static enum dw_err
f_delivery_result(struct fp *p, const char *v, size_t n)
{
	return set_lower(p, &p->r->delivery_result, v, n);
}

static enum dw_err
f_alignment(struct fp *p, const char *v, size_t n)
{
	char *s, *q, *w;
	enum dw_err err = set_lower(p, (const char **)&s, v, n);

	if (err != DW_OK || s == NULL)
		return err;
	for (q = w = s; *q != '\0'; q++)	/* "dkim, spf" -> "dkim,spf" */
		if (*q != ' ' && *q != '\t')
			*w++ = *q;
	*w = '\0';
	p->r->identity_alignment = s;
	return DW_OK;
}

static enum dw_err
f_dkim_domain(struct fp *p, const char *v, size_t n)
{
	return set_domain(p, &p->r->dkim_domain, v, n, "DKIM-Domain");
}

static enum dw_err
f_dkim_identity(struct fp *p, const char *v, size_t n)
{
	return set_addr(p, &p->r->dkim_identity, v, n);
}

/* A selector is a dot-atom of letters, digits, '-' and '_'. */
static enum dw_err
f_dkim_selector(struct fp *p, const char *v, size_t n)
{
	char *s;
	size_t i;

	if ((s = fp_lower(p, v, n)) == NULL)
		return fp_nomem(p);
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			break;
	if (s[i] != '\0' || i == 0) {
		fp_note(p, "DKIM-Selector is not a selector; left out");
		return DW_OK;
	}
	p->r->dkim_selector = s;
	return DW_OK;
}

static enum dw_err
f_spf_dns(struct fp *p, const char *v, size_t n)
{
	return set_text(p, &p->r->spf_dns, v, n);
}

static enum dw_err
f_selector_dns(struct fp *p, const char *v, size_t n)
{
	return set_text(p, &p->r->dkim_selector_dns, v, n);
}

/* ---- Authentication-Results (RFC 8601) --------------------------------- */

/* s[0..n) without comments, quotes kept; into out (cap max). */
static size_t
ar_uncomment(const char *s, size_t n, char *out, size_t max)
{
	size_t i, o = 0;
	int depth = 0;
	bool q = false;

	for (i = 0; i < n && o + 1 < max; i++) {
		if (q) {
			if (s[i] == '\\' && i + 1 < n)
				out[o++] = s[i++];
			else if (s[i] == '"')
				q = false;
			out[o++] = s[i];
		} else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		else if (depth == 0) {
			if (s[i] == '"')
				q = true;
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return o;
}

/* The value of property prop ("header.d") in one resinfo, or NULL. */
static const char *
ar_prop(const char *res, const char *prop, size_t *vlen)
{
	size_t m = strlen(prop);
	const char *q;

	for (q = res; (q = fp_memcasemem(q, strlen(q), prop)) != NULL;
	    q += m) {
		if ((q != res && q[-1] != ' ' && q[-1] != '\t') || q[m] != '=')
			continue;
		q += m + 1;
		if (*q == '"')
			q++;
		*vlen = strcspn(q, " \t\";");
		return q;
	}
	return NULL;
}

/* A domain from a property value: after the '@' of an address. */
static enum dw_err
ar_domain(struct fp *p, const char **dst, const char *v, size_t n,
    const char *what)
{
	const char *at = memchr(v, '@', n);

	if (*dst != NULL || v == NULL)
		return DW_OK;
	if (at != NULL) {
		n -= (size_t)(at + 1 - v);
		v = at + 1;
	}
	return set_domain(p, dst, v, n, what);
}

/* One "method=result props" of an A-R value. */
static enum dw_err
ar_resinfo(struct fp *p, char *res)
{
	const char *v;
	size_t ml, rl, vl = 0;
	char *eq;
	enum dw_err err = DW_OK;

	while (*res == ' ' || *res == '\t')
		res++;
	if ((eq = strchr(res, '=')) == NULL)
		return DW_OK;
	ml = (size_t)(eq - res);
	rl = strcspn(eq + 1, " \t");
	if (ml == 5 && strncasecmp(res, "dmarc", 5) == 0 &&
	    p->r->dmarc_result == NULL)
		err = set_lower(p, &p->r->dmarc_result, eq + 1, rl);
	else if (ml == 3 && strncasecmp(res, "spf", 3) == 0 &&
	    p->r->spf_result == NULL) {
		err = set_lower(p, &p->r->spf_result, eq + 1, rl);
		if ((v = ar_prop(res, "smtp.mailfrom", &vl)) == NULL)
			v = ar_prop(res, "smtp.helo", &vl);
		if (err == DW_OK && v != NULL)
			err = ar_domain(p, &p->r->spf_domain, v, vl,
			    "Authentication-Results spf domain");
	} else if (ml == 4 && strncasecmp(res, "dkim", 4) == 0 &&
	    p->r->dkim_result == NULL) {
		err = set_lower(p, &p->r->dkim_result, eq + 1, rl);
		if (err == DW_OK && (v = ar_prop(res, "header.d", &vl)) != NULL)
			err = ar_domain(p, &p->r->dkim_domain, v, vl,
			    "Authentication-Results header.d");
		if (err == DW_OK && p->r->dkim_selector == NULL &&
		    (v = ar_prop(res, "header.s", &vl)) != NULL)
			err = f_dkim_selector(p, v, vl);
	}
	return err;
}

static enum dw_err
f_auth_results(struct fp *p, const char *v, size_t n)
{
	char buf[AR_MAX], *seg, *next;
	char *red;
	size_t k = 0;
	enum dw_err err;

	if (p->r->nauth_results == FAILURE_MAX_LIST)
		return dw_fail(p->e, DW_ELIMIT, "feedback report: more than %d "
		    "Authentication-Results fields (list limit)",
		    FAILURE_MAX_LIST);
	if ((err = fp_redact(p, v, n, &red)) != DW_OK)
		return err;
	p->ar[p->r->nauth_results++] = red;
	if (n >= sizeof(buf))
		fp_note(p, "Authentication-Results over %zu bytes: results "
		    "read from the first %zu", sizeof(buf) - 1,
		    sizeof(buf) - 1);
	ar_uncomment(v, n, buf, sizeof(buf));
	for (seg = buf; seg != NULL && err == DW_OK; seg = next, k++) {
		next = strchr(seg, ';');
		if (next != NULL)
			*next++ = '\0';
		/* the first part is the authserv-id unless it is a result */
		if (k == 0 && strchr(seg, '=') == NULL)
			continue;
		err = ar_resinfo(p, seg);
	}
	return err;
}

/* Fields holding the original message itself: never kept. */
static enum dw_err
f_drop(struct fp *p, const char *v, size_t n)
{
	(void)v;
	(void)n;
	(void)p;
	return DW_OK;
}

static const struct field fields[] = {
	{ "Feedback-Type", f_feedback_type, ONCE },
	{ "User-Agent", f_user_agent, ONCE },
	{ "Version", f_version, ONCE },
	{ "Arrival-Date", f_arrival, ONCE },
	{ "Received-Date", f_arrival, ONCE },
	{ "Source-IP", f_source_ip, ONCE },
	{ "Reported-Domain", f_reported_domain, 0 },
	{ "Original-Mail-From", f_mail_from, ONCE },
	{ "Original-Rcpt-To", f_rcpt_to, 0 },
	{ "Original-Envelope-Id", f_envelope_id, ONCE },
	{ "Reporting-MTA", f_reporting_mta, ONCE },
	{ "Incidents", f_incidents, ONCE },
	{ "Authentication-Results", f_auth_results, 0 },
	{ "Auth-Failure", f_auth_failure, ONCE },
	{ "Delivery-Result", f_delivery_result, ONCE },
	{ "Identity-Alignment", f_alignment, ONCE },
	{ "DKIM-Domain", f_dkim_domain, ONCE },
	{ "DKIM-Identity", f_dkim_identity, ONCE },
	{ "DKIM-Selector", f_dkim_selector, ONCE },
	{ "DKIM-Selector-DNS", f_selector_dns, ONCE },
	{ "SPF-DNS", f_spf_dns, ONCE },
	{ "DKIM-Canonicalized-Header", f_drop, 0 },
	{ "DKIM-Canonicalized-Body", f_drop, 0 },
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

enum dw_err
failure_arf_fields(struct fp *p, const char *s, size_t n)
{
	struct hblock hb;
	unsigned seen[NFIELDS] = { 0 };
	size_t i, k;
	enum dw_err err;

	err = hblock_parse(p, s, n, p->lim->max_fields, "feedback report",
	    true, &hb);
	for (i = 0; i < hb.n && err == DW_OK; i++) {
		for (k = 0; k < NFIELDS; k++)
			if (strlen(fields[k].name) == hb.f[i].nlen &&
			    strncasecmp(fields[k].name, hb.f[i].name,
			    hb.f[i].nlen) == 0)
				break;
		if (k == NFIELDS)
			continue;
		if ((fields[k].flags & ONCE) && seen[k]++ > 0)
			return dw_fail(p->e, DW_ESYNTAX, "feedback report: %s "
			    "appears twice", fields[k].name);
		err = fields[k].fn(p, hb.f[i].value, hb.f[i].vlen);
	}
	if (err != DW_OK)
		return err;
	if (p->ndomains > 1)
		fp_note(p, "Reported-Domain given %u times; the first is kept",
		    p->ndomains);
	if (p->r->feedback_type == NULL)
		return dw_fail(p->e, DW_ESYNTAX, "feedback report has no "
		    "Feedback-Type field");
	if (p->r->user_agent == NULL)
		fp_note(p, "feedback report has no User-Agent field");
	if (p->r->version == NULL)
		fp_note(p, "feedback report has no Version field");
	return DW_OK;
}

/* ---- Exim's text form ---------------------------------------------------- */

/* The value after "Name:" on a line of the text, or NULL. */
static const char *
text_value(const char *s, size_t n, const char *name, size_t *vlen)
{
	const char *l = s, *eol, *q;
	size_t m = strlen(name);

	for (; l < s + n; l = eol + 1) {
		eol = memchr(l, '\n', (size_t)(s + n - l));
		if (eol == NULL)
			eol = s + n;
		for (q = l; q < eol && (*q == ' ' || *q == '\t'); q++)
			;
		if ((size_t)(eol - q) > m && strncasecmp(q, name, m) == 0 &&
		    q[m] == ':') {
			q += m + 1;
			*vlen = (size_t)(eol - q);
			if (*vlen > 0 && q[*vlen - 1] == '\r')
				(*vlen)--;
			return q;
		}
	}
	return NULL;
}

static bool
yes(const char *v, size_t n)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	return n >= 3 && strncasecmp(v, "yes", 3) == 0;
}

static enum dw_err
text_alignment(struct fp *p, const char *s, size_t n)
{
	const char *spf, *dkim;
	size_t sl = 0, dl = 0;
	bool a_spf, a_dkim;

	spf = text_value(s, n, "SPF Alignment", &sl);
	dkim = text_value(s, n, "DKIM Alignment", &dl);
	if (spf == NULL && dkim == NULL)
		return DW_OK;
	a_spf = spf != NULL && yes(spf, sl);
	a_dkim = dkim != NULL && yes(dkim, dl);
	p->r->identity_alignment = a_spf && a_dkim ? "dkim,spf" :
	    a_spf ? "spf" : a_dkim ? "dkim" : "none";
	return DW_OK;
}

enum dw_err
failure_text_fields(struct fp *p, const char *s, size_t n, const char **hdr,
    size_t *hlen)
{
	const char *v, *mark, *eol;
	size_t vl = 0, body = n;
	enum dw_err err = DW_OK;

	*hdr = NULL;
	*hlen = 0;
	mark = fp_memcasemem(s, n, "------ This is a copy of");
	if (mark != NULL) {
		body = (size_t)(mark - s);
		eol = memchr(mark, '\n', n - body);
		if (eol != NULL) {
			*hdr = eol + 1;
			*hlen = n - (size_t)(*hdr - s);
		}
	}
	p->r->feedback_type = "auth-failure";
	p->r->auth_failure = "dmarc";
	p->r->dmarc_result = "fail";
	if ((v = text_value(s, body, "Sender Domain", &vl)) != NULL)
		err = set_domain(p, &p->r->reported_domain, v, vl,
		    "Sender Domain");
	if (err == DW_OK &&
	    (v = text_value(s, body, "Sender IP Address", &vl)) != NULL)
		err = f_source_ip(p, v, vl);
	if (err == DW_OK &&
	    (v = text_value(s, body, "Received Date", &vl)) != NULL)
		err = f_arrival(p, v, vl);
	if (err == DW_OK &&
	    (v = text_value(s, body, "DMARC Results", &vl)) != NULL)
		err = set_lower(p, &p->r->delivery_result, v, vl);
	if (err == DW_OK)
		err = text_alignment(p, s, body);
	if (err == DW_OK && p->r->source_ip == NULL)
		fp_note(p, "text report names no sender IP address");
	return err;
}
