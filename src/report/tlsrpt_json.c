/*
 * tlsrpt_json.c: SMTP TLS reports from JSON (tlsrpt_json.h).
 *
 * jansson builds the tree, after a scan of the raw bytes has checked the
 * size, the nesting depth and the number of values, so no document can
 * make it recurse deeply or allocate without bound.  The tree is then
 * walked field by field into the arena; every rejection names the field
 * by its path in the report.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "base/date.h"
#include "ident.h"
#include "tlsrpt_json.h"

#define WHERE_MAX	96	/* "policies[9999].failure-details[49999]" */

/* RFC 8460 §4.4: the policy types. */
static const char *const policy_types[] = {
	"sts", "tlsa", "no-policy-found", NULL,
};

/* RFC 8460 §4.3: the result types. */
static const char *const result_types[] = {
	"starttls-not-supported", "certificate-host-mismatch",
	"certificate-expired", "certificate-not-trusted",
	"validation-failure", "tlsa-invalid", "dnssec-invalid",
	"dane-required", "sts-policy-fetch-error", "sts-policy-invalid",
	"sts-webpki-invalid", NULL,
};

struct tp {
	struct arena	*a;
	struct dw_error	*e;
	struct tlsrpt_report *r;
	size_t		 nfailures;	/* over all policies */
	size_t		 dropped;	/* notes over TLSRPT_MAX_NOTES */
};

/* Field flags. */
#define F_REQ		0x1	/* missing or null is an error */
#define F_NONEMPTY	0x2	/* "" is an error */

static enum dw_err bad(struct tp *, enum dw_err, const char *, const char *,
    const char *, ...) __attribute__((format(printf, 5, 6)));

/* Fails naming where.key (where may be "", key NULL). */
static enum dw_err
bad(struct tp *t, enum dw_err code, const char *where, const char *key,
    const char *fmt, ...)
{
	char why[DW_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return dw_fail(t->e, code, "%s%s%s: %s", where,
	    *where != '\0' && key != NULL ? "." : "", key != NULL ? key : "",
	    why);
}

static void path(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* A field's path for messages, e.g. "policies[2].summary". */
static void
path(char *out, size_t outsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, outsz, fmt, ap);
	va_end(ap);
}

static enum dw_err
nomem(struct tp *t)
{
	if (arena_exhausted(t->a))
		return dw_fail(t->e, DW_ELIMIT, "report needs more than %zu "
		    "bytes of memory (TLSRPT_ARENA_MAX)",
		    (size_t)TLSRPT_ARENA_MAX);
	return dw_fail(t->e, DW_ENOMEM, "out of memory");
}

static void note(struct tp *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Records an accepted deviation; failure to keep a note is not fatal. */
static void
note(struct tp *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	char *s;

	if (t->r->nnotes >= TLSRPT_MAX_NOTES - 1) {
		t->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((s = arena_strdup(t->a, buf)) != NULL)
		t->r->notes[t->r->nnotes++] = s;
}

static const char *
jtype(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction or exponent";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

static const char *
tname(json_type ty)
{
	switch (ty) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	default: return "a value";
	}
}

/*
 * obj[key] of type ty into *out; NULL when absent or null and not
 * required.
 */
static enum dw_err
get(struct tp *t, json_t *obj, const char *where, const char *key,
    json_type ty, int flags, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!(flags & F_REQ))
			return DW_OK;
		return bad(t, DW_ESYNTAX, where, key, "%s", v == NULL ?
		    "missing" : "is null");
	}
	if (json_typeof(v) != ty)
		return bad(t, DW_ESYNTAX, where, key, "is %s, want %s",
		    jtype(v), tname(ty));
	*out = v;
	return DW_OK;
}

/* A string value, checked for length, copied into the arena. */
static enum dw_err
str_val(struct tp *t, json_t *v, const char *where, const char *key,
    int flags, const char **out)
{
	size_t n = json_string_length(v);

	if (n > TLSRPT_MAX_TEXT)
		return bad(t, DW_ELIMIT, where, key, "string of %zu bytes, "
		    "over the %d byte limit (TLSRPT_MAX_TEXT)", n,
		    TLSRPT_MAX_TEXT);
	if (n == 0 && (flags & F_NONEMPTY))
		return bad(t, DW_ESYNTAX, where, key, "is empty");
	if ((*out = arena_strndup(t->a, json_string_value(v), n)) == NULL)
		return nomem(t);
	return DW_OK;
}

static enum dw_err
str_field(struct tp *t, json_t *obj, const char *where, const char *key,
    int flags, const char **out)
{
	json_t *v;
	enum dw_err err;

	*out = NULL;
	if ((err = get(t, obj, where, key, JSON_STRING, flags, &v)) != DW_OK ||
	    v == NULL)
		return err;
	return str_val(t, v, where, key, flags, out);
}

/* A session count; *out is -1 when absent and not required. */
static enum dw_err
count_field(struct tp *t, json_t *obj, const char *where, const char *key,
    int flags, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	json_int_t n;
	enum dw_err err;

	*out = -1;
	if (v != NULL && json_is_real(v))
		return bad(t, DW_ESYNTAX, where, key, "%g is not an integer",
		    json_real_value(v));
	if ((err = get(t, obj, where, key, JSON_INTEGER, flags, &v)) !=
	    DW_OK || v == NULL)
		return err;
	n = json_integer_value(v);
	if (n < 0)
		return bad(t, DW_ESYNTAX, where, key, "%" JSON_INTEGER_FORMAT
		    " is negative", n);
	if (n > TLSRPT_MAX_COUNT)
		return bad(t, DW_ELIMIT, where, key, "%" JSON_INTEGER_FORMAT
		    " is over 2^53 - 1 (TLSRPT_MAX_COUNT)", n);
	*out = (int64_t)n;
	return DW_OK;
}

/* Adds b to *a; false when the sum passes TLSRPT_MAX_COUNT. */
static bool
add_count(int64_t *a, int64_t b)
{
	if (b > TLSRPT_MAX_COUNT - *a)
		return false;
	*a += b;
	return true;
}

/*
 * A list of strings (policy-string, mx-host).  With one_ok a bare string
 * is taken as a list of one, with a note.
 */
static enum dw_err
str_list(struct tp *t, json_t *obj, const char *where, const char *key,
    bool one_ok, const char ***out, size_t *n)
{
	json_t *v = json_object_get(obj, key), *x;
	char w[WHERE_MAX + 40];
	enum dw_err err;
	size_t i, len;

	*out = NULL;
	*n = 0;
	if (one_ok && v != NULL && json_is_string(v)) {
		note(t, "%s.%s: a string, not an array; taken as a list of "
		    "one", where, key);
		if ((*out = arena_alloc(t->a, sizeof(**out))) == NULL)
			return nomem(t);
		*n = 1;
		return str_val(t, v, where, key, 0, &(*out)[0]);
	}
	if ((err = get(t, obj, where, key, JSON_ARRAY, 0, &v)) != DW_OK ||
	    v == NULL)
		return err;
	len = json_array_size(v);
	if (len > TLSRPT_MAX_LIST)
		return bad(t, DW_ELIMIT, where, key, "%zu entries, over the %d "
		    "limit (TLSRPT_MAX_LIST)", len, TLSRPT_MAX_LIST);
	if ((*out = arena_alloc(t->a, (len + 1) * sizeof(**out))) == NULL)
		return nomem(t);
	json_array_foreach(v, i, x) {
		path(w, sizeof(w), "%s.%s[%zu]", where, key, i);
		if (!json_is_string(x))
			return bad(t, DW_ESYNTAX, w, NULL, "is %s, want a "
			    "string", jtype(x));
		if ((err = str_val(t, x, w, NULL, 0, &(*out)[i])) != DW_OK)
			return err;
	}
	*n = len;
	return DW_OK;
}

/* An enumerated value: the static spelling, or lower-cased as sent. */
static enum dw_err
enum_field(struct tp *t, json_t *obj, const char *where, const char *key,
    const char *const *known, const char **out)
{
	enum dw_err err;
	char *s;
	size_t i;

	err = str_field(t, obj, where, key, F_REQ | F_NONEMPTY, out);
	if (err != DW_OK)
		return err;
	for (i = 0; known[i] != NULL; i++) {
		if (strcasecmp(known[i], *out) == 0) {
			*out = known[i];
			return DW_OK;
		}
	}
	for (s = (char *)*out; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
	return DW_OK;
}

/* An optional IP address field, canonical. */
static enum dw_err
ip_field(struct tp *t, json_t *obj, const char *where, const char *key,
    const char **out)
{
	char ip[REPORT_IP_BUF], q[80];
	const char *s;
	enum dw_err err;

	if ((err = str_field(t, obj, where, key, 0, &s)) != DW_OK ||
	    s == NULL)
		return err;
	*out = NULL;
	if (*s == '\0') {
		note(t, "%s.%s: empty, taken as absent", where, key);
		return DW_OK;
	}
	if (!report_ip_canon(s, strlen(s), ip, sizeof(ip)))
		return bad(t, DW_ESYNTAX, where, key, "\"%s\" is not an IP "
		    "address", report_quote(q, sizeof(q), s, strlen(s)));
	if ((*out = arena_strdup(t->a, ip)) == NULL)
		return nomem(t);
	return DW_OK;
}

static enum dw_err
date_range(struct tp *t, json_t *root)
{
	static const char *const keys[] = { "start-datetime",
	    "end-datetime" };
	int64_t *dst[2] = { &t->r->begin, &t->r->end };
	const char *s, *why;
	char q[80];
	json_t *dr;
	enum dw_err err;
	bool nozone;
	int i;

	if ((err = get(t, root, "", "date-range", JSON_OBJECT, F_REQ, &dr)) !=
	    DW_OK)
		return err;
	for (i = 0; i < 2; i++) {
		err = str_field(t, dr, "date-range", keys[i], F_REQ, &s);
		if (err != DW_OK)
			return err;
		if ((why = date_rfc3339(s, dst[i], &nozone)) != NULL)
			return bad(t, DW_ESYNTAX, "date-range", keys[i],
			    "\"%s\" %s", report_quote(q, sizeof(q), s,
			    strlen(s)), why);
		if (nozone)
			note(t, "date-range.%s: no time zone (RFC 3339 wants "
			    "one); taken as UTC", keys[i]);
	}
	if (t->r->end < t->r->begin)
		return bad(t, DW_ESYNTAX, "date-range", NULL, "end-datetime "
		    "is before start-datetime");
	if (t->r->end - t->r->begin > TLSRPT_MAX_RANGE)
		return bad(t, DW_ELIMIT, "date-range", NULL, "spans more than "
		    "366 days (TLSRPT_MAX_RANGE)");
	return DW_OK;
}

/* ---- policies ------------------------------------------------------- */

static enum dw_err
mx_hostname(struct tp *t, json_t *d, const char *where, const char **out)
{
	char dom[REPORT_DOMAIN_BUF];
	const char *s;
	enum dw_err err;

	err = str_field(t, d, where, "receiving-mx-hostname", 0, &s);
	if (err != DW_OK || s == NULL)
		return err;
	*out = s;
	if (report_domain_norm(s, strlen(s), dom, sizeof(dom)))
		return (*out = arena_strdup(t->a, dom)) != NULL ? DW_OK :
		    nomem(t);
	note(t, "%s.receiving-mx-hostname: not a domain name, kept as sent",
	    where);
	return DW_OK;
}

static enum dw_err
failure(struct tp *t, json_t *d, const char *where, struct tlsrpt_failure *f)
{
	enum dw_err err;

	f->failed_session_count = -1;
	if (!json_is_object(d))
		return bad(t, DW_ESYNTAX, where, NULL, "is %s, want an object",
		    jtype(d));
	if ((err = enum_field(t, d, where, "result-type", result_types,
	    &f->result_type)) != DW_OK ||
	    (err = ip_field(t, d, where, "sending-mta-ip",
	    &f->sending_mta_ip)) != DW_OK ||
	    (err = mx_hostname(t, d, where, &f->receiving_mx_hostname)) !=
	    DW_OK ||
	    (err = str_field(t, d, where, "receiving-mx-helo", 0,
	    &f->receiving_mx_helo)) != DW_OK ||
	    (err = ip_field(t, d, where, "receiving-ip",
	    &f->receiving_ip)) != DW_OK ||
	    (err = count_field(t, d, where, "failed-session-count", 0,
	    &f->failed_session_count)) != DW_OK ||
	    (err = str_field(t, d, where, "additional-information", 0,
	    &f->additional_information)) != DW_OK)
		return err;
	return str_field(t, d, where, "failure-reason-code", 0,
	    &f->failure_reason_code);
}

static enum dw_err
failures(struct tp *t, json_t *pol, const char *where,
    struct tlsrpt_policy *p, int64_t *sum, bool *counted)
{
	char w[WHERE_MAX];
	json_t *arr, *d;
	enum dw_err err;
	size_t i, n;

	*sum = 0;
	*counted = false;
	if ((err = get(t, pol, where, "failure-details", JSON_ARRAY, 0,
	    &arr)) != DW_OK || arr == NULL)
		return err;
	n = json_array_size(arr);
	if (n > TLSRPT_MAX_FAILURES - t->nfailures)
		return bad(t, DW_ELIMIT, where, "failure-details", "more than "
		    "%d failure details in the report (TLSRPT_MAX_FAILURES)",
		    TLSRPT_MAX_FAILURES);
	t->nfailures += n;
	p->failures = arena_zalloc(t->a, (n + 1) * sizeof(*p->failures));
	if (p->failures == NULL)
		return nomem(t);
	json_array_foreach(arr, i, d) {
		path(w, sizeof(w), "%s.failure-details[%zu]", where, i);
		if ((err = failure(t, d, w, &p->failures[i])) != DW_OK)
			return err;
		if (p->failures[i].failed_session_count < 0)
			continue;
		*counted = true;
		if (!add_count(sum, p->failures[i].failed_session_count))
			return bad(t, DW_ELIMIT, where, "failure-details",
			    "failed-session-counts add up to more than "
			    "2^53 - 1 (TLSRPT_MAX_COUNT)");
	}
	p->nfailures = n;
	return DW_OK;
}

/* The "policy" object: type, strings, domain, MX hosts. */
static enum dw_err
policy_desc(struct tp *t, json_t *pol, const char *where,
    struct tlsrpt_policy *p)
{
	char w[WHERE_MAX], dom[REPORT_DOMAIN_BUF], q[80];
	const char *s;
	json_t *o;
	enum dw_err err;

	path(w, sizeof(w), "%s.policy", where);
	if ((err = get(t, pol, where, "policy", JSON_OBJECT, F_REQ, &o)) !=
	    DW_OK ||
	    (err = enum_field(t, o, w, "policy-type", policy_types,
	    &p->policy_type)) != DW_OK ||
	    (err = str_list(t, o, w, "policy-string", false,
	    &p->policy_string, &p->npolicy_string)) != DW_OK ||
	    (err = str_list(t, o, w, "mx-host", true, &p->mx_host,
	    &p->nmx_host)) != DW_OK ||
	    (err = str_field(t, o, w, "policy-domain", 0, &s)) != DW_OK)
		return err;
	if (s == NULL) {
		note(t, "%s.policy-domain: missing", w);
		return DW_OK;
	}
	if (!report_domain_norm(s, strlen(s), dom, sizeof(dom)))
		return bad(t, DW_ESYNTAX, w, "policy-domain", "\"%s\" is not a "
		    "domain name", report_quote(q, sizeof(q), s, strlen(s)));
	if ((p->policy_domain = arena_strdup(t->a, dom)) == NULL)
		return nomem(t);
	return DW_OK;
}

static enum dw_err
policy(struct tp *t, json_t *pol, size_t idx, struct tlsrpt_policy *p)
{
	char where[WHERE_MAX], w[WHERE_MAX];
	json_t *sum;
	int64_t dsum;
	bool counted;
	enum dw_err err;

	path(where, sizeof(where), "policies[%zu]", idx);
	path(w, sizeof(w), "%s.summary", where);
	if (!json_is_object(pol))
		return bad(t, DW_ESYNTAX, where, NULL, "is %s, want an object",
		    jtype(pol));
	if ((err = policy_desc(t, pol, where, p)) != DW_OK ||
	    (err = get(t, pol, where, "summary", JSON_OBJECT, F_REQ, &sum)) !=
	    DW_OK ||
	    (err = count_field(t, sum, w, "total-successful-session-count",
	    F_REQ, &p->successful)) != DW_OK ||
	    (err = count_field(t, sum, w, "total-failure-session-count", 0,
	    &p->failed)) != DW_OK ||
	    (err = failures(t, pol, where, p, &dsum, &counted)) != DW_OK)
		return err;
	if (p->failed < 0) {
		p->failed = dsum;
		if (counted)
			note(t, "%s.total-failure-session-count: missing; the "
			    "failure details' sum %" PRId64 " is used", w,
			    dsum);
	} else if (counted && dsum != p->failed) {
		note(t, "%s: failure details add up to %" PRId64 " sessions, "
		    "total-failure-session-count says %" PRId64, where, dsum,
		    p->failed);
	}
	if (!add_count(&t->r->successful, p->successful) ||
	    !add_count(&t->r->failed, p->failed))
		return bad(t, DW_ELIMIT, "policies", NULL, "session counts add "
		    "up to more than 2^53 - 1 (TLSRPT_MAX_COUNT)");
	return DW_OK;
}

static enum dw_err
policies(struct tp *t, json_t *root)
{
	json_t *arr, *p;
	enum dw_err err;
	size_t i, n;

	if ((err = get(t, root, "", "policies", JSON_ARRAY, F_REQ, &arr)) !=
	    DW_OK)
		return err;
	n = json_array_size(arr);
	if (n > TLSRPT_MAX_POLICIES)
		return bad(t, DW_ELIMIT, "policies", NULL, "%zu policies, over "
		    "the %d limit (TLSRPT_MAX_POLICIES)", n,
		    TLSRPT_MAX_POLICIES);
	t->r->policies = arena_zalloc(t->a, (n + 1) *
	    sizeof(*t->r->policies));
	if (t->r->policies == NULL)
		return nomem(t);
	json_array_foreach(arr, i, p) {
		if ((err = policy(t, p, i, &t->r->policies[i])) != DW_OK)
			return err;
	}
	t->r->npolicies = n;
	return DW_OK;
}

/* ---- the document ---------------------------------------------------- */

/*
 * Checks depth and value count on the raw bytes, so jansson never sees a
 * document that would make it recurse or allocate past the limits.
 */
static enum dw_err
scan(const char *buf, size_t len, struct dw_error *e)
{
	size_t i, depth = 0, values = 1;
	bool str = false;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = false;
			continue;
		}
		if (c == '"') {
			str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > TLSRPT_MAX_DEPTH)
				return dw_fail(e, DW_ELIMIT, "JSON nested more "
				    "than %d levels deep (TLSRPT_MAX_DEPTH)",
				    TLSRPT_MAX_DEPTH);
			values++;
		} else if (c == '}' || c == ']') {
			depth -= depth > 0;
		} else if (c == ',' && ++values > TLSRPT_MAX_VALUES) {
			return dw_fail(e, DW_ELIMIT, "JSON has more than %d "
			    "values (TLSRPT_MAX_VALUES)", TLSRPT_MAX_VALUES);
		}
	}
	return DW_OK;
}

static enum dw_err
load(const char *buf, size_t len, json_t **root, struct dw_error *e)
{
	json_error_t je;
	enum dw_err err;

	if (len > TLSRPT_MAX_INPUT)
		return dw_fail(e, DW_ELIMIT, "JSON document of %zu bytes, over "
		    "the %zu MiB limit (TLSRPT_MAX_INPUT)", len,
		    TLSRPT_MAX_INPUT >> 20);
	if ((err = scan(buf, len, e)) != DW_OK)
		return err;
	*root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (*root == NULL) {
		if (json_error_code(&je) == json_error_out_of_memory)
			return dw_fail(e, DW_ENOMEM, "JSON: out of memory");
		return dw_fail(e, DW_ESYNTAX, "JSON: line %d, column %d: %s",
		    je.line, je.column, je.text);
	}
	if (!json_is_object(*root)) {
		json_decref(*root);
		return dw_fail(e, DW_ENOTREPORT, "a JSON array, not an "
		    "object");
	}
	return DW_OK;
}

static enum dw_err
report(struct tp *t, json_t *root)
{
	enum dw_err err;

	if (json_object_get(root, "organization-name") == NULL &&
	    json_object_get(root, "report-id") == NULL &&
	    json_object_get(root, "date-range") == NULL &&
	    json_object_get(root, "policies") == NULL)
		return dw_fail(t->e, DW_ENOTREPORT, "a JSON object with none "
		    "of organization-name, date-range, report-id, policies "
		    "(RFC 8460 §4.4)");
	if ((err = str_field(t, root, "", "organization-name",
	    F_REQ | F_NONEMPTY, &t->r->organization_name)) != DW_OK ||
	    (err = date_range(t, root)) != DW_OK ||
	    (err = str_field(t, root, "", "contact-info", 0,
	    &t->r->contact_info)) != DW_OK ||
	    (err = str_field(t, root, "", "report-id", F_REQ | F_NONEMPTY,
	    &t->r->report_id)) != DW_OK)
		return err;
	return policies(t, root);
}

enum dw_err
tlsrpt_json_parse(struct arena *a, const char *buf, size_t len,
    struct tlsrpt_report **out, struct dw_error *e)
{
	struct tp t = { .a = a, .e = e };
	bool bom = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0;
	json_t *root = NULL;
	enum dw_err err;
	char more[64];

	*out = NULL;
	t.r = arena_zalloc(a, sizeof(*t.r));
	if (t.r == NULL ||
	    (t.r->notes = arena_zalloc(a, TLSRPT_MAX_NOTES *
	    sizeof(*t.r->notes))) == NULL)
		return nomem(&t);
	if (bom) {
		buf += 3;
		len -= 3;
	}
	if ((err = load(buf, len, &root, e)) != DW_OK)
		return err;
	if (bom)
		note(&t, "a UTF-8 byte order mark before the JSON was ignored "
		    "(RFC 8259 §8.1)");
	err = report(&t, root);
	json_decref(root);
	if (err != DW_OK)
		return err;
	if (t.dropped > 0) {
		snprintf(more, sizeof(more), "%zu further notes not kept "
		    "(TLSRPT_MAX_NOTES)", t.dropped);
		if ((t.r->notes[t.r->nnotes] = arena_strdup(a, more)) != NULL)
			t.r->nnotes++;
	}
	*out = t.r;
	return DW_OK;
}

/* ---- normalized dump -------------------------------------------------- */

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
jlist(const char **v, size_t n)
{
	json_t *a;
	size_t i;

	if (v == NULL)
		return json_null();
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
jfailure(const struct tlsrpt_failure *f)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "result-type", jstr(f->result_type),
	    "sending-mta-ip", jstr(f->sending_mta_ip),
	    "receiving-mx-hostname", jstr(f->receiving_mx_hostname),
	    "receiving-mx-helo", jstr(f->receiving_mx_helo),
	    "receiving-ip", jstr(f->receiving_ip),
	    "failed-session-count", f->failed_session_count < 0 ?
	    json_null() : json_integer(f->failed_session_count),
	    "additional-information", jstr(f->additional_information),
	    "failure-reason-code", jstr(f->failure_reason_code));
}

static json_t *
jpolicy(const struct tlsrpt_policy *p)
{
	json_t *fd = json_array();
	size_t i;

	for (i = 0; i < p->nfailures; i++)
		json_array_append_new(fd, jfailure(&p->failures[i]));
	return json_pack("{s:o, s:o, s:o, s:o, s:I, s:I, s:o}",
	    "policy-type", jstr(p->policy_type),
	    "policy-domain", jstr(p->policy_domain),
	    "policy-string", jlist(p->policy_string, p->npolicy_string),
	    "mx-host", jlist(p->mx_host, p->nmx_host),
	    "successful", (json_int_t)p->successful,
	    "failed", (json_int_t)p->failed,
	    "failure-details", fd);
}

enum dw_err
tlsrpt_json_dump(const struct tlsrpt_report *r, struct buf *out)
{
	char b[32], e[32];
	json_t *j, *pols = json_array();
	enum dw_err err;
	size_t i;
	char *s;

	for (i = 0; i < r->npolicies; i++)
		json_array_append_new(pols, jpolicy(&r->policies[i]));
	date_format_rfc3339(r->begin, b, sizeof(b));
	date_format_rfc3339(r->end, e, sizeof(e));
	j = json_pack("{s:o, s:o, s:o, s:s, s:s, s:I, s:I, s:o, s:o}",
	    "organization-name", jstr(r->organization_name),
	    "contact-info", jstr(r->contact_info),
	    "report-id", jstr(r->report_id),
	    "start-datetime", b, "end-datetime", e,
	    "successful", (json_int_t)r->successful,
	    "failed", (json_int_t)r->failed,
	    "policies", pols,
	    "notes", jlist(r->notes, r->nnotes));
	if (j == NULL)
		return DW_ENOMEM;
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s == NULL)
		return DW_ENOMEM;
	err = buf_puts(out, s);
	free(s);
	return err;
}
