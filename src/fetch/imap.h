/*
 * imap.h: DMARC and TLS reports fetched from a mailbox over IMAP (TLS
 * always: imaps://, or imap:// with STARTTLS required), with a password or
 * an OAuth2 bearer token (SASL XOAUTH2, as Microsoft 365 and Gmail want).
 *
 * One poll: take the messages of the mailbox not yet taken (the store
 * keeps the mailbox's UIDVALIDITY and highest UID taken), ingest each as
 * one unit, make the reports durable, and only then move each message to
 * the archive folder, or to the invalid folder when it was rejected.  A
 * poll that dies anywhere loses nothing: a message is moved only after its
 * report is committed, and the moves still to make are in the store and
 * made by the next poll.
 */
#ifndef DW_IMAP_H
#define DW_IMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/err.h"

#define IMAP_BATCH		64	/* messages per commit */
#define IMAP_TIMEOUT		60	/* seconds without progress */
#define IMAP_MAX_MESSAGE	(64 * 1024 * 1024)

struct store;
struct ingest;

struct imap_opts {
	const char	*url;		/* imaps://host[:port]/MAILBOX */
	const char	*user;
	const char	*password;	/* or */
	const char	*bearer;	/* an OAuth2 access token */
	const char	*archive;	/* for handled messages, or NULL */
	const char	*invalid;	/* for rejected ones, or NULL */
	const char	*ca_file;	/* CAs trusted instead, or NULL */
	unsigned	 timeout;	/* seconds; 0: IMAP_TIMEOUT */
	uint64_t	 max_message;	/* bytes; 0: IMAP_MAX_MESSAGE */
	unsigned	 max_messages;	/* per poll; 0: no limit */
	bool		 verbose;	/* curl's protocol trace to stderr */
	/* Asked between messages; true ends the poll early (committed). */
	bool		(*should_stop)(void *ctx);
	void		*stop_ctx;
};

struct imap_stats {
	uint64_t	 listed;	/* messages in the mailbox */
	uint64_t	 fetched;	/* new ones taken */
	uint64_t	 rejected;	/* of those, rejected */
	uint64_t	 archived;	/* moved to the archive folder */
	uint64_t	 invalid;	/* moved to the invalid folder */
	bool		 uidvalidity_changed;
};

/*
 * Polls the mailbox once into in (an ingest over st).  DW_EIO for a
 * network or server failure (worth a retry later), DW_EAUTH when the
 * login was refused, DW_EINVAL for bad options.
 */
enum dw_err imap_poll(const struct imap_opts *o, struct store *st,
    struct ingest *in, struct imap_stats *s, struct dw_error *e);

/* The mailbox's key in the store: the URL with the user, no secrets. */
enum dw_err imap_key(const struct imap_opts *o, char *buf, size_t len,
    struct dw_error *e);

#endif
