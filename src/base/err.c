/* err.c: error names and the struct dw_error helpers. */
#include <stdio.h>
#include <string.h>

#include "err.h"

static const char *const names[] = {
	[DW_OK] = "success",
	[DW_ENOMEM] = "out of memory",
	[DW_ESYNTAX] = "syntax error",
	[DW_ELIMIT] = "limit exceeded",
	[DW_EDNS_TEMP] = "temporary DNS failure",
	[DW_EDNS_PERM] = "domain does not exist",
	[DW_EIO] = "input/output error",
	[DW_ESTORE] = "store error",
	[DW_EAUTH] = "authentication failed",
	[DW_EUNSUPPORTED] = "unsupported",
	[DW_ENOTREPORT] = "not a report",
	[DW_EDUP] = "duplicate",
	[DW_EINVAL] = "invalid argument",
	[DW_ENOTFOUND] = "not found",
	[DW_EINTR] = "interrupted",
	[DW_EFULL] = "store is full",
};

const char *
dw_strerror(enum dw_err err)
{
	if ((size_t)err >= sizeof(names) / sizeof(names[0]) ||
	    names[err] == NULL)
		return "unknown error";
	return names[err];
}

enum dw_err
dw_vfail(struct dw_error *e, enum dw_err code, const char *fmt, va_list ap)
{
	if (e == NULL)
		return code;
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return code;
}

enum dw_err
dw_fail(struct dw_error *e, enum dw_err code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dw_vfail(e, code, fmt, ap);
	va_end(ap);
	return code;
}

void
dw_error_clear(struct dw_error *e)
{
	if (e == NULL)
		return;
	e->code = DW_OK;
	e->msg[0] = '\0';
}
