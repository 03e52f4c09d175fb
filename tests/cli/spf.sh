#!/bin/sh
# spf.sh: dmarcward spf eval / lint on zone data (--zone), no network.
. tests/lib/tap.sh

Z="$DW_TOP/tests/dns/spf-basic.yml"
L="$DW_TOP/tests/dns/spf-lint.yml"

ok "spf --help" "$DW" spf --help
ok "spf eval --help" "$DW" spf eval --help
ok "spf lint --help" "$DW" spf lint --help
fails "spf without a subcommand" 2 "$DW" spf
fails "spf eval without --ip" 2 "$DW" --zone "$Z" spf eval --sender a@b.c
fails "spf eval with a bad --ip" 2 "$DW" --zone "$Z" spf eval \
    --ip 300.1.1.1 --sender a@example.org
fails "a zone file that is not zone data" 2 "$DW" --zone /dev/null \
    spf eval --ip 192.0.2.1 --sender a@example.org

"$DW" --zone "$Z" spf eval --ip 192.0.2.7 --sender a@example.org > "$T/o"
is "pass exits 0" "$?" 0
contains "pass by ip4" "$T/o" "result: pass"

"$DW" --zone "$Z" spf eval --ip 2001:db8::5 --sender a@example.org \
    --trace > "$T/o"
contains "IPv6 pass through a multi-string include" "$T/o" "result: pass"
contains "trace shows the include with its count" "$T/o" \
    "[ 1/10 terms 0/2 void] term   example.org: include:_spf.mailer.example match"
contains "trace shows lookups" "$T/o" "lookup _spf.mailer.example: TXT"

"$DW" --zone "$Z" spf eval --ip 203.0.113.9 --sender a@exp.example.org \
    --json > "$T/o"
is "fail exits 1" "$?" 1
contains "json result and exp= explanation" "$T/o" \
    '"result":"fail","explanation":"203.0.113.9 is not allowed to send for exp.example.org"'

"$DW" --zone "$Z" spf eval --ip 192.0.2.7 --sender a@loop.example.org \
    > "$T/o"
contains "include loop is permerror" "$T/o" "result: permerror"
contains "loop reason is the lookup limit" "$T/o" \
    "more than 10 DNS-querying terms"

"$DW" --zone "$Z" spf eval --ip 192.0.2.7 --sender a@slow.example.org \
    > "$T/o"
contains "TIMEOUT is temperror" "$T/o" "result: temperror"

"$DW" --zone "$Z" spf eval --ip 192.0.2.7 --sender "" \
    --helo mx.example.org > "$T/o"
contains "empty sender checks the HELO name" "$T/o" "result: none"

"$DW" --zone "$L" spf lint big.example > "$T/o"
is "lint over the limit exits 1" "$?" 1
contains "lint total against 10" "$T/o" \
    "big.example: 13/10 DNS-querying terms, 3/2 void lookups, all: ~all"
contains "lint tree: lookups per branch" "$T/o" \
    "include:a.vendor.example [3 own, 3 in branch]"
contains "lint suggestion" "$T/o" \
    "replace include:a.vendor.example (4 lookups) by its 3 ip4/ip6 ranges"
contains "lint void lookups" "$T/o" "void-limit"
contains "lint ptr" "$T/o" "ptr is deprecated"
contains "lint overlapping range" "$T/o" \
    "ip4:192.0.2.128/25 (big.example) lies inside ip4:192.0.2.0/24"
"$DW" --zone "$L" spf lint open.example two.example none.example > "$T/o"
contains "lint +all" "$T/o" "pass-all"
contains "lint two records" "$T/o" "multiple-records"
contains "lint no record" "$T/o" "no-record"
"$DW" --zone "$L" spf lint --json a1.vendor.example > "$T/o"
is "clean record exits 0" "$?" 0
contains "lint json" "$T/o" '"domain":"a1.vendor.example","lookups":0,"limit":10'

# sizes (ADVERSARIAL F8) and MX fan-out (F4)
"$DW" --zone "$L" spf lint long.example split.example mx11.example \
    > "$T/o"
contains "lint: a string over 255 bytes" "$T/o" \
    "string-too-long    long.example: a TXT string of 344 bytes"
contains "lint: an answer over 512 bytes" "$T/o" \
    "answer-too-big     split.example: the TXT answer is"
contains "lint: more than 10 MX names" "$T/o" \
    "mx-limit           mx11.example: mx: 11 MX names"
"$DW" --zone "$L" spf eval --ip 192.0.2.250 --sender a@split.example \
    > "$T/o"
contains "a record of 1,785 bytes in 28 strings is read whole" "$T/o" \
    "mechanism: ip4:192.0.2.250"
"$DW" --zone "$L" spf eval --ip 192.0.2.99 --sender a@mx11.example \
    > "$T/o"
contains "11 MX names: permerror, with the reason" "$T/o" \
    "problem: more than 10 MX names"
fails "--zone with --resolver" 2 "$DW" --zone "$L" --resolver \
    127.0.0.1@1 spf lint long.example

# many domains at once: the same output in the same order as one by one
printf '# a comment\nbig.example\n\n  open.example  # trailing\nbad..name\n%s\n' \
    'two.example' > "$T/domains"
"$DW" --zone "$L" spf lint --file "$T/domains" > "$T/all"
is "lint --file exits 1 on errors" "$?" 1
for d in big.example open.example bad..name two.example; do
	"$DW" --zone "$L" spf lint "$d"
done > "$T/one"
ok "lint --file: same output, same order as one at a time" \
    cmp "$T/all" "$T/one"
"$DW" --zone "$L" spf lint --parallel 1 --file - < "$T/domains" > "$T/seq"
ok "lint --parallel 1 from standard input: same output" \
    cmp "$T/all" "$T/seq"
contains "lint of a bad name" "$T/all" "bad..name: not a valid domain name"
fails "lint --parallel 0" 2 "$DW" --zone "$L" spf lint --parallel 0 \
    big.example
fails "lint with both --file and domains" 2 "$DW" --zone "$L" spf lint \
    --file "$T/domains" big.example
fails "lint --file that does not exist" 2 "$DW" --zone "$L" spf lint \
    --file "$T/none"
"$DW" --zone "$Z" spf lint slow.example.org > "$T/o"
contains "lint: a timeout says so" "$T/o" \
    "TXT lookup: temporary DNS failure (timeout"

done_testing
