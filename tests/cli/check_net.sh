#!/bin/sh
# check_net.sh: dmarcward check end to end with its transport stage: the
# MTA-STS policy fetched from a private nginx (certificates from a
# throwaway CA) and, with --probe-smtp, every MX probed on a private
# Postfix and on a small Python server that misbehaves, all on
# 127.0.0.1.  Names resolve through --zone; the servers are started here
# and stopped at exit; nothing leaves the machine.  Each case checks the
# finding ids in --json: a clean domain, a redirect, 404, text/html, an
# oversized policy, one in UTF-16, a body that trickles, a refused handshake, expired
# and expiring certificates, the loopback address without the test
# option, no STARTTLS, TLS 1.0, certificates wrong for the MX (under an
# enforced policy too), refusals and injected replies, and a policy that
# changes without a new id, kept in the history as an event.
. tests/lib/tap.sh
. tests/lib/testca.sh
. tests/lib/needpkg.sh
. tests/lib/nginx.sh
. tests/lib/postfix.sh

if ! need_pkg nginx nginx-light libnginx-mod-http-echo ||
    ! need_pkg postfix postfix || ! need_pkg openssl openssl; then
	skip "check transport" "nginx, postfix or openssl missing"
	done_testing
	exit 0
fi
cleanup() {
	nginx_stop
	postfix_stop
	smtp_fake_stop
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# ---- certificates -------------------------------------------------------
STS=mta-sts.clinic.test,mta-sts.redirect.test,mta-sts.notfound.test
STS=$STS,mta-sts.html.test,mta-sts.big.test,mta-sts.tlsfail.test
STS=$STS,mta-sts.ststls.test,mta-sts.slow.test,mta-sts.utf16.test
YESTERDAY=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
SOON=$(date -u -d '+5 days' +%Y%m%d%H%M%SZ)
if ! testca_init || ! testca_cert sts "$STS" ||
    ! testca_cert stsexpired mta-sts.expired.test 20200101000000Z \
    20200201000000Z ||
    ! testca_cert stssoon mta-sts.soon.test "$YESTERDAY" "$SOON" ||
    ! testca_cert mx mx.clinic.test,mx.plain.test,mx.old.test ||
    ! testca_cert mxwrong mx.other.test ||
    ! testca_cert mxsoon mx.soonmx.test "$YESTERDAY" "$SOON"; then
	skip "check transport" "test CA failed: $(tail -n 3 "$T/ca/log")"
	done_testing
	exit 0
fi

# ---- the policy server --------------------------------------------------
W="$T/www"
mkdir -p "$W"
chmod 755 "$W"
printf 'version: STSv1\r\nmode: enforce\r\nmx: mx.clinic.test\r\nmax_age: 604800\r\n' \
    > "$W/clinic.txt"
printf 'version: STSv1\nmode: enforce\nmx: mx.ststls.test\nmax_age: 604800\n' \
    > "$W/ststls.txt"
{ cat "$W/clinic.txt"; head -c 70000 /dev/zero | tr '\0' '#'; } > "$W/big.txt"
iconv -f ASCII -t UTF-16 "$W/clinic.txt" > "$W/utf16.txt"
chmod 644 "$W"/*
{
	nginx_site mta-sts.clinic.test sts "alias $W/clinic.txt;"
	nginx_site mta-sts.redirect.test sts "return 301 https://mta-sts.clinic.test:$NGINX_PORT/.well-known/mta-sts.txt;"
	nginx_site mta-sts.notfound.test sts "return 404;"
	nginx_site mta-sts.html.test sts "alias $W/clinic.txt; types { } default_type text/html;"
	nginx_site mta-sts.big.test sts "alias $W/big.txt;"
	nginx_site mta-sts.utf16.test sts "alias $W/utf16.txt;"
	nginx_site mta-sts.tlsfail.test sts "alias $W/clinic.txt;" \
	    "ssl_reject_handshake on;"
	nginx_site mta-sts.expired.test stsexpired "alias $W/clinic.txt;"
	nginx_site mta-sts.soon.test stssoon "alias $W/clinic.txt;"
	nginx_site mta-sts.ststls.test sts "alias $W/ststls.txt;"
	[ "$NGINX_ECHO" = 1 ] &&
	    nginx_site mta-sts.slow.test sts "default_type text/plain; echo \"version: STSv1\"; echo_flush; echo_sleep 20; echo \"mode: enforce\";"
} > "$T/sites.conf"
if ! nginx_start "$T/sites.conf"; then
	skip "check transport" "$NGINX_WHY"
	done_testing
	exit 0
fi

# ---- the MX servers -----------------------------------------------------
BASE=$((30000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 250 * 8))
GOODP=$BASE PLAINP=$((BASE + 1)) OLDP=$((BASE + 2)) WRONGP=$((BASE + 3))
SOONP=$((BASE + 4))
postfix_init mx
postfix_listen "$GOODP"
postfix_listen "$PLAINP" -o smtpd_tls_security_level=none
postfix_listen "$OLDP" -o smtpd_tls_protocols=TLSv1 -o smtpd_tls_ciphers=low
postfix_listen "$WRONGP" "$(postfix_cert mxwrong)"
postfix_listen "$SOONP" "$(postfix_cert mxsoon)"
if ! postfix_start; then
	skip "check transport" "$POSTFIX_WHY"
	done_testing
	exit 0
fi
FAKE=0
smtp_fake_start && FAKE=1

# ---- the zone -----------------------------------------------------------
sts() {	# sts DOMAIN MX: a domain with MTA-STS whose policy host is here
	printf '  %s:\n    - MX: [10, %s]\n' "$1" "$2"
	printf '  _mta-sts.%s:\n    - TXT: "v=STSv1; id=1"\n' "$1"
	printf '  mta-sts.%s:\n    - A: 127.0.0.1\n' "$1"
}
mx() {	# mx DOMAIN: a domain whose MX host is here
	printf '  %s:\n    - MX: [10, mx.%s]\n' "$1" "$1"
	printf '  mx.%s:\n    - A: 127.0.0.1\n' "$1"
}
{
	cat <<'EOF'
zonedata:
  clinic.test:
    - MX: [10, mx.clinic.test]
    - TXT: "v=spf1 mx -all"
  mx.clinic.test:
    - A: 127.0.0.1
  _dmarc.clinic.test:
    - TXT: "v=DMARC1; p=reject; rua=mailto:dmarc@clinic.test"
  selector1._domainkey.clinic.test:
    - CNAME: selector1._domainkey.good.test
  _mta-sts.clinic.test:
    - TXT: "v=STSv1; id=1"
  mta-sts.clinic.test:
    - A: 127.0.0.1
  _smtp._tls.clinic.test:
    - TXT: "v=TLSRPTv1; rua=mailto:tls@clinic.test"
  ststls.test:
    - MX: [10, mx.ststls.test]
  mx.ststls.test:
    - A: 127.0.0.1
  _mta-sts.ststls.test:
    - TXT: "v=STSv1; id=1"
  mta-sts.ststls.test:
    - A: 127.0.0.1
EOF
	for d in redirect notfound html big utf16 tlsfail expired soon slow; do
		sts "$d.test" mx.clinic.test
	done
	for d in plain old wrongmx soonmx fake; do
		mx "$d.test"
	done
	echo ---
	cat "$DW_TOP/tests/check/good.yml"
} > "$T/zone.yml"

check() {	# check ARGS...: JSON into $T/o, status in $st
	"$DW" --zone "$T/zone.yml" check --no-store --json \
	    --ca-file "$T/ca/ca.pem" --allow-loopback \
	    --https-port "$NGINX_PORT" --net-timeout 3000 "$@" > "$T/o" 2>&1
	st=$?
}
none_of() {	# none_of NAME PREFIX: no finding id starting so in $T/o
	grep -q "\"id\":\"$2" "$T/o"
	_report $((1 - $?)) "$1" "$(head -c 2000 "$T/o")"
}

# ---- a clean domain, end to end ----------------------------------------
check clinic.test --probe-smtp --smtp-port "$GOODP"
is "clean domain: exit 0" "$st" 0
contains "clean domain: grade A" "$T/o" '"grade":"A"'
contains "policy fetched over HTTPS" "$T/o" \
    '"outcome":"fetched","http_status":200,"address":"127.0.0.1","status":"valid","mode":"enforce","max_age":604800,"mx":"mx.clinic.test"'
contains "MX probed: STARTTLS, TLS 1.3" "$T/o" \
    '"host":"mx.clinic.test","outcome":"starttls","address":"127.0.0.1","tls_version":"TLSv1.3"'
contains "MX certificate valid" "$T/o" '"certificate_valid":true'
contains "the policy is among the records seen" "$T/o" \
    '{"kind":"mta-sts-policy","name":"mta-sts.clinic.test","value":"version: STSv1\nmode: enforce\nmx: mx.clinic.test\nmax_age: 604800"}'
none_of "clean domain: no policy finding" "mtasts."
none_of "clean domain: no SMTP finding" "smtp."
"$DW" --zone "$T/zone.yml" check --no-store --ca-file "$T/ca/ca.pem" \
    --allow-loopback --https-port "$NGINX_PORT" --probe-smtp \
    --smtp-port "$GOODP" clinic.test > "$T/t" 2>&1
contains "human output: the policy" "$T/t" \
    "fetched from 127.0.0.1 (HTTP 200); valid, mode enforce, max_age 604800, mx mx.clinic.test"
contains "human output: the MX" "$T/t" "MX mx.clinic.test: starttls, TLSv1.3"

# ---- the policy fetch: every way it goes wrong --------------------------
check redirect.test
contains "redirect is not followed: finding" "$T/o" \
    '"id":"mtasts.policy.redirect"'
contains "redirect: its target named" "$T/o" \
    "HTTP 301 redirect to https://mta-sts.clinic.test:$NGINX_PORT/.well-known/mta-sts.txt, not followed"
contains "redirect: no policy judged" "$T/o" '"status":null'
check notfound.test
contains "404: finding" "$T/o" '"id":"mtasts.policy.http_status"'
check html.test
contains "text/html: finding" "$T/o" '"id":"mtasts.policy.content_type"'
check big.test
contains "70 KB policy: finding" "$T/o" '"id":"mtasts.policy.too_large"'
none_of "70 KB policy: not parsed" "mtasts.policy.invalid"
check utf16.test
contains "a policy in UTF-16 (NUL bytes): invalid" "$T/o" \
    '"id":"mtasts.policy.invalid"'
contains "a policy in UTF-16: the bytes escaped in the history" "$T/o" \
    '"value":"\\xff\\xfev\\x00e\\x00'
check tlsfail.test
contains "refused handshake: finding" "$T/o" '"id":"mtasts.policy.tls"'
check expired.test
contains "expired certificate: finding" "$T/o" \
    '"id":"mtasts.policy.certificate"'
contains "expired certificate: its date" "$T/o" \
    'certificate expired on 2020-02-01'
check soon.test
contains "certificate expiring in 5 days: finding" "$T/o" \
    '"id":"mtasts.policy.certificate.weak"'
none_of "certificate expiring: still valid" "mtasts.policy.certificate\""
"$DW" --zone "$T/zone.yml" check --no-store --json --allow-loopback \
    --https-port "$NGINX_PORT" --net-timeout 3000 clinic.test > "$T/o" 2>&1
contains "without the test CA: untrusted" "$T/o" \
    '"id":"mtasts.policy.certificate"'
if [ "$NGINX_ECHO" = 1 ]; then
	within 5 "a policy that trickles: gave up in time" \
	    check slow.test --net-timeout 1500
	contains "a policy that trickles: unreachable" "$T/o" \
	    '"id":"mtasts.policy.unreachable"'
	contains "a policy that trickles: timed out" "$T/o" \
	    'no complete answer within 1500 ms'
else
	skip "a policy that trickles" "nginx echo module missing"
fi

# ---- many domains at once: fetched side by side, results in order -------
check --concurrency 3 --probe-smtp --smtp-port "$GOODP" redirect.test \
    clinic.test notfound.test html.test big.test
is "five domains, five results" "$(grep -c '"domain"' "$T/o")" 5
sed 's/^{"domain":"\([^"]*\)".*/\1/' "$T/o" | tr '\n' ' ' > "$T/order"
is "results in the order given" "$(cat "$T/order")" \
    "redirect.test clinic.test notfound.test html.test big.test "
n=0
for want in mtasts.policy.redirect '"grade":"A"' mtasts.policy.http_status \
    mtasts.policy.content_type mtasts.policy.too_large; do
	n=$((n + 1))
	sed -n "${n}p" "$T/o" | grep -q "$want"
	_report $? "domain $n of 5 has its own result ($want)"
done

# ---- loopback without the test option: refused, never contacted ---------
hits=$(grep -c 'mta-sts' "$T/access.log" 2>/dev/null)
"$DW" --zone "$T/zone.yml" check --no-store --json --ca-file \
    "$T/ca/ca.pem" --https-port "$NGINX_PORT" --probe-smtp \
    --smtp-port "$GOODP" --net-timeout 3000 clinic.test > "$T/o" 2>&1
contains "policy host on loopback: finding" "$T/o" \
    '"id":"mtasts.policy.host_not_public"'
contains "policy host on loopback: says why" "$T/o" \
    'mta-sts.clinic.test resolves to 127.0.0.1 (loopback address); not contacted'
contains "MX on loopback: finding" "$T/o" '"id":"smtp.host_not_public"'
is "loopback hosts never reached the server" \
    "$(grep -c 'mta-sts' "$T/access.log" 2>/dev/null)" "$hits"

# ---- the SMTP probe -----------------------------------------------------
probed() {	# probed NAME DOMAIN PORT ID [OPTIONS]: the probe finds ID
	_pname=$1 _pdom=$2 _pport=$3 _pid=$4
	shift 4
	check "$_pdom" --probe-smtp --smtp-port "$_pport" "$@"
	contains "$_pname" "$T/o" "\"id\":\"$_pid\""
}
probed "no STARTTLS: finding" plain.test "$PLAINP" smtp.starttls.missing
contains "no STARTTLS: severity high" "$T/o" \
    '"id":"smtp.starttls.missing","severity":"high","hipaa":"164.312(e)(1)"'
probed "TLS 1.0 only: finding" old.test "$OLDP" smtp.tls.weak
contains "TLS 1.0 only: negotiated TLSv1" "$T/o" '"tls_version":"TLSv1"'
probed "certificate for another name: finding" wrongmx.test "$WRONGP" \
    smtp.certificate
none_of "no MTA-STS: not the enforce finding" "smtp.certificate.mtasts"
check ststls.test --probe-smtp --smtp-port "$WRONGP"
contains "wrong certificate under an enforced policy: high" "$T/o" \
    '"id":"smtp.certificate.mtasts","severity":"high"'
probed "MX certificate expiring in 5 days: finding" soonmx.test "$SOONP" \
    smtp.certificate.weak
probed "MX port closed: finding" clinic.test $((BASE + 7)) smtp.unreachable

if [ "$FAKE" = 1 ]; then
	probed "554 greeting: finding" fake.test \
	    "$(smtp_fake_port refuse)" smtp.protocol
	probed "STARTTLS refused: finding" fake.test \
	    "$(smtp_fake_port stlsrefuse)" smtp.starttls.failed
	probed "injected reply after STARTTLS: finding" fake.test \
	    "$(smtp_fake_port inject)" smtp.starttls.injection
	within 4 "silent MX: gave up in time" probed "silent MX: finding" \
	    fake.test "$(smtp_fake_port silent)" smtp.protocol \
	    --net-timeout 1000
else
	skip "misbehaving MX servers" "python3 missing"
fi

# ---- the history: a changed policy is an event --------------------------
DB="$T/store.db"
net() {	# net DOMAIN: check with the store, human output into $T/o
	"$DW" --db "$DB" --zone "$T/zone.yml" check --ca-file \
	    "$T/ca/ca.pem" --allow-loopback --https-port "$NGINX_PORT" \
	    --net-timeout 3000 "$1" > "$T/o" 2>&1
}
net clinic.test
printf 'version: STSv1\nmode: testing\nmx: mx.clinic.test\nmax_age: 604800\n' \
    > "$W/clinic.txt"
net clinic.test
contains "a new policy under the old id: finding" "$T/o" \
    "mtasts.policy.id_unchanged: The MTA-STS policy changed but its id did not"
contains "the fix is a new id" "$T/o" \
    'publish _mta-sts.clinic.test. IN TXT "v=STSv1; id='
contains "the change is listed" "$T/o" \
    "mta-sts-policy mta-sts.clinic.test: version: STSv1"
"$DW" --db "$DB" history clinic.test > "$T/h" 2>&1
contains "history: the policy change is an event" "$T/h" \
    "mta-sts-policy mta-sts.clinic.test  [event mtasts.policy]"
contains "history: the new policy" "$T/h" "mode: testing"
"$DW" --db "$DB" history --json clinic.test > "$T/hj" 2>&1
contains "history JSON: the policy event" "$T/hj" '"event":"mtasts.policy"'

# ---- a draft policy, no server needed ----------------------------------
printf 'version: STSv1\nmode: enforce\nmx: mail.other.test\nmax_age: 604800\n' \
    > "$T/draft.txt"
"$DW" --zone "$T/zone.yml" check --no-store --json \
    --mta-sts-policy "$T/draft.txt" clinic.test > "$T/o" 2>&1
contains "draft policy: MX not covered" "$T/o" \
    '"id":"mtasts.policy.mx_uncovered"'
contains "draft policy: named as the source" "$T/o" \
    "\"source\":\"$T/draft.txt\",\"outcome\":\"draft\""
fails "--no-fetch with --mta-sts-policy" 2 "$DW" --zone "$T/zone.yml" \
    check --no-store --no-fetch --mta-sts-policy "$T/draft.txt" clinic.test
fails "--ca-file that does not exist" 2 "$DW" --zone "$T/zone.yml" \
    check --no-store --ca-file "$T/nope.pem" clinic.test
fails "--smtp-port 0" 2 "$DW" --zone "$T/zone.yml" check --no-store \
    --smtp-port 0 clinic.test

done_testing
