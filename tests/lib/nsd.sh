# nsd.sh: a private NSD authoritative server on loopback for the tests.
# Source it after tap.sh ($T is the test's scratch directory), then:
#   nsd_sign FILE ORIGIN   signs $T/zones/FILE with a fresh ECDSA key
#                          (ldnsutils): writes $T/zones/FILE.signed and
#                          the key's DS as $T/anchor.ds; returns 1 when
#                          ldnsutils is missing or signing failed
#   nsd_start NAME FILE... serves each zone NAME from $T/zones/FILE (pairs)
#                          on a random loopback port; sets NSD_CONF, R
#                          (127.0.0.1@PORT for --resolver) and NSDPID;
#                          returns 1 when nsd is missing
#   nsd_up CMD...          waits (30 s at most) until CMD succeeds,
#                          starting NSD again on another port (and R
#                          with it; CMD must read $R when it runs) when
#                          it died, twice at most; returns 1, with the
#                          reason in NSD_WHY, when it never answered
#   silent_start           a server that takes queries and never answers;
#                          sets SILENT_R and SILENTPID; returns 1 without
#                          python3
# nsd_cleanup (installed as the EXIT trap by nsd_start) stops both and
# removes $T.  Everything lives under $T: config, zones, pidfile, control
# socket, logs.  Any system instance is left alone.

NSD=$(command -v nsd || echo /usr/sbin/nsd)
NSDC=$(command -v nsd-control || echo /usr/sbin/nsd-control)
NSDPID= SILENTPID=

nsd_cleanup() {
	[ -n "$NSDPID" ] && kill "$NSDPID" 2>/dev/null
	[ -n "$SILENTPID" ] && kill "$SILENTPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}

nsd_sign() {
	command -v ldns-keygen > /dev/null 2>&1 &&
	    command -v ldns-signzone > /dev/null 2>&1 || return 1
	_k=$(cd "$T/zones" && ldns-keygen -a ECDSAP256SHA256 -k "$2" \
	    2> /dev/null) &&
	    (cd "$T/zones" && ldns-signzone "$1" "$_k") &&
	    cp "$T/zones/$_k.ds" "$T/anchor.ds"
}

nsd_start() {
	[ -x "$NSD" ] || return 1
	NSD_ARGS=$*
	_port=$((16000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 2000))
	NSD_CONF="$T/nsd.conf"
	cat > "$NSD_CONF" <<EOF
server:
	ip-address: 127.0.0.1@$_port
	port: $_port
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
	control-enable: yes
	control-interface: $T/nsd.sock
EOF
	while [ $# -ge 2 ]; do
		printf 'zone:\n\tname: %s\n\tzonefile: %s\n' "$1" "$2" \
		    >> "$NSD_CONF"
		shift 2
	done
	trap nsd_cleanup EXIT
	"$NSD" -d -c "$NSD_CONF" > "$T/nsd.out" 2>&1 &
	NSDPID=$!
	R="127.0.0.1@$_port"
	SILENT_PORT=$((_port + 2000))
}

nsd_up() {	# up to 30 s: a loaded machine starts it slowly
	_i=0 _tries=1
	while [ $_i -lt 300 ]; do
		"$@" > /dev/null 2>&1 && return 0
		if ! kill -0 "$NSDPID" 2>/dev/null; then
			# the random port was taken: another one, twice more
			[ $_tries -lt 3 ] || break
			_tries=$((_tries + 1))
			# shellcheck disable=SC2086
			nsd_start $NSD_ARGS
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	NSD_WHY="nsd did not start: $(tail -3 "$T/nsd.out" "$T/nsd.log" \
	    2>/dev/null | tr '\n' ' ')"
	return 1
}

silent_start() {
	command -v python3 > /dev/null 2>&1 || return 1
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", int(sys.argv[1])))
t.listen(16)
time.sleep(60)
' "$SILENT_PORT" &
	SILENTPID=$!
	SILENT_R="127.0.0.1@$SILENT_PORT"
	sleep 0.3
}
