/*
 * failure_hdr.c: header blocks of failure reports -- splitting them into
 * fields, and keeping the original message's header block with its free
 * text redacted (phi.h).  Values are never quoted in errors or notes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "ident.h"
#include "mime_int.h"
#include "failure_int.h"

#define HDR_OUT_FACTOR	8	/* a redacted value vs. its field limit */

/* ---- small helpers --------------------------------------------------- */

void
fp_note(struct fp *p, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	size_t max = sizeof(p->notes) / sizeof(p->notes[0]);

	if (p->r->nnotes >= max)
		return;
	if (p->r->nnotes == max - 1)
		snprintf(tmp, sizeof(tmp), "more notes were left out");
	else {
		va_start(ap, fmt);
		vsnprintf(tmp, sizeof(tmp), fmt, ap);
		va_end(ap);
	}
	p->notes[p->r->nnotes] = arena_strdup(p->a, tmp);
	if (p->notes[p->r->nnotes] != NULL)
		p->r->nnotes++;
}

enum dw_err
fp_nomem(struct fp *p)
{
	if (arena_exhausted(p->a))
		return dw_fail(p->e, DW_ELIMIT, "failure report: over the "
		    "parser's memory limit");
	return dw_fail(p->e, DW_ENOMEM, "out of memory");
}

static bool
wsp(char c)
{
	return c == ' ' || c == '\t';
}

char *
fp_text(struct fp *p, const char *s, size_t n)
{
	struct buf b;
	char *out;
	size_t i = 0, l;
	unsigned char c;

	while (n > 0 && (wsp(s[n - 1]) || s[n - 1] == '\r' ||
	    s[n - 1] == '\n'))
		n--;
	while (n > 0 && (wsp(*s) || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	buf_init(&b, 3 * n + 1);
	while (i < n) {
		c = (unsigned char)s[i];
		l = utf8_valid_prefix(s + i, n - i);
		if (l == 0)
			(void)buf_puts(&b, "\xef\xbf\xbd");
		else if (l == 1 && (c < 0x20 || c == 0x7f))
			(void)buf_putc(&b, ' ');
		else if (l == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0)
			(void)buf_putc(&b, ' ');	/* C1 controls */
		else
			(void)buf_append(&b, s + i, l);
		i += l == 0 ? 1 : l;
	}
	out = arena_strndup(p->a, buf_str(&b), b.len);
	buf_fini(&b);
	return out;
}

char *
fp_lower(struct fp *p, const char *s, size_t n)
{
	char *t = fp_text(p, s, n), *q;

	if (t != NULL)
		for (q = t; *q != '\0'; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
	return t;
}

enum dw_err
fp_redact(struct fp *p, const char *s, size_t n, char **out)
{
	struct buf b;
	enum dw_err err;

	buf_init(&b, HDR_OUT_FACTOR * (p->lim->max_field + 64));
	err = phi_redact(s, n, &b, &p->r->redactions);
	if (err == DW_ELIMIT)
		return dw_fail(p->e, err, "failure report: a text of %zu "
		    "bytes is over the %u-byte PHI scan limit", n,
		    PHI_MAX_TEXT);
	if (err != DW_OK) {
		buf_fini(&b);
		return dw_fail(p->e, err, "out of memory");
	}
	*out = fp_text(p, buf_str(&b), b.len);
	buf_fini(&b);
	return *out != NULL ? DW_OK : fp_nomem(p);
}

enum dw_err
fp_addr(struct fp *p, const char *s, size_t n, char **out)
{
	char dom[REPORT_DOMAIN_BUF], *local, *d;
	const char *at;
	enum dw_err err;
	size_t k;

	while (n > 0 && (wsp(*s) || *s == '<')) {
		s++;
		n--;
	}
	while (n > 0 && (wsp(s[n - 1]) || s[n - 1] == '>'))
		n--;
	at = NULL;
	for (k = n; k > 0; k--)
		if (s[k - 1] == '@') {
			at = s + k - 1;
			break;
		}
	if (at == NULL)
		return fp_redact(p, s, n, out);
	if ((err = fp_redact(p, s, (size_t)(at - s), &local)) != DW_OK)
		return err;
	k = n - (size_t)(at - s) - 1;
	if (report_domain_norm(at + 1, k, dom, sizeof(dom)))
		d = dom;
	else if ((d = fp_text(p, at + 1, k)) == NULL)
		return fp_nomem(p);
	k = strlen(local) + strlen(d) + 2;
	if ((*out = arena_alloc(p->a, k)) == NULL)
		return fp_nomem(p);
	snprintf(*out, k, "%s@%s", local, d);
	return DW_OK;
}

const char *
fp_memcasemem(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;

	char lo, up;

	if (m == 0 || n < m)
		return m == 0 ? s : NULL;
	lo = (char)g_ascii_tolower(needle[0]);
	up = (char)g_ascii_toupper(needle[0]);
	for (i = 0; i + m <= n; i++)
		if ((s[i] == lo || s[i] == up) &&
		    g_ascii_strncasecmp(s + i, needle, m) == 0)
			return s + i;
	return NULL;
}

/* ---- splitting a header block ---------------------------------------- */

/* Length of the field name at s (line of ll bytes), or 0 when none. */
static size_t
field_name(const char *s, size_t ll)
{
	size_t k = 0;

	while (k < ll && k <= FP_NAME_MAX && s[k] != ':' &&
	    (unsigned char)s[k] > 32 && (unsigned char)s[k] < 127)
		k++;
	return k > 0 && k < ll && k <= FP_NAME_MAX && s[k] == ':' ? k : 0;
}

static enum dw_err
field_end(struct fp *p, struct hblock *hb, struct buf *v)
{
	struct hfield *f = &hb->f[hb->n - 1];
	const char *s = buf_str(v);
	size_t n = v->len;

	while (n > 0 && wsp(*s)) {
		s++;
		n--;
	}
	while (n > 0 && wsp(s[n - 1]))
		n--;
	f->value = arena_strndup(p->a, s, n);
	f->vlen = n;
	return f->value != NULL ? DW_OK : fp_nomem(p);
}

static enum dw_err
field_add(struct fp *p, struct hblock *hb, const char *s, size_t k,
    unsigned max, const char *what)
{
	if (hb->n == max)
		return dw_fail(p->e, DW_ELIMIT, "%s: more than %u fields "
		    "(field limit)", what, max);
	hb->f[hb->n].name = s;
	hb->f[hb->n].nlen = k;
	hb->n++;
	return DW_OK;
}

/* Appends a line of the current field, within the field limit. */
static enum dw_err
vappend(struct fp *p, struct buf *v, const char *s, size_t n,
    const char *what, size_t field)
{
	enum dw_err err = buf_append(v, s, n);

	if (err == DW_ELIMIT)
		return dw_fail(p->e, err, "%s: field %zu is over the %zu-byte "
		    "field limit", what, field, p->lim->max_field);
	return err != DW_OK ? fp_nomem(p) : DW_OK;
}

enum dw_err
hblock_parse(struct fp *p, const char *s, size_t n, unsigned max,
    const char *what, bool strict, struct hblock *hb)
{
	struct buf v;
	const char *eol;
	size_t i = 0, ll, next, k, line = 0;
	enum dw_err err = DW_OK;

	memset(hb, 0, sizeof(*hb));
	hb->f = arena_alloc(p->a, (size_t)max * sizeof(*hb->f) + 1);
	if (hb->f == NULL)
		return fp_nomem(p);
	buf_init(&v, p->lim->max_field);
	for (; i < n && err == DW_OK; i = next) {
		line++;
		eol = memchr(s + i, '\n', n - i);
		next = eol != NULL ? (size_t)(eol - s) + 1 : n;
		ll = (eol != NULL ? (size_t)(eol - s) : n) - i;
		if (ll > 0 && s[i + ll - 1] == '\r')
			ll--;
		if (ll == 0) {
			if (hb->n == 0)
				continue;
			break;
		}
		if (wsp(s[i]) && hb->n > 0) {
			err = vappend(p, &v, s + i, ll, what, hb->n);
			continue;
		}
		if ((k = field_name(s + i, ll)) == 0) {
			hb->stop_line = line;
			if (strict)
				err = dw_fail(p->e, DW_ESYNTAX, "%s: line %zu "
				    "is not a field", what, line);
			break;
		}
		if (hb->n > 0 && (err = field_end(p, hb, &v)) != DW_OK)
			break;
		buf_reset(&v);
		if ((err = field_add(p, hb, s + i, k, max, what)) == DW_OK)
			err = vappend(p, &v, s + i + k + 1, ll - k - 1, what,
			    hb->n);
	}
	if (err == DW_OK && hb->n > 0)
		err = field_end(p, hb, &v);
	buf_fini(&v);
	return err;
}

/* ---- the original header block ----------------------------------------- */

/* "; key=\"value\"" with '"' and '\' escaped. */
static void
put_param(struct buf *b, const char *k, const char *v)
{
	(void)buf_printf(b, "; %s=\"", k);
	for (; *v != '\0'; v++) {
		if (*v == '"' || *v == '\\')
			(void)buf_putc(b, '\\');
		(void)buf_putc(b, *v);
	}
	(void)buf_putc(b, '"');
}

/* A parameter name as text, scanned when it holds a digit. */
static char *
fp_redact_name(struct fp *p, const char *name)
{
	char *out;

	if (strpbrk(name, "0123456789") == NULL)
		return fp_text(p, name, strlen(name));
	return fp_redact(p, name, strlen(name), &out) == DW_OK ? out : NULL;
}

/* Content-Type or Content-Disposition, with name and filename redacted. */
static enum dw_err
params_value(struct fp *p, const char *name, const char *v, struct buf *b)
{
	GMimeContentType *ct = NULL;
	GMimeContentDisposition *cd = NULL;
	GMimeParamList *pl;
	GMimeParam *pm;
	const char *pn;
	char *s, *red, *pname;
	int i, n;
	enum dw_err err = DW_OK;

	if (strcasecmp(name, "Content-Type") == 0) {
		ct = g_mime_content_type_parse(NULL, v);
		s = g_mime_content_type_get_mime_type(ct);
		pl = g_mime_content_type_get_parameters(ct);
	} else {
		cd = g_mime_content_disposition_parse(NULL, v);
		s = g_strdup(g_mime_content_disposition_get_disposition(cd));
		pl = g_mime_content_disposition_get_parameters(cd);
	}
	red = s != NULL ? fp_text(p, s, strlen(s)) : fp_text(p, "", 0);
	g_free(s);
	if (red == NULL)
		err = fp_nomem(p);
	else
		(void)buf_puts(b, red);
	n = pl != NULL ? g_mime_param_list_length(pl) : 0;
	for (i = 0; i < n && err == DW_OK; i++) {
		pm = g_mime_param_list_get_parameter_at(pl, i);
		s = (char *)g_mime_param_get_value(pm);
		if (s == NULL)
			s = (char *)"";
		if ((pn = g_mime_param_get_name(pm)) == NULL)
			continue;
		if ((pname = fp_redact_name(p, pn)) == NULL) {
			err = p->e->code != DW_OK ? p->e->code : fp_nomem(p);
			break;
		}
		if (phi_param_is_free_text(pn))
			err = fp_redact(p, s, strlen(s), &red);
		else if ((red = fp_text(p, s, strlen(s))) == NULL)
			err = fp_nomem(p);
		if (err == DW_OK)
			put_param(b, pname, red);
	}
	if (ct != NULL)
		g_object_unref(ct);
	if (cd != NULL)
		g_object_unref(cd);
	return err;
}

/* The stored spelling of one field's value into b. */
static enum dw_err
field_value(struct fp *p, const char *name, const struct hfield *f,
    struct buf *b)
{
	char *v, *dec, *out;
	enum dw_err err;

	if ((v = arena_strndup(p->a, f->value, f->vlen)) == NULL)
		return fp_nomem(p);
	if (strlen(v) != f->vlen)	/* a NUL inside: clean it first */
		v = fp_text(p, f->value, f->vlen);
	if (v == NULL)
		return fp_nomem(p);
	if (phi_header_has_params(f->name, f->nlen))
		return params_value(p, name, v, b);
	if (!phi_header_is_free_text(f->name, f->nlen)) {
		if ((out = fp_text(p, v, strlen(v))) == NULL)
			return fp_nomem(p);
		return buf_puts(b, out);
	}
	dec = g_mime_utils_header_decode_text(NULL, v);
	err = fp_redact(p, dec, strlen(dec), &out);
	g_free(dec);
	if (err == DW_OK)
		err = buf_puts(b, out);
	return err;
}

enum dw_err
fp_each_mailbox(struct fp *p, InternetAddressList *l, fp_addr_cb cb,
    void *ctx)
{
	InternetAddressList *m;
	InternetAddress *ia;
	const char *addr;
	enum dw_err err = DW_OK;
	bool stop = false;
	int i, j, n = l != NULL ? internet_address_list_length(l) : 0;

	for (i = 0; i < n && err == DW_OK && !stop; i++) {
		ia = internet_address_list_get_address(l, i);
		m = INTERNET_ADDRESS_IS_GROUP(ia) ?
		    internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(ia)) : NULL;
		for (j = 0; err == DW_OK && !stop && (m == NULL ? j < 1 :
		    j < internet_address_list_length(m)); j++) {
			if (m != NULL)
				ia = internet_address_list_get_address(m, j);
			if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
				continue;
			addr = internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia));
			if (addr != NULL && *addr != '\0')
				err = cb(p, addr, ctx, &stop);
		}
	}
	return err;
}

struct fromctx {
	struct buf	*b;
	unsigned	*naddr;
};

static enum dw_err
from_one(struct fp *p, const char *addr, void *ctx, bool *stop)
{
	struct fromctx *fc = ctx;
	char *out;
	enum dw_err err;

	(void)stop;
	err = fp_addr(p, addr, strlen(addr), &out);
	if (err == DW_OK && (*fc->naddr)++ > 0)
		err = buf_puts(fc->b, ", ");
	if (err == DW_OK)
		err = buf_puts(fc->b, out);
	return err;
}

/* The addresses of a From field, local parts redacted, into b. */
static enum dw_err
from_addrs(struct fp *p, const struct hfield *f, struct buf *b,
    unsigned *naddr)
{
	struct fromctx fc = { b, naddr };
	InternetAddressList *l;
	char *v;
	enum dw_err err;

	if ((v = fp_text(p, f->value, f->vlen)) == NULL)
		return fp_nomem(p);
	l = internet_address_list_parse(NULL, v);
	err = fp_each_mailbox(p, l, from_one, &fc);
	if (l != NULL)
		g_object_unref(l);
	return err;
}

/* "Name: " with a name holding digits scanned like free text. */
static enum dw_err
field_name_out(struct fp *p, const struct hfield *f, struct buf *b,
    char **name)
{
	size_t i;
	enum dw_err err;

	for (i = 0; i < f->nlen; i++)
		if (f->name[i] >= '0' && f->name[i] <= '9')
			break;
	if (i == f->nlen)
		*name = arena_strndup(p->a, f->name, f->nlen);
	else if ((err = fp_redact(p, f->name, f->nlen, name)) != DW_OK)
		return err;
	if (*name == NULL)
		return fp_nomem(p);
	return buf_printf(b, "%s: ", *name);
}

enum dw_err
failure_headers(struct fp *p, const char *s, size_t n)
{
	struct hblock hb;
	struct buf out, from;
	unsigned naddr = 0, nfrom = 0;
	char *name;
	size_t i;
	enum dw_err err;

	err = hblock_parse(p, s, n, p->lim->max_headers, "original headers",
	    false, &hb);
	if (err != DW_OK)
		return err;
	if (hb.stop_line > 0)
		fp_note(p, "original headers end at line %zu, which is not a "
		    "header field", hb.stop_line);
	buf_init(&out, (size_t)p->lim->max_headers * HDR_OUT_FACTOR *
	    (p->lim->max_field + 64));
	buf_init(&from, HDR_OUT_FACTOR * (p->lim->max_field + 64));
	for (i = 0; i < hb.n && err == DW_OK; i++) {
		if ((err = field_name_out(p, &hb.f[i], &out, &name)) == DW_OK &&
		    (err = field_value(p, name, &hb.f[i], &out)) == DW_OK)
			err = buf_putc(&out, '\n');
		if (err == DW_OK && hb.f[i].nlen == 4 &&
		    strncasecmp(hb.f[i].name, "From", 4) == 0) {
			nfrom++;
			err = from_addrs(p, &hb.f[i], &from, &naddr);
		}
	}
	if (err == DW_OK && hb.n > 0) {
		p->r->headers = arena_strndup(p->a, buf_str(&out), out.len);
		p->r->nheaders = hb.n;
		if (naddr > 0)
			p->r->header_from = arena_strndup(p->a, buf_str(&from),
			    from.len);
		if (p->r->headers == NULL || (naddr > 0 &&
		    p->r->header_from == NULL))
			err = fp_nomem(p);
	}
	buf_fini(&out);
	buf_fini(&from);
	if (err == DW_OK && nfrom > 1)
		fp_note(p, "original headers have %u From fields", nfrom);
	if (err == DW_OK && naddr > 1)
		fp_note(p, "original From holds %u addresses", naddr);
	if (err == DW_OK && hb.n > 0 && naddr == 0)
		fp_note(p, "original headers have no From address");
	if (err == DW_ELIMIT && p->e->code != DW_ELIMIT)
		err = dw_fail(p->e, err, "original headers: stored form over "
		    "its size limit");
	return err;
}
