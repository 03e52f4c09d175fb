-- 0005_sources: what enrichment learned of each source address, the SPF
-- networks of the known services, the daily rollups that report and
-- readiness read, and the approved-sender inventory.

-- One row per source address; expires is when to look it up again.
CREATE TABLE ip_info (
	ip		TEXT PRIMARY KEY,	-- as in records.source_ip
	status		TEXT NOT NULL,		-- ok, noptr, temp, badip
	ptr		TEXT,			-- forward-confirmed PTR name
	ptr_any		TEXT,			-- first PTR name, confirmed or not
	base		TEXT,			-- base domain of ptr
	spf_services	TEXT,			-- catalog keys, space separated
	asn		INTEGER,
	as_org		TEXT,
	country		TEXT,
	attr		TEXT NOT NULL,		-- what classification reads
	resolved	INTEGER NOT NULL,	-- UTC seconds
	expires		INTEGER NOT NULL
);
CREATE INDEX ip_info_expires ON ip_info (expires);

-- The networks a known service's SPF include authorizes.
CREATE TABLE spf_nets (
	include		TEXT PRIMARY KEY,
	nets		TEXT NOT NULL,		-- "192.0.2.0/24 2001:db8::/32"
	partial		TEXT,			-- what could not be listed
	resolved	INTEGER NOT NULL,
	expires		INTEGER NOT NULL
);

-- Progress markers: enrich_record_id, rollup_record_id, rollup_catalog.
CREATE TABLE state (
	key		TEXT PRIMARY KEY,
	value		TEXT NOT NULL
);

-- Per policy domain, day (of the report's midpoint, UTC days since
-- 1970-01-01), From domain, service and shape (0 pass, 1 forwarded by
-- override reason, 2 forwarded with a third party's DKIM, 3 fail with
-- nothing passing, 4 fail while authenticated as another domain).
CREATE TABLE rollup_day (
	domain		TEXT NOT NULL,
	day		INTEGER NOT NULL,
	header_from	TEXT NOT NULL,
	service		TEXT NOT NULL,
	shape		INTEGER NOT NULL,
	messages	INTEGER NOT NULL DEFAULT 0,
	dmarc_pass	INTEGER NOT NULL DEFAULT 0,
	spf_aligned	INTEGER NOT NULL DEFAULT 0,
	dkim_aligned	INTEGER NOT NULL DEFAULT 0,
	spf_pass	INTEGER NOT NULL DEFAULT 0,	-- any SPF pass
	dkim_pass	INTEGER NOT NULL DEFAULT 0,	-- any DKIM pass
	pe_pass		INTEGER NOT NULL DEFAULT 0,	-- as policy_evaluated says
	d_none		INTEGER NOT NULL DEFAULT 0,
	d_quarantine	INTEGER NOT NULL DEFAULT 0,
	d_reject	INTEGER NOT NULL DEFAULT 0,
	sig_dkim	INTEGER NOT NULL DEFAULT 0,	-- messages the service's
	sig_spf		INTEGER NOT NULL DEFAULT 0,	-- DKIM, SPF, PTR rule
	sig_ptr		INTEGER NOT NULL DEFAULT 0,	-- named
	PRIMARY KEY (domain, day, header_from, service, shape)
) WITHOUT ROWID;

-- rollup_day summed over buckets of 32 days (bucket = day / 32), so a
-- query over months reads one row where it would read 32: whole buckets
-- come from here, the days at either end of a window from rollup_day.
CREATE TABLE rollup_bucket (
	domain		TEXT NOT NULL,
	bucket		INTEGER NOT NULL,
	header_from	TEXT NOT NULL,
	service		TEXT NOT NULL,
	shape		INTEGER NOT NULL,
	messages	INTEGER NOT NULL,
	dmarc_pass	INTEGER NOT NULL,
	spf_aligned	INTEGER NOT NULL,
	dkim_aligned	INTEGER NOT NULL,
	spf_pass	INTEGER NOT NULL,
	dkim_pass	INTEGER NOT NULL,
	pe_pass		INTEGER NOT NULL,
	d_none		INTEGER NOT NULL,
	d_quarantine	INTEGER NOT NULL,
	d_reject	INTEGER NOT NULL,
	sig_dkim	INTEGER NOT NULL,
	sig_spf		INTEGER NOT NULL,
	sig_ptr		INTEGER NOT NULL,
	first_day	INTEGER NOT NULL,
	last_day	INTEGER NOT NULL,
	PRIMARY KEY (domain, bucket, header_from, service, shape)
) WITHOUT ROWID;

-- Per source address of a service, for the inventory's detail.
CREATE TABLE rollup_ip (
	domain		TEXT NOT NULL,
	service		TEXT NOT NULL,
	day		INTEGER NOT NULL,
	source_ip	TEXT NOT NULL,
	messages	INTEGER NOT NULL DEFAULT 0,
	dmarc_pass	INTEGER NOT NULL DEFAULT 0,
	sig_dkim	INTEGER NOT NULL DEFAULT 0,	-- 1: that rule named
	sig_spf		INTEGER NOT NULL DEFAULT 0,	-- the service for
	sig_ptr		INTEGER NOT NULL DEFAULT 0,	-- this address
	PRIMARY KEY (domain, service, day, source_ip)
) WITHOUT ROWID;

-- Per reporter: who said what, and what was set aside as implausible.
CREATE TABLE rollup_reporter (
	domain		TEXT NOT NULL,
	day		INTEGER NOT NULL,
	reporter_id	INTEGER NOT NULL,
	records		INTEGER NOT NULL DEFAULT 0,
	messages	INTEGER NOT NULL DEFAULT 0,
	dmarc_pass	INTEGER NOT NULL DEFAULT 0,
	suspect_records	INTEGER NOT NULL DEFAULT 0,
	suspect_messages INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (domain, day, reporter_id)
) WITHOUT ROWID;

-- Which days each address has been rolled up on, per policy domain, so a
-- changed enrichment can have those days recomputed.
CREATE TABLE ip_seen (
	source_ip	TEXT NOT NULL,
	domain		TEXT NOT NULL,
	first_day	INTEGER NOT NULL,
	last_day	INTEGER NOT NULL,
	PRIMARY KEY (source_ip, domain)
) WITHOUT ROWID;

-- Day ranges to recompute at the next refresh.
CREATE TABLE rollup_dirty (
	domain		TEXT NOT NULL,
	first_day	INTEGER NOT NULL,
	last_day	INTEGER NOT NULL
);

-- The approved-sender inventory, one row per service key.
CREATE TABLE inventory (
	service		TEXT PRIMARY KEY,
	approved	INTEGER NOT NULL DEFAULT 0,
	owner		TEXT,
	purpose		TEXT,
	ephi		INTEGER,		-- 1 yes, 0 no, NULL unknown
	baa		TEXT,			-- signed, not-signed, not-needed
	baa_date	TEXT,			-- YYYY-MM-DD
	updated		INTEGER NOT NULL
);

-- Every change to the inventory, and every note, in order.
CREATE TABLE inventory_events (
	id		INTEGER PRIMARY KEY,
	service		TEXT NOT NULL,
	at		INTEGER NOT NULL,	-- UTC seconds
	action		TEXT NOT NULL,		-- approve, revoke, set, note
	detail		TEXT
);
CREATE INDEX inventory_events_service ON inventory_events (service, id);
