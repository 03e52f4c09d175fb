#!/bin/sh
# net_mtasts.sh: the MTA-STS policy fetch against a real HTTPS server.
# Starts its own nginx on 127.0.0.1 (own config, pid file and files
# under $T; any system nginx is left alone) with certificates from a
# throwaway CA, one virtual host per case: a good policy, a redirect, the
# wrong Content-Type, none, 404, a body over 64 KiB with and without a
# Content-Length, a body that trickles, an invalid policy, mx patterns
# that miss the MX, an expired certificate, one for another name, a
# self-signed one.  Names resolve through --zone; no public network.
. tests/lib/tap.sh
. tests/lib/testca.sh
. tests/lib/needpkg.sh
. tests/lib/nginx.sh

if ! need_pkg nginx nginx-light libnginx-mod-http-echo ||
    ! need_pkg openssl openssl; then
	skip "mta-sts fetch" "nginx or openssl missing and not installable"
	done_testing
	exit 0
fi
cleanup() {
	nginx_stop
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
PORT=$NGINX_PORT

GOOD=mta-sts.good.test,mta-sts.redirect.test,mta-sts.html.test
GOOD=$GOOD,mta-sts.notype.test,mta-sts.notfound.test,mta-sts.big.test
GOOD=$GOOD,mta-sts.bigchunked.test,mta-sts.slow.test,mta-sts.invalid.test
GOOD=$GOOD,mta-sts.mismatch.test,mta-sts.charset.test
if ! testca_init || ! testca_cert good "$GOOD" ||
    ! testca_cert expired mta-sts.expired.test 20200101000000Z \
    20200201000000Z || ! testca_cert wrong mta-sts.other.test ||
    ! testca_selfsigned self mta-sts.self.test; then
	skip "mta-sts fetch" "test CA failed: $(tail -3 "$T/ca/log")"
	done_testing
	exit 0
fi

W="$T/www"
mkdir -p "$W"
chmod 755 "$W"
printf 'version: STSv1\r\nmode: enforce\r\nmx: mx.good.test\r\nmx: *.backup.good.test\r\nmax_age: 604800\r\n' \
    > "$W/good.txt"
printf 'version: STSv1\nmode: bogus\nmax_age: 604800\n' > "$W/invalid.txt"
printf 'version: STSv1\nmode: enforce\nmx: mail.other.test\nmax_age: 604800\n' \
    > "$W/mismatch.txt"
{ cat "$W/good.txt"; head -c 70000 /dev/zero | tr '\0' '#'; } > "$W/big.txt"
chmod 644 "$W"/*

site() {	# site NAME CERT LOCATION-BODY
	nginx_site "mta-sts.$1.test" "$2" "$3"
}

{
	site good good "alias $W/good.txt;"
	site charset good "alias $W/good.txt; charset utf-8;"
	site redirect good "return 301 https://mta-sts.good.test:$PORT/.well-known/mta-sts.txt;"
	site html good "alias $W/good.txt; types { } default_type text/html;"
	site notype good "alias $W/good.txt; types { } default_type \"\";"
	site notfound good "return 404;"
	site big good "alias $W/big.txt;"
	site invalid good "alias $W/invalid.txt;"
	site mismatch good "alias $W/mismatch.txt;"
	site expired expired "alias $W/good.txt;"
	site wrong wrong "alias $W/good.txt;"
	site self self "alias $W/good.txt;"
	if [ "$NGINX_ECHO" = 1 ]; then
		site bigchunked good "default_type text/plain; echo_duplicate 2000 \"version: STSv1 padding padding padding\\n\";"
		site slow good "default_type text/plain; echo \"version: STSv1\"; echo_flush; echo_sleep 20; echo \"mode: enforce\";"
	fi
} > "$T/sites.conf"

cat > "$T/zone.yml" <<EOF
zonedata:
  good.test:
    - MX: [10, mx.good.test]
    - MX: [20, mx1.backup.good.test]
  mismatch.test:
    - MX: [10, mx.mismatch.test]
  mta-sts.private.test:
    - A: 10.0.0.1
  mta-sts.meta.test:
    - A: 169.254.169.254
    - AAAA: "fe80::1"
  mta-sts.mapped.test:
    - AAAA: "::ffff:10.1.1.1"
  mta-sts.nx-target.test:
    - TXT: "no address here"
EOF
for n in good charset redirect html notype notfound big bigchunked slow \
    invalid mismatch expired wrong self; do
	printf '  mta-sts.%s.test:\n    - A: 127.0.0.1\n' "$n" >> "$T/zone.yml"
done

if ! nginx_start "$T/sites.conf"; then
	skip "mta-sts fetch" "$NGINX_WHY"
	done_testing
	exit 0
fi

fetch() {	# fetch DOMAIN [OPTIONS]: JSON into $T/o, status in $st
	_d=$1
	shift
	"$DW" --zone "$T/zone.yml" probe mta-sts --json --port "$PORT" \
	    --ca-file "$T/ca/ca.pem" --allow-loopback --timeout 3000 "$@" \
	    "$_d" > "$T/o" 2>&1
	st=$?
}

fetch good.test
is "good policy: exit 0" "$st" 0
contains "good policy fetched" "$T/o" '"outcome":"fetched"'
contains "good policy: HTTP 200" "$T/o" '"http_status":200'
contains "good policy parsed valid, enforce" "$T/o" \
    '"status":"valid","mode":"enforce","max_age":604800'
contains "good policy: certificate trusted and for the name" "$T/o" \
    '"chain_ok":true,"chain_error":null,"name_ok":true'
contains "good policy: MX covered exactly" "$T/o" \
    '{"host":"mx.good.test","covered":true}'
contains "good policy: MX covered by a wildcard" "$T/o" \
    '{"host":"mx1.backup.good.test","covered":true}'
contains "good policy: no diagnostics" "$T/o" '"diagnostics":[]'

fetch charset.test
contains "text/plain with a charset is text/plain" "$T/o" \
    '"outcome":"fetched"'

fetch redirect.test
is "redirect: exit 1" "$st" 1
contains "redirect is a finding (RFC 8461 3.3)" "$T/o" \
    '"id":"sts.http_redirect"'
contains "redirect not followed: status 301 kept" "$T/o" \
    '"http_status":301'
contains "redirect names its target" "$T/o" \
    "\"location\":\"https://mta-sts.good.test:$PORT/.well-known/mta-sts.txt\""
contains "redirect: no policy" "$T/o" '"policy":null'

fetch html.test
contains "text/html is refused" "$T/o" '"id":"sts.content_type"'
contains "text/html: type named" "$T/o" 'Content-Type is text/html'

fetch notype.test
contains "missing Content-Type is refused" "$T/o" \
    'Content-Type is missing'

fetch notfound.test
contains "404 is a status finding" "$T/o" '"id":"sts.http_status"'
contains "404 kept" "$T/o" '"http_status":404'

fetch big.test
contains "70 KB body with Content-Length refused" "$T/o" \
    '"id":"sts.policy_too_large"'
contains "oversized: no policy kept" "$T/o" '"policy":null'

fetch invalid.test
contains "invalid policy fetched" "$T/o" '"outcome":"fetched"'
contains "invalid policy is a finding" "$T/o" '"id":"sts.policy_invalid"'
contains "invalid policy: the parser says why" "$T/o" \
    '"id":"mtasts.policy_bad_mode"'

fetch mismatch.test
contains "MX outside the patterns: finding" "$T/o" \
    '"id":"sts.mx_not_covered"'
contains "unused pattern: finding" "$T/o" '"id":"sts.mx_pattern_unused"'
contains "MX outside the patterns is an error in enforce mode" "$T/o" \
    '{"severity":"error","id":"sts.mx_not_covered"'

fetch good.test --mx mx.good.test --mx other.example
contains "--mx replaces the MX records" "$T/o" \
    '{"host":"other.example","covered":false}'

fetch expired.test
is "expired certificate: exit 1" "$st" 1
contains "expired certificate: TLS failure" "$T/o" '"outcome":"tls-failed"'
contains "expired certificate: finding" "$T/o" '"id":"net.cert_expired"'
contains "expired certificate: its date" "$T/o" \
    'certificate expired on 2020-02-01'

fetch wrong.test
contains "certificate for another name: finding" "$T/o" \
    '"id":"net.cert_name_mismatch"'
contains "certificate for another name: names it" "$T/o" \
    'names: mta-sts.other.test'

fetch self.test
contains "self-signed certificate: untrusted" "$T/o" \
    '"id":"net.cert_untrusted"'

"$DW" --zone "$T/zone.yml" probe mta-sts --json --port "$PORT" \
    --allow-loopback --timeout 3000 good.test > "$T/o" 2>&1
contains "without the test CA the certificate is untrusted" "$T/o" \
    '"id":"net.cert_untrusted"'

if [ "$NGINX_ECHO" = 1 ]; then
	fetch bigchunked.test
	contains "80 KB chunked body (no Content-Length) refused" "$T/o" \
	    '"id":"sts.policy_too_large"'
	within 5 "trickling body: gave up in time" \
	    fetch slow.test --timeout 1500
	contains "trickling body ends as a timeout" "$T/o" \
	    '"id":"net.timeout"'
else
	skip "chunked and slow bodies" "nginx echo module missing"
fi

# The non-public address rule: no connection, a finding instead.
"$DW" --zone "$T/zone.yml" probe mta-sts --json --port "$PORT" \
    --ca-file "$T/ca/ca.pem" --timeout 3000 good.test > "$T/o" 2>&1
is "loopback without --allow-loopback: exit 1" "$?" 1
contains "loopback refused without the test option" "$T/o" \
    'resolves to 127.0.0.1 (loopback address); not contacted'
contains "loopback: nothing fetched" "$T/o" '"outcome":"unreachable"'
hits=$(grep -c 'mta-sts' "$T/access.log" 2>/dev/null)
fetch private.test
contains "10.0.0.1 refused even with --allow-loopback" "$T/o" \
    'resolves to 10.0.0.1 (private address); not contacted'
fetch meta.test
contains "169.254.169.254 (cloud metadata) refused" "$T/o" \
    'resolves to 169.254.169.254 (link-local address)'
contains "fe80::1 refused" "$T/o" 'resolves to fe80::1 (link-local address)'
fetch mapped.test
contains "IPv4-mapped private address refused" "$T/o" \
    'resolves to ::ffff:10.1.1.1 (private address)'
is "refused hosts never reached the server" \
    "$(grep -c 'mta-sts' "$T/access.log" 2>/dev/null)" "$hits"
fetch nx.test
contains "NXDOMAIN policy host: finding" "$T/o" '"id":"net.nxdomain"'
fetch nx-target.test
contains "policy host without address: finding" "$T/o" \
    '"id":"net.no_address"'

"$DW" --zone "$T/zone.yml" probe mta-sts "bad name!" > "$T/o" 2>&1
is "a bad domain is a usage error" "$?" 2
ok "probe mta-sts --help" "$DW" probe mta-sts --help

done_testing
