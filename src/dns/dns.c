/* dns.c: what every resolver shares: dispatch, names, answer copies. */
#include <string.h>
#include <strings.h>

#include "dns.h"

enum dw_err
dns_submit(struct dns_resolver *r, struct arena *a, const char *name,
    enum dns_type type, DNS_CB(cb), void *arg)
{
	r->nqueries++;
	return r->ops->submit(r, a, name, type, cb, arg);
}

enum dw_err
dns_wait(struct dns_resolver *r)
{
	return r->ops->wait(r);
}

enum dw_err
dns_poll(struct dns_resolver *r)
{
	return r->ops->poll(r);
}

size_t
dns_pending(const struct dns_resolver *r)
{
	return r->ops->pending(r);
}

void
dns_free(struct dns_resolver *r)
{
	if (r != NULL)
		r->ops->free(r);
}

struct sync_query {
	bool			 done;
	enum dw_err		 err;
	const struct dns_answer	*ans;
};

static void
sync_done(void *arg, enum dw_err err, const struct dns_answer *ans)
{
	struct sync_query *q = arg;

	q->done = true;
	q->err = err;
	q->ans = ans;
}

enum dw_err
dns_query(struct dns_resolver *r, struct arena *a, const char *name,
    enum dns_type type, const struct dns_answer **ans)
{
	struct sync_query q = { false, DW_OK, NULL };
	enum dw_err err;

	*ans = NULL;
	err = dns_submit(r, a, name, type, sync_done, &q);
	if (err != DW_OK)
		return err;
	while (!q.done) {
		err = dns_wait(r);
		if (err != DW_OK && !q.done)
			return err;
		if (!q.done)
			return DW_EINVAL;	/* lost by the backend */
	}
	*ans = q.err == DW_OK || q.err == DW_EDNS_PERM ||
	    q.err == DW_EDNS_TEMP ? q.ans : NULL;
	return q.err;
}

static const struct {
	enum dns_type	 t;
	const char	*name;
} types[] = {
	{ DNS_T_A, "A" }, { DNS_T_CNAME, "CNAME" }, { DNS_T_PTR, "PTR" },
	{ DNS_T_MX, "MX" }, { DNS_T_TXT, "TXT" }, { DNS_T_AAAA, "AAAA" },
	{ DNS_T_TLSA, "TLSA" }, { DNS_T_SPF, "SPF" },
};

const char *
dns_sec_name(enum dns_sec s)
{
	static const char *const names[] = {
		[DNS_SEC_UNCHECKED] = "unchecked",
		[DNS_SEC_INSECURE] = "insecure",
		[DNS_SEC_SECURE] = "secure",
		[DNS_SEC_BOGUS] = "bogus",
	};

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *
dns_type_name(enum dns_type t)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].t == t)
			return types[i].name;
	return "TYPE?";
}

bool
dns_type_parse(const char *s, enum dns_type *out)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcasecmp(types[i].name, s) == 0) {
			*out = types[i].t;
			return true;
		}
	}
	return false;
}

enum dw_err
dns_name_norm(const char *name, char *out, size_t outsz)
{
	size_t n = strlen(name), i, label = 0;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_NAME_MAX || n + 1 > outsz)
		return DW_ESYNTAX;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return DW_ESYNTAX;
			label = 0;
		} else if (++label > DNS_LABEL_MAX) {
			return DW_ESYNTAX;
		}
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	if (label == 0)
		return DW_ESYNTAX;
	out[n] = '\0';
	return DW_OK;
}

void
dns_reverse_name(const uint8_t *addr, bool v6, char *out, size_t sz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	int i;

	if (sz < DNS_NAME_MAX + 1) {
		if (sz > 0)
			out[0] = '\0';
		return;
	}
	if (!v6) {
		for (i = 3; i >= 0; i--) {
			unsigned v = addr[i];

			if (v >= 100)
				out[o++] = (char)('0' + v / 100);
			if (v >= 10)
				out[o++] = (char)('0' + v / 10 % 10);
			out[o++] = (char)('0' + v % 10);
			out[o++] = '.';
		}
		memcpy(out + o, "in-addr.arpa", sizeof("in-addr.arpa"));
		return;
	}
	for (i = 15; i >= 0; i--) {
		out[o++] = hex[addr[i] & 0xf];
		out[o++] = '.';
		out[o++] = hex[addr[i] >> 4];
		out[o++] = '.';
	}
	memcpy(out + o, "ip6.arpa", sizeof("ip6.arpa"));
}

static char *
dup_or_null(struct arena *a, const char *s, bool *fail)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = arena_strdup(a, s);
	if (d == NULL)
		*fail = true;
	return d;
}

static bool
copy_rr(struct arena *a, enum dns_type t, struct dns_rr *d,
    const struct dns_rr *s)
{
	bool fail = false;

	*d = *s;
	switch (t) {
	case DNS_T_A:
	case DNS_T_AAAA:
		break;
	case DNS_T_MX:
		d->u.mx.host = dup_or_null(a, s->u.mx.host, &fail);
		break;
	case DNS_T_PTR:
	case DNS_T_CNAME:
		d->u.name = dup_or_null(a, s->u.name, &fail);
		break;
	case DNS_T_TXT:
	case DNS_T_SPF:
		d->u.txt.data = arena_strndup(a, s->u.txt.data,
		    s->u.txt.len);
		fail = d->u.txt.data == NULL;
		break;
	default:
		d->u.raw.data = arena_alloc(a, s->u.raw.len + 1);
		if (d->u.raw.data == NULL)
			return false;
		memcpy(d->u.raw.data, s->u.raw.data, s->u.raw.len);
		break;
	}
	return !fail;
}

struct dns_answer *
dns_answer_copy(struct arena *a, const struct dns_answer *src)
{
	struct dns_answer *d = arena_alloc(a, sizeof(*d));
	bool fail = false;
	size_t i;

	if (d == NULL)
		return NULL;
	*d = *src;
	d->qname = dup_or_null(a, src->qname, &fail);
	d->canon = dup_or_null(a, src->canon, &fail);
	d->why = dup_or_null(a, src->why, &fail);
	d->rr = NULL;
	if (src->n > 0) {
		d->rr = arena_alloc(a, src->n * sizeof(*d->rr));
		if (d->rr == NULL)
			return NULL;
		for (i = 0; i < src->n; i++)
			if (!copy_rr(a, src->type, &d->rr[i], &src->rr[i]))
				fail = true;
	}
	return fail ? NULL : d;
}

enum dw_err
dns_txt_from_rdata(struct arena *a, const uint8_t *rd, size_t len,
    struct dns_rr *rr)
{
	size_t i = 0, total = 0, o = 0;
	char *p;

	rr->u.txt.nstrings = 0;
	rr->u.txt.longest = 0;
	while (i < len) {
		size_t l = rd[i];

		if (l > len - i - 1)
			return DW_ESYNTAX;
		total += l;
		rr->u.txt.nstrings++;
		if (l > rr->u.txt.longest)
			rr->u.txt.longest = l;
		i += 1 + l;
	}
	p = arena_alloc(a, total + 1);
	if (p == NULL)
		return DW_ENOMEM;
	for (i = 0; i < len; i += 1 + rd[i]) {
		memcpy(p + o, rd + i + 1, rd[i]);
		o += rd[i];
	}
	p[o] = '\0';
	rr->u.txt.data = p;
	rr->u.txt.len = o;
	return DW_OK;
}
