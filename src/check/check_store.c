/* check_store.c: see check_store.h. */
#include <stdlib.h>

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
