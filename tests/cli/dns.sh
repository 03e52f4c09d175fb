#!/bin/sh
# dns.sh: dmarcward dns lookup on zone data (--zone), no network; the
# trust anchor errors, which fail before any query is sent.
. tests/lib/tap.sh

Z="$DW_TOP/tests/dns/dns-lookup.yml"
look() {
	"$DW" --zone "$Z" dns lookup "$@"
}

ok "dns --help" "$DW" dns --help
ok "dns has a man page" test -s "$DW_TOP/docs/man/dmarcward-dns.1.md"
ok "spf has a man page" test -s "$DW_TOP/docs/man/dmarcward-spf.1.md"
ok "dns lookup --help" "$DW" dns lookup --help
fails "dns without a subcommand" 2 "$DW" dns
fails "dns lookup without a name" 2 look TXT
fails "dns lookup of an unknown type" 2 look SOA example.org
fails "dns lookup of a name with an empty label" 2 look TXT a..example.org
fails "dns lookup of a label over 63 bytes" 2 look TXT \
    "$(printf '%064d' 0).example.org"

look TXT example.org > "$T/o"
is "records exit 0" "$?" 0
contains "answer with its count and TTL" "$T/o" \
    "example.org TXT: answer, 2 records, TTL 3600"
contains "multi-string TXT joined, strings counted" "$T/o" \
    '"v=spf1 ip4:192.0.2.0/24 -all" (2 strings joined, longest 24 bytes)'
contains "bytes outside printable ASCII escaped" "$T/o" \
    '"tab\009here \"quoted\" \255"'

look MX example.org nx.example.org mx.example.org slow.example.org \
    > "$T/o"
is "a name without records exits 1" "$?" 1
contains "MX with preference, null MX" "$T/o" "10 mx.example.org."
contains "null MX shown as ." "$T/o" "  3600   0 ."
contains "NXDOMAIN" "$T/o" "nx.example.org MX: NXDOMAIN (no such name)"
contains "NODATA" "$T/o" \
    "mx.example.org MX: NODATA (the name exists, no MX record)"
contains "timeout is a temporary failure, never NODATA" "$T/o" \
    "slow.example.org MX: temporary failure: timeout"
# the answers come in the order the names were given
is "output in argument order" "$(grep -v '^ ' "$T/o" | cut -d' ' -f1 |
    tr '\n' ' ')" \
    "example.org nx.example.org mx.example.org slow.example.org "

look A c1.example.org > "$T/o"
contains "CNAME chain followed" "$T/o" \
    "c1.example.org A: answer, 1 record, via 2 CNAMEs to mx.example.org"
contains "CNAME chain target address" "$T/o" "192.0.2.25"
look A loop1.example.org > "$T/o"
contains "CNAME loop is a temporary failure" "$T/o" \
    "temporary failure: a CNAME chain longer than 8"
look CNAME c1.example.org > "$T/o"
contains "CNAME asked for itself" "$T/o" "c2.example.org."
look AAAA mx.example.org > "$T/o"
contains "AAAA" "$T/o" "2001:db8::25"
look PTR 192.0.2.25 2001:db8::25 > "$T/o"
contains "PTR of an IPv4 address" "$T/o" \
    "25.2.0.192.in-addr.arpa PTR: answer"
contains "PTR of an IPv6 address" "$T/o" \
    "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa PTR: answer"
look TLSA _25._tcp.mx.example.org > "$T/o"
contains "TLSA usage selector type data" "$T/o" "3 1 1 0123456789abcdef"

look --json MX example.org nx.example.org mx.example.org \
    slow.example.org > "$T/o"
is "json: one line per name" "$(wc -l < "$T/o" | tr -d ' ')" 4
contains "json answer" "$T/o" \
    '{"name":"example.org","type":"MX","outcome":"answer","reason":null'
contains "json MX record" "$T/o" \
    '{"ttl":3600,"preference":10,"exchange":"mx.example.org"}'
contains "json NXDOMAIN" "$T/o" '"name":"nx.example.org","type":"MX","outcome":"nxdomain"'
contains "json NODATA" "$T/o" '"name":"mx.example.org","type":"MX","outcome":"nodata"'
contains "json timeout with its reason" "$T/o" \
    '"outcome":"tempfail","reason":"timeout: TIMEOUT in the zone data"'
look --json TXT example.org > "$T/o"
contains "json TXT strings" "$T/o" \
    '"text":"v=spf1 ip4:192.0.2.0/24 -all","strings":2,"longest_string":24'
look --json TLSA _25._tcp.mx.example.org > "$T/o"
contains "json TLSA fields" "$T/o" \
    '"usage":3,"selector":1,"matching_type":1,"data":"0123456789abcdef"'
look --json A c1.example.org > "$T/o"
contains "json CNAME chain" "$T/o" '"canonical":"mx.example.org","cnames":2'

# --trust-anchor: every bad file is an error before any query
# (127.0.0.1@1: nothing listens there, and nothing is asked)
ta() {
	"$DW" --resolver 127.0.0.1@1 --trust-anchor "$1" dns lookup TXT \
	    example.org
}
fails "missing trust anchor file" 2 ta "$T/none.ds"
ta "$T/none.ds" > "$T/o" 2>&1
contains "missing anchor names the file" "$T/o" \
    "trust anchor $T/none.ds: cannot read"
: > "$T/empty.ds"
fails "empty trust anchor file" 2 ta "$T/empty.ds"
ta "$T/empty.ds" > "$T/o" 2>&1
contains "empty anchor: no DS or DNSKEY" "$T/o" "no DS or DNSKEY record"
echo "example.org. IN DS 22536 13 2 not-hex" > "$T/bad.ds"
fails "unparsable trust anchor file" 2 ta "$T/bad.ds"
ta "$T/bad.ds" > "$T/o" 2>&1
contains "unparsable anchor: libunbound's reason" "$T/o" \
    "trust anchor $T/bad.ds: parse error"
fails "--trust-anchor with --zone" 2 "$DW" --zone "$Z" --trust-anchor \
    "$T/bad.ds" dns lookup TXT example.org

done_testing
