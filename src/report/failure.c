/*
 * failure.c: finds the failure report in a message (failure.h) -- the
 * multipart holding the message/feedback-report part, or Exim's text
 * part -- and puts the model together from its parts: fields from
 * failure_arf.c, the original header block from failure_hdr.c.
 *
 * gmime parses the whole message once, after mime_count_levels() has
 * bounded how deep it can recurse; the walk below then counts the parts
 * and levels it visits against the limits.  A message/rfc822 part is
 * entered only when its parent holds no report (a forwarded report); the
 * original message inside a report is never walked, only its header block
 * read.
 */
#include <string.h>

#include <openssl/evp.h>

#include "ident.h"
#include "mime_int.h"
#include "failure_int.h"

#define TYPE_MAX	128
#define TEXT_MARK	"claiming to be from you has failed"

struct found {
	GMimeMessage	*msg;		/* the message holding the report */
	GMimePart	*feedback;
	GMimeObject	*original;
	GByteArray	*text;		/* Exim's form: the decoded part */
	bool		 declared;	/* report-type=feedback-report seen */
};

void
failure_limits_default(struct failure_limits *lim)
{
	lim->max_message = FAILURE_MAX_MESSAGE;
	lim->max_parts = FAILURE_MAX_PARTS;
	lim->max_depth = FAILURE_MAX_DEPTH;
	lim->max_fields = FAILURE_MAX_FIELDS;
	lim->max_headers = FAILURE_MAX_HEADERS;
	lim->max_field = FAILURE_MAX_FIELD;
}

size_t
failure_arena_max(size_t len)
{
	return 8 * len + ((size_t)4 << 20);
}

const char *
failure_form_name(enum failure_form f)
{
	return f == FAILURE_FORM_TEXT ? "text" : "arf";
}

bool
failure_maybe(const char *buf, size_t len)
{
	return fp_memcasemem(buf, len, "feedback-report") != NULL ||
	    fp_memcasemem(buf, len, TEXT_MARK) != NULL;
}

/* The lower-case media type of o into out. */
static const char *
ctype(GMimeObject *o, char *out, size_t sz)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	char *t = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	size_t i;

	snprintf(out, sz, "%s", t != NULL ? t : "text/plain");
	g_free(t);
	for (i = 0; out[i] != '\0'; i++)
		out[i] = g_ascii_tolower(out[i]);
	return out;
}

static bool
is_original(const char *t)
{
	return strcmp(t, "message/rfc822") == 0 ||
	    strcmp(t, "text/rfc822-headers") == 0 ||
	    strcmp(t, "message/rfc822-headers") == 0 ||
	    strcmp(t, "message/global") == 0 ||
	    strcmp(t, "message/global-headers") == 0;
}

static enum dw_err
count(struct fp *p, unsigned depth)
{
	if (++p->parts > p->lim->max_parts)
		return dw_fail(p->e, DW_ELIMIT, "failure report: more than %u "
		    "MIME parts (part limit)", p->lim->max_parts);
	if (depth > p->lim->max_depth)
		return dw_fail(p->e, DW_ELIMIT, "failure report: MIME nested "
		    "more than %u levels deep (depth limit)",
		    p->lim->max_depth);
	return DW_OK;
}

/* A text/plain leaf in Exim's form: its decoded bytes kept in f. */
static void
text_form(GMimeObject *o, struct found *f)
{
	char t[TYPE_MAX];
	GByteArray *arr;

	if (f->text != NULL || !GMIME_IS_PART(o) ||
	    strcmp(ctype(o, t, sizeof(t)), "text/plain") != 0)
		return;
	arr = mime_part_bytes(GMIME_PART(o));
	if (arr == NULL)
		return;
	if (fp_memcasemem((const char *)arr->data, arr->len, TEXT_MARK) !=
	    NULL)
		f->text = arr;
	else
		g_byte_array_unref(arr);
}

/* The direct children of mp: is this the report's multipart? */
static enum dw_err
children(struct fp *p, GMimeMultipart *mp, unsigned depth, struct found *f)
{
	GMimeObject *c;
	char t[TYPE_MAX];
	int i, n = g_mime_multipart_get_count(mp);
	enum dw_err err;

	for (i = 0; i < n; i++) {
		c = g_mime_multipart_get_part(mp, i);
		if (GMIME_IS_MULTIPART(c) || GMIME_IS_MESSAGE_PART(c))
			ctype(c, t, sizeof(t));
		else if ((err = count(p, depth + 1)) != DW_OK)
			return err;
		else
			ctype(c, t, sizeof(t));
		if (strcmp(t, "message/feedback-report") == 0 &&
		    GMIME_IS_PART(c)) {
			if (f->feedback != NULL)
				return dw_fail(p->e, DW_ESYNTAX, "failure "
				    "report has two message/feedback-report "
				    "parts");
			f->feedback = GMIME_PART(c);
		} else if (is_original(t) && f->original == NULL)
			f->original = c;
		else
			text_form(c, f);
	}
	if (f->feedback == NULL && f->text == NULL)
		f->original = NULL;
	return DW_OK;
}

static bool
declares_arf(GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *rt;

	if (ct == NULL)
		return false;
	rt = g_mime_content_type_get_parameter(ct, "report-type");
	return rt != NULL && g_ascii_strcasecmp(rt, "feedback-report") == 0;
}

static bool
found(const struct found *f)
{
	return f->feedback != NULL || f->text != NULL;
}

static enum dw_err
walk(struct fp *p, GMimeMessage *msg, GMimeObject *o, unsigned depth,
    struct found *f)
{
	GMimeMessage *m;
	GMimeObject *c;
	char t[TYPE_MAX];
	enum dw_err err;
	int i, n;

	if ((err = count(p, depth)) != DW_OK)
		return err;
	if (GMIME_IS_MESSAGE_PART(o)) {
		m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		if (m == NULL || g_mime_message_get_mime_part(m) == NULL)
			return DW_OK;
		return walk(p, m, g_mime_message_get_mime_part(m), depth + 1,
		    f);
	}
	if (!GMIME_IS_MULTIPART(o)) {
		/* a whole message that is the feedback part, or Exim's text */
		if (depth == 0 && GMIME_IS_PART(o) && strcmp(ctype(o, t,
		    sizeof(t)), "message/feedback-report") == 0)
			f->feedback = GMIME_PART(o);
		else if (depth == 0)
			text_form(o, f);
		if (found(f))
			f->msg = msg;
		return DW_OK;
	}
	f->declared = f->declared || declares_arf(o);
	if ((err = children(p, GMIME_MULTIPART(o), depth, f)) != DW_OK ||
	    found(f)) {
		f->msg = msg;
		return err;
	}
	n = g_mime_multipart_get_count(GMIME_MULTIPART(o));
	for (i = 0; i < n && !found(f); i++) {
		c = g_mime_multipart_get_part(GMIME_MULTIPART(o), i);
		if (GMIME_IS_MULTIPART(c) || GMIME_IS_MESSAGE_PART(c))
			if ((err = walk(p, msg, c, depth + 1, f)) != DW_OK)
				return err;
	}
	return DW_OK;
}

/* Hashes s[0..n) with CR LF as LF: line endings do not make a report. */
static void
hash_lf(EVP_MD_CTX *md, const void *v, size_t n)
{
	const char *s = v, *q;

	while (n > 0 && (q = memchr(s, '\r', n)) != NULL) {
		EVP_DigestUpdate(md, s, (size_t)(q - s));
		n -= (size_t)(q - s) + 1;
		s = q + 1;
		if (n == 0 || *s != '\n')
			EVP_DigestUpdate(md, "\r", 1);
	}
	EVP_DigestUpdate(md, s, n);
}

static enum dw_err
reporter_one(struct fp *p, const char *addr, void *ctx, bool *stop)
{
	(void)ctx;
	*stop = true;
	p->r->reporter = fp_lower(p, addr, strlen(addr));
	return p->r->reporter != NULL ? DW_OK : fp_nomem(p);
}

/* The From address of the message that holds the report. */
static enum dw_err
reporter(struct fp *p, GMimeMessage *m)
{
	return fp_each_mailbox(p, g_mime_message_get_from(m), reporter_one,
	    NULL);
}

/* The original message's header block, hashed into md. */
static enum dw_err
original(struct fp *p, GMimeObject *o, EVP_MD_CTX *md)
{
	GMimeMessage *m;
	GByteArray *arr;
	char *s;
	enum dw_err err;

	if (GMIME_IS_MESSAGE_PART(o)) {
		m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		if (m == NULL)
			return DW_OK;
		s = g_mime_object_to_string(GMIME_OBJECT(m), NULL);
		hash_lf(md, s, strlen(s));
		err = failure_headers(p, s, strlen(s));
		g_free(s);
		return err;
	}
	if (!GMIME_IS_PART(o) || (arr = mime_part_bytes(GMIME_PART(o))) ==
	    NULL)
		return DW_OK;
	hash_lf(md, arr->data, arr->len);
	err = failure_headers(p, (const char *)arr->data, arr->len);
	g_byte_array_unref(arr);
	return err;
}

/* The fields of the report part that was found, hashed into md. */
static enum dw_err
report_fields(struct fp *p, struct found *f, EVP_MD_CTX *md)
{
	const char *hdr;
	GByteArray *arr;
	size_t hlen;
	enum dw_err err;

	if (f->feedback != NULL) {
		p->r->form = FAILURE_FORM_ARF;
		arr = mime_part_bytes(f->feedback);
		if (arr == NULL)
			return dw_fail(p->e, DW_ESYNTAX, "failure report: the "
			    "message/feedback-report part cannot be decoded");
		EVP_DigestUpdate(md, "arf", 4);
		hash_lf(md, arr->data, arr->len);
		err = failure_arf_fields(p, (const char *)arr->data,
		    arr->len);
		g_byte_array_unref(arr);
		return err;
	}
	p->r->form = FAILURE_FORM_TEXT;
	EVP_DigestUpdate(md, "text", 5);
	hash_lf(md, f->text->data, f->text->len);
	err = failure_text_fields(p, (const char *)f->text->data,
	    f->text->len, &hdr, &hlen);
	if (err == DW_OK && f->original == NULL && hdr != NULL)
		err = failure_headers(p, hdr, hlen);
	return err;
}

/* The policy domain: Reported-Domain, else the header From's domain. */
static enum dw_err
policy_domain(struct fp *p)
{
	char d[REPORT_DOMAIN_BUF];
	const char *hf = p->r->header_from, *at;
	size_t n;

	if (p->r->reported_domain != NULL) {
		p->r->domain = p->r->reported_domain;
		return DW_OK;
	}
	if (hf == NULL || (at = strchr(hf, '@')) == NULL)
		return DW_OK;
	n = strcspn(at + 1, ",");
	if (report_domain_norm(at + 1, n, d, sizeof(d)) &&
	    (p->r->domain = arena_strdup(p->a, d)) == NULL)
		return fp_nomem(p);
	return DW_OK;
}

static enum dw_err
lists(struct fp *p)
{
	struct failure_report *r = p->r;
	size_t sz = sizeof(char *);

	r->envelope_to = arena_alloc(p->a, sz * (r->nenvelope_to + 1));
	r->auth_results = arena_alloc(p->a, sz * (r->nauth_results + 1));
	r->notes = arena_alloc(p->a, sz * (r->nnotes + 1));
	if (r->envelope_to == NULL || r->auth_results == NULL ||
	    r->notes == NULL)
		return fp_nomem(p);
	memcpy(r->envelope_to, p->rcpt, sz * r->nenvelope_to);
	memcpy(r->auth_results, p->ar, sz * r->nauth_results);
	memcpy(r->notes, p->notes, sz * r->nnotes);
	return DW_OK;
}

/* Everything after the walk found the report. */
static enum dw_err
build(struct fp *p, struct found *f)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int hl = 32;
	enum dw_err err;

	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return dw_fail(p->e, DW_ENOMEM, "SHA-256 unavailable");
	}
	err = report_fields(p, f, md);
	EVP_DigestUpdate(md, "", 1);
	if (err == DW_OK && f->original != NULL)
		err = original(p, f->original, md);
	else if (err == DW_OK && f->original == NULL &&
	    p->r->headers == NULL)
		fp_note(p, "failure report holds no original headers");
	EVP_DigestFinal_ex(md, p->r->sha256, &hl);
	EVP_MD_CTX_free(md);
	if (err == DW_OK)
		err = reporter(p, f->msg);
	if (err == DW_OK)
		err = policy_domain(p);
	if (err == DW_OK)
		err = lists(p);
	return err;
}

static enum dw_err
parse_message(struct fp *p, const char *buf, size_t len)
{
	struct found f;
	GByteArray *arr;
	GMimeMessage *m;
	enum dw_err err;

	memset(&f, 0, sizeof(f));
	mime_init_once();
	arr = g_byte_array_sized_new((guint)len);
	g_byte_array_append(arr, (const guint8 *)buf, (guint)len);
	if ((m = mime_message_parse(arr)) == NULL)
		return dw_fail(p->e, DW_ENOTREPORT, "not a parseable message");
	if (g_mime_message_get_mime_part(m) == NULL)
		err = dw_fail(p->e, DW_ENOTREPORT, "message has no body");
	else
		err = walk(p, m, g_mime_message_get_mime_part(m), 0, &f);
	if (err == DW_OK && !found(&f))
		err = f.declared ? dw_fail(p->e, DW_ESYNTAX, "multipart/report "
		    "of type feedback-report has no message/feedback-report "
		    "part") : dw_fail(p->e, DW_ENOTREPORT, "no failure report "
		    "in the message");
	if (err == DW_OK)
		err = build(p, &f);
	if (f.text != NULL)
		g_byte_array_unref(f.text);
	g_object_unref(m);
	return err;
}

enum dw_err
failure_parse(struct arena *a, const char *buf, size_t len,
    const struct failure_limits *lim, struct failure_report **out,
    struct dw_error *e)
{
	struct failure_limits def;
	struct dw_error pe;
	struct fp p;
	unsigned lv;
	enum dw_err err;

	*out = NULL;
	if (lim == NULL) {
		failure_limits_default(&def);
		lim = &def;
	}
	dw_error_clear(&pe);
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.lim = lim;
	p.e = &pe;
	if (len > lim->max_message || len > G_MAXUINT - 1)
		err = dw_fail(&pe, DW_ELIMIT, "failure report: message of %zu "
		    "bytes is over the %zu-byte limit", len, lim->max_message);
	else if ((lv = mime_count_levels(buf, len)) > lim->max_parts)
		err = dw_fail(&pe, DW_ELIMIT, "failure report: %u multipart or "
		    "message types, over the %u part limit", lv,
		    lim->max_parts);
	else if ((p.r = arena_zalloc(a, sizeof(*p.r))) == NULL)
		err = fp_nomem(&p);
	else {
		p.r->incidents = 1;
		err = parse_message(&p, buf, len);
	}
	if (err != DW_OK && pe.code == DW_OK)
		dw_fail(&pe, err, "failure report: %s", dw_strerror(err));
	if (err == DW_OK)
		*out = p.r;
	else if (e != NULL)
		*e = pe;
	return err;
}
