# tap.sh: TAP helpers for the shell tests in tests/cli/.  Source it; it
# gives a scratch directory $T (removed at exit) and these functions:
#   ok NAME CMD...          passes when CMD exits 0
#   fails NAME STATUS CMD...   passes when CMD exits with STATUS (or any
#                           non-zero status when STATUS is "any")
#   is NAME GOT WANT        passes when the strings are equal
#   contains NAME FILE TEXT passes when FILE contains TEXT (fixed string)
#   skip NAME REASON
#   within SECS NAME CMD... runs CMD (in this shell); passes when it
#                           took at most SECS seconds
#   wait_listen PORT PID    waits up to 5 s for a listener on
#                           127.0.0.1:PORT while PID lives; 0 when there
#   stop_bg PID             stops a server started in the background
#                           (nothing when PID is empty)
#   done_testing            prints the plan; call it last
_n=0
T=$(mktemp -d "${TMPDIR:-/tmp}/dwtest.XXXXXX")
trap 'rm -rf "$T"' EXIT
DW="${DW_BIN:?run through tests/run.sh}"
# Tests never reach live DNS: ingest looks up source addresses only when a
# test gives --zone or --resolver.
export DMARCWARD_OFFLINE=1

_report() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
	return 0
}
ok() {
	_name=$1; shift
	_out=$("$@" 2>&1)
	_report $? "$_name" "$_out"
}
fails() {
	_name=$1 _want=$2; shift 2
	_out=$("$@" 2>&1)
	_st=$?
	if [ "$_want" = any ]; then
		[ "$_st" -ne 0 ]
	else
		[ "$_st" -eq "$_want" ]
	fi
	_report $? "$_name" "status $_st: $_out"
}
is() {
	[ "$2" = "$3" ]
	_report $? "$1" "got:  $2
want: $3"
}
contains() {
	grep -qF -- "$3" "$2"
	_report $? "$1" "$(head -c 2000 "$2")"
}
skip() {
	_n=$((_n + 1))
	echo "ok $_n - $1 # SKIP $2"
}
within() {
	_w_max=$1 _w_name=$2
	shift 2
	_w_start=$(date +%s)
	"$@"
	_w_took=$(($(date +%s) - _w_start))
	[ "$_w_took" -le "$_w_max" ]
	_report $? "$_w_name ($_w_took s)"
}
_listening() {
	ss -ltn 2>/dev/null | grep -q "127.0.0.1:$1 "
}
wait_listen() {
	_wl_i=0
	while [ $_wl_i -lt 50 ] && ! _listening "$1"; do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
		_wl_i=$((_wl_i + 1))
	done
	_listening "$1"
}
stop_bg() {
	[ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
	return 0
}
done_testing() {
	echo "1..$_n"
}
