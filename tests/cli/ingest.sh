# ingest.sh: dmarcward ingest, parse, report and export end to end, on the
# example reports and on inputs written here.
. tests/lib/tap.sh
DB=$T/store.db
q() { sqlite3 "$DB" "$1"; }

mkxml() {	# mkxml ORG ID DOMAIN IP COUNT
	cat <<EOX
<?xml version="1.0"?>
<feedback>
  <report_metadata><org_name>$1</org_name><email>d@$1</email>
    <report_id>$2</report_id>
    <date_range><begin>1700000000</begin><end>1700086399</end></date_range>
  </report_metadata>
  <policy_published><domain>$3</domain><p>none</p></policy_published>
  <record><row><source_ip>$4</source_ip><count>$5</count>
    <policy_evaluated><disposition>none</disposition><dkim>pass</dkim>
    <spf>fail</spf></policy_evaluated></row>
    <identifiers><header_from>$3</header_from></identifiers>
    <auth_results><dkim><domain>$3</domain><selector>s1</selector>
    <result>pass</result></dkim><spf><domain>$3</domain>
    <result>fail</result></spf></auth_results></record>
</feedback>
EOX
}

# --- the example reports -------------------------------------------------
"$DW" --db "$DB" ingest examples > $T/out 2> $T/err
is "examples ingest exit status" "$?" 0
contains "summary counts every example report as new" $T/out \
    "reports:  49 new, 0 duplicate, 0 rejected"
is "49 reports stored" "$(q 'select count(*) from reports')" 49
is "raw bytes kept for each input" \
    "$(q 'select count(*) from raw_inputs')" 49
is "sqlite store is in WAL mode" "$(q 'pragma journal_mode')" wal
"$DW" --db "$DB" ingest examples > $T/out 2>&1
is "second ingest exit status" "$?" 0
contains "second ingest: inputs already stored" $T/out \
    "49 already stored"
contains "second ingest: nothing new" $T/out "reports:  0 new"
is "still 49 reports" "$(q 'select count(*) from reports')" 49

# the same report in a new wrapper is a duplicate report, not a new one
f=$(ls examples/*.xml | head -n 1)
gzip -c "$f" > $T/again.xml.gz
"$DW" --db "$DB" ingest $T/again.xml.gz > $T/out 2>&1
contains "recompressed report is a duplicate" $T/out \
    "reports:  0 new, 1 duplicate, 0 rejected"

# --- mixed good and bad inputs ---------------------------------------------
mkdir $T/mix
mkxml org.example r-good example.org 192.0.2.1 7 > $T/mix/a.xml
printf 'this is not a report\n' > $T/mix/b.txt
mkxml org.example r-trunc example.org 192.0.2.2 3 | head -c 300 \
    > $T/mix/c.xml
mkxml org.example r-next example.org 2001:DB8::1 5 > $T/mix/d.xml
n0=$(q 'select count(*) from records')
"$DW" --db "$DB" ingest $T/mix > $T/out 2> $T/err
is "rejections give exit status 1" "$?" 1
contains "not-a-report names the file" $T/err "b.txt"
contains "truncated XML names the file" $T/err "c.xml"
contains "good reports stored around bad ones" $T/out \
    "reports:  2 new, 0 duplicate, 2 rejected"
is "truncated report left no records" \
    "$(q "select count(*) from reports where report_id = 'r-trunc'")" 0
is "records of the two good reports" \
    "$(q 'select count(*) from records')" $((n0 + 2))
is "IPv6 source stored canonical" "$(q "select source_ip from records \
    join reports on reports.id = records.report_id where \
    reports.report_id = 'r-next'")" "2001:db8::1"

# --- containers ------------------------------------------------------------
mkxml org.example r-gzgz example.org 192.0.2.3 1 | gzip | gzip \
    > $T/gzgz.xml.gz.gz
mkxml org.example r-zip example.org 192.0.2.4 1 > $T/member.xml
(cd $T && zip -q z.zip member.xml)
"$DW" --db "$DB" ingest $T/gzgz.xml.gz.gz $T/z.zip > $T/out 2>&1
contains "gzip in gzip and zip" $T/out "reports:  2 new"

# mbox with two messages, one base64 gzip, one quoted-printable XML
{
	echo "From dmarc@receiver.example Mon Nov 17 06:00:00 2025"
	echo "From: dmarc@receiver.example"
	echo "Subject: Report Domain: example.org"
	echo "MIME-Version: 1.0"
	echo 'Content-Type: multipart/mixed; boundary="b1"'
	echo
	echo "--b1"
	echo "Content-Type: text/plain"
	echo
	echo "report attached"
	echo "--b1"
	echo "Content-Type: application/gzip"
	echo "Content-Transfer-Encoding: base64"
	echo
	mkxml org.example r-mbox1 example.org 192.0.2.5 2 | gzip | base64
	echo "--b1--"
	echo
	echo "From dmarc@receiver.example Mon Nov 17 07:00:00 2025"
	echo "From: dmarc@receiver.example"
	echo "MIME-Version: 1.0"
	echo "Content-Type: text/xml"
	echo "Content-Transfer-Encoding: quoted-printable"
	echo
	mkxml org.example r-mbox2 example.org 192.0.2.6 2 |
	    sed 's/=/=3D/g'
} > $T/box.mbox
"$DW" --db "$DB" ingest $T/box.mbox > $T/out 2>&1
is "mbox ingest exit status" "$?" 0
contains "two reports from two mbox messages" $T/out "reports:  2 new"
contains "mbox counts messages as inputs" $T/out "inputs:   2"

# Maildir: cur/ and new/ read, tmp/ skipped
mkdir -p $T/md/cur $T/md/new $T/md/tmp
for d in cur new tmp; do
	{
		echo "From: dmarc@receiver.example"
		echo "Content-Type: application/xml"
		echo
		mkxml org.example r-md-$d example.org 192.0.2.7 1
	} > $T/md/$d/1700000000.M1P1.host:2,
done
echo "junk" > $T/md/dovecot-uidlist
"$DW" --db "$DB" ingest $T/md > $T/out 2>&1
is "Maildir ingest exit status" "$?" 0
contains "Maildir cur and new read, tmp skipped" $T/out "reports:  2 new"

# --- caps --------------------------------------------------------------
head -c 3000000 /dev/zero | gzip > $T/bomb.xml.gz
"$DW" --db "$DB" ingest --max-size 1 $T/bomb.xml.gz > $T/out 2> $T/err
is "decompression cap gives exit status 1" "$?" 1
contains "cap named in the rejection" $T/err "bomb.xml.gz"

# --- JSON summary and parse ---------------------------------------------
"$DW" --db "$DB" ingest --json $T/mix/b.txt > $T/out.json 2>/dev/null
ok "ingest --json is JSON" python3 -m json.tool $T/out.json
contains "ingest --json lists the rejection" $T/out.json 'b.txt"'
n0=$(q 'select count(*) from reports')
DMARCWARD_DB=$DB "$DW" parse $T/mix/a.xml examples/*.eml > $T/out 2>&1
is "parse exit status" "$?" 0
is "parse stores nothing" "$(q 'select count(*) from reports')" "$n0"
contains "parse names reporter and domain" $T/out "Yahoo report"
"$DW" parse --json "$f" > $T/out 2>&1
ok "parse --json lines are JSON" sh -c \
    "while read -r l; do printf '%s' \"\$l\" | python3 -m json.tool \
    >/dev/null || exit 1; done < $T/out"

# --- report and export ---------------------------------------------------
"$DW" --db "$DB" report > $T/out 2>&1
is "report exit status" "$?" 0
contains "report shows the example domain" $T/out "examplehealth.org"
"$DW" --db "$DB" report --json --domain examplehealth.org > $T/out 2>&1
ok "report --json is JSON" python3 -m json.tool $T/out
"$DW" --db "$DB" export --format csv > $T/out.csv 2>&1
is "export exit status" "$?" 0
contains "CSV header uses parsedmarc's names" $T/out.csv \
    "source_ip_address"
"$DW" --db "$DB" export --format json > $T/out.jsonl 2>&1
ok "export json lines parse" python3 -c "
import json,sys
for l in open('$T/out.jsonl'): json.loads(l)"
fails "report on a missing store" 2 "$DW" --db $T/none.db report

# --- help and man pages -------------------------------------------------
for c in ingest parse report export; do
	ok "$c --help" "$DW" $c --help
	ok "$c has a man page" test -s "$DW_TOP/docs/man/dmarcward-$c.1.md"
done
fails "unknown command" 2 "$DW" frobnicate
# --- --store-only: stored now, looked up and rolled up later -----------
SDB=$T/storeonly.db FDB=$T/full.db
"$DW" --db "$FDB" ingest --offline examples > /dev/null 2>&1
"$DW" --db "$SDB" ingest --store-only examples > $T/so.out 2>&1
is "ingest --store-only exit status" "$?" 0
is "--store-only stores every example report" \
    "$(sqlite3 "$SDB" 'SELECT count(*) FROM reports')" \
    "$(sqlite3 "$FDB" 'SELECT count(*) FROM reports')"
is "--store-only leaves the rollups alone" \
    "$(sqlite3 "$SDB" 'SELECT count(*) FROM rollup_day')" 0
is "--store-only looks nothing up" \
    "$(sqlite3 "$SDB" 'SELECT count(*) FROM ip_info')" 0
"$DW" --db "$SDB" report > /dev/null 2>&1
is "report brings the rollups up to date" \
    "$(sqlite3 "$SDB" 'SELECT sum(messages) FROM rollup_day')" \
    "$(sqlite3 "$FDB" 'SELECT sum(messages) FROM rollup_day')"
# --- plain XML at the whole-read size (128 KiB) and one byte over -------
# At most 128 KiB is read once and hashed by the store thread; larger
# is streamed.  Both must store the same way and hash the same bytes.
mkbig() {	# mkbig ID RECORDS SIZE: a report padded to SIZE bytes
	{
		echo '<?xml version="1.0"?>'
		echo "<feedback><report_metadata><org_name>big.example</org_name>"
		echo "<email>d@big.example</email><report_id>$1</report_id>"
		echo "<date_range><begin>1700000000</begin><end>1700086399</end>"
		echo "</date_range></report_metadata><policy_published>"
		echo "<domain>example.net</domain><p>none</p></policy_published>"
		i=0
		while [ $i -lt "$2" ]; do
			i=$((i + 1))
			echo "<record><row><source_ip>198.51.100.$((i % 250))</source_ip>"
			echo "<count>$i</count><policy_evaluated><disposition>none"
			echo "</disposition><dkim>pass</dkim><spf>pass</spf>"
			echo "</policy_evaluated></row><identifiers><header_from>"
			echo "example.net</header_from></identifiers><auth_results>"
			echo "<dkim><domain>example.net</domain><result>pass</result>"
			echo "</dkim><spf><domain>example.net</domain><result>pass"
			echo "</result></spf></auth_results></record>"
		done
		printf '</feedback>'
	} > $T/big.tmp
	n=$(wc -c < $T/big.tmp)
	cat $T/big.tmp
	head -c $(($3 - n)) /dev/zero | tr '\0' ' '
}
mkdir $T/edge
mkbig r-edge-in 250 131072 > $T/edge/in.xml
mkbig r-edge-over 250 131073 > $T/edge/over.xml
is "whole-read report is 128 KiB" "$(wc -c < $T/edge/in.xml)" 131072
is "streamed report is one byte more" "$(wc -c < $T/edge/over.xml)" 131073
EDB=$T/edge.db
"$DW" --db "$EDB" ingest --store-only $T/edge > $T/out 2>&1
is "reports at and over 128 KiB exit status" "$?" 0
contains "both are new" $T/out "reports:  2 new, 0 duplicate, 0 rejected"
contains "all their records" $T/out "records:  500 "
for f in in over; do
	is "$f.xml: the hash kept is of the file's bytes" \
	    "$(sqlite3 "$EDB" "SELECT lower(hex(sha256)) FROM raw_inputs \
	    WHERE name LIKE '%/$f.xml'")" \
	    "$(sha256sum $T/edge/$f.xml | cut -d' ' -f1)"
done
is "raw bytes compressed with zstd" \
    "$(sqlite3 "$EDB" "SELECT group_concat(DISTINCT encoding) \
    FROM raw_inputs")" zstd
"$DW" --db "$EDB" ingest --store-only $T/edge > $T/out 2>&1
contains "again: both inputs already stored" $T/out "2 already stored"
contains "again: nothing new" $T/out "reports:  0 new, 0 duplicate"
# the same report with other bytes: a duplicate report, not a new one
sed 's/<feedback>/<feedback> /' $T/edge/in.xml > $T/edge2.xml
"$DW" --db "$EDB" ingest --store-only $T/edge2.xml > $T/out 2>&1
contains "same report, other bytes: duplicate" $T/out \
    "reports:  0 new, 1 duplicate, 0 rejected"
done_testing
