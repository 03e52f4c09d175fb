# sources.sh: ingest with enrichment from zone data, then sources list /
# show / approve / revoke / note, readiness with risk tiers and a DMARC
# record from DNS, report from the rollups, one fixture per kind of
# failing stream, a changed PTR recomputing days, and the bad input of
# ADVERSARIAL.md section C (unmonitored domains, absurd counts, forged
# reporters).  Hermetic: every lookup is answered from tests/dns/.
. tests/lib/tap.sh
DB=$T/store.db
Z=tests/dns/sources-examples.yml
dw() { "$DW" --db "$DB" --zone "$Z" "$@"; }
jq_() {	# jq_ FILE PYTHON-EXPRESSION-ON-d (a tuple prints space-separated)
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(" ".join(str(x) for x in v) if isinstance(v, tuple) else v)' \
	    "$1" "$2" 2>&1
}
svc() {	# svc FILE DOMAIN KEY EXPR: EXPR on s, one service of sources list
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
s = [s for x in d["domains"] if x["domain"] == sys.argv[2]
     for s in x["services"] if s["key"] == sys.argv[3]][0]
v = eval(sys.argv[4])
print(" ".join(str(x) for x in v) if isinstance(v, tuple) else v)' \
	    "$1" "$2" "$3" "$4" 2>&1
}

# --- ingest, enrichment, rollups ------------------------------------------
dw ingest examples > $T/out 2>&1
is "ingest with lookups: exit status" "$?" 0
contains "ingest looked the addresses up" $T/out \
    "addresses:    11 looked up: 9 with a PTR name (8 forward-confirmed)"
contains "a timeout is a failure for now" $T/out "1 failed for now"
contains "ingest refreshed the rollups" $T/out "rollups:      314 records"
dw sources list --json > $T/l.json 2>&1
ok "sources list --json is JSON" python3 -m json.tool $T/l.json
is "Microsoft 365 named (SPF and PTR)" "$(svc $T/l.json examplehealth.org \
    microsoft365 "s['name'], s['status'], s['named_by']")" \
    "Microsoft 365 (Exchange Online) unapproved {'dkim': 0, 'spf': 15600, 'ptr': 15600}"
is "Mailchimp named by its PTR name" "$(svc $T/l.json examplehealth.org \
    mailchimp "s['messages']")" 769
is "own servers recognized" "$(svc $T/l.json examplehealth.org \
    ptr:examplehealth.org "s['name']")" "own servers (examplehealth.org)"
is "a forged PTR name is not trusted: spoofing stays unknown" \
    "$(svc $T/l.json examplehealth.org unknown "s['failing']['spoofing']")" \
    806
is "a vendor authenticating as itself is unapproved, not spoofing" \
    "$(svc $T/l.json examplehealth.org ptr:billingvendor.example \
    "s['failing']")" \
    "{'forwarding': 0, 'misconfigured': 0, 'unapproved': 912, 'spoofing': 0}"
dw sources list > $T/out 2>&1
contains "unknown senders stand out" $T/out "UNKNOWN     unknown"
contains "unapproved ones too" $T/out "UNAPPROVED  mailchimp"
contains "without --config, the output says every domain is shown" \
    $T/out "note: no --config names the monitored domains"

# --- the inventory ----------------------------------------------------------
dw sources approve ptr:billingvendor.example --owner "Revenue cycle" \
    --purpose "patient statements" --ephi yes --baa not-signed > $T/out 2>&1
is "approve: exit status" "$?" 0
contains "approve flags ePHI without a signed BAA" $T/out \
    "carries ePHI without a signed BAA"
dw sources list --json > $T/l.json 2>&1
is "approved service failing: misconfigured" "$(svc $T/l.json \
    examplehealth.org ptr:billingvendor.example \
    "s['status'], s['failing']['misconfigured'], s['ephi_without_signed_baa']")" \
    "approved 912 True"
is "the fix says what to change" "$(svc $T/l.json examplehealth.org \
    ptr:billingvendor.example "s['fix'][0][:40]")" \
    "SPF passes for the service's own bounce "
dw sources approve microsoft365 --ephi yes --baa signed \
    --baa-date 2024-01-15 --owner IT > /dev/null 2>&1
dw sources note ptr:billingvendor.example -- BAA requested from vendor \
    > /dev/null 2>&1
is "note: exit status" "$?" 0
dw sources show ptr:billingvendor.example --json > $T/s.json 2>&1
is "show: history of approve and note" "$(jq_ $T/s.json \
    "[h['action'] for h in d['history']]")" "['approve', 'note']"
is "show: the address with its confirmed PTR" "$(jq_ $T/s.json \
    "d['domains'][0]['addresses'][0]['ptr'], \
d['domains'][0]['addresses'][0]['ptr_confirmed']")" \
    "mta7.billingvendor.example True"
dw sources revoke ptr:billingvendor.example > /dev/null 2>&1
dw sources list --json > $T/l.json 2>&1
is "revoke: back to unknown, fields kept" "$(svc $T/l.json \
    examplehealth.org ptr:billingvendor.example "s['status'], \
s['inventory']['owner']")" "unknown Revenue cycle"
dw sources approve ptr:billingvendor.example > /dev/null 2>&1
fails "approve an unknown key" 2 dw sources approve ptr:nothing.example
dw sources approve ptr:nothing.example > $T/out 2>&1
contains "the refusal says why" $T/out "no service \"ptr:nothing.example\""
ok "--force records it anyway" dw sources approve ptr:nothing.example \
    --force
fails "approve: a bad BAA value" 2 dw sources approve microsoft365 \
    --baa maybe
fails "revoke takes no fields" 2 dw sources revoke microsoft365 --owner x
fails "note needs text" 2 dw sources note microsoft365
fails "unknown subcommand" 2 dw sources frob

# --- readiness ---------------------------------------------------------------
cat > $T/conf.ini <<'EOF'
[tier:patient-portal]
policy = reject
[tier:standard]
policy = reject
[domain:examplehealth.org]
tier = standard
[domain:portal.examplehealth.org]
tier = patient-portal
EOF
C="--config $T/conf.ini"
"$DW" --db "$DB" $C readiness examplehealth.org > $T/out 2>&1
is "readiness: blocked is exit status 1" "$?" 1
contains "readiness names the blocker" $T/out \
    "unknown sender (billingvendor.example) (ptr:billingvendor.example)"
contains "readiness suggests t=y while blocked" $T/out \
    "p=quarantine -> p=reject; t=y"
contains "a tier short of its policy" $T/out "standard         requires reject      has quarantine SHORT"
"$DW" --db "$DB" $C readiness examplehealth.org --json > $T/r.json 2>&1
is "readiness --json: next step and impact" "$(jq_ $T/r.json \
    "d['next'], d['ready'], d['impact']['messages'], \
[s['key'] for s in d['impact']['services']]")" \
    "{'p': 'reject', 't': True} False 1718 ['ptr:billingvendor.example', 'unknown']"
is "readiness --json: tiers" "$(jq_ $T/r.json \
    "[(t['domain'], t['short']) for t in d['tiers']]")" \
    "[('examplehealth.org', True), ('portal.examplehealth.org', False)]"
# the policy from DNS beats the reports'
cat $Z > $T/zone.yml
cat >> $T/zone.yml <<'EOF'
  _dmarc.examplehealth.org:
    - TXT: "v=DMARC1; p=none; rua=mailto:d@examplehealth.org"
EOF
"$DW" --db "$DB" --zone $T/zone.yml readiness examplehealth.org --json \
    > $T/r.json 2>&1
is "readiness: policy from DNS" "$(jq_ $T/r.json \
    "d['policy']['dns'], d['policy']['current'], d['next']")" \
    "{'p': 'none', 't': False} {'p': 'none', 't': False} {'p': 'quarantine', 't': True}"
dw sources approve ptr:billingvendor.example > /dev/null 2>&1
"$DW" --db "$DB" readiness portal.examplehealth.org > $T/out 2>&1
is "portal at p=reject: nothing further, exit 0" "$?" 0
contains "portal: end of the way" $T/out "none: p=reject is the end"

# --- report ---------------------------------------------------------------
dw report --json --daily --from --reporters > $T/p.json 2>&1
ok "report --json is JSON" python3 -m json.tool $T/p.json
is "report: recomputed DMARC pass beside the receivers'" "$(jq_ $T/p.json \
    "[(x['domain'], round(x['dmarc_pass_pct'], 1), \
round(x['reported_dmarc_pass_pct'], 1)) for x in d['domains']]")" \
    "[('examplehealth.org', 91.3, 91.3), ('portal.examplehealth.org', 58.5, 58.5)]"
is "report: top source is a service" "$(jq_ $T/p.json \
    "d['domains'][0]['top_sources'][0]['key']")" microsoft365
is "report: 7 days, 4 reporters" "$(jq_ $T/p.json \
    "len(d['domains'][0]['days']), len(d['domains'][0]['reporters'])")" \
    "7 4"

# --- a changed PTR recomputes the days it counts on ---------------------------
cat $Z > $T/zone2.yml
cat >> $T/zone2.yml <<'EOF'
  251.2.0.192.in-addr.arpa:
    - PTR: o7.ptr42.sendgrid.net
  o7.ptr42.sendgrid.net:
    - A: 192.0.2.251
EOF
"$DW" --db "$DB" --zone $T/zone2.yml enrich --all > $T/out 2>&1
contains "enrich --all: days recomputed" $T/out "day ranges recomputed"
dw sources list --json > $T/l.json 2>&1
is "the address moved to SendGrid" "$(svc $T/l.json examplehealth.org \
    sendgrid "s['messages'], s['named_by']['ptr']")" "218 218"

# --- GeoIP: AS number and country, and the unnamed grouped by AS ----------
python3 tests/lib/mkmmdb.py $T/geo.mmdb 192.0.2.0/24:64500:Example-Hosting:US \
    203.0.113.0/25:64501:Lists-Inc:DE
"$DW" --db "$DB" --zone $T/zone2.yml enrich --all --geoip $T/geo.mmdb \
    > $T/out 2>&1
is "enrich --geoip: exit status" "$?" 0
dw sources list --json > $T/l.json 2>&1
is "addresses without a PTR name grouped by AS number" "$(svc $T/l.json \
    examplehealth.org asn:64500 "s['name'], s['messages']")" \
    "unknown sender (AS64500) 343"
dw sources show ptr:billingvendor.example --json > $T/s.json 2>&1
is "show: AS and country of an address" "$(jq_ $T/s.json \
    "d['domains'][0]['addresses'][0]['asn'], \
d['domains'][0]['addresses'][0]['as_org'], \
d['domains'][0]['addresses'][0]['country']")" "64500 Example-Hosting US"
fails "enrich: a file that is no GeoIP database" 2 "$DW" --db "$DB" \
    --zone "$Z" enrich --geoip $Z

# --- one fixture per kind of failing stream ----------------------------------
mk() {	# mk ORG ID DOMAIN IP COUNT AUTH-XML [REASON]
	cat <<EOX
<?xml version="1.0"?>
<feedback><report_metadata><org_name>$1</org_name>
<email>dmarc@$1</email><report_id>$2</report_id>
<date_range><begin>1763078400</begin><end>1763164799</end></date_range>
</report_metadata><policy_published><domain>$3</domain><p>none</p>
</policy_published><record><row><source_ip>$4</source_ip>
<count>$5</count><policy_evaluated><disposition>none</disposition>
<dkim>fail</dkim><spf>fail</spf>${7:+<reason><type>$7</type></reason>}
</policy_evaluated></row><identifiers><header_from>$3</header_from>
</identifiers><auth_results>$6</auth_results></record></feedback>
EOX
}
D2=$T/fix.db
mkdir $T/fix
mk r.example f1 clinic.example 198.51.100.11 10 \
    "<dkim><domain>clinic.example</domain><result>fail</result></dkim><spf><domain>clinic.example</domain><result>fail</result></spf>" \
    > $T/fix/misconfigured.xml
mk r.example f2 clinic.example 203.0.113.150 7 \
    "<spf><domain>clinic.example</domain><result>fail</result></spf>" \
    forwarded > $T/fix/forwarded.xml
mk r.example f3 clinic.example 203.0.113.150 5 \
    "<dkim><domain>lists.university.example</domain><result>pass</result></dkim><spf><domain>clinic.example</domain><result>fail</result></spf>" \
    > $T/fix/list.xml
mk r.example f4 clinic.example 192.0.2.251 3 \
    "<spf><domain>clinic.example</domain><result>fail</result></spf>" \
    > $T/fix/spoof.xml
mk r.example f5 clinic.example 198.51.100.200 4 \
    "<dkim><domain>mcsv.net</domain><result>pass</result></dkim>" \
    > $T/fix/unapproved.xml
"$DW" --db $D2 --zone $Z ingest $T/fix > /dev/null 2>&1
"$DW" --db $D2 sources approve microsoft365 > /dev/null 2>&1
"$DW" --db $D2 sources list --json > $T/f.json 2>&1
is "fixture: approved Microsoft 365 failing is misconfigured" \
    "$(svc $T/f.json clinic.example microsoft365 "s['failing']")" \
    "{'forwarding': 0, 'misconfigured': 10, 'unapproved': 0, 'spoofing': 0}"
is "fixture: forwarded and mailing list are forwarding" \
    "$(svc $T/f.json clinic.example ptr:university.example "s['failing']")" \
    "{'forwarding': 12, 'misconfigured': 0, 'unapproved': 0, 'spoofing': 0}"
is "fixture: unknown, nothing passes: spoofing" \
    "$(svc $T/f.json clinic.example unknown "s['failing']")" \
    "{'forwarding': 0, 'misconfigured': 0, 'unapproved': 0, 'spoofing': 3}"
is "fixture: a known service nobody approved" \
    "$(svc $T/f.json clinic.example mailchimp "s['failing'], s['named_by']")" \
    "{'forwarding': 0, 'misconfigured': 0, 'unapproved': 4, 'spoofing': 0} {'dkim': 4, 'spf': 4, 'ptr': 4}"
is "fixture: Microsoft 365's fix names its include and selectors" \
    "$(svc $T/f.json clinic.example microsoft365 "s['fix']")" \
    "['SPF fails: add include:spf.protection.outlook.com to the SPF record of the MAIL FROM domain', 'DKIM does not sign as clinic.example: publish its selector(s) selector1, selector2 under _domainkey.clinic.example and turn on signing', 'either fix is enough for DMARC; both keep mail passing when one breaks']"

# --- ADVERSARIAL.md C ----------------------------------------------------------
mkdir $T/bad
mk attacker.example c2 evil.example 192.0.2.66 5000 \
    "<dkim><domain>evil.example</domain><result>pass</result></dkim>" \
    > $T/bad/unmonitored.xml
mk attacker.example c4 examplehealth.org 192.0.2.67 4000000000 \
    "<dkim><domain>examplehealth.org</domain><result>pass</result></dkim><spf><domain>examplehealth.org</domain><result>pass</result></spf>" \
    > $T/bad/absurd.xml
mk google.com c1 examplehealth.org 192.0.2.68 3 \
    "<spf><domain>examplehealth.org</domain><result>fail</result></spf>" \
    | sed 's|<p>none</p>|<p>reject</p>|' > $T/bad/forged.xml
dw report --json > $T/before.json 2>&1
dw ingest $T/bad > $T/out 2>&1
contains "the absurd count is set aside" $T/out \
    "1 records set aside as implausible"
"$DW" --db "$DB" $C report > $T/out 2>&1
contains "--config: an unmonitored domain is hidden and counted" $T/out \
    "note: 1 policy domains in the reports are not monitored"
if grep -q "evil.example" $T/out; then r=1; else r=0; fi
_report $r "--config: evil.example is not in the report"
"$DW" --db "$DB" $C report --all-domains > $T/out 2>&1
contains "--all-domains shows it" $T/out "evil.example"
"$DW" --db "$DB" $C report --json --reporters > $T/after.json 2>&1
is "absurd count: the domain's messages grow by the forged 3 only" \
    "$(jq_ $T/after.json "[x['messages'] for x in d['domains'] if \
x['domain'] == 'examplehealth.org'][0] - [x['messages'] for x in \
json.load(open('$T/before.json'))['domains'] if x['domain'] == \
'examplehealth.org'][0]")" 3
is "absurd count: attributed to its reporter as suspect" "$(jq_ \
    $T/after.json "[r['suspect_messages'] for x in d['domains'] for r in \
x['reporters'] if r['org_name'] == 'attacker.example'][0]")" 4000000000
"$DW" --db "$DB" $C readiness examplehealth.org > $T/out 2>&1
contains "a forged reporter's policy is outvoted and pointed out" $T/out \
    "p=quarantine in 28 of 30 reports (the others disagree"

# --- help and usage -------------------------------------------------------
for c in enrich sources readiness; do
	ok "$c --help" "$DW" $c --help
done
fails "readiness needs a domain" 2 "$DW" --db "$DB" readiness
fails "readiness on a missing store" 2 "$DW" --db $T/none.db readiness x.example
fails "enrich: a missing GeoIP file" 2 "$DW" --db "$DB" --zone "$Z" enrich \
    --geoip $T/none.mmdb
fails "a bad --config" 2 "$DW" --db "$DB" --config $Z report

done_testing
