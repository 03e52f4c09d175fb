/* orgdomain.c: organizational domains through libpsl. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>

#include "orgdomain.h"

/* Debian's publicsuffix package; libpsl takes the newer of it and its
 * built-in list. */
#define ORGDOMAIN_PSL_FILE \
	"/usr/share/publicsuffix/public_suffix_list.dafsa"

struct orgdomain {
	psl_ctx_t	*psl;
	bool		 owned;		/* psl_builtin() must not be freed */
};

enum dw_err
orgdomain_new(struct orgdomain **out, struct dw_error *e)
{
	struct orgdomain *od;

	*out = NULL;
	if ((od = calloc(1, sizeof(*od))) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	od->psl = psl_latest(ORGDOMAIN_PSL_FILE);
	od->owned = od->psl != NULL;
	if (od->psl == NULL)
		od->psl = (psl_ctx_t *)psl_builtin();
	if (od->psl == NULL) {
		free(od);
		return dw_fail(e, DW_EUNSUPPORTED, "no Public Suffix List: "
		    "install the publicsuffix package");
	}
	*out = od;
	return DW_OK;
}

void
orgdomain_free(struct orgdomain *od)
{
	if (od == NULL)
		return;
	if (od->owned)
		psl_free(od->psl);
	free(od);
}

const char *
orgdomain_of(const struct orgdomain *od, const char *name)
{
	const char *r;

	if (name == NULL || *name == '\0')
		return name;
	r = psl_registrable_domain(od->psl, name);
	return r != NULL ? r : name;
}

const char *
orgdomain_base(const struct orgdomain *od, const char *name)
{
	const char *p, *prev = NULL;

	if (name == NULL || *name == '\0')
		return name;
	for (p = name; p != NULL; p = strchr(p, '.') ? strchr(p, '.') + 1 :
	    NULL) {
		if (psl_is_public_suffix2(od->psl, p, PSL_TYPE_ICANN))
			return prev != NULL ? prev : name;
		prev = p;
	}
	return name;
}

bool
orgdomain_relaxed(const struct orgdomain *od, const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	return strcasecmp(orgdomain_of(od, a), orgdomain_of(od, b)) == 0;
}
