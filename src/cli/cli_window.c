/* cli_window.c: day windows and the domains to show (cli_window.h). */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cli.h"
#include "cli_util.h"
#include "cli_window.h"

void
cli_window_init(struct cli_window *w)
{
	memset(w, 0, sizeof(*w));
	w->since = INT64_MIN;
	w->until = INT64_MAX;
}

bool
cli_window_opt(struct cli_window *w, int ch, const char *arg)
{
	switch (ch) {
	case CLI_WOPT_DOMAIN:
		w->domain = arg;
		return true;
	case CLI_WOPT_SINCE:
	case CLI_WOPT_UNTIL:
		return cli_date_opt(ch == CLI_WOPT_SINCE, arg,
		    ch == CLI_WOPT_SINCE ? &w->since : &w->until);
	case CLI_WOPT_DAYS:
		if (!cli_parse_u64(arg, 1, 36600, &w->days)) {
			log_warnx("--days: want 1 to 36600");
			return false;
		}
		return true;
	case CLI_WOPT_ALL:
		w->all_domains = true;
		return true;
	default:
		return false;
	}
}

void
cli_window_days(const struct cli_window *w, struct cli_an *a,
    const char *domain, int64_t *first, int64_t *last)
{
	struct dw_error e;
	int64_t end = -1;

	*first = w->since == INT64_MIN ? INT64_MIN : w->since / 86400;
	*last = w->until == INT64_MAX ? INT64_MAX : w->until / 86400 - 1;
	if (w->days == 0)
		return;
	if (store_rollup_last_day(a->st, domain, &end, &e) != DW_OK ||
	    end < 0)
		return;
	if (end < *last)
		*last = end;
	*first = *last - (int64_t)w->days + 1;
}

struct dlist {
	struct cli_an		*a;
	const struct cli_window	*w;
	char			**v;
	size_t			 n, hidden;
};

static enum dw_err
on_domain(void *ctx, const char *domain, uint64_t n)
{
	struct dlist *l = ctx;
	char **v;

	(void)n;
	if (!l->w->all_domains && !domains_conf_monitored(l->a->conf,
	    domain)) {
		l->hidden++;
		return DW_OK;
	}
	if (l->n >= CLI_DOMAINS_MAX)
		return DW_ELIMIT;
	if ((v = realloc(l->v, (l->n + 1) * sizeof(*v))) == NULL)
		return DW_ENOMEM;
	l->v = v;
	if ((l->v[l->n] = strdup(domain)) == NULL)
		return DW_ENOMEM;
	l->n++;
	return DW_OK;
}

bool
cli_domains(struct cli_an *a, const struct cli_window *w, char ***out,
    size_t *n, size_t *hidden)
{
	struct dlist l = { a, w, NULL, 0, 0 };
	struct dw_error e;
	enum dw_err err;

	*out = NULL;
	*n = *hidden = 0;
	if (w->domain != NULL) {
		if ((l.v = calloc(1, sizeof(*l.v))) == NULL ||
		    (l.v[0] = strdup(w->domain)) == NULL) {
			free(l.v);
			log_warnx("out of memory");
			return false;
		}
		*out = l.v;
		*n = 1;
		return true;
	}
	dw_error_clear(&e);
	err = store_report_domains(a->st, on_domain, &l, &e);
	if (err != DW_OK) {
		log_warnx("listing domains: %s", err == DW_ESTORE ? e.msg :
		    dw_strerror(err));
		cli_domains_free(l.v, l.n);
		return false;
	}
	*out = l.v;
	*n = l.n;
	*hidden = l.hidden;
	return true;
}

void
cli_domains_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
cli_window_args(int argc, char **argv, const struct option *opts,
    struct cli_window *w, bool *json, void (*usage)(FILE *))
{
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'j')
			*json = true;
		else if (ch == 'h') {
			usage(stdout);
			return CLI_EXIT_OK;
		} else if (!cli_window_opt(w, ch, optarg)) {
			usage(stderr);
			return CLI_EXIT_FAIL;
		}
	}
	return -1;
}
