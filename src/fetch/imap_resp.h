/*
 * imap_resp.h: the few IMAP server responses the mailbox fetcher reads
 * (RFC 9051): the untagged SEARCH and STATUS lines.  Bytes from a server
 * are bytes from a stranger: every number is range-checked and lists are
 * capped.
 */
#ifndef DW_IMAP_RESP_H
#define DW_IMAP_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

#define IMAP_MAX_UIDS		100000	/* UIDs taken from one SEARCH */
#define IMAP_MAX_RESP		(8 * 1024 * 1024)	/* response bytes */

/*
 * Collects the UIDs of every "* SEARCH" line in resp (len bytes), sorted
 * ascending without duplicates, into *uids (malloc'd, caller frees).
 * Other untagged lines are ignored.  DW_ESYNTAX for a malformed number,
 * DW_ELIMIT past IMAP_MAX_UIDS.
 */
enum dw_err imap_parse_search(const char *resp, size_t len, uint32_t **uids,
    size_t *n, struct dw_error *e);

struct imap_status {
	uint32_t	 uidvalidity;	/* 0: not in the response */
	uint32_t	 uidnext;
	uint32_t	 messages;
	int		 have_messages;
};

/* Reads the "* STATUS mailbox (...)" line of resp. */
enum dw_err imap_parse_status(const char *resp, size_t len,
    struct imap_status *st, struct dw_error *e);

#endif
