#!/bin/sh
# net_smtp.sh: the STARTTLS probe against a real MTA and against servers
# that misbehave.  Starts a private Postfix instance on 127.0.0.1 (own
# main.cf, master.cf and queue under $T; it accepts no mail and any
# system Postfix is left alone) with one listener per case: STARTTLS
# with a good certificate, no STARTTLS, an expired certificate, one for
# another name, a self-signed one, and TLS 1.0 only.  A small Python
# server plays the broken ones: silence, a trickle, over-long lines and
# replies, non-SMTP, refusals, an injected reply after STARTTLS.
. tests/lib/tap.sh
. tests/lib/testca.sh
. tests/lib/needpkg.sh

if ! need_pkg postfix postfix || ! need_pkg openssl openssl; then
	skip "smtp probe" "postfix or openssl missing and not installable"
	done_testing
	exit 0
fi
MASTER=/usr/lib/postfix/sbin/master
PY=$(command -v python3)

BASE=$((36000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 250 * 8))
MPID= FPID=
cleanup() {
	[ -n "$MPID" ] && kill "$MPID" 2>/dev/null && wait "$MPID" 2>/dev/null
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# Postfix daemons run as the postfix user inside the queue directory.
chmod 711 "$T"

if ! testca_init || ! testca_cert good mx.good.test ||
    ! testca_cert expired mx.good.test 20200101000000Z 20200201000000Z ||
    ! testca_cert wrong mx.other.test ||
    ! testca_selfsigned self mx.good.test; then
	skip "smtp probe" "test CA failed: $(tail -n 3 "$T/ca/log")"
	done_testing
	exit 0
fi

P="$T/postfix"
mkdir -p "$P/queue" "$P/data"
chown postfix "$P/data"
cat > "$P/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $P/queue
data_directory = $P/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = /dev/stdout
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.good.test
mydomain = good.test
myorigin = good.test
mydestination =
relay_domains =
alias_maps =
alias_database =
smtpd_relay_restrictions = reject
smtpd_recipient_restrictions = reject
smtpd_tls_security_level = may
smtpd_tls_cert_file = $T/ca/good.pem
smtpd_tls_key_file = $T/ca/good.key
smtpd_tls_loglevel = 1
tls_low_cipherlist = ALL:@SECLEVEL=0
CONF
GOODP=$BASE PLAINP=$((BASE + 1)) EXPP=$((BASE + 2)) WRONGP=$((BASE + 3))
SELFP=$((BASE + 4)) OLDP=$((BASE + 5))
cert() {
	echo "-o smtpd_tls_cert_file=$T/ca/$1.pem" \
	    "-o smtpd_tls_key_file=$T/ca/$1.key"
}
cat > "$P/master.cf" <<CONF
127.0.0.1:$GOODP inet n - n - - smtpd
127.0.0.1:$PLAINP inet n - n - - smtpd -o smtpd_tls_security_level=none
127.0.0.1:$EXPP inet n - n - - smtpd $(cert expired)
127.0.0.1:$WRONGP inet n - n - - smtpd $(cert wrong)
127.0.0.1:$SELFP inet n - n - - smtpd $(cert self)
127.0.0.1:$OLDP inet n - n - - smtpd -o smtpd_tls_protocols=TLSv1 -o smtpd_tls_ciphers=low
tlsmgr unix - - n 1000? 1 tlsmgr
anvil unix - - n - 1 anvil
cleanup unix n - n - 0 cleanup
rewrite unix - - n - - trivial-rewrite
proxymap unix - - n - - proxymap
postlog unix-dgram n - n - 1 postlogd
CONF
postfix -c "$P" check > "$T/check.out" 2>&1
"$MASTER" -c "$P" -d > "$T/postfix.log" 2>&1 &
MPID=$!

if [ -n "$PY" ]; then
	"$PY" tests/lib/smtp_fake.py "$T/fake.ports" > "$T/fake.log" 2>&1 &
	FPID=$!
fi

cat > "$T/zone.yml" <<CONF
zonedata:
  mx.good.test:
    - A: 127.0.0.1
  mx.private.test:
    - A: 192.168.1.25
  mx.shared.test:
    - A: 100.64.0.1
  mx.v6.test:
    - AAAA: "fc00::25"
CONF

listening() { ss -ltn 2>/dev/null | grep -q "127.0.0.1:$1 "; }
i=0
while [ $i -lt 50 ] && ! listening "$OLDP"; do
	kill -0 "$MPID" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
if ! listening "$OLDP"; then
	skip "smtp probe" "postfix did not start: $(tail -n 3 "$T/postfix.log" "$T/check.out" | tr '\n' ' ')"
	done_testing
	exit 0
fi

probe() {	# probe PORT [OPTIONS]: JSON into $T/o, status in $st
	_p=$1
	shift
	"$DW" --zone "$T/zone.yml" probe smtp --json --port "$_p" \
	    --ca-file "$T/ca/ca.pem" --allow-loopback --timeout 3000 \
	    "$@" mx.good.test > "$T/o" 2>&1
	st=$?
}

probe "$GOODP"
is "good STARTTLS: exit 0" "$st" 0
contains "good: STARTTLS negotiated" "$T/o" '"outcome":"starttls"'
contains "good: greeting read" "$T/o" '"greeting_code":220'
contains "good: STARTTLS offered" "$T/o" '"starttls":true'
contains "good: TLS 1.3" "$T/o" '"tls_version":"TLSv1.3"'
contains "good: certificate trusted, name matches" "$T/o" \
    '"chain_ok":true,"chain_error":null,"name_ok":true'
contains "good: no diagnostics" "$T/o" '"diagnostics":[]'
i=0
while [ $i -lt 20 ] && ! grep -q 'ehlo=1 starttls=1 quit=1' "$T/postfix.log"
do
	sleep 0.1
	i=$((i + 1))
done
grep -q 'disconnect from localhost.*ehlo=1 starttls=1 quit=1' \
    "$T/postfix.log"
_report $? "good: Postfix saw EHLO, STARTTLS and QUIT" \
    "$(tail -n 5 "$T/postfix.log")"

probe "$PLAINP"
is "no STARTTLS: exit 1" "$st" 1
contains "no STARTTLS: outcome" "$T/o" '"outcome":"no-starttls"'
contains "no STARTTLS: finding" "$T/o" '"id":"smtp.no_starttls"'

probe "$OLDP"
contains "TLS 1.0 only: negotiated TLSv1" "$T/o" '"tls_version":"TLSv1"'
contains "TLS 1.0 only: finding" "$T/o" '"id":"net.tls_old_version"'

probe "$EXPP"
contains "expired certificate: TLS still negotiated" "$T/o" \
    '"outcome":"starttls"'
contains "expired certificate: finding" "$T/o" '"id":"net.cert_expired"'
contains "expired certificate: a warning for opportunistic TLS" "$T/o" \
    '{"severity":"warn","id":"net.cert_expired"'

probe "$WRONGP"
contains "certificate for another name: finding" "$T/o" \
    '"id":"net.cert_name_mismatch"'
contains "certificate for another name: names both" "$T/o" \
    'names: mx.other.test), not for mx.good.test'

probe "$SELFP"
contains "self-signed certificate: untrusted" "$T/o" \
    '"id":"net.cert_untrusted"'

"$DW" --zone "$T/zone.yml" probe smtp --json --port "$GOODP" \
    --allow-loopback --timeout 3000 mx.good.test > "$T/o" 2>&1
contains "system store does not trust the test CA" "$T/o" \
    '"id":"net.cert_untrusted"'

probe "$GOODP" --ehlo probe.dmarcward.test
contains "--ehlo NAME accepted" "$T/o" '"outcome":"starttls"'

# The non-public address rule.
"$DW" --zone "$T/zone.yml" probe smtp --json --port "$GOODP" \
    --ca-file "$T/ca/ca.pem" --timeout 3000 mx.good.test > "$T/o" 2>&1
contains "loopback refused without --allow-loopback" "$T/o" \
    'resolves to 127.0.0.1 (loopback address); not contacted'
for h in mx.private.test mx.shared.test mx.v6.test; do
	"$DW" --zone "$T/zone.yml" probe smtp --json --allow-loopback \
	    --timeout 3000 "$h" > "$T/o" 2>&1
	contains "$h refused" "$T/o" '"id":"net.address_not_public"'
done

# a port nobody listens on
probe $((BASE + 7))
contains "closed port: connect failed" "$T/o" '"id":"net.connect_failed"'
contains "closed port: unreachable" "$T/o" '"outcome":"unreachable"'

if [ -z "$PY" ]; then
	skip "misbehaving servers" "python3 missing"
	done_testing
	exit 0
fi
i=0
while [ $i -lt 50 ] && [ ! -f "$T/fake.ports" ]; do
	sleep 0.1
	i=$((i + 1))
done
fport() { awk -v n="$1" '$1 == n { print $2 }' "$T/fake.ports"; }

fake() {	# fake NAME ID TEXT: probe it, expect diagnostic ID
	probe "$(fport "$1")" --timeout 1000
	contains "$1: $3" "$T/o" "\"id\":\"$2\""
}
start=$(date +%s)
fake silent net.timeout "silent server times out"
end=$(date +%s)
[ $((end - start)) -le 4 ]
_report $? "silent server: gave up in time ($((end - start)) s)"
start=$(date +%s)
fake drip net.timeout "a greeting that never ends times out"
end=$(date +%s)
[ $((end - start)) -le 4 ]
_report $? "trickling server: gave up in time ($((end - start)) s)"
fake longline smtp.reply_too_long "600-octet line refused (cap 512)"
fake manylines smtp.reply_too_long "100-line reply refused (cap 64)"
fake notsmtp smtp.bad_reply "HTTP instead of SMTP is a bad reply"
fake refuse smtp.greeting_refused "554 greeting"
contains "554 greeting: its text kept" "$T/o" 'no service here'
fake mismatch smtp.bad_reply "reply lines with different codes"
fake ehlo500 smtp.ehlo_refused "EHLO refused"
fake stlsrefuse smtp.starttls_refused "STARTTLS answered 454"
fake inject smtp.starttls_extra_data "reply injected after STARTTLS"
contains "injected bytes never reach TLS: handshake fails" "$T/o" \
    '"outcome":"tls-failed"'
fake closes net.closed "server that hangs up"

"$DW" --zone "$T/zone.yml" probe smtp "bad name!" > "$T/o" 2>&1
is "a bad host name is a usage error" "$?" 2
ok "probe smtp --help" "$DW" probe smtp --help

done_testing
