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
