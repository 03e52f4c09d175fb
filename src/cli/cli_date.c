/* cli_date.c: YYYY-MM-DD arguments as UTC seconds. */
#include <stdio.h>
#include <time.h>

#include "base/date.h"
#include "base/log.h"
#include "cli_util.h"

bool
cli_parse_date(const char *s, int64_t *out)
{
	int y, m, d;

	if (!date_digits(s, 4, &y) || s[4] != '-' ||
	    !date_digits(s + 5, 2, &m) || s[7] != '-' ||
	    !date_digits(s + 8, 2, &d) || s[10] != '\0')
		return false;
	if (y < 1970 || d < 1 || d > date_mdays(y, m))
		return false;
	*out = date_days_from_civil(y, m, d) * 86400;
	return true;
}

bool
cli_date_opt(bool since, const char *arg, int64_t *out)
{
	if (cli_parse_date(arg, out))
		return true;
	log_warnx("--%s: want a date YYYY-MM-DD, got \"%s\"",
	    since ? "since" : "until", arg);
	return false;
}

static void
format(int64_t t, bool iso, char *out, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, sz, iso ?
	    "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, sz, "%lld", (long long)t);
}

void
cli_format_utc(int64_t t, char *out, size_t sz)
{
	format(t, false, out, sz);
}

void
cli_format_iso(int64_t t, char *out, size_t sz)
{
	format(t, true, out, sz);
}
