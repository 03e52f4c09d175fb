/* arena.c: chunked bump allocator with a cap. */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_CHUNK	(64 * 1024)
#define ARENA_ALIGN	(alignof(max_align_t))

struct chunk {
	struct chunk	*next;
	size_t		 size;	/* usable bytes after the header */
	size_t		 used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct chunk	*head;	/* most recent chunk first */
	size_t		 total;	/* bytes of chunks held */
	size_t		 max;
	bool		 capped;
	void		*last;	/* most recent allocation, for realloc */
};

struct arena *
arena_new(size_t max)
{
	struct arena *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->max = max;
	return a;
}

void
arena_free(struct arena *a)
{
	struct chunk *c, *n;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void
arena_reset(struct arena *a)
{
	struct chunk *c, *n;

	if (a->head == NULL)
		return;
	/* keep the oldest chunk, which is at the tail */
	for (c = a->head; c->next != NULL; c = n) {
		n = c->next;
		a->total -= c->size;
		free(c);
	}
	c->used = 0;
	a->head = c;
	a->last = NULL;
	a->capped = false;
}

static struct chunk *
grow(struct arena *a, size_t n)
{
	struct chunk *c;
	size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;

	if (a->total > a->max || size > a->max - a->total) {
		if (n > a->max - (a->total < a->max ? a->total : a->max)) {
			a->capped = true;
			return NULL;
		}
		size = n;
	}
	c = malloc(sizeof(*c) + size);
	if (c == NULL) {
		a->capped = false;
		return NULL;
	}
	c->size = size;
	c->used = 0;
	c->next = a->head;
	a->head = c;
	a->total += size;
	return c;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t off;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN) {
		a->capped = true;
		return NULL;
	}
	n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (c == NULL || c->size - c->used < n) {
		c = grow(a, n);
		if (c == NULL)
			return NULL;
	}
	off = c->used;
	c->used += n;
	p = c->data + off;
	a->last = p;
	return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void *
arena_realloc(struct arena *a, void *p, size_t old, size_t n)
{
	struct chunk *c = a->head;
	size_t oldr, newr;
	void *q;

	if (p == NULL)
		return arena_alloc(a, n);
	if (n <= old)
		return p;
	if (n > SIZE_MAX - ARENA_ALIGN) {
		a->capped = true;
		return NULL;
	}
	oldr = (old + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	newr = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (p == a->last && c != NULL && oldr <= c->used &&
	    (unsigned char *)p == c->data + c->used - oldr &&
	    c->size - (c->used - oldr) >= newr) {
		c->used = c->used - oldr + newr;
		return p;
	}
	q = arena_alloc(a, n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, old);
	return q;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}

bool
arena_exhausted(const struct arena *a)
{
	return a->capped;
}
