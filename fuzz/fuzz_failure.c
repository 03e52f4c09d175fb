/*
 * fuzz_failure.c: the failure report parser and the PHI redactor on one
 * fuzzed message.  Whatever parses must come out as the model promises:
 * every string valid UTF-8 without control characters (the header block
 * keeps its newlines), every stored string free of the redactor's own
 * patterns, and the same model when parsed twice.  The input is also
 * redacted as plain text, which must give valid UTF-8 too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "report/failure.h"
#include "report/failure_json.h"
#include "report/phi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_INPUT	(256 * 1024)

static void
check_str(const char *s, bool newlines)
{
	size_t i, n;

	if (s == NULL)
		return;
	n = strlen(s);
	if (!utf8_valid(s, n))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && !(newlines && s[i] == '\n'))
			abort();
}

static void
check(const struct failure_report *r)
{
	const char *const fields[] = {
		r->feedback_type, r->user_agent, r->version, r->reporter,
		r->reporting_mta, r->source_ip, r->reported_domain, r->domain,
		r->auth_failure, r->delivery_result, r->identity_alignment,
		r->dmarc_result, r->spf_result, r->spf_domain, r->dkim_result,
		r->dkim_domain, r->dkim_identity, r->dkim_selector, r->spf_dns,
		r->dkim_selector_dns, r->header_from, r->envelope_from,
		r->original_envelope_id,
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		check_str(fields[i], false);
	for (i = 0; i < r->nenvelope_to; i++)
		check_str(r->envelope_to[i], false);
	for (i = 0; i < r->nauth_results; i++)
		check_str(r->auth_results[i], false);
	for (i = 0; i < r->nnotes; i++)
		check_str(r->notes[i], false);
	check_str(r->headers, true);
}

static void
redact_text(const uint8_t *data, size_t size)
{
	struct phi_counts c = { { 0 } };
	struct buf b;

	buf_init(&b, 16 * PHI_MAX_TEXT);
	if (phi_redact((const char *)data, size < PHI_MAX_TEXT ? size :
	    PHI_MAX_TEXT, &b, &c) == DW_OK)
		check_str(buf_str(&b), false);
	buf_fini(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct failure_limits lim;
	struct failure_report *r, *r2;
	struct arena *a, *a2;
	struct dw_error e;
	json_t *j, *j2;
	enum dw_err err;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	redact_text(data, size);
	failure_limits_default(&lim);
	lim.max_field = 4096;
	a = arena_new(failure_arena_max(size));
	a2 = arena_new(failure_arena_max(size));
	if (a == NULL || a2 == NULL)
		abort();
	err = failure_parse(a, (const char *)data, size, &lim, &r, &e);
	if (err == DW_OK) {
		check(r);
		if (failure_parse(a2, (const char *)data, size, &lim, &r2,
		    &e) != DW_OK)
			abort();
		j = failure_json(r);
		j2 = failure_json(r2);
		if (!json_equal(j, j2))
			abort();
		json_decref(j);
		json_decref(j2);
	} else if (e.msg[0] == '\0') {
		abort();	/* every failure says why */
	}
	arena_free(a);
	arena_free(a2);
	return 0;
}
