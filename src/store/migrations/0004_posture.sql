-- 0004_posture: what `dmarcward check` saw.  check_runs: one row per check
-- of a domain, with its time and grade.  dns_records: a row each time the
-- record set at a name changed (value NULL: the name had no record); the
-- records a run saw are, per name, the newest row at or before the run.
-- events: the changes alerting and the audit log act on (a DMARC policy,
-- the SPF record, a DKIM key, the MTA-STS policy id); rows are only added.
CREATE TABLE check_runs (
	id		INTEGER PRIMARY KEY,
	domain		TEXT NOT NULL,
	checked_at	INTEGER NOT NULL,	-- UTC seconds
	grade		TEXT NOT NULL,		-- A..F
	score		INTEGER NOT NULL,	-- 0..100
	worst		TEXT NOT NULL,		-- worst severity found
	findings	TEXT NOT NULL		-- finding ids, space-separated
);
CREATE INDEX check_runs_domain ON check_runs (domain, id);
CREATE TABLE dns_records (
	id		INTEGER PRIMARY KEY,
	run_id		INTEGER NOT NULL REFERENCES check_runs (id),
	domain		TEXT NOT NULL,
	kind		TEXT NOT NULL,		-- dmarc, spf, dkim, mx, ...
	name		TEXT NOT NULL,		-- owner name
	value		TEXT,			-- records, one per line
	event_value	TEXT			-- the part whose change is an
						-- event (the MTA-STS id, ...)
);
CREATE INDEX dns_records_name ON dns_records (domain, kind, name, id);
CREATE TABLE events (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,	-- UTC seconds
	domain		TEXT NOT NULL,
	type		TEXT NOT NULL,		-- dmarc.policy, spf.record,
						-- dkim.key, mtasts.id
	name		TEXT NOT NULL,
	old_value	TEXT,
	new_value	TEXT,
	run_id		INTEGER NOT NULL REFERENCES check_runs (id),
	record_id	INTEGER NOT NULL REFERENCES dns_records (id)
);
CREATE INDEX events_domain ON events (domain, id);
CREATE INDEX events_record ON events (record_id);
