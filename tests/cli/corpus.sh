# corpus.sh: every aggregate sample of the shared report corpus is stored
# with the right record count and message total (repaired ones marked as
# such), every SMTP TLS report with its policies and sessions, every
# failure sample as one failure report, and everything that holds none
# of them is rejected with a specific reason.  Skipped when ../shared is
# not there.
. tests/lib/tap.sh
C=$DW_SHARED/corpus/parsedmarc
if [ ! -d "$C" ]; then
	skip "parsedmarc corpus" "$C not present"
	done_testing
	exit 0
fi
i=0
grep -v '^#' tests/data/corpus-expected.txt > $T/expected
while IFS='	' read -r how f recs msgs; do
	i=$((i + 1))
	db=$T/c$i.db
	"$DW" --db "$db" ingest --json "$C/$f" > $T/out 2> $T/err
	st=$?
	got=$(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
r = j["rejections"]
print(j["reports_new"], j["records"], j["messages"], j["repaired"],
      j["tls_reports_new"], j["failures_new"], len(r),
      (r[0]["reason"] if r else ""))' \
	    $T/out 2>&1)
	set -- $got
	case $how in
	stored|repaired)
		rep=0
		[ "$how" = repaired ] && rep=1
		is "$how: $f" "$st $1 $2 $3 $4 $5 $6 $7" \
		    "0 1 $recs $msgs $rep 0 0 0"
		if [ "$how" = repaired ]; then
			note=$(sqlite3 "$db" 'select repairs from reports')
			[ -n "$note" ]
			_report $? "repair noted in the store: $f ($note)"
		fi
		;;
	tls)
		is "tls: $f" "$st $1 $5 $6 $7" "0 0 1 0 0"
		is "tls policies and sessions stored: $f" "$(sqlite3 "$db" \
		    'select policies, successful + failed from tls_reports')" \
		    "$recs|$msgs"
		;;
	failure)
		is "failure report: $f" "$st $1 $5 $6 $7" "0 0 0 1 0"
		is "failure report stored: $f" "$(sqlite3 "$db" \
		    'select count(*) from failure_reports')" 1
		;;
	rejected)
		shift 7
		reason="$*"
		[ "$st" = 1 ] && [ -n "$reason" ] &&
		    ! sqlite3 "$db" 'select 1 from reports union all
		    select 1 from tls_reports union all
		    select 1 from failure_reports' | grep -q 1
		_report $? "rejected: $f: $reason" "status $st: $got"
		;;
	esac
done < $T/expected
done_testing
