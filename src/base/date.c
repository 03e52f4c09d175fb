/*
 * date.c: UTC calendar arithmetic and RFC 3339 date-times (date.h).  The
 * day conversions are Howard Hinnant's days_from_civil / civil_from_days.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "date.h"

bool
date_digits(const char *s, int n, int *out)
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

int
date_mdays(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int64_t
date_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The time zone at s as seconds east of UTC; none at all sets *none. */
static const char *
zone(const char *s, int64_t *off, bool *none)
{
	int h, m;

	*off = 0;
	*none = *s == '\0';
	if (*none)
		return NULL;
	if (*s == 'Z' || *s == 'z')
		return s[1] == '\0' ? NULL : "has text after the time zone";
	if ((*s != '+' && *s != '-') || !date_digits(s + 1, 2, &h) ||
	    s[3] != ':' || !date_digits(s + 4, 2, &m) || s[6] != '\0' ||
	    h > 23 || m > 59)
		return "has a malformed time zone (want Z or +hh:mm)";
	*off = (*s == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
	return NULL;
}

const char *
date_rfc3339(const char *s, int64_t *out, bool *nozone)
{
	int y, mo, d, h, mi, sec;
	int64_t off;
	const char *z, *p;

	*nozone = false;
	if (strlen(s) < 19 || !date_digits(s, 4, &y) || s[4] != '-' ||
	    !date_digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !date_digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !date_digits(s + 11, 2, &h) || s[13] != ':' ||
	    !date_digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !date_digits(s + 17, 2, &sec))
		return "is not an RFC 3339 date-time (want "
		    "YYYY-MM-DDTHH:MM:SSZ)";
	if (mo < 1 || mo > 12 || d < 1 || d > date_mdays(y, mo) || h > 23 ||
	    mi > 59 || sec > 60)
		return "is not a valid date and time";
	p = s + 19;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
		if (p == s + 20)
			return "has a '.' without fraction digits";
	}
	if ((z = zone(p, &off, nozone)) != NULL)
		return z;
	*out = date_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    sec - off;
	return NULL;
}

void
date_format_rfc3339(int64_t t, char *out, size_t outsz)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400, z, era, doe, yoe, y, doy, mp, d, m;

	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, outsz, "%04" PRId64 "-%02" PRId64 "-%02" PRId64 "T%02"
	    PRId64 ":%02" PRId64 ":%02" PRId64 "Z", y, m, d, rem / 3600,
	    rem % 3600 / 60, rem % 60);
}
