/*
 * expat_floor.c: raw expat tokenizing of files with handlers that do
 * nothing -- the floor for any expat-based report parser.  Prints the
 * number of elements seen so the work cannot be optimized away.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <expat.h>

static unsigned long nelem;

static void
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)ud;
	(void)name;
	(void)atts;
	nelem++;
}

static void
on_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

static void
on_text(void *ud, const XML_Char *s, int len)
{
	(void)ud;
	(void)s;
	(void)len;
}

int
main(int argc, char **argv)
{
	static char buf[256 * 1024];
	XML_Parser p;
	ssize_t n;
	int i, fd;

	for (i = 1; i < argc; i++) {
		if ((fd = open(argv[i], O_RDONLY)) < 0)
			return 1;
		p = XML_ParserCreate(NULL);
		XML_SetElementHandler(p, on_start, on_end);
		XML_SetCharacterDataHandler(p, on_text);
		do {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 || XML_Parse(p, buf, (int)n, n == 0) ==
			    XML_STATUS_ERROR) {
				fprintf(stderr, "%s: %s\n", argv[i],
				    XML_ErrorString(XML_GetErrorCode(p)));
				return 1;
			}
		} while (n > 0);
		XML_ParserFree(p);
		close(fd);
	}
	printf("%lu elements\n", nelem);
	return 0;
}
