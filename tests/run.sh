#!/bin/sh
# Runs every test of one build: the cmocka unit binaries and the shell
# tests in tests/cli/, all speaking TAP.  Prints each failure, then the
# totals as the last line: "N passed, N failed, N skipped".  Exits non-zero
# when anything failed.  Usage: tests/run.sh BUILD_DIR
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
export DW_TOP="$TOP" DW_BUILD="$TOP/$BUILD" DW_BIN="$TOP/$BUILD/dmarcward"
export DW_SHARED="${DW_SHARED:-$TOP/../shared}"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
LOGDIR="$TOP/$BUILD/test-logs"
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

pass=0 fail=0 skip=0

count() {	# count NAME LOGFILE STATUS
	name=$1 log=$2 st=$3
	# cmocka reports a skip as "not ok N # SKIP name".
	p=$(grep '^ok ' "$log" | grep -Evc '# (SKIP|skip)')
	s=$(grep -Ec '^(not )?ok [0-9]* *(- .*)?# (SKIP|skip)' "$log")
	f=$(grep '^not ok ' "$log" | grep -Evc '# (SKIP|skip)')
	if [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $st" >> "$log"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name ($log):"
		grep -v '# SKIP' "$log" | grep -A8 '^not ok ' | sed 's/^/    /' | head -60
	else
		printf '%-40s %4d passed %3d skipped\n' "$name" "$p" "$s"
	fi
}

for t in "$TOP/$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	(cd "$TOP" && "$t") > "$LOGDIR/$n.log" 2>&1
	count "$n" "$LOGDIR/$n.log" $?
done

for t in "$TOP"/tests/cli/*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	(cd "$TOP" && sh "$t") > "$LOGDIR/$n.log" 2>&1
	count "$n" "$LOGDIR/$n.log" $?
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
