/*
 * test_store_posture.c: the history of `dmarcward check` in the store
 * (migration 0004): runs, the record sets that changed, events, and what
 * is not stored (a name that never had a record, a set the check could
 * not read).
 */
#include <stdio.h>
#include <string.h>

#include "dwtest.h"

#include "check/check_store.h"
#include "store/store.h"

#define T1	((int64_t)1798761600)
#define T2	(T1 + 86400)
#define T3	(T2 + 86400)
#define NMAX	16

/* What a callback saw, flattened to one line per change or event. */
struct seen {
	char	line[NMAX][512];
	size_t	n;
};

static const char *
v(const char *s)
{
	return s != NULL ? s : "-";
}

static enum dw_err
on_change(void *ctx, const struct store_dns_change *c)
{
	struct seen *s = ctx;

	if (s->n < NMAX)
		snprintf(s->line[s->n++], sizeof(s->line[0]),
		    "%lld %s %s %s>%s%s%s", (long long)(c->at - T1) / 86400,
		    c->kind, c->name, v(c->old_value), v(c->new_value),
		    c->first ? " first" : "", c->event_type != NULL ?
		    " event" : "");
	return DW_OK;
}

static enum dw_err
on_event(void *ctx, const struct store_event *ev)
{
	struct seen *s = ctx;

	if (s->n < NMAX)
		snprintf(s->line[s->n++], sizeof(s->line[0]),
		    "%lld %s %s %s %s>%s", (long long)ev->id, ev->domain,
		    ev->type, ev->name, v(ev->old_value), v(ev->new_value));
	return DW_OK;
}

static void
put(struct store *st, int64_t at, const struct store_dns_record *r,
    size_t n, struct seen *s)
{
	struct store_check c = { "clinic.test", at, "B", 85, "medium",
	    "dmarc.policy.quarantine mtasts.missing" };
	struct dw_error e = { DW_OK, "" };

	memset(s, 0, sizeof(*s));
	assert_int_equal(store_check_put(st, &c, r, n, on_change, s, &e),
	    DW_OK);
}

#define DM	"_dmarc.clinic.test"
#define SEL1	"selector1._domainkey.clinic.test"
#define SEL2	"google._domainkey.clinic.test"
#define STS	"_mta-sts.clinic.test"

static void
changes_and_events(void **state)
{
	struct dwtest_tmp *d = *state;
	struct dw_error e = { DW_OK, "" };
	struct store *st;
	struct seen s;
	uint64_t runs = 0;
	const struct store_dns_record r1[] = {
		{ "dmarc", DM, "v=DMARC1; p=none", "dmarc.policy",
		    "v=DMARC1; p=none" },
		{ "spf", "clinic.test", "v=spf1 mx ~all", "spf.record",
		    "v=spf1 mx ~all" },
		{ "dkim", SEL1, "v=DKIM1; p=K1", "dkim.key", "v=DKIM1; p=K1" },
		{ "dkim", SEL2, NULL, "dkim.key", NULL },
		{ "mta-sts", STS, "v=STSv1; id=1", "mtasts.id", "1" },
	};
	/* spf changed, the key at selector1 gone, the STS record rewritten
	 * with the same id, MX seen for the first time, DMARC unreadable
	 * (not given): no change for it. */
	const struct store_dns_record r2[] = {
		{ "spf", "clinic.test", "v=spf1 mx -all", "spf.record",
		    "v=spf1 mx -all" },
		{ "dkim", SEL1, NULL, "dkim.key", NULL },
		{ "dkim", SEL2, NULL, "dkim.key", NULL },
		{ "mta-sts", STS, "v=STSv1;  id=1", "mtasts.id", "1" },
		{ "mx", "clinic.test", "10 mx.clinic.test", NULL,
		    "10 mx.clinic.test" },
	};
	const struct store_dns_record r3[] = {
		{ "dmarc", DM, "v=DMARC1; p=reject", "dmarc.policy",
		    "v=DMARC1; p=reject" },
		{ "mta-sts", STS, "v=STSv1; id=2", "mtasts.id", "2" },
		{ "dkim", SEL2, "v=DKIM1; p=K2", "dkim.key", "v=DKIM1; p=K2" },
	};

	assert_int_equal(store_open(d->path, &st, &e), DW_OK);
	put(st, T1, r1, 5, &s);
	assert_int_equal(s.n, 4);	/* the empty selector is not kept */
	assert_string_equal(s.line[0], "0 dmarc " DM " ->v=DMARC1; p=none "
	    "first");
	assert_string_equal(s.line[3], "0 mta-sts " STS " ->v=STSv1; id=1 "
	    "first");
	put(st, T2, r2, 5, &s);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.line[0], "1 spf clinic.test v=spf1 mx ~all>"
	    "v=spf1 mx -all event");
	assert_string_equal(s.line[1], "1 dkim " SEL1 " v=DKIM1; p=K1>- "
	    "event");
	assert_string_equal(s.line[2], "1 mta-sts " STS " v=STSv1; id=1>"
	    "v=STSv1;  id=1");
	assert_string_equal(s.line[3], "1 mx clinic.test ->10 mx.clinic.test");
	put(st, T3, r3, 3, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.line[2], "2 dkim " SEL2 " ->v=DKIM1; p=K2 "
	    "event");

	memset(&s, 0, sizeof(s));
	assert_int_equal(store_events(st, NULL, 0, on_event, &s, &e), DW_OK);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.line[0], "1 clinic.test spf.record clinic.test "
	    "v=spf1 mx ~all>v=spf1 mx -all");
	assert_string_equal(s.line[1], "2 clinic.test dkim.key " SEL1
	    " v=DKIM1; p=K1>-");
	assert_string_equal(s.line[3], "4 clinic.test mtasts.id " STS " 1>2");
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_events(st, "clinic.test", 3, on_event, &s, &e),
	    DW_OK);
	assert_int_equal(s.n, 2);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_events(st, "other.test", 0, on_event, &s, &e),
	    DW_OK);
	assert_int_equal(s.n, 0);
	store_close(st);

	/* history, read-only: every change, oldest first */
	assert_int_equal(store_open_ro(d->path, &st, &e), DW_OK);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_dns_history(st, "clinic.test", on_change, &s,
	    &runs, &e), DW_OK);
	assert_int_equal(runs, 3);
	assert_int_equal(s.n, 11);
	assert_string_equal(s.line[0], "0 dmarc " DM " ->v=DMARC1; p=none "
	    "first");
	assert_string_equal(s.line[5], "1 dkim " SEL1 " v=DKIM1; p=K1>- "
	    "event");
	assert_string_equal(s.line[7], "1 mx clinic.test ->10 mx.clinic.test");
	assert_string_equal(s.line[8], "2 dmarc " DM " v=DMARC1; p=none>"
	    "v=DMARC1; p=reject event");
	store_close(st);
}

/* A store opened read-only refuses a check and keeps what it has. */
static void
read_only_refuses(void **state)
{
	struct dwtest_tmp *d = *state;
	struct dw_error e = { DW_OK, "" };
	struct store *st;
	struct seen s;
	uint64_t runs = 9;
	const struct store_dns_record r[] = {
		{ "spf", "clinic.test", "v=spf1 -all", "spf.record",
		    "v=spf1 -all" },
	};
	struct store_check c = { "clinic.test", T1, "A", 100, "info", "" };

	assert_int_equal(store_open(d->path, &st, &e), DW_OK);
	put(st, T1, r, 1, &s);
	store_close(st);
	assert_int_equal(store_open_ro(d->path, &st, &e), DW_OK);
	assert_int_not_equal(store_check_put(st, &c, r, 1, NULL, NULL, &e),
	    DW_OK);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_dns_history(st, "clinic.test", on_change, &s,
	    &runs, &e), DW_OK);
	assert_int_equal(runs, 1);
	assert_int_equal(s.n, 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_dns_history(st, "never.test", on_change, &s,
	    &runs, &e), DW_OK);
	assert_int_equal(runs, 0);
	assert_int_equal(s.n, 0);
	store_close(st);
}

/* check_store_prev: the newest value of a name, NULL once it went, and
 * nothing for a name or domain never stored. */
static void
previous_values(void **state)
{
	struct dwtest_tmp *d = *state;
	struct dw_error e = { DW_OK, "" };
	struct arena *a = arena_new(1 << 20);
	struct store *st;
	struct seen s;
	const char *val = "x";
	int64_t at = 0;
	const struct store_dns_record r1[] = {
		{ "mta-sts", STS, "v=STSv1; id=1", "mtasts.id", "1" },
		{ "dkim", SEL1, "v=DKIM1; p=K1", "dkim.key", "v=DKIM1; p=K1" },
	};
	const struct store_dns_record r2[] = {
		{ "mta-sts", STS, "v=STSv1; id=2", "mtasts.id", "2" },
		{ "dkim", SEL1, NULL, "dkim.key", NULL },
	};

	assert_non_null(a);
	assert_int_equal(store_open(d->path, &st, &e), DW_OK);
	put(st, T1, r1, 2, &s);
	put(st, T2, r2, 2, &s);
	put(st, T3, r2, 2, &s);		/* unchanged: nothing stored */
	assert_int_equal(check_store_prev(st, a, "clinic.test", "mta-sts",
	    STS, &val, &at), DW_OK);
	assert_string_equal(val, "v=STSv1; id=2");
	assert_int_equal(at, T2);
	assert_int_equal(check_store_prev(st, a, "clinic.test", "dkim", SEL1,
	    &val, &at), DW_OK);
	assert_null(val);
	assert_int_equal(at, T2);
	assert_int_equal(check_store_prev(st, a, "clinic.test", "dkim", SEL2,
	    &val, &at), DW_ENOTFOUND);
	assert_int_equal(check_store_prev(st, a, "other.test", "mta-sts",
	    STS, &val, &at), DW_ENOTFOUND);
	store_close(st);
	arena_free(a);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, dwtest_tmp_setup, \
    dwtest_tmp_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(changes_and_events),
		T(read_only_refuses),
		T(previous_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
