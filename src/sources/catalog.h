/*
 * catalog.h: the known-service catalog: which sending services exist and
 * how to recognize their mail (data/services.ini, built into the binary,
 * plus any file the user loads after it).
 *
 * Each service has a key, a display name, a type, and match rules on
 * three signals, each a list of domain names:
 *   ptr   a forward-confirmed PTR name equal to one of them or under it
 *   spf   SPF include domains whose authorized addresses are the
 *         service's (src/sources/spfnets.h resolves them)
 *   dkim  a passing DKIM signature whose d= is one of them or under it
 * and, for advice only, the DKIM selectors the service asks customers to
 * publish.  The file format is ini.h's:
 *
 *	[service:sendgrid]
 *	name = SendGrid
 *	type = it
 *	ptr = sendgrid.net
 *	spf = sendgrid.net
 *	dkim = sendgrid.net
 *	selectors = s1, s2
 *	doc = https://...
 *
 * A later load replaces a service of the same key, so a local file can
 * correct or extend the built-in one.  The same rule domain in two
 * services of one kind is an error: a match must name one service.
 *
 * A catalog is long-lived (catalog_new/catalog_free); every string it
 * returns is owned by it and valid until catalog_free().
 */
#ifndef DW_CATALOG_H
#define DW_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define CATALOG_SERVICES_MAX	1024	/* services in one catalog */
#define CATALOG_RULES_MAX	64	/* domains in one rule list */
#define CATALOG_TEXT_MAX	256	/* bytes of a name or doc value */
#define CATALOG_ARENA_MAX	((size_t)8 << 20)

enum svc_type {
	SVC_CORPORATE,		/* corporate mail */
	SVC_PATIENT,		/* patient communication */
	SVC_SCHEDULING,
	SVC_BILLING,
	SVC_MARKETING,
	SVC_HR,
	SVC_IT,
	SVC_NTYPES
};

/* "corporate", "patient", ... as written in the file. */
const char *svc_type_key(enum svc_type t);
/* "corporate mail", "patient communication", ... for people. */
const char *svc_type_label(enum svc_type t);
bool svc_type_parse(const char *s, enum svc_type *out);

struct catalog_service {
	const char	*key;
	const char	*name;
	enum svc_type	 type;
	const char	**ptr;
	size_t		 nptr;
	const char	**spf;
	size_t		 nspf;
	const char	**dkim;
	size_t		 ndkim;
	const char	**selectors;
	size_t		 nselectors;
	const char	*doc;		/* NULL when none */
};

struct catalog;

struct catalog *catalog_new(void);
void catalog_free(struct catalog *c);	/* NULL is a no-op */

/*
 * Adds the services of buf[0..len) (borrowed); origin names the input in
 * errors.  On an error nothing of buf is kept and c is as it was.
 */
enum dw_err catalog_load(struct catalog *c, const char *buf, size_t len,
    const char *origin, struct dw_error *e);
/* Loads the built-in data/services.ini. */
enum dw_err catalog_load_builtin(struct catalog *c, struct dw_error *e);

#define CATALOG_FILE_MAX	((size_t)1 << 20)	/* a user's file */

/*
 * A new catalog: the built-in services, then those of the file at path
 * (NULL: none), which e names when it cannot be read or loaded.
 */
enum dw_err catalog_open(const char *path, struct catalog **out,
    struct dw_error *e);

size_t catalog_count(const struct catalog *c);
const struct catalog_service *catalog_at(const struct catalog *c, size_t i);
const struct catalog_service *catalog_find(const struct catalog *c,
    const char *key);
/* The service whose rule is the longest suffix of name, or NULL. */
const struct catalog_service *catalog_match_ptr(const struct catalog *c,
    const char *name);
const struct catalog_service *catalog_match_dkim(const struct catalog *c,
    const char *domain);
/* A digest of everything loaded, in order: a changed catalog has another
 * one, so what was derived from the old one can be recomputed. */
uint64_t catalog_digest(const struct catalog *c);

/* The built-in file (generated from data/services.ini). */
extern const char catalog_builtin[];
extern const size_t catalog_builtin_len;

#endif
