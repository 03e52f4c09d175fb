/*
 * cmd_failure.c: dmarcward failure keygen | decrypt-sample -- the keys of
 * failure report samples and reading a sample back (seal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <jansson.h>

#include "base/log.h"
#include "cli.h"
#include "cli_util.h"
#include "crypto/seal.h"
#include "store/store.h"

#define SAMPLE_MAX	((size_t)64 << 20)	/* a sealed sample read back */

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: dmarcward failure keygen --public-key FILE --secret-key "
	    "FILE [--json]\n"
	    "       dmarcward [--db PATH] failure decrypt-sample --secret-key "
	    "FILE\n                 [--out FILE] [--json] ID\n\n"
	    "keygen writes a key pair for failure report samples: give the "
	    "public key\nto `ingest --keep-samples --sample-key`, keep the "
	    "secret key off the\nserver.  decrypt-sample writes the message "
	    "of failure report ID, as it\narrived, to standard output or "
	    "--out FILE (created, mode 0600).\n");
}

/* Writes text to a new file of the given mode; never overwrites. */
static bool
write_new(const char *path, const char *text, size_t n, mode_t mode)
{
	ssize_t w;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		log_warnx("%s: %s%s", path, strerror(errno), errno == EEXIST ?
		    " (an existing file is never overwritten)" : "");
		return false;
	}
	while (n > 0) {
		w = write(fd, text, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			log_warnx("%s: %s", path, strerror(errno));
			close(fd);
			return false;
		}
		text += w;
		n -= (size_t)w;
	}
	if (close(fd) != 0) {
		log_warnx("%s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

static int
keygen(const char *pub, const char *sec, bool json)
{
	uint8_t pk[SEAL_KEY_BYTES], sk[SEAL_KEY_BYTES];
	struct buf p, s;
	bool ok;

	if (pub == NULL || sec == NULL) {
		log_warnx("keygen: --public-key and --secret-key are needed");
		return CLI_EXIT_FAIL;
	}
	buf_init(&p, SEAL_KEY_FILE_MAX);
	buf_init(&s, SEAL_KEY_FILE_MAX);
	ok = seal_keygen(pk, sk) == DW_OK &&
	    seal_key_format(SEAL_KEY_PUBLIC, pk, &p) == DW_OK &&
	    seal_key_format(SEAL_KEY_SECRET, sk, &s) == DW_OK;
	seal_wipe(sk, sizeof(sk));
	if (!ok)
		log_warnx("keygen: cannot make a key pair");
	else if ((ok = write_new(sec, s.data, s.len, 0600)) &&
	    !(ok = write_new(pub, p.data, p.len, 0644)))
		(void)unlink(sec);
	if (s.data != NULL)
		seal_wipe(s.data, s.len);
	buf_fini(&p);
	buf_fini(&s);
	if (ok && json) {
		json_t *j = json_pack("{s:s, s:s}", "public_key_file", pub,
		    "secret_key_file", sec);

		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		putchar('\n');
		json_decref(j);
	}
	return ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* The sample's bytes to out (a new file) or standard output. */
static bool
emit(const struct buf *msg, const char *out, bool json, int64_t id)
{
	json_t *j;
	char *b64;

	if (out != NULL) {
		if (!write_new(out, msg->data != NULL ? msg->data : "",
		    msg->len, 0600))
			return false;
	} else if (json) {
		b64 = g_base64_encode((const guchar *)msg->data, msg->len);
		j = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "size",
		    (json_int_t)msg->len, "message_base64", b64);
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
		g_free(b64);
		return true;
	} else if (msg->len > 0 && fwrite(msg->data, 1, msg->len, stdout) !=
	    msg->len) {
		log_warnx("decrypt-sample: cannot write: %s", strerror(errno));
		return false;
	}
	if (json)
		printf("{\"id\": %lld, \"size\": %zu}\n", (long long)id,
		    msg->len);
	return true;
}

static int
decrypt(struct cli *c, const char *sec, const char *out, bool json,
    const char *idarg)
{
	uint8_t sk[SEAL_KEY_BYTES];
	struct store *st = NULL;
	struct buf box, msg;
	struct dw_error e;
	uint64_t id;
	int rc = CLI_EXIT_FAIL;

	if (sec == NULL || idarg == NULL ||
	    !cli_parse_u64(idarg, 1, INT64_MAX, &id)) {
		log_warnx("decrypt-sample: want --secret-key FILE and the "
		    "number of a failure report (see dmarcward failures)");
		return CLI_EXIT_FAIL;
	}
	if (!cli_read_sample_key(sec, true, sk))
		return CLI_EXIT_FAIL;
	buf_init(&box, SAMPLE_MAX);
	buf_init(&msg, SAMPLE_MAX);
	if (store_open_ro(c->db_path, &st, &e) != DW_OK ||
	    store_failure_sample(st, (int64_t)id, &box, &e) != DW_OK ||
	    seal_open(sk, box.data, box.len, &msg, &e) != DW_OK)
		log_warnx("decrypt-sample: %s", e.msg);
	else if (emit(&msg, out, json, (int64_t)id))
		rc = CLI_EXIT_OK;
	seal_wipe(sk, sizeof(sk));
	if (msg.data != NULL)
		seal_wipe(msg.data, msg.len);
	buf_fini(&box);
	buf_fini(&msg);
	store_close(st);
	return rc;
}

/* The options of both subcommands. */
struct fopts {
	const char	*pub, *sec, *out;
	bool		 json;
};

/*
 * Parses argv (the subcommand's) into o; true with optind at the first
 * operand, false (usage printed, *rc set) when the command is done.
 */
static bool
fopts_parse(int argc, char **argv, struct fopts *o, int *rc)
{
	static const struct option opts[] = {
		{ "public-key", required_argument, NULL, 'p' },
		{ "secret-key", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			o->pub = optarg;
			break;
		case 's':
			o->sec = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			*rc = CLI_EXIT_OK;
			return false;
		default:
			usage(stderr);
			*rc = CLI_EXIT_FAIL;
			return false;
		}
	}
	return true;
}

static int
keygen_cmd(struct cli *c, int argc, char **argv)
{
	struct fopts o;
	int rc;

	(void)c;
	if (!fopts_parse(argc, argv, &o, &rc))
		return rc;
	if (optind != argc) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	return keygen(o.pub, o.sec, o.json);
}

static int
decrypt_cmd(struct cli *c, int argc, char **argv)
{
	struct fopts o;
	int rc;

	if (!fopts_parse(argc, argv, &o, &rc))
		return rc;
	if (optind + 1 != argc) {
		usage(stderr);
		return CLI_EXIT_FAIL;
	}
	return decrypt(c, o.sec, o.out, o.json, argv[optind]);
}

static int
run(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "keygen", keygen_cmd },
		{ "decrypt-sample", decrypt_cmd },
	};

	return cli_run_sub(c, argc, argv, "failure", subs,
	    sizeof(subs) / sizeof(subs[0]), usage);
}

const struct cli_cmd cli_cmd_failure = {
	"failure", "failure report sample keys; decrypt a kept sample", run
};
