/* log.c: stderr/syslog logging with control-character neutralization. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "utf8.h"

static const char *prog = "dmarcward";
static enum log_level maxlevel = LOG_LVL_INFO;
static bool to_syslog;

void
log_init(const char *progname, enum log_level level, bool use_syslog)
{
	prog = progname;
	maxlevel = level;
	to_syslog = use_syslog;
	if (use_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setlevel(enum log_level level)
{
	maxlevel = level;
}

char *
log_sanitize(char *out, size_t outsz, const char *s)
{
	size_t o = 0, i = 0, n = strlen(s);

	if (outsz == 0)
		return out;
	while (i < n && o + 5 < outsz) {
		unsigned char c = (unsigned char)s[i];
		size_t l = utf8_valid_prefix(s + i, n - i);

		if (c >= 0x80 && l > 0) {
			uint32_t cp = utf8_decode(s + i, l);

			if ((cp >= 0x80 && cp < 0xa0) || o + l >= outsz)
				goto esc;
			memcpy(out + o, s + i, l);
			o += l;
			i += l;
			continue;
		}
		if (c >= 0x20 && c != 0x7f && c < 0x80) {
			out[o++] = (char)c;
			i++;
			continue;
		}
esc:
		snprintf(out + o, outsz - o, "\\x%02x", c);
		o += 4;
		i++;
	}
	out[o] = '\0';
	return out;
}

static void vlog(enum log_level, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
vlog(enum log_level lvl, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
	    LOG_DEBUG };
	char raw[2048], clean[4096];

	if (lvl > maxlevel)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_sanitize(clean, sizeof(clean), raw);
	if (to_syslog)
		syslog(prio[lvl], "%s", clean);
	else
		fprintf(stderr, "%s: %s\n", prog, clean);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, fmt, ap);
	va_end(ap);
	exit(2);
}
