#!/bin/sh
# Runs every fuzz target for a short while over its seed corpus
# (fuzz/corpus/<target>/, seeded from the test fixtures) and its
# regression inputs (tests/regress/<target>/), so CI catches a crash on
# known inputs and a little beyond.  FUZZ_SECONDS sets the time per
# target (default 20).  Usage: fuzz/smoke.sh BUILD_DIR
set -u
B=${1:-build-fuzz}
secs=${FUZZ_SECONDS:-20}
st=0
for f in "$B"/fuzz_*; do
	[ -x "$f" ] || continue
	n=$(basename "$f")
	seeds=fuzz/corpus/$n
	work=$(mktemp -d)
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null
	for r in tests/regress/"$n"/*; do
		[ -f "$r" ] && [ "$(basename "$r")" != README ] &&
		    cp "$r" "$work/regress-$(basename "$r")"
	done
	if "$f" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 \
	    -print_final_stats=0 "$work" > "$B/$n.log" 2>&1; then
		echo "$n: ok ($(ls "$work" | wc -l) inputs in corpus)"
	else
		echo "$n: FAILED, see $B/$n.log"
		tail -n 30 "$B/$n.log"
		st=1
	fi
	rm -rf "$work"
done
exit $st
