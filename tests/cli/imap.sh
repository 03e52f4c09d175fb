#!/bin/sh
# imap.sh: dmarcward fetch against a real dovecot on loopback (started and
# stopped here, see tests/lib/dovecot.sh): password and XOAUTH2 logins,
# only new messages taken, moves to the archive and invalid folders only
# after the commit, moves left over by a dead fetch made by the next one,
# a fetch killed at random points losing and doubling nothing, and the
# failures (wrong password, expired token, untrusted certificate, server
# gone) each a clear error.
. tests/lib/tap.sh
. tests/lib/dovecot.sh

if ! dovecot_start; then
	skip "imap" "dovecot (dovecot-imapd) or openssl is not installed"
	done_testing
	exit 0
fi
trap 'dovecot_stop; rm -rf "$T"' EXIT

DB="$T/db.sqlite"
fetch() {
	"$DW" --db "$DB" fetch imap "$IMAP_URL" --user "$IMAP_USER" \
	    --ca-file "$IMAP_CA" --retries 0 --timeout 10 "$@"
}
q() { sqlite3 "$DB" "$1"; }

# mkmsg ID DOMAIN: a report mail carrying one small aggregate report.
mkmsg() {
	cat <<EOM
From: noreply-dmarc@receiver.example
To: dmarc@clinic.example
Subject: Report domain: $2 Submitter: receiver.example Report-ID: $1
Date: Sat, 22 Nov 2026 10:00:00 +0000
Message-ID: <$1@receiver.example>
MIME-Version: 1.0
Content-Type: text/xml; name="receiver.example!$2!$1.xml"
Content-Disposition: attachment

<?xml version="1.0"?>
<feedback>
  <report_metadata><org_name>receiver.example</org_name>
    <email>noreply@receiver.example</email><report_id>$1</report_id>
    <date_range><begin>1763769600</begin><end>1763855999</end></date_range>
  </report_metadata>
  <policy_published><domain>$2</domain><p>none</p></policy_published>
  <record><row><source_ip>192.0.2.7</source_ip><count>3</count>
    <policy_evaluated><disposition>none</disposition><dkim>pass</dkim>
    <spf>pass</spf></policy_evaluated></row>
    <identifiers><header_from>$2</header_from></identifiers>
    <auth_results><spf><domain>$2</domain><result>pass</result></spf>
    </auth_results></record>
</feedback>
EOM
}

mkdir -p "$T/msgs"
for i in 1 2 3; do
	mkmsg "r$i" clinic.example > "$T/msgs/r$i.eml"
done
printf 'From: a@b.example\nSubject: hello\n\nno report here\n' \
    > "$T/msgs/junk.eml"
cp "$DW_TOP/examples/yahoo!examplehealth.org!1762992000!1763078399.eml" \
    "$T/msgs/yahoo.eml"

# --- password login, archive and invalid folders -----------------------
for m in r1 r2 junk yahoo; do dovecot_deliver "$T/msgs/$m.eml"; done
fails "a rejected message makes the exit status 1" 1 \
    fetch --password-file "$IMAP_PASSFILE" --archive Archive \
    --invalid Invalid --json
fetch --password-file "$IMAP_PASSFILE" --archive Archive \
    --invalid Invalid --json > "$T/again.json" 2>&1
is "three reports stored" "$(q 'SELECT count(*) FROM reports')" 3
is "the inbox is empty" "$(dovecot_count INBOX)" 0
is "three messages archived" "$(dovecot_count Archive)" 3
is "the message without a report went to Invalid" \
    "$(dovecot_count Invalid)" 1
contains "a second fetch takes nothing" "$T/again.json" '"taken": 0'
is "mailbox state kept" \
    "$(q "SELECT count(*) FROM mailboxes WHERE last_uid = 4")" 1
is "no move left over" "$(q 'SELECT count(*) FROM mailbox_moves')" 0

# --- a copy of a stored report is a duplicate, and archived ------------
dovecot_deliver "$T/msgs/r1.eml"
fetch --password-file "$IMAP_PASSFILE" --archive Archive \
    --invalid Invalid --json > "$T/dup.json" 2>&1
contains "the same message again is already stored" "$T/dup.json" \
    '"inputs_duplicate": 1'
is "still three reports" "$(q 'SELECT count(*) FROM reports')" 3
is "the duplicate archived too" "$(dovecot_count Archive)" 4

# --- without folders messages stay, and are not taken twice ------------
dovecot_deliver "$T/msgs/r3.eml"
ok "fetch without folders" fetch --password-file "$IMAP_PASSFILE"
ok "fetch without folders again" fetch --password-file "$IMAP_PASSFILE" \
    --json
fetch --password-file "$IMAP_PASSFILE" --json > "$T/stay.json" 2>&1
contains "the message left in the inbox is not taken again" \
    "$T/stay.json" '"taken": 0'
is "the message is still in the inbox" "$(dovecot_count INBOX)" 1
is "four reports" "$(q 'SELECT count(*) FROM reports')" 4

# --- moves recorded but not made (the fetcher died) are made next ------
uid=$(q "SELECT last_uid FROM mailboxes")
q "INSERT INTO mailbox_moves VALUES ((SELECT id FROM mailboxes), $uid,
    'Archive')"
ok "a later fetch makes the left-over move" \
    fetch --password-file "$IMAP_PASSFILE"
is "the left-over message was archived" "$(dovecot_count INBOX)" 0
is "and the move forgotten" "$(q 'SELECT count(*) FROM mailbox_moves')" 0

# --- XOAUTH2 ------------------------------------------------------------
mkmsg r4 clinic.example > "$T/msgs/r4.eml"
dovecot_deliver "$T/msgs/r4.eml"
dovecot_token "$IMAP_USER" 600 > "$T/token"
ok "XOAUTH2 with a valid token" \
    fetch --oauth2-token-file "$T/token" --archive Archive
is "the report came through XOAUTH2" \
    "$(q "SELECT count(*) FROM reports WHERE report_id = 'r4'")" 1
contains "dovecot saw an XOAUTH2 login" "$T/dovecot/dovecot.log" \
    "method=XOAUTH2"
dovecot_token "$IMAP_USER" -30 > "$T/expired"
fails "an expired token is refused" 2 \
    fetch --oauth2-token-file "$T/expired"
fetch --oauth2-token-file "$T/expired" > "$T/exp.out" 2>&1
contains "and says the login was refused" "$T/exp.out" "login refused"

# --- failures -------------------------------------------------------------
printf 'wrong\n' > "$T/badpass"
fails "a wrong password exits 2" 2 fetch --password-file "$T/badpass"
fetch --password-file "$T/badpass" > "$T/bad.out" 2>&1
contains "and names the login" "$T/bad.out" "login refused for reports"
"$DW" --db "$DB" fetch imap "$IMAP_URL" --user "$IMAP_USER" \
    --password-file "$IMAP_PASSFILE" --retries 0 > "$T/ca.out" 2>&1
is "an untrusted certificate exits 2" $? 2
contains "and says why" "$T/ca.out" "certificate"
fails "a URL with a password in it is refused" 2 \
    "$DW" --db "$DB" fetch imap "imaps://u:p@127.0.0.1/INBOX" --user u \
    --password-file "$IMAP_PASSFILE"
fails "a plain-text scheme is refused" 2 \
    "$DW" --db "$DB" fetch imap "http://127.0.0.1/INBOX" --user u \
    --password-file "$IMAP_PASSFILE"
fails "a folder name with a quote is refused" 2 \
    fetch --password-file "$IMAP_PASSFILE" --archive 'Ar"chive'

# --- killed at random points: nothing lost, nothing doubled --------------
n=120
i=1
while [ $i -le $n ]; do
	mkmsg "k$i" clinic.example > "$T/msgs/k.eml"
	dovecot_deliver "$T/msgs/k.eml"
	i=$((i + 1))
done
for delay in 0.2 0.4 0.3 0.6; do
	fetch --password-file "$IMAP_PASSFILE" --archive Archive \
	    > /dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
done
ok "a fetch after the kills completes" \
    fetch --password-file "$IMAP_PASSFILE" --archive Archive
is "every killed-batch report stored once" \
    "$(q "SELECT count(*), count(DISTINCT report_id) FROM reports
        WHERE report_id LIKE 'k%'")" "$n|$n"
is "the inbox is empty after the kills" "$(dovecot_count INBOX)" 0
is "the store is consistent" "$(q 'PRAGMA integrity_check')" ok

# --- the server goes away -------------------------------------------------
dovecot_stop
fails "a server that is gone exits 2" 2 \
    fetch --password-file "$IMAP_PASSFILE" --timeout 2
done_testing
