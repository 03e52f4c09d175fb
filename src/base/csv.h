/*
 * csv.h: one RFC 4180 cell for files a spreadsheet will open.
 *
 * A cell is quoted when it holds a comma, a quote, CR or LF, with its
 * quotes doubled.  A cell a spreadsheet would run as a formula (a leading
 * = + - @ TAB or CR, CWE-1236) gets a leading ' so it is shown as text.
 */
#ifndef DW_CSV_H
#define DW_CSV_H

#include "buf.h"
#include "err.h"

/*
 * Appends s (NULL is an empty cell) to b, without the separator.  An error
 * is b's (DW_ELIMIT at its cap); the cell may then be partly appended and
 * the line is to be dropped.
 */
enum dw_err csv_cell(struct buf *b, const char *s);

#endif
