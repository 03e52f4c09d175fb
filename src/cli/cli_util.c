/* cli_util.c: small helpers shared by the commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/mono.h"
#include "base/secret.h"
#include "cli_util.h"

double
cli_now(void)
{
	return mono_now();
}

bool
cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool
cli_read_secret(const char *path, char *out, size_t len)
{
	struct dw_error e;

	if (secret_read(path, out, len, &e) == DW_OK)
		return true;
	log_warnx("%s", e.msg);
	return false;
}

long
cli_read_list(const char *path, const char *opt, struct buf *b, char ***out)
{
	char chunk[8192], **v, *p, *nl;
	size_t n = 0, cap = 0, k;
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");

	*out = NULL;
	if (fp == NULL) {
		log_warnx("%s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_append(b, chunk, k) != DW_OK) {
			log_warnx("%s %s: larger than %zu bytes", opt, path,
			    b->max);
			if (fp != stdin)
				fclose(fp);
			return -1;
		}
	}
	if (fp != stdin)
		fclose(fp);
	for (p = b->data; p != NULL && *p != '\0'; p = nl) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		p[strcspn(p, "#\r")] = '\0';
		p += strspn(p, " \t");
		p[strcspn(p, " \t")] = '\0';
		if (*p == '\0')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(*out, cap * sizeof(*v));
			if (v == NULL) {
				log_warnx("out of memory");
				free(*out);
				*out = NULL;
				return -1;
			}
			*out = v;
		}
		(*out)[n++] = p;
	}
	return (long)n;
}

bool
cli_read_file(const char *path, size_t max, const char *what, struct buf *b)
{
	struct dw_error e;

	if (buf_read_file(b, path, max, &e) != DW_OK) {
		log_warnx("%s %s", what, e.msg);
		return false;
	}
	return true;
}

void
cli_json_out(json_t *doc)
{
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII |
	    JSON_PRESERVE_ORDER);
	putchar('\n');
}

char *
cli_clean(char *out, size_t sz, const char *s)
{
	return log_sanitize(out, sz, s != NULL ? s : "");
}
