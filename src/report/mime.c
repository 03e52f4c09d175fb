/*
 * mime.c: the MIME layer through gmime-3.0.  A message is capped at
 * max_message, so it is read into memory and parsed there.  Every part is
 * walked, with caps on the part count and on nesting (multipart levels and
 * message/rfc822 alike); each leaf is decoded by gmime (base64, quoted-
 * printable) and its bytes, not its labels, say whether it holds a report.
 * message/feedback-report parts are the one exception: they are text and
 * are known by their type.  File names (RFC 2047/2231) are only shown.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime_int.h"
#include "unpack_int.h"

#define MIME_FILENAME_MAX	200	/* bytes of a file name shown */

struct mime_walk {
	struct unpack_ctx *u;
	const char	*name;
	unsigned	 layer;
	unsigned	 parts;		/* objects seen, every kind */
	unsigned	 leaves;	/* leaf parts, numbered from 1 */
	struct buf	 seen;		/* types of the leaves */
	struct buf	 dname;
};

static pthread_once_t mime_once = PTHREAD_ONCE_INIT;

static void
mime_init(void)
{
	g_mime_init();
}

void
mime_init_once(void)
{
	pthread_once(&mime_once, mime_init);
}

static int
ci_before(const char *start, const char *slash, const char *word)
{
	size_t m = strlen(word);
	const char *w;

	if ((size_t)(slash - start) < m)
		return 0;
	w = slash - m;
	if (g_ascii_strncasecmp(w, word, m) != 0)
		return 0;
	return w == start || w[-1] == ':' || w[-1] == '"' || w[-1] == ' ' ||
	    w[-1] == '\t' || w[-1] == '\n' || w[-1] == '\r';
}

/*
 * Counting every occurrence, headers or not, errs on the side of
 * refusing.
 */
unsigned
mime_count_levels(const char *p, size_t n)
{
	const char *end = p + n, *start = p, *q;
	unsigned c = 0;

	while (p < end) {
		q = memchr(p, '/', (size_t)(end - p));
		if (q == NULL)
			break;
		if (ci_before(start, q, "multipart") ||
		    ci_before(start, q, "message"))
			c++;
		p = q + 1;
	}
	return c;
}

static void
seen_type(struct mime_walk *w, const char *type)
{
	unpack_seen_add(&w->seen, type);
}

static enum dw_err
leaf_content(struct mime_walk *w, GMimePart *part, const char *type,
    GByteArray *arr, struct dw_error *e)
{
	const char *fn = g_mime_part_get_filename(part);
	struct dw_error pe;
	struct rd *rd;
	enum dw_err err;

	buf_reset(&w->dname);
	(void)buf_printf(&w->dname, "%s#%u", w->name, w->leaves);
	if (fn != NULL && *fn != '\0') {
		(void)buf_putc(&w->dname, '!');
		unpack_name_append(&w->dname, fn, strlen(fn),
		    MIME_FILENAME_MAX);
	}
	rd = rd_mem_new(arr->data, arr->len);
	if (rd == NULL)
		return dw_fail(e, DW_ENOMEM, "MIME: out of memory");
	dw_error_clear(&pe);
	if (strcmp(type, "message/feedback-report") == 0)
		err = unpack_emit(w->u, rd, buf_str(&w->dname), DOC_FEEDBACK,
		    &pe);
	else
		err = unpack_rd(w->u, rd, buf_str(&w->dname), w->layer + 1,
		    UNPACK_F_NOMAIL, &pe);
	rd_free(rd);
	if (err == DW_ENOTREPORT && !w->u->stopped) {
		seen_type(w, type);
		return DW_OK;
	}
	if (err != DW_OK && e != NULL)
		*e = pe;
	return err;
}

static int
is_b64(unsigned char c)
{
	return g_ascii_isalnum(c) || c == '+' || c == '/';
}

/*
 * Decodes base64 the way gmime does (white space and characters outside
 * the alphabet skipped), but keeps a last group whose '=' padding is
 * missing, which gmime would drop.
 */
static GByteArray *
b64_decode(GMimeDataWrapper *dw)
{
	GMimeStream *raw = g_mime_data_wrapper_get_stream(dw);
	GMimeStream *ms = g_mime_stream_mem_new();
	GByteArray *in, *out = NULL;
	size_t i, n = 0, len;
	guint32 save = 0;
	int state = 0, pad = 0;

	g_mime_stream_reset(raw);
	if (g_mime_stream_write_to_stream(raw, ms) < 0)
		goto out;
	in = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	for (i = 0; i < in->len && !pad; i++) {
		if (in->data[i] == '=')
			pad = 1;
		else if (is_b64(in->data[i]))
			n++;
	}
	if (!pad && n % 4 >= 2)
		g_byte_array_append(in, (const guint8 *)"==",
		    (guint)(4 - n % 4));
	out = g_byte_array_new();
	g_byte_array_set_size(out, in->len / 4 * 3 + 3);
	len = g_mime_encoding_base64_decode_step(in->data, in->len,
	    out->data, &state, &save);
	g_byte_array_set_size(out, (guint)len);
out:
	g_object_unref(ms);
	return out;
}

static GByteArray *
decode(GMimeDataWrapper *dw)
{
	GMimeStream *ms;
	GByteArray *arr, *out;

	if (g_mime_data_wrapper_get_encoding(dw) ==
	    GMIME_CONTENT_ENCODING_BASE64)
		return b64_decode(dw);
	ms = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(dw, ms) < 0) {
		g_object_unref(ms);
		return NULL;
	}
	arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	out = g_byte_array_new_take(arr->data, arr->len);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(ms), FALSE);
	arr->data = NULL;
	arr->len = 0;
	g_byte_array_free(arr, TRUE);
	g_object_unref(ms);
	return out;
}

GByteArray *
mime_part_bytes(GMimePart *part)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);

	return dw != NULL ? decode(dw) : NULL;
}

static enum dw_err
leaf(struct mime_walk *w, GMimePart *part, struct dw_error *e)
{
	GMimeContentType *ct;
	GMimeDataWrapper *dw;
	GByteArray *arr;
	char *type, *t;
	enum dw_err err = DW_OK;

	w->leaves++;
	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	type = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	if (type == NULL)
		type = g_strdup("text/plain");
	for (t = type; *t != '\0'; t++)
		*t = g_ascii_tolower(*t);
	dw = g_mime_part_get_content(part);
	if (dw == NULL) {
		seen_type(w, type);
		g_free(type);
		return DW_OK;
	}
	arr = decode(dw);
	if (arr == NULL)
		err = dw_fail(e, DW_ESYNTAX, "MIME: part %u (%s) cannot be "
		    "decoded", w->leaves, type);
	else
		err = leaf_content(w, part, type, arr, e);
	if (arr != NULL)
		g_byte_array_unref(arr);
	g_free(type);
	return err;
}

static enum dw_err
walk(struct mime_walk *w, GMimeObject *o, unsigned depth,
    struct dw_error *e)
{
	GMimeMessage *m;
	enum dw_err err;
	int i, n;

	if (++w->parts > w->u->lim->max_parts)
		return dw_fail(e, DW_ELIMIT, "MIME: more than %u parts (part "
		    "limit)", w->u->lim->max_parts);
	if (depth > w->u->lim->max_depth)
		return dw_fail(e, DW_ELIMIT, "MIME: nested more than %u levels "
		    "deep (depth limit)", w->u->lim->max_depth);
	if (GMIME_IS_MULTIPART(o)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(o));
		for (i = 0; i < n; i++) {
			err = walk(w, g_mime_multipart_get_part(
			    GMIME_MULTIPART(o), i), depth + 1, e);
			if (err != DW_OK)
				return err;
		}
		return DW_OK;
	}
	if (GMIME_IS_MESSAGE_PART(o)) {
		m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		if (m == NULL || g_mime_message_get_mime_part(m) == NULL)
			return DW_OK;
		return walk(w, g_mime_message_get_mime_part(m), depth + 1, e);
	}
	if (GMIME_IS_PART(o))
		return leaf(w, GMIME_PART(o), e);
	return DW_OK;
}

GMimeMessage *
mime_message_parse(GByteArray *arr)
{
	GMimeStream *st;
	GMimeParser *p;
	GMimeMessage *m;

	st = g_mime_stream_mem_new_with_byte_array(arr);
	p = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	return m;
}

static enum dw_err
parse(struct mime_walk *w, GByteArray *arr, struct dw_error *e)
{
	GMimeMessage *m;
	uint64_t before = w->u->ndocs;
	enum dw_err err;

	m = mime_message_parse(arr);
	if (m == NULL)
		return dw_fail(e, DW_ESYNTAX, "MIME: not a parseable message");
	if (g_mime_message_get_mime_part(m) == NULL)
		err = dw_fail(e, DW_ENOTREPORT, "MIME message has no body, "
		    "no report");
	else
		err = walk(w, g_mime_message_get_mime_part(m), 0, e);
	g_object_unref(m);
	if (err != DW_OK || w->u->ndocs > before)
		return err;
	return dw_fail(e, DW_ENOTREPORT, "MIME message has no report part "
	    "(parts: %s)", w->seen.len > 0 ? buf_str(&w->seen) : "none");
}

enum dw_err
mime_unpack(struct unpack_ctx *u, struct rd *in, const char *name,
    unsigned layer, struct dw_error *e)
{
	const struct unpack_limits *lim = u->lim;
	struct mime_walk w = { .u = u, .name = name, .layer = layer };
	struct buf mb;
	GByteArray *arr;
	char ls[32];
	size_t len;
	char *data;
	unsigned lv;
	enum dw_err err;

	err = unpack_layer(u, layer, "MIME", e);
	if (err != DW_OK)
		return err;
	/* gmime's buffers count in guint */
	buf_init(&mb, lim->max_message > G_MAXUINT - 1 ? G_MAXUINT - 1 :
	    (size_t)lim->max_message);
	err = rd_slurp(in, &mb, e);
	if (err == DW_ELIMIT)
		err = dw_fail(e, err, "MIME: message over %s limit",
		    unpack_size_str(lim->max_message, ls, sizeof(ls)));
	if (err != DW_OK) {
		buf_fini(&mb);
		return err;
	}
	lv = mime_count_levels(buf_str(&mb), mb.len);
	if (lv > lim->max_parts) {
		buf_fini(&mb);
		return dw_fail(e, DW_ELIMIT, "MIME: %u multipart or message "
		    "types, over the %u part limit (nesting depth limit %u)",
		    lv, lim->max_parts, lim->max_depth);
	}
	mime_init_once();
	data = buf_steal(&mb, &len);
	arr = g_byte_array_new();
	if (data != NULL)
		g_byte_array_append(arr, (const guint8 *)data, (guint)len);
	free(data);
	buf_init(&w.seen, UNPACK_SEEN_MAX);
	buf_init(&w.dname, UNPACK_NAME_MAX);
	err = parse(&w, arr, e);
	buf_fini(&w.seen);
	buf_fini(&w.dname);
	return err;
}
