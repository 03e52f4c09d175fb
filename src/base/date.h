/*
 * date.h: calendar arithmetic in UTC (proleptic Gregorian, no time zone
 * database) and RFC 3339 date-times.  Times are seconds since the epoch.
 */
#ifndef DW_DATE_H
#define DW_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exactly n decimal digits at s into *out. */
bool date_digits(const char *s, int n, int *out);
/* The days of month m (1..12) of year y. */
int date_mdays(int y, int m);
/* Days from 1970-01-01 to y-m-d (negative before). */
int64_t date_days_from_civil(int64_t y, int m, int d);

/*
 * Parses an RFC 3339 §5.6 date-time: YYYY-MM-DD, 'T' (or 't' or a space),
 * hh:mm:ss, an optional fraction (dropped), and Z or +hh:mm / -hh:mm.
 * Seconds may be 60 (a leap second, counted as the next second).  A
 * missing time zone is taken as UTC and sets *nozone, for the caller to
 * note.  Returns NULL with *out set, or why s is not one, e.g. "is not a
 * valid date and time".
 */
const char *date_rfc3339(const char *s, int64_t *out, bool *nozone);

/* t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 32 bytes). */
void date_format_rfc3339(int64_t t, char *out, size_t outsz);

#endif
