# valgrind.sh: the CLI over the example reports, the shared corpus and a
# sample of the adversarial inputs under valgrind: zero errors, zero
# definite or indirect leaks.  Only in the plain build (not under ASan).
. tests/lib/tap.sh
case $DW_BUILD in
*asan*)
	skip "valgrind" "not under the sanitizer build"
	done_testing
	exit 0 ;;
esac
if ! command -v valgrind > /dev/null; then
	skip "valgrind" "valgrind not installed"
	done_testing
	exit 0
fi
vg() {	# vg NAME ARGS...
	_name=$1
	shift
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect \
	    --show-leak-kinds=definite,indirect "$DW" "$@" > $T/vg.out 2>&1
	st=$?
	[ $st -ne 99 ]
	_report $? "valgrind clean: $_name (status $st)" \
	    "$(grep -v '^rejected' $T/vg.out | head -n 40)"
}
vg "ingest examples" --db $T/vg.db ingest examples
vg "report" --db $T/vg.db report
vg "export csv" --db $T/vg.db export --format csv
vg "ingest again (duplicates)" --db $T/vg.db ingest examples
C=$DW_SHARED/corpus/parsedmarc
if [ -d "$C" ]; then
	vg "ingest the parsedmarc corpus" --db $T/vg2.db ingest "$C"
else
	skip "valgrind over the corpus" "$C not present"
fi
python3 tests/adversarial/make-corpus $T/adv
mkdir $T/advs
for f in a02-xxe-file.xml a03-billion-laughs.xml a06-truncated.xml \
    a11-count-neg.xml a13-ip-zone-id.xml b03-gz-gz.xml.gz.gz \
    b04-zip-slip.zip b05-gzip-bad-crc.xml.gz b06-gzipped-png.xml.gz \
    b07-two-reports.eml b07-no-closing-boundary.eml b07-1000-parts.eml; do
	cp $T/adv/$f $T/advs/
done
vg "ingest adversarial samples" --db $T/vg3.db ingest $T/advs
done_testing
