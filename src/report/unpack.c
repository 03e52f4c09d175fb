/*
 * unpack.c: detection by magic bytes and the dispatch between layers.
 * Plain XML and JSON become documents (capped at max_size); gzip, zip and
 * MIME go to their own files, which come back here for what they hold.
 */
#include <stdio.h>
#include <string.h>

#include "unpack_int.h"

#define SNIFF_HEAD	512	/* bytes looked at to tell what a stream is */
#define HDR_NAME_MAX	76	/* a header field name, RFC 5322 2.1.1 */
/* What a document that is not one must be named both: the two tries. */
#define UNPACK_NEITHER	"neither XML, for a DMARC aggregate report, nor " \
	"JSON, for an SMTP TLS report"

/* A reader that fails once more than max bytes came through. */
struct rd_cap {
	struct rd	 rd;
	struct rd	*inner;
	uint64_t	 n;
	uint64_t	 max;
	const char	*what;
};

void
unpack_limits_default(struct unpack_limits *lim)
{
	lim->max_size = UNPACK_MAX_SIZE;
	lim->max_ratio = UNPACK_MAX_RATIO;
	lim->max_layers = UNPACK_MAX_LAYERS;
	lim->max_members = UNPACK_MAX_MEMBERS;
	lim->max_parts = UNPACK_MAX_PARTS;
	lim->max_depth = UNPACK_MAX_DEPTH;
	lim->max_message = UNPACK_MAX_MESSAGE;
}

static int
has(const unsigned char *p, size_t n, const char *magic, size_t m)
{
	return n >= m && memcmp(p, magic, m) == 0;
}

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
ci_prefix(const unsigned char *p, size_t n, const char *s)
{
	size_t i, m = strlen(s);

	if (n < m)
		return 0;
	for (i = 0; i < m; i++) {
		unsigned char c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)s[i])
			return 0;
	}
	return 1;
}

/* A first line like "Name: value" (RFC 5322 2.2 field name). */
static int
is_header(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i <= HDR_NAME_MAX; i++) {
		if (p[i] == ':')
			return i > 0;
		if (p[i] < 33 || p[i] > 126)
			return 0;
	}
	return 0;
}

/* An HTML body, often a bare fragment ("<div ..."), is not XML. */
static int
is_html(const unsigned char *p, size_t n)
{
	static const char *const tags[] = {
		"html", "head", "body", "div", "p", "span", "table", "font",
		"br", "meta", "style", "title", "center", "a", "b", "i", "u",
		"img", "h1", "h2", "h3", "ul", "ol", "pre", "blockquote",
		"!doctype html",
	};
	size_t i, m;
	unsigned char c;

	if (n < 2 || p[0] != '<')
		return 0;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		m = strlen(tags[i]);
		if (!ci_prefix(p + 1, n - 1, tags[i]))
			continue;
		if (n - 1 == m)
			return 1;
		c = p[1 + m];
		if (c == '>' || c == '/' || is_ws(c))
			return 1;
	}
	return 0;
}

/* XML after any BOM and white space. */
static int
is_xml(const unsigned char *p, size_t n)
{
	if (n < 2 || p[0] != '<')
		return n == 1 && p[0] == '<';
	if (is_html(p, n))
		return 0;
	return p[1] == '?' || p[1] == '!' || p[1] == '_' || is_alpha(p[1]);
}

/*
 * A JSON object, or an array of objects (not a report, but the TLS report
 * parser then says why, where it would look like a header line).
 */
static int
is_json(const unsigned char *p, size_t n)
{
	size_t i;

	if (n == 0 || (p[0] != '{' && p[0] != '['))
		return 0;
	for (i = 1; i < n && is_ws(p[i]); i++)
		;
	if (p[0] == '[')
		return i == n || p[i] == '{' || p[i] == ']';
	return i == n || p[i] == '"' || p[i] == '}';
}

enum sniff
unpack_sniff(const void *head, size_t n)
{
	const unsigned char *p = head;
	size_t i;

	if (n == 0)
		return SNIFF_EMPTY;
	if (has(p, n, "\x1f\x8b", 2))
		return SNIFF_GZIP;
	if (has(p, n, "PK\3\4", 4) || has(p, n, "PK\5\6", 4))
		return SNIFF_ZIP;
	if (has(p, n, "From ", 5))
		return SNIFF_MBOX;
	if (has(p, n, "\xff\xfe", 2) || has(p, n, "\xfe\xff", 2) ||
	    has(p, n, "<\0?\0", 4) || has(p, n, "\0<\0?", 4))
		return SNIFF_XML;
	if (has(p, n, "\xef\xbb\xbf", 3)) {
		p += 3;
		n -= 3;
	}
	for (i = 0; i < n && is_ws(p[i]); i++)
		;
	if (i == n)
		return SNIFF_EMPTY;
	if (is_xml(p + i, n - i))
		return SNIFF_XML;
	if (is_json(p + i, n - i))
		return SNIFF_JSON;
	if (is_header(p, n))
		return SNIFF_MESSAGE;
	return SNIFF_UNKNOWN;
}

const char *
unpack_what(const void *head, size_t n)
{
	static const struct {
		const char	*magic;
		size_t		 len;
		const char	*what;
	} tab[] = {
		{ "%PDF-", 5, "PDF document" },
		{ "\x89PNG", 4, "PNG image" },
		{ "GIF8", 4, "GIF image" },
		{ "\xff\xd8\xff", 3, "JPEG image" },
		{ "\x7f" "ELF", 4, "ELF executable" },
		{ "MZ", 2, "Windows executable" },
		{ "BZh", 3, "bzip2 data" },
		{ "\xfd" "7zXZ", 5, "xz data" },
		{ "7z\xbc\xaf\x27\x1c", 6, "7-Zip archive" },
		{ "Rar!", 4, "RAR archive" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd data" },
		{ "\xd0\xcf\x11\xe0", 4, "Microsoft Office document" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (has(head, n, tab[i].magic, tab[i].len))
			return tab[i].what;
	for (i = 0; i < n && is_ws(((const unsigned char *)head)[i]); i++)
		;
	if (i < n && is_html((const unsigned char *)head + i, n - i))
		return "HTML document";
	return "unknown content";
}

const char *
unpack_size_str(uint64_t v, char *out, size_t outlen)
{
	if (v >= 1024 * 1024 && v % (1024 * 1024) == 0)
		snprintf(out, outlen, "%llu MiB",
		    (unsigned long long)(v >> 20));
	else
		snprintf(out, outlen, "%llu bytes", (unsigned long long)v);
	return out;
}

void
unpack_name_append(struct buf *b, const char *s, size_t n, size_t max)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		if (i == max) {
			(void)buf_puts(b, "...");
			return;
		}
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			c = '?';
		if (buf_putc(b, (char)c) != DW_OK)
			return;
	}
}

void
unpack_seen_add(struct buf *b, const char *what)
{
	const char *p = buf_str(b);
	size_t m = strlen(what);

	if (m == 0)
		return;	/* nothing to note; strstr would not move */
	while ((p = strstr(p, what)) != NULL) {
		if ((p == b->data || p[-1] == ' ') &&
		    (p[m] == ',' || p[m] == '\0'))
			return;
		p += m;
	}
	if (b->len > 0 && buf_puts(b, ", ") != DW_OK)
		return;
	if (buf_puts(b, what) != DW_OK && b->len + 4 <= b->max)
		(void)buf_puts(b, "...");
}

void
unpack_err_prefix(struct dw_error *e, const char *pre)
{
	char tmp[DW_ERRMSG_MAX];

	if (e == NULL)
		return;
	memcpy(tmp, e->msg, sizeof(tmp));
	tmp[sizeof(tmp) - 1] = '\0';
	dw_fail(e, e->code, "%s%s", pre, tmp);
}

enum dw_err
unpack_layer(const struct unpack_ctx *u, unsigned layer, const char *what,
    struct dw_error *e)
{
	if (layer + 1 > u->lim->max_layers)
		return dw_fail(e, DW_ELIMIT, "%s: nested %u containers deep, "
		    "over the %u layer limit", what, layer + 1,
		    u->lim->max_layers);
	return DW_OK;
}

static enum dw_err
cap_read(struct rd *r, void *buf, size_t cap, size_t *got,
    struct dw_error *e)
{
	struct rd_cap *c = (struct rd_cap *)r;
	char lim[32];
	enum dw_err err;

	if (c->max - c->n < cap)
		cap = (size_t)(c->max - c->n) + 1;
	err = rd_read(c->inner, buf, cap, got, e);
	if (err != DW_OK)
		return err;
	c->n += *got;
	if (c->n > c->max)
		return dw_fail(e, DW_ELIMIT, "%s: document size over %s limit",
		    c->what, unpack_size_str(c->max, lim, sizeof(lim)));
	return DW_OK;
}

static void
cap_free(struct rd *r)
{
	(void)r;
}

enum dw_err
unpack_emit(struct unpack_ctx *u, struct rd *rd, const char *name,
    enum doc_kind kind, struct dw_error *e)
{
	struct rd_cap c = { { cap_read, cap_free }, rd, 0, u->lim->max_size,
	    kind == DOC_XML ? "xml" : kind == DOC_JSON ? "json" :
	    "feedback report" };
	struct doc d = { name, kind, &c.rd };
	enum dw_err err;

	u->ndocs++;
	err = u->cb(u->cbctx, &d, e);
	if (err != DW_OK)
		u->stopped = 1;
	return err;
}

static enum dw_err
dispatch(struct unpack_ctx *u, struct rd *pk, const char *name,
    unsigned layer, int flags, const unsigned char *p, size_t n,
    struct dw_error *e)
{
	switch (unpack_sniff(p, n)) {
	case SNIFF_EMPTY:
		return dw_fail(e, DW_ENOTREPORT, n == 0 ? "empty input" :
		    "blank input");
	case SNIFF_XML:
		return unpack_emit(u, pk, name, DOC_XML, e);
	case SNIFF_JSON:
		return unpack_emit(u, pk, name, DOC_JSON, e);
	case SNIFF_GZIP:
		return gz_unpack(u, pk, name, layer, e);
	case SNIFF_ZIP:
		return zip_unpack(u, pk, name, layer, e);
	case SNIFF_MBOX:
		if (flags & UNPACK_F_NOMAIL)
			break;
		return mbox_unpack(u, pk, name, layer, e);
	case SNIFF_MESSAGE:
		if (flags & UNPACK_F_NOMAIL)
			return dw_fail(e, DW_ENOTREPORT, "text, not a report "
			    "(" UNPACK_NEITHER ")");
		return mime_unpack(u, pk, name, layer, e);
	case SNIFF_UNKNOWN:
		break;
	}
	return dw_fail(e, DW_ENOTREPORT, "%s, not a report (" UNPACK_NEITHER
	    ")", unpack_what(p, n));
}

enum dw_err
unpack_rd(struct unpack_ctx *u, struct rd *in, const char *name,
    unsigned layer, int flags, struct dw_error *e)
{
	struct rd *pk;
	const void *p;
	size_t n;
	enum dw_err err;

	pk = rd_peek_new(in);
	if (pk == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	err = rd_peek(pk, SNIFF_HEAD, &p, &n, e);
	if (err == DW_OK)
		err = dispatch(u, pk, name, layer, flags, p, n, e);
	rd_free(pk);
	return err;
}

enum dw_err
unpack(struct rd *in, const char *name, const struct unpack_limits *lim,
    unpack_cb cb, void *ctx, struct dw_error *e)
{
	struct unpack_limits def;
	struct unpack_ctx u;

	if (lim == NULL) {
		unpack_limits_default(&def);
		lim = &def;
	}
	memset(&u, 0, sizeof(u));
	u.lim = lim;
	u.cb = cb;
	u.cbctx = ctx;
	return unpack_rd(&u, in, name != NULL ? name : "input", 0, 0, e);
}
