#!/bin/sh
# dns_nsd.sh: the libunbound resolver against a real authoritative server.
# Starts its own NSD on 127.0.0.1 (own config, pidfile and zones under $T,
# any system instance is left alone), points dmarcward at it with
# --resolver, and checks multi-string TXT, a truncated UDP answer retried
# over TCP, NXDOMAIN vs NODATA vs timeout, and a CNAME chain.  Never
# touches public DNS: libunbound forwards only to the test servers.
. tests/lib/tap.sh

ZONES="$DW_TOP/tests/dns/nsd"
NSD=$(command -v nsd || echo /usr/sbin/nsd)
if [ ! -x "$NSD" ]; then
	skip "nsd" "nsd is not installed (scripts/setup-deps)"
	done_testing
	exit 0
fi

PORT=$((53530 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 2000))
mkdir -p "$T/zones"
cp "$ZONES"/*.zone "$T/zones/"
cat > "$T/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1@$PORT
	port: $PORT
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: "$T/zones"
	pidfile: "$T/nsd.pid"
	database: ""
	zonelistfile: "$T/zone.list"
	xfrdfile: "$T/xfrd.state"
	xfrdir: "$T"
	logfile: "$T/nsd.log"
	server-count: 1
	rrl-ratelimit: 0
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: test.example
	zonefile: test.example.zone
EOF

NSDPID= SILENTPID=
cleanup() {
	[ -n "$NSDPID" ] && kill "$NSDPID" 2>/dev/null
	[ -n "$SILENTPID" ] && kill "$SILENTPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

"$NSD" -d -c "$T/nsd.conf" > "$T/nsd.out" 2>&1 &
NSDPID=$!

R="127.0.0.1@$PORT"
spf() {
	DMARCWARD_DNS_TIMEOUT=3000 "$DW" --resolver "$R" spf "$@"
}

# wait until it answers (at most about 5 s)
i=0
while [ $i -lt 50 ]; do
	out=$(spf eval --ip 192.0.2.9 --sender a@multi.test.example 2>&1)
	case "$out" in *"result: pass"*) break ;; esac
	kill -0 "$NSDPID" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
if ! kill -0 "$NSDPID" 2>/dev/null; then
	skip "nsd" "nsd did not start: $(tail -3 "$T/nsd.out" "$T/nsd.log" 2>/dev/null | tr '\n' ' ')"
	done_testing
	exit 0
fi

# multi-string TXT: "v=spf1 ip4:192.0.2.0/24 " "ip4:198.51.100.7 -all"
spf eval --ip 198.51.100.7 --sender a@multi.test.example > "$T/o" 2>&1
contains "multi-string TXT joined (second string matches)" "$T/o" \
    "result: pass"
spf eval --ip 198.51.100.8 --sender a@multi.test.example > "$T/o" 2>&1
contains "multi-string TXT: other hosts fail" "$T/o" "result: fail"

# a TXT RRset of about 2,300 bytes: truncated over UDP, retried over TCP
spf eval --ip 192.0.2.200 --sender a@big.test.example > "$T/o" 2>&1
contains "truncated answer retried over TCP (last string matches)" \
    "$T/o" "result: pass"
spf lint big.test.example > "$T/o" 2>&1
contains "lint reports the answer over 512 bytes" "$T/o" "answer-too-big"
size=$(sed -n 's/.*the TXT answer is \([0-9]*\) bytes.*/\1/p' "$T/o")
[ "${size:-0}" -gt 1232 ]
_report $? "the whole answer arrived (${size:-?} bytes > 1232 UDP)"

# NXDOMAIN vs NODATA, both "none" for SPF but told apart in the trace
spf eval --ip 192.0.2.9 --sender a@nx.test.example --trace > "$T/o" 2>&1
contains "NXDOMAIN is none" "$T/o" "result: none"
contains "NXDOMAIN seen as NXDOMAIN" "$T/o" "TXT nx.test.example NXDOMAIN"
spf eval --ip 192.0.2.9 --sender a@nodata.test.example --trace \
    > "$T/o" 2>&1
contains "NODATA is none" "$T/o" "result: none"
contains "NODATA seen as NODATA" "$T/o" "TXT nodata.test.example NODATA"
spf eval --ip 192.0.2.9 --sender a@broken.test.example > "$T/o" 2>&1
contains "include of NXDOMAIN is permerror" "$T/o" "result: permerror"

# CNAME chain c1 -> c2 -> c3 (TXT)
spf eval --ip 192.0.2.77 --sender a@c1.test.example --json > "$T/o" 2>&1
contains "CNAME chain followed" "$T/o" '"result":"pass"'

# timeout: a server that takes queries and never answers
SPORT=$((PORT + 2000))
if command -v python3 > /dev/null 2>&1; then
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", int(sys.argv[1])))
t.listen(16)
time.sleep(60)
' "$SPORT" &
	SILENTPID=$!
	sleep 0.3
	start=$(date +%s)
	DMARCWARD_DNS_TIMEOUT=1000 "$DW" --resolver "127.0.0.1@$SPORT" \
	    spf eval --ip 192.0.2.9 --sender a@multi.test.example --json \
	    > "$T/o" 2>&1
	end=$(date +%s)
	contains "timeout is temperror, never none" "$T/o" \
	    '"result":"temperror"'
	[ $((end - start)) -le 4 ]
	_report $? "timeout honoured (took $((end - start)) s)"
else
	skip "timeout is temperror" "python3 missing for the silent server"
fi

done_testing
