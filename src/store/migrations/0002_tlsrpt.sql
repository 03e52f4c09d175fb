-- 0002_tlsrpt: SMTP TLS reports (RFC 8460), their policies and failure
-- details.  The raw input they came in is a raw_inputs row, as for
-- aggregate reports; sha256 here is that of the JSON document itself, so
-- the same report in another wrapper (plain, gzip, e-mail) is found.
CREATE TABLE tls_reports (
	id		INTEGER PRIMARY KEY,
	reporter_id	INTEGER NOT NULL REFERENCES reporters (id),
	input_id	INTEGER NOT NULL REFERENCES raw_inputs (id),
	org_name	TEXT NOT NULL,
	contact_info	TEXT,
	report_id	TEXT NOT NULL,
	date_begin	INTEGER NOT NULL,	-- UTC seconds
	date_end	INTEGER NOT NULL,
	sha256		BLOB NOT NULL UNIQUE,	-- of the JSON document
	notes		TEXT,			-- JSON array or NULL
	source_name	TEXT NOT NULL,
	policies	INTEGER NOT NULL,
	successful	INTEGER NOT NULL,	-- sums over the policies
	failed		INTEGER NOT NULL,
	UNIQUE (org_name, report_id)
);
CREATE INDEX tls_reports_date ON tls_reports (date_begin);
CREATE TABLE tls_policies (
	id		INTEGER PRIMARY KEY,
	report_id	INTEGER NOT NULL REFERENCES tls_reports (id),
	seq		INTEGER NOT NULL,
	policy_type	TEXT NOT NULL,
	policy_domain	TEXT,			-- NULL when the report has none
	policy_strings	TEXT,			-- JSON array or NULL
	mx_hosts	TEXT,			-- JSON array or NULL
	successful	INTEGER NOT NULL,
	failed		INTEGER NOT NULL,
	UNIQUE (report_id, seq)
);
CREATE INDEX tls_policies_domain ON tls_policies (policy_domain);
CREATE TABLE tls_failures (
	policy_id	INTEGER NOT NULL REFERENCES tls_policies (id),
	seq		INTEGER NOT NULL,
	result_type	TEXT NOT NULL,
	sending_mta_ip	TEXT,
	receiving_mx_hostname TEXT,
	receiving_mx_helo TEXT,
	receiving_ip	TEXT,
	failed_sessions	INTEGER,		-- NULL when the report has none
	additional_information TEXT,
	failure_reason_code TEXT,
	PRIMARY KEY (policy_id, seq)
) WITHOUT ROWID;
