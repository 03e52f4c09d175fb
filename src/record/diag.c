/*
 * diag.c: the table of finding codes (id, default severity, message) and
 * the capped finding list.
 */
#include <stddef.h>

#include "record/diag.h"

static const struct {
	const char	*id;
	enum diag_sev	 sev;
	const char	*msg;
} codes[DIAG__COUNT] = {
#define C(code, id, sev, msg) [code] = { id, sev, msg }
C(DIAG_TL_SYNTAX, "taglist.syntax", DIAG_ERR,
    "tag-spec is not of the form name=value (RFC 6376 §3.2)"),
C(DIAG_TL_BAD_NAME, "taglist.bad_name", DIAG_ERR,
    "tag name has characters the syntax does not allow"),
C(DIAG_TL_BAD_CHAR, "taglist.bad_char", DIAG_ERR,
    "control character or non-ASCII byte in the record"),
C(DIAG_TL_EMPTY_SPEC, "taglist.empty_spec", DIAG_ERR,
    "empty element between semicolons (';;'); many receivers accept it,"
    " the RFC syntax does not"),
C(DIAG_TL_TRAILING_WSP, "taglist.trailing_wsp", DIAG_ERR,
    "whitespace after the final ';' (RFC 6376 §3.2); many verifiers"
    " accept it, the RFC syntax does not"),
C(DIAG_TL_DUPLICATE, "taglist.duplicate", DIAG_ERR,
    "tag appears more than once: the whole record is invalid"
    " (RFC 6376 §3.2)"),
C(DIAG_TL_TOO_MANY, "taglist.too_many", DIAG_ERR,
    "more tags than a record of this kind can sensibly hold"),
C(DIAG_TL_WSP_EQUALS, "taglist.wsp_equals", DIAG_ERR,
    "whitespace around '=' is not allowed in this record"),
C(DIAG_DMARC_EMPTY, "dmarc.empty", DIAG_ERR, "empty DMARC record"),
C(DIAG_DMARC_BAD_VERSION, "dmarc.bad_version", DIAG_ERR,
    "record does not start with v=DMARC1 (exact, case-sensitive value;"
    " RFC 9989 §4.7)"),
C(DIAG_DMARC_NOT_DMARC, "dmarc.not_dmarc", DIAG_INFO,
    "TXT record at _dmarc that is not a DMARC record: ignored"),
C(DIAG_DMARC_MULTIPLE, "dmarc.multiple_records", DIAG_ERR,
    "more than one DMARC record: receivers discard all of them"
    " (RFC 9989 §4.10)"),
C(DIAG_DMARC_BAD_VALUE, "dmarc.bad_value", DIAG_ERR,
    "value not allowed for this tag (RFC 9989 §4.8)"),
C(DIAG_DMARC_EMPTY_VALUE, "dmarc.empty_value", DIAG_ERR,
    "tag without a value (RFC 9989 §4.8 requires one)"),
C(DIAG_DMARC_ABBREVIATION, "dmarc.abbreviation", DIAG_WARN,
    "abbreviated value: some receivers (OpenDMARC) are lenient and read"
    " it as the full word, others ignore it; spell it out"),
C(DIAG_DMARC_NO_POLICY, "dmarc.no_policy", DIAG_ERR,
    "no valid p= and no valid rua=: receivers apply no DMARC processing"
    " (RFC 9989 §4.10.1)"),
C(DIAG_DMARC_P_MISSING, "dmarc.p_missing", DIAG_WARN,
    "no p= tag: receivers act as if p=none (RFC 9989 §4.7)"),
C(DIAG_DMARC_P_FALLBACK, "dmarc.p_fallback", DIAG_WARN,
    "invalid p=, sp= or np= with a valid rua=: receivers act as if p=none"
    " (RFC 9989 §4.10.1)"),
C(DIAG_DMARC_P_NOT_SECOND, "dmarc.p_not_second", DIAG_INFO,
    "p= is not right after v=; RFC 9989 allows any order but RFC 7489"
    " receivers may not"),
C(DIAG_DMARC_UNKNOWN_TAG, "dmarc.unknown_tag", DIAG_WARN,
    "unknown tag: ignored by receivers (RFC 9989 §4.7)"),
C(DIAG_DMARC_PCT_REMOVED, "dmarc.pct_removed", DIAG_WARN,
    "pct= was removed by RFC 9989 and no longer means anything; use t=y"
    " to test a policy"),
C(DIAG_DMARC_RF_REMOVED, "dmarc.rf_removed", DIAG_INFO,
    "rf= was removed by RFC 9989 and no longer means anything"),
C(DIAG_DMARC_RI_REMOVED, "dmarc.ri_removed", DIAG_INFO,
    "ri= was removed by RFC 9989 and no longer means anything"),
C(DIAG_DMARC_LEGACY_BAD, "dmarc.legacy_bad_value", DIAG_WARN,
    "value of a removed tag was not valid under RFC 7489 either; older"
    " receivers may reject the whole record"),
C(DIAG_DMARC_BAD_URI, "dmarc.bad_uri", DIAG_ERR,
    "not a valid reporting URI (RFC 9989 §4.8, RFC 3986)"),
C(DIAG_DMARC_URI_SCHEME, "dmarc.uri_scheme", DIAG_WARN,
    "URI scheme receivers do not support: no reports will be sent to it"
    " (only mailto: is required, RFC 9989 §4.7)"),
C(DIAG_DMARC_BAD_MAILTO, "dmarc.bad_mailto", DIAG_WARN,
    "mailto: URI without a usable address (RFC 6068): no reports will"
    " arrive"),
C(DIAG_DMARC_BAD_SIZE, "dmarc.bad_size", DIAG_ERR,
    "bad report size suffix (must be '!' digits [k|m|g|t] and fit in"
    " 64 bits)"),
C(DIAG_DMARC_SIZE_OBSOLETE, "dmarc.size_obsolete", DIAG_INFO,
    "report size suffix is obsolete in RFC 9989 and ignored"),
C(DIAG_DMARC_TOO_MANY_URIS, "dmarc.too_many_uris", DIAG_ERR,
    "more reporting URIs than this checker reads"),
C(DIAG_DMARC_FO_CONFLICT, "dmarc.fo_conflict", DIAG_WARN,
    "fo= has both 0 and 1, which RFC 9989 §4.7 makes mutually exclusive"
    " (RFC 7489 allowed it)"),
C(DIAG_DMARC_FO_REPEAT, "dmarc.fo_repeat", DIAG_WARN,
    "fo= lists the same option twice"),
C(DIAG_DMARC_FO_NO_RUF, "dmarc.fo_without_ruf", DIAG_INFO,
    "fo= is ignored without ruf= (RFC 9989 §4.7)"),
C(DIAG_DMARC_SP_WEAKER, "dmarc.sp_weaker", DIAG_WARN,
    "subdomain policy is weaker than p="),
C(DIAG_DMARC_TEST_MODE, "dmarc.test_mode", DIAG_INFO,
    "t=y: receivers apply one policy level lower (RFC 9989 §4.7)"),
C(DIAG_DMARC_NO_RUA, "dmarc.no_rua", DIAG_WARN,
    "no rua=: no aggregate reports will be sent"),
C(DIAG_DMARC_EXTERNAL_RUA, "dmarc.external_destination", DIAG_INFO,
    "report destination outside the domain needs an authorization record"
    " (<domain>._report._dmarc.<destination>)"),
C(DIAG_DKIM_EMPTY, "dkim.empty", DIAG_ERR, "empty DKIM key record"),
C(DIAG_DKIM_BAD_VERSION, "dkim.bad_version", DIAG_ERR,
    "v= is not DKIM1 (case-sensitive, RFC 6376 §3.6.1)"),
C(DIAG_DKIM_V_NOT_FIRST, "dkim.v_not_first", DIAG_ERR,
    "v= must be the first tag when present (RFC 6376 §3.6.1)"),
C(DIAG_DKIM_NO_KEY, "dkim.no_p", DIAG_ERR,
    "no p= tag (required, RFC 6376 §3.6.1)"),
C(DIAG_DKIM_REVOKED, "dkim.revoked", DIAG_INFO,
    "empty p=: the key is revoked (RFC 6376 §3.6.1)"),
C(DIAG_DKIM_BAD_K, "dkim.bad_k", DIAG_ERR,
    "unknown key type k= (rsa or ed25519, RFC 6376, RFC 8463)"),
C(DIAG_DKIM_BAD_BASE64, "dkim.bad_base64", DIAG_ERR,
    "p= is not valid base64"),
C(DIAG_DKIM_BAD_KEY, "dkim.bad_key", DIAG_ERR,
    "p= does not hold a public key of type k="),
C(DIAG_DKIM_KEY_TOO_LARGE, "dkim.key_too_large", DIAG_ERR,
    "p= is larger than any real key"),
C(DIAG_DKIM_RSA_TOO_SHORT, "dkim.rsa_too_short", DIAG_ERR,
    "RSA key under 1024 bits: verifiers must not use it (RFC 8301 §3.2)"),
C(DIAG_DKIM_RSA_WEAK, "dkim.rsa_weak", DIAG_WARN,
    "RSA key under 2048 bits (RFC 8301 §3.2 recommends 2048)"),
C(DIAG_DKIM_PKCS1, "dkim.pkcs1_key", DIAG_INFO,
    "p= holds a bare RSAPublicKey rather than SubjectPublicKeyInfo; most"
    " verifiers accept both"),
C(DIAG_DKIM_ED25519_SIZE, "dkim.ed25519_size", DIAG_ERR,
    "Ed25519 public key is not 32 bytes (RFC 8463 §4.2)"),
C(DIAG_DKIM_H_SHA1_ONLY, "dkim.h_sha1", DIAG_ERR,
    "h= allows only sha1, which verifiers must not accept (RFC 8301)"),
C(DIAG_DKIM_H_NO_KNOWN, "dkim.h_unknown", DIAG_ERR,
    "h= names no hash algorithm a verifier knows"),
C(DIAG_DKIM_BAD_LIST, "dkim.bad_list", DIAG_ERR,
    "malformed colon-separated list (RFC 6376 §3.6.1)"),
C(DIAG_DKIM_TESTING, "dkim.testing", DIAG_WARN,
    "t=y: the domain is testing DKIM; verifiers may ignore failures"),
C(DIAG_DKIM_S_NO_EMAIL, "dkim.s_no_email", DIAG_ERR,
    "s= does not include email or *: the key cannot sign mail"),
C(DIAG_STS_BAD_VERSION, "mtasts.bad_version", DIAG_ERR,
    "record does not start with v=STSv1 (RFC 8461 §3.1)"),
C(DIAG_STS_NO_ID, "mtasts.no_id", DIAG_ERR,
    "no id= (required, RFC 8461 §3.1)"),
C(DIAG_STS_BAD_ID, "mtasts.bad_id", DIAG_ERR,
    "id= must be 1 to 32 letters and digits (RFC 8461 §3.1)"),
C(DIAG_STS_BAD_EXT, "mtasts.bad_extension", DIAG_ERR,
    "malformed extension field (RFC 8461 §3.1, §3.2)"),
C(DIAG_STS_POLICY_TOO_LARGE, "mtasts.policy_too_large", DIAG_ERR,
    "policy file over 64 KiB"),
C(DIAG_STS_POLICY_BAD_LINE, "mtasts.policy_bad_line", DIAG_ERR,
    "policy line is not 'key: value' (RFC 8461 §3.2)"),
C(DIAG_STS_POLICY_DUPLICATE, "mtasts.policy_duplicate", DIAG_ERR,
    "policy field given twice"),
C(DIAG_STS_POLICY_NO_VERSION, "mtasts.policy_no_version", DIAG_ERR,
    "policy has no 'version: STSv1'"),
C(DIAG_STS_POLICY_NO_MODE, "mtasts.policy_no_mode", DIAG_ERR,
    "policy has no mode"),
C(DIAG_STS_POLICY_BAD_MODE, "mtasts.policy_bad_mode", DIAG_ERR,
    "mode must be enforce, testing or none"),
C(DIAG_STS_POLICY_NO_MAX_AGE, "mtasts.policy_no_max_age", DIAG_ERR,
    "policy has no max_age"),
C(DIAG_STS_POLICY_BAD_MAX_AGE, "mtasts.policy_bad_max_age", DIAG_ERR,
    "max_age must be an integer from 0 to 31557600 (RFC 8461 §3.2)"),
C(DIAG_STS_POLICY_NO_MX, "mtasts.policy_no_mx", DIAG_ERR,
    "mode enforce or testing needs at least one mx pattern"),
C(DIAG_STS_POLICY_BAD_MX, "mtasts.policy_bad_mx", DIAG_ERR,
    "mx pattern is not a host name, optionally with a leading '*.'"),
C(DIAG_STS_POLICY_TOO_MANY_MX, "mtasts.policy_too_many_mx", DIAG_ERR,
    "more mx patterns than this checker reads"),
C(DIAG_STS_MODE_TESTING, "mtasts.mode_testing", DIAG_INFO,
    "mode: testing, senders report failures but still deliver"),
C(DIAG_STS_MODE_NONE, "mtasts.mode_none", DIAG_WARN,
    "mode: none, MTA-STS is switched off"),
C(DIAG_STS_MAX_AGE_SHORT, "mtasts.max_age_short", DIAG_WARN,
    "max_age under one day; RFC 8461 §3.2 suggests weeks or more"),
C(DIAG_TLSRPT_BAD_VERSION, "tlsrpt.bad_version", DIAG_ERR,
    "record does not start with v=TLSRPTv1 (RFC 8460 §3)"),
C(DIAG_TLSRPT_NO_RUA, "tlsrpt.no_rua", DIAG_ERR,
    "no rua= (required, RFC 8460 §3)"),
C(DIAG_TLSRPT_BAD_URI, "tlsrpt.bad_uri", DIAG_ERR,
    "rua= entry is not a mailto: or https: URI (RFC 8460 §3)"),
C(DIAG_TLSRPT_REPEATED_RUA, "tlsrpt.repeated_rua", DIAG_WARN,
    "rua= given more than once; RFC 8460 §3 defines one comma-separated"
    " list and some senders use only the first"),
C(DIAG_TLSRPT_BAD_EXT, "tlsrpt.bad_extension", DIAG_ERR,
    "malformed extension field (RFC 8460 §3)"),
C(DIAG_TLSRPT_TOO_MANY_URIS, "tlsrpt.too_many_uris", DIAG_ERR,
    "more rua URIs than this checker reads"),
C(DIAG_BIMI_BAD_VERSION, "bimi.bad_version", DIAG_ERR,
    "record does not start with v=BIMI1"),
C(DIAG_BIMI_NO_L, "bimi.no_l", DIAG_ERR, "no l= tag"),
C(DIAG_BIMI_BAD_URI, "bimi.bad_uri", DIAG_ERR, "not a valid URI"),
C(DIAG_BIMI_NOT_HTTPS, "bimi.not_https", DIAG_ERR,
    "BIMI locations must be https: URIs"),
C(DIAG_BIMI_DECLINED, "bimi.declined", DIAG_INFO,
    "empty l= and a=: the domain declines to publish an indicator"),
C(DIAG_BIMI_NO_AUTHORITY, "bimi.no_authority", DIAG_INFO,
    "no a= evidence document: most mailbox providers show no logo"),
#undef C
};

const char *
rec_status_name(enum rec_status s)
{
	switch (s) {
	case REC_ABSENT:
		return "absent";
	case REC_INVALID:
		return "invalid";
	case REC_VALID:
		return "valid";
	}
	return "?";
}

void
diag_list_init(struct diag_list *dl)
{
	dl->n = 0;
	dl->dropped = 0;
}

void
diag_add_sev(struct diag_list *dl, enum diag_code code, enum diag_sev sev,
    size_t off, const char *tag)
{
	struct diag *d;

	if (dl == NULL)
		return;
	if (dl->n >= DIAG_LIST_MAX) {
		dl->dropped++;
		return;
	}
	d = &dl->d[dl->n++];
	d->code = code;
	d->sev = sev;
	d->off = off;
	d->tag = tag;
}

void
diag_add(struct diag_list *dl, enum diag_code code, size_t off,
    const char *tag)
{
	diag_add_sev(dl, code, diag_default_sev(code), off, tag);
}

const char *
diag_id(enum diag_code code)
{
	if ((unsigned)code >= DIAG__COUNT || codes[code].id == NULL)
		return "unknown";
	return codes[code].id;
}

const char *
diag_message(enum diag_code code)
{
	if ((unsigned)code >= DIAG__COUNT || codes[code].msg == NULL)
		return "unknown finding";
	return codes[code].msg;
}

enum diag_sev
diag_default_sev(enum diag_code code)
{
	if ((unsigned)code >= DIAG__COUNT)
		return DIAG_ERR;
	return codes[code].sev;
}

const char *
diag_sev_name(enum diag_sev sev)
{
	switch (sev) {
	case DIAG_INFO:
		return "info";
	case DIAG_WARN:
		return "warn";
	case DIAG_ERR:
		return "error";
	}
	return "?";
}

const struct diag *
diag_find(const struct diag_list *dl, enum diag_code code)
{
	size_t i;

	for (i = 0; i < dl->n; i++)
		if (dl->d[i].code == code)
			return &dl->d[i];
	return NULL;
}

size_t
diag_count(const struct diag_list *dl, enum diag_sev min_sev)
{
	size_t i, n = 0;

	for (i = 0; i < dl->n; i++)
		if (dl->d[i].sev >= min_sev)
			n++;
	return n;
}
