#!/bin/sh
# daemon.sh: dmarcward run end to end.  A private dovecot on loopback and a
# watched folder feed the daemon; reports delivered to both are stored and
# moved, /metrics counts them, uploads need the token, SIGHUP rereads the
# configuration (a bad one is refused and the old one kept), SIGTERM stops
# it cleanly.  Also: the configuration checker and the settings table
# against the man page.
. tests/lib/tap.sh
. tests/lib/dovecot.sh

# --- configuration, without servers ----------------------------------
"$DW" run --print-settings > "$T/settings"
ok "the settings table prints" test -s "$T/settings"
missing=""
for k in $(sed -n 's/^\[[a-z:A-Z]*\] \([a-z_0-9]*\) .*/\1/p' "$T/settings")
do
	grep -q "\*\*$k\*\*" "$DW_TOP/docs/man/dmarcward.conf.5.md" ||
	    missing="$missing $k"
done
is "every setting is in dmarcward.conf(5)" "$missing" ""

printf '[store]\npath = %s/x.db\n[imap:a]\nurl = imaps://h/INBOX\n' "$T" \
    > "$T/bad1.conf"
"$DW" run --check-config "$T/bad1.conf" > "$T/bad1.out" 2>&1
is "a required key missing exits 2" $? 2
contains "and names it" "$T/bad1.out" "[imap:a] needs user"
printf '[store]\npath = x\nfrobnicate = 1\n' > "$T/bad2.conf"
"$DW" run --check-config "$T/bad2.conf" > "$T/bad2.out" 2>&1
contains "an unknown key names the line" "$T/bad2.out" \
    'bad2.conf:3: unknown setting "frobnicate" in [store]'
printf '[folder:x]\npath = /tmp\ninterval = 0\n' > "$T/bad3.conf"
"$DW" run --check-config "$T/bad3.conf" > "$T/bad3.out" 2>&1
contains "a value out of range says the range" "$T/bad3.out" \
    "want a number from 1 to 86400"
printf '[folder:a"b]\npath = /tmp\n' > "$T/bad4.conf"
fails "a section name with a quote is refused" 2 \
    "$DW" run --check-config "$T/bad4.conf"
printf '[log]\nlevel = info ;%s level = debug\n' \
    "$(printf '%0190d' 0)" > "$T/bad5.conf"
"$DW" run --check-config "$T/bad5.conf" > "$T/bad5.out" 2>&1
contains "a line too long for the INI reader is refused, not cut" \
    "$T/bad5.out" "bad5.conf:2: longer than 198 bytes"
printf '[log]\nlevel = info\0\n' > "$T/bad6.conf"
"$DW" run --check-config "$T/bad6.conf" > "$T/bad6.out" 2>&1
contains "a NUL byte is refused with its offset" "$T/bad6.out" \
    "a NUL byte at offset 18"

# a yes-or-no set in the file is kept, not reset to its default
mkdir -p "$T/quiet"
printf '[store]\npath = %s/q.db\n[folder:q]\npath = %s/quiet\n' "$T" "$T" \
    > "$T/q.conf"
for en in yes no; do
	cp "$T/q.conf" "$T/q-$en.conf"
	printf '[enrich]\nenabled = %s\n' $en >> "$T/q-$en.conf"
	"$DW" run --config "$T/q-$en.conf" 2> "$T/q-$en.log" &
	QPID=$!
	_i=0
	while [ $_i -lt 50 ] && ! grep -q started "$T/q-$en.log"; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -TERM $QPID
	wait $QPID
done
contains "[enrich] enabled = yes adds the enrich job" "$T/q-yes.log" \
    "2 jobs"
contains "[enrich] enabled = no leaves it out" "$T/q-no.log" "1 jobs"

if ! dovecot_start; then
	skip "daemon" "dovecot (dovecot-imapd) or openssl is not installed"
	done_testing
	exit 0
fi
if ! command -v curl >/dev/null; then
	skip "daemon" "curl is not installed (scripts/setup-deps)"
	done_testing
	exit 0
fi
DPID=
trap '[ -n "$DPID" ] && kill -9 $DPID 2>/dev/null; dovecot_stop; rm -rf "$T"' \
    EXIT

mkdir -p "$T/in"
printf 'upload-secret-42\n' > "$T/token"
HPORT=$((23500 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 2500))
DB="$T/db.sqlite"
H="http://127.0.0.1:$HPORT"
writeconf() {	# writeconf FOLDER_INTERVAL
	cat > "$T/d.conf" <<EOC
[store]
path = $DB
[log]
level = debug
[http]
listen = 127.0.0.1:$HPORT
upload_token_file = $T/token
max_upload_mib = 1
[imap:reports]
url = $IMAP_URL
user = $IMAP_USER
password_file = $IMAP_PASSFILE
ca_file = $IMAP_CA
archive = Archive
invalid = Invalid
interval = 1
[folder:drop]
path = $T/in
interval = $1
settle = 0
[check]
domains = clinic.test
zone = $T/zone.yml
EOC
}
# mkzone POLICY: zone data for clinic.test publishing DMARC p=POLICY
mkzone() {
	cat > "$T/zone.yml" <<EOZ
zonedata:
  clinic.test:
    - MX: [10, mx.clinic.test]
    - TXT: "v=spf1 mx -all"
  mx.clinic.test:
    - A: 192.0.2.10
  _dmarc.clinic.test:
    - TXT: "v=DMARC1; p=$1; rua=mailto:d@clinic.test"
  77.2.0.192.in-addr.arpa:
    - PTR: mta7.billingvendor.example
  mta7.billingvendor.example:
    - A: 192.0.2.77
EOZ
}
mkzone none
writeconf 1
ok "the configuration checks" "$DW" run --check-config "$T/d.conf"
"$DW" run --config "$T/d.conf" 2> "$T/daemon.log" &
DPID=$!
q() { sqlite3 "$DB" "$1" 2>/dev/null; }
# until CMD prints WANT, at most 15 s
wait_for() {
	_want=$1; shift
	_i=0
	while [ $_i -lt 75 ]; do
		[ "$("$@")" = "$_want" ] && return 0
		sleep 0.2
		_i=$((_i + 1))
	done
	return 1
}
ok "the listener comes up" wait_for 200 \
    curl -s -o /dev/null -w '%{http_code}' "$H/metrics"

EX="$DW_TOP/examples"
dovecot_deliver "$EX/yahoo!examplehealth.org!1762992000!1763078399.eml"
printf 'From: a@b.example\nSubject: hi\n\nnothing\n' > "$T/junk.eml"
dovecot_deliver "$T/junk.eml"
cp "$EX/outlook.com!examplehealth.org!1762992000!1763078399.xml.gz" \
    "$T/in/"
printf 'not a report\n' > "$T/in/garbage.txt"
ok "both reports are stored" wait_for 2 q "SELECT count(*) FROM reports"
ok "the mail is archived" wait_for 1 dovecot_count Archive
ok "the junk mail is in Invalid" wait_for 1 dovecot_count Invalid
ok "the report file is moved to processed" wait_for yes sh -c \
    "[ -f '$T/in/processed/outlook.com!examplehealth.org!1762992000!1763078399.xml.gz' ] && echo yes"
ok "the garbage file is moved to invalid" wait_for yes sh -c \
    "[ -f '$T/in/invalid/garbage.txt' ] && echo yes"
ok "enrichment follows: a source address gets its PTR name" wait_for \
    mta7.billingvendor.example q \
    "SELECT ptr FROM ip_info WHERE ip = '192.0.2.77'"
ok "and the daily rollups are brought up to date" wait_for yes sh -c \
    "[ \$(sqlite3 '$DB' 'SELECT count(*) FROM rollup_day') -gt 0 ] && echo yes"

curl -s "$H/metrics" > "$T/metrics"
contains "metrics count the mailbox's report" "$T/metrics" \
    'dmarcward_reports_ingested_total{job="imap:reports",kind="aggregate"} 1'
contains "metrics count the folder's rejection" "$T/metrics" \
    'dmarcward_inputs_rejected_total{job="folder:drop"} 1'
contains "metrics give the last successful fetch" "$T/metrics" \
    'dmarcward_last_success_timestamp_seconds{job="imap:reports"} 1'
contains "metrics give the queue lag" "$T/metrics" \
    'dmarcward_queue_lag_seconds{job="imap:reports"}'

# --- uploads ---------------------------------------------------------
Z="$EX/google.com!examplehealth.org!1762992000!1763078399.xml.zip"
up() {	# up TOKEN FILE -> "CODE BODY"
	curl -s -H "Authorization: Bearer $1" --data-binary @"$2" \
	    -w ' %{http_code}' "$H/api/v1/reports?name=up.zip"
}
up upload-secret-42 "$Z" > "$T/up1"
contains "an upload with the token is stored" "$T/up1" \
    '"status":"stored"'
contains "with 200" "$T/up1" ' 200'
up upload-secret-42 "$Z" > "$T/up2"
contains "the same upload again is a duplicate" "$T/up2" \
    '"status":"duplicate"'
up wrong-token "$Z" > "$T/up3"
contains "a wrong token gets 401" "$T/up3" ' 401'
curl -s --data-binary @"$Z" -w ' %{http_code}' "$H/api/v1/reports" \
    > "$T/up4"
contains "no token gets 401" "$T/up4" ' 401'
up upload-secret-42 "$T/junk.eml" > "$T/up5"
contains "a non-report upload gets 422 with the reason" "$T/up5" \
    '"status":"rejected"'
head -c 1200000 /dev/zero > "$T/big"
up upload-secret-42 "$T/big" > "$T/up6"
contains "an upload over max_upload_mib gets 413" "$T/up6" ' 413'
curl -s -w ' %{http_code}' "$H/nothing" > "$T/up7"
contains "an unknown path gets 404" "$T/up7" ' 404'
is "the upload's report is in the store" \
    "$(q "SELECT count(*) FROM raw_inputs WHERE name = 'upload:up.zip'")" 1
up upload-secret-42 "$DW_TOP/tests/reports/tlsrpt/valid/minimal.json" \
    > "$T/up8"
contains "an SMTP TLS report upload is stored" "$T/up8" '"status":"stored"'
contains "and counted as a TLS report" "$T/up8" '"tls_reports_new":1'
curl -s "$H/metrics" > "$T/metrics2"
contains "metrics count the uploaded TLS report by kind" "$T/metrics2" \
    'dmarcward_reports_ingested_total{job="upload",kind="tls"} 1'

# --- reload -----------------------------------------------------------
printf '[store]\npath = %s\n[nonsense]\nx = 1\n' "$DB" > "$T/d.conf.bad"
cp "$T/d.conf" "$T/d.conf.good"
cp "$T/d.conf.bad" "$T/d.conf"
kill -HUP $DPID
ok "a bad configuration on SIGHUP is refused" wait_for 1 sh -c \
    "grep -c 'keeping the running configuration' '$T/daemon.log'"
ok "the scheduled check of clinic.test is in the history" wait_for 1 \
    q "SELECT count(*) FROM check_runs"
mkzone reject
cp "$T/d.conf.good" "$T/d.conf"
kill -HUP $DPID
ok "a good one is taken" wait_for 1 sh -c \
    "grep -c 'configuration reloaded' '$T/daemon.log'"
cp "$EX/outlook.com!portal.examplehealth.org!1762992000!1763078399.xml.gz" \
    "$T/in/"
ok "and the daemon goes on after it" wait_for 4 q \
    "SELECT count(*) FROM reports"
ok "the reload checked clinic.test again" wait_for 2 \
    q "SELECT count(*) FROM check_runs"
contains "the changed DMARC policy is logged as an event" \
    "$T/daemon.log" "changed, event dmarc.policy"
"$DW" --db "$DB" history clinic.test > "$T/hist" 2>&1
contains "and is in the history" "$T/hist" "[event dmarc.policy]"

# --- stop ------------------------------------------------------------
kill -TERM $DPID
wait $DPID
is "SIGTERM stops it with status 0" $? 0
DPID=
contains "and it says so" "$T/daemon.log" "stopped"
is "the store is consistent" "$(q 'PRAGMA integrity_check')" ok
fails "the listener is closed" any curl -s -o /dev/null "$H/metrics"
done_testing
