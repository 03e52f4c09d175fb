/*
 * seal_file.c: reading a sample key file (seal.h), kept apart from the
 * pure sealing code so that stays free of I/O.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "seal.h"

enum dw_err
seal_key_file(const char *path, enum seal_key_kind kind,
    uint8_t key[SEAL_KEY_BYTES], struct dw_error *e)
{
	char text[SEAL_KEY_FILE_MAX];
	struct stat sb;
	enum dw_err err;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return dw_fail(e, DW_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0) {
		err = dw_fail(e, DW_EIO, "%s: %s", path, strerror(errno));
		close(fd);
		return err;
	}
	/* The secret key opens every sample: refused when others can read
	 * it, as ssh refuses such private keys. */
	if (kind == SEAL_KEY_SECRET && (sb.st_mode & 077) != 0) {
		close(fd);
		return dw_fail(e, DW_EINVAL, "%s: the secret key is readable "
		    "by others (mode %04o); chmod 600 it", path,
		    (unsigned)(sb.st_mode & 07777));
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0)
		return dw_fail(e, DW_EIO, "%s: %s", path, strerror(errno));
	if ((size_t)n == sizeof(text))
		return dw_fail(e, DW_EINVAL, "%s: too large for a key file",
		    path);
	err = seal_key_parse(kind, text, (size_t)n, key, e);
	seal_wipe(text, sizeof(text));
	if (err != DW_OK && e != NULL) {
		char why[DW_ERRMSG_MAX];

		memcpy(why, e->msg, sizeof(why));
		dw_fail(e, err, "%s: %s", path, why);
	}
	return err;
}
