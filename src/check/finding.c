/* finding.c: the one table of posture findings (see finding.h). */
#include <string.h>

#include "check/finding.h"

#define AU	HIPAA_AUDIT
#define AN	HIPAA_AUTH
#define TR	HIPAA_TRANSMISSION
#define I	CHECK_SEV_INFO
#define L	CHECK_SEV_LOW
#define M	CHECK_SEV_MEDIUM
#define H	CHECK_SEV_HIGH
#define C	CHECK_SEV_CRITICAL

static const struct check_def defs[CF__COUNT] = {
#define F(fid, id, sev, hipaa, title, why, fix) \
	[fid] = { id, sev, hipaa, title, why, fix }
F(CF_DOMAIN_NOT_FOUND, "domain.not_found", H, AN,
    "The domain does not exist in the DNS",
    "NXDOMAIN for the domain itself: nothing below can be checked, and "
    "mail from it is refused by most receivers.",
    "Check the spelling, or register the domain and publish its records."),

F(CF_DMARC_MISSING, "dmarc.missing", C, AN,
    "No DMARC record",
    "Without DMARC, receivers have no instruction to refuse mail that "
    "forges the domain, and no reports show who sends as it: anyone can "
    "impersonate the practice to patients.",
    "Publish a DMARC record at p=none with rua=, read the reports, then "
    "move to quarantine and reject."),
F(CF_DMARC_TEMPORARY, "dmarc.lookup.temporary", M, AN,
    "The DMARC lookup failed temporarily",
    "A timeout or SERVFAIL is not \"no record\": receivers that see the "
    "same failure defer or skip DMARC, and the posture is unknown.",
    "Check that every authoritative server answers for _dmarc (and, "
    "with DNSSEC, that the signatures are valid); run the check again."),
F(CF_DMARC_MULTIPLE, "dmarc.multiple", C, AN,
    "Several DMARC records",
    "Receivers discard every record when there is more than one "
    "(RFC 9989 section 4.10): the domain has no DMARC at all.",
    "Keep exactly one v=DMARC1 TXT record at _dmarc."),
F(CF_DMARC_INVALID, "dmarc.invalid", C, AN,
    "The DMARC record is not usable",
    "A record receivers cannot use (wrong version, duplicate tags, no "
    "valid p= and no valid rua=) gets no DMARC processing.",
    "Replace it with the record given."),
F(CF_DMARC_SYNTAX, "dmarc.syntax", M, AN,
    "The DMARC record has errors receivers work around",
    "Receivers ignore bad values or fall back to p=none, and lenient and "
    "strict receivers read the record differently.",
    "Correct the tags named."),
F(CF_DMARC_POLICY_NONE, "dmarc.policy.none", H, AN,
    "DMARC policy is p=none (monitoring only)",
    "p=none asks receivers to deliver forged mail as usual: the domain "
    "can still be used to phish patients and staff.",
    "When the reports show every legitimate sender passes, publish the "
    "next record (quarantine, then reject)."),
F(CF_DMARC_POLICY_QUARANTINE, "dmarc.policy.quarantine", L, AN,
    "DMARC policy is p=quarantine",
    "Forged mail lands in spam folders instead of being refused; "
    "p=reject is the end state.",
    "Publish the next record at p=reject."),
F(CF_DMARC_TEST_MODE, "dmarc.policy.test_mode", M, AN,
    "DMARC test mode (t=y)",
    "With t=y receivers apply one policy level lower than published "
    "(RFC 9989 section 4.7): reject acts as quarantine, quarantine as "
    "none.",
    "Remove t=y once the reports are clean."),
F(CF_DMARC_SUBDOMAIN_WEAKER, "dmarc.policy.subdomain_weaker", M, AN,
    "Subdomain policy weaker than the domain's",
    "Attackers forge an invented subdomain (billing.example.org) when "
    "sp= or np= is weaker than p=.",
    "Drop sp= and np= (they default to p=) or raise them."),
F(CF_DMARC_INHERITED, "dmarc.inherited", I, AN,
    "DMARC policy comes from the organizational domain",
    "The domain has no record of its own; receivers apply the "
    "organizational domain's sp= (or np= when the name does not exist).",
    "Nothing to do unless this domain needs a policy of its own."),
F(CF_DMARC_TAG_REMOVED, "dmarc.tag.removed", L, AN,
    "Removed DMARC tags (pct, rf, ri)",
    "RFC 9989 removed pct, rf and ri: they no longer mean anything, and "
    "pct<100 no longer phases a policy in (t=y replaces it).",
    "Remove the tags; use t=y to test a policy."),
F(CF_DMARC_TAG_UNKNOWN, "dmarc.tag.unknown", L, AN,
    "Unknown DMARC tags",
    "Receivers ignore unknown tags (RFC 9989 section 4.7): a misspelt "
    "tag silently does nothing.",
    "Correct or remove the tags named."),
F(CF_DMARC_RUA_MISSING, "dmarc.rua.missing", M, AU,
    "No DMARC aggregate reports requested (rua=)",
    "Without aggregate reports there is no record of who sends mail as "
    "the domain: no monitoring evidence and no safe path to p=reject.",
    "Add rua= with a mailbox dmarcward reads."),
F(CF_DMARC_URI_INVALID, "dmarc.report_uri.invalid", M, AU,
    "A DMARC report address is not usable",
    "Receivers send no reports to a malformed URI or an unsupported "
    "scheme: the reports are lost.",
    "Use mailto: URIs with a full address."),
F(CF_DMARC_URI_UNAUTHORIZED, "dmarc.report_uri.unauthorized", M, AU,
    "Report destination outside the domain is not authorized",
    "Receivers send reports to another domain only when it publishes "
    "<domain>._report._dmarc.<destination> (RFC 9990): without it the "
    "reports are dropped.",
    "Have the destination's DNS publish the authorization record given, "
    "or use an address in the domain."),
F(CF_DMARC_URI_AUTH_UNKNOWN, "dmarc.report_uri.auth_unknown", L, AU,
    "Report authorization could not be checked",
    "The lookup of the authorization record failed temporarily; "
    "receivers that see the same may drop the reports.",
    "Check the destination's DNS and run the check again."),
F(CF_DMARC_RUF_PHI, "dmarc.ruf.phi", L, TR,
    "Failure reports requested (ruf=)",
    "Failure reports carry headers and sometimes content of real "
    "messages, which can be PHI; they travel as ordinary mail.",
    "Send them only to a mailbox under the organization's control or a "
    "vendor under a BAA, or drop ruf=."),

F(CF_SPF_MISSING, "spf.missing", H, AN,
    "No SPF record",
    "Receivers cannot tell which servers may send as the domain, and "
    "DMARC can pass only through DKIM.",
    "Publish an SPF record listing every service that sends as the "
    "domain, ending in -all."),
F(CF_SPF_MULTIPLE, "spf.multiple", H, AN,
    "Several SPF records",
    "Two v=spf1 records are a permanent error (RFC 7208 section 4.5): "
    "SPF fails for all mail.",
    "Merge them into the one record given."),
F(CF_SPF_SYNTAX, "spf.syntax", H, AN,
    "The SPF record does not parse",
    "A syntax error is a permanent error for every message.",
    "Correct the term named."),
F(CF_SPF_LOOKUP_LIMIT, "spf.lookups.over_limit", H, AN,
    "More than 10 DNS-querying SPF terms",
    "Over 10 include/a/mx/ptr/exists/redirect lookups is a permanent "
    "error (RFC 7208 section 4.6.4): SPF fails for all mail.",
    "Flatten includes into ip4:/ip6: ranges or drop unused senders."),
F(CF_SPF_VOID_LIMIT, "spf.void.over_limit", H, AN,
    "More than 2 void SPF lookups",
    "A third lookup with no answer is a permanent error "
    "(RFC 7208 section 4.6.4).",
    "Remove the terms that name domains without records."),
F(CF_SPF_VOID_LOOKUP, "spf.void.lookup", L, AN,
    "An SPF term names a domain without records",
    "Each void lookup counts toward the limit of 2 and usually means a "
    "sender that is gone.",
    "Remove the term."),
F(CF_SPF_ALL_PASS, "spf.all.pass", C, AN,
    "SPF allows every server (+all)",
    "+all authorizes the whole Internet to send as the domain.",
    "End the record with -all."),
F(CF_SPF_ALL_NEUTRAL, "spf.all.neutral", H, AN,
    "SPF ends in ?all",
    "Neutral says nothing about other servers: forged mail is not "
    "marked.",
    "End the record with -all (or ~all while reviewing reports)."),
F(CF_SPF_ALL_SOFTFAIL, "spf.all.softfail", L, AN,
    "SPF ends in ~all",
    "Softfail marks other servers as suspicious but most receivers still "
    "accept their mail; with DMARC at reject this matters less.",
    "End the record with -all once every sender is listed."),
F(CF_SPF_ALL_MISSING, "spf.all.missing", M, AN,
    "SPF has no all term",
    "Without all (or redirect=) the default result is neutral for every "
    "server not listed.",
    "End the record with -all."),
F(CF_SPF_INCLUDE_BROKEN, "spf.include.broken", H, AN,
    "An SPF include or redirect points at no usable record",
    "An include of a name without an SPF record is a permanent error "
    "for every message that reaches it.",
    "Remove the term or correct the name."),
F(CF_SPF_INCLUDE_LOOP, "spf.include.loop", H, AN,
    "SPF includes loop or nest too deeply",
    "A loop never ends within the lookup limit: permanent error.",
    "Break the loop."),
F(CF_SPF_PTR, "spf.ptr", L, AN,
    "SPF uses ptr",
    "ptr is deprecated (RFC 7208 section 5.5), slow, and many receivers "
    "skip it.",
    "Replace ptr with ip4:/ip6: ranges."),
F(CF_SPF_STRING_TOO_LONG, "spf.string.too_long", M, AN,
    "An SPF TXT string is over 255 bytes",
    "One character-string holds at most 255 bytes (RFC 1035): DNS "
    "servers refuse or cut the record.",
    "Split the record into several quoted strings."),
F(CF_SPF_ANSWER_TOO_BIG, "spf.answer.too_big", L, AN,
    "The SPF TXT answer is over 512 bytes",
    "Receivers without EDNS must retry over TCP; some give temperror.",
    "Shorten the record or move other TXT records elsewhere."),
F(CF_SPF_RANGE_OVERLAP, "spf.range.overlap", I, AN,
    "Overlapping or duplicate SPF ranges",
    "Harmless, but a sign the record is not maintained.",
    "Remove the range that is covered."),
F(CF_SPF_RANGE_WIDE, "spf.range.wide", M, AN,
    "A very wide SPF range",
    "A short prefix authorizes many servers the organization does not "
    "run.",
    "List the senders' exact ranges."),
F(CF_SPF_OTHER, "spf.other", L, AN,
    "Other SPF problem",
    "The SPF record has a problem that affects some receivers.",
    "See the detail."),

F(CF_DKIM_NONE_FOUND, "dkim.none_found", M, AN,
    "No DKIM key found at the selectors tried",
    "Without a DKIM key DMARC can pass only through SPF, which breaks "
    "when mail is forwarded. (Selectors are not listed in the DNS: a key "
    "may exist under a name not tried.)",
    "Turn on DKIM signing in each sending service, or give its selector "
    "with --selector."),
F(CF_DKIM_MULTIPLE, "dkim.key.multiple", M, AN,
    "Several TXT records at a DKIM selector",
    "Verifiers may use any of them (RFC 6376 section 3.6.2.2): "
    "signatures fail at random.",
    "Keep one key record per selector."),
F(CF_DKIM_INVALID, "dkim.key.invalid", H, AN,
    "A DKIM key record is not usable",
    "Verifiers cannot use the key: every signature with this selector "
    "fails.",
    "Publish the key record the signing service gives."),
F(CF_DKIM_RSA_TOO_SHORT, "dkim.key.rsa_too_short", C, AN,
    "RSA DKIM key under 1024 bits",
    "Verifiers must not accept it (RFC 8301 section 3.2), and it can be "
    "factored: signatures fail or can be forged.",
    "Generate a 2048-bit key and publish it under a new selector."),
F(CF_DKIM_RSA_WEAK, "dkim.key.rsa_weak", M, AN,
    "RSA DKIM key under 2048 bits",
    "RFC 8301 section 3.2 asks for 2048 bits; 1024-bit keys are within "
    "reach of well-funded attackers.",
    "Rotate to a 2048-bit key."),
F(CF_DKIM_REVOKED, "dkim.key.revoked", I, AN,
    "A revoked DKIM key (empty p=)",
    "Signatures with this selector fail; expected after a rotation.",
    "Nothing to do if no service still signs with this selector."),
F(CF_DKIM_TESTING, "dkim.key.testing", L, AN,
    "DKIM key in test mode (t=y)",
    "Verifiers may treat failures as if unsigned.",
    "Remove t=y once signing works."),
F(CF_DKIM_SHA1_ONLY, "dkim.key.sha1_only", H, AN,
    "DKIM key allows only SHA-1 (h=sha1)",
    "Verifiers must not accept SHA-1 signatures (RFC 8301): every "
    "signature fails.",
    "Drop h= or set h=sha256."),
F(CF_DKIM_ED25519_ONLY, "dkim.key.ed25519_only", M, AN,
    "Only Ed25519 DKIM keys",
    "Many receivers do not verify Ed25519 (RFC 8463) yet: sign with an "
    "RSA key as well.",
    "Add an RSA 2048-bit key under another selector and dual-sign."),

F(CF_MTASTS_MISSING, "mtasts.missing", M, TR,
    "No MTA-STS record",
    "Without MTA-STS, a network attacker can strip STARTTLS and read "
    "inbound mail, PHI included.",
    "Publish the _mta-sts record and serve the policy file given at "
    "https://mta-sts.<domain>/.well-known/mta-sts.txt."),
F(CF_MTASTS_MULTIPLE, "mtasts.multiple", M, TR,
    "Several MTA-STS records",
    "Senders treat the domain as having no MTA-STS policy "
    "(RFC 8461 section 3.1).",
    "Keep one v=STSv1 record."),
F(CF_MTASTS_INVALID, "mtasts.invalid", M, TR,
    "The MTA-STS record is not valid",
    "Senders ignore an invalid record: no MTA-STS protection.",
    "Publish the record given."),
F(CF_STS_UNREACHABLE, "mtasts.policy.unreachable", M, TR,
    "The MTA-STS policy could not be fetched",
    "Senders that find the _mta-sts record fetch the policy from "
    "mta-sts.<domain>; when the host does not exist, has no address or "
    "does not answer, they apply no policy and inbound mail can be "
    "downgraded to clear text.",
    "Publish an address for mta-sts.<domain> and serve the policy at "
    "https://mta-sts.<domain>/.well-known/mta-sts.txt on port 443."),
F(CF_STS_HOST_NOT_PUBLIC, "mtasts.policy.host_not_public", M, TR,
    "The MTA-STS policy host resolves to a non-public address",
    "A loopback, private, link-local or reserved address cannot be "
    "reached by senders on the internet, and a checker that followed it "
    "could be turned against the internal network: it is not contacted.",
    "Point mta-sts.<domain> at the public address of the web server "
    "that serves the policy."),
F(CF_STS_TLS, "mtasts.policy.tls", M, TR,
    "TLS to the MTA-STS policy host fails",
    "The policy must be fetched over HTTPS with TLS 1.2 or newer "
    "(RFC 8461 section 3.3); senders that cannot complete the handshake "
    "apply no policy.",
    "Enable TLS 1.2 or 1.3 on the web server for mta-sts.<domain>."),
F(CF_STS_CERT, "mtasts.policy.certificate", M, TR,
    "The MTA-STS policy host's certificate is not valid",
    "Senders must validate the certificate of the policy host (RFC 8461 "
    "section 3.3): an untrusted, expired or misnamed certificate means "
    "no policy, so no protection against STARTTLS stripping.",
    "Install a certificate from a public CA whose names include "
    "mta-sts.<domain>, with its intermediate certificates."),
F(CF_STS_CERT_WEAK, "mtasts.policy.certificate.weak", L, TR,
    "The MTA-STS policy host's certificate expires soon or is weak",
    "When it expires senders can no longer fetch the policy; an RSA key "
    "under 2048 bits is refused by a growing number of clients.",
    "Renew the certificate (automatically, e.g. with ACME) with a "
    "2048-bit RSA or an ECDSA key."),
F(CF_STS_REDIRECT, "mtasts.policy.redirect", M, TR,
    "The MTA-STS policy URL redirects",
    "Senders must not follow redirects when fetching the policy "
    "(RFC 8461 section 3.3): a redirected policy is no policy.",
    "Serve the policy file itself at "
    "https://mta-sts.<domain>/.well-known/mta-sts.txt, with status 200."),
F(CF_STS_HTTP_STATUS, "mtasts.policy.http_status", M, TR,
    "The MTA-STS policy URL does not answer 200",
    "Any status but 200 OK means senders have no policy.",
    "Serve the policy file at /.well-known/mta-sts.txt on "
    "mta-sts.<domain>."),
F(CF_STS_CONTENT_TYPE, "mtasts.policy.content_type", M, TR,
    "The MTA-STS policy is not served as text/plain",
    "RFC 8461 section 3.2 requires the media type text/plain; strict "
    "senders refuse the policy otherwise.",
    "Configure the web server to send Content-Type: text/plain for "
    "mta-sts.txt."),
F(CF_STS_TOO_LARGE, "mtasts.policy.too_large", M, TR,
    "The MTA-STS policy is over 64 KiB",
    "A policy is a few lines; senders cap what they read (RFC 8461 "
    "section 3.3 suggests 64 KiB) and refuse the rest, so the domain has "
    "no policy.",
    "Serve the short policy file given."),
F(CF_STS_INVALID, "mtasts.policy.invalid", M, TR,
    "The MTA-STS policy file is not valid",
    "Senders ignore a policy with a bad version, mode, max_age or mx "
    "line (RFC 8461 section 3.2): no MTA-STS protection.",
    "Serve the policy file given and publish the new id with it."),
F(CF_STS_MODE_TESTING, "mtasts.policy.testing", L, TR,
    "The MTA-STS policy is in testing mode",
    "In testing mode senders report TLS failures but still deliver "
    "without TLS: an attacker who strips STARTTLS reads the mail.",
    "When TLS reports show no failures, serve the policy with "
    "mode: enforce and publish a new id."),
F(CF_STS_MODE_NONE, "mtasts.policy.none", M, TR,
    "The MTA-STS policy is mode none",
    "Mode none withdraws MTA-STS: senders drop the policy and inbound "
    "mail is open to downgrade again.",
    "Unless MTA-STS is being removed on purpose, serve a policy in "
    "testing or enforce mode and publish a new id."),
F(CF_STS_MX_UNCOVERED, "mtasts.policy.mx_uncovered", H, TR,
    "An MX host is not covered by the enforced MTA-STS policy",
    "Senders that enforce the policy refuse to deliver to an MX that no "
    "mx pattern matches (RFC 8461 section 4.1): mail sent to it bounces "
    "or waits.",
    "Serve the policy file given, which lists every MX host, and publish "
    "the new id."),
F(CF_STS_MX_UNCOVERED_TESTING, "mtasts.policy.mx_uncovered.testing", M,
    TR,
    "An MX host is not covered by the MTA-STS policy (testing mode)",
    "Senders report every delivery to that MX as a policy failure, and "
    "moving to enforce mode would stop mail to it.",
    "Serve the policy file given, which lists every MX host, and publish "
    "the new id."),
F(CF_STS_MX_UNUSED, "mtasts.policy.mx_unused", I, TR,
    "An mx pattern of the MTA-STS policy matches no MX host",
    "A stale pattern lets senders accept a host that no longer receives "
    "the domain's mail.",
    "Remove the pattern from the policy and publish a new id."),
F(CF_STS_MAX_AGE_SHORT, "mtasts.policy.max_age_short", L, TR,
    "The MTA-STS max_age is under a day",
    "Senders forget the policy after max_age seconds; a short one leaves "
    "gaps an attacker can use (RFC 8461 section 3.2 recommends weeks).",
    "Serve the policy with a max_age of a week or more and publish a new "
    "id."),
F(CF_STS_ID_UNCHANGED, "mtasts.policy.id_unchanged", M, TR,
    "The MTA-STS policy changed but its id did not",
    "Senders refetch the policy only when the id in the _mta-sts record "
    "changes (RFC 8461 section 3.1): those that cached the old policy "
    "keep applying it until its max_age runs out.",
    "Publish the _mta-sts record with a new id."),
F(CF_TLSRPT_MISSING, "tlsrpt.missing", L, AU,
    "No TLS-RPT record",
    "Senders cannot report failed or downgraded TLS deliveries: "
    "transmission problems go unnoticed.",
    "Publish the TLS-RPT record given."),
F(CF_TLSRPT_MULTIPLE, "tlsrpt.multiple", L, AU,
    "Several TLS-RPT records",
    "Senders send no reports when there is more than one "
    "(RFC 8460 section 3).",
    "Keep one v=TLSRPTv1 record."),
F(CF_TLSRPT_INVALID, "tlsrpt.invalid", L, AU,
    "The TLS-RPT record is not valid",
    "Senders send no reports to an invalid record.",
    "Publish the record given."),
F(CF_BIMI_MULTIPLE, "bimi.multiple", L, AN,
    "Several BIMI records",
    "Mailbox providers show no logo when the record is ambiguous.",
    "Keep one v=BIMI1 record."),
F(CF_BIMI_INVALID, "bimi.invalid", L, AN,
    "The BIMI record is not valid",
    "Mailbox providers ignore it.",
    "Correct the tags named (l= and a= must be https: URIs)."),
F(CF_BIMI_WEAK_DMARC, "bimi.dmarc_not_enforced", L, AN,
    "BIMI without an enforced DMARC policy",
    "BIMI logos are shown only for domains at p=quarantine or p=reject.",
    "Move DMARC to p=quarantine or p=reject."),

F(CF_MX_NONE, "mx.none", L, TR,
    "No MX record",
    "Senders fall back to the domain's A/AAAA record (RFC 5321 section "
    "5.1) and may deliver to a web server.",
    "Publish MX records, or a null MX if the domain receives no mail."),
F(CF_MX_NULL, "mx.null", I, TR,
    "Null MX: the domain receives no mail (RFC 7505)",
    "A domain that receives no mail should also send none: SPF -all and "
    "DMARC p=reject protect it from forgery.",
    "Publish v=spf1 -all and a DMARC record at p=reject."),
F(CF_MX_NULL_MIXED, "mx.null.mixed", M, TR,
    "Null MX published with other MX records",
    "RFC 7505 section 3 allows the null MX only alone: senders disagree "
    "on whether the domain takes mail.",
    "Keep either the null MX or the real MX records."),
F(CF_MX_UNRESOLVABLE, "mx.host.unresolvable", H, TR,
    "An MX host has no address",
    "Senders cannot deliver to an MX without A or AAAA records; if it "
    "is the only one, inbound mail bounces.",
    "Publish the host's address or remove the MX."),
F(CF_MX_CNAME, "mx.host.cname", L, TR,
    "An MX host is a CNAME",
    "MX targets must not be aliases (RFC 2181 section 10.3); some "
    "senders refuse them.",
    "Point the MX at the canonical name."),
F(CF_MX_ADDRESS, "mx.host.address", M, TR,
    "An MX record holds an IP address",
    "An MX target must be a host name (RFC 5321 section 5.1); senders "
    "look the literal up as a name and fail.",
    "Publish a host name with an A/AAAA record and point the MX at it."),
F(CF_SMTP_HOST_NOT_PUBLIC, "smtp.host_not_public", H, TR,
    "An MX host resolves to a non-public address",
    "Senders on the internet cannot deliver to a loopback, private, "
    "link-local or reserved address; the probe does not contact it.",
    "Point the MX host's A/AAAA records at its public address."),
F(CF_SMTP_UNREACHABLE, "smtp.unreachable", M, TR,
    "An MX host could not be reached on port 25",
    "Senders that cannot connect queue the mail and retry; if every MX "
    "is unreachable, mail is delayed, then bounced.  (Networks that "
    "block outbound port 25 give the same result: check from outside.)",
    "Make sure the MX listens on port 25 and the firewall admits SMTP "
    "from the internet."),
F(CF_SMTP_PROTOCOL, "smtp.protocol", M, TR,
    "An MX host does not speak SMTP correctly",
    "A refused greeting or EHLO, malformed or over-long replies, or a "
    "dropped connection make senders fail or fall back.",
    "Check the mail server's configuration and logs."),
F(CF_SMTP_NO_STARTTLS, "smtp.starttls.missing", H, TR,
    "An MX host does not offer STARTTLS",
    "Mail to this host, PHI included, crosses the internet in clear "
    "text.",
    "Enable STARTTLS (RFC 3207) with a valid certificate on the MX."),
F(CF_SMTP_STARTTLS_FAILED, "smtp.starttls.failed", H, TR,
    "STARTTLS on an MX host fails",
    "The MX offers STARTTLS but refuses it or cannot complete the TLS "
    "handshake: most senders then deliver in clear text, MTA-STS "
    "senders not at all.",
    "Fix the TLS configuration of the MX (certificate, key, protocols)."),
F(CF_SMTP_INJECTION, "smtp.starttls.injection", H, TR,
    "An MX host sends data after its STARTTLS reply",
    "Bytes after the 220 to STARTTLS are the sign of the command "
    "injection flaw (CVE-2011-0411 class) or of a middlebox tampering "
    "with the session.",
    "Update the mail server or remove the device that rewrites SMTP."),
F(CF_SMTP_TLS_WEAK, "smtp.tls.weak", M, TR,
    "An MX host negotiates TLS 1.0/1.1 or a weak cipher",
    "TLS 1.0 and 1.1 are deprecated (RFC 8996) and ciphers under 128 "
    "bits can be broken; senders requiring TLS 1.2 (MTA-STS) refuse "
    "the host.",
    "Enable TLS 1.2 and 1.3 and modern ciphers on the MX."),
F(CF_SMTP_CERT, "smtp.certificate", M, TR,
    "An MX host's certificate is not valid",
    "An untrusted, expired or misnamed certificate lets an attacker in "
    "the path impersonate the MX, and rules out MTA-STS enforce mode "
    "and DANE.",
    "Install a certificate from a public CA whose names include the MX "
    "host name, with its intermediate certificates."),
F(CF_SMTP_CERT_STS, "smtp.certificate.mtasts", H, TR,
    "An MX host under an enforced MTA-STS policy has an invalid "
    "certificate",
    "Senders that enforce the policy validate the MX certificate "
    "(RFC 8461 section 4.2) and refuse to deliver: mail to it bounces "
    "or waits.",
    "Install a certificate from a public CA whose names include the MX "
    "host name, or move the policy to testing until it is fixed."),
F(CF_SMTP_CERT_WEAK, "smtp.certificate.weak", L, TR,
    "An MX host's certificate expires soon or is weak",
    "When it expires, MTA-STS senders stop delivering and others lose "
    "authentication; an RSA key under 2048 bits is weak.",
    "Renew the certificate (automatically, e.g. with ACME) with a "
    "2048-bit RSA or an ECDSA key."),

F(CF_DNS_TEMPORARY, "dns.lookup.temporary", M, AN,
    "A DNS lookup failed temporarily",
    "A timeout or SERVFAIL (a CNAME loop, broken DNSSEC, an unreachable "
    "server) leaves this part unknown, and receivers see the same.",
    "Check the zone's authoritative servers and run the check again."),
F(CF_DNS_TOO_MANY, "dns.records.too_many", L, AN,
    "Unusually many records at one name",
    "Answers this large are unusual and slow every receiver down; of MX "
    "hosts and report destinations only the first ones are checked.",
    "Remove the records that are not needed."),
F(CF_DNSSEC_UNSIGNED, "dnssec.unsigned", L, TR,
    "The zone is not signed with DNSSEC",
    "Without DNSSEC the records above can be forged in transit to a "
    "receiver, and DANE cannot protect SMTP.",
    "Sign the zone at the DNS provider and publish the DS record at the "
    "registrar."),
F(CF_DNSSEC_BOGUS, "dnssec.bogus", H, TR,
    "DNSSEC validation fails",
    "Validating receivers treat every answer as a failure: mail may be "
    "deferred or refused.",
    "Fix the signatures or the DS record at the registrar."),
#undef F
};

const struct check_def *
check_def(enum check_fid fid)
{
	return (size_t)fid < CF__COUNT ? &defs[fid] : NULL;
}

const struct check_def *
check_def_find(const char *id)
{
	size_t i;

	for (i = 0; i < CF__COUNT; i++)
		if (strcmp(defs[i].id, id) == 0)
			return &defs[i];
	return NULL;
}

static const char *const sev_names[] = {
	"info", "low", "medium", "high", "critical",
};

const char *
check_sev_name(enum check_sev s)
{
	return (size_t)s < 5 ? sev_names[s] : "?";
}

bool
check_sev_parse(const char *s, enum check_sev *out)
{
	size_t i;

	for (i = 0; i < 5; i++) {
		if (strcmp(s, sev_names[i]) == 0) {
			*out = (enum check_sev)i;
			return true;
		}
	}
	return false;
}

const char *
hipaa_ref_cite(enum hipaa_ref h)
{
	switch (h) {
	case HIPAA_AUDIT:
		return "164.312(b)";
	case HIPAA_AUTH:
		return "164.312(d)";
	case HIPAA_TRANSMISSION:
		return "164.312(e)(1)";
	}
	return "?";
}

const char *
hipaa_ref_name(enum hipaa_ref h)
{
	switch (h) {
	case HIPAA_AUDIT:
		return "audit controls";
	case HIPAA_AUTH:
		return "person or entity authentication";
	case HIPAA_TRANSMISSION:
		return "transmission security";
	}
	return "?";
}
