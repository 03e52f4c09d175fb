/*
 * secret.h: reading a secret (a password, a token) from a file: its first
 * line, the line end dropped, at most len - 1 bytes.  "-" is standard
 * input.  A longer or empty secret is an error, never a truncation.
 */
#ifndef DW_SECRET_H
#define DW_SECRET_H

#include <stddef.h>

#include "err.h"

enum dw_err secret_read(const char *path, char *out, size_t len,
    struct dw_error *e);

#endif
