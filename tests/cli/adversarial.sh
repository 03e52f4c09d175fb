# adversarial.sh: every input of tests/adversarial/make-corpus (sections A
# and B of ADVERSARIAL.md) gets its specific error naming the input, with
# bounded memory, and leaves the store as it was; inputs that are odd but
# valid are stored.
. tests/lib/tap.sh
RSS_MAX_MB=150
cc -O2 -o $T/runstat bench/runstat.c || { echo "not ok 1 - runstat"; exit 1; }
python3 tests/adversarial/make-corpus $T/adv
# B8: a 200 MB message (sparse), refused at the intake before reading
printf 'From: a@adv.example\r\nContent-Type: text/xml\r\n\r\n' \
    > $T/adv/b08-200mb.eml
truncate -s 200M $T/adv/b08-200mb.eml
printf 'b08-200mb.eml\trejected\tlimit\tB8\n' >> $T/adv/MANIFEST

DB=$T/adv.db
"$DW" --db "$DB" ingest examples > /dev/null 2>&1
snap() {
	sqlite3 "$DB" "select count(*) from reports; select count(*) from
	    records; select count(*) from raw_inputs; pragma integrity_check"
}
case $DW_BUILD in
*asan*) rsscheck=false ;;	# shadow memory inflates RSS
*) rsscheck=true ;;
esac

while IFS='	' read -r name expect why item; do
	before=$(snap)
	(cd $T && ./runstat "$DW" --db "$DB" ingest "adv/$name") \
	    > $T/out 2> $T/err
	st=$?
	rss=$(sed -n 's/^runstat: .* s, \(.*\) MB$/\1/p' $T/err)
	after=$(snap)
	reason=$(grep -v '^runstat:' $T/err | head -n 3)
	case $expect in
	rejected)
		[ $st -eq 1 ] && grep -q "rejected adv/$name" $T/err &&
		    grep -qi -- "$why" $T/err && [ "$before" = "$after" ]
		_report $? "$item $name rejected: $reason" \
		    "status $st; want reason with '$why'; store before/after:
$before / $after"
		;;
	stored)
		[ $st -eq 0 ] && [ "$before" != "$after" ]
		_report $? "$item $name stored" "status $st: $reason"
		;;
	any)
		[ $st -le 1 ] && [ "$(echo "$after" | tail -n 1)" = ok ]
		_report $? "$item $name handled (status $st): $reason" \
		    "status $st"
		;;
	esac
	if $rsscheck; then
		awk -v r="$rss" -v m=$RSS_MAX_MB 'BEGIN { exit !(r + 0 > 0 &&
		    r + 0 < m) }'
		_report $? "$item $name peak memory ${rss} MB < $RSS_MAX_MB MB"
	fi
done < $T/adv/MANIFEST
ok "zip member names never used as paths" test ! -e /tmp/dw-zip-slip.xml
is "store intact after everything" "$(snap | tail -n 1)" ok
done_testing
