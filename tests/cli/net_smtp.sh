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
. tests/lib/postfix.sh

if ! need_pkg postfix postfix || ! need_pkg openssl openssl; then
	skip "smtp probe" "postfix or openssl missing and not installable"
	done_testing
	exit 0
fi
BASE=$((28000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 250 * 8))
cleanup() {
	postfix_stop
	smtp_fake_stop
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

if ! testca_init || ! testca_cert good mx.good.test ||
    ! testca_cert expired mx.good.test 20200101000000Z 20200201000000Z ||
    ! testca_cert wrong mx.other.test ||
    ! testca_selfsigned self mx.good.test; then
	skip "smtp probe" "test CA failed: $(tail -n 3 "$T/ca/log")"
	done_testing
	exit 0
fi

GOODP=$BASE PLAINP=$((BASE + 1)) EXPP=$((BASE + 2)) WRONGP=$((BASE + 3))
SELFP=$((BASE + 4)) OLDP=$((BASE + 5))
postfix_init good
postfix_listen "$GOODP"
postfix_listen "$PLAINP" -o smtpd_tls_security_level=none
postfix_listen "$EXPP" "$(postfix_cert expired)"
postfix_listen "$WRONGP" "$(postfix_cert wrong)"
postfix_listen "$SELFP" "$(postfix_cert self)"
postfix_listen "$OLDP" -o smtpd_tls_protocols=TLSv1 -o smtpd_tls_ciphers=low
if ! postfix_start; then
	skip "smtp probe" "$POSTFIX_WHY"
	done_testing
	exit 0
fi

FAKE=0
smtp_fake_start && FAKE=1

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

if [ "$FAKE" != 1 ]; then
	skip "misbehaving servers" "python3 missing"
	done_testing
	exit 0
fi

fake() {	# fake NAME ID TEXT: probe it, expect diagnostic ID
	probe "$(smtp_fake_port "$1")" --timeout 1000
	contains "$1: $3" "$T/o" "\"id\":\"$2\""
}
within 4 "silent server: gave up in time" \
    fake silent net.timeout "silent server times out"
within 4 "trickling server: gave up in time" \
    fake drip net.timeout "a greeting that never ends times out"
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
