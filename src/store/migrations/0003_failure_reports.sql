-- 0003_failure_reports: DMARC failure reports (RFC 9991, RFC 6591 and
-- Exim's text form), as src/report/failure.h parses them: the free text of
-- the original headers redacted (src/report/phi.h), with counts per kind
-- of what was redacted.  No body and no plain copy of the message is
-- kept: the unit (raw_inputs row) of a failure report has encoding
-- 'withheld' (no raw_chunks) or 'sealed-box' (raw_chunks hold a libsodium
-- sealed box of the message to the operator's key, src/crypto/seal.h).
CREATE TABLE failure_reports (
	id		INTEGER PRIMARY KEY,
	input_id	INTEGER NOT NULL REFERENCES raw_inputs (id),
	sha256		BLOB NOT NULL UNIQUE,	-- of what the report says
	form		TEXT NOT NULL,		-- 'arf' or 'text'
	feedback_type	TEXT NOT NULL,		-- 'auth-failure', 'abuse', ...
	user_agent	TEXT,
	version		TEXT,
	reporter	TEXT,			-- From address of the report
	reporting_mta	TEXT,
	arrival		INTEGER,		-- UTC seconds, NULL: not said
	received	INTEGER NOT NULL,	-- stored, UTC seconds
	source_ip	TEXT,			-- canonical
	reported_domain	TEXT,
	domain		TEXT,			-- the policy domain
	incidents	INTEGER NOT NULL DEFAULT 1,
	auth_failure	TEXT,
	delivery_result	TEXT,
	identity_alignment TEXT,
	dmarc_result	TEXT,
	spf_result	TEXT,
	spf_domain	TEXT,
	dkim_result	TEXT,
	dkim_domain	TEXT,
	dkim_identity	TEXT,
	dkim_selector	TEXT,
	spf_dns		TEXT,
	dkim_selector_dns TEXT,
	header_from	TEXT,			-- local parts redacted
	envelope_from	TEXT,
	envelope_to	TEXT NOT NULL,		-- JSON array of addresses
	original_envelope_id TEXT,
	auth_results	TEXT NOT NULL,		-- JSON array, redacted
	headers		TEXT,			-- redacted header block
	nheaders	INTEGER NOT NULL DEFAULT 0,
	redact_ssn	INTEGER NOT NULL DEFAULT 0,
	redact_dob	INTEGER NOT NULL DEFAULT 0,
	redact_phone	INTEGER NOT NULL DEFAULT 0,
	redact_npi	INTEGER NOT NULL DEFAULT 0,
	redact_member_id INTEGER NOT NULL DEFAULT 0,
	redact_icd10	INTEGER NOT NULL DEFAULT 0,
	redact_mrn	INTEGER NOT NULL DEFAULT 0,
	notes		TEXT NOT NULL		-- JSON array
);
CREATE INDEX failure_reports_domain ON failure_reports (domain, arrival);
CREATE INDEX failure_reports_input ON failure_reports (input_id);
