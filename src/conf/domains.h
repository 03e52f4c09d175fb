/*
 * domains.h: the domains configuration: which policy domains this
 * deployment monitors, and the risk tier of each domain or subdomain
 * with the DMARC policy that tier requires (ini.h format):
 *
 *	[tier:patient-portal]
 *	policy = reject			# none | quarantine | reject
 *	description = patients log in here; spoofing it is phishing
 *
 *	[tier:standard]
 *	policy = quarantine
 *
 *	[domain:examplehealth.org]	# monitored, with its subdomains
 *	tier = standard
 *
 *	[domain:portal.examplehealth.org]
 *	tier = patient-portal
 *
 * A policy domain is monitored when it is a listed domain or under one.
 * Reports for other domains are kept as evidence but never counted in
 * the figures of monitored ones (ADVERSARIAL.md C2).  Without a
 * configuration every domain is shown (and the commands say so).
 *
 * The configuration is long-lived: everything in it is owned by it.
 */
#ifndef DW_CONF_DOMAINS_H
#define DW_CONF_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define DOMAINS_MAX	4096	/* [domain] sections */
#define TIERS_MAX	64	/* [tier] sections */

enum dmarc_level { LEVEL_NONE, LEVEL_QUARANTINE, LEVEL_REJECT };

/* "none", "quarantine", "reject"; false for anything else. */
bool dmarc_level_parse(const char *s, enum dmarc_level *out);
const char *dmarc_level_name(enum dmarc_level l);

struct conf_tier {
	const char	*name;
	enum dmarc_level required;
	const char	*description;	/* NULL when none */
};

struct conf_domain {
	const char		*name;
	const struct conf_tier	*tier;	/* NULL when none */
};

struct domains_conf {
	struct conf_domain	*d;
	size_t			 nd;
	struct conf_tier	*t;
	size_t			 nt;
	struct arena		*a;
};

/* Parses buf[0..len) (borrowed); origin names it in errors. */
enum dw_err domains_conf_parse(const char *buf, size_t len,
    const char *origin, struct domains_conf **out, struct dw_error *e);
void domains_conf_free(struct domains_conf *c);	/* NULL is a no-op */

/* True when domain is listed or under a listed one; always true when c
 * is NULL (no configuration). */
bool domains_conf_monitored(const struct domains_conf *c,
    const char *domain);
/* The listed entry for exactly this name, or NULL. */
const struct conf_domain *domains_conf_find(const struct domains_conf *c,
    const char *name);
/* The entry for name, else for its nearest listed parent, or NULL. */
const struct conf_domain *domains_conf_nearest(
    const struct domains_conf *c, const char *name);

#endif
