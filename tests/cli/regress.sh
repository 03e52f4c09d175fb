# regress.sh: every input under tests/regress/<target>/ through the fuzz
# target of that name, built here with fuzz/standalone.c instead of
# libFuzzer: the plain build, or AddressSanitizer and UBSan under
# check-asan.  Each input must run to its end, and be named in its
# directory's README; each directory must belong to a fuzz target.
# Last, every parser (each object of src/record and src/report) must be
# linked into some fuzz target, so a new parser cannot land unfuzzed.
. tests/lib/tap.sh
R=$DW_TOP/tests/regress
B=$DW_BUILD/fuzz-run
for src in "$DW_TOP"/fuzz/fuzz_*.c; do
	n=$(basename "$src" .c)
	if [ ! -d "$R/$n" ]; then
		skip "$n" "no inputs in tests/regress/$n yet"
		continue
	fi
	if [ ! -x "$B/$n" ]; then
		_report 1 "$n: $B/$n is built"
		continue
	fi
	cnt=0
	for f in "$R/$n"/*; do
		i=$(basename "$f")
		[ -f "$f" ] && [ "$i" != README ] || continue
		cnt=$((cnt + 1))
		ok "$n: $i" "$B/$n" "$f"
		grep -q "^$i: ." "$R/$n/README" 2>/dev/null
		_report $? "$n: $i has its README line"
	done
	[ $cnt -gt 0 ]
	_report $? "$n: tests/regress/$n holds inputs"
done
for d in "$R"/*/; do
	n=$(basename "$d")
	[ -f "$DW_TOP/fuzz/$n.c" ]
	_report $? "tests/regress/$n belongs to fuzz/$n.c"
done
for o in "$DW_BUILD"/src/record/*.o "$DW_BUILD"/src/report/*.o; do
	src=${o#"$DW_BUILD"/}
	sym=$(nm -g --defined-only "$o" | awk '$2 == "T" { print $3; exit }')
	by=
	for b in "$B"/fuzz_*; do
		if nm "$b" 2>/dev/null | grep -q " T $sym\$"; then
			by=$(basename "$b")
			break
		fi
	done
	[ -n "$by" ]
	_report $? "${src%.o}.c is in a fuzz target (${by:-none links $sym})"
done
done_testing
