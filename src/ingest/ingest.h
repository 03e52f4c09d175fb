/*
 * ingest.h: takes reports in from files, folders, mbox files and Maildir
 * folders and keeps them in the store.
 *
 * An input as it arrived (a file, one message of an mbox) is a unit: a
 * unit whose SHA-256 is stored already is a duplicate and nothing of it
 * is stored again (a small plain XML file is parsed while the store
 * thread hashes it; anything else is hashed before it is parsed); its raw
 * bytes are stored with it as evidence.  Every report
 * found inside is parsed as a stream and stored whole or not at all.  A
 * broken container (bad gzip, a cap hit) rejects the whole unit; a broken
 * report rejects that report only.  Nothing in one input affects the next.
 *
 * Reports that fail to parse are retried once after a bounded repair of a
 * fault real reporters are known to send (agg_repair()), and stored with a
 * note of what was repaired.
 *
 * Documents are told apart by their first bytes (unpack_sniff()): XML is
 * parsed as a DMARC aggregate report, JSON as an SMTP TLS report (RFC
 * 8460); one that is neither is rejected naming both.
 *
 * A message that is a DMARC failure report (failure.h) is its own unit,
 * parsed whole before the unit begins: such a unit keeps no plain raw
 * bytes, since they hold someone else's e-mail, only a sealed box of them
 * when sample_key is set (seal.h), and its name is stored with PHI
 * patterns redacted.  Message files up to FAILURE_MAX_MESSAGE bytes are
 * read whole for this.
 */
#ifndef DW_INGEST_H
#define DW_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/err.h"
#include "../report/agg_xml.h"
#include "../report/failure.h"
#include "../report/tlsrpt.h"
#include "../report/unpack.h"

struct store;

struct ingest_stats {
	uint64_t	 inputs;	/* units read: files, mbox messages */
	uint64_t	 bytes;		/* raw bytes of those units */
	uint64_t	 reports_new;
	uint64_t	 reports_dup;	/* reports already stored */
	uint64_t	 inputs_dup;	/* units whose bytes were stored */
	uint64_t	 rejected;	/* reports or units rejected */
	uint64_t	 repaired;	/* stored after a bounded repair */
	uint64_t	 records;	/* records of new reports */
	uint64_t	 messages;	/* sum of their counts */
	uint64_t	 failures_new;	/* failure reports */
	uint64_t	 failures_dup;
	uint64_t	 tls_new;	/* SMTP TLS reports, apart */
	uint64_t	 tls_dup;
};

/*
 * Told about every rejection: input names the unit ("a/b.eml",
 * "box.mbox#12"), doc the document inside it or NULL, e the reason.
 */
typedef void (*ingest_reject_cb)(void *ctx, const char *input,
    const char *doc, const struct dw_error *e);
/* Told after each unit, for progress output. */
typedef void (*ingest_progress_cb)(void *ctx, const struct ingest_stats *s);

struct ingest_opts {
	struct unpack_limits	 lim;
	bool			 parse_only;	/* parse, store nothing */
	/*
	 * With parse_only: gets every report (repairs noted) and record
	 * instead of the store, then sink_end with ok true when the report
	 * parsed whole; a report that failed may have been partly delivered
	 * and is then followed by sink_end(ok false), or, after a repair,
	 * delivered again from the start.
	 */
	const struct agg_sink	*sink;
	void			(*sink_end)(void *ctx, bool ok);
	/* With parse_only: gets every failure report parsed (redacted). */
	void			(*failure_sink)(void *ctx,
				    const struct failure_report *r);
	/*
	 * The public key (SEAL_KEY_BYTES, borrowed) to keep failure report
	 * samples sealed to; NULL keeps none.
	 */
	const uint8_t		*sample_key;
	/* With parse_only: gets every SMTP TLS report that parsed whole. */
	void			(*tls_sink)(void *ctx,
				    const struct tlsrpt_report *r);
	ingest_reject_cb	 on_reject;
	ingest_progress_cb	 on_progress;
	void			*ctx;
};

void ingest_opts_default(struct ingest_opts *o);

struct ingest;

/* st is borrowed and may be NULL when o->parse_only is set. */
struct ingest *ingest_new(struct store *st, const struct ingest_opts *o);
void ingest_free(struct ingest *in);	/* NULL is a no-op */

/*
 * Ingests a file, a folder (recursively; a Maildir's cur/ and new/), or an
 * mbox file (recognized by its first line).  Rejections are reported to
 * on_reject and counted, and do not fail the call; only a failure that
 * stops all further work (the store failed, out of memory) returns an
 * error.
 */
enum dw_err ingest_path(struct ingest *in, const char *path,
    struct dw_error *e);
/* Ingests p[0..n) (borrowed) as one unit named name. */
enum dw_err ingest_mem(struct ingest *in, const char *name, const void *p,
    size_t n, struct dw_error *e);

/*
 * Waits for the store to finish everything queued and commits it: until
 * it returns DW_OK nothing is known to be durable.  Call it at the end, or
 * whenever what was ingested so far must be durable; ingesting may go on.
 */
enum dw_err ingest_finish(struct ingest *in, struct dw_error *e);

/*
 * Counts an input that could not even be read (e.g. a mailbox message
 * over the size limit) as rejected, and tells the reject callback.
 */
void ingest_reject(struct ingest *in, const char *name,
    const struct dw_error *e);

/* The counts so far; after ingest_finish, the final ones. */
const struct ingest_stats *ingest_stats(struct ingest *in);
/* The document being parsed, for a sink that wants to name it. */
const char *ingest_current_doc(const struct ingest *in);

#endif
