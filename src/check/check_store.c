/* check_store.c: see check_store.h. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check_store.h"

#define CHECK_IDS_MAX	((size_t)1 << 20)	/* finding ids, as text */

enum dw_err
check_store(struct store *st, const struct check_result *r,
    store_change_cb cb, void *ctx, struct dw_error *e)
{
	struct store_dns_record *v;
	struct store_check sc;
	struct buf ids;
	enum dw_err err = DW_OK;
	size_t i;

	if ((v = calloc(r->nrecords + 1, sizeof(*v))) == NULL)
		return dw_fail(e, DW_ENOMEM, "%s: out of memory storing the "
		    "check", r->domain);
	buf_init(&ids, CHECK_IDS_MAX);
	for (i = 0; i < r->nfindings && err == DW_OK; i++)
		err = buf_printf(&ids, "%s%s", i ? " " : "",
		    r->findings[i].def->id);
	if (err != DW_OK) {
		free(v);
		buf_fini(&ids);
		return dw_fail(e, err, "%s: too many findings to store",
		    r->domain);
	}
	for (i = 0; i < r->nrecords; i++) {
		v[i].kind = r->records[i].kind;
		v[i].name = r->records[i].name;
		v[i].value = r->records[i].value;
		v[i].event_type = r->records[i].event_type;
		v[i].event_value = r->records[i].event_value;
	}
	sc.domain = r->domain;
	sc.at = r->checked_at;
	sc.grade = (char[]){ r->grade, 0 };
	sc.score = r->score;
	sc.worst = check_sev_name(r->worst);
	sc.findings = buf_str(&ids);
	err = store_check_put(st, &sc, v, r->nrecords, cb, ctx, e);
	buf_fini(&ids);
	free(v);
	return err;
}

struct prev_scan {
	const char	*kind, *name;
	char		*value;		/* the newest change's, malloc'd */
	int64_t		 at;
	bool		 found, nomem;
};

static enum dw_err
prev_change(void *ctx, const struct store_dns_change *ch)
{
	struct prev_scan *s = ctx;

	if (strcmp(ch->kind, s->kind) != 0 || strcmp(ch->name, s->name) != 0)
		return DW_OK;
	free(s->value);
	s->value = ch->new_value != NULL ? strdup(ch->new_value) : NULL;
	if (ch->new_value != NULL && s->value == NULL)
		s->nomem = true;
	s->found = true;
	s->at = ch->at;
	return DW_OK;
}

enum dw_err
check_store_prev(void *arg, struct arena *a, const char *domain,
    const char *kind, const char *name, const char **value, int64_t *at)
{
	struct prev_scan s = { kind, name, NULL, 0, false, false };
	struct dw_error e = { DW_OK, "" };
	enum dw_err err;

	*value = NULL;
	err = store_dns_history(arg, domain, prev_change, &s, NULL, &e);
	if (err == DW_OK && s.nomem)
		err = DW_ENOMEM;
	if (err == DW_OK && !s.found)
		err = DW_ENOTFOUND;
	if (err == DW_OK && s.value != NULL) {
		*value = arena_strdup(a, s.value);
		if (*value == NULL)
			err = DW_ENOMEM;
	}
	*at = s.at;
	free(s.value);
	return err;
}
