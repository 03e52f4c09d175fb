/*
 * imap.c: one poll of a mailbox through libcurl's IMAP.
 *
 * Commands used: STATUS (UIDVALIDITY), UID SEARCH, UID FETCH (through the
 * ;UID= URL), UID MOVE, or UID COPY + UID STORE \Deleted + UID EXPUNGE
 * where MOVE is missing, and CREATE for the folders.  curl keeps the
 * connection and the selected mailbox between requests on one handle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "base/buf.h"
#include "imap.h"
#include "imap_resp.h"
#include "ingest/ingest.h"
#include "store/store.h"

#define IMAP_NAME_MAX	256	/* a mailbox or folder name */
#define IMAP_URL_MAX	1024

struct imap {
	const struct imap_opts	*o;
	CURL			*h;
	char			 base[IMAP_URL_MAX];	/* scheme://host:port */
	char			 box[IMAP_NAME_MAX];
	char			 boxurl[IMAP_URL_MAX];
	char			 key[IMAP_URL_MAX];
	struct buf		 resp;
	bool			 over;		/* resp hit its cap */
	char			 cerr[CURL_ERROR_SIZE];
	struct store_move	 moves[IMAP_BATCH];
	size_t			 nmoves;
};

/* Printable ASCII without quotes or backslashes: safe in a quoted string. */
static bool
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IMAP_NAME_MAX)
		return false;
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

static enum dw_err
parse_url(struct imap *im, struct dw_error *e)
{
	const struct imap_opts *o = im->o;
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *user = NULL, *esc = NULL;
	enum dw_err err = DW_OK;
	CURLU *u = curl_url();

	if (u == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, o->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) !=
	    CURLUE_OK) {
		err = dw_fail(e, DW_EINVAL, "%s: not a valid IMAP URL", o->url);
		goto out;
	}
	if (strcmp(scheme, "imaps") != 0 && strcmp(scheme, "imap") != 0) {
		err = dw_fail(e, DW_EINVAL, "%s: the URL must be imaps:// (or "
		    "imap://, with STARTTLS required)", o->url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		err = dw_fail(e, DW_EINVAL, "%s: give the user with --user, "
		    "not in the URL", o->url);
		goto out;
	}
	snprintf(im->box, sizeof(im->box), "%s",
	    path[0] == '/' && path[1] != '\0' ? path + 1 : "INBOX");
	if (!name_ok(im->box) || (o->archive != NULL &&
	    !name_ok(o->archive)) || (o->invalid != NULL &&
	    !name_ok(o->invalid))) {
		err = dw_fail(e, DW_EINVAL, "mailbox and folder names must be "
		    "printable ASCII without quotes or backslashes");
		goto out;
	}
	esc = curl_easy_escape(NULL, im->box, 0);
	if (esc == NULL) {
		err = dw_fail(e, DW_ENOMEM, "out of memory");
		goto out;
	}
	if ((size_t)snprintf(im->base, sizeof(im->base), "%s://%s:%s",
	    scheme, host, port) >= sizeof(im->base) ||
	    (size_t)snprintf(im->boxurl, sizeof(im->boxurl), "%s/%s",
	    im->base, esc) >= sizeof(im->boxurl) ||
	    (size_t)snprintf(im->key, sizeof(im->key), "%s://%s@%s:%s/%s",
	    scheme, o->user, host, port, im->box) >= sizeof(im->key))
		err = dw_fail(e, DW_EINVAL, "%s: URL too long", o->url);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(user);
	curl_free(esc);
	curl_url_cleanup(u);
	return err;
}

enum dw_err
imap_key(const struct imap_opts *o, char *buf, size_t len,
    struct dw_error *e)
{
	struct imap im = { .o = o };
	enum dw_err err;

	if (o->user == NULL || *o->user == '\0')
		return dw_fail(e, DW_EINVAL, "an IMAP user is required");
	if ((err = parse_url(&im, e)) != DW_OK)
		return err;
	if ((size_t)snprintf(buf, len, "%s", im.key) >= len)
		return dw_fail(e, DW_EINVAL, "mailbox key too long");
	return DW_OK;
}

static size_t
on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct imap *im = ctx;

	if (buf_append(&im->resp, p, size * n) != DW_OK) {
		im->over = true;
		return 0;
	}
	return size * n;
}

static enum dw_err
setup(struct imap *im, struct dw_error *e)
{
	const struct imap_opts *o = im->o;
	long secs = o->timeout ? (long)o->timeout : IMAP_TIMEOUT;
	CURL *h;

	if ((im->h = h = curl_easy_init()) == NULL)
		return dw_fail(e, DW_ENOMEM, "cannot start libcurl");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, secs);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, secs);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, secs);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, im->cerr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, im);
	curl_easy_setopt(h, CURLOPT_USERNAME, o->user);
	if (o->bearer != NULL) {
		curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, o->bearer);
		curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
	} else {
		curl_easy_setopt(h, CURLOPT_PASSWORD, o->password);
	}
	if (o->ca_file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
	if (o->verbose)
		curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	return DW_OK;
}

/* One request: url, with an IMAP command or (NULL) a fetch. */
static enum dw_err
request(struct imap *im, const char *url, const char *cmd, uint64_t cap,
    struct dw_error *e)
{
	CURLcode rc;

	buf_fini(&im->resp);
	buf_init(&im->resp, cap);
	im->over = false;
	im->cerr[0] = '\0';
	curl_easy_setopt(im->h, CURLOPT_URL, url);
	curl_easy_setopt(im->h, CURLOPT_CUSTOMREQUEST, cmd);
	rc = curl_easy_perform(im->h);
	if (rc == CURLE_OK)
		return DW_OK;
	if (im->over)
		return dw_fail(e, DW_ELIMIT, "%s: over the %llu-byte limit",
		    cmd ? cmd : "message", (unsigned long long)cap);
	if (rc == CURLE_LOGIN_DENIED)
		return dw_fail(e, DW_EAUTH, "%s: login refused for %s",
		    im->base, im->o->user);
	if (rc == CURLE_QUOTE_ERROR || rc == CURLE_REMOTE_FILE_NOT_FOUND)
		return dw_fail(e, DW_ENOTFOUND, "%s: %s: %s", im->base,
		    cmd ? cmd : "FETCH", im->cerr[0] ? im->cerr :
		    curl_easy_strerror(rc));
	return dw_fail(e, DW_EIO, "%s: %s", im->base,
	    im->cerr[0] ? im->cerr : curl_easy_strerror(rc));
}

static enum dw_err
move(struct imap *im, uint32_t uid, const char *folder, struct dw_error *e)
{
	char cmd[IMAP_NAME_MAX + 64];
	enum dw_err err;

	snprintf(cmd, sizeof(cmd), "UID MOVE %u \"%s\"", (unsigned)uid,
	    folder);
	err = request(im, im->boxurl, cmd, IMAP_MAX_RESP, e);
	if (err != DW_ENOTFOUND)
		return err;
	/* No MOVE (RFC 6851) here: copy, flag, expunge that one. */
	snprintf(cmd, sizeof(cmd), "UID COPY %u \"%s\"", (unsigned)uid,
	    folder);
	if ((err = request(im, im->boxurl, cmd, IMAP_MAX_RESP, e)) != DW_OK)
		return err;
	snprintf(cmd, sizeof(cmd), "UID STORE %u +FLAGS.SILENT (\\Deleted)",
	    (unsigned)uid);
	if ((err = request(im, im->boxurl, cmd, IMAP_MAX_RESP, e)) != DW_OK)
		return err;
	snprintf(cmd, sizeof(cmd), "UID EXPUNGE %u", (unsigned)uid);
	return request(im, im->boxurl, cmd, IMAP_MAX_RESP, e);
}

static enum dw_err
create_folder(struct imap *im, const char *folder, struct dw_error *e)
{
	char cmd[IMAP_NAME_MAX + 16];
	enum dw_err err;

	if (folder == NULL)
		return DW_OK;
	snprintf(cmd, sizeof(cmd), "CREATE \"%s\"", folder);
	err = request(im, im->base, cmd, IMAP_MAX_RESP, e);
	return err == DW_ENOTFOUND ? DW_OK : err;	/* it exists */
}

static void
count_move(struct imap *im, const char *folder, struct imap_stats *s)
{
	if (im->o->archive != NULL && strcmp(folder, im->o->archive) == 0)
		s->archived++;
	else
		s->invalid++;
}

static enum dw_err
collect_move(void *ctx, const struct store_move *m)
{
	struct imap *im = ctx;

	if (im->nmoves == IMAP_BATCH)
		return DW_ELIMIT;	/* the rest next round */
	im->moves[im->nmoves].uid = m->uid;
	im->moves[im->nmoves].folder = strdup(m->folder);
	if (im->moves[im->nmoves].folder == NULL)
		return DW_ENOMEM;
	im->nmoves++;
	return DW_OK;
}

static void
clear_moves(struct imap *im)
{
	size_t i;

	for (i = 0; i < im->nmoves; i++)
		free((char *)im->moves[i].folder);
	im->nmoves = 0;
}

/* Makes the moves the store holds for this mailbox. */
static enum dw_err
do_moves(struct imap *im, struct store *st, struct imap_stats *s,
    struct dw_error *e)
{
	enum dw_err err;
	size_t i;

	do {
		clear_moves(im);
		err = store_mailbox_moves(st, im->key, collect_move, im, e);
		if (err != DW_OK && err != DW_ELIMIT) {
			clear_moves(im);
			return err == DW_ENOMEM ? dw_fail(e, err,
			    "out of memory") : err;
		}
		for (i = 0; i < im->nmoves; i++) {
			err = move(im, im->moves[i].uid, im->moves[i].folder,
			    e);
			/* UID MOVE of a message already gone is a no-op. */
			if (err == DW_OK) {
				count_move(im, im->moves[i].folder, s);
				err = store_mailbox_moved(st, im->key,
				    im->moves[i].uid, e);
			}
			if (err != DW_OK)
				break;
		}
	} while (err == DW_OK && im->nmoves == IMAP_BATCH);
	clear_moves(im);
	return err;
}

/* Makes what was ingested durable, records the state, makes the moves. */
static enum dw_err
commit(struct imap *im, struct store *st, struct ingest *in,
    const struct store_mailbox *m, struct imap_stats *s, struct dw_error *e)
{
	enum dw_err err;

	if ((err = ingest_finish(in, e)) != DW_OK ||
	    (err = store_mailbox_put(st, im->key, m, im->moves, im->nmoves,
	    e)) != DW_OK)
		return err;
	clear_moves(im);
	return do_moves(im, st, s, e);
}

/* Takes one message into the ingest; notes where it is to go. */
static enum dw_err
take(struct imap *im, struct ingest *in, uint32_t uid, struct imap_stats *s,
    struct dw_error *e)
{
	const struct imap_opts *o = im->o;
	char url[IMAP_URL_MAX + 32], name[IMAP_URL_MAX + 32];
	struct dw_error me;
	uint64_t before = ingest_stats(in)->rejected;
	const char *folder;
	enum dw_err err;

	snprintf(url, sizeof(url), "%s/;UID=%u", im->boxurl, (unsigned)uid);
	snprintf(name, sizeof(name), "%s;UID=%u", im->key, (unsigned)uid);
	dw_error_clear(&me);
	err = request(im, url, NULL, o->max_message ? o->max_message :
	    IMAP_MAX_MESSAGE, &me);
	if (err == DW_ELIMIT) {
		ingest_reject(in, name, &me);
	} else if (err != DW_OK) {
		*e = me;
		return err;
	} else if ((err = ingest_mem(in, name, im->resp.data, im->resp.len,
	    e)) != DW_OK)
		return err;
	s->fetched++;
	if (ingest_stats(in)->rejected > before) {
		s->rejected++;
		folder = o->invalid;
	} else {
		folder = o->archive;
	}
	if (folder != NULL) {
		im->moves[im->nmoves].uid = uid;
		im->moves[im->nmoves].folder = strdup(folder);
		if (im->moves[im->nmoves].folder == NULL)
			return dw_fail(e, DW_ENOMEM, "out of memory");
		im->nmoves++;
	}
	return DW_OK;
}

/* The UIDs above last, ascending. */
static enum dw_err
search(struct imap *im, uint32_t last, uint32_t **uids, size_t *n,
    struct dw_error *e)
{
	char cmd[64];
	enum dw_err err;
	size_t i, j;

	snprintf(cmd, sizeof(cmd), "UID SEARCH UID %u:*",
	    (unsigned)(last == UINT32_MAX ? last : last + 1));
	if ((err = request(im, im->boxurl, cmd, IMAP_MAX_RESP, e)) != DW_OK ||
	    (err = imap_parse_search(im->resp.data, im->resp.len, uids, n,
	    e)) != DW_OK)
		return err;
	/* "n:*" always holds the highest UID, even below n. */
	for (i = j = 0; i < *n; i++)
		if ((*uids)[i] > last)
			(*uids)[j++] = (*uids)[i];
	*n = j;
	return DW_OK;
}

static enum dw_err
poll_box(struct imap *im, struct store *st, struct ingest *in,
    struct imap_stats *s, struct dw_error *e)
{
	struct store_mailbox m;
	struct imap_status ist;
	uint32_t *uids = NULL;
	size_t n = 0, i, lim;
	char cmd[IMAP_NAME_MAX + 64];
	enum dw_err err;
	bool found;

	snprintf(cmd, sizeof(cmd), "STATUS \"%s\" (UIDVALIDITY UIDNEXT "
	    "MESSAGES)", im->box);
	if ((err = request(im, im->base, cmd, IMAP_MAX_RESP, e)) != DW_OK ||
	    (err = imap_parse_status(im->resp.data, im->resp.len, &ist,
	    e)) != DW_OK ||
	    (err = store_mailbox_get(st, im->key, &m, &found, e)) != DW_OK)
		return err;
	s->listed = ist.messages;
	if (found && m.uidvalidity != ist.uidvalidity) {
		/* Every UID changed meaning; content hashes catch repeats. */
		s->uidvalidity_changed = true;
		m.last_uid = 0;
	}
	m.uidvalidity = ist.uidvalidity;
	m.last_fetch = (int64_t)time(NULL);
	if ((err = store_mailbox_put(st, im->key, &m, NULL, 0, e)) != DW_OK ||
	    (err = create_folder(im, im->o->archive, e)) != DW_OK ||
	    (err = create_folder(im, im->o->invalid, e)) != DW_OK ||
	    (err = do_moves(im, st, s, e)) != DW_OK ||
	    (err = search(im, m.last_uid, &uids, &n, e)) != DW_OK)
		goto out;
	lim = im->o->max_messages ? im->o->max_messages : n;
	for (i = 0; i < n && i < lim; i++) {
		if (im->o->should_stop != NULL &&
		    im->o->should_stop(im->o->stop_ctx))
			break;
		if ((err = take(im, in, uids[i], s, e)) != DW_OK)
			break;
		m.last_uid = uids[i];
		if (im->nmoves == IMAP_BATCH || (i + 1) % IMAP_BATCH == 0) {
			if ((err = commit(im, st, in, &m, s, e)) != DW_OK)
				goto out;
		}
	}
	/* What was taken before a failure is kept all the same. */
	if (err == DW_OK)
		err = commit(im, st, in, &m, s, e);
	else
		(void)commit(im, st, in, &m, s, NULL);
out:
	free(uids);
	return err;
}

enum dw_err
imap_poll(const struct imap_opts *o, struct store *st, struct ingest *in,
    struct imap_stats *s, struct dw_error *e)
{
	struct imap im = { .o = o };
	enum dw_err err;

	memset(s, 0, sizeof(*s));
	if (o->user == NULL || *o->user == '\0')
		return dw_fail(e, DW_EINVAL, "an IMAP user is required");
	if ((o->password == NULL) == (o->bearer == NULL))
		return dw_fail(e, DW_EINVAL, "give a password or an OAuth2 "
		    "token, not both");
	if ((err = parse_url(&im, e)) != DW_OK)
		return err;
	buf_init(&im.resp, IMAP_MAX_RESP);
	if ((err = setup(&im, e)) == DW_OK)
		err = poll_box(&im, st, in, s, e);
	clear_moves(&im);
	buf_fini(&im.resp);
	curl_easy_cleanup(im.h);
	return err;
}
