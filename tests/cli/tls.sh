# tls.sh: SMTP TLS reports (RFC 8460) end to end: ingest of plain, gzip,
# zip and e-mail (RFC 8460 section 5.3) reports, duplicates, rejections
# with their reasons, ADVERSARIAL.md section J, and the figures of
# `dmarcward tls`.  The fixtures of tests/reports/tlsrpt always run; the
# shared TLS corpus when $DW_SHARED has it.
. tests/lib/tap.sh
DB=$T/store.db
FIX=$DW_TOP/tests/reports/tlsrpt
q() { sqlite3 "$DB" "$1"; }
# jget FILE EXPR: a value from a JSON file, EXPR in Python over j.
jget() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); \
print($2)" "$1" 2>&1; }
# ntls: reports stored so far
ntls() { q 'select count(*) from tls_reports'; }

# mkrep ID OK FAIL [DOMAIN]: a small TLS report with one failure detail
mkrep() {
	cat <<EOJ
{"organization-name":"Receiver Example","date-range":{
 "start-datetime":"2025-11-0${5:-3}T00:00:00Z",
 "end-datetime":"2025-11-0${5:-3}T23:59:59Z"},
 "contact-info":"tlsrpt@receiver.example","report-id":"$1",
 "policies":[{"policy":{"policy-type":"sts",
 "policy-string":["version: STSv1","mode: enforce","mx: mx.${4:-tls.example}",
 "max_age: 86400"],"policy-domain":"${4:-tls.example}",
 "mx-host":["mx.${4:-tls.example}"]},
 "summary":{"total-successful-session-count":$2,
 "total-failure-session-count":$3},
 "failure-details":[{"result-type":"certificate-expired",
 "sending-mta-ip":"192.0.2.1","receiving-mx-hostname":"mx.${4:-tls.example}",
 "receiving-ip":"198.51.100.1","failed-session-count":$3}]}]}
EOJ
}

# mkmail TYPE ENCODING FILE: an RFC 8460 section 5.3 report e-mail
mkmail() {
	echo "From: tlsrpt@receiver.example"
	echo "Subject: Report Domain: tls.example Submitter: receiver.example"
	echo "TLS-Report-Domain: tls.example"
	echo "TLS-Report-Submitter: receiver.example"
	echo "MIME-Version: 1.0"
	echo 'Content-Type: multipart/report; report-type="tlsrpt";'
	echo '    boundary="b1"'
	echo
	echo "--b1"
	echo "Content-Type: text/plain"
	echo
	echo "This is an aggregate TLS report from receiver.example"
	echo "--b1"
	echo "Content-Type: $1"
	echo "Content-Transfer-Encoding: $2"
	echo 'Content-Disposition: attachment; filename="r.json.gz"'
	echo
	if [ "$2" = base64 ]; then base64 "$3"; else cat "$3"; fi
	echo "--b1--"
}

# --- our fixtures: every valid one stored with its figures -----------------
"$DW" --db "$DB" ingest --json "$FIX"/valid/*.json > $T/out 2> $T/err
is "fixtures: exit status" "$?" 0
is "fixtures: 7 TLS reports new, none rejected, no aggregate report" \
    "$(jget $T/out 'j["tls_reports_new"], j["rejected"], j["reports_new"]')" \
    "7 0 0"
is "fixtures: 7 raw inputs kept as evidence" \
    "$(q 'select count(*) from raw_inputs r join tls_reports t on
    t.input_id = r.id')" 7
is "full.json: two policies, three failure details" \
    "$(q "select policies, (select count(*) from tls_failures f join
    tls_policies p on p.id = f.policy_id where p.report_id = t.id)
    from tls_reports t where report_id like '%clinic.example+1'")" "2|3"
is "full.json: report-id with / and + kept" \
    "$(q "select count(*) from tls_reports where report_id =
    '2025-11-03T00:00:00Z/clinic.example+1'")" 1
is "full.json: offsets folded to UTC" \
    "$(q "select date_begin, date_end from tls_reports where report_id
    like '%clinic.example+1'")" "1762128000|1762214399"
is "full.json: odd IPv6 forms stored canonical" \
    "$(q "select group_concat(sending_mta_ip || '>' || receiving_ip, ' ')
    from tls_failures where sending_mta_ip like '2001%'")" \
    "2001:db8::1>192.0.2.25"
is "full.json: every failure-detail field" \
    "$(q "select result_type, receiving_mx_hostname, receiving_mx_helo,
    failed_sessions, additional_information, failure_reason_code from
    tls_failures where failed_sessions = 300")" \
    "certificate-expired|mx1.clinic.example|mx1.clinic.example|300|https://receiver.example/tls?id=1|X509_V_ERR_CERT_HAS_EXPIRED"
is "unknown policy and result types kept as sent" \
    "$(q "select count(*) from tls_policies where policy_type =
    'policy-from-2031'")|$(q "select count(*) from tls_failures where
    result_type = 'quantum-handshake-failure'")" "1|1"
is "deviations noted with the report (7 notes)" \
    "$(q "select json_array_length(notes) from tls_reports where
    report_id = 'dev-1'")" 7
is "no time zone: taken as UTC, noted" \
    "$(q "select date_begin, notes like '%no time zone%' from tls_reports
    where org_name = 'Microsoft Corporation'")" "1673308800|1"
is "missing policy-domain stored as NULL" \
    "$(q "select count(*) from tls_policies where policy_domain is null")" 1
is "2^53 - 1 sessions stored exactly" \
    "$(q "select successful from tls_reports where report_id = 'big'")" \
    9007199254740991

# --- duplicates ---------------------------------------------------------------
"$DW" --db "$DB" ingest "$FIX"/valid/*.json > $T/out 2>&1
is "same files again: exit status" "$?" 0
contains "same files again: inputs already stored" $T/out \
    "7 already stored"
gzip -c "$FIX"/valid/full.json > $T/full.json.gz
"$DW" --db "$DB" ingest --json $T/full.json.gz > $T/out 2>&1
is "same report gzipped: a TLS duplicate, nothing new" \
    "$(jget $T/out 'j["tls_reports_new"], j["tls_reports_duplicate"]')" \
    "0 1"
python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1])),
    indent=1))" "$FIX"/valid/minimal.json > $T/minimal-reformatted.json
"$DW" --db "$DB" ingest --json $T/minimal-reformatted.json > $T/out 2>&1
is "same organization and report id, other bytes: duplicate" \
    "$(jget $T/out 'j["tls_reports_duplicate"]')" 1
is "duplicates left no rows" "$(ntls)" 7
is "duplicates left no raw inputs" "$(q 'select count(*) from raw_inputs')" 7

# --- transports: e-mail, zip, mbox -------------------------------------------
mkrep mail-gz 10 1 > $T/r1.json
gzip -c $T/r1.json > $T/r1.json.gz
mkmail application/tlsrpt+gzip base64 $T/r1.json.gz > $T/gz.eml
mkrep mail-json 20 2 > $T/r2.json
mkmail application/tlsrpt+json 7bit $T/r2.json > $T/json.eml
"$DW" --db "$DB" ingest $T/gz.eml $T/json.eml > $T/out 2>&1
is "RFC 8460 e-mails: exit status" "$?" 0
contains "tlsrpt+gzip and tlsrpt+json parts both stored" $T/out \
    "tls:      2 new, 0 duplicate"
is "e-mail evidence: the whole message kept" \
    "$(q "select r.name like '%gz.eml' from raw_inputs r join tls_reports t
    on t.input_id = r.id where t.report_id = 'mail-gz'")" 1
# J3: labels do not decide, content does (ADVERSARIAL.md B6)
mkrep label-plain 1 0 > $T/r3.json
mkmail application/tlsrpt+gzip 7bit $T/r3.json > $T/mislabelled.eml
mkrep label-appjson 1 0 > $T/r4.json
mkmail application/json 7bit $T/r4.json | sed 's|multipart/report|multipart/related|' \
    > $T/related.eml
"$DW" --db "$DB" ingest $T/mislabelled.eml $T/related.eml > $T/out 2>&1
contains "tlsrpt+gzip holding plain JSON, application/json in multipart/related: read by content" \
    $T/out "tls:      2 new"
printf 'not gzip at all\n' > $T/junk
mkmail application/tlsrpt+gzip base64 $T/junk > $T/notgzip.eml
"$DW" --db "$DB" ingest $T/notgzip.eml > $T/out 2> $T/err
is "tlsrpt+gzip part that is neither gzip nor JSON: exit status 1" "$?" 1
contains "tlsrpt+gzip part that is neither: no report part, named" $T/err \
    "notgzip.eml: MIME message has no report part"
head -c 30000000 /dev/zero | tr '\0' ' ' | { printf '{"a":"'; cat; } |
    gzip -1 > $T/bomb.gz
mkmail application/tlsrpt+gzip base64 $T/bomb.gz > $T/bomb.eml
n=$(ntls)
"$DW" --db "$DB" ingest $T/bomb.eml > $T/out 2> $T/err
is "J3 gzip bomb as tlsrpt+gzip: exit status 1" "$?" 1
contains "J3 gzip bomb: a limit named" $T/err "limit"
is "J3 gzip bomb: nothing stored" "$(ntls)" "$n"
mkrep zip-good 5 0 > $T/good.json
mkrep zip-bad -5 0 > $T/bad.json
(cd $T && zip -q both.zip good.json bad.json)
"$DW" --db "$DB" ingest $T/both.zip > $T/out 2> $T/err
is "zip with a good and a bad report: exit status 1" "$?" 1
contains "zip: the bad member named with the field" $T/err \
    "both.zip!bad.json): policies[0].summary.total-successful-session-count: -5 is negative"
is "zip: the good member stored" \
    "$(q "select count(*) from tls_reports where report_id = 'zip-good'")" 1
{
	echo "From tlsrpt@receiver.example Mon Nov 17 06:00:00 2025"
	mkrep mbox-1 3 0 > $T/m1.json; gzip -c $T/m1.json > $T/m1.gz
	mkmail application/tlsrpt+gzip base64 $T/m1.gz
	echo
	echo "From tlsrpt@receiver.example Mon Nov 17 07:00:00 2025"
	mkrep mbox-2 4 0 > $T/m2.json
	mkmail application/tlsrpt+json 7bit $T/m2.json
} > $T/box.mbox
"$DW" --db "$DB" ingest $T/box.mbox > $T/out 2>&1
contains "mbox: two TLS reports from two messages" $T/out \
    "tls:      2 new, 0 duplicate"
gzip -c $T/r1.json | head -c 60 > $T/trunc.json.gz
n=$(ntls)
"$DW" --db "$DB" ingest $T/trunc.json.gz > $T/out 2> $T/err
is "truncated gzip: rejected" "$?" 1
contains "truncated gzip: reason named" $T/err "trunc.json.gz"
is "truncated gzip: nothing stored" "$(ntls)" "$n"

# --- every corrupt fixture rejected with its reason, nothing stored ----------
n=$(ntls)
for f in "$FIX"/corrupt/*.json; do
	b=$(basename "$f" .json)
	"$DW" --db "$DB" ingest "$f" > $T/out 2> $T/err
	st=$?
	want=$(head -n 1 "$FIX/corrupt/$b.err")
	grep -qF -- "$want" $T/err && [ "$st" = 1 ]
	_report $? "rejected with its reason: $b" "status $st: $(cat $T/err)"
done
is "corrupt fixtures stored nothing" "$(ntls)" "$n"
is "corrupt fixtures left no raw inputs" \
    "$(q "select count(*) from raw_inputs where name like '%/corrupt/%'")" 0

# --- ADVERSARIAL.md J1 and J2, generated --------------------------------------
H='"organization-name":"J","date-range":{"start-datetime":"2025-11-05T00:00:00Z","end-datetime":"2025-11-05T23:59:59Z"},"report-id":'
P='"policy":{"policy-type":"sts","policy-domain":"j.example"}'
adv() {	# adv NAME WANT: FILE $T/adv-NAME.json must be rejected with WANT
	"$DW" --db "$DB" ingest $T/adv-$1.json > $T/out 2> $T/err
	st=$?
	grep -qF -- "$2" $T/err && [ "$st" = 1 ]
	_report $? "J: $1 rejected: $2" "status $st: $(head -c 600 $T/err)"
}
python3 -c "print('{$H\"deep\",\"x\":' + '[' * 100000 + ']' * 100000 + ',\"policies\":[]}')" \
    > $T/adv-deep.json
adv deep "JSON nested more than 32 levels deep"
for n in 1e400 18446744073709551616 9007199254740993 NaN -1 1.5; do
	echo "{$H\"num\",\"policies\":[{$P,\"summary\":{\"total-successful-session-count\":$n}}]}" \
	    > $T/adv-num$n.json
done
adv num1e400 "real number overflow"
adv num18446744073709551616 "too big integer"
adv num9007199254740993 "9007199254740993 is over 2^53 - 1"
adv numNaN "invalid token"
adv num-1 "total-successful-session-count: -1 is negative"
adv num1.5 "1.5 is not an integer"
echo "{$H\"dup\",\"policies\":[],\"policies\":[]}" > $T/adv-dupkey.json
adv dupkey "duplicate object key"
printf '{%s"utf8","contact-info":"\303\050","policies":[]}\n' "$H" \
    > $T/adv-utf8.json
adv utf8 "unable to decode byte"
echo "{$H\"sur\",\"contact-info\":\"\\ud800\",\"policies\":[]}" \
    > $T/adv-surrogate.json
adv surrogate "invalid Unicode"
echo "{$H\"tc\",\"policies\":[],}" > $T/adv-trailing.json
adv trailing "JSON: line 1"
echo "{$H\"c\", // note
\"policies\":[]}" > $T/adv-comment.json
adv comment "JSON: line 1"
echo "{$H\"t\",\"policies\":[{\"policy\":{\"policy-type\":7},\"summary\":{}}]}" \
    > $T/adv-type.json
adv type "policies[0].policy.policy-type: is an integer, want a string"
echo "{$H\"sum\",\"policies\":[{$P,\"summary\":{\"total-successful-session-count\":9007199254740991}},{$P,\"summary\":{\"total-successful-session-count\":9007199254740991}}]}" \
    > $T/adv-sum.json
adv sum "session counts add up to more than 2^53 - 1"
echo '{"organization-name":"J","date-range":{"start-datetime":"2025-11-05T00:00:00Z","end-datetime":"2025-11-04T00:00:00Z"},"report-id":"eb","policies":[]}' \
    > $T/adv-endbefore.json
adv endbefore "end-datetime is before start-datetime"
{ printf '{%s"big","x":"' "$H"; head -c 5000000 /dev/zero | tr '\0' a;
    printf '","policies":[]}'; } > $T/adv-big.json
adv big "over the 4 MiB limit for SMTP TLS reports"
echo '{"feedback":{"x":1}}' > $T/adv-other.json
adv other "not an SMTP TLS report (a JSON object with none of"
adv other "and not XML, so not a DMARC aggregate report"
printf 'plain text that is no report\n' > $T/adv-text.json
adv text "neither XML, for a DMARC aggregate report, nor JSON"
n=$(ntls)
printf '\357\273\277{%s"bom","policies":[]}\n' "$H" > $T/adv-bom.json
"$DW" --db "$DB" ingest $T/adv-bom.json > $T/out 2>&1
is "J1 BOM: accepted" "$?" 0
is "J1 BOM: noted" "$(q "select notes like '%byte order mark%' from
    tls_reports where report_id = 'bom'")" 1
is "adversarial inputs stored nothing else" "$(ntls)" $((n + 1))

# --- dmarcward tls ------------------------------------------------------------
TDB=$T/tls.db
"$DW" --db "$TDB" ingest "$FIX"/valid/full.json "$FIX"/valid/deviations.json \
    "$FIX"/valid/unknown-types.json "$FIX"/valid/minimal.json \
    "$FIX"/valid/no-policies.json > /dev/null 2>&1
"$DW" --db "$TDB" tls --json > $T/t.json 2> $T/err
is "tls --json: exit status" "$?" 0
is "tls: totals" "$(jget $T/t.json 'j["reports"], j["sessions"],
    j["successful"], j["failed"], round(j["success_pct"], 2)')" \
    "5 10065 9556 509 94.94"
is "tls: per policy domain" "$(jget $T/t.json '[(d["domain"],
    d["successful"], d["failed"]) for d in j["domains"]]')" \
    "[('clinic.example', 9540, 502), (None, 10, 5), ('example.com', 6, 1), ('example.net', 0, 1), ('example.org', 0, 0)]"
is "tls: per policy type" "$(jget $T/t.json '[(d["policy_type"],
    d["reports"], d["successful"], d["failed"]) for d in j["policy_types"]]')" \
    "[('no-policy-found', 1, 0, 0), ('policy-from-2031', 1, 5, 0), ('sts', 3, 9511, 507), ('tlsa', 1, 40, 2)]"
is "tls: per receiving MX, most failing first" "$(jget $T/t.json '[(d["mx"],
    d["failed"], [(f["result_type"], f["failed"]) for f in
    d["failure_types"]]) for d in j["receiving_mx"][:2]]')" \
    "[('mx1.clinic.example', 302, [('certificate-expired', 300), ('tlsa-invalid', 2)]), ('mx2.backup.clinic.example', 200, [('starttls-not-supported', 200)])]"
is "tls: failure types" "$(jget $T/t.json '[(d["result_type"], d["failed"],
    d["details"]) for d in j["failure_types"]]')" \
    "[('certificate-expired', 300, 1), ('starttls-not-supported', 200, 1), ('validation-failure', 5, 2), ('sts-policy-fetch-error', 2, 2), ('tlsa-invalid', 2, 1), ('quantum-handshake-failure', 1, 1)]"
is "tls: trend per day" "$(jget $T/t.json '[(d["day"], d["successful"],
    d["failed"]) for d in j["days"]]')" \
    "[('2024-06-01', 10, 6), ('2025-01-01', 0, 0), ('2025-11-03', 9540, 502), ('2031-01-01', 6, 1)]"
"$DW" --db "$TDB" tls --domain clinic.example --since 2025-11-01 \
    --until 2025-11-30 --json > $T/t.json
is "tls --domain --since --until" "$(jget $T/t.json 'j["reports"],
    j["successful"], j["failed"], [d["policy_type"] for d in
    j["policy_types"]]')" "1 9540 502 ['sts', 'tlsa']"
"$DW" --db "$TDB" tls --since 2026-01-01 --until 2026-02-01 --json > $T/t.json
is "tls: no report in range" "$(jget $T/t.json 'j["reports"],
    j["success_pct"], j["days"]')" "0 None []"
"$DW" --db "$TDB" tls > $T/out 2>&1
is "tls text: exit status" "$?" 0
contains "tls text: totals line" $T/out \
    "SMTP TLS reports: 5, sessions 10065 (successful 9556, failed 509), success 94.9%"
contains "tls text: a domain row" $T/out "clinic.example"
contains "tls text: MX failures line" $T/out \
    "mx1.clinic.example: certificate-expired 300 tlsa-invalid 2"
contains "tls text: MX with no name" $T/out \
    "(none given): sts-policy-fetch-error 2"
"$DW" --db "$TDB" tls --domain nowhere.example > $T/out 2>&1
contains "tls text: nothing matches" $T/out "no SMTP TLS reports match"
fails "tls --since bad date" 2 "$DW" --db "$TDB" tls --since 2025-13-01
fails "tls on a missing store" 2 "$DW" --db $T/none.db tls
fails "tls with an argument" 2 "$DW" --db "$TDB" tls extra
ok "tls --help" "$DW" tls --help
ok "tls has a man page" test -s "$DW_TOP/docs/man/dmarcward-tls.1.md"
# the MX name is attacker text: no terminal escapes reach the screen
printf '{%s"esc","policies":[{%s,"summary":{"total-successful-session-count":0},"failure-details":[{"result-type":"x\\u001b[31m","receiving-mx-hostname":"\\u001b]0;pwn\\u0007"}]}]}' \
    "$H" "$P" > $T/esc.json
"$DW" --db "$TDB" ingest $T/esc.json > /dev/null 2>&1
"$DW" --db "$TDB" tls > $T/out 2>&1
! grep -q "$(printf '\033')" $T/out
_report $? "tls text: control characters from reports sanitized"

# --- the shared TLS corpus ----------------------------------------------------
C=$DW_SHARED/conformance/tlsrpt/reports
P8=$DW_SHARED/corpus/parsedmarc/smtp_tls
if [ ! -d "$C" ] || [ ! -d "$P8" ]; then
	skip "shared TLS corpus" "$C not present"
	done_testing
	exit 0
fi
SDB=$T/shared.db
"$DW" --db "$SDB" ingest --json "$C" "$P8" > $T/s.json 2> $T/err
is "shared corpus: exit status 1 (license files rejected)" "$?" 1
is "shared corpus: 13 TLS reports new, 4 duplicates of the RFC example and rpt02" \
    "$(jget $T/s.json 'j["tls_reports_new"], j["tls_reports_duplicate"]')" "13 4"
is "shared corpus: only the 4 license files rejected" \
    "$(jget $T/s.json 'sorted(r["input"].rsplit("/", 1)[1] for r in
    j["rejections"])')" \
    "['LICENSE', 'LICENSE-Apache-2.0', 'LICENSE-MIT', 'LICENSE.MIT']"
contains "shared corpus: license text rejected naming both tries" $T/err \
    "neither XML, for a DMARC aggregate report, nor JSON, for an SMTP TLS report"
"$DW" --db "$SDB" tls --json > $T/t.json
is "shared corpus: sessions" "$(jget $T/t.json 'j["reports"],
    j["successful"], j["failed"]')" "13 5411 311"
is "shared corpus: company-y.example (RFC 8460 appendix B)" \
    "$(jget $T/t.json '[(d["successful"], d["failed"]) for d in j["domains"]
    if d["domain"] == "company-y.example"]')" "[(5326, 303)]"
is "shared corpus: policy types" "$(jget $T/t.json '[(d["policy_type"],
    d["reports"]) for d in j["policy_types"]]')" \
    "[('invalid-policy-type', 1), ('no-policy-found', 3), ('sts', 10), ('tlsa', 1)]"
is "shared corpus: failure types" "$(jget $T/t.json '[(d["result_type"],
    d["failed"]) for d in j["failure_types"]]')" \
    "[('starttls-not-supported', 200), ('certificate-expired', 100), ('validation-failure', 6), ('sts-policy-fetch-error', 5), ('certificate-host-mismatch', 1)]"
is "shared corpus: Microsoft's zone-less date-times noted" \
    "$(sqlite3 "$SDB" "select count(*) from tls_reports where notes like
    '%no time zone%'")" 1
is "shared corpus: mail.ru's counts that do not add up noted" \
    "$(sqlite3 "$SDB" "select count(*) from tls_reports where org_name =
    'Mail.ru' and notes like '%add up to 2 sessions%'")" 1
done_testing
