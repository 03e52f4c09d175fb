/* dwtest_file.h: reading test fixtures whole. */
#ifndef DW_DWTEST_FILE_H
#define DW_DWTEST_FILE_H

#include <stdbool.h>

#include "base/buf.h"

#define DWTEST_FILE_MAX	((size_t)64 << 20)

/*
 * Reads the file at path into b, which it initializes (cap
 * DWTEST_FILE_MAX): false when it cannot be read whole.  The caller
 * frees b with buf_fini() either way.
 */
bool dwtest_slurp(const char *path, struct buf *b);

#endif
