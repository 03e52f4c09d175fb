/*
 * ingest.c: inputs -> units -> documents -> reports in the store.
 *
 * A file is read twice: once to hash it (a unit already stored is skipped
 * before any parsing), once through a tee that hands the raw bytes to the
 * store while the unpacker and the streaming parser consume them.  A plain
 * XML file of at most WRITER_WHOLE_MAX bytes is read once, whole, and
 * handed to the store thread whole, which hashes it there (ingest_small),
 * so this thread does nothing but parse it.  Memory stays flat in the
 * size of the input: nothing holds a whole file except that buffer and
 * the repair buffer, which holds at most AGG_REPAIR_MAX bytes of one
 * document and only while that document is small enough to be repaired.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/buf.h"
#include "crypto/seal.h"
#include "report/agg_xml.h"
#include "report/failure.h"
#include "report/phi.h"
#include "report/rd.h"
#include "report/unpack.h"
#include "store/store.h"
#include "writer.h"
#include "ingest.h"
#include "ingest_tls.h"

#define INGEST_IOBUF	(256 * 1024)
#define INGEST_MAX_DEPTH 32	/* folder nesting */
#define INGEST_NAME_MAX	4096

struct ingest {
	struct store		*st;
	struct writer		*w;		/* the store, on its thread */
	struct ingest_opts	 o;
	struct ingest_stats	 s;		/* what this thread counted */
	struct ingest_stats	 view;		/* s + the writer's tally */
	char			*iobuf;
	char			*whole;		/* a small input, read whole */
	struct buf		 keep;		/* a document kept for repair */
	const char		*unit;		/* name of the current unit */
	const char		*doc;		/* and of its document */
	struct ingest_stats	 at_unit;	/* stats when it began */
};

/* The parser's sink: forwards to the store. */
struct sinkctx {
	struct ingest	*in;
	const char	*repairs;
	bool		 begun;
	bool		 failed;	/* se holds the sink's own error */
	struct dw_error	 se;
};

/* Hands every byte read from inner to the store as the unit's raw bytes. */
struct rd_tee {
	struct rd	 rd;
	struct rd	*inner;
	struct writer	*w;
};

static bool
is_fatal(enum dw_err err)
{
	return err == DW_ESTORE || err == DW_EFULL || err == DW_ENOMEM ||
	    err == DW_EINTR;
}

void
ingest_opts_default(struct ingest_opts *o)
{
	memset(o, 0, sizeof(*o));
	unpack_limits_default(&o->lim);
}

struct ingest *
ingest_new(struct store *st, const struct ingest_opts *o)
{
	struct ingest *in;

	in = calloc(1, sizeof(*in));
	if (in == NULL)
		return NULL;
	in->iobuf = malloc(INGEST_IOBUF);
	if (in->iobuf == NULL) {
		free(in);
		return NULL;
	}
	in->st = st;
	in->o = *o;
	if (st != NULL && writer_new(st, &in->w, NULL) != DW_OK) {
		free(in->iobuf);
		free(in);
		return NULL;
	}
	buf_init(&in->keep, AGG_REPAIR_MAX);
	return in;
}

void
ingest_free(struct ingest *in)
{
	if (in == NULL)
		return;
	writer_free(in->w);
	buf_fini(&in->keep);
	free(in->whole);
	free(in->iobuf);
	free(in);
}

/*
 * What this thread counted, plus what the writer thread decided about the
 * units it has finished: whether a unit or report was new or a duplicate
 * is known only there.
 */
const struct ingest_stats *
ingest_stats(struct ingest *in)
{
	struct writer_tally t;

	in->view = in->s;
	if (in->w != NULL) {
		writer_tally(in->w, &t);
		in->view.inputs_dup += t.inputs_dup;
		in->view.reports_new += t.reports_new;
		in->view.reports_dup += t.reports_dup;
		in->view.repaired += t.repaired;
		in->view.records += t.records;
		in->view.messages += t.messages;
		in->view.tls_new += t.tls_new;
		in->view.tls_dup += t.tls_dup;
		in->view.failures_new += t.failures_new;
		in->view.failures_dup += t.failures_dup;
	}
	return &in->view;
}

enum dw_err
ingest_finish(struct ingest *in, struct dw_error *e)
{
	enum dw_err err;

	if (in->st == NULL)
		return DW_OK;
	if ((err = writer_drain(in->w, e)) != DW_OK)
		return err;
	return store_flush(in->st, e);
}

const char *
ingest_current_doc(const struct ingest *in)
{
	return in->doc != NULL ? in->doc : in->unit;
}

static void
reject(struct ingest *in, const char *doc, const struct dw_error *e)
{
	in->s.rejected++;
	if (in->o.on_reject != NULL)
		in->o.on_reject(in->o.ctx, in->unit, doc, e);
}

void
ingest_reject(struct ingest *in, const char *name, const struct dw_error *e)
{
	in->unit = name;
	in->doc = NULL;
	in->s.inputs++;
	reject(in, NULL, e);
}

static enum dw_err
sink_report(void *ctx, const struct agg_report *r)
{
	struct sinkctx *sc = ctx;
	struct agg_report copy;
	enum dw_err err;

	copy = *r;
	copy.repairs = sc->repairs;
	if (sc->in->st == NULL) {
		sc->begun = true;
		if (sc->in->o.sink == NULL)
			return DW_OK;
		return sc->in->o.sink->report(sc->in->o.sink->ctx, &copy);
	}
	err = writer_report_begin(sc->in->w, &copy, &sc->se);
	if (err != DW_OK) {
		sc->failed = true;
		return err;
	}
	sc->begun = true;
	return DW_OK;
}

static enum dw_err
sink_record(void *ctx, const struct agg_record *rec)
{
	struct sinkctx *sc = ctx;
	enum dw_err err;

	if (sc->in->st == NULL)
		return sc->in->o.sink == NULL ? DW_OK :
		    sc->in->o.sink->record(sc->in->o.sink->ctx, rec);
	err = writer_report_record(sc->in->w, rec, &sc->se);
	if (err != DW_OK)
		sc->failed = true;
	return err;
}

static void
keep_drop(struct ingest *in)
{
	buf_fini(&in->keep);
	buf_init(&in->keep, AGG_REPAIR_MAX);
}

/*
 * Feeds the parser from rd until the end or a failure.  When keep is set,
 * the bytes are also kept in in->keep for a repair, as long as they fit;
 * after a parse failure the rest of the document is read into it too.
 * *rdfail tells that the reader (the container) failed, not the parse.
 */
static enum dw_err
feed_rd(struct ingest *in, struct agg_xml *p, struct rd *rd, bool keep,
    bool *rdfail, struct dw_error *pe)
{
	enum dw_err err;
	size_t got;

	for (;;) {
		err = rd_read(rd, in->iobuf, INGEST_IOBUF, &got, pe);
		if (err != DW_OK) {
			*rdfail = true;
			return err;
		}
		if (keep && buf_append(&in->keep, in->iobuf, got) != DW_OK) {
			keep = false;
			keep_drop(in);
		}
		err = agg_xml_feed(p, in->iobuf, got, got == 0, pe);
		if (err != DW_OK || got == 0)
			break;
	}
	if (err == DW_OK || !keep || is_fatal(err))
		return err;
	for (;;) {
		if (rd_read(rd, in->iobuf, INGEST_IOBUF, &got, NULL) !=
		    DW_OK || buf_append(&in->keep, in->iobuf, got) != DW_OK) {
			keep_drop(in);
			break;
		}
		if (got == 0)
			break;
	}
	return err;
}

/*
 * Parses one document from the reader, or from mem when rd is NULL, into
 * the store.  Returns DW_OK when it parsed whole (the writer decides
 * whether it is new or a duplicate), another code (with e set) when the
 * document was rejected or the store failed.
 */
static enum dw_err
parse_one(struct ingest *in, struct rd *rd, const char *mem, size_t memlen,
    const char *repairs, bool *rdfail, struct dw_error *e)
{
	struct sinkctx sc = { .in = in, .repairs = repairs };
	struct agg_sink sink = { &sc, sink_report, sink_record };
	struct agg_xml *p;
	struct agg_stats st;
	struct dw_error pe;
	enum dw_err err;

	p = agg_xml_new(&sink);
	if (p == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	dw_error_clear(&pe);
	if (rd == NULL)
		err = agg_xml_feed(p, mem, memlen, true, &pe);
	else
		err = feed_rd(in, p, rd, true, rdfail, &pe);
	if (err == DW_OK) {
		agg_xml_stats(p, &st);
		if (in->st != NULL) {
			err = writer_report_end(in->w, true, st.records,
			    st.messages, &pe);
		} else {
			in->s.records += st.records;
			in->s.messages += st.messages;
		}
	} else if (sc.begun && in->st != NULL) {
		(void)writer_report_end(in->w, false, 0, 0, NULL);
	}
	if (sc.begun && in->st == NULL && in->o.sink_end != NULL)
		in->o.sink_end(in->o.sink->ctx, err == DW_OK);
	agg_xml_free(p);
	if (err != DW_OK)
		*e = sc.failed ? sc.se : pe;
	return err;
}

/*
 * Parses a document; one that fails is retried once after a known,
 * bounded repair (agg_repair.c) when the whole of it could be kept.
 */
static enum dw_err
parse_doc(struct ingest *in, const struct doc *d, bool *rdfail,
    struct dw_error *e)
{
	struct buf fixed;
	struct dw_error re;
	char note[256];
	enum dw_err err, rerr;

	buf_reset(&in->keep);
	err = parse_one(in, d->rd, NULL, 0, NULL, rdfail, e);
	if (err == DW_OK || is_fatal(err) || *rdfail ||
	    err == DW_ELIMIT || in->keep.len == 0)
		goto out;
	buf_init(&fixed, AGG_REPAIR_MAX * 2);
	rerr = agg_repair(in->keep.data, in->keep.len, &fixed, note,
	    sizeof(note));
	if (rerr == DW_OK) {
		dw_error_clear(&re);
		rerr = parse_one(in, NULL, fixed.data, fixed.len, note,
		    rdfail, &re);
		if (rerr == DW_OK || is_fatal(rerr)) {
			err = rerr;
			*e = re;
			if (rerr == DW_OK && in->st == NULL)
				in->s.repaired++;
		}
	}
	buf_fini(&fixed);
out:
	if (in->keep.cap > 1024 * 1024)
		keep_drop(in);
	return err;
}

static enum dw_err
tls_doc(struct ingest *in, const struct doc *d, bool *rdfail,
    struct dw_error *e)
{
	struct ingest_tls t = { in->w, in->o.tls_sink, in->o.ctx, in->iobuf,
	    INGEST_IOBUF };
	enum dw_err err;

	err = ingest_tls_doc(&t, d->rd, rdfail, e);
	if (err == DW_OK && in->st == NULL)
		in->s.tls_new++;
	return err;
}

static enum dw_err
on_doc(void *ctx, const struct doc *d, struct dw_error *e)
{
	struct ingest *in = ctx;
	struct dw_error de;
	enum dw_err err;
	bool rdfail = false;

	dw_error_clear(&de);
	in->doc = d->name;
	switch (d->kind) {
	case DOC_XML:
		err = parse_doc(in, d, &rdfail, &de);
		if (err == DW_OK && in->st == NULL)
			in->s.reports_new++;
		break;
	case DOC_JSON:
		err = tls_doc(in, d, &rdfail, &de);
		break;
	default:
		err = dw_fail(&de, DW_EUNSUPPORTED, "a failure report part "
		    "that is not read: the message is over the %zu MiB failure "
		    "report limit, or inside an archive",
		    FAILURE_MAX_MESSAGE >> 20);
		break;
	}
	if (err == DW_OK)
		return DW_OK;
	if (is_fatal(err) || rdfail) {
		/* The store failed, or the container: the whole unit goes. */
		*e = de;
		return err;
	}
	if (err == DW_ENOTREPORT)
		ingest_neither(d->kind, &de);
	reject(in, d->name, &de);
	return DW_OK;
}

static enum dw_err
tee_read(struct rd *r, void *buf, size_t cap, size_t *got,
    struct dw_error *e)
{
	struct rd_tee *t = (struct rd_tee *)r;
	enum dw_err err;

	err = rd_read(t->inner, buf, cap, got, e);
	if (err != DW_OK || *got == 0 || t->w == NULL)
		return err;
	return writer_unit_raw(t->w, buf, *got, e);
}

static void
tee_free(struct rd *r)
{
	(void)r;
}

/*
 * Starts a unit; *dup when its bytes are known to be stored already.  The
 * writer checks again, for a unit still in its queue.
 */
static enum dw_err
unit_begin(struct ingest *in, const uint8_t sha[32], uint64_t size,
    bool *dup, struct dw_error *e)
{
	enum dw_err err;

	*dup = false;
	in->at_unit = in->s;
	in->s.inputs++;
	in->s.bytes += size;
	if (in->st == NULL)
		return DW_OK;
	if ((err = store_unit_known(in->st, sha, dup, e)) != DW_OK || *dup)
		return err;
	return writer_unit_begin(in->w, in->unit, sha, size, e);
}

/*
 * Finishes a unit after unpack returned err.  The writer keeps the unit
 * when it brought at least one new report and rolls it back otherwise, so
 * a rejected input leaves nothing behind.
 */
static enum dw_err
unit_end(struct ingest *in, enum dw_err err, struct dw_error *ue,
    struct dw_error *e)
{
	if (err != DW_OK && is_fatal(err)) {
		if (in->st != NULL)
			(void)writer_unit_end(in->w, false, NULL);
		*e = *ue;
		return err;
	}
	if (err != DW_OK) {
		/* A broken container: every report of the unit goes. */
		in->s.reports_new = in->at_unit.reports_new;
		in->s.reports_dup = in->at_unit.reports_dup;
		in->s.repaired = in->at_unit.repaired;
		in->s.records = in->at_unit.records;
		in->s.messages = in->at_unit.messages;
		in->s.tls_new = in->at_unit.tls_new;
		in->s.tls_dup = in->at_unit.tls_dup;
		in->s.failures_new = in->at_unit.failures_new;
		in->s.failures_dup = in->at_unit.failures_dup;
		reject(in, NULL, ue);
	}
	if (in->st != NULL &&
	    (err = writer_unit_end(in->w, err == DW_OK, e)) != DW_OK)
		return err;
	if (in->o.on_progress != NULL)
		in->o.on_progress(in->o.ctx, ingest_stats(in));
	return DW_OK;
}

static void
sha256_mem(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len = 32;

	EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

/* ---- failure reports ------------------------------------------------ */

/* The unit's name with PHI patterns redacted (a file may be named after
 * the subject of the message), in a. */
static const char *
safe_name(struct arena *a, const char *name)
{
	struct phi_counts c = { { 0 } };
	struct buf b;
	const char *s;

	buf_init(&b, 8 * INGEST_NAME_MAX);
	if (phi_redact(name, strlen(name), &b, &c) != DW_OK)
		s = "(a name too long to check for PHI)";
	else
		s = arena_strdup(a, buf_str(&b));
	buf_fini(&b);
	return s != NULL ? s : "(no memory for the name)";
}

/* Stores r in a unit begun for p[0..n): a sealed sample or nothing. */
static enum dw_err
failure_store(struct ingest *in, const struct failure_report *r,
    const void *p, size_t n, struct dw_error *e)
{
	const uint8_t *pk = in->o.sample_key;
	struct dw_error ue;
	struct buf box;
	enum dw_err err;

	dw_error_clear(&ue);
	if (in->st == NULL) {
		in->s.failures_new++;
		if (in->o.failure_sink != NULL)
			in->o.failure_sink(in->o.ctx, r);
		return unit_end(in, DW_OK, &ue, e);
	}
	err = writer_unit_evidence(in->w, pk != NULL ? STORE_EVIDENCE_SEALED :
	    STORE_EVIDENCE_WITHHELD, &ue);
	if (err == DW_OK && pk != NULL) {
		buf_init(&box, n + seal_overhead());
		err = seal_box(pk, p, n, &box, &ue);
		if (err == DW_OK)
			err = writer_unit_raw(in->w, box.data, box.len, &ue);
		buf_fini(&box);
	}
	if (err == DW_OK)
		err = writer_failure_put(in->w, r, &ue);
	return unit_end(in, err, &ue, e);
}

/*
 * A failure report is parsed before its unit begins, since what the unit
 * keeps depends on it.  *handled is false when p[0..n) is no failure
 * report: the usual path takes it then.
 */
static enum dw_err
failure_unit(struct ingest *in, const char *name, const void *p, size_t n,
    const uint8_t sha[32], bool *handled, struct dw_error *e)
{
	struct failure_report *r;
	struct dw_error ue;
	struct arena *a;
	enum dw_err err;
	bool dup;

	*handled = false;
	if ((a = arena_new(failure_arena_max(n))) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	dw_error_clear(&ue);
	err = failure_parse(a, p, n, NULL, &r, &ue);
	if (err == DW_ENOTREPORT) {
		arena_free(a);
		return DW_OK;
	}
	*handled = true;
	in->unit = safe_name(a, name);
	in->doc = NULL;
	if (err != DW_OK) {
		if (is_fatal(err)) {
			*e = ue;
		} else {
			in->s.inputs++;
			in->s.bytes += n;
			reject(in, NULL, &ue);
			err = DW_OK;
		}
		arena_free(a);
		return err;
	}
	err = unit_begin(in, sha, n, &dup, e);
	if (err == DW_OK && dup)
		in->s.inputs_dup++;
	else if (err == DW_OK)
		err = failure_store(in, r, p, n, e);
	arena_free(a);
	return err;
}

/* Unpacks p[0..n), the bytes of unit name, into its documents. */
static enum dw_err
unpack_mem(struct ingest *in, const char *name, const void *p, size_t n,
    struct dw_error *ue)
{
	struct rd *rd;
	enum dw_err err;

	if ((rd = rd_mem_new(p, n)) == NULL)
		return dw_fail(ue, DW_ENOMEM, "out of memory");
	err = unpack(rd, name, &in->o.lim, on_doc, in, ue);
	rd_free(rd);
	return err;
}

enum dw_err
ingest_mem(struct ingest *in, const char *name, const void *p, size_t n,
    struct dw_error *e)
{
	struct dw_error ue;
	uint8_t sha[32];
	enum dw_err err;
	bool dup, handled;

	in->unit = name;
	sha256_mem(p, n, sha);
	if (n <= FAILURE_MAX_MESSAGE && failure_maybe(p, n)) {
		err = failure_unit(in, name, p, n, sha, &handled, e);
		if (handled)
			return err;
		in->unit = name;
	}
	err = unit_begin(in, sha, n, &dup, e);
	if (err != DW_OK)
		return err;
	if (dup) {
		in->s.inputs_dup++;
		return DW_OK;
	}
	dw_error_clear(&ue);
	if (in->st != NULL) {
		err = writer_unit_raw(in->w, p, n, &ue);
		if (err != DW_OK)
			return unit_end(in, err, &ue, e);
	}
	return unit_end(in, unpack_mem(in, name, p, n, &ue), &ue, e);
}

static enum dw_err
hash_fd(struct ingest *in, int fd, uint8_t sha[32], struct dw_error *e)
{
	EVP_MD_CTX *md;
	unsigned int len = 32;
	ssize_t n;
	enum dw_err err = DW_OK;

	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return dw_fail(e, DW_ENOMEM, "SHA-256 unavailable");
	}
	for (;;) {
		n = read(fd, in->iobuf, INGEST_IOBUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = dw_fail(e, DW_EIO, "read: %s", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(md, in->iobuf, (size_t)n);
	}
	EVP_DigestFinal_ex(md, sha, &len);
	EVP_MD_CTX_free(md);
	if (err == DW_OK && lseek(fd, 0, SEEK_SET) != 0)
		err = dw_fail(e, DW_EIO, "seek: %s", strerror(errno));
	return err;
}

struct mboxctx {
	struct ingest	*in;
	const char	*path;
	struct dw_error	*e;
};

static enum dw_err
on_message(void *ctx, const char *msg, size_t len, uint64_t index,
    const struct dw_error *msgerr)
{
	struct mboxctx *mc = ctx;
	char name[INGEST_NAME_MAX];

	snprintf(name, sizeof(name), "%s#%llu", mc->path,
	    (unsigned long long)index);
	if (msg == NULL) {
		mc->in->unit = name;
		mc->in->s.inputs++;
		reject(mc->in, NULL, msgerr);
		return DW_OK;
	}
	return ingest_mem(mc->in, name, msg, len, mc->e);
}

static enum dw_err
ingest_fd_unit(struct ingest *in, int fd, uint64_t size, struct dw_error *e)
{
	struct rd_tee tee = { { tee_read, tee_free }, NULL, in->w };
	struct dw_error ue;
	uint8_t sha[32];
	size_t got;
	enum dw_err err;
	bool dup;

	dw_error_clear(&ue);
	if (in->st != NULL) {
		err = hash_fd(in, fd, sha, &ue);
		if (err != DW_OK) {
			in->s.inputs++;
			reject(in, NULL, &ue);
			return DW_OK;
		}
	}
	err = unit_begin(in, sha, size, &dup, e);
	if (err != DW_OK)
		return err;
	if (dup) {
		in->s.inputs_dup++;
		return DW_OK;
	}
	tee.inner = rd_fd_new(fd);
	if (tee.inner == NULL)
		return unit_end(in, dw_fail(&ue, DW_ENOMEM, "out of memory"),
		    &ue, e);
	err = unpack(&tee.rd, in->unit, &in->o.lim, on_doc, in, &ue);
	/* The evidence is the whole input, read or not by the parser. */
	while (err == DW_OK) {
		err = rd_read(&tee.rd, in->iobuf, INGEST_IOBUF, &got, &ue);
		if (got == 0)
			break;
	}
	rd_free(tee.inner);
	return unit_end(in, err, &ue, e);
}

/*
 * Reads a file from its start into p, up to cap bytes or its end: *got
 * says how far it came.
 */
static enum dw_err
read_upto(int fd, char *p, size_t cap, size_t *got, struct dw_error *e)
{
	ssize_t r;

	*got = 0;
	while (*got < cap) {
		r = pread(fd, p + *got, cap - *got, (off_t)*got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return dw_fail(e, DW_EIO, "read: %s", strerror(errno));
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return DW_OK;
}

/*
 * A small plain XML file into the store, from p[0..n).  It holds a single
 * document, so there is no quick check for a stored unit before parsing:
 * the writer hashes the bytes and drops the unit when they are stored,
 * and the parse of a stored input can reject nothing, since it was kept
 * only because its one document parsed.
 */
static enum dw_err
small_unit(struct ingest *in, const char *name, const char *p, size_t n,
    struct dw_error *e)
{
	struct dw_error ue;
	enum dw_err err;

	dw_error_clear(&ue);
	in->unit = name;
	in->doc = NULL;
	in->at_unit = in->s;
	in->s.inputs++;
	in->s.bytes += n;
	err = writer_unit_whole(in->w, name, p, n, &ue);
	if (err != DW_OK)
		return unit_end(in, err, &ue, e);
	return unit_end(in, unpack_mem(in, name, p, n, &ue), &ue, e);
}

/* A small plain XML file: read once, whole, and parsed from memory. */
static enum dw_err
ingest_small(struct ingest *in, int fd, uint64_t size, struct dw_error *e)
{
	struct dw_error ue;
	size_t got;

	if (in->whole == NULL &&
	    (in->whole = malloc(WRITER_WHOLE_MAX + 1)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	dw_error_clear(&ue);
	/* one byte more, to see a file that grew since it was stat'ed */
	if (read_upto(fd, in->whole, WRITER_WHOLE_MAX + 1, &got, &ue) !=
	    DW_OK) {
		in->s.inputs++;
		reject(in, NULL, &ue);
		return DW_OK;
	}
	if (got > WRITER_WHOLE_MAX)	/* it grew: the usual way */
		return ingest_fd_unit(in, fd, size, e);
	return small_unit(in, in->unit, in->whole, got, e);
}

/*
 * A message file small enough to be a failure report is read whole, so
 * the failure report path can see it before anything is stored.
 */
static enum dw_err
ingest_message_file(struct ingest *in, const char *path, int fd,
    size_t size, struct dw_error *e)
{
	struct dw_error ue;
	char *p;
	size_t got;
	enum dw_err err;

	if ((p = malloc(size + 1)) == NULL)
		return dw_fail(e, DW_ENOMEM, "out of memory");
	err = read_upto(fd, p, size, &got, &ue);
	if (err == DW_OK && got < size)
		err = dw_fail(&ue, DW_EIO, "read: the file shrank while it "
		    "was read");
	if (err != DW_OK) {
		in->s.inputs++;
		reject(in, NULL, &ue);
		free(p);
		return DW_OK;
	}
	err = ingest_mem(in, path, p, size, e);
	free(p);
	return err;
}

static enum dw_err
ingest_file(struct ingest *in, const char *path, int fd,
    const struct stat *sb, struct dw_error *e)
{
	struct mboxctx mc = { in, path, e };
	struct dw_error ue;
	struct rd *rd;
	char head[512];
	ssize_t n;
	uint64_t cap;
	enum dw_err err;

	in->unit = path;
	dw_error_clear(&ue);
	n = pread(fd, head, sizeof(head), 0);
	if (n < 0) {
		in->s.inputs++;
		dw_fail(&ue, DW_EIO, "read: %s", strerror(errno));
		reject(in, NULL, &ue);
		return DW_OK;
	}
	if (unpack_sniff(head, (size_t)n) == SNIFF_MESSAGE &&
	    (uint64_t)sb->st_size <= FAILURE_MAX_MESSAGE)
		return ingest_message_file(in, path, fd, (size_t)sb->st_size,
		    e);
	if (unpack_sniff(head, (size_t)n) == SNIFF_MBOX) {
		rd = rd_fd_new(fd);
		if (rd == NULL)
			return dw_fail(e, DW_ENOMEM, "out of memory");
		err = mbox_each(rd, in->o.lim.max_message, on_message, &mc,
		    &ue);
		rd_free(rd);
		if (err != DW_OK && is_fatal(err))
			return err;
		if (err != DW_OK) {
			in->unit = path;
			reject(in, NULL, &ue);
		}
		return DW_OK;
	}
	cap = in->o.lim.max_size > in->o.lim.max_message ?
	    in->o.lim.max_size : in->o.lim.max_message;
	if ((uint64_t)sb->st_size > cap) {
		in->s.inputs++;
		dw_fail(&ue, DW_ELIMIT, "input is %lld bytes, over the %llu "
		    "MiB input limit", (long long)sb->st_size,
		    (unsigned long long)(cap >> 20));
		reject(in, NULL, &ue);
		return DW_OK;
	}
	if (in->st != NULL && (uint64_t)sb->st_size <= WRITER_WHOLE_MAX &&
	    unpack_sniff(head, (size_t)n) == SNIFF_XML)
		return ingest_small(in, fd, (uint64_t)sb->st_size, e);
	return ingest_fd_unit(in, fd, (uint64_t)sb->st_size, e);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_dir_at(const char *dir, const char *name)
{
	char p[INGEST_NAME_MAX];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/*
 * Which entries of a folder to walk.  In a Maildir (cur/ and new/ present)
 * only cur/, new/ and Maildir++ subfolders (".Name") hold messages; tmp/
 * holds deliveries in progress and the rest is the mail server's own
 * state.  Elsewhere hidden entries are skipped.
 */
static bool
wanted(const char *name, bool maildir)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	if (maildir)
		return strcmp(name, "cur") == 0 || strcmp(name, "new") == 0 ||
		    name[0] == '.';
	return name[0] != '.';
}

static enum dw_err walk(struct ingest *, const char *, int,
    struct dw_error *);

static enum dw_err
walk_dir(struct ingest *in, const char *path, int depth, struct dw_error *e)
{
	struct dw_error ue;
	struct dirent *de;
	char **names = NULL, **nn, sub[INGEST_NAME_MAX];
	size_t n = 0, i;
	bool maildir;
	DIR *d;
	enum dw_err err = DW_OK;

	in->unit = path;
	if (depth >= INGEST_MAX_DEPTH) {
		reject(in, NULL, (dw_fail(&ue, DW_ELIMIT, "folder nested "
		    "deeper than %d levels", INGEST_MAX_DEPTH), &ue));
		return DW_OK;
	}
	d = opendir(path);
	if (d == NULL) {
		reject(in, NULL, (dw_fail(&ue, DW_EIO, "opendir: %s",
		    strerror(errno)), &ue));
		return DW_OK;
	}
	maildir = is_dir_at(path, "cur") && is_dir_at(path, "new");
	while ((de = readdir(d)) != NULL) {
		if (!wanted(de->d_name, maildir))
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (nn == NULL || (nn[n] = strdup(de->d_name)) == NULL) {
			names = nn != NULL ? nn : names;
			err = dw_fail(e, DW_ENOMEM, "out of memory");
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (err == DW_OK)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && err == DW_OK; i++) {
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
		    names[i]) >= sizeof(sub))
			continue;
		err = walk(in, sub, depth + 1, e);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

static enum dw_err
walk(struct ingest *in, const char *path, int depth, struct dw_error *e)
{
	struct dw_error ue;
	struct stat sb;
	enum dw_err err;
	int fd;

	in->unit = path;
	/* Inside a walked folder, links are not followed (no loops). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    (depth > 0 ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if (depth > 0 && errno == ELOOP)
			return DW_OK;
		in->s.inputs++;
		reject(in, NULL, (dw_fail(&ue, DW_EIO, "open: %s",
		    strerror(errno)), &ue));
		return DW_OK;
	}
	if (fstat(fd, &sb) != 0) {
		close(fd);
		reject(in, NULL, (dw_fail(&ue, DW_EIO, "stat: %s",
		    strerror(errno)), &ue));
		return DW_OK;
	}
	if (S_ISDIR(sb.st_mode)) {
		close(fd);
		return walk_dir(in, path, depth, e);
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		in->s.inputs++;
		reject(in, NULL, (dw_fail(&ue, DW_EUNSUPPORTED, "not a regular "
		    "file or folder"), &ue));
		return DW_OK;
	}
	(void)fcntl(fd, F_SETFL, 0);
	err = ingest_file(in, path, fd, &sb, e);
	close(fd);
	return err;
}

enum dw_err
ingest_path(struct ingest *in, const char *path, struct dw_error *e)
{
	return walk(in, path, 0, e);
}
