/*
 * catalog.c: the known-service catalog (catalog.h).  Services live in one
 * array, their strings in the catalog's arena; two hash tables map a rule
 * domain to its service for the PTR and DKIM signals.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "catalog.h"
#include "conf/inilex.h"
#include "dns/dns.h"

static const char *const type_keys[SVC_NTYPES] = {
	"corporate", "patient", "scheduling", "billing", "marketing", "hr",
	"it",
};
static const char *const type_labels[SVC_NTYPES] = {
	"corporate mail", "patient communication", "scheduling", "billing",
	"marketing", "HR", "IT",
};

struct slot {
	const char	*dom;		/* NULL: empty */
	uint32_t	 svc;
};

struct index {
	struct slot	*s;
	size_t		 cap;		/* power of two */
};

struct catalog {
	struct arena		*a;
	struct catalog_service	*svc;
	size_t			 n;
	struct index		 ptr, dkim;
	uint64_t		 digest;
};

/* One load in progress: services parsed from one input. */
struct loader {
	struct catalog		*c;
	struct arena		*a;		/* the staging arena */
	struct catalog_service	*svc;
	size_t			 n;
	const char		*origin;
	size_t			 line;		/* of the current section */
	const char		***list;	/* the list being filled */
	size_t			*nlist;
	const char		*kind;
};

const char *
svc_type_key(enum svc_type t)
{
	return (unsigned)t < SVC_NTYPES ? type_keys[t] : "unknown";
}

const char *
svc_type_label(enum svc_type t)
{
	return (unsigned)t < SVC_NTYPES ? type_labels[t] : "unknown";
}

bool
svc_type_parse(const char *s, enum svc_type *out)
{
	int i;

	for (i = 0; i < SVC_NTYPES; i++)
		if (strcmp(s, type_keys[i]) == 0) {
			*out = (enum svc_type)i;
			return true;
		}
	return false;
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct catalog *
catalog_new(void)
{
	struct catalog *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->a = arena_new(CATALOG_ARENA_MAX);
	if (c->a == NULL) {
		free(c);
		return NULL;
	}
	c->digest = 0xcbf29ce484222325ULL;
	return c;
}

void
catalog_free(struct catalog *c)
{
	if (c == NULL)
		return;
	free(c->svc);
	free(c->ptr.s);
	free(c->dkim.s);
	arena_free(c->a);
	free(c);
}

static enum dw_err
add_item(void *ctx, const char *item, size_t len, struct dw_error *e)
{
	struct loader *ld = ctx;
	char tmp[DNS_NAME_MAX + 2], norm[DNS_NAME_MAX + 2];
	const char **l;
	size_t i;

	if (*ld->nlist >= CATALOG_RULES_MAX)
		return dw_fail(e, DW_ELIMIT, "more than %d %s entries",
		    CATALOG_RULES_MAX, ld->kind);
	if (len > DNS_NAME_MAX)
		return dw_fail(e, DW_ESYNTAX, "%s: name over %d bytes",
		    ld->kind, DNS_NAME_MAX);
	memcpy(tmp, item, len);
	tmp[len] = '\0';
	if (strcmp(ld->kind, "selectors") == 0) {
		for (i = 0; i < len; i++)
			if (!((tmp[i] >= 'a' && tmp[i] <= 'z') ||
			    (tmp[i] >= '0' && tmp[i] <= '9') ||
			    tmp[i] == '-' || tmp[i] == '_' || tmp[i] == '.'))
				return dw_fail(e, DW_ESYNTAX, "selector \"%s\" "
				    "is not lower-case letters, digits, '-', "
				    "'_' or '.'", tmp);
		memcpy(norm, tmp, len + 1);
	} else if (dns_name_norm(tmp, norm, sizeof(norm)) != DW_OK ||
	    strchr(norm, '.') == NULL || strcmp(norm, tmp) != 0)
		return dw_fail(e, DW_ESYNTAX, "%s: \"%s\" is not a lower-case "
		    "domain name of two labels or more", ld->kind, tmp);
	for (i = 0; i < *ld->nlist; i++)
		if (strcmp((*ld->list)[i], norm) == 0)
			return dw_fail(e, DW_ESYNTAX, "%s lists \"%s\" twice",
			    ld->kind, norm);
	l = arena_realloc(ld->a, *ld->list, *ld->nlist * sizeof(*l),
	    (*ld->nlist + 1) * sizeof(*l));
	if (l == NULL || (l[*ld->nlist] = arena_strdup(ld->a, norm)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	*ld->list = l;
	(*ld->nlist)++;
	return DW_OK;
}

static enum dw_err
set_list(struct loader *ld, const char *kind, const char ***list,
    size_t *n, const char *v, struct dw_error *e)
{
	if (*n > 0)
		return dw_fail(e, DW_ESYNTAX, "%s given twice", kind);
	ld->list = list;
	ld->nlist = n;
	ld->kind = kind;
	return inilex_list(v, add_item, ld, e);
}

static enum dw_err
set_text(struct loader *ld, const char *key, const char **dst,
    const char *v, struct dw_error *e)
{
	if (*dst != NULL)
		return dw_fail(e, DW_ESYNTAX, "%s given twice", key);
	if (*v == '\0' || strlen(v) > CATALOG_TEXT_MAX)
		return dw_fail(e, DW_ESYNTAX, "%s: want 1 to %d bytes", key,
		    CATALOG_TEXT_MAX);
	if ((*dst = arena_strdup(ld->a, v)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	return DW_OK;
}

static enum dw_err
on_key(struct loader *ld, struct catalog_service *s, const char *k,
    const char *v, struct dw_error *e)
{
	if (strcmp(k, "name") == 0)
		return set_text(ld, k, &s->name, v, e);
	if (strcmp(k, "doc") == 0)
		return set_text(ld, k, &s->doc, v, e);
	if (strcmp(k, "type") == 0) {
		if (!svc_type_parse(v, &s->type))
			return dw_fail(e, DW_ESYNTAX, "type \"%s\": want "
			    "corporate, patient, scheduling, billing, "
			    "marketing, hr or it", v);
		return DW_OK;
	}
	if (strcmp(k, "ptr") == 0)
		return set_list(ld, k, &s->ptr, &s->nptr, v, e);
	if (strcmp(k, "spf") == 0)
		return set_list(ld, k, &s->spf, &s->nspf, v, e);
	if (strcmp(k, "dkim") == 0)
		return set_list(ld, k, &s->dkim, &s->ndkim, v, e);
	if (strcmp(k, "selectors") == 0)
		return set_list(ld, k, &s->selectors, &s->nselectors, v, e);
	return dw_fail(e, DW_ESYNTAX, "unknown key \"%s\"", k);
}

/* The section just ended must be complete. */
static enum dw_err
check_last(struct loader *ld, struct dw_error *e)
{
	const struct catalog_service *s;

	if (ld->n == 0)
		return DW_OK;
	s = &ld->svc[ld->n - 1];
	if (s->name == NULL || s->type == SVC_NTYPES)
		return dw_fail(e, DW_ESYNTAX, "%s line %zu: service %s needs "
		    "a name and a type", ld->origin, ld->line, s->key);
	return DW_OK;
}

static enum dw_err
new_service(struct loader *ld, const struct inilex_event *ev,
    struct dw_error *e)
{
	struct catalog_service *s;
	size_t i;
	enum dw_err err;

	if ((err = check_last(ld, e)) != DW_OK)
		return err;
	if (strcmp(ev->type, "service") != 0 || *ev->name == '\0')
		return dw_fail(e, DW_ESYNTAX, "%s line %zu: want [service:"
		    "KEY]", ld->origin, ev->line);
	for (i = 0; ev->name[i] != '\0'; i++)
		if ((ev->name[i] >= 'A' && ev->name[i] <= 'Z') ||
		    ev->name[i] == '.')
			return dw_fail(e, DW_ESYNTAX, "%s line %zu: a service "
			    "key is lower-case letters, digits, '_' and '-'",
			    ld->origin, ev->line);
	for (i = 0; i < ld->n; i++)
		if (strcmp(ld->svc[i].key, ev->name) == 0)
			return dw_fail(e, DW_ESYNTAX, "%s line %zu: service "
			    "%s defined twice", ld->origin, ev->line,
			    ev->name);
	if (ld->n >= CATALOG_SERVICES_MAX)
		return dw_fail(e, DW_ELIMIT, "%s: more than %d services",
		    ld->origin, CATALOG_SERVICES_MAX);
	s = arena_realloc(ld->a, ld->svc, ld->n * sizeof(*s),
	    (ld->n + 1) * sizeof(*s));
	if (s == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	ld->svc = s;
	s = &ld->svc[ld->n++];
	memset(s, 0, sizeof(*s));
	s->type = SVC_NTYPES;
	if ((s->key = arena_strdup(ld->a, ev->name)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	ld->line = ev->line;
	return DW_OK;
}

static enum dw_err
on_event(void *ctx, const struct inilex_event *ev, struct dw_error *e)
{
	struct loader *ld = ctx;
	enum dw_err err;
	char why[DW_ERRMSG_MAX];

	if (ev->key == NULL)
		return new_service(ld, ev, e);
	err = on_key(ld, &ld->svc[ld->n - 1], ev->key, ev->value, e);
	if (err != DW_OK && e != NULL) {
		memcpy(why, e->msg, sizeof(why));
		dw_fail(e, err, "%s line %zu: %s", ld->origin, ev->line, why);
	}
	return err;
}

/* Index of a domain: open addressing, linear probing. */
static size_t
slot_of(const struct index *ix, const char *dom)
{
	size_t h = (size_t)fnv(0xcbf29ce484222325ULL, dom, strlen(dom));

	h &= ix->cap - 1;
	while (ix->s[h].dom != NULL && strcmp(ix->s[h].dom, dom) != 0)
		h = (h + 1) & (ix->cap - 1);
	return h;
}

static enum dw_err
index_build(struct catalog *c, struct index *ix, bool dkim,
    const char *origin, struct dw_error *e)
{
	size_t i, j, k, h, total = 0;
	const struct catalog_service *s;
	const char **l;

	for (i = 0; i < c->n; i++)
		total += dkim ? c->svc[i].ndkim : c->svc[i].nptr;
	free(ix->s);
	for (ix->cap = 16; ix->cap < total * 2; ix->cap <<= 1)
		;
	if ((ix->s = calloc(ix->cap, sizeof(*ix->s))) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	for (i = 0; i < c->n; i++) {
		s = &c->svc[i];
		l = dkim ? s->dkim : s->ptr;
		k = dkim ? s->ndkim : s->nptr;
		for (j = 0; j < k; j++) {
			h = slot_of(ix, l[j]);
			if (ix->s[h].dom != NULL)
				return dw_fail(e, DW_ESYNTAX, "%s: %s %s is "
				    "claimed by both %s and %s", origin,
				    dkim ? "dkim" : "ptr", l[j],
				    c->svc[ix->s[h].svc].key, s->key);
			ix->s[h].dom = l[j];
			ix->s[h].svc = (uint32_t)i;
		}
	}
	return DW_OK;
}

/* Merges the loaded services into c: same key replaces, else appends. */
static enum dw_err
merge(struct catalog *c, struct loader *ld, struct dw_error *e)
{
	struct catalog_service *ns;
	size_t i, j, n = c->n;

	ns = malloc((c->n + ld->n) * sizeof(*ns));
	if (ns == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	if (c->n > 0)
		memcpy(ns, c->svc, c->n * sizeof(*ns));
	for (i = 0; i < ld->n; i++) {
		for (j = 0; j < c->n; j++)
			if (strcmp(ns[j].key, ld->svc[i].key) == 0)
				break;
		if (j < c->n)
			ns[j] = ld->svc[i];
		else
			ns[n++] = ld->svc[i];
	}
	free(c->svc);
	c->svc = ns;
	c->n = n;
	return DW_OK;
}

/* Copies the staged strings into the catalog's arena. */
static enum dw_err
adopt(struct catalog *c, struct loader *ld, struct dw_error *e)
{
	const char ***lists[4];
	size_t *counts[4], i, k, j;
	struct catalog_service *s;
	const char **l;

	for (i = 0; i < ld->n; i++) {
		s = &ld->svc[i];
		lists[0] = &s->ptr, counts[0] = &s->nptr;
		lists[1] = &s->spf, counts[1] = &s->nspf;
		lists[2] = &s->dkim, counts[2] = &s->ndkim;
		lists[3] = &s->selectors, counts[3] = &s->nselectors;
		s->key = arena_strdup(c->a, s->key);
		s->name = arena_strdup(c->a, s->name);
		if (s->doc != NULL)
			s->doc = arena_strdup(c->a, s->doc);
		if (s->key == NULL || s->name == NULL)
			return dw_fail(e, DW_ENOMEM, "catalog too large");
		for (k = 0; k < 4; k++) {
			l = arena_alloc(c->a, (*counts[k] + 1) * sizeof(*l));
			if (l == NULL)
				return dw_fail(e, DW_ENOMEM, "catalog too "
				    "large");
			for (j = 0; j < *counts[k]; j++)
				if ((l[j] = arena_strdup(c->a,
				    (*lists[k])[j])) == NULL)
					return dw_fail(e, DW_ENOMEM, "catalog "
					    "too large");
			*lists[k] = l;
		}
	}
	return DW_OK;
}

enum dw_err
catalog_load(struct catalog *c, const char *buf, size_t len,
    const char *origin, struct dw_error *e)
{
	struct loader ld;
	struct catalog_service *old = NULL;
	size_t oldn = c->n;
	enum dw_err err;

	memset(&ld, 0, sizeof(ld));
	ld.c = c;
	ld.origin = origin;
	if ((ld.a = arena_new(CATALOG_ARENA_MAX)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	err = inilex_parse(buf, len, on_event, &ld, e);
	if (err == DW_OK && (err = check_last(&ld, e)) != DW_OK)
		goto out;
	if (err == DW_OK && (err = adopt(c, &ld, e)) == DW_OK) {
		old = malloc(oldn * sizeof(*old) + 1);
		if (old == NULL) {
			err = dw_fail(e, DW_ENOMEM, "out of memory");
			goto out;
		}
		if (oldn > 0)
			memcpy(old, c->svc, oldn * sizeof(*old));
		err = merge(c, &ld, e);
		if (err == DW_OK &&
		    (err = index_build(c, &c->ptr, false, origin, e)) ==
		    DW_OK)
			err = index_build(c, &c->dkim, true, origin, e);
		if (err != DW_OK) {	/* put the old catalog back */
			free(c->svc);
			c->svc = old;
			c->n = oldn;
			old = NULL;
			(void)index_build(c, &c->ptr, false, origin, NULL);
			(void)index_build(c, &c->dkim, true, origin, NULL);
		} else
			c->digest = fnv(c->digest, buf, len);
	}
out:
	free(old);
	arena_free(ld.a);
	return err;
}

enum dw_err
catalog_load_builtin(struct catalog *c, struct dw_error *e)
{
	return catalog_load(c, catalog_builtin, catalog_builtin_len,
	    "built-in services.ini", e);
}

enum dw_err
catalog_open(const char *path, struct catalog **out, struct dw_error *e)
{
	struct catalog *c;
	struct buf b;
	enum dw_err err;

	*out = NULL;
	if ((c = catalog_new()) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	err = catalog_load_builtin(c, e);
	if (err == DW_OK && path != NULL &&
	    (err = buf_read_file(&b, path, CATALOG_FILE_MAX, e)) == DW_OK) {
		err = catalog_load(c, buf_str(&b), b.len, path, e);
		buf_fini(&b);
	}
	if (err != DW_OK) {
		catalog_free(c);
		return err;
	}
	*out = c;
	return DW_OK;
}

size_t
catalog_count(const struct catalog *c)
{
	return c->n;
}

const struct catalog_service *
catalog_at(const struct catalog *c, size_t i)
{
	return i < c->n ? &c->svc[i] : NULL;
}

const struct catalog_service *
catalog_find(const struct catalog *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->svc[i].key, key) == 0)
			return &c->svc[i];
	return NULL;
}

/* The longest suffix of name (at a label boundary) found in ix. */
static const struct catalog_service *
match(const struct catalog *c, const struct index *ix, const char *name)
{
	const char *p = name;
	size_t h;

	if (ix->s == NULL || name == NULL)
		return NULL;
	while (p != NULL && *p != '\0') {
		h = slot_of(ix, p);
		if (ix->s[h].dom != NULL)
			return &c->svc[ix->s[h].svc];
		p = strchr(p, '.');
		if (p != NULL)
			p++;
	}
	return NULL;
}

const struct catalog_service *
catalog_match_ptr(const struct catalog *c, const char *name)
{
	return match(c, &c->ptr, name);
}

const struct catalog_service *
catalog_match_dkim(const struct catalog *c, const char *domain)
{
	return match(c, &c->dkim, domain);
}

uint64_t
catalog_digest(const struct catalog *c)
{
	return c->digest;
}
