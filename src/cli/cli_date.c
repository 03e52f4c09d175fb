/* cli_date.c: YYYY-MM-DD arguments as UTC seconds. */
#include <stdio.h>
#include <time.h>

#include "cli_util.h"

static bool
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
cli_parse_date(const char *s, int64_t *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	struct tm tm = { 0 };
	int y, m, d;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != '\0')
		return false;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*out = (int64_t)timegm(&tm);
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0));
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
