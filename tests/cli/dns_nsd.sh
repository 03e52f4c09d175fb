#!/bin/sh
# dns_nsd.sh: the libunbound resolver against a real authoritative server.
# Starts its own NSD on 127.0.0.1 (own config, pidfile, control socket and
# zones under $T, any system instance is left alone), points dmarcward at
# it with --resolver, and checks multi-string TXT, a truncated UDP answer
# retried over TCP (NSD's own counters say so), NXDOMAIN vs NODATA vs
# timeout, CNAME chains, dns lookup of every type, and DNSSEC validation
# with --trust-anchor on a zone signed here with a fresh key (ldnsutils).
# Never touches public DNS: libunbound forwards only to the test servers.
. tests/lib/tap.sh

. tests/lib/nsd.sh

mkdir -p "$T/zones"
cp "$DW_TOP/tests/dns/nsd/test.example.zone" \
    "$DW_TOP/tests/dns/nsd/signed.example.zone" "$T/zones/"

# signed.example: a fresh ECDSA key, NSEC; then the TXT of "tampered" is
# changed under its signature so that it validates as bogus
SIGNED=
nsd_sign signed.example.zone signed.example &&
    sed 's/^\(tampered\.signed\.example\.[^"]*"v=spf1 ip4:192\.0\.2\.\)12/\113/' \
    "$T/zones/signed.example.zone.signed" > "$T/zones/signed.zone" &&
    ! cmp -s "$T/zones/signed.example.zone.signed" \
    "$T/zones/signed.zone" && SIGNED=yes

if ! nsd_start test.example test.example.zone \
    ${SIGNED:+signed.example signed.zone}; then
	skip "nsd" "nsd is not installed (scripts/setup-deps)"
	done_testing
	exit 0
fi

spf() {
	DMARCWARD_DNS_TIMEOUT=3000 "$DW" --resolver "$R" spf "$@"
}
look() {
	DMARCWARD_DNS_TIMEOUT=3000 "$DW" --resolver "$R" dns lookup "$@"
}
# NSD's counters (num.udp, num.tcp, num.truncated)
nsdstat() {
	"$NSDC" -c "$T/nsd.conf" stats_noreset 2> /dev/null |
	    sed -n "s/^num\.$1=//p"
}

# wait until it answers
if ! nsd_up spf eval --ip 192.0.2.9 --sender a@multi.test.example; then
	skip "nsd" "$NSD_WHY"
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
tc0=$(nsdstat truncated) tcp0=$(nsdstat tcp)
spf eval --ip 192.0.2.200 --sender a@big.test.example > "$T/o" 2>&1
contains "truncated answer retried over TCP (last string matches)" \
    "$T/o" "result: pass"
tc1=$(nsdstat truncated) tcp1=$(nsdstat tcp)
if [ -n "$tc0" ] && [ -n "$tc1" ]; then
	[ "$tc1" -gt "$tc0" ] && [ "$tcp1" -gt "$tcp0" ]
	_report $? "NSD truncated the UDP answer, then answered over TCP \
(truncated $tc0 -> $tc1, tcp $tcp0 -> $tcp1)"
else
	skip "truncation seen by NSD" "nsd-control stats unavailable"
fi
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

# dns lookup: every type, the outcomes, CNAME chains
look TXT multi.test.example > "$T/o" 2>&1
contains "lookup: multi-string TXT" "$T/o" \
    '"v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.7 -all" (2 strings joined'
contains "lookup: TTL of the zone" "$T/o" "TTL 300"
look TXT nx.test.example nodata.test.example > "$T/o" 2>&1
contains "lookup: NXDOMAIN" "$T/o" "nx.test.example TXT: NXDOMAIN"
contains "lookup: NODATA" "$T/o" "nodata.test.example TXT: NODATA"
contains "lookup: negative TTL from the SOA" "$T/o" "negative TTL 60"
look MX test.example > "$T/o" 2>&1
contains "lookup: MX" "$T/o" "10 mx.test.example."
look A mx.test.example > "$T/o" 2>&1
contains "lookup: A" "$T/o" "192.0.2.25"
look AAAA mx.test.example > "$T/o" 2>&1
contains "lookup: AAAA" "$T/o" "2001:db8::25"
look TLSA _25._tcp.mx.test.example > "$T/o" 2>&1
contains "lookup: TLSA" "$T/o" \
    "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
look --json TXT c1.test.example > "$T/o" 2>&1
contains "lookup: CNAME chain of 2" "$T/o" \
    '"canonical":"c3.test.example","cnames":2'
look CNAME c1.test.example > "$T/o" 2>&1
contains "lookup: the CNAME itself" "$T/o" "c2.test.example."
look TXT l1.test.example > "$T/o" 2>&1
contains "lookup: a CNAME chain over 8 is a temporary failure" "$T/o" \
    "temporary failure: a CNAME chain longer than 8"
look --json TXT big.test.example > "$T/o" 2>&1
contains "lookup: the whole 122-string answer (over TCP)" "$T/o" \
    '"strings":122'

# DNSSEC: the zone signed above, its DS as the trust anchor
if [ -n "$SIGNED" ]; then
	sec() {
		DMARCWARD_DNS_TIMEOUT=3000 "$DW" --resolver "$R" \
		    --trust-anchor "$T/anchor.ds" "$@"
	}
	sec dns lookup TXT signed.example > "$T/o" 2>&1
	contains "DNSSEC: a signed answer" "$T/o" \
	    "signed.example TXT: answer, 1 record, TTL 300"
	contains "DNSSEC: secure" "$T/o" "DNSSEC secure"
	sec dns lookup TXT nx.signed.example > "$T/o" 2>&1
	contains "DNSSEC: a proven NXDOMAIN" "$T/o" \
	    "NXDOMAIN (no such name), negative TTL 60"
	contains "DNSSEC: the NXDOMAIN is secure" "$T/o" "DNSSEC secure"
	sec dns lookup --json TXT tampered.signed.example > "$T/o" 2>&1
	contains "DNSSEC: bogus is a temporary failure, with the reason" \
	    "$T/o" '"outcome":"tempfail","reason":"DNSSEC bogus:'
	contains "DNSSEC: bogus status" "$T/o" '"dnssec":"bogus"'
	sec dns lookup TXT multi.test.example > "$T/o" 2>&1
	contains "DNSSEC: insecure outside the anchor" "$T/o" \
	    "DNSSEC insecure"
	sec spf eval --ip 192.0.2.10 --sender a@good.signed.example \
	    --trace > "$T/o" 2>&1
	contains "DNSSEC: spf eval through a signed include" "$T/o" \
	    "result: pass"
	contains "DNSSEC: the spf trace shows the status" "$T/o" \
	    "TXT signed.example 1 record, DNSSEC secure"
	sec spf lint good.signed.example > "$T/o" 2>&1
	contains "DNSSEC: the lint tree shows the status" "$T/o" \
	    "include:signed.example [0 own, 0 in branch, DNSSEC secure]"
	sec spf eval --ip 192.0.2.12 --sender a@tampered.signed.example \
	    > "$T/o" 2>&1
	contains "DNSSEC: spf eval of a bogus record is temperror" "$T/o" \
	    "result: temperror"
	# the DS of another key: nothing in the zone validates
	sed 's/ [0-9a-f]*$/ 0000000000000000000000000000000000000000000000000000000000000000/' \
	    "$T/anchor.ds" > "$T/wrong.ds"
	DMARCWARD_DNS_TIMEOUT=3000 "$DW" --resolver "$R" --trust-anchor \
	    "$T/wrong.ds" dns lookup TXT signed.example > "$T/o" 2>&1
	contains "DNSSEC: a wrong anchor makes the zone bogus" "$T/o" \
	    "DNSSEC bogus"
else
	skip "DNSSEC" "ldns-keygen/ldns-signzone missing (ldnsutils, \
scripts/setup-deps)"
fi

# timeout: a server that takes queries and never answers
if silent_start; then
	start=$(date +%s)
	DMARCWARD_DNS_TIMEOUT=1000 "$DW" --resolver "$SILENT_R" \
	    spf eval --ip 192.0.2.9 --sender a@multi.test.example --json \
	    > "$T/o" 2>&1
	end=$(date +%s)
	contains "timeout is temperror, never none" "$T/o" \
	    '"result":"temperror"'
	[ $((end - start)) -le 4 ]
	_report $? "timeout honoured (took $((end - start)) s)"
	DMARCWARD_DNS_TIMEOUT=1000 "$DW" --resolver "$SILENT_R" \
	    dns lookup TXT multi.test.example nx.test.example > "$T/o" 2>&1
	contains "lookup: a timeout is a temporary failure" "$T/o" \
	    "multi.test.example TXT: temporary failure: timeout after 1000 ms"
else
	skip "timeout is temperror" "python3 missing for the silent server"
fi

done_testing
