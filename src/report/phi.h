/*
 * phi.h: finds protected health information in free text and redacts it
 * before anything is stored (HIPAA, 45 CFR 164.514(b)(2) identifiers).
 *
 * Failure reports carry the headers of someone else's message; its
 * subject and display names can hold a patient's date of birth or record
 * number.  phi_redact() replaces every match of the patterns below by a
 * marker "[REDACTED:KIND]" and counts the matches per kind.  Redaction
 * errs on the side of removing too much: a long number in a subject is
 * lost rather than a record number kept.
 *
 * The text is first folded so look-alike characters cannot hide a
 * pattern: invalid UTF-8 becomes U+FFFD, the text is put in Unicode NFKC
 * (full-width digits become ASCII), every decimal digit of any script
 * becomes its ASCII digit, dashes and the minus sign become '-', spaces
 * become ' ', control characters become ' ' and invisible format
 * characters (zero-width space, soft hyphen) are dropped.  The output is
 * the folded text, valid UTF-8 without control characters.
 *
 * Patterns (digits are ASCII after folding; "boundary" means no digit, or
 * for patterns holding letters no letter or digit, right before or after):
 *  SSN        ddd-dd-dddd, with '-', '.' or ' ' used the same twice;
 *             after a label (SSN, social security) also 9 plain digits.
 *  DOB        a full calendar date: m/d/yyyy, m/d/yy, m-d-yy(yy),
 *             d.m.yyyy, yyyy-mm-dd (also '/' and '.'), "Jan 5, 1980",
 *             "5 January 1980", "05JAN1980"; months 1-12, days 1-31,
 *             four-digit years 1900-2099.  Any full date in free text
 *             counts, since every date tied to a patient is an
 *             identifier; after a label (DOB, date of birth, born) also
 *             a month and year ("05/1980").
 *  PHONE      North American numbers ((555) 123-4567, 555-123-4567,
 *             555.123.4567, +1 555 123 4567, 1-800-555-1234, and ten
 *             bare digits with a valid area code and exchange), local
 *             555-1234, and "+CC ..." numbers of 8 to 15 digits; after a
 *             label (phone, tel, cell, fax) any 7 to 15 digits.
 *  NPI        ten digits starting with 1 or 2 whose last digit is the
 *             Luhn check digit of "80840" and the first nine (the NPI
 *             standard, 45 CFR 162.406); after the label NPI any ten.
 *  MEMBER_ID  a Medicare Beneficiary Identifier (1EG4-TE5-MK73 shape), a
 *             legacy HICN (nine digits and a letter); after a label
 *             (member, subscriber, policy, insurance, medicare, medicaid)
 *             an identifier of 5 to 20 letters, digits and '-' holding at
 *             least three digits.
 *  ICD10      an ICD-10-CM code with its dot (E11.9, S72.001A); after a
 *             label (ICD, Dx, diagnosis) also without the dot (E119, J45).
 *  MRN        after a label (MRN, MR#, medical record, chart, patient,
 *             account, encounter) an identifier as for MEMBER_ID; and any
 *             run of seven or more digits no other pattern claimed.
 *
 * Not found: names, street addresses and free prose ("her diabetes");
 * no pattern can tell a patient's name from a sender's.
 */
#ifndef DW_PHI_H
#define DW_PHI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"

#define PHI_MAX_TEXT	(64 * 1024)	/* bytes of one text scanned */

enum phi_kind {
	PHI_SSN, PHI_DOB, PHI_PHONE, PHI_NPI, PHI_MEMBER_ID, PHI_ICD10,
	PHI_MRN,
	PHI_NKINDS
};

struct phi_counts {
	uint32_t	 n[PHI_NKINDS];
};

/* The marker's name of a kind: "SSN", "DOB", ... "MEMBER_ID", "MRN". */
const char *phi_kind_name(enum phi_kind k);
/* The column-friendly lower-case name: "ssn", ... "member_id". */
const char *phi_kind_key(enum phi_kind k);
uint64_t phi_total(const struct phi_counts *c);

/*
 * Appends the folded text of s[0..n) to out with every match replaced by
 * "[REDACTED:KIND]", and adds the matches to c.  s needs no NUL and may
 * hold any bytes.  DW_ELIMIT when n is over PHI_MAX_TEXT or out's cap is
 * hit (out may then hold part of the text: the caller discards it).
 */
enum dw_err phi_redact(const char *s, size_t n, struct buf *out,
    struct phi_counts *c);

/*
 * Whether a header field of a stored message is free text, to be passed
 * through phi_redact() before it is kept.  Every field is, except those
 * whose grammar holds no prose: trace and routing fields (Received,
 * Return-Path, Received-SPF, Authentication-Results, ARC-*), signatures
 * (DKIM-Signature), identifiers (Message-ID and every name ending in
 * "-Message-ID", In-Reply-To, References),
 * date fields (Date, Resent-Date), MIME framing (MIME-Version,
 * Content-Transfer-Encoding, Content-ID) and Thread-Index.  Subject,
 * Thread-Topic, Comments, Keywords, every address field (display names),
 * every X- field and every field not known are free text.
 * Content-Type and Content-Disposition are free text in their name and
 * filename parameters only (phi_param_is_free_text()).
 */
bool phi_header_is_free_text(const char *name, size_t n);
/* Content-Type or Content-Disposition: scanned parameter by parameter. */
bool phi_header_has_params(const char *name, size_t n);
/* name, filename and their RFC 2231 forms (name*, filename*0*, ...). */
bool phi_param_is_free_text(const char *name);

#endif
