/* cli_key.c: reading failure report sample key files (cli_util.h). */
#include "base/log.h"
#include "cli_util.h"
#include "crypto/seal.h"

bool
cli_read_sample_key(const char *path, bool secret, uint8_t *key)
{
	struct dw_error e;

	if (seal_key_file(path, secret ? SEAL_KEY_SECRET : SEAL_KEY_PUBLIC,
	    key, &e) == DW_OK)
		return true;
	log_warnx("%s", e.msg);
	return false;
}

bool
cli_sample_opts(bool keep, const char *keyfile, uint8_t *key,
    const uint8_t **out)
{
	*out = NULL;
	/* Keeping samples is asked for explicitly, with the key to seal to. */
	if (keep != (keyfile != NULL)) {
		log_warnx("--keep-samples and --sample-key PUBKEYFILE go "
		    "together");
		return false;
	}
	if (keep && !cli_read_sample_key(keyfile, false, key))
		return false;
	if (keep)
		*out = key;
	return true;
}
