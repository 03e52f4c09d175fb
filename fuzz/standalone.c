/*
 * standalone.c: a fuzz target without libFuzzer.  Linked with one
 * fuzz/fuzz_*.c in the plain and the sanitizer builds, it runs
 * LLVMFuzzerTestOneInput() over each file named on the command line, so
 * tests/cli/regress.sh replays tests/regress/ through the same entry
 * point the fuzzer uses.  Each input sits in a buffer of exactly its size,
 * so a read past its end is AddressSanitizer's to see.  Prints one line
 * per input; a crash ends the program with its signal.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STANDALONE_MAX	(64 << 20)	/* bytes of one input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole file into a buffer of its size; NULL with a message. */
static uint8_t *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (len = ftell(f)) < 0 || len > STANDALONE_MAX ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto fail;
	p = malloc(len > 0 ? (size_t)len : 1);
	if (p == NULL || fread(p, 1, (size_t)len, f) != (size_t)len)
		goto fail;
	fclose(f);
	*n = (size_t)len;
	return p;
fail:
	fprintf(stderr, "%s: cannot read: %s\n", path,
	    errno != 0 ? strerror(errno) : "too large or short read");
	free(p);
	if (f != NULL)
		fclose(f);
	return NULL;
}

int
main(int argc, char **argv)
{
	uint8_t *p;
	size_t n;
	int i;

	for (i = 1; i < argc; i++) {
		errno = 0;
		p = slurp(argv[i], &n);
		if (p == NULL)
			return 2;
		(void)LLVMFuzzerTestOneInput(p, n);
		free(p);
		printf("ran %s (%zu bytes)\n", argv[i], n);
	}
	return 0;
}
