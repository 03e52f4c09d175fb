/*
 * allocfail.h: the allocation-failure sweep (curl's torture mode).
 *
 * A test program includes this from exactly one file; that program then
 * owns malloc, calloc, realloc, free, posix_memalign and aligned_alloc, so
 * the sweep sees every allocation of our code and of the libraries under
 * it (expat, zlib, libarchive, libcrypto).
 *
 * allocfail_sweep(fn, arg, what) runs fn once unobserved (libraries set up
 * their lazy global state there), then with its Nth allocation failing for
 * N = 0, 1, 2, ... until a run needs no more than N allocations.  fn
 * checks its whole result against what the sample must give and returns
 * DW_OK only when it is right.  Every run that saw a failure must return
 * DW_ENOMEM, or DW_OK where a library absorbed the failure and the result
 * is still right (counted and shown); the clean run must return DW_OK.  No
 * run may leave a block it allocated alive: the blocks made while the
 * window is open are kept in a set, and any still in it when the run
 * returns is a leak.  Each run is a child process: a crash fails the
 * sweep naming the allocation, and so does the process ending in any
 * other way, unless it is a library known to end the process on a failed
 * allocation (allocfail_sweep_exits).  fn must not call cmocka
 * assertions: it runs inside the window.
 * ALLOCFAIL_AT=N in the environment runs only N, in the test program
 * itself, for a debugger (break on af_should_fail when af_nalloc == N).
 *
 * An arena capped below its chunk size (ALLOCFAIL_ARENA_MAX) asks malloc
 * for every allocation, so the sweep fails each arena allocation in turn
 * rather than only the first chunk.
 *
 * Under AddressSanitizer, which owns malloc itself, ALLOCFAIL is 0, nothing
 * is replaced and the sweeps are reported as skipped with that reason
 * (ALLOCFAIL_TEST).
 */
#ifndef DW_ALLOCFAIL_H
#define DW_ALLOCFAIL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dwtest.h"

#include "base/err.h"

#if defined(__SANITIZE_ADDRESS__)
#define ALLOCFAIL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLOCFAIL 0
#endif
#endif
#ifndef ALLOCFAIL
#define ALLOCFAIL 1
#endif

/* Below the arena's 64 KiB chunk: one malloc per arena allocation. */
#define ALLOCFAIL_ARENA_MAX	(60 * 1024)
/* More allocations than this in one run means the sweep is looping. */
#define ALLOCFAIL_RUNS_MAX	100000

#define ALLOCFAIL_NO_ASAN \
	"AddressSanitizer owns malloc: the sweep runs in the plain build"

typedef enum dw_err (*allocfail_fn)(void *arg);

/* A cmocka test whose name carries the reason it is skipped. */
#define ALLOCFAIL_SKIP_TEST(f, why) \
	{ #f ": " why, f, NULL, NULL, NULL }
/* A sweep test: named for why it is skipped where it cannot run. */
#if ALLOCFAIL
#define ALLOCFAIL_TEST(f)	cmocka_unit_test(f)
#else
#define ALLOCFAIL_TEST(f)	ALLOCFAIL_SKIP_TEST(f, ALLOCFAIL_NO_ASAN)
#endif

#if ALLOCFAIL
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static long af_fail_at = -1;	/* fail the allocation with this index */
static long af_nalloc;		/* allocations since the window opened */
static long af_live;		/* made in the window and still live */
static bool af_full;		/* af_ptrs overflowed: leaks unknown */
static bool af_window;

/*
 * The blocks allocated in the window, an open-addressing set with
 * tombstones.  Only they count: a library freeing or moving state it
 * made before the window (glibc's time zone name) is no leak.
 */
#define AF_PTRS		(1 << 17)
#define AF_GONE		((void *)1)
static void *af_ptrs[AF_PTRS];
static void *af_from[AF_PTRS];	/* who asked, for ALLOCFAIL_AT */

void *malloc(size_t n);
void *calloc(size_t a, size_t b);
void *realloc(void *p, size_t n);
void free(void *p);
int posix_memalign(void **out, size_t align, size_t n);
void *aligned_alloc(size_t align, size_t n);

static inline bool
af_should_fail(void)
{
	if (!af_window)
		return false;
	return af_nalloc++ == af_fail_at;
}

static inline size_t
af_hash(const void *p)
{
	return (size_t)(((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15u) &
	    (AF_PTRS - 1);
}

static inline void *
af_count(void *p, void *from)
{
	size_t i, k;

	if (p == NULL || !af_window)
		return p;
	for (k = 0, i = af_hash(p); k < AF_PTRS; k++, i = (i + 1) &
	    (AF_PTRS - 1)) {
		if (af_ptrs[i] == NULL || af_ptrs[i] == AF_GONE) {
			af_ptrs[i] = p;
			af_from[i] = from;
			af_live++;
			return p;
		}
	}
	af_full = true;
	return p;
}

/* Forgets p; true when it was made in the window. */
static inline bool
af_forget(void *p)
{
	size_t i, k;

	if (p == NULL || !af_window)
		return false;
	for (k = 0, i = af_hash(p); k < AF_PTRS && af_ptrs[i] != NULL;
	    k++, i = (i + 1) & (AF_PTRS - 1)) {
		if (af_ptrs[i] == p) {
			af_ptrs[i] = AF_GONE;
			af_live--;
			return true;
		}
	}
	return false;
}

void *
malloc(size_t n)
{
	if (af_should_fail())
		return NULL;
	return af_count(__libc_malloc(n),
	    __builtin_return_address(0));
}

void *
calloc(size_t a, size_t b)
{
	if (af_should_fail())
		return NULL;
	return af_count(__libc_calloc(a, b),
	    __builtin_return_address(0));
}

void *
realloc(void *p, size_t n)
{
	void *q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {		/* glibc frees p */
		free(p);
		return NULL;
	}
	if (af_should_fail())
		return NULL;
	q = __libc_realloc(p, n);
	if (q != NULL && af_forget(p))
		af_count(q, __builtin_return_address(0));
	return q;
}

void
free(void *p)
{
	af_forget(p);
	__libc_free(p);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (af_should_fail())
		return ENOMEM;
	p = af_count(__libc_memalign(align, n),
	    __builtin_return_address(0));
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void *
aligned_alloc(size_t align, size_t n)
{
	if (af_should_fail())
		return NULL;
	return af_count(__libc_memalign(align, n),
	    __builtin_return_address(0));
}

/* Test data made before a sweep, freed after it, unobserved. */
static inline void *
allocfail_outside(size_t n)
{
	return __libc_malloc(n);
}

static inline void
allocfail_outside_free(void *p)
{
	__libc_free(p);
}

/* What a run in its own process hands back. */
struct af_result {
	int		 done;
	bool		 full;
	enum dw_err	 err;
	long		 nalloc;
	long		 live;
};

/*
 * One run with allocation n failing, in a child process so that a crash
 * or a library's exit is seen and named rather than taking the test
 * program down.  The child's stderr lands in msg.  Returns the wait
 * status.
 */
static inline int
af_run_child(allocfail_fn fn, void *arg, long n, struct af_result *res,
    char *msg, size_t msgsz)
{
	size_t have = 0;
	ssize_t got;
	char drop[512];
	int fds[2], st;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe(fds) != 0)
		fail_msg("pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		af_fail_at = n;
		af_nalloc = 0;
		af_live = 0;
		af_window = true;
		res->err = fn(arg);
		af_window = false;
		res->nalloc = af_nalloc;
		res->live = af_live;
		res->full = af_full;
		res->done = 1;
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		if (have + 1 < msgsz)
			got = read(fds[0], msg + have, msgsz - 1 - have);
		else
			got = read(fds[0], drop, sizeof(drop));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (have + 1 < msgsz)
			have += (size_t)got;
	}
	msg[have] = '\0';
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	return st;
}

/* ALLOCFAIL_AT=N: only run N, in this process, for a debugger. */
static inline long
af_debug(allocfail_fn fn, void *arg, const char *what, const char *at)
{
	enum dw_err err;
	size_t i;

	af_fail_at = strtol(at, NULL, 10);
	af_nalloc = 0;
	af_live = 0;
	af_window = true;
	err = fn(arg);
	af_window = false;
	printf("# %s: allocation %ld failed: %s, %ld of %ld allocations "
	    "live\n", what, af_fail_at, dw_strerror(err), af_live,
	    af_nalloc);
	for (i = 0; i < AF_PTRS; i++)
		if (af_ptrs[i] != NULL && af_ptrs[i] != AF_GONE)
			printf("# live: %p, allocated from %p\n",
			    af_ptrs[i], af_from[i]);
	memset(af_ptrs, 0, sizeof(af_ptrs));
	return af_nalloc;
}

/*
 * Sweeps fn as described above; returns the number of allocations of the
 * clean run, so a caller can check its sample reaches the code it means.
 * lib_exit, when not NULL, is the message of a library that ends the
 * process when an allocation fails (libarchive's "Fatal Internal Error in
 * libarchive"): such runs are counted and shown, not failed.
 */
static inline long
allocfail_sweep_exits(allocfail_fn fn, void *arg, const char *what,
    const char *lib_exit)
{
	struct af_result *res;
	char msg[4096];
	long n, absorbed = 0, exited = 0;
	enum dw_err err;
	int st;

	/*
	 * Without TZ, glibc replaces its copy of the zone name on every
	 * localtime() (libarchive converts zip times): state of glibc's
	 * that would look like a leak.  With TZ set it is kept.
	 */
	setenv("TZ", "UTC", 0);
	err = fn(arg);
	if (err != DW_OK)
		fail_msg("%s: the unobserved run failed: %s", what,
		    dw_strerror(err));
	if (getenv("ALLOCFAIL_AT") != NULL)
		return af_debug(fn, arg, what, getenv("ALLOCFAIL_AT"));
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		fail_msg("mmap: %s", strerror(errno));
	for (n = 0; n < ALLOCFAIL_RUNS_MAX; n++) {
		st = af_run_child(fn, arg, n, res, msg, sizeof(msg));
		if (WIFSIGNALED(st))
			fail_msg("%s: crashed (signal %d) when allocation %ld "
			    "failed\n%s", what, WTERMSIG(st), n, msg);
		if (!res->done && lib_exit != NULL &&
		    strstr(msg, lib_exit) != NULL) {
			exited++;
			continue;
		}
		if (!res->done)
			fail_msg("%s: the process exited (status %d) when "
			    "allocation %ld failed\n%s", what,
			    WEXITSTATUS(st), n, msg);
		if (res->full)
			fail_msg("%s: more than %d blocks live at once: "
			    "leaks cannot be counted", what, AF_PTRS);
		if (res->live != 0)
			fail_msg("%s: %ld allocations leaked when allocation "
			    "%ld failed", what, res->live, n);
		if (res->nalloc <= n)	/* nothing failed: the clean run */
			break;
		if (res->err == DW_OK)
			absorbed++;
		else if (res->err != DW_ENOMEM)
			fail_msg("%s: allocation %ld failed but the result "
			    "was \"%s\", not out of memory", what, n,
			    dw_strerror(res->err));
	}
	if (n == ALLOCFAIL_RUNS_MAX)
		fail_msg("%s: sweep did not finish", what);
	if (res->err != DW_OK)
		fail_msg("%s: the clean run failed: %s", what,
		    dw_strerror(res->err));
	munmap(res, sizeof(*res));
	if (n == 0) {
		printf("# %s: allocates nothing\n", what);
		return 0;
	}
	printf("# %s: %ld allocations failed in turn: %ld out of memory, "
	    "%ld absorbed with the right result", what, n,
	    n - absorbed - exited, absorbed);
	if (exited > 0)
		printf(", %ld ended the process (\"%s\")", exited, lib_exit);
	printf("; no crash, no leak\n");
	return n;
}

static inline long
allocfail_sweep(allocfail_fn fn, void *arg, const char *what)
{
	return allocfail_sweep_exits(fn, arg, what, NULL);
}
#endif

#endif
