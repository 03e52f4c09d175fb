/* domains.c: monitored domains and risk tiers (domains.h). */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "dns/dns.h"
#include "domains.h"
#include "inilex.h"

#define DOMAINS_ARENA_MAX	((size_t)4 << 20)
#define DOMAINS_TEXT_MAX	256

static const char *const level_names[] = { "none", "quarantine", "reject" };

bool
dmarc_level_parse(const char *s, enum dmarc_level *out)
{
	int i;

	for (i = 0; i < 3; i++)
		if (s != NULL && strcmp(s, level_names[i]) == 0) {
			*out = (enum dmarc_level)i;
			return true;
		}
	return false;
}

const char *
dmarc_level_name(enum dmarc_level l)
{
	return (unsigned)l < 3 ? level_names[l] : "unknown";
}

/* While parsing: tier names of domains are resolved at the end. */
struct parse {
	struct domains_conf	*c;
	const char		*origin;
	const char		**want_tier;	/* per domain */
	bool			 in_tier;
	bool			 tier_has_policy;
	size_t			 line;
};

static enum dw_err
add_section(struct parse *p, const struct inilex_event *ev, struct dw_error *e)
{
	struct domains_conf *c = p->c;
	char norm[DNS_NAME_MAX + 2];
	size_t i;

	if (p->in_tier && !p->tier_has_policy)
		return dw_fail(e, DW_ESYNTAX, "%s line %zu: tier %s needs a "
		    "policy", p->origin, p->line, c->t[c->nt - 1].name);
	p->line = ev->line;
	if (strcmp(ev->type, "tier") == 0 && *ev->name != '\0') {
		for (i = 0; i < c->nt; i++)
			if (strcmp(c->t[i].name, ev->name) == 0)
				return dw_fail(e, DW_ESYNTAX, "%s line %zu: "
				    "tier %s defined twice", p->origin,
				    ev->line, ev->name);
		if (c->nt >= TIERS_MAX)
			return dw_fail(e, DW_ELIMIT, "%s: more than %d tiers",
			    p->origin, TIERS_MAX);
		memset(&c->t[c->nt], 0, sizeof(c->t[0]));
		if ((c->t[c->nt].name = arena_strdup(c->a, ev->name)) == NULL)
			return dw_fail(e, DW_ENOMEM, "out of memory");
		c->nt++;
		p->in_tier = true;
		p->tier_has_policy = false;
		return DW_OK;
	}
	if (strcmp(ev->type, "domain") != 0 || *ev->name == '\0')
		return dw_fail(e, DW_ESYNTAX, "%s line %zu: want [domain:NAME] "
		    "or [tier:NAME]", p->origin, ev->line);
	if (dns_name_norm(ev->name, norm, sizeof(norm)) != DW_OK ||
	    strchr(norm, '.') == NULL)
		return dw_fail(e, DW_ESYNTAX, "%s line %zu: \"%s\" is not a "
		    "domain name", p->origin, ev->line, ev->name);
	if (domains_conf_find(c, norm) != NULL)
		return dw_fail(e, DW_ESYNTAX, "%s line %zu: domain %s listed "
		    "twice", p->origin, ev->line, norm);
	if (c->nd >= DOMAINS_MAX)
		return dw_fail(e, DW_ELIMIT, "%s: more than %d domains",
		    p->origin, DOMAINS_MAX);
	if ((c->d[c->nd].name = arena_strdup(c->a, norm)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	c->d[c->nd].tier = NULL;
	p->want_tier[c->nd] = NULL;
	c->nd++;
	p->in_tier = false;
	return DW_OK;
}

static enum dw_err
add_key(struct parse *p, const struct inilex_event *ev, struct dw_error *e)
{
	struct domains_conf *c = p->c;
	struct conf_tier *t;

	if (strlen(ev->value) > DOMAINS_TEXT_MAX)
		return dw_fail(e, DW_ESYNTAX, "%s line %zu: value over %d "
		    "bytes", p->origin, ev->line, DOMAINS_TEXT_MAX);
	if (p->in_tier) {
		t = &c->t[c->nt - 1];
		if (strcmp(ev->key, "policy") == 0) {
			if (p->tier_has_policy ||
			    !dmarc_level_parse(ev->value, &t->required))
				return dw_fail(e, DW_ESYNTAX, "%s line %zu: "
				    "policy: want none, quarantine or reject, "
				    "once", p->origin, ev->line);
			p->tier_has_policy = true;
			return DW_OK;
		}
		if (strcmp(ev->key, "description") == 0 &&
		    t->description == NULL) {
			t->description = arena_strdup(c->a, ev->value);
			return t->description != NULL ? DW_OK :
			    dw_fail(e, DW_ENOMEM, "out of memory");
		}
	} else if (strcmp(ev->key, "tier") == 0 &&
	    p->want_tier[c->nd - 1] == NULL && *ev->value != '\0') {
		p->want_tier[c->nd - 1] = arena_strdup(c->a, ev->value);
		return p->want_tier[c->nd - 1] != NULL ? DW_OK :
		    dw_fail(e, DW_ENOMEM, "out of memory");
	}
	return dw_fail(e, DW_ESYNTAX, "%s line %zu: unexpected or repeated "
	    "key \"%s\"", p->origin, ev->line, ev->key);
}

static enum dw_err
on_event(void *ctx, const struct inilex_event *ev, struct dw_error *e)
{
	return ev->key == NULL ? add_section(ctx, ev, e) : add_key(ctx, ev, e);
}

static enum dw_err
link_tiers(struct parse *p, struct dw_error *e)
{
	struct domains_conf *c = p->c;
	size_t i, j;

	if (p->in_tier && !p->tier_has_policy)
		return dw_fail(e, DW_ESYNTAX, "%s line %zu: tier %s needs a "
		    "policy", p->origin, p->line, c->t[c->nt - 1].name);
	for (i = 0; i < c->nd; i++) {
		if (p->want_tier[i] == NULL)
			continue;
		for (j = 0; j < c->nt; j++)
			if (strcmp(c->t[j].name, p->want_tier[i]) == 0)
				c->d[i].tier = &c->t[j];
		if (c->d[i].tier == NULL)
			return dw_fail(e, DW_ESYNTAX, "%s: domain %s names "
			    "tier %s, which is not defined", p->origin,
			    c->d[i].name, p->want_tier[i]);
	}
	return DW_OK;
}

enum dw_err
domains_conf_parse(const char *buf, size_t len, const char *origin,
    struct domains_conf **out, struct dw_error *e)
{
	struct domains_conf *c;
	struct parse p;
	enum dw_err err;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->a = arena_new(DOMAINS_ARENA_MAX)) == NULL ||
	    (c->d = calloc(DOMAINS_MAX, sizeof(*c->d))) == NULL ||
	    (c->t = calloc(TIERS_MAX, sizeof(*c->t))) == NULL ||
	    (p.want_tier = calloc(DOMAINS_MAX, sizeof(*p.want_tier))) ==
	    NULL) {
		domains_conf_free(c);
		return dw_fail(e, DW_ENOMEM, "out of memory");
	}
	p.c = c;
	p.origin = origin;
	err = inilex_parse(buf, len, on_event, &p, e);
	if (err == DW_OK)
		err = link_tiers(&p, e);
	free(p.want_tier);
	if (err != DW_OK) {
		domains_conf_free(c);
		return err;
	}
	*out = c;
	return DW_OK;
}

void
domains_conf_free(struct domains_conf *c)
{
	if (c == NULL)
		return;
	free(c->d);
	free(c->t);
	arena_free(c->a);
	free(c);
}

const struct conf_domain *
domains_conf_find(const struct domains_conf *c, const char *name)
{
	size_t i;

	for (i = 0; c != NULL && name != NULL && i < c->nd; i++)
		if (c->d[i].name != NULL && strcmp(c->d[i].name, name) == 0)
			return &c->d[i];
	return NULL;
}

const struct conf_domain *
domains_conf_nearest(const struct domains_conf *c, const char *name)
{
	const struct conf_domain *d;
	const char *p = name;

	while (p != NULL && *p != '\0') {
		if ((d = domains_conf_find(c, p)) != NULL)
			return d;
		p = strchr(p, '.');
		if (p != NULL)
			p++;
	}
	return NULL;
}

bool
domains_conf_monitored(const struct domains_conf *c, const char *domain)
{
	return c == NULL || domains_conf_nearest(c, domain) != NULL;
}
