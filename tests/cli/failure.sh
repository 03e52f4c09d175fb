# failure.sh: failure reports end to end -- ingest from files, mbox and
# Maildir, no PHI anywhere in the store files, sealed samples only when
# asked for and readable only with the secret key, the failures listing.
. tests/lib/tap.sh
F=tests/reports/failure
PHI=$F/phi-strings.txt
q() { sqlite3 "$1" "$2"; }

# No string of the fixtures' PHI in any byte of the store files.
no_phi() {	# no_phi NAME DB
	_hits=""
	for _f in "$2" "$2-wal" "$2-shm"; do
		[ -f "$_f" ] || continue
		_h=$(grep -a -o -F -f "$PHI" "$_f" | sort -u | tr '\n' ' ')
		[ -n "$_h" ] && _hits="$_hits $_f: $_h"
	done
	[ -z "$_hits" ]
	_report $? "$1" "$_hits"
}

# --- keys --------------------------------------------------------------
"$DW" failure keygen --public-key $T/pub.key --secret-key $T/sec.key \
    > $T/out 2>&1
is "keygen exit status" "$?" 0
is "secret key is private" "$(stat -c %a $T/sec.key)" 600
fails "keygen never overwrites" 2 "$DW" failure keygen \
    --public-key $T/pub.key --secret-key $T/sec2.key
"$DW" failure keygen --json --public-key $T/pub2.key \
    --secret-key $T/sec2.key > $T/out 2>&1
ok "keygen --json is JSON" python3 -m json.tool $T/out

# --- default: no samples -----------------------------------------------
DB=$T/plain.db
"$DW" --db "$DB" ingest $F/*.eml > $T/out 2> $T/err
is "fixtures ingest exit status" "$?" 0
contains "five failure reports stored" $T/out "failures: 5 new, 0 duplicate"
is "five failure reports" "$(q $DB 'select count(*) from failure_reports')" 5
is "units keep no raw bytes" "$(q $DB 'select count(*) from raw_chunks')" 0
is "units are marked withheld" "$(q $DB "select count(*) from raw_inputs \
    where encoding = 'withheld'")" 5
is "redaction counts stored" "$(q $DB "select redact_ssn, redact_dob, \
    redact_mrn from failure_reports where headers like '%Statement%'")" \
    "1|1|8"
no_phi "no fixture PHI in the store files" "$DB"
"$DW" --db "$DB" ingest $F/*.eml > $T/out 2>&1
contains "second ingest: all already stored" $T/out "5 already stored"

# the same report with CRLF line endings is the same report
sed 's/$/\r/' $F/forwarded.eml > $T/crlf.eml
"$DW" --db "$DB" ingest $T/crlf.eml > $T/out 2>&1
contains "CRLF copy is a duplicate" $T/out "failures: 0 new, 1 duplicate"
is "duplicate left no unit" "$(q $DB 'select count(*) from raw_inputs')" 5

# a file named after its PHI-laden subject: the stored name is redacted
cp $F/text-form.eml "$T/Lab results 219-09-9999 DOB 03-14-1962.eml"
sed -i 's/Reject/Reject again/' "$T/Lab results 219-09-9999 DOB 03-14-1962.eml"
"$DW" --db "$DB" ingest "$T/Lab results 219-09-9999 DOB 03-14-1962.eml" \
    > $T/out 2>&1
contains "renamed copy is a new report" $T/out "failures: 1 new"
contains "stored name is redacted" "$DB" "Lab results [REDACTED:SSN]"
no_phi "no PHI from file names" "$DB"

# a rejected failure report is named without its PHI
cp $F/bad/dup-source-ip.eml "$T/MRN 84736251.eml"
"$DW" --db "$DB" ingest "$T/MRN 84736251.eml" > $T/out 2> $T/err
is "rejected failure report exit status" "$?" 1
contains "rejection gives the reason" $T/err "Source-IP appears twice"
contains "rejection names the input redacted" $T/err "MRN [REDACTED:MRN].eml"

# --- mbox and Maildir ----------------------------------------------------
DB2=$T/box.db
{
	echo "From dmarc@receiver.example Mon Mar 10 06:00:00 2025"
	cat $F/arf-phi-subject.eml
	echo
	echo "From dmarc@receiver.example Mon Mar 10 07:00:00 2025"
	sed 's/^From /&/' $F/text-form.eml
} > $T/box.mbox
mkdir -p $T/md/cur $T/md/new $T/md/tmp
cp $F/forwarded.eml $T/md/cur/1741600000.M1P1.host:2,S
cp $F/rfc822-headers.eml $T/md/new/1741600001.M2P1.host
"$DW" --db "$DB2" ingest $T/box.mbox $T/md > $T/out 2>&1
is "mbox and Maildir ingest exit status" "$?" 0
contains "four failure reports from mbox and Maildir" $T/out \
    "failures: 4 new"
no_phi "no PHI from mbox and Maildir" "$DB2"

# --- samples, sealed --------------------------------------------------------
DB3=$T/sealed.db
fails "--keep-samples needs --sample-key" 2 "$DW" --db "$DB3" ingest \
    --keep-samples $F/arf-phi-subject.eml
fails "--sample-key needs --keep-samples" 2 "$DW" --db "$DB3" ingest \
    --sample-key $T/pub.key $F/arf-phi-subject.eml
printf 'pw\n' > $T/pw
fails "fetch: --keep-samples needs --sample-key" 2 "$DW" --db "$DB3" \
    fetch imap imaps://127.0.0.1:1/INBOX --user u --password-file $T/pw \
    --keep-samples
"$DW" --db "$DB3" ingest --keep-samples --sample-key $T/sec.key \
    $F/arf-phi-subject.eml > $T/out 2>&1
is "a secret key is no sample key" "$?" 2
contains "the wrong kind of key is named" $T/out "this is a secret key"
"$DW" --db "$DB3" ingest --keep-samples --sample-key $T/pub.key $F/*.eml \
    > $T/out 2>&1
is "sealed ingest exit status" "$?" 0
is "units are marked sealed" "$(q $DB3 "select count(*) from raw_inputs \
    where encoding = 'sealed-box'")" 5
no_phi "no PHI in a store holding sealed samples" "$DB3"
id=$(q $DB3 "select f.id from failure_reports f join raw_inputs i on \
    i.id = f.input_id where i.name like '%arf-phi-subject.eml'")
"$DW" --db "$DB3" failure decrypt-sample --secret-key $T/sec.key "$id" \
    > $T/sample.eml 2> $T/err
is "decrypt-sample exit status" "$?" 0
ok "the sample is the message as it arrived" cmp $T/sample.eml \
    $F/arf-phi-subject.eml
"$DW" --db "$DB3" failure decrypt-sample --secret-key $T/sec2.key "$id" \
    > /dev/null 2> $T/err
is "another key cannot open it" "$?" 2
contains "the wrong key is said" $T/err "cannot be opened with this key"
chmod 644 $T/sec.key
fails "a secret key others can read is refused" 2 "$DW" --db "$DB3" \
    failure decrypt-sample --secret-key $T/sec.key "$id"
chmod 600 $T/sec.key
"$DW" --db "$DB3" failure decrypt-sample --secret-key $T/sec.key \
    --out $T/out.eml "$id" > /dev/null 2>&1
is "--out file is private" "$(stat -c %a $T/out.eml)" 600
"$DW" --db "$DB" failure decrypt-sample --secret-key $T/sec.key 1 \
    > /dev/null 2> $T/err
is "no sample without --keep-samples" "$?" 2
contains "the reason is given" $T/err "stored without a sample"
fails "an unknown report" 2 "$DW" --db "$DB3" failure decrypt-sample \
    --secret-key $T/sec.key 999

# --- the listing --------------------------------------------------------------
"$DW" --db "$DB" failures > $T/out 2>&1
is "failures exit status" "$?" 0
contains "listing shows the source IP" $T/out "198.51.100.23"
contains "listing shows the redaction counts" $T/out \
    "1 ssn, 1 dob, 1 npi, 2 member_id, 1 icd10, 8 mrn"
"$DW" --db "$DB" failures --headers --domain clinic.example \
    --since 2025-03-04 --until 2025-03-05 > $T/out 2>&1
contains "--headers shows the redacted subject" $T/out \
    "Subject: Statement for SSN [REDACTED:SSN], Dx [REDACTED:ICD10]"
is "--since/--until select one day" "$(grep -c '^#' $T/out)" 1
"$DW" --db "$DB" failures --json > $T/out.json 2>&1
ok "failures --json is JSON" python3 -m json.tool $T/out.json
is "failures --json lists every report" "$(python3 -c "import json,sys; \
    print(len(json.load(open('$T/out.json'))['failures']))")" 6
"$DW" --db "$DB" failures --domain nobody.example > $T/out 2>&1
contains "an empty listing says so" $T/out "no failure reports"
fails "failures on a missing store" 2 "$DW" --db $T/none.db failures
fails "failures with a bad date" 2 "$DW" --db "$DB" failures --since x
for c in failures failure; do
	ok "$c --help" "$DW" $c --help
	ok "$c has a man page" test -s "$DW_TOP/docs/man/dmarcward-$c.1.md"
done

# --- parse: what would be stored, redacted ----------------------------------
"$DW" parse $F/*.eml > $T/out 2>&1
is "parse exit status" "$?" 0
contains "parse shows a failure report" $T/out \
    "arf-phi-subject.eml: failure report (auth-failure) for clinic.example"
"$DW" parse --json $F/*.eml > $T/out 2>&1
ok "parse --json lines are JSON" python3 -c "
import json
for l in open('$T/out'): json.loads(l)"
if grep -F -f "$PHI" $T/out > /dev/null; then
	_report 1 "parse --json shows no PHI" "$(grep -o -F -f "$PHI" $T/out)"
else
	_report 0 "parse --json shows no PHI"
fi

# --- the daemon: samples are a setting too -----------------------------------
printf '[store]\npath = %s/d.db\nkeep_samples = yes\n[folder:x]\npath = %s\n' \
    "$T" "$T" > $T/bad.conf
"$DW" run --check-config $T/bad.conf > $T/out 2>&1
is "keep_samples without a key is refused" "$?" 2
contains "and says why" $T/out "keep_samples and sample_key_file go together"
mkdir -p $T/drop
printf 'tok-1\n' > $T/token
HPORT=$((21000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 2500))
cat > $T/d.conf <<EOC
[store]
path = $T/d.db
keep_samples = yes
sample_key_file = $T/pub.key
[http]
listen = 127.0.0.1:$HPORT
upload_token_file = $T/token
[folder:drop]
path = $T/drop
interval = 1
settle = 0
EOC
ok "the daemon configuration checks" "$DW" run --check-config $T/d.conf
cp $F/rfc822-headers.eml $T/drop/
"$DW" run --config $T/d.conf 2> $T/daemon.log &
DPID=$!
i=0
while [ $i -lt 75 ] && [ ! -f $T/drop/processed/rfc822-headers.eml ]; do
	sleep 0.2
	i=$((i + 1))
done
if command -v curl > /dev/null; then
	curl -s -H "Authorization: Bearer tok-1" --data-binary \
	    @$F/text-form.eml "http://127.0.0.1:$HPORT/api/v1/reports" \
	    > $T/up 2>&1
	contains "an uploaded failure report is stored" $T/up \
	    '"status":"stored"'
	contains "and counted as one" $T/up '"failures_new":1'
	curl -s "http://127.0.0.1:$HPORT/metrics" > $T/metrics
	contains "metrics count failure reports as their own kind" \
	    $T/metrics \
	    'dmarcward_reports_ingested_total{job="folder:drop",kind="failure"} 1'
else
	skip "metrics count failure reports" "curl is not installed"
fi
kill -TERM $DPID
wait $DPID
is "the daemon stops cleanly" "$?" 0
ok "the failure report file is moved to processed" \
    test -f $T/drop/processed/rfc822-headers.eml
if command -v curl > /dev/null; then n=2; else n=1; fi
is "the daemon keeps its samples sealed, uploads too" "$(q $T/d.db \
    "select count(*) from raw_inputs where encoding = 'sealed-box'")" $n
id=$(q $T/d.db "select f.id from failure_reports f join raw_inputs i on \
    i.id = f.input_id where i.name like '%rfc822-headers.eml'")
"$DW" --db $T/d.db failure decrypt-sample --secret-key $T/sec.key "$id" \
    > $T/d.eml 2>&1
ok "and the secret key opens it" cmp $T/d.eml $F/rfc822-headers.eml
no_phi "no PHI in the daemon's store" $T/d.db

# --- side by side with aggregate and SMTP TLS reports -------------------
mkdir -p $T/mixed
cp tests/reports/valid/minimal.xml tests/reports/tlsrpt/valid/full.json \
    $F/forwarded.eml $T/mixed/
"$DW" --db $T/mixed.db ingest --json $T/mixed > $T/out 2>&1
is "three kinds in one run: exit status" "$?" 0
is "each kind counted apart" "$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(j["inputs"], j["reports_new"], j["tls_reports_new"], j["failures_new"],
      j["rejected"])' $T/out)" "3 1 1 1 0"
is "each kind stored" "$(q $T/mixed.db 'select (select count(*) from
    reports), (select count(*) from tls_reports), (select count(*) from
    failure_reports)')" "1|1|1"
is "only the failure report's unit withholds its bytes" "$(q $T/mixed.db \
    "select count(*) from raw_inputs where encoding = 'withheld'")" 1
"$DW" --db $T/mixed.db ingest $T/mixed > $T/out 2>&1
contains "again: every input already stored" $T/out "3 already stored"
contains "the summary names every kind" $T/out \
    "failures: 0 new, 0 duplicate failure reports"
"$DW" ingest --parse-only --json $T/mixed > $T/out 2>&1
is "parse-only counts each kind too" "$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(j["reports_new"], j["tls_reports_new"], j["failures_new"])' $T/out)" \
    "1 1 1"

# --- the shared samples ------------------------------------------------------
C=$DW_SHARED/corpus/parsedmarc/failure
if [ -d "$C" ]; then
	"$DW" --db $T/corpus.db ingest "$C" > $T/out 2>&1
	is "parsedmarc failure samples ingest" "$?" 0
	contains "four reports, the CRLF copy a duplicate" $T/out \
	    "failures: 4 new, 1 duplicate"
else
	skip "parsedmarc failure samples" "$C not present"
fi
done_testing
