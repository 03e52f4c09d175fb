-- 0001_init: reporters, raw inputs with their bytes, aggregate reports,
-- their records and the auth results beyond the first DKIM and SPF one.
CREATE TABLE reporters (
	id		INTEGER PRIMARY KEY,
	org_name	TEXT NOT NULL,
	email		TEXT NOT NULL DEFAULT '',
	UNIQUE (org_name, email)
);
CREATE TABLE raw_inputs (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL,
	sha256		BLOB NOT NULL UNIQUE,
	size		INTEGER NOT NULL,
	received	INTEGER NOT NULL,	-- UTC seconds
	encoding	TEXT NOT NULL		-- 'zstd', 'deflate' (older), 'identity', ...
);
CREATE TABLE raw_chunks (
	input_id	INTEGER NOT NULL REFERENCES raw_inputs (id),
	seq		INTEGER NOT NULL,
	data		BLOB NOT NULL,
	PRIMARY KEY (input_id, seq)
) WITHOUT ROWID;
CREATE TABLE reports (
	id		INTEGER PRIMARY KEY,
	reporter_id	INTEGER NOT NULL REFERENCES reporters (id),
	input_id	INTEGER NOT NULL REFERENCES raw_inputs (id),
	org_name	TEXT NOT NULL,
	email		TEXT,
	extra_contact_info TEXT,
	report_id	TEXT NOT NULL,
	domain		TEXT NOT NULL,
	date_begin	INTEGER NOT NULL,	-- UTC seconds
	date_end	INTEGER NOT NULL,
	schema		TEXT NOT NULL,
	version		TEXT,
	generator	TEXT,
	errors		TEXT,			-- JSON array or NULL
	adkim		TEXT, aspf TEXT, p TEXT, sp TEXT, np TEXT,
	pct		INTEGER, fo TEXT, testing TEXT, discovery_method TEXT,
	repairs		TEXT,			-- NULL unless repaired
	source_name	TEXT NOT NULL,
	records		INTEGER NOT NULL DEFAULT 0,
	messages	INTEGER NOT NULL DEFAULT 0,
	UNIQUE (org_name, report_id, domain, date_begin, date_end)
);
CREATE INDEX reports_domain_date ON reports (domain, date_begin);
CREATE TABLE records (
	id		INTEGER PRIMARY KEY,
	report_id	INTEGER NOT NULL REFERENCES reports (id),
	source_ip	TEXT NOT NULL,
	count		INTEGER NOT NULL,
	disposition	TEXT, dkim TEXT, spf TEXT,
	reasons		TEXT,			-- JSON [[type, comment]...]
	header_from	TEXT, envelope_from TEXT, envelope_to TEXT,
	invalid		INTEGER NOT NULL DEFAULT 0,
	dkim_domain	TEXT, dkim_selector TEXT, dkim_result TEXT,
	dkim_human	TEXT,
	spf_domain	TEXT, spf_scope TEXT, spf_result TEXT, spf_human TEXT,
	nauth		INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX records_report ON records (report_id);
CREATE TABLE auth_results (
	record_id	INTEGER NOT NULL REFERENCES records (id),
	seq		INTEGER NOT NULL,
	kind		TEXT NOT NULL,		-- 'dkim' or 'spf'
	domain		TEXT, selector TEXT, scope TEXT, result TEXT,
	human_result	TEXT,
	PRIMARY KEY (record_id, seq)
) WITHOUT ROWID;
