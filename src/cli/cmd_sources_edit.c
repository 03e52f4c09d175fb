/*
 * cmd_sources_edit.c: dmarcward sources approve|revoke|note, and the
 * catalog and inventory view of one service that `sources show` prints.
 * Every change is written with an entry in the inventory's history.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/utf8.h"
#include "cli_sources_int.h"

static enum dw_err
seen(void *ctx, const struct store_rollup_row *r)
{
	(void)r;
	*(bool *)ctx = true;
	return DW_OK;
}

static enum dw_err
inv_seen(void *ctx, const struct store_inventory *v)
{
	(void)v;
	*(bool *)ctx = true;
	return DW_OK;
}

bool
src_known(struct cli_an *a, const char *key, bool force)
{
	struct store_rollup_q q;
	struct dw_error e;
	bool found = catalog_find(a->cat, key) != NULL;
	char k[300];

	store_rollup_q_init(&q);
	q.by = ROLLUP_BY_SERVICE;
	q.service = key;
	q.limit = 1;
	if (!found && store_rollup_query(a->st, &q, seen, &found, &e) !=
	    DW_OK) {
		log_warnx("sources: %s", e.msg);
		return false;
	}
	if (!found && store_inventory_get(a->st, key, inv_seen, &found, &e) !=
	    DW_OK) {
		log_warnx("sources: %s", e.msg);
		return false;
	}
	if (!found && !force)
		log_warnx("sources: no service \"%s\" in the catalog or the "
		    "reports; see dmarcward sources list (--force records it "
		    "anyway)", cli_clean(k, sizeof(k), key));
	return found || force;
}

static enum dw_err
inv_copy(void *ctx, const struct store_inventory *v)
{
	struct store_inventory *o = ctx;

	*o = *v;
	o->service = NULL;
	o->owner = v->owner ? strdup(v->owner) : NULL;
	o->purpose = v->purpose ? strdup(v->purpose) : NULL;
	o->baa_date = v->baa_date ? strdup(v->baa_date) : NULL;
	return DW_OK;
}

static void
inv_free(struct store_inventory *v)
{
	free((char *)v->owner);
	free((char *)v->purpose);
	free((char *)v->baa_date);
}

/* The inventory entry of key into v; *found false when none. */
static bool
inv_load(struct cli_an *a, const char *key, struct store_inventory *v,
    bool *found)
{
	struct dw_error e;

	memset(v, 0, sizeof(*v));
	v->ephi = -2;		/* not filled */
	if (store_inventory_get(a->st, key, inv_copy, v, &e) != DW_OK) {
		log_warnx("sources: %s", e.msg);
		return false;
	}
	*found = v->ephi != -2;
	if (!*found)
		v->ephi = -1;
	v->service = key;
	return true;
}

static json_t *
str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *
src_json_head(struct cli_an *a, const char *key)
{
	const struct catalog_service *s = catalog_find(a->cat, key);
	struct store_inventory v;
	bool found = false;
	json_t *o, *cat = json_null();

	if (s != NULL)
		cat = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s?}", "name",
		    s->name, "type", svc_type_key(s->type), "ptr",
		    str_array(s->ptr, s->nptr), "spf", str_array(s->spf,
		    s->nspf), "dkim", str_array(s->dkim, s->ndkim),
		    "selectors", str_array(s->selectors, s->nselectors), "doc",
		    s->doc);
	o = json_pack("{s:s, s:o}", "service", key, "catalog", cat);
	if (inv_load(a, key, &v, &found) && found)
		json_object_set_new(o, "inventory", json_pack("{s:b, s:s?, "
		    "s:s?, s:o, s:s, s:s?}", "approved", v.approved, "owner",
		    v.owner, "purpose", v.purpose, "ephi", v.ephi < 0 ?
		    json_null() : json_boolean(v.ephi), "baa",
		    store_baa_name(v.baa), "baa_date", v.baa_date));
	else
		json_object_set_new(o, "inventory", json_null());
	inv_free(&v);
	return o;
}

static void
print_list(const char *label, const char *const *v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	printf("  %-10s", label);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "", v[i]);
	putchar('\n');
}

void
src_print_head(struct cli_an *a, const char *key)
{
	const struct catalog_service *s = catalog_find(a->cat, key);
	struct store_inventory v;
	bool found = false;
	char k[300], t1[SRC_TEXT_MAX * 4], t2[SRC_TEXT_MAX * 4];

	printf("%s\n", cli_clean(k, sizeof(k), key));
	if (s != NULL) {
		printf("  %-10s%s (%s)\n", "name", s->name,
		    svc_type_label(s->type));
		print_list("ptr", s->ptr, s->nptr);
		print_list("spf", s->spf, s->nspf);
		print_list("dkim", s->dkim, s->ndkim);
		print_list("selectors", s->selectors, s->nselectors);
		if (s->doc != NULL)
			printf("  %-10s%s\n", "doc", s->doc);
	} else
		printf("  not in the catalog\n");
	if (!inv_load(a, key, &v, &found) || !found)
		printf("  %-10snot in the inventory (not approved)\n",
		    "status");
	else {
		printf("  %-10s%s\n", "status", v.approved ? "approved" :
		    "not approved");
		printf("  %-10s%s\n  %-10s%s\n", "owner",
		    cli_clean(t1, sizeof(t1), v.owner ? v.owner : "-"),
		    "purpose", cli_clean(t2, sizeof(t2), v.purpose ?
		    v.purpose : "-"));
		printf("  %-10s%s\n  %-10s%s%s%s\n", "ePHI", v.ephi < 0 ?
		    "unknown" : v.ephi ? "yes" : "no", "BAA",
		    store_baa_name(v.baa), v.baa_date ? " " : "",
		    v.baa_date ? v.baa_date : "");
		if (v.approved && v.ephi == 1 && v.baa != BAA_SIGNED)
			printf("  !         carries ePHI without a signed "
			    "BAA\n");
	}
	inv_free(&v);
}

/* ---- edits ---------------------------------------------------------- */

static bool
text_ok(const char *opt, const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max || !utf8_valid(s, n)) {
		log_warnx("%s: want 1 to %zu bytes of UTF-8", opt, max);
		return false;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			log_warnx("%s: no control characters", opt);
			return false;
		}
	return true;
}

struct edit {
	const char	*owner, *purpose, *baa_date;
	int		 ephi;		/* -2: not given */
	enum store_baa	 baa;
	bool		 baa_set;
	bool		 force, json;
};

static bool
edit_opt(struct edit *ed, int ch, const char *arg)
{
	int64_t t;

	switch (ch) {
	case 'o':
		ed->owner = arg;
		return text_ok("--owner", arg, SRC_TEXT_MAX);
	case 'p':
		ed->purpose = arg;
		return text_ok("--purpose", arg, SRC_TEXT_MAX);
	case 'e':
		if (strcmp(arg, "yes") != 0 && strcmp(arg, "no") != 0) {
			log_warnx("--ephi: want yes or no");
			return false;
		}
		ed->ephi = strcmp(arg, "yes") == 0;
		return true;
	case 'b':
		if (!store_baa_parse(arg, &ed->baa) || ed->baa == BAA_UNKNOWN) {
			log_warnx("--baa: want signed, not-signed or "
			    "not-needed");
			return false;
		}
		ed->baa_set = true;
		return true;
	case 'B':
		if (!cli_parse_date(arg, &t)) {
			log_warnx("--baa-date: want YYYY-MM-DD");
			return false;
		}
		ed->baa_date = arg;
		return true;
	case 'f':
		ed->force = true;
		return true;
	case 'j':
		ed->json = true;
		return true;
	default:
		return false;
	}
}

/* The change as a line of the history. */
static void
describe(const struct store_inventory *v, struct buf *b)
{
	(void)buf_printf(b, "approved=%s", v->approved ? "yes" : "no");
	if (v->owner != NULL)
		(void)buf_printf(b, "; owner=%s", v->owner);
	if (v->purpose != NULL)
		(void)buf_printf(b, "; purpose=%s", v->purpose);
	if (v->ephi >= 0)
		(void)buf_printf(b, "; ephi=%s", v->ephi ? "yes" : "no");
	(void)buf_printf(b, "; baa=%s", store_baa_name(v->baa));
	if (v->baa_date != NULL)
		(void)buf_printf(b, " %s", v->baa_date);
}

static int
apply(struct cli_an *a, const char *sub, const char *key,
    const struct edit *ed, const char *note)
{
	struct store_inventory v;
	struct dw_error e;
	struct buf d;
	bool found;
	int rc = CLI_EXIT_FAIL;
	enum dw_err err;

	if (!inv_load(a, key, &v, &found))
		return CLI_EXIT_FAIL;
	buf_init(&d, 4096);
	if (strcmp(sub, "note") == 0)
		err = store_inventory_note(a->st, key, (int64_t)time(NULL),
		    note, &e);
	else {
		v.approved = strcmp(sub, "approve") == 0;
		if (ed->owner != NULL)
			v.owner = ed->owner;
		if (ed->purpose != NULL)
			v.purpose = ed->purpose;
		if (ed->ephi != -2)
			v.ephi = ed->ephi;
		if (ed->baa_set)
			v.baa = ed->baa;
		if (ed->baa_date != NULL)
			v.baa_date = ed->baa_date;
		v.updated = (int64_t)time(NULL);
		describe(&v, &d);
		err = store_inventory_put(a->st, &v, sub, buf_str(&d), &e);
	}
	if (err != DW_OK)
		log_warnx("sources %s: %s", sub, e.msg);
	else {
		rc = CLI_EXIT_OK;
		if (ed->json) {
			json_t *o = src_json_head(a, key);

			cli_json_out(o);
			json_decref(o);
		} else
			src_print_head(a, key);
	}
	if (found) {		/* strings loaded by inv_load */
		if (v.owner != ed->owner)
			free((char *)v.owner);
		if (v.purpose != ed->purpose)
			free((char *)v.purpose);
		if (v.baa_date != ed->baa_date)
			free((char *)v.baa_date);
	}
	buf_fini(&d);
	return rc;
}

/* The words of a note, joined by spaces, checked. */
static char *
note_text(int argc, char **argv)
{
	struct buf b;
	int i;

	buf_init(&b, SRC_NOTE_MAX + 1);
	for (i = 0; i < argc; i++)
		if ((i > 0 && buf_putc(&b, ' ') != DW_OK) ||
		    buf_puts(&b, argv[i]) != DW_OK) {
			log_warnx("note: longer than %d bytes", SRC_NOTE_MAX);
			buf_fini(&b);
			return NULL;
		}
	if (!text_ok("note", buf_str(&b), SRC_NOTE_MAX)) {
		buf_fini(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

int
src_edit(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "ephi", required_argument, NULL, 'e' },
		{ "baa", required_argument, NULL, 'b' },
		{ "baa-date", required_argument, NULL, 'B' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct edit ed = { NULL, NULL, NULL, -2, BAA_UNKNOWN, false, false,
	    false };
	const char *sub = argv[0];
	struct cli_an a;
	char *note = NULL;
	int ch, rc = CLI_EXIT_FAIL;
	bool is_note = strcmp(sub, "note") == 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (!edit_opt(&ed, ch, optarg) || (ch != 'j' && ch != 'f' &&
		    strcmp(sub, "approve") != 0)) {
			log_warnx("sources %s: see dmarcward sources --help",
			    sub);
			return CLI_EXIT_FAIL;
		}
	if (optind >= argc || (!is_note && optind != argc - 1) ||
	    (is_note && optind > argc - 2)) {
		log_warnx("sources %s: want SERVICE%s", sub, is_note ?
		    " TEXT..." : "");
		return CLI_EXIT_FAIL;
	}
	if (is_note && (note = note_text(argc - optind - 1,
	    argv + optind + 1)) == NULL)
		return CLI_EXIT_FAIL;
	if (cli_an_open(&a, c)) {
		if (src_known(&a, argv[optind], ed.force))
			rc = apply(&a, sub, argv[optind], &ed, note);
		cli_an_close(&a);
	}
	free(note);
	return rc;
}
