/*
 * arena.h: a capped bump allocator, one per unit of work (a parsed report
 * record, a posture check, an HTTP request).
 *
 * Everything allocated from an arena lives until arena_reset() or
 * arena_free(); nothing is freed piecemeal.  The arena refuses to grow past
 * the maximum given to arena_new() and returns NULL instead, which callers
 * turn into DW_ELIMIT (or DW_ENOMEM when malloc itself failed:
 * arena_exhausted() tells which).
 */
#ifndef DW_ARENA_H
#define DW_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(size_t max);
void arena_free(struct arena *a);	/* arena_free(NULL) is a no-op */
/* Frees every chunk but the first and rewinds it: memory stays flat. */
void arena_reset(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);	/* aligned for any type */
void *arena_zalloc(struct arena *a, size_t n);
/* Copies s[0..n) and NUL-terminates it. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Grows the most recent allocation p from old to n bytes (copying when it
 * cannot grow in place).  For building arrays of unknown length. */
void *arena_realloc(struct arena *a, void *p, size_t old, size_t n);
size_t arena_used(const struct arena *a);
/* True when the last NULL came from the cap, false when from malloc. */
bool arena_exhausted(const struct arena *a);

#endif
