/* cli_key.c: reading failure report sample key files (cli_util.h). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "cli_util.h"
#include "crypto/seal.h"

bool
cli_read_sample_key(const char *path, bool secret, uint8_t *key)
{
	char text[SEAL_KEY_FILE_MAX];
	struct dw_error e;
	struct stat sb;
	ssize_t n;
	int fd;
	bool ok;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &sb) != 0) {
		log_warnx("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	/* The secret key opens every sample: refused when others can read
	 * it, as ssh refuses such private keys. */
	if (secret && (sb.st_mode & 077) != 0) {
		log_warnx("%s: the secret key is readable by others (mode "
		    "%04o); chmod 600 it", path,
		    (unsigned)(sb.st_mode & 07777));
		close(fd);
		return false;
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0 || (size_t)n == sizeof(text)) {
		log_warnx("%s: %s", path, n < 0 ? strerror(errno) :
		    "too large for a key file");
		return false;
	}
	ok = seal_key_parse(secret ? SEAL_KEY_SECRET : SEAL_KEY_PUBLIC, text,
	    (size_t)n, key, &e) == DW_OK;
	seal_wipe(text, sizeof(text));
	if (!ok)
		log_warnx("%s: %s", path, e.msg);
	return ok;
}
