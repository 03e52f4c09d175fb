#!/bin/sh
# check.sh: dmarcward check and history on zone data (--zone) with
# --no-fetch (the MTA-STS policy fetch is in check_net.sh), no network:
# human and JSON output, the exit status by worst severity, many domains,
# the store and the history across two checks of different zones.
. tests/lib/tap.sh

F="$DW_TOP/tests/check"
DB="$T/store.db"

ok "check --help" "$DW" check --help
ok "history --help" "$DW" history --help
fails "check without a domain" 2 "$DW" --zone "$F/good.yml" check \
    --no-store
fails "check with a bad option" 2 "$DW" --zone "$F/good.yml" check \
    --no-store --bogus good.test
fails "a selector that is not a DNS name" 2 "$DW" --zone "$F/good.yml" \
    check --no-fetch --no-store --selector 'a b' good.test
fails "--rua that is not mailto" 2 "$DW" --zone "$F/good.yml" check \
    --no-store --rua https://x.test good.test
fails "--concurrency 0" 2 "$DW" --zone "$F/good.yml" check --no-fetch --no-store \
    --concurrency 0 good.test
fails "a missing --domains-file" 2 "$DW" --zone "$F/good.yml" check \
    --no-store --domains-file "$T/nope"

# ---- human output, exit status 0 --------------------------------------
"$DW" --zone "$F/good.yml" check --no-fetch --no-store good.test > "$T/o" 2>&1
is "a clean domain exits 0" "$?" 0
contains "grade A" "$T/o" "good.test: grade A (100/100), worst none"
contains "organizational domain and policy" "$T/o" \
    "organizational domain good.test; DMARC at _dmarc.good.test (p=reject)"
contains "DNSSEC status from the resolver" "$T/o" "DNSSEC secure"
contains "the DKIM key found" "$T/o" "selector1 (rsa 2048)"
[ ! -e "$DB" ] && [ ! -e "$T/dmarcward.db" ]
_report $? "--no-store writes no store"

# ---- exit status by the worst severity ---------------------------------
cat > "$T/sev.yml" <<'EOF'
zonedata:
  low.test:
    - MX: [10, mx.low.test]
    - TXT: "v=spf1 mx ~all"
  mx.low.test:
    - A: 192.0.2.1
  _dmarc.low.test:
    - TXT: "v=DMARC1; p=reject; rua=mailto:d@low.test"
  selector1._domainkey.low.test:
    - CNAME: selector1._domainkey.good.test
  _mta-sts.low.test:
    - TXT: "v=STSv1; id=1"
  _smtp._tls.low.test:
    - TXT: "v=TLSRPTv1; rua=mailto:t@low.test"
  medium.test:
    - TXT: "v=spf1 -all"
  _dmarc.medium.test:
    - TXT: "v=DMARC1; p=reject; rua=mailto:d@medium.test; foo=1; sp=none"
  high.test:
    - TXT: "v=spf1 -all"
  _dmarc.high.test:
    - TXT: "v=DMARC1; p=none; rua=mailto:d@high.test"
  critical.test:
    - TXT: "v=spf1 -all"
EOF
{ echo ---; cat "$F/good.yml"; } >> "$T/sev.yml"
for s in low:1 medium:3 high:4 critical:5; do
	d=${s%:*} want=${s#*:}
	"$DW" --zone "$T/sev.yml" check --no-fetch --no-store "$d.test" > "$T/o" 2>&1
	is "worst $d exits $want" "$?" "$want"
	contains "worst $d is said" "$T/o" "worst $d"
done
"$DW" --zone "$T/sev.yml" check --no-fetch --no-store good.test high.test low.test \
    > "$T/o" 2>&1
is "many domains: the worst of all decides (high: 4)" "$?" 4
"$DW" --zone "$T/sev.yml" check --no-fetch --no-store good.test bad..name \
    > "$T/o" 2>&1
is "a domain that cannot be checked exits 2" "$?" 2
contains "and says why" "$T/o" "bad..name: not checked: not a valid domain"
contains "the other domain is still checked" "$T/o" "good.test: grade A"

# ---- findings in human output ------------------------------------------
"$DW" --zone "$F/dmarc.yml" check --no-fetch --no-store pnone.dmarc.test > "$T/o" 2>&1
contains "finding id and title" "$T/o" \
    "high     dmarc.policy.none: DMARC policy is p=none (monitoring only)"
contains "what was found" "$T/o" \
    "found: v=DMARC1; p=none; rua=mailto:d@pnone.dmarc.test"
contains "the next record, as a zone line" "$T/o" \
    'fix:   publish _dmarc.pnone.dmarc.test. IN TXT "v=DMARC1; p=quarantine; rua=mailto:d@pnone.dmarc.test"'
contains "the HIPAA safeguard" "$T/o" \
    "HIPAA: 164.312(d) person or entity authentication"
"$DW" --zone "$F/policies.yml" check --no-fetch --no-store nosts.pol.test \
    > "$T/o" 2>&1
contains "the MTA-STS policy file to serve" "$T/o" "mx: mx.nosts.pol.test"
contains "transmission security" "$T/o" "HIPAA: 164.312(e)(1)"
"$DW" --zone "$F/policies.yml" check --no-fetch --no-store \
    --rua mailto:tls@reports.nosts.pol.test nosts.pol.test > "$T/o" 2>&1
contains "--rua goes into computed records" "$T/o" \
    '"v=TLSRPTv1; rua=mailto:tls@reports.nosts.pol.test"'

# ---- JSON --------------------------------------------------------------
"$DW" --zone "$F/dmarc.yml" check --no-fetch --no-store --json pnone.dmarc.test \
    quar.dmarc.test > "$T/j" 2>&1
is "JSON: one object per domain" "$(wc -l < "$T/j" | tr -d ' ')" 2
contains "JSON: the finding with its fix" "$T/j" \
    '"id":"dmarc.policy.none","severity":"high","hipaa":"164.312(d)"'
contains "JSON: the zone line" "$T/j" \
    '"zone":"_dmarc.pnone.dmarc.test. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:d@pnone.dmarc.test\""'
contains "JSON: grade and score" "$T/j" '"grade":"C","score":77'
contains "JSON: the records seen" "$T/j" \
    '{"kind":"dmarc","name":"_dmarc.quar.dmarc.test","value":"v=DMARC1; p=quarantine; rua=mailto:d@quar.dmarc.test"}'
head -1 "$T/j" | grep -q '"domain":"pnone.dmarc.test"' &&
    tail -1 "$T/j" | grep -q '"domain":"quar.dmarc.test"'
_report $? "JSON: in the order given"
if command -v jq > /dev/null 2>&1; then
	n=$(jq -s 'length' "$T/j" 2>/dev/null)
	is "JSON: every line parses" "$n" 2
else
	skip "JSON parses" "jq is not installed"
fi

# ---- many domains, --domains-file, concurrency -------------------------
{
	echo "# clinics"
	grep '^check:' "$F/dmarc.yml" | sed 's/^check: *//'
	echo ""
	echo "  quar.dmarc.test   # again"
} > "$T/list"
want=$(grep -c '^check:' "$F/dmarc.yml")
want=$((want + 1))
"$DW" --zone "$F/dmarc.yml" check --no-fetch --no-store --json --concurrency 3 \
    --domains-file "$T/list" > "$T/j" 2>&1
is "--domains-file: one result per domain" \
    "$(grep -c '"domain"' "$T/j")" "$want"
grep '"domain"' "$T/j" | sed 's/^{"domain":"\([^"]*\)".*/\1/' > "$T/got"
{ grep '^check:' "$F/dmarc.yml" | sed 's/^check: *//'; \
    echo quar.dmarc.test; } > "$T/want"
cmp -s "$T/got" "$T/want"
_report $? "--domains-file: results in the order given"
"$DW" --zone "$F/dmarc.yml" check --no-fetch --no-store --json --concurrency 1 \
    --domains-file "$T/list" > "$T/j1" 2>&1
sed 's/"checked_at":"[^"]*"//' "$T/j" > "$T/a"
sed 's/"checked_at":"[^"]*"//' "$T/j1" > "$T/b"
cmp -s "$T/a" "$T/b"
_report $? "the same results one at a time and three at a time"

# ---- a draft zone, the store, history across two checks ------------------
cat > "$T/v1.yml" <<'EOF'
zonedata:
  clinic.test:
    - MX: [10, mx.clinic.test]
    - TXT: "v=spf1 mx ~all"
  mx.clinic.test:
    - A: 192.0.2.10
  _dmarc.clinic.test:
    - TXT: "v=DMARC1; p=none; rua=mailto:d@clinic.test"
  selector1._domainkey.clinic.test:
    - CNAME: selector1._domainkey.good.test
  _mta-sts.clinic.test:
    - TXT: "v=STSv1; id=1"
EOF
{ echo ---; cat "$F/good.yml"; } >> "$T/v1.yml"
sed 's/p=none; rua/p=reject; rua/; s/mx ~all/mx -all/; s/id=1/id=2/' \
    "$T/v1.yml" > "$T/v2.yml"
"$DW" --db "$DB" --zone "$T/v1.yml" check --no-fetch clinic.test > "$T/o" 2>&1
is "first check stored (high: 4)" "$?" 4
grep -q "changed since the last check" "$T/o"
_report $((1 - $?)) "the first check lists no changes"
"$DW" --db "$DB" history clinic.test > "$T/h" 2>&1
contains "history after one check" "$T/h" "over 1 check"
contains "first values" "$T/h" "(not checked before)"
"$DW" --db "$DB" --zone "$T/v2.yml" check --no-fetch clinic.test > "$T/o" 2>&1
is "second check of the new draft (low: 1)" "$?" 1
contains "changes since the last check" "$T/o" \
    "dmarc _dmarc.clinic.test: v=DMARC1; p=none; rua=mailto:d@clinic.test -> v=DMARC1; p=reject; rua=mailto:d@clinic.test"
"$DW" --db "$DB" history clinic.test > "$T/h" 2>&1
is "history exits 0" "$?" 0
contains "the DMARC change is an event" "$T/h" \
    "dmarc _dmarc.clinic.test  [event dmarc.policy]"
contains "old value" "$T/h" "old: v=DMARC1; p=none; rua=mailto:d@clinic.test"
contains "new value" "$T/h" \
    "new: v=DMARC1; p=reject; rua=mailto:d@clinic.test"
contains "the SPF change is an event" "$T/h" \
    "spf clinic.test  [event spf.record]"
contains "the MTA-STS id change is an event" "$T/h" \
    "mta-sts _mta-sts.clinic.test  [event mtasts.id]"
contains "count of changes and checks" "$T/h" \
    "clinic.test: 8 changes over 2 checks"
"$DW" --db "$DB" history --json clinic.test > "$T/hj" 2>&1
contains "history JSON" "$T/hj" \
    '"kind":"spf","name":"clinic.test","old":"v=spf1 mx ~all","new":"v=spf1 mx -all","first":false,"event":"spf.record"'
is "history JSON: one line per change" "$(wc -l < "$T/hj" | tr -d ' ')" 8
"$DW" --db "$DB" --zone "$T/v2.yml" check --no-fetch --json clinic.test > "$T/j" 2>&1
contains "an unchanged third check has no changes" "$T/j" '"changes":[]'
"$DW" --db "$DB" history never.test > "$T/h" 2>&1
contains "history of a domain never checked" "$T/h" "never.test: never checked"
fails "history without a store" 2 "$DW" --db "$T/none.db" history x.test
fails "history of a bad name" 2 "$DW" --db "$DB" history 'a..b'
if command -v sqlite3 > /dev/null 2>&1; then
	n=$(sqlite3 "$DB" "SELECT count(*) FROM events")
	is "three events in the store" "$n" 3
else
	skip "events in the store" "sqlite3 is not installed"
fi

done_testing
