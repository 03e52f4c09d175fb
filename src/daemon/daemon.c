/*
 * daemon.c: one thread runs the jobs, one at a time, each on its own
 * interval; libmicrohttpd's thread answers HTTP.  Signals are blocked in
 * every thread and taken with sigtimedwait() between jobs, and checked
 * between the messages of a poll, so a SIGTERM ends the current message,
 * commits, and exits.
 *
 * A job that fails (network, login) is retried sooner, with a backoff
 * from 5 s doubling up to its interval.  A store failure stops the daemon:
 * nothing can be kept until someone looks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/secret.h"
#include "check/check.h"
#include "check/check_net.h"
#include "check/check_store.h"
#include "conf/settings.h"
#include "crypto/seal.h"
#include "daemon.h"
#include "djob.h"
#include "fetch/imap.h"
#include "http.h"
#include "ingest/ingest.h"
#include "metrics.h"
#include "store/store.h"

#define DAEMON_BACKOFF_MIN	5	/* seconds after a first failure */
#define DAEMON_SECRET_MAX	8192
#define FOLDER_BATCH		64	/* files per commit */
#define FOLDER_MAX_FILES	10000	/* taken per scan */

enum job_kind { JOB_IMAP, JOB_FOLDER, JOB_CHECK, JOB_ENRICH };

struct job {
	enum job_kind	 kind;
	const void	*conf;		/* struct conf_imap or conf_folder */
	char		 name[80];
	int		 metric;
	time_t		 next;
	unsigned	 backoff;
};

struct daemon {
	const char	*path;
	struct conf	 conf;
	struct store	*st;
	struct ingest	*in;
	struct metrics	*m;
	struct http	*http;
	struct job	 jobs[CONF_MAX_JOBS + 2];	/* + check, enrich */
	size_t		 njobs;
	sigset_t	 sigs;
	uint8_t		 sample_key[SEAL_KEY_BYTES];
	bool		 keep_samples;	/* sealed to sample_key */
	int		 stop;		/* the signal that asked, or 0 */
	bool		 reload;
};

static void
on_reject(void *ctx, const char *input, const char *doc,
    const struct dw_error *e)
{
	char in[512], msg[DW_ERRMSG_MAX * 4], d[512];

	(void)ctx;
	log_sanitize(in, sizeof(in), input);
	log_sanitize(msg, sizeof(msg), e->msg);
	if (doc != NULL && strcmp(log_sanitize(d, sizeof(d), doc), in) != 0)
		log_warnx("rejected %s (%s): %s", in, d, msg);
	else
		log_warnx("rejected %s: %s", in, msg);
}

/* Takes any pending signal without waiting; true when told to stop. */
static bool
poll_signals(struct daemon *dm)
{
	struct timespec zero = { 0, 0 };
	int sig;

	while ((sig = sigtimedwait(&dm->sigs, NULL, &zero)) > 0) {
		if (sig == SIGHUP)
			dm->reload = true;
		else
			dm->stop = sig;
	}
	return dm->stop != 0;
}

static bool
imap_should_stop(void *ctx)
{
	return poll_signals(ctx);
}

static enum dw_err
run_imap(struct daemon *dm, const struct conf_imap *ci, bool *waiting,
    struct dw_error *e)
{
	struct imap_opts o = { 0 };
	struct imap_stats is;
	char secret[DAEMON_SECRET_MAX];
	enum dw_err err;

	if ((err = secret_read(ci->password_file ? ci->password_file :
	    ci->oauth2_token_file, secret, sizeof(secret), e)) != DW_OK)
		return err;
	o.url = ci->url;
	o.user = ci->user;
	if (ci->password_file != NULL)
		o.password = secret;
	else
		o.bearer = secret;
	o.archive = ci->archive;
	o.invalid = ci->invalid;
	o.ca_file = ci->ca_file;
	o.timeout = ci->timeout;
	o.max_messages = ci->max_messages;
	o.should_stop = imap_should_stop;
	o.stop_ctx = dm;
	err = imap_poll(&o, dm->st, dm->in, &is, e);
	explicit_bzero(secret, sizeof(secret));
	*waiting = ci->max_messages > 0 && is.fetched >= ci->max_messages;
	if (err == DW_OK && is.fetched > 0)
		log_info("imap:%s: %llu messages taken, %llu rejected",
		    ci->name, (unsigned long long)is.fetched,
		    (unsigned long long)is.rejected);
	else if (err == DW_OK)
		log_debug("imap:%s: nothing new", ci->name);
	return err;
}

struct fentry {
	char	*name;
	bool	 rejected;
};

static int
cmp_fentry(const void *a, const void *b)
{
	return strcmp(((const struct fentry *)a)->name,
	    ((const struct fentry *)b)->name);
}

/* Moves dir/name into to/ (same filesystem), never over another file. */
static void
move_file(const char *dir, const char *name, const char *to)
{
	char src[4096], dst[4096];
	int i, n;

	if (mkdir(to, 0700) != 0 && errno != EEXIST) {
		log_warnx("%s: %s", to, strerror(errno));
		return;
	}
	if ((size_t)snprintf(src, sizeof(src), "%s/%s", dir, name) >=
	    sizeof(src))
		return;
	for (i = 0; i < 100; i++) {
		n = i == 0 ? snprintf(dst, sizeof(dst), "%s/%s", to, name) :
		    snprintf(dst, sizeof(dst), "%s/%s.%d", to, name, i);
		if (n < 0 || (size_t)n >= sizeof(dst)) {
			errno = ENAMETOOLONG;
			break;
		}
		/* link() never replaces: a name taken is EEXIST. */
		if (link(src, dst) == 0) {
			if (unlink(src) != 0)
				log_warnx("%s: %s", src, strerror(errno));
			return;
		}
		if (errno != EEXIST)
			break;
	}
	log_warnx("cannot move %s to %s: %s", src, to, strerror(errno));
}

/* The files of the folder old enough to take, in name order. */
static enum dw_err
list_folder(const struct conf_folder *cf, struct fentry **out, size_t *n,
    struct dw_error *e)
{
	struct fentry *v = NULL, *nv;
	struct dirent *de;
	struct stat sb;
	size_t cnt = 0, cap = 0;
	time_t now = time(NULL);
	DIR *d;

	*out = NULL;
	*n = 0;
	if ((d = opendir(cf->path)) == NULL)
		return dw_fail(e, DW_EIO, "%s: %s", cf->path, strerror(errno));
	while ((de = readdir(d)) != NULL && cnt < FOLDER_MAX_FILES) {
		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode) ||
		    now - sb.st_mtime < (time_t)cf->settle)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto nomem;
			v = nv;
		}
		if ((v[cnt].name = strdup(de->d_name)) == NULL)
			goto nomem;
		v[cnt++].rejected = false;
	}
	closedir(d);
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), cmp_fentry);
	*out = v;
	*n = cnt;
	return DW_OK;
nomem:
	closedir(d);
	while (cnt > 0)
		free(v[--cnt].name);
	free(v);
	return dw_fail(e, DW_ENOMEM, "out of memory");
}

/* Commits what was taken, then moves those files out of the folder. */
static enum dw_err
folder_commit(struct daemon *dm, const struct conf_folder *cf,
    struct fentry *v, size_t from, size_t to, struct dw_error *e)
{
	char done[4096], bad[4096];
	enum dw_err err;
	size_t i;

	if ((err = ingest_finish(dm->in, e)) != DW_OK)
		return err;
	if ((size_t)snprintf(done, sizeof(done), "%s%s", cf->processed ?
	    cf->processed : cf->path, cf->processed ? "" : "/processed") >=
	    sizeof(done) || (size_t)snprintf(bad, sizeof(bad), "%s%s",
	    cf->invalid ? cf->invalid : cf->path, cf->invalid ? "" :
	    "/invalid") >= sizeof(bad))
		return dw_fail(e, DW_EINVAL, "%s: path too long", cf->path);
	for (i = from; i < to; i++)
		move_file(cf->path, v[i].name, v[i].rejected ? bad : done);
	return DW_OK;
}

static enum dw_err
run_folder(struct daemon *dm, const struct conf_folder *cf, bool *waiting,
    struct dw_error *e)
{
	struct fentry *v;
	char path[8192];
	size_t n, i, from = 0;
	uint64_t before;
	enum dw_err err;

	if ((err = list_folder(cf, &v, &n, e)) != DW_OK)
		return err;
	*waiting = n == FOLDER_MAX_FILES;
	for (i = 0; i < n && err == DW_OK; i++) {
		if (poll_signals(dm))
			break;
		snprintf(path, sizeof(path), "%s/%s", cf->path, v[i].name);
		before = ingest_stats(dm->in)->rejected;
		err = ingest_path(dm->in, path, e);
		v[i].rejected = ingest_stats(dm->in)->rejected > before;
		if (err == DW_OK && (i + 1 - from) == FOLDER_BATCH) {
			err = folder_commit(dm, cf, v, from, i + 1, e);
			from = i + 1;
		}
	}
	if (err == DW_OK)
		err = folder_commit(dm, cf, v, from, i, e);
	*waiting = *waiting || i < n;
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return err;
}

#define CHECK_LIST_MAX		4096	/* domains or selectors */

/* Splits s (modified) on spaces into v; the count. */
static size_t
split_words(char *s, char **v, size_t max)
{
	size_t n = 0;
	char *p = s;

	while (*p != '\0' && n < max) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		v[n++] = p;
		p += strcspn(p, " \t,");
		if (*p != '\0')
			*p++ = '\0';
	}
	return n;
}

struct checkctx {
	struct daemon	*dm;
	enum dw_err	 err;		/* a store failure */
	struct dw_error	*e;
	size_t		 failed;	/* domains not checked */
};

static enum dw_err
on_dns_change(void *ctx, const struct store_dns_change *c)
{
	char o[256], n[256];

	(void)ctx;
	if (c->first)
		return DW_OK;
	log_sanitize(o, sizeof(o), c->old_value ? c->old_value : "(none)");
	log_sanitize(n, sizeof(n), c->new_value ? c->new_value : "(none)");
	log_warnx("%s %s changed%s%s: %s -> %s", c->kind, c->name,
	    c->event_type ? ", event " : "", c->event_type ? c->event_type :
	    "", o, n);
	return DW_OK;
}

static void
on_checked(void *arg, const struct check_result *r)
{
	struct checkctx *cc = arg;
	char why[256];

	if (r->status != CHECK_DONE) {
		cc->failed++;
		log_warnx("check %s: %s", r->domain, log_sanitize(why,
		    sizeof(why), r->error ? r->error : "not checked"));
		return;
	}
	log_debug("check %s: grade %c", r->domain, r->grade);
	if (cc->err == DW_OK)
		cc->err = check_store(cc->dm->st, r, on_dns_change, cc, cc->e);
}

/* The transport stage of the checks, when [check] asks for it. */
static enum dw_err
transport(struct daemon *dm, struct check_net **out, struct dw_error *e)
{
	struct check_net_opts o;
	enum dw_err err;

	*out = NULL;
	if (!dm->conf.check_fetch_sts && !dm->conf.check_probe_smtp)
		return DW_OK;
	memset(&o, 0, sizeof(o));
	o.fetch_sts = dm->conf.check_fetch_sts;
	o.probe_smtp = dm->conf.check_probe_smtp;
	o.prev = check_store_prev;
	o.prev_arg = dm->st;
	err = check_net_new(&o, out);
	if (err != DW_OK)
		return dw_fail(e, err, "checks: %s", dw_strerror(err));
	return DW_OK;
}

/*
 * Checks the configured domains and keeps what they publish in the
 * history: a changed DMARC policy, SPF record, DKIM key or MTA-STS id is
 * an event in the store, and a warning in the log.
 */
static enum dw_err
run_check(struct daemon *dm, struct dw_error *e)
{
	static char *dom[CHECK_LIST_MAX], *sel[CHECK_LIST_MAX];
	struct checkctx cc = { dm, DW_OK, e, 0 };
	struct check_opts o = { 0 };
	struct check_net *net = NULL;
	struct dns_resolver *r;
	char *dl, *sl;
	size_t nd, ns;
	enum dw_err err;

	dl = strdup(dm->conf.check_domains);
	sl = strdup(dm->conf.check_selectors);
	if (dl == NULL || sl == NULL) {
		free(dl);
		free(sl);
		return dw_fail(e, DW_ENOMEM, "out of memory");
	}
	nd = split_words(dl, dom, CHECK_LIST_MAX);
	ns = split_words(sl, sel, CHECK_LIST_MAX);
	if ((err = djob_resolver(&dm->conf, &r, e)) == DW_OK &&
	    (err = transport(dm, &net, e)) != DW_OK)
		dns_free(r);
	if (err == DW_OK) {
		o.selectors = (const char *const *)sel;
		o.nselectors = ns;
		o.stages = net != NULL ? check_net_stage(net) : NULL;
		o.nstages = net != NULL ? 1 : 0;
		o.now = (int64_t)time(NULL);
		err = check_many(r, &o, (const char *const *)dom, nd,
		    on_checked, &cc);
		check_net_free(net);
		dns_free(r);
		if (err != DW_OK)
			dw_fail(e, err, "checks: %s", dw_strerror(err));
		else if (cc.err != DW_OK)
			err = cc.err;
		else if (cc.failed > 0)
			err = dw_fail(e, DW_EDNS_TEMP, "%zu of %zu domains "
			    "could not be checked", cc.failed, nd);
	}
	free(dl);
	free(sl);
	return err;
}

static bool
is_store_failure(enum dw_err err)
{
	return err == DW_ESTORE || err == DW_EFULL || err == DW_ENOMEM;
}

/* New reports were stored: their addresses are looked up next. */
static void
enrich_soon(struct daemon *dm)
{
	size_t i;

	for (i = 0; i < dm->njobs; i++)
		if (dm->jobs[i].kind == JOB_ENRICH &&
		    dm->jobs[i].backoff == 0)
			dm->jobs[i].next = time(NULL);
}

/* Runs job j; false when the daemon must stop (the store failed). */
static bool
run_job(struct daemon *dm, struct job *j)
{
	struct ingest_stats before = *ingest_stats(dm->in), d;
	unsigned interval;
	struct dw_error e;
	time_t start = time(NULL);
	enum dw_err err;
	bool waiting = false;
	char msg[DW_ERRMSG_MAX * 4];

	dw_error_clear(&e);
	if (j->kind == JOB_IMAP) {
		interval = ((const struct conf_imap *)j->conf)->interval;
		err = run_imap(dm, j->conf, &waiting, &e);
	} else if (j->kind == JOB_FOLDER) {
		interval = ((const struct conf_folder *)j->conf)->interval;
		err = run_folder(dm, j->conf, &waiting, &e);
	} else if (j->kind == JOB_CHECK) {
		interval = dm->conf.check_interval;
		err = run_check(dm, &e);
	} else {
		interval = dm->conf.enrich_interval;
		err = djob_enrich(dm->st, &dm->conf, &e);
	}
	metrics_delta(&before, ingest_stats(dm->in), &d);
	if (d.reports_new > 0)
		enrich_soon(dm);
	metrics_run(dm->m, j->metric, start, &d, err != DW_OK, waiting);
	if (err == DW_OK) {
		j->backoff = 0;
		j->next = time(NULL) + (waiting ? 1 : (time_t)interval);
		return true;
	}
	log_warnx("%s: %s", j->name, log_sanitize(msg, sizeof(msg), e.msg));
	if (is_store_failure(err))
		return false;
	j->backoff = j->backoff == 0 ? DAEMON_BACKOFF_MIN : j->backoff * 2;
	if (j->backoff > interval)
		j->backoff = interval;
	j->next = time(NULL) + (time_t)j->backoff;
	return true;
}

static void
make_jobs(struct daemon *dm)
{
	struct job *j;
	size_t i;

	dm->njobs = 0;
	for (i = 0; i < dm->conf.nimap; i++) {
		j = &dm->jobs[dm->njobs++];
		memset(j, 0, sizeof(*j));
		j->kind = JOB_IMAP;
		j->conf = &dm->conf.imap[i];
		snprintf(j->name, sizeof(j->name), "imap:%s",
		    dm->conf.imap[i].name);
	}
	for (i = 0; i < dm->conf.nfolder; i++) {
		j = &dm->jobs[dm->njobs++];
		memset(j, 0, sizeof(*j));
		j->kind = JOB_FOLDER;
		j->conf = &dm->conf.folder[i];
		snprintf(j->name, sizeof(j->name), "folder:%s",
		    dm->conf.folder[i].name);
	}
	if (*dm->conf.check_domains != '\0') {
		j = &dm->jobs[dm->njobs++];
		memset(j, 0, sizeof(*j));
		j->kind = JOB_CHECK;
		snprintf(j->name, sizeof(j->name), "check");
	}
	if (dm->conf.enrich) {
		j = &dm->jobs[dm->njobs++];
		memset(j, 0, sizeof(*j));
		j->kind = JOB_ENRICH;
		snprintf(j->name, sizeof(j->name), "enrich");
	}
	for (i = 0; i < dm->njobs; i++) {
		dm->jobs[i].metric = metrics_job(dm->m, dm->jobs[i].name);
		dm->jobs[i].next = time(NULL);
	}
}

static enum dw_err
start_http(struct daemon *dm, struct dw_error *e)
{
	struct http_opts ho = { 0 };
	char token[DAEMON_SECRET_MAX];
	enum dw_err err;

	if (*dm->conf.http_listen == '\0')
		return DW_OK;
	if (*dm->conf.upload_token_file != '\0') {
		if ((err = secret_read(dm->conf.upload_token_file, token,
		    sizeof(token), e)) != DW_OK)
			return err;
		ho.token = token;
	}
	ho.listen = dm->conf.http_listen;
	ho.store_path = dm->conf.store_path;
	ho.max_upload = (uint64_t)dm->conf.max_upload_mib << 20;
	ho.metrics = dm->m;
	ho.upload_job = metrics_job(dm->m, "upload");
	ho.sample_key = dm->keep_samples ? dm->sample_key : NULL;
	err = http_start(&ho, &dm->http, e);
	explicit_bzero(token, sizeof(token));
	if (err == DW_OK)
		log_info("listening on %s", dm->conf.http_listen);
	return err;
}

/* Rereads the configuration; on any error the old one stays. */
static void
reload(struct daemon *dm)
{
	struct conf nc;
	struct dw_error e;
	struct http *old = dm->http;

	dm->reload = false;
	dw_error_clear(&e);
	if (conf_load(dm->path, &nc, &e) != DW_OK) {
		log_warnx("reload: %s; keeping the running configuration",
		    e.msg);
		return;
	}
	if (strcmp(nc.store_path, dm->conf.store_path) != 0) {
		log_warnx("reload: [store] path changed; that needs a "
		    "restart, keeping %s", dm->conf.store_path);
		free(nc.store_path);
		nc.store_path = strdup(dm->conf.store_path);
		if (nc.store_path == NULL) {
			conf_free(&nc);
			return;
		}
	}
	if (nc.keep_samples != dm->conf.keep_samples ||
	    strcmp(nc.sample_key_file, dm->conf.sample_key_file) != 0)
		log_warnx("reload: [store] keep_samples and sample_key_file "
		    "take effect at a restart; samples go on as before");
	http_stop(old);
	dm->http = NULL;
	conf_free(&dm->conf);
	dm->conf = nc;
	log_setlevel(conf_log_level(&dm->conf));
	make_jobs(dm);
	if (start_http(dm, &e) != DW_OK)
		log_warnx("reload: %s; the HTTP listener is off", e.msg);
	log_info("configuration reloaded: %zu jobs", dm->njobs);
}

/* Waits for the next job or a signal. */
static void
wait_next(struct daemon *dm)
{
	struct timespec ts = { 3600, 0 };
	time_t now = time(NULL), first = now + 3600;
	size_t i;
	int sig;

	for (i = 0; i < dm->njobs; i++)
		if (dm->jobs[i].next < first)
			first = dm->jobs[i].next;
	if (first <= now)
		return;
	ts.tv_sec = first - now;
	sig = sigtimedwait(&dm->sigs, NULL, &ts);
	if (sig == SIGHUP)
		dm->reload = true;
	else if (sig > 0)
		dm->stop = sig;
}

static int
loop(struct daemon *dm)
{
	size_t i;

	while (!poll_signals(dm)) {
		if (dm->reload)
			reload(dm);
		for (i = 0; i < dm->njobs && dm->stop == 0; i++) {
			if (dm->jobs[i].next > time(NULL))
				continue;
			if (!run_job(dm, &dm->jobs[i])) {
				log_warnx("the store failed; stopping");
				return 2;
			}
			if (dm->reload)
				break;	/* the jobs are about to change */
		}
		if (dm->stop == 0 && !dm->reload)
			wait_next(dm);
	}
	log_info("signal %d: stopping", dm->stop);
	return 0;
}

int
daemon_run(const char *config_path)
{
	struct daemon dm = { .path = config_path };
	struct ingest_opts o;
	struct dw_error e;
	int rc = 2;

	dw_error_clear(&e);
	if (conf_load(config_path, &dm.conf, &e) != DW_OK) {
		log_warnx("%s", e.msg);
		return 2;
	}
	log_init("dmarcward", conf_log_level(&dm.conf), dm.conf.syslog);
	sigemptyset(&dm.sigs);
	sigaddset(&dm.sigs, SIGTERM);
	sigaddset(&dm.sigs, SIGINT);
	sigaddset(&dm.sigs, SIGHUP);
	/* Before any thread starts, so every thread inherits the mask. */
	pthread_sigmask(SIG_BLOCK, &dm.sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	ingest_opts_default(&o);
	o.on_reject = on_reject;
	if (dm.conf.keep_samples) {
		if (seal_key_file(dm.conf.sample_key_file, SEAL_KEY_PUBLIC,
		    dm.sample_key, &e) != DW_OK) {
			log_warnx("[store] sample_key_file: %s", e.msg);
			goto out;
		}
		dm.keep_samples = true;
		o.sample_key = dm.sample_key;
	}
	if (store_open(dm.conf.store_path, &dm.st, &e) != DW_OK ||
	    (dm.m = metrics_new()) == NULL ||
	    (dm.in = ingest_new(dm.st, &o)) == NULL) {
		log_warnx("%s", e.msg[0] ? e.msg : "out of memory");
		goto out;
	}
	make_jobs(&dm);
	if (start_http(&dm, &e) != DW_OK) {
		log_warnx("%s", e.msg);
		goto out;
	}
	log_info("started: store %s, %zu jobs", dm.conf.store_path,
	    dm.njobs);
	rc = loop(&dm);
	if (ingest_finish(dm.in, &e) != DW_OK) {
		log_warnx("%s", e.msg);
		rc = 2;
	}
out:
	http_stop(dm.http);
	ingest_free(dm.in);
	store_close(dm.st);
	metrics_free(dm.m);
	conf_free(&dm.conf);
	log_info("stopped");
	return rc;
}
