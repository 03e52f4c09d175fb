/*
 * check_dkim.c: DKIM key records at <selector>._domainkey.<domain> for the
 * selectors the user gives and a built-in list of common ones, read with
 * dkim_key (RFC 6376 §3.6.1; key sizes by RFC 8301 §3.2, Ed25519 by
 * RFC 8463).
 *
 * Selectors are not listed anywhere in the DNS, so "no key found" only
 * speaks of the names tried.  A built-in selector whose TXT record is not
 * a DKIM key (a wildcard TXT answering every name) is not reported;
 * a selector the user named always is.  A domain whose SPF record is
 * "v=spf1 -all" sends no mail and needs no key.
 */
#include <string.h>

#include "check/check_int.h"

/*
 * Selectors the providers document (each verified in the provider's own
 * setup guide or a published list of common selectors):
 *   selector1, selector2   Microsoft 365 (CNAMEs to the tenant's keys)
 *   google                 Google Workspace
 *   k1, k2, k3             Mailchimp (k1 also Mandrill)
 *   mandrill               Mandrill (Mailchimp Transactional)
 *   s1, s2                 SendGrid (automated security CNAMEs)
 *   smtpapi                SendGrid, older setups
 *   amazonses              Amazon SES, older setups (Easy DKIM uses
 *                          per-identity tokens: give them with --selector)
 *   fm1, fm2, fm3          Fastmail
 *   protonmail, protonmail2, protonmail3   Proton Mail
 *   everlytickey1, everlytickey2           Everlytic
 *   mxvault                Global Micro
 *   dkim                   Hetzner and many hosted servers
 *   default, mail, email   common defaults of self-hosted signers
 */
const char *const check_builtin_selectors[] = {
	"selector1", "selector2", "google", "k1", "k2", "k3", "mandrill",
	"s1", "s2", "smtpapi", "amazonses", "fm1", "fm2", "fm3",
	"protonmail", "protonmail2", "protonmail3", "everlytickey1",
	"everlytickey2", "mxvault", "dkim", "default", "mail", "email",
	NULL,
};

static bool
listed(const struct check_run *run, const char *s)
{
	size_t i;

	for (i = 0; i < run->nsel; i++)
		if (strcmp(run->sel[i].selector, s) == 0)
			return true;
	return false;
}

static void
add_sel(struct check_run *run, const char *s, bool user)
{
	if (run->nsel == CHECK_SELECTORS_MAX || listed(run, s))
		return;
	run->sel[run->nsel].selector = s;
	run->sel[run->nsel].user = user;
	run->nsel++;
}

void
check_dkim_start(struct check_run *run)
{
	const struct check_opts *o = run->m->o;
	size_t i;

	run->sel = arena_zalloc(run->a, CHECK_SELECTORS_MAX *
	    sizeof(*run->sel));
	if (run->sel == NULL) {
		run->nomem = true;
		return;
	}
	for (i = 0; i < o->nselectors; i++)
		add_sel(run, o->selectors[i], true);
	for (i = 0; !o->no_builtin && check_builtin_selectors[i] != NULL; i++)
		add_sel(run, check_builtin_selectors[i], false);
	for (i = 0; i < run->nsel; i++)
		check_query(run, check_fmt(run, "%s._domainkey.%s",
		    run->sel[i].selector, run->domain), DNS_T_TXT,
		    &run->sel[i].q, NULL);
}

static struct check_dkim_key *
add_key(struct check_run *run)
{
	struct check_result *r = &run->res;
	struct check_dkim_key *k;

	if (r->dkim == NULL) {
		r->dkim = arena_zalloc(run->a, CHECK_SELECTORS_MAX *
		    sizeof(*r->dkim));
		if (r->dkim == NULL) {
			run->nomem = true;
			return NULL;
		}
	}
	k = &r->dkim[r->ndkim++];
	return k;
}

/* The findings of one parsed key; true when it is a usable key. */
static bool
key_findings(struct check_run *run, const char *name,
    const struct dkim_key *key, const struct diag_list *dl)
{
	const char *ids;
	size_t i;
	bool special = false;

	if (key->revoked) {
		check_add(run, CF_DKIM_REVOKED, name, NULL, NULL, NULL,
		    "%s: p= is empty", name);
		return false;
	}
	if (diag_find(dl, DIAG_DKIM_RSA_TOO_SHORT) != NULL) {
		check_add(run, CF_DKIM_RSA_TOO_SHORT, name, NULL, NULL, NULL,
		    "%s: RSA key of %u bits", name, key->bits);
		special = true;
	} else if (diag_find(dl, DIAG_DKIM_RSA_WEAK) != NULL) {
		check_add(run, CF_DKIM_RSA_WEAK, name, NULL, NULL, NULL,
		    "%s: RSA key of %u bits", name, key->bits);
	}
	if (diag_find(dl, DIAG_DKIM_H_SHA1_ONLY) != NULL) {
		check_add(run, CF_DKIM_SHA1_ONLY, name, NULL, NULL, NULL,
		    "%s: h=sha1", name);
		special = true;
	}
	if (diag_find(dl, DIAG_DKIM_TESTING) != NULL)
		check_add(run, CF_DKIM_TESTING, name, NULL, NULL, NULL,
		    "%s: t=y", name);
	if (key->status == REC_VALID)
		return !special;
	ids = "";
	for (i = 0; i < dl->n; i++)
		if (dl->d[i].sev == DIAG_ERR &&
		    dl->d[i].code != DIAG_DKIM_RSA_TOO_SHORT &&
		    dl->d[i].code != DIAG_DKIM_H_SHA1_ONLY)
			ids = check_fmt(run, "%s%s%s", ids, *ids ? ", " : "",
			    diag_id(dl->d[i].code));
	if (*ids != '\0' || !special)
		check_add(run, CF_DKIM_INVALID, name, NULL, NULL, NULL,
		    "%s: %s", name, *ids ? ids : "not a DKIM key record");
	return false;
}

/* One selector's answer; true when it holds a key record. */
static bool
one(struct check_run *run, struct check_dkim_sel *s, size_t *nfound,
    size_t *nrsa)
{
	const struct dns_answer *ans = s->q.ans;
	const struct dns_rr *rr;
	struct dkim_key *key;
	struct check_dkim_key *k;
	struct diag_list dl;

	if (s->q.err != DW_OK || ans == NULL || ans->n == 0)
		return false;
	rr = &ans->rr[0];
	diag_list_init(&dl);
	if (dkim_key_parse(run->a, rr->u.txt.data, rr->u.txt.len, &key,
	    &dl) != DW_OK) {
		run->nomem = true;
		return false;
	}
	if (!s->user && !key->is_dkim && key->p == NULL)
		return false;	/* not a key: a wildcard or other TXT */
	check_record(run, "dkim", s->q.name, &s->q, "dkim.key");
	(*nfound)++;
	if (ans->n > 1)
		check_add(run, CF_DKIM_MULTIPLE, s->q.name, NULL, NULL, NULL,
		    "%s: %zu TXT records", s->q.name, ans->n);
	k = add_key(run);
	if (k == NULL)
		return true;
	k->selector = s->selector;
	k->type = key->k == DKIM_K_ED25519 ? "ed25519" : "rsa";
	k->bits = key->bits;
	k->revoked = key->revoked;
	k->valid = key_findings(run, s->q.name, key, &dl);
	if (k->valid && key->k == DKIM_K_RSA)
		(*nrsa)++;
	return true;
}

void
check_dkim_finish(struct check_run *run)
{
	size_t i, nfound = 0, nrsa = 0, ntemp = 0, nvalid = 0;
	const struct check_ans *first = NULL;

	if (run->not_found)
		return;
	for (i = 0; i < run->nsel && !run->nomem; i++) {
		struct check_dkim_sel *s = &run->sel[i];

		if (s->q.err == DW_EDNS_TEMP || (s->q.err != DW_OK &&
		    s->q.err != DW_EDNS_PERM)) {
			if (ntemp++ == 0)
				first = &s->q;
			continue;
		}
		if (!one(run, s, &nfound, &nrsa))
			check_record_absent(run, "dkim", s->q.name,
			    "dkim.key");
	}
	for (i = 0; i < run->res.ndkim; i++)
		if (run->res.dkim[i].valid)
			nvalid++;
	if (first != NULL)
		check_add(run, CF_DNS_TEMPORARY, first->name, NULL, NULL, NULL,
		    "%zu of %zu DKIM selector lookups failed; first %s: %s",
		    ntemp, run->nsel, first->name, check_ans_why(first));
	if (nfound == 0 && ntemp == 0 && !run->sends_none)
		check_add(run, CF_DKIM_NONE_FOUND, run->domain, NULL, NULL,
		    NULL, "no DKIM key at any of %zu selectors tried "
		    "(%s, ...)", run->nsel, run->nsel > 0 ?
		    run->sel[0].selector : "none");
	if (nvalid > 0 && nrsa == 0)
		check_add(run, CF_DKIM_ED25519_ONLY, run->domain, NULL, NULL,
		    NULL, "%zu Ed25519 key%s and no usable RSA key", nvalid,
		    nvalid > 1 ? "s" : "");
}
