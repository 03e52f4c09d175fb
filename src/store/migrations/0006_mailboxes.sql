-- 0006_mailboxes: what the mailbox fetcher has taken.  Per mailbox, the
-- UIDVALIDITY and the highest UID whose report is committed; and the
-- messages committed but not yet moved to their folder, so a fetcher that
-- dies between the two moves them on its next run.
CREATE TABLE mailboxes (
	id		INTEGER PRIMARY KEY,
	key		TEXT NOT NULL UNIQUE,	-- imaps://user@host:port/box
	uidvalidity	INTEGER NOT NULL,
	last_uid	INTEGER NOT NULL,
	last_fetch	INTEGER NOT NULL	-- UTC seconds of the last poll
);
CREATE TABLE mailbox_moves (
	mailbox_id	INTEGER NOT NULL REFERENCES mailboxes (id),
	uid		INTEGER NOT NULL,
	folder		TEXT NOT NULL,
	PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;
