# crash.sh: ingest killed with SIGKILL at random points, many times, then
# run to completion: the store passes integrity_check and holds every
# report exactly once with all its records.  Then a file size limit makes
# the disk "full" mid-batch: ingest stops with a clear error and the store
# stays consistent.
. tests/lib/tap.sh
N=300 M=50 KILLS=12
cc -O2 -o $T/gen bench/gen.c || exit 1
mkdir $T/batch
$T/gen many $T/batch $N $M
DB=$T/crash.db
i=0
while [ $i -lt $KILLS ]; do
	i=$((i + 1))
	"$DW" -q --db "$DB" ingest $T/batch > /dev/null 2>&1 &
	pid=$!
	# 20 to 600 ms, different each round
	sleep "0.$(printf '%03d' $(( (i * 7919 + $$) % 580 + 20 )))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
done
"$DW" -q --db "$DB" ingest $T/batch > $T/out 2>&1
is "ingest after $KILLS kills completes" "$?" 0
is "integrity_check after kills" "$(sqlite3 "$DB" 'pragma integrity_check')" ok
is "every report stored" "$(sqlite3 "$DB" 'select count(*) from reports')" $N
is "no report stored twice" "$(sqlite3 "$DB" 'select count(*) from
    (select distinct report_id from reports)')" $N
is "every record stored once" \
    "$(sqlite3 "$DB" 'select count(*) from records')" $((N * M))
is "each report has all its records" "$(sqlite3 "$DB" 'select count(*)
    from reports r where (select count(*) from records c where
    c.report_id = r.id) != 50')" 0
is "each input stored once" \
    "$(sqlite3 "$DB" 'select count(*) from raw_inputs')" $N

# "Disk full": the store may not grow past 3 MB.
FULL=$T/full.db
"$DW" -q --db "$FULL" ingest examples > /dev/null 2>&1
before=$(sqlite3 "$FULL" 'select count(*) from reports')
(trap '' XFSZ; ulimit -f 3072; exec "$DW" -q --db "$FULL" ingest \
    $T/batch) > $T/out 2> $T/err
st=$?
is "disk full stops ingest with status 2" "$st" 2
contains "disk full error is explained" $T/err "ingest stopped"
is "integrity_check after disk full" \
    "$(sqlite3 "$FULL" 'pragma integrity_check')" ok
n=$(sqlite3 "$FULL" 'select count(*) from reports')
is "reports after disk full are whole" "$(sqlite3 "$FULL" 'select count(*)
    from reports r where r.id > 0 and (select count(*) from records c
    where c.report_id = r.id) != r.records')" 0
[ "$n" -ge "$before" ]
_report $? "earlier reports kept after disk full ($before -> $n)"
"$DW" -q --db "$FULL" ingest $T/batch > /dev/null 2>&1
is "ingest resumes once there is room" \
    "$(sqlite3 "$FULL" 'select count(*) from reports')" $((before + N))
done_testing
