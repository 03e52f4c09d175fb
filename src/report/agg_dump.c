/*
 * agg_dump.c: normalized JSON of a report and its records (agg_dump.h).
 * Errors are sticky: each helper does nothing once one append failed, and
 * the caller checks once at the end.
 */
#include <inttypes.h>
#include <stdio.h>

#include "agg_dump.h"

struct out {
	struct buf	*b;
	enum dw_err	 err;
};

static void
raw(struct out *o, const char *s)
{
	if (o->err == DW_OK)
		o->err = buf_puts(o->b, s);
}

static void
str(struct out *o, const char *s)
{
	if (o->err == DW_OK)
		o->err = agg_json_str(o->b, s);
}

/* ,"key": then the value comes; first says whether to omit the comma */
static void
key(struct out *o, const char *k, bool first)
{
	raw(o, first ? "\"" : ",\"");
	raw(o, k);
	raw(o, "\":");
}

static void
kstr(struct out *o, const char *k, const char *v)
{
	key(o, k, false);
	str(o, v);
}

static void
kint(struct out *o, const char *k, int64_t v)
{
	char n[32];

	snprintf(n, sizeof(n), "%" PRId64, v);
	key(o, k, false);
	raw(o, n);
}

enum dw_err
agg_json_str(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run;
	char esc[7];
	enum dw_err err;

	if (s == NULL)
		return buf_puts(out, "null");
	if ((err = buf_putc(out, '"')) != DW_OK)
		return err;
	for (run = s; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		if ((err = buf_append(out, run, (size_t)(s - run))) != DW_OK)
			return err;
		run = s + 1;
		esc[0] = '\\';
		esc[1] = c == '"' ? '"' : c == '\\' ? '\\' : c == '\n' ? 'n' :
		    c == '\t' ? 't' : c == '\r' ? 'r' : 'u';
		esc[2] = '\0';
		if (esc[1] == 'u') {
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			esc[6] = '\0';
		}
		if ((err = buf_puts(out, esc)) != DW_OK)
			return err;
	}
	if ((err = buf_append(out, run, (size_t)(s - run))) != DW_OK)
		return err;
	return buf_putc(out, '"');
}

enum dw_err
agg_report_json(const struct agg_report *r, struct buf *out)
{
	const struct agg_policy *p = &r->policy;
	struct out o = { out, DW_OK };
	size_t i;

	raw(&o, "{");
	key(&o, "schema", true);
	str(&o, agg_schema_name(r->schema));
	kstr(&o, "version", r->version);
	kstr(&o, "org_name", r->org_name);
	kstr(&o, "email", r->email);
	kstr(&o, "extra_contact_info", r->extra_contact_info);
	kstr(&o, "report_id", r->report_id);
	kstr(&o, "generator", r->generator);
	kint(&o, "begin", r->begin);
	kint(&o, "end", r->end);
	key(&o, "errors", false);
	raw(&o, "[");
	for (i = 0; i < r->nerrors; i++) {
		if (i > 0)
			raw(&o, ",");
		str(&o, r->errors[i]);
	}
	raw(&o, "]");
	key(&o, "policy", false);
	raw(&o, "{");
	key(&o, "domain", true);
	str(&o, p->domain);
	kstr(&o, "adkim", p->adkim);
	kstr(&o, "aspf", p->aspf);
	kstr(&o, "p", p->p);
	kstr(&o, "sp", p->sp);
	kstr(&o, "np", p->np);
	if (p->pct >= 0)
		kint(&o, "pct", p->pct);
	else
		kstr(&o, "pct", NULL);
	kstr(&o, "fo", p->fo);
	kstr(&o, "testing", p->testing);
	kstr(&o, "discovery_method", p->discovery_method);
	raw(&o, "}");
	kstr(&o, "repairs", r->repairs);
	raw(&o, "}");
	return o.err;
}

static void
auth_json(struct out *o, const struct agg_auth *a)
{
	raw(o, "{");
	key(o, "kind", true);
	str(o, a->kind == AGG_AUTH_DKIM ? "dkim" : "spf");
	kstr(o, "domain", a->domain);
	if (a->kind == AGG_AUTH_DKIM)
		kstr(o, "selector", a->selector);
	else
		kstr(o, "scope", a->scope);
	kstr(o, "result", a->result);
	kstr(o, "human_result", a->human_result);
	raw(o, "}");
}

static void
invalid_json(struct out *o, unsigned inv)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} names[] = {
		{ AGG_INVALID_HEADER_FROM, "header_from" },
		{ AGG_INVALID_ENVELOPE_FROM, "envelope_from" },
		{ AGG_INVALID_ENVELOPE_TO, "envelope_to" },
		{ AGG_INVALID_AUTH_DOMAIN, "auth_domain" },
	};
	size_t i;
	bool first = true;

	key(o, "invalid", false);
	raw(o, "[");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(inv & names[i].bit))
			continue;
		if (!first)
			raw(o, ",");
		str(o, names[i].name);
		first = false;
	}
	raw(o, "]");
}

enum dw_err
agg_record_json(const struct agg_record *rec, struct buf *out)
{
	struct out o = { out, DW_OK };
	char n[32];
	size_t i;

	raw(&o, "{");
	key(&o, "source_ip", true);
	str(&o, rec->source_ip);
	snprintf(n, sizeof(n), "%" PRIu64, rec->count);
	key(&o, "count", false);
	raw(&o, n);
	kstr(&o, "disposition", rec->disposition);
	kstr(&o, "dkim", rec->dkim);
	kstr(&o, "spf", rec->spf);
	key(&o, "reasons", false);
	raw(&o, "[");
	for (i = 0; i < rec->nreasons; i++) {
		raw(&o, i > 0 ? ",{" : "{");
		key(&o, "type", true);
		str(&o, rec->reasons[i].type);
		kstr(&o, "comment", rec->reasons[i].comment);
		raw(&o, "}");
	}
	raw(&o, "]");
	kstr(&o, "header_from", rec->header_from);
	kstr(&o, "envelope_from", rec->envelope_from);
	kstr(&o, "envelope_to", rec->envelope_to);
	key(&o, "auth", false);
	raw(&o, "[");
	for (i = 0; i < rec->nauth; i++) {
		if (i > 0)
			raw(&o, ",");
		auth_json(&o, &rec->auth[i]);
	}
	raw(&o, "]");
	invalid_json(&o, rec->invalid);
	raw(&o, "}");
	return o.err;
}
