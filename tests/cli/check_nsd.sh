#!/bin/sh
# check_nsd.sh: dmarcward check through libunbound against a real server.
# Starts its own NSD on 127.0.0.1 (own config, pidfile and zones under $T;
# any system instance is left alone) serving tests/dns/nsd/chk.zone and a
# zone signed here with a fresh key (ldnsutils), whose DS is the trust
# anchor.  Checks (of the DNS alone, but for one lookup of the MTA-STS
# policy host) split and truncated TXT answers, a CNAME loop, a domain
# that does not exist, DNSSEC secure, insecure and bogus, and a server
# that never answers.  Never touches public DNS: libunbound forwards only
# to the test servers.
. tests/lib/tap.sh

. tests/lib/nsd.sh

mkdir -p "$T/zones"
cp "$DW_TOP/tests/dns/nsd/chk.zone" "$DW_TOP/tests/dns/nsd/secure.chk.zone" \
    "$T/zones/"
# secure.chk: signed; then the MX of "broken" is changed under its
# signature so that it validates as bogus
SIGNED=
nsd_sign secure.chk.zone secure.chk &&
    sed 's/^\(broken\.secure\.chk\.[[:space:]].*MX[[:space:]]*\)10 /\120 /' \
    "$T/zones/secure.chk.zone.signed" > "$T/zones/secure.zone" &&
    ! cmp -s "$T/zones/secure.chk.zone.signed" "$T/zones/secure.zone" &&
    SIGNED=yes
if ! nsd_start chk chk.zone ${SIGNED:+secure.chk secure.zone}; then
	skip "nsd" "nsd is not installed (scripts/setup-deps)"
	done_testing
	exit 0
fi
lookup_good() { "$DW" --resolver "$R" dns lookup TXT good.chk; }
if ! nsd_up lookup_good; then
	skip "nsd" "$NSD_WHY"
	done_testing
	exit 0
fi
check() {
	DMARCWARD_DNS_TIMEOUT=3000 "$DW" --resolver "$R" check --no-store \
	    --no-fetch "$@"
}

check good.chk > "$T/o" 2>&1
is "a clean domain over real DNS exits 0" "$?" 0
contains "grade A" "$T/o" "good.chk: grade A (100/100)"
contains "the key in two strings is one 2048-bit key" "$T/o" \
    "selector1 (rsa 2048)"
DMARCWARD_DNS_TIMEOUT=3000 "$DW" --resolver "$R" check --no-store --json \
    good.chk > "$T/o" 2>&1
contains "the MTA-STS policy host is looked up over real DNS" "$T/o" \
    'mta-sts.good.chk does not exist (NXDOMAIN)'

check --json split.chk big.chk loop.chk nomx.chk sub.inherit.chk \
    missing.chk > "$T/j" 2>&1
is "six domains, six results" "$(grep -c '"domain"' "$T/j")" 6
grep '"domain":"split.chk"' "$T/j" > "$T/o"
contains "a split DMARC record is joined (p=none)" "$T/o" \
    '"id":"dmarc.policy.none"'
grep '"domain":"big.chk"' "$T/j" > "$T/o"
contains "a truncated SPF answer arrives whole over TCP" "$T/o" \
    '"id":"spf.answer.too_big"'
grep -q '"spf.missing"\|"spf.syntax"\|dns.lookup.temporary' "$T/o"
_report $((1 - $?)) "and is read whole (no missing, syntax or failure)"
grep '"domain":"loop.chk"' "$T/j" > "$T/o"
contains "a CNAME loop at _dmarc is a temporary failure" "$T/o" \
    '"id":"dmarc.lookup.temporary"'
grep -q '"dmarc.missing"' "$T/o"
_report $((1 - $?)) "never reported as no DMARC record"
grep '"domain":"nomx.chk"' "$T/j" > "$T/o"
contains "an MX host without an address" "$T/o" \
    '"id":"mx.host.unresolvable"'
grep '"domain":"sub.inherit.chk"' "$T/j" > "$T/o"
contains "the tree walk finds the organizational domain" "$T/o" \
    '"org_domain":"inherit.chk","dmarc":{"policy_domain":"inherit.chk"'
grep '"domain":"missing.chk"' "$T/j" > "$T/o"
contains "NXDOMAIN for the domain" "$T/o" '"id":"domain.not_found"'

if [ -n "$SIGNED" ]; then
	sec() {
		DMARCWARD_DNS_TIMEOUT=3000 "$DW" --resolver "$R" \
		    --trust-anchor "$T/anchor.ds" check --no-store "$@"
	}
	sec --json secure.chk > "$T/o" 2>&1
	contains "DNSSEC: a signed zone validates" "$T/o" \
	    '"dnssec":"secure"'
	grep -q '"dnssec\.' "$T/o"
	_report $((1 - $?)) "DNSSEC: no DNSSEC finding for a secure zone"
	sec --json broken.secure.chk > "$T/o" 2>&1
	contains "DNSSEC: a tampered answer is bogus" "$T/o" \
	    '"id":"dnssec.bogus"'
	contains "DNSSEC: with the reason" "$T/o" "DNSSEC bogus"
	sec --json good.chk > "$T/o" 2>&1
	contains "DNSSEC: outside the anchor, insecure" "$T/o" \
	    '"id":"dnssec.unsigned"'
else
	skip "DNSSEC" "ldns-keygen/ldns-signzone missing (ldnsutils)"
fi

# a server that takes queries and never answers: every lookup is a
# temporary failure, never "no record"
if silent_start; then
	start=$(date +%s)
	DMARCWARD_DNS_TIMEOUT=1000 "$DW" --resolver "$SILENT_R" check \
	    --no-store --json good.chk > "$T/o" 2>&1
	st=$?
	end=$(date +%s)
	contains "silent server: DMARC unknown, not missing" "$T/o" \
	    '"id":"dmarc.lookup.temporary"'
	contains "silent server: the MX lookup failed" "$T/o" \
	    '"id":"dns.lookup.temporary"'
	grep -q '"dmarc.missing"\|"spf.missing"\|"mx.none"\|"domain.not_found"' \
	    "$T/o"
	_report $((1 - $?)) "silent server: nothing reported as absent"
	is "silent server: exit status medium (3)" "$st" 3
	[ $((end - start)) -le 8 ]
	_report $? "silent server: timeouts honoured (took $((end - start)) s)"
else
	skip "silent server" "python3 missing for the silent server"
fi

done_testing
