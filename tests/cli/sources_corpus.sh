# sources_corpus.sh: the parsedmarc sample reports ingested with lookups
# answered from zone data (tests/dns/sources-corpus.yml): the senders get
# sensible names -- a service by its PTR name, a whole SPF include's
# networks at once, unknown senders by the base domain of their confirmed
# PTR name, nothing from an unconfirmed one.  Skipped when ../shared is
# not there.
. tests/lib/tap.sh
C=$DW_SHARED/corpus/parsedmarc/aggregate
if [ ! -d "$C" ]; then
	skip "parsedmarc corpus" "$C not present"
	done_testing
	exit 0
fi
DB=$T/c.db
dw() { "$DW" --db "$DB" --zone tests/dns/sources-corpus.yml "$@"; }
dw ingest "$C" > $T/out 2> $T/err
st=$?
[ $st -le 1 ]
_report $? "ingest of the corpus (status $st)"
contains "the rollups took every stored record" $T/out "rollups:"
contains "lookups ran" $T/out "forward-confirmed"
dw sources list --json > $T/l.json 2>&1
ok "sources list --json is JSON" python3 -m json.tool $T/l.json
name() {	# name DOMAIN KEY: the name and what named it
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
s = [s for x in d["domains"] if x["domain"] == sys.argv[2]
     for s in x["services"] if s["key"] == sys.argv[3]]
print(s[0]["name"], s[0]["named_by"]) if s else print("absent")' \
	    $T/l.json "$1" "$2" 2>&1
}
is "Microsoft 365 by its PTR name" "$(name ab.id.au microsoft365)" \
    "Microsoft 365 (Exchange Online) {'dkim': 0, 'spf': 0, 'ptr': 1}"
is "the big report's 2,000 addresses named by an SPF include" \
    "$(name example.com sendgrid)" \
    "Twilio SendGrid {'dkim': 0, 'spf': 2288, 'ptr': 0}"
is "an EC2 host: unknown, by its base domain" \
    "$(name example.com ptr:amazonaws.com)" \
    "unknown sender (amazonaws.com) {'dkim': 0, 'spf': 0, 'ptr': 0}"
is "a hosting provider's relay" "$(name twlnet.com ptr:kundenserver.de)" \
    "unknown sender (kundenserver.de) {'dkim': 0, 'spf': 0, 'ptr': 0}"
is "an unconfirmed PTR name is not used" \
    "$(name example.com ptr:isp.example)" "absent"
dw report --json > $T/r.json 2>&1
ok "report --json on the corpus is JSON" python3 -m json.tool $T/r.json
dw readiness example.com > $T/out 2>&1
[ $? -le 1 ]
_report $? "readiness on the corpus runs"
contains "readiness names the top failing sender" $T/out "Twilio SendGrid"
done_testing
