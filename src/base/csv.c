/*
 * csv.c: RFC 4180 cells with formulas neutralized (see csv.h).
 */
#include <stdbool.h>
#include <string.h>

#include "csv.h"

/* Leading characters that make a spreadsheet evaluate the cell. */
#define CSV_FORMULA_LEAD	"=+-@\t\r"

enum dw_err
csv_cell(struct buf *b, const char *s)
{
	bool quote;
	enum dw_err err = DW_OK;

	if (s == NULL)
		s = "";
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		err = buf_putc(b, '"');
	if (err == DW_OK && s[0] != '\0' &&
	    strchr(CSV_FORMULA_LEAD, s[0]) != NULL)
		err = buf_putc(b, '\'');
	for (; err == DW_OK && *s != '\0'; s++) {
		if (*s == '"')
			err = buf_putc(b, '"');
		if (err == DW_OK)
			err = buf_putc(b, *s);
	}
	if (err == DW_OK && quote)
		err = buf_putc(b, '"');
	return err;
}
