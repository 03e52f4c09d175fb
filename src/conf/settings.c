/*
 * settings.c: the settings table and the INI reader.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "base/buf.h"
#include "settings.h"

enum sect { S_STORE, S_LOG, S_HTTP, S_CHECK, S_ENRICH, S_IMAP, S_FOLDER };
enum ctype { T_STR, T_BOOL, T_UINT, T_LEVEL };

struct setting {
	enum sect	 sect;
	const char	*key;
	enum ctype	 type;
	const char	*def;		/* NULL: none; "!": required */
	unsigned	 min, max;	/* T_UINT */
	size_t		 off;		/* in the section's struct */
	const char	*help;
};

static const char *const sect_names[] = {
	"store", "log", "http", "check", "enrich", "imap", "folder"
};

#define G(f)	offsetof(struct conf, f)
#define I(f)	offsetof(struct conf_imap, f)
#define F(f)	offsetof(struct conf_folder, f)

static const struct setting table[] = {
	{ S_STORE, "path", T_STR, "/var/lib/dmarcward/dmarcward.db", 0, 0,
	    G(store_path), "the SQLite store" },
	{ S_STORE, "keep_samples", T_BOOL, "no", 0, 0, G(keep_samples),
	    "keep each failure report message, sealed to sample_key_file; "
	    "never in plain form" },
	{ S_STORE, "sample_key_file", T_STR, "", 0, 0, G(sample_key_file),
	    "public key file (dmarcward failure keygen) samples are sealed "
	    "to; needed with keep_samples" },
	{ S_LOG, "syslog", T_BOOL, "no", 0, 0, G(syslog),
	    "log to syslog (facility daemon) instead of stderr" },
	{ S_LOG, "level", T_LEVEL, "info", 0, 0, G(log_level),
	    "error, warn, info or debug" },
	{ S_HTTP, "listen", T_STR, "", 0, 0, G(http_listen),
	    "ADDR:PORT for /metrics and uploads; empty: no listener" },
	{ S_HTTP, "upload_token_file", T_STR, "", 0, 0,
	    G(upload_token_file),
	    "file holding the bearer token for POST /api/v1/reports; "
	    "empty: uploads refused" },
	{ S_HTTP, "max_upload_mib", T_UINT, "64", 1, 1024,
	    G(max_upload_mib), "largest upload accepted, in MiB" },
	{ S_CHECK, "domains", T_STR, "", 0, 0, G(check_domains),
	    "domains whose DNS posture is checked and kept in the history, "
	    "space-separated; empty: no checks" },
	{ S_CHECK, "selectors", T_STR, "", 0, 0, G(check_selectors),
	    "DKIM selectors to look at besides the built-in list" },
	{ S_CHECK, "interval", T_UINT, "3600", 60, 604800,
	    G(check_interval), "seconds between checks" },
	{ S_CHECK, "resolver", T_STR, "", 0, 0, G(check_resolver),
	    "ADDR@PORT of the resolver the checks and the enrichment ask; "
	    "empty: the system's" },
	{ S_CHECK, "trust_anchor", T_STR, "", 0, 0, G(check_trust_anchor),
	    "DNSSEC trust anchor file; empty: no validation" },
	{ S_CHECK, "zone", T_STR, "", 0, 0, G(check_zone),
	    "answer the checks and the enrichment from this zone-data file "
	    "instead of DNS (drafts, tests)" },
	{ S_CHECK, "fetch_mta_sts", T_BOOL, "yes", 0, 0,
	    G(check_fetch_sts), "fetch each MTA-STS policy file, judge it "
	    "and keep it in the history" },
	{ S_CHECK, "probe_smtp", T_BOOL, "no", 0, 0, G(check_probe_smtp),
	    "connect to each MX on port 25: STARTTLS, TLS version, "
	    "certificate" },
	{ S_ENRICH, "enabled", T_BOOL, "yes", 0, 0, G(enrich),
	    "name the source addresses of new reports (PTR, base domain, "
	    "known services) and bring the daily rollups up to date" },
	{ S_ENRICH, "interval", T_UINT, "900", 60, 604800,
	    G(enrich_interval), "seconds between runs; a run also follows "
	    "each job that stored new reports" },
	{ S_ENRICH, "catalog", T_STR, "", 0, 0, G(enrich_catalog),
	    "known services to add to the built-in catalog" },
	{ S_ENRICH, "geoip", T_STR, "", 0, 0, G(enrich_geoip),
	    "GeoLite2-ASN / -Country style databases, space-separated; "
	    "empty: no AS numbers or countries" },
	{ S_IMAP, "url", T_STR, "!", 0, 0, I(url),
	    "imaps://host[:port]/MAILBOX" },
	{ S_IMAP, "user", T_STR, "!", 0, 0, I(user), "login name" },
	{ S_IMAP, "password_file", T_STR, NULL, 0, 0, I(password_file),
	    "file holding the password" },
	{ S_IMAP, "oauth2_token_file", T_STR, NULL, 0, 0,
	    I(oauth2_token_file),
	    "file holding an OAuth2 access token (XOAUTH2), read at each "
	    "poll" },
	{ S_IMAP, "archive", T_STR, NULL, 0, 0, I(archive),
	    "folder for handled messages" },
	{ S_IMAP, "invalid", T_STR, NULL, 0, 0, I(invalid),
	    "folder for rejected messages" },
	{ S_IMAP, "ca_file", T_STR, NULL, 0, 0, I(ca_file),
	    "trust these CAs instead of the system's" },
	{ S_IMAP, "interval", T_UINT, "300", 1, 86400, I(interval),
	    "seconds between polls" },
	{ S_IMAP, "timeout", T_UINT, "60", 1, 3600, I(timeout),
	    "seconds without progress before a step fails" },
	{ S_IMAP, "max_messages", T_UINT, "0", 0, 1000000,
	    I(max_messages), "messages per poll at most; 0: all" },
	{ S_FOLDER, "path", T_STR, "!", 0, 0, F(path),
	    "folder watched for report files" },
	{ S_FOLDER, "processed", T_STR, NULL, 0, 0, F(processed),
	    "where handled files are moved; default PATH/processed" },
	{ S_FOLDER, "invalid", T_STR, NULL, 0, 0, F(invalid),
	    "where rejected files are moved; default PATH/invalid" },
	{ S_FOLDER, "interval", T_UINT, "60", 1, 86400, F(interval),
	    "seconds between scans" },
	{ S_FOLDER, "settle", T_UINT, "2", 0, 3600, F(settle),
	    "seconds a file must be unchanged before it is taken" },
};

#define NSETTINGS	(sizeof(table) / sizeof(table[0]))

struct loadctx {
	struct conf	*c;
	struct dw_error	*e;
	bool		 failed;
};

/* The struct a setting of section s (instance name) lives in. */
static char *
section_base(struct loadctx *lc, enum sect s, const char *name)
{
	struct conf *c = lc->c;
	size_t i;

	switch (s) {
	case S_IMAP:
		for (i = 0; i < c->nimap; i++)
			if (strcmp(c->imap[i].name, name) == 0)
				return (char *)&c->imap[i];
		if (c->nimap + c->nfolder == CONF_MAX_JOBS)
			return NULL;
		if ((c->imap[c->nimap].name = strdup(name)) == NULL)
			return NULL;
		return (char *)&c->imap[c->nimap++];
	case S_FOLDER:
		for (i = 0; i < c->nfolder; i++)
			if (strcmp(c->folder[i].name, name) == 0)
				return (char *)&c->folder[i];
		if (c->nimap + c->nfolder == CONF_MAX_JOBS)
			return NULL;
		if ((c->folder[c->nfolder].name = strdup(name)) == NULL)
			return NULL;
		return (char *)&c->folder[c->nfolder++];
	default:
		return (char *)c;
	}
}

static bool
set_value(struct loadctx *lc, const struct setting *s, char *base,
    const char *v)
{
	char **sp = (char **)(base + s->off);
	unsigned *up = (unsigned *)(base + s->off);
	bool *bp = (bool *)(base + s->off);
	char *end;
	unsigned long n;

	switch (s->type) {
	case T_BOOL:
		if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0)
			*bp = true;
		else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
		    strcmp(v, "0") == 0)
			*bp = false;
		else
			goto bad;
		return true;
	case T_UINT:
		if (*v < '0' || *v > '9')
			goto bad;
		n = strtoul(v, &end, 10);
		if (*end != '\0' || n < s->min || n > s->max)
			goto bad;
		*up = (unsigned)n;
		return true;
	case T_LEVEL:
		if (strcmp(v, "error") != 0 && strcmp(v, "warn") != 0 &&
		    strcmp(v, "info") != 0 && strcmp(v, "debug") != 0)
			goto bad;
		/* FALLTHROUGH */
	case T_STR:
		free(*sp);
		if ((*sp = strdup(v)) == NULL) {
			dw_fail(lc->e, DW_ENOMEM, "out of memory");
			return false;
		}
		return true;
	}
bad:
	if (s->type == T_UINT)
		dw_fail(lc->e, DW_EINVAL, "%s: want a number from %u to %u, "
		    "got \"%s\"", s->key, s->min, s->max, v);
	else if (s->type == T_BOOL)
		dw_fail(lc->e, DW_EINVAL, "%s: want yes or no, got \"%s\"",
		    s->key, v);
	else
		dw_fail(lc->e, DW_EINVAL, "%s: want error, warn, info or "
		    "debug, got \"%s\"", s->key, v);
	return false;
}

static int
on_setting(void *user, const char *section, const char *key,
    const char *value)
{
	struct loadctx *lc = user;
	const char *colon = strchr(section, ':'), *name = "";
	size_t slen = colon ? (size_t)(colon - section) : strlen(section);
	char *base;
	size_t i;
	int s;

	if (lc->failed)
		return 0;
	for (s = 0; s <= S_FOLDER; s++)
		if (strlen(sect_names[s]) == slen &&
		    strncmp(sect_names[s], section, slen) == 0)
			break;
	if (s > S_FOLDER) {
		dw_fail(lc->e, DW_EINVAL, "unknown section [%s]", section);
		goto bad;
	}
	if ((s == S_IMAP || s == S_FOLDER) != (colon != NULL) ||
	    (colon != NULL && *(name = colon + 1) == '\0')) {
		dw_fail(lc->e, DW_EINVAL, "section [%s]: %s", section,
		    colon ? "the name after ':' is empty" :
		    (s == S_IMAP || s == S_FOLDER) ? "want [imap:NAME] or "
		    "[folder:NAME]" : "takes no name");
		goto bad;
	}
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") != strlen(name) || strlen(name) > 64) {
		dw_fail(lc->e, DW_EINVAL, "section [%s]: a name is up to 64 "
		    "letters, digits, '_', '.' or '-'", section);
		goto bad;
	}
	for (i = 0; i < NSETTINGS; i++)
		if (table[i].sect == (enum sect)s &&
		    strcmp(table[i].key, key) == 0)
			break;
	if (i == NSETTINGS) {
		dw_fail(lc->e, DW_EINVAL, "unknown setting \"%s\" in [%s]",
		    key, section);
		goto bad;
	}
	if ((base = section_base(lc, (enum sect)s, name)) == NULL) {
		dw_fail(lc->e, DW_ELIMIT, "more than %d [imap:] and "
		    "[folder:] sections", CONF_MAX_JOBS);
		goto bad;
	}
	if (set_value(lc, &table[i], base, value))
		return 1;
bad:
	lc->failed = true;
	return 0;
}

/* Fills defaults into unset settings and checks required ones. */
static enum dw_err
finish_section(struct loadctx *lc, enum sect s, char *base,
    const char *name)
{
	size_t i;
	char **sp;

	for (i = 0; i < NSETTINGS; i++) {
		if (table[i].sect != s)
			continue;
		sp = (char **)(base + table[i].off);
		if ((table[i].type == T_STR || table[i].type == T_LEVEL) &&
		    *sp != NULL)
			continue;
		if (table[i].type == T_UINT &&
		    *(unsigned *)(base + table[i].off) != UINT32_MAX)
			continue;
		if (table[i].type == T_BOOL)
			continue;	/* set before reading: mark_unset() */
		if (table[i].def != NULL && strcmp(table[i].def, "!") == 0)
			return dw_fail(lc->e, DW_EINVAL, "[%s%s%s] needs %s",
			    sect_names[s], *name ? ":" : "", name,
			    table[i].key);
		if (table[i].def != NULL &&
		    !set_value(lc, &table[i], base, table[i].def))
			return lc->e->code;
	}
	return DW_OK;
}

/* Setting t of one section struct: a number unset, a yes-or-no default. */
static void
preset(const struct setting *t, char *base)
{
	if (t->type == T_UINT)
		*(unsigned *)(base + t->off) = UINT32_MAX;
	else
		*(bool *)(base + t->off) = strcmp(t->def, "yes") == 0;
}

/*
 * Marks every number unset, so finish_section can tell, and gives every
 * yes-or-no its default before the file is read (a bool has no unset
 * value to tell a default from a setting by).
 */
static void
mark_unset(struct conf *c)
{
	size_t i, j;

	for (i = 0; i < NSETTINGS; i++) {
		if (table[i].type != T_UINT && table[i].type != T_BOOL)
			continue;
		if (table[i].sect == S_IMAP)
			for (j = 0; j < CONF_MAX_JOBS; j++)
				preset(&table[i], (char *)&c->imap[j]);
		else if (table[i].sect == S_FOLDER)
			for (j = 0; j < CONF_MAX_JOBS; j++)
				preset(&table[i], (char *)&c->folder[j]);
		else
			preset(&table[i], (char *)c);
	}
}

static enum dw_err
finish(struct loadctx *lc)
{
	struct conf *c = lc->c;
	enum dw_err err;
	size_t i;
	int s;

	for (s = S_STORE; s < S_IMAP; s++)
		if ((err = finish_section(lc, (enum sect)s, (char *)c, "")) !=
		    DW_OK)
			return err;
	for (i = 0; i < c->nimap; i++) {
		if ((err = finish_section(lc, S_IMAP, (char *)&c->imap[i],
		    c->imap[i].name)) != DW_OK)
			return err;
		if ((c->imap[i].password_file == NULL) ==
		    (c->imap[i].oauth2_token_file == NULL))
			return dw_fail(lc->e, DW_EINVAL, "[imap:%s] needs one "
			    "of password_file and oauth2_token_file",
			    c->imap[i].name);
	}
	for (i = 0; i < c->nfolder; i++)
		if ((err = finish_section(lc, S_FOLDER,
		    (char *)&c->folder[i], c->folder[i].name)) != DW_OK)
			return err;
	if (c->keep_samples != (*c->sample_key_file != '\0'))
		return dw_fail(lc->e, DW_EINVAL, "[store] keep_samples and "
		    "sample_key_file go together");
	if (*c->http_listen != '\0' && strrchr(c->http_listen, ':') == NULL)
		return dw_fail(lc->e, DW_EINVAL, "[http] listen: want "
		    "ADDR:PORT, got \"%s\"", c->http_listen);
	return DW_OK;
}

/*
 * The number of the first line inih would cut in two (its rest read as a
 * line of its own, which could set another key), or 0.
 */
static int
long_line(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	int line = 1;

	for (; p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl - p > ini_max_line - 2)
			return line;
	}
	return 0;
}

enum dw_err
conf_parse(const char *text, size_t len, const char *name, struct conf *c,
    struct dw_error *e)
{
	struct loadctx lc = { c, e, false };
	struct dw_error le;
	enum dw_err err;
	const char *nul;
	int line;

	memset(c, 0, sizeof(*c));
	if ((nul = memchr(text, '\0', len)) != NULL)
		return dw_fail(e, DW_ESYNTAX, "%s: a NUL byte at offset %zu",
		    name, (size_t)(nul - text));
	if ((line = long_line(text, len)) != 0)
		return dw_fail(e, DW_ELIMIT, "%s:%d: longer than %d bytes",
		    name, line, ini_max_line - 2);
	mark_unset(c);
	dw_error_clear(&le);
	lc.e = &le;
	line = ini_parse_string(text, on_setting, &lc);
	if (line != 0) {
		err = lc.failed ? le.code : DW_ESYNTAX;
		conf_free(c);
		return dw_fail(e, err, "%s:%d: %s", name, line,
		    lc.failed ? le.msg : "not a valid INI line");
	}
	if ((err = finish(&lc)) != DW_OK) {
		conf_free(c);
		return dw_fail(e, err, "%s: %s", name, le.msg);
	}
	return DW_OK;
}

enum dw_err
conf_load(const char *path, struct conf *c, struct dw_error *e)
{
	struct buf b;
	enum dw_err err;

	memset(c, 0, sizeof(*c));
	if ((err = buf_read_file(&b, path, CONF_FILE_MAX, e)) != DW_OK)
		return err;
	err = conf_parse(buf_str(&b), b.len, path, c, e);
	buf_fini(&b);
	return err;
}

static void
free_strings(enum sect s, char *base)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++) {
		if (table[i].sect != s || (table[i].type != T_STR &&
		    table[i].type != T_LEVEL))
			continue;
		free(*(char **)(base + table[i].off));
		*(char **)(base + table[i].off) = NULL;
	}
}

void
conf_free(struct conf *c)
{
	size_t i;
	int s;

	for (s = S_STORE; s < S_IMAP; s++)
		free_strings((enum sect)s, (char *)c);
	for (i = 0; i < c->nimap; i++) {
		free_strings(S_IMAP, (char *)&c->imap[i]);
		free(c->imap[i].name);
	}
	for (i = 0; i < c->nfolder; i++) {
		free_strings(S_FOLDER, (char *)&c->folder[i]);
		free(c->folder[i].name);
	}
	memset(c, 0, sizeof(*c));
}

void
conf_print_settings(FILE *fp)
{
	static const char *const tn[] = { "text", "yes|no", "number",
	    "level" };
	const struct setting *s;
	size_t i;

	for (i = 0; i < NSETTINGS; i++) {
		s = &table[i];
		fprintf(fp, "[%s%s] %s (%s", sect_names[s->sect],
		    s->sect == S_IMAP || s->sect == S_FOLDER ? ":NAME" : "",
		    s->key, tn[s->type]);
		if (s->type == T_UINT)
			fprintf(fp, " %u..%u", s->min, s->max);
		if (s->def != NULL && strcmp(s->def, "!") == 0)
			fprintf(fp, ", required");
		else if (s->def != NULL)
			fprintf(fp, ", default \"%s\"", s->def);
		fprintf(fp, ")\n    %s\n", s->help);
	}
}

enum log_level
conf_log_level(const struct conf *c)
{
	if (strcmp(c->log_level, "error") == 0)
		return LOG_LVL_ERROR;
	if (strcmp(c->log_level, "warn") == 0)
		return LOG_LVL_WARN;
	if (strcmp(c->log_level, "debug") == 0)
		return LOG_LVL_DEBUG;
	return LOG_LVL_INFO;
}
