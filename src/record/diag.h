/*
 * diag.h: findings of the record parsers.
 *
 * A parser's verdict (enum rec_status) is apart from its findings: DW_OK
 * plus REC_INVALID plus findings is a successful check of a bad record.
 * Each finding has a code with a stable string id ("dmarc.pct_removed")
 * that logs, the JSON API and tests use, a severity, the byte offset in
 * the parsed input, and the tag it concerns (or NULL).
 *
 * A struct diag_list is caller-owned and holds at most DIAG_LIST_MAX
 * findings; further ones are counted in `dropped`, never lost silently.
 * The `tag` strings are borrowed: static or arena-owned, valid as long as
 * the arena the parser was given.
 */
#ifndef DW_DIAG_H
#define DW_DIAG_H

#include <stdbool.h>
#include <stddef.h>

enum rec_status { REC_ABSENT, REC_INVALID, REC_VALID };

const char *rec_status_name(enum rec_status s);

enum diag_sev { DIAG_INFO, DIAG_WARN, DIAG_ERR };

/* Append only: codes are stored by id, but keep the numbers stable too. */
enum diag_code {
	/* tag=value lexer (RFC 6376 §3.2) */
	DIAG_TL_SYNTAX,		/* not name=value */
	DIAG_TL_BAD_NAME,
	DIAG_TL_BAD_CHAR,	/* control or non-ASCII byte */
	DIAG_TL_EMPTY_SPEC,	/* ";;" */
	DIAG_TL_TRAILING_WSP,	/* whitespace after the final ';' */
	DIAG_TL_DUPLICATE,
	DIAG_TL_TOO_MANY,
	DIAG_TL_WSP_EQUALS,	/* whitespace around '=' where not allowed */
	/* DMARC (RFC 9989) */
	DIAG_DMARC_EMPTY,
	DIAG_DMARC_BAD_VERSION,
	DIAG_DMARC_NOT_DMARC,
	DIAG_DMARC_MULTIPLE,
	DIAG_DMARC_BAD_VALUE,
	DIAG_DMARC_EMPTY_VALUE,
	DIAG_DMARC_ABBREVIATION,	/* p=r: lenient receivers differ */
	DIAG_DMARC_NO_POLICY,		/* no p and no usable rua */
	DIAG_DMARC_P_MISSING,		/* no p, rua valid: p=none */
	DIAG_DMARC_P_FALLBACK,		/* bad p/sp/np, rua valid */
	DIAG_DMARC_P_NOT_SECOND,
	DIAG_DMARC_UNKNOWN_TAG,
	DIAG_DMARC_PCT_REMOVED,
	DIAG_DMARC_RF_REMOVED,
	DIAG_DMARC_RI_REMOVED,
	DIAG_DMARC_LEGACY_BAD,		/* removed tag, bad RFC 7489 value */
	DIAG_DMARC_BAD_URI,
	DIAG_DMARC_URI_SCHEME,		/* valid URI, not mailto: */
	DIAG_DMARC_BAD_MAILTO,		/* URI, but no mailto address */
	DIAG_DMARC_BAD_SIZE,
	DIAG_DMARC_SIZE_OBSOLETE,
	DIAG_DMARC_TOO_MANY_URIS,
	DIAG_DMARC_FO_CONFLICT,		/* fo=0:1 */
	DIAG_DMARC_FO_REPEAT,
	DIAG_DMARC_FO_NO_RUF,
	DIAG_DMARC_SP_WEAKER,
	DIAG_DMARC_TEST_MODE,
	DIAG_DMARC_NO_RUA,
	DIAG_DMARC_EXTERNAL_RUA,
	/* DKIM key records (RFC 6376 §3.6.1, RFC 8301, RFC 8463) */
	DIAG_DKIM_EMPTY,
	DIAG_DKIM_BAD_VERSION,
	DIAG_DKIM_V_NOT_FIRST,
	DIAG_DKIM_NO_KEY,
	DIAG_DKIM_REVOKED,
	DIAG_DKIM_BAD_K,
	DIAG_DKIM_BAD_BASE64,
	DIAG_DKIM_BAD_KEY,
	DIAG_DKIM_KEY_TOO_LARGE,
	DIAG_DKIM_RSA_TOO_SHORT,	/* < 1024 bits, RFC 8301 */
	DIAG_DKIM_RSA_WEAK,		/* < 2048 bits */
	DIAG_DKIM_PKCS1,
	DIAG_DKIM_ED25519_SIZE,
	DIAG_DKIM_H_SHA1_ONLY,
	DIAG_DKIM_H_NO_KNOWN,
	DIAG_DKIM_BAD_LIST,
	DIAG_DKIM_TESTING,
	DIAG_DKIM_S_NO_EMAIL,
	/* MTA-STS (RFC 8461) */
	DIAG_STS_BAD_VERSION,
	DIAG_STS_NO_ID,
	DIAG_STS_BAD_ID,
	DIAG_STS_BAD_EXT,
	DIAG_STS_POLICY_TOO_LARGE,
	DIAG_STS_POLICY_BAD_LINE,
	DIAG_STS_POLICY_DUPLICATE,
	DIAG_STS_POLICY_NO_VERSION,
	DIAG_STS_POLICY_NO_MODE,
	DIAG_STS_POLICY_BAD_MODE,
	DIAG_STS_POLICY_NO_MAX_AGE,
	DIAG_STS_POLICY_BAD_MAX_AGE,
	DIAG_STS_POLICY_NO_MX,
	DIAG_STS_POLICY_BAD_MX,
	DIAG_STS_POLICY_TOO_MANY_MX,
	DIAG_STS_MODE_TESTING,
	DIAG_STS_MODE_NONE,
	DIAG_STS_MAX_AGE_SHORT,
	/* TLS-RPT (RFC 8460) */
	DIAG_TLSRPT_BAD_VERSION,
	DIAG_TLSRPT_NO_RUA,
	DIAG_TLSRPT_BAD_URI,
	DIAG_TLSRPT_REPEATED_RUA,
	DIAG_TLSRPT_BAD_EXT,
	DIAG_TLSRPT_TOO_MANY_URIS,
	/* BIMI */
	DIAG_BIMI_BAD_VERSION,
	DIAG_BIMI_NO_L,
	DIAG_BIMI_BAD_URI,
	DIAG_BIMI_NOT_HTTPS,
	DIAG_BIMI_DECLINED,
	DIAG_BIMI_NO_AUTHORITY,
	DIAG__COUNT
};

struct diag {
	enum diag_code	 code;
	enum diag_sev	 sev;
	size_t		 off;	/* byte offset in the parsed input */
	const char	*tag;	/* borrowed (static or arena), or NULL */
};

#define DIAG_LIST_MAX	64	/* findings kept per list */

struct diag_list {
	struct diag	 d[DIAG_LIST_MAX];
	size_t		 n;
	size_t		 dropped;	/* findings past DIAG_LIST_MAX */
};

void diag_list_init(struct diag_list *dl);
/* Adds a finding with the code's default severity; dl may be NULL. */
void diag_add(struct diag_list *dl, enum diag_code code, size_t off,
    const char *tag);
void diag_add_sev(struct diag_list *dl, enum diag_code code,
    enum diag_sev sev, size_t off, const char *tag);
/* The stable id ("dmarc.pct_removed") and a one-line human message. */
const char *diag_id(enum diag_code code);
const char *diag_message(enum diag_code code);
enum diag_sev diag_default_sev(enum diag_code code);
const char *diag_sev_name(enum diag_sev sev);
/* First finding with this code, or NULL. */
const struct diag *diag_find(const struct diag_list *dl,
    enum diag_code code);
size_t diag_count(const struct diag_list *dl, enum diag_sev min_sev);

#endif
