/*
 * fuzz_tlsrpt_json.c: tlsrpt_json_parse() on one fuzzed document.  A
 * report that parses must hold together: begin <= end, every count in
 * range, the report's totals the sums of its policies', each list as
 * long as it says; and its normalized dump must be the same when the
 * document is parsed again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "report/tlsrpt_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct tlsrpt_report *r)
{
	int64_t s = 0, f = 0;
	size_t i, j;

	if (r->end < r->begin || r->organization_name[0] == '\0' ||
	    r->report_id[0] == '\0' || r->nnotes > TLSRPT_MAX_NOTES)
		abort();
	for (i = 0; i < r->npolicies; i++) {
		const struct tlsrpt_policy *p = &r->policies[i];

		if (p->successful < 0 || p->failed < 0 ||
		    p->successful > TLSRPT_MAX_COUNT ||
		    p->failed > TLSRPT_MAX_COUNT || p->policy_type == NULL)
			abort();
		s += p->successful;
		f += p->failed;
		for (j = 0; j < p->nfailures; j++)
			if (p->failures[j].result_type == NULL ||
			    p->failures[j].failed_session_count < -1)
				abort();
		for (j = 0; j < p->npolicy_string; j++)
			(void)strlen(p->policy_string[j]);
		for (j = 0; j < p->nmx_host; j++)
			(void)strlen(p->mx_host[j]);
	}
	if (s != r->successful || f != r->failed)
		abort();
}

static enum dw_err
parse(const uint8_t *data, size_t size, struct buf *out)
{
	struct arena *a = arena_new(TLSRPT_ARENA_MAX);
	struct tlsrpt_report *r;
	struct dw_error e;
	enum dw_err err;

	if (a == NULL)
		abort();
	err = tlsrpt_json_parse(a, (const char *)data, size, &r, &e);
	if (err == DW_OK) {
		check(r);
		if (tlsrpt_json_dump(r, out) != DW_OK)
			abort();
	} else if (r != NULL || e.msg[0] == '\0') {
		abort();
	}
	arena_free(a);
	return err;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf one, two;

	buf_init(&one, (size_t)1 << 28);
	buf_init(&two, (size_t)1 << 28);
	if (parse(data, size, &one) == DW_OK) {
		if (parse(data, size, &two) != DW_OK ||
		    strcmp(buf_str(&one), buf_str(&two)) != 0)
			abort();
	}
	buf_fini(&one);
	buf_fini(&two);
	return 0;
}
