/*
 * check_dmarc.c: DMARC discovery by the DNS tree walk (RFC 9989 §4.10),
 * the Organizational Domain it yields (§4.10.2), the record that
 * applies, its findings, and the authorization records of report
 * destinations outside the domain (RFC 9990 §4).
 *
 * Every name of the walk is asked at once (at most CHECK_WALK_MAX); the
 * answers are then read in walk order, so a temporary failure is told
 * apart from "no record" at the level where it happened.
 */
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "check/check_int.h"

static size_t
nlabels(const char *d)
{
	size_t n = 1;

	for (; *d != '\0'; d++)
		if (*d == '.')
			n++;
	return n;
}

/* The last k labels of d. */
static const char *
last_labels(const char *d, size_t k)
{
	size_t n = nlabels(d);

	while (n > k) {
		d = strchr(d, '.') + 1;
		n--;
	}
	return d;
}

static void auth_start(struct check_run *run);

static bool
wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* A DMARC record by RFC 9989 §4.7: v (any case), =, DMARC1 (exact). */
static bool
is_dmarc1(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && wsp(s[i]))
		i++;
	if (i == len || (s[i] != 'v' && s[i] != 'V'))
		return false;
	for (i++; i < len && wsp(s[i]); i++)
		;
	if (i == len || s[i] != '=')
		return false;
	for (i++; i < len && wsp(s[i]); i++)
		;
	if (len - i < 6 || memcmp(s + i, "DMARC1", 6) != 0)
		return false;
	i += 6;
	return i == len || wsp(s[i]) || s[i] == ';';
}

static void
walk_cb(struct check_run *run, struct check_ans *q)
{
	(void)q;
	if (--run->dmarc.walk_left == 0)
		auth_start(run);
}

void
check_dmarc_start(struct check_run *run)
{
	struct check_dmarc *d = &run->dmarc;
	const char *cur = run->domain;
	size_t x;

	d->policy = -1;
	while (d->nwalk < CHECK_WALK_MAX) {
		d->level[d->nwalk++] = cur;
		x = nlabels(cur);
		if (x == 1)
			break;
		cur = x > CHECK_WALK_LABELS ?
		    last_labels(cur, CHECK_WALK_LABELS) : strchr(cur, '.') + 1;
	}
	d->walk_left = d->nwalk;
	for (x = 0; x < d->nwalk; x++)
		check_query(run, check_name(run, "_dmarc", d->level[x]),
		    DNS_T_TXT, &d->walk[x], walk_cb);
	/* Those that failed to submit are answered already. */
	for (x = 0; x < d->nwalk; x++)
		if (d->walk[x].done && --d->walk_left == 0)
			auth_start(run);
}

/* Parses the records at one level of the walk. */
static void
parse_level(struct check_run *run, size_t i)
{
	struct check_dmarc *d = &run->dmarc;
	const struct dns_answer *ans = d->walk[i].ans;
	const char **txt;
	size_t *lens, k, n;
	struct dmarc_record *rec = NULL;

	d->dl[i] = arena_zalloc(run->a, sizeof(*d->dl[i]));
	if (d->dl[i] == NULL) {
		run->nomem = true;
		return;
	}
	diag_list_init(d->dl[i]);
	if (d->walk[i].err != DW_OK || ans == NULL || ans->n == 0)
		return;
	n = ans->n;
	txt = arena_alloc(run->a, n * sizeof(*txt));
	lens = arena_alloc(run->a, n * sizeof(*lens));
	if (txt == NULL || lens == NULL) {
		run->nomem = true;
		return;
	}
	for (k = 0; k < n; k++) {
		txt[k] = ans->rr[k].u.txt.data;
		lens[k] = ans->rr[k].u.txt.len;
		if (is_dmarc1(txt[k], lens[k]))
			d->nrec[i]++;
	}
	if (dmarc_record_select(run->a, txt, lens, n, &rec, d->dl[i]) !=
	    DW_OK) {
		run->nomem = true;
		return;
	}
	d->rec[i] = rec;
	for (k = 0; k < n && rec != NULL && rec->status != REC_ABSENT; k++)
		if (is_dmarc1(txt[k], lens[k]))
			d->raw[i] = check_clean(run, txt[k], lens[k]);
}

/* RFC 9989 §4.10 step 2: one record that receivers can apply. */
static bool
usable(const struct check_dmarc *d, size_t i)
{
	return d->rec[i] != NULL && d->nrec[i] == 1 &&
	    d->rec[i]->status != REC_ABSENT &&
	    d->rec[i]->eff_p != DMARC_P_UNSET &&
	    diag_find(d->dl[i], DIAG_TL_DUPLICATE) == NULL;
}

/* §4.10.2: the Organizational Domain from the records found. */
static const char *
org_domain(struct check_run *run, const size_t *found, size_t nfound)
{
	struct check_dmarc *d = &run->dmarc;
	size_t k, i;

	for (k = 0; k < nfound; k++) {
		i = found[k];
		if (d->rec[i]->psd == DMARC_PSD_N)
			return d->level[i];
		if (d->rec[i]->psd == DMARC_PSD_Y && i != 0)
			return last_labels(run->domain,
			    nlabels(d->level[i]) + 1);
	}
	return nfound > 0 ? d->level[found[nfound - 1]] : run->domain;
}

/* Reads the walk in order: the policy level and the org domain. */
static void
walk_eval(struct check_run *run)
{
	struct check_dmarc *d = &run->dmarc;
	size_t found[CHECK_WALK_MAX], nfound = 0, i;
	const char *org;

	for (i = 0; i < d->nwalk && !run->nomem; i++)
		parse_level(run, i);
	for (i = 0; i < d->nwalk && !run->nomem; i++) {
		if (d->walk[i].err != DW_OK && d->walk[i].err != DW_EDNS_PERM) {
			d->walk_failed = true;
			break;
		}
		if (!usable(d, i))
			continue;
		found[nfound++] = i;
		if (d->rec[i]->psd != DMARC_PSD_U)
			break;
	}
	if (run->nomem)
		return;
	if (nfound > 0 && found[0] == 0)
		d->policy = 0;
	if (d->walk_failed)
		return;
	org = org_domain(run, found, nfound);
	run->res.org_domain = org;
	for (i = 0; d->policy < 0 && i < nfound; i++)
		if (strcmp(d->level[found[i]], org) == 0)
			d->policy = (int)found[i];
	if (d->policy < 0 && nfound > 0 &&
	    d->rec[found[nfound - 1]]->psd == DMARC_PSD_Y)
		d->policy = (int)found[nfound - 1];
}

/* b is the org domain of a or below it. */
static bool
same_org(void *ctx, const char *a, const char *b)
{
	struct check_run *run = ctx;
	const char *org = run->res.org_domain != NULL ?
	    run->res.org_domain : a;
	size_t lo = strlen(org), lb = strlen(b);

	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	if (lb == lo)
		return strncasecmp(b, org, lo) == 0;
	return lb > lo && b[lb - lo - 1] == '.' &&
	    strncasecmp(b + lb - lo, org, lo) == 0;
}

static void
auth_start(struct check_run *run)
{
	struct check_dmarc *d = &run->dmarc;
	const struct dmarc_record *rec;
	size_t i;

	walk_eval(run);
	if (run->nomem || d->policy < 0)
		return;
	rec = d->rec[d->policy];
	run->res.policy_domain = d->level[d->policy];
	run->res.dmarc = rec;
	run->res.dmarc_record = d->raw[d->policy];
	if (dmarc_record_auth_names(run->a, rec, run->res.policy_domain,
	    same_org, run, &d->auth, &d->nauth) != DW_OK) {
		run->nomem = true;
		return;
	}
	for (i = 0; i < d->nauth && i < CHECK_AUTH_MAX; i++)
		if (!d->auth[i].too_long)
			check_query(run, d->auth[i].name, DNS_T_TXT,
			    &d->auth_ans[i], NULL);
}

/* ---- findings ---- */

/* rec with "; rua=URI" when it has no rua= (computed records). */
static const char *
with_rua(struct check_run *run, const char *rec, const struct dmarc_record *r)
{
	size_t n = strlen(rec);

	if (r != NULL && r->nrua > 0)
		return rec;
	while (n > 0 && (rec[n - 1] == ' ' || rec[n - 1] == ';' ||
	    rec[n - 1] == '\t'))
		n--;
	return check_fmt(run, "%.*s; rua=%s", (int)n, rec,
	    check_report_uri(run));
}

const char *
check_drop_tags(struct check_run *run, const char *rec,
    const char *const *tags)
{
	struct buf b;
	const char *p = rec, *semi, *s, *out;
	size_t i, nl, len;
	bool drop;

	buf_init(&b, strlen(rec) + 1);
	while (*p != '\0') {
		semi = strchr(p, ';');
		len = semi != NULL ? (size_t)(semi - p) : strlen(p);
		for (s = p; s < p + len && (*s == ' ' || *s == '\t'); s++)
			;
		for (nl = 0; s + nl < p + len && s[nl] != '=' &&
		    s[nl] != ' ' && s[nl] != '\t'; nl++)
			;
		drop = false;
		for (i = 0; tags[i] != NULL; i++)
			if (strlen(tags[i]) == nl &&
			    strncasecmp(s, tags[i], nl) == 0)
				drop = true;
		if (!drop && s < p + len) {
			if (b.len > 0)
				(void)buf_puts(&b, "; ");
			(void)buf_append(&b, s, (size_t)(p + len - s));
		}
		p = semi != NULL ? semi + 1 : p + len;
	}
	while (b.len > 0 && (b.data[b.len - 1] == ' ' ||
	    b.data[b.len - 1] == '\t'))
		b.data[--b.len] = '\0';
	out = arena_strndup(run->a, buf_str(&b), b.len);
	buf_fini(&b);
	if (out == NULL)
		run->nomem = true;
	return out != NULL ? out : rec;
}

/* "id(tag) id(tag)" of the diags of dl with one of the codes (or all,
 * when codes is NULL), skipping the skip list. */
static const char *
diag_text(struct check_run *run, const struct diag_list *dl,
    const enum diag_code *codes, size_t ncodes)
{
	struct buf b;
	const char *out;
	size_t i, k;
	bool want;

	buf_init(&b, 4096);
	for (i = 0; i < dl->n; i++) {
		want = codes == NULL;
		for (k = 0; k < ncodes; k++)
			if (dl->d[i].code == codes[k])
				want = true;
		if (!want)
			continue;
		(void)buf_printf(&b, "%s%s", b.len ? ", " : "",
		    diag_id(dl->d[i].code));
		if (dl->d[i].tag != NULL)
			(void)buf_printf(&b, " (%s)", check_clean(run,
			    dl->d[i].tag, strlen(dl->d[i].tag)));
	}
	out = b.len > 0 ? arena_strndup(run->a, buf_str(&b), b.len) : NULL;
	buf_fini(&b);
	return out;
}

static const enum diag_code syntax_codes[] = {
	DIAG_TL_SYNTAX, DIAG_TL_BAD_NAME, DIAG_TL_BAD_CHAR,
	DIAG_TL_EMPTY_SPEC, DIAG_TL_TRAILING_WSP, DIAG_TL_TOO_MANY,
	DIAG_TL_WSP_EQUALS, DIAG_DMARC_BAD_VALUE, DIAG_DMARC_EMPTY_VALUE,
	DIAG_DMARC_ABBREVIATION, DIAG_DMARC_P_MISSING, DIAG_DMARC_P_FALLBACK,
	DIAG_DMARC_LEGACY_BAD, DIAG_DMARC_FO_CONFLICT, DIAG_DMARC_FO_REPEAT,
	DIAG_DMARC_BAD_SIZE,
};
static const enum diag_code uri_codes[] = {
	DIAG_DMARC_BAD_URI, DIAG_DMARC_URI_SCHEME, DIAG_DMARC_BAD_MAILTO,
	DIAG_DMARC_TOO_MANY_URIS,
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The domain's own _dmarc when it holds no usable record. */
static void
own_level(struct check_run *run)
{
	struct check_dmarc *d = &run->dmarc;
	const char *name = d->walk[0].name, *next = NULL, *why;

	if (d->nrec[0] > 1) {
		check_add(run, CF_DMARC_MULTIPLE, name, NULL, NULL, NULL,
		    "%zu v=DMARC1 records at %s", d->nrec[0], name);
		return;
	}
	if (usable(d, 0) || d->dl[0] == NULL ||
	    (d->nrec[0] == 0 && diag_find(d->dl[0],
	    DIAG_DMARC_BAD_VERSION) == NULL))
		return;
	why = diag_text(run, d->dl[0], NULL, 0);
	if (d->rec[0] != NULL && d->rec[0]->status != REC_ABSENT &&
	    dmarc_record_next(run->a, d->rec[0], &next) != DW_OK)
		run->nomem = true;
	if (next == NULL)
		next = "v=DMARC1; p=none";
	next = with_rua(run, next, d->rec[0]);
	check_add(run, CF_DMARC_INVALID, name, name, "TXT", next,
	    "%s: %s", d->raw[0] != NULL ? d->raw[0] :
	    "a TXT record that is not v=DMARC1", why != NULL ? why :
	    "receivers apply no DMARC");
}

static void
policy_findings(struct check_run *run, const struct dmarc_record *r,
    const char *name, const char *raw, enum dmarc_policy applied)
{
	const char *next = NULL;

	if (dmarc_record_next(run->a, r, &next) != DW_OK)
		run->nomem = true;
	if (next != NULL)
		next = with_rua(run, next, r);
	if (r->t && applied != DMARC_P_NONE)
		check_add(run, CF_DMARC_TEST_MODE, name, name, "TXT", next,
		    "t=y with p=%s: receivers apply %s", dmarc_policy_name(
		    applied), applied == DMARC_P_REJECT ? "quarantine" :
		    "none");
	if (applied == DMARC_P_NONE)
		check_add(run, CF_DMARC_POLICY_NONE, name, name, "TXT", next,
		    "%s", raw);
	else if (applied == DMARC_P_QUARANTINE && !r->t)
		check_add(run, CF_DMARC_POLICY_QUARANTINE, name, name, "TXT",
		    next, "%s", raw);
}

static void
tag_findings(struct check_run *run, const struct check_dmarc *d,
    const char *name, const char *raw)
{
	static const char *const removed[] = { "pct", "rf", "ri", NULL };
	static const char *const subs[] = { "sp", "np", NULL };
	const struct dmarc_record *r = d->rec[d->policy];
	const struct diag_list *dl = d->dl[d->policy];
	const char *t, *unknown[DIAG_LIST_MAX + 1];
	size_t i, k = 0;

	if (diag_find(dl, DIAG_DMARC_SP_WEAKER) != NULL && d->policy == 0)
		check_add(run, CF_DMARC_SUBDOMAIN_WEAKER, name, name, "TXT",
		    check_drop_tags(run, raw, subs), "p=%s, sp=%s, np=%s",
		    dmarc_policy_name(r->eff_p), dmarc_policy_name(r->eff_sp),
		    dmarc_policy_name(r->eff_np));
	if (r->pct != NULL || r->rf != NULL || r->ri != NULL)
		check_add(run, CF_DMARC_TAG_REMOVED, name, name, "TXT",
		    check_drop_tags(run, raw, removed), "%s%s%s%s%s%s",
		    r->pct ? "pct=" : "", r->pct ? r->pct : "",
		    r->rf ? (r->pct ? " rf=" : "rf=") : "", r->rf ? r->rf : "",
		    r->ri ? (r->pct || r->rf ? " ri=" : "ri=") : "",
		    r->ri ? r->ri : "");
	for (i = 0; i < dl->n; i++)
		if (dl->d[i].code == DIAG_DMARC_UNKNOWN_TAG &&
		    dl->d[i].tag != NULL)
			unknown[k++] = dl->d[i].tag;
	unknown[k] = NULL;
	if (k > 0)
		check_add(run, CF_DMARC_TAG_UNKNOWN, name, name, "TXT",
		    check_drop_tags(run, raw, unknown), "%s",
		    diag_text(run, dl, (const enum diag_code[]){
		    DIAG_DMARC_UNKNOWN_TAG }, 1));
	t = diag_text(run, dl, syntax_codes, NELEM(syntax_codes));
	if (t != NULL)
		check_add(run, CF_DMARC_SYNTAX, name, NULL, NULL, NULL,
		    "%s: %s", raw, t);
	t = diag_text(run, dl, uri_codes, NELEM(uri_codes));
	if (t != NULL)
		check_add(run, CF_DMARC_URI_INVALID, name, NULL, NULL, NULL,
		    "%s", t);
}

static void
report_findings(struct check_run *run, const struct dmarc_record *r,
    const char *name, const char *raw)
{
	struct check_dmarc *d = &run->dmarc;
	const struct dmarc_auth *au;
	const struct check_ans *q;
	size_t i, k;
	bool ok;

	if (r->nrua == 0)
		check_add(run, CF_DMARC_RUA_MISSING, name, name, "TXT",
		    with_rua(run, raw, r), "%s", raw);
	if (r->nruf > 0)
		check_add(run, CF_DMARC_RUF_PHI, name, NULL, NULL, NULL,
		    "ruf=%s%s", r->ruf[0].uri, r->nruf > 1 ? " and more" : "");
	for (i = 0; i < d->nauth; i++) {
		au = &d->auth[i];
		if (i == CHECK_AUTH_MAX) {
			check_add(run, CF_DNS_TOO_MANY, name, NULL, NULL, NULL,
			    "%zu report destinations outside the domain; "
			    "the first %d were checked", d->nauth,
			    CHECK_AUTH_MAX);
			break;
		}
		q = &d->auth_ans[i];
		if (!au->too_long && q->err == DW_EDNS_TEMP) {
			check_add(run, CF_DMARC_URI_AUTH_UNKNOWN, au->name,
			    NULL, NULL, NULL, "%s: %s", au->name,
			    check_ans_why(q));
			continue;
		}
		ok = false;
		for (k = 0; !au->too_long && q->err == DW_OK &&
		    q->ans != NULL && k < q->ans->n; k++)
			if (is_dmarc1(q->ans->rr[k].u.txt.data,
			    q->ans->rr[k].u.txt.len))
				ok = true;
		if (ok)
			continue;
		check_add(run, CF_DMARC_URI_UNAUTHORIZED, au->name,
		    au->too_long ? NULL : au->name, "TXT",
		    au->too_long ? NULL : "v=DMARC1", "%s=%s: %s",
		    au->ruf ? "ruf" : "rua", au->uri->uri, au->too_long ?
		    "the authorization name is over 253 bytes and cannot "
		    "exist" : check_fmt(run, "no v=DMARC1 record at %s (%s)",
		    au->name, check_ans_why(q)));
	}
}

enum dmarc_policy
check_dmarc_applied(const struct check_run *run)
{
	const struct dmarc_record *r = run->res.dmarc;
	enum dmarc_policy p;

	if (r == NULL)
		return DMARC_P_UNSET;
	p = run->dmarc.policy == 0 ? r->eff_p : r->eff_sp;
	if (r->t && p == DMARC_P_REJECT)
		p = DMARC_P_QUARANTINE;
	else if (r->t && p == DMARC_P_QUARANTINE)
		p = DMARC_P_NONE;
	return p;
}

static void
history(struct check_run *run)
{
	struct check_dmarc *d = &run->dmarc;

	check_record(run, "dmarc", d->walk[0].name, &d->walk[0],
	    "dmarc.policy");
	if (d->policy > 0)
		check_record(run, "dmarc", d->walk[d->policy].name,
		    &d->walk[d->policy], "dmarc.policy");
}

void
check_dmarc_finish(struct check_run *run)
{
	struct check_dmarc *d = &run->dmarc;
	const struct dmarc_record *r;
	const char *name, *raw;
	size_t i;

	if (run->not_found || d->nwalk == 0)
		return;
	history(run);
	for (i = 0; i < d->nwalk; i++) {
		if (d->walk[i].err == DW_OK || d->walk[i].err == DW_EDNS_PERM)
			continue;
		check_add(run, CF_DMARC_TEMPORARY, d->walk[i].name, NULL, NULL,
		    NULL, "%s: %s%s", d->walk[i].name,
		    check_ans_why(&d->walk[i]), d->policy < 0 ?
		    ": the policy that applies is unknown" : "");
		break;
	}
	own_level(run);
	if (d->policy < 0) {
		if (!d->walk_failed)
			check_add(run, CF_DMARC_MISSING, d->walk[0].name,
			    d->walk[0].name, "TXT", with_rua(run,
			    "v=DMARC1; p=none", NULL), "no DMARC record at %s "
			    "or above it (tree walk of %zu names)",
			    d->walk[0].name, d->nwalk);
		return;
	}
	r = d->rec[d->policy];
	name = d->walk[d->policy].name;
	raw = d->raw[d->policy] != NULL ? d->raw[d->policy] : "";
	if (d->policy > 0)
		check_add(run, CF_DMARC_INHERITED, d->walk[0].name, NULL, NULL,
		    NULL, "no record at %s; %s applies (receivers use "
		    "sp=%s)", d->walk[0].name, name,
		    dmarc_policy_name(r->eff_sp));
	policy_findings(run, r, name, raw, d->policy == 0 ? r->eff_p :
	    r->eff_sp);
	tag_findings(run, d, name, raw);
	report_findings(run, r, name, raw);
}
