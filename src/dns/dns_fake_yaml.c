/* dns_fake_yaml.c: zone data from YAML ("zonedata:" of the SPF suite). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "dns_fake.h"

#define ZONE_STRINGS_MAX	256	/* character-strings in one TXT */
#define ZONE_VALUE_MAX		65536	/* bytes of one decoded value */
#define ZONE_TLSA_DATA_MAX	1024	/* bytes of TLSA certificate data */

static enum dw_err
bad(struct dw_error *e, const yaml_node_t *n, const char *what)
{
	return dw_fail(e, DW_ESYNTAX, "zone data line %lu: %s",
	    n != NULL ? (unsigned long)n->start_mark.line + 1 : 0UL, what);
}

/*
 * A double-quoted scalar stands for bytes written as "\xNN" escapes, which
 * YAML turned into code points U+0000..U+00FF: turn them back into bytes.
 * Other scalars keep their UTF-8.  out must hold len + 1 bytes.
 */
static size_t
scalar_bytes(const yaml_node_t *n, char *out)
{
	const unsigned char *s = n->data.scalar.value;
	size_t len = n->data.scalar.length, i, o = 0;

	if (n->data.scalar.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		memcpy(out, s, len);
		return len;
	}
	for (i = 0; i < len; i++) {
		if ((s[i] == 0xc2 || s[i] == 0xc3) && i + 1 < len &&
		    (s[i + 1] & 0xc0) == 0x80) {
			out[o++] = (char)(((s[i] & 0x03) << 6) |
			    (s[i + 1] & 0x3f));
			i++;
		} else {
			out[o++] = (char)s[i];
		}
	}
	return o;
}

static const char *
scalar(yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static enum dw_err
load_txt(struct dns_resolver *r, yaml_document_t *doc, const char *name,
    enum dns_type type, yaml_node_t *v, struct dw_error *e)
{
	const char *strs[ZONE_STRINGS_MAX];
	size_t lens[ZONE_STRINGS_MAX], n = 0;
	yaml_node_item_t *it;
	enum dw_err err;
	char *mem;

	if (v->type == YAML_SCALAR_NODE && type == DNS_T_TXT &&
	    v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    strcmp(scalar(v), "NONE") == 0)
		return dns_fake_add_txt_none(r, name);
	if (v->type == YAML_SCALAR_NODE) {
		mem = malloc(v->data.scalar.length + 1);
		if (mem == NULL)
			return DW_ENOMEM;
		lens[0] = scalar_bytes(v, mem);
		strs[0] = mem;
		err = dns_fake_add_txt(r, name, type, strs, lens, 1);
		free(mem);
		return err;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return bad(e, v, "TXT wants a string or a list of strings");
	mem = malloc(ZONE_VALUE_MAX);
	if (mem == NULL)
		return DW_ENOMEM;
	err = DW_OK;
	size_t used = 0;
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		yaml_node_t *s = yaml_document_get_node(doc, *it);

		if (s == NULL || s->type != YAML_SCALAR_NODE ||
		    n == ZONE_STRINGS_MAX ||
		    s->data.scalar.length >= ZONE_VALUE_MAX - used) {
			err = bad(e, s, "bad or too long TXT string list");
			break;
		}
		strs[n] = mem + used;
		lens[n] = scalar_bytes(s, mem + used);
		used += lens[n++];
	}
	if (err == DW_OK)
		err = dns_fake_add_txt(r, name, type, strs, lens, n);
	free(mem);
	return err;
}

static enum dw_err
load_mx(struct dns_resolver *r, yaml_document_t *doc, const char *name,
    yaml_node_t *v, struct dw_error *e)
{
	yaml_node_t *p, *h;
	const char *ps;
	char *end;
	unsigned long pref;

	if (v->type != YAML_SEQUENCE_NODE ||
	    v->data.sequence.items.top - v->data.sequence.items.start != 2)
		return bad(e, v, "MX wants [preference, exchange]");
	p = yaml_document_get_node(doc, v->data.sequence.items.start[0]);
	h = yaml_document_get_node(doc, v->data.sequence.items.start[1]);
	ps = scalar(p);
	if (ps == NULL || scalar(h) == NULL || *ps < '0' || *ps > '9')
		return bad(e, v, "MX wants [preference, exchange]");
	pref = strtoul(ps, &end, 10);
	if (*end != '\0' || pref > 65535)
		return bad(e, v, "MX preference out of range");
	return dns_fake_add_mx(r, name, (unsigned)pref, scalar(h));
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* TLSA: [usage, selector, matching type, "hex of the data"] */
static enum dw_err
load_tlsa(struct dns_resolver *r, yaml_document_t *doc, const char *name,
    yaml_node_t *v, struct dw_error *e)
{
	uint8_t rd[3 + ZONE_TLSA_DATA_MAX];
	const char *hex;
	size_t i, n;
	int hi, lo;

	if (v->type != YAML_SEQUENCE_NODE ||
	    v->data.sequence.items.top - v->data.sequence.items.start != 4)
		return bad(e, v, "TLSA wants [usage, selector, matching type, "
		    "hex data]");
	for (i = 0; i < 3; i++) {
		const char *f = scalar(yaml_document_get_node(doc,
		    v->data.sequence.items.start[i]));
		char *end;
		unsigned long x;

		if (f == NULL || *f < '0' || *f > '9')
			return bad(e, v, "TLSA fields are numbers");
		x = strtoul(f, &end, 10);
		if (*end != '\0' || x > 255)
			return bad(e, v, "TLSA field out of range 0..255");
		rd[i] = (uint8_t)x;
	}
	hex = scalar(yaml_document_get_node(doc,
	    v->data.sequence.items.start[3]));
	if (hex == NULL || strlen(hex) % 2 != 0 ||
	    strlen(hex) / 2 > ZONE_TLSA_DATA_MAX)
		return bad(e, v, "TLSA data wants an even number of hex "
		    "digits (at most 1024 bytes)");
	n = strlen(hex) / 2;
	for (i = 0; i < n; i++) {
		hi = hexval(hex[2 * i]);
		lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return bad(e, v, "TLSA data is not hex");
		rd[3 + i] = (uint8_t)(hi << 4 | lo);
	}
	return dns_fake_add_raw(r, name, DNS_T_TLSA, rd, 3 + n);
}

static enum dw_err
load_one(struct dns_resolver *r, const char *name, enum dns_type type,
    yaml_node_t *v, struct dw_error *e)
{
	enum dw_err err;

	if (scalar(v) == NULL)
		return bad(e, v, "a record value must be a string");
	if (type == DNS_T_A || type == DNS_T_AAAA) {
		err = dns_fake_add_addr(r, name, scalar(v));
		return err == DW_EINVAL ? bad(e, v, "bad address") : err;
	}
	return dns_fake_add_name(r, name, type, scalar(v));
}

/* DNSSEC: secure | insecure | bogus -- the status of the name's answers */
static enum dw_err
load_sec(struct dns_resolver *r, const char *name, yaml_node_t *v,
    struct dw_error *e)
{
	static const struct {
		const char	*word;
		enum dns_sec	 sec;
	} w[] = {
		{ "secure", DNS_SEC_SECURE }, { "insecure", DNS_SEC_INSECURE },
		{ "bogus", DNS_SEC_BOGUS },
	};
	size_t i;

	for (i = 0; scalar(v) != NULL && i < sizeof(w) / sizeof(w[0]); i++)
		if (strcmp(scalar(v), w[i].word) == 0)
			return dns_fake_set_sec(r, name, w[i].sec);
	return bad(e, v, "DNSSEC wants secure, insecure or bogus");
}

static enum dw_err
load_value(struct dns_resolver *r, yaml_document_t *doc, const char *name,
    const char *key, yaml_node_t *v, struct dw_error *e)
{
	enum dns_type type;
	yaml_node_item_t *it;
	enum dw_err err;

	if (strcasecmp(key, "TIMEOUT") == 0 || strcasecmp(key, "SERVFAIL")
	    == 0)
		return dns_fake_add_timeout(r, name);
	if (strcasecmp(key, "DNSSEC") == 0)
		return load_sec(r, name, v, e);
	if (!dns_type_parse(key, &type))
		return bad(e, v, "unknown record type");
	if (type == DNS_T_TLSA)
		return load_tlsa(r, doc, name, v, e);
	if (type == DNS_T_TXT || type == DNS_T_SPF)
		return load_txt(r, doc, name, type, v, e);
	if (type == DNS_T_MX)
		return load_mx(r, doc, name, v, e);
	if (v->type != YAML_SEQUENCE_NODE)
		return load_one(r, name, type, v, e);
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		err = load_one(r, name, type,
		    yaml_document_get_node(doc, *it), e);
		if (err != DW_OK)
			return err;
	}
	return DW_OK;
}

static enum dw_err
load_entry(struct dns_resolver *r, yaml_document_t *doc, const char *name,
    yaml_node_t *item, struct dw_error *e)
{
	yaml_node_pair_t *p;
	enum dw_err err;

	if (item == NULL)
		return bad(e, item, "bad entry");
	if (item->type == YAML_SCALAR_NODE) {
		if (strcmp(scalar(item), "TIMEOUT") != 0)
			return bad(e, item, "unknown marker");
		return dns_fake_add_timeout(r, name);
	}
	if (item->type != YAML_MAPPING_NODE)
		return bad(e, item, "an entry must be TYPE: value");
	for (p = item->data.mapping.pairs.start;
	    p < item->data.mapping.pairs.top; p++) {
		const char *key = scalar(yaml_document_get_node(doc, p->key));
		yaml_node_t *v = yaml_document_get_node(doc, p->value);

		if (key == NULL || v == NULL)
			return bad(e, item, "an entry must be TYPE: value");
		err = load_value(r, doc, name, key, v, e);
		if (err != DW_OK)
			return err;
	}
	return DW_OK;
}

enum dw_err
dns_fake_load_node(struct dns_resolver *r, yaml_document_t *doc,
    yaml_node_t *map, struct dw_error *e)
{
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	enum dw_err err;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return bad(e, map, "zone data must be a mapping of names");
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		const char *name = scalar(yaml_document_get_node(doc,
		    p->key));
		yaml_node_t *list = yaml_document_get_node(doc, p->value);

		if (name == NULL || list == NULL)
			return bad(e, map, "bad owner name");
		if (list->type == YAML_SCALAR_NODE &&
		    list->data.scalar.length == 0)
			continue;	/* "name:" with nothing */
		if (list->type != YAML_SEQUENCE_NODE)
			return bad(e, list, "records must be a list");
		for (it = list->data.sequence.items.start;
		    it < list->data.sequence.items.top; it++) {
			err = load_entry(r, doc, name,
			    yaml_document_get_node(doc, *it), e);
			if (err != DW_OK)
				return err;
		}
	}
	return dns_fake_finish(r);
}

static yaml_node_t *
zonedata_of(yaml_document_t *doc, yaml_node_t *root)
{
	yaml_node_pair_t *p;

	if (root == NULL || root->type != YAML_MAPPING_NODE)
		return root;
	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(doc, p->key));

		if (k != NULL && strcmp(k, "zonedata") == 0)
			return yaml_document_get_node(doc, p->value);
		if (k != NULL && (strcmp(k, "tests") == 0 ||
		    strcmp(k, "description") == 0))
			return NULL;
	}
	return root;
}

enum dw_err
dns_fake_load_yaml(struct dns_resolver *r, const char *buf, size_t len,
    struct dw_error *e)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *zone;
	enum dw_err err = DW_OK;
	int ndocs = 0;

	if (!yaml_parser_initialize(&parser))
		return DW_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf,
	    len);
	for (;;) {
		if (!yaml_parser_load(&parser, &doc)) {
			err = dw_fail(e, DW_ESYNTAX,
			    "zone data line %lu: %s",
			    (unsigned long)parser.problem_mark.line + 1,
			    parser.problem != NULL ? parser.problem :
			    "YAML error");
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (root == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		ndocs++;
		zone = zonedata_of(&doc, root);
		if (zone != NULL)
			err = dns_fake_load_node(r, &doc, zone, e);
		yaml_document_delete(&doc);
		if (err != DW_OK)
			break;
	}
	yaml_parser_delete(&parser);
	if (err == DW_OK && ndocs == 0)
		err = dw_fail(e, DW_ESYNTAX, "zone data: empty");
	return err;
}

enum dw_err
dns_fake_from_file(const char *path, size_t max, struct dns_resolver **out,
    struct dw_error *e)
{
	struct dns_resolver *r;
	struct dw_error le;
	struct buf b;
	enum dw_err err;

	*out = NULL;
	if ((err = buf_read_file(&b, path, max, e)) != DW_OK)
		return err;
	if (err == DW_OK && (r = dns_fake_new()) == NULL)
		err = dw_fail(e, DW_ENOMEM, "out of memory");
	if (err == DW_OK && dns_fake_load_yaml(r, buf_str(&b), b.len, &le) !=
	    DW_OK) {
		err = dw_fail(e, le.code, "%s: %s", path, le.msg);
		dns_free(r);
	} else if (err == DW_OK) {
		*out = r;
	}
	buf_fini(&b);
	return err;
}
