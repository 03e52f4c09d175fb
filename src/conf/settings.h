/*
 * settings.h: the daemon's configuration file (INI, read with inih).
 *
 * Every setting is one row of the table in config.c: its section, key,
 * type, default, bounds and help.  `dmarcward run --print-settings` prints
 * the table, and docs/man/dmarcward.conf.5.md describes the same rows (a
 * test checks that none is missing).  Sections [imap:NAME] and
 * [folder:NAME] may appear several times, once per mailbox or folder.
 */
#ifndef DW_CONF_SETTINGS_H
#define DW_CONF_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "base/log.h"

#define CONF_MAX_JOBS	32	/* [imap:*] plus [folder:*] sections */

struct conf_imap {
	char		*name;
	char		*url;
	char		*user;
	char		*password_file;
	char		*oauth2_token_file;
	char		*archive;
	char		*invalid;
	char		*ca_file;
	unsigned	 interval;	/* seconds between polls */
	unsigned	 timeout;
	unsigned	 max_messages;
};

struct conf_folder {
	char		*name;
	char		*path;
	char		*processed;	/* where handled files go */
	char		*invalid;	/* where rejected files go */
	unsigned	 interval;
	unsigned	 settle;	/* seconds a file must be left alone */
};

struct conf {
	char			*store_path;
	bool			 keep_samples;	/* failure report messages */
	char			*sample_key_file;	/* sealed to this key */
	bool			 syslog;
	char			*log_level;
	char			*http_listen;	/* "ADDR:PORT" or empty */
	char			*upload_token_file;
	unsigned		 max_upload_mib;
	char			*check_domains;		/* space-separated */
	char			*check_selectors;
	unsigned		 check_interval;
	char			*check_resolver;
	char			*check_trust_anchor;
	char			*check_zone;
	bool			 check_fetch_sts;	/* MTA-STS policy */
	bool			 check_probe_smtp;	/* STARTTLS of MX */
	bool			 enrich;
	unsigned		 enrich_interval;
	char			*enrich_catalog;
	char			*enrich_geoip;		/* space-separated */
	struct conf_imap	 imap[CONF_MAX_JOBS];
	size_t			 nimap;
	struct conf_folder	 folder[CONF_MAX_JOBS];
	size_t			 nfolder;
};

#define CONF_FILE_MAX	((size_t)1 << 20)	/* bytes of a configuration */

/* Reads path; on failure e names the file, the line and the reason. */
enum dw_err conf_load(const char *path, struct conf *c, struct dw_error *e);
/* The same on text[0..len) (NUL-terminated after len), named name. */
enum dw_err conf_parse(const char *text, size_t len, const char *name,
    struct conf *c, struct dw_error *e);
void conf_free(struct conf *c);
/* The table, with defaults and help, as text. */
void conf_print_settings(FILE *fp);
/* "error" "warn" "info" "debug" */
enum log_level conf_log_level(const struct conf *c);

#endif
