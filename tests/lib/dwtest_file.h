/*
 * dwtest_file.h: reading fixture files whole, and running a folder of
 * them, for the table tests.
 */
#ifndef DW_DWTEST_FILE_H
#define DW_DWTEST_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

#define DWTEST_FILE_MAX	((size_t)64 << 20)

/*
 * Reads the file at path into b, which it initializes (cap
 * DWTEST_FILE_MAX): false when it cannot be read whole.  The caller
 * frees b with buf_fini() either way.
 */
bool dwtest_slurp(const char *path, struct buf *b);

/* True when s ends with suf. */
bool dwtest_has_suffix(const char *s, const char *suf);

/*
 * Calls fn(dir, base) for every dir/BASE+suffix (base without the
 * suffix); returns how many.  A folder that cannot be read fails the
 * test.
 */
size_t dwtest_each(const char *dir, const char *suffix,
    void (*fn)(const char *dir, const char *base));

#endif
