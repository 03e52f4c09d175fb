/* failure_json.c: a failure report as JSON (failure_json.h). */
#include <stdio.h>

#include "failure_json.h"

json_t *
failure_redactions_json(const struct phi_counts *c)
{
	json_t *o = json_object();
	int k;

	for (k = 0; o != NULL && k < PHI_NKINDS; k++)
		json_object_set_new(o, phi_kind_key((enum phi_kind)k),
		    json_integer(c->n[k]));
	return o;
}

json_t *
failure_strings_json(const char *const *s, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

static void
str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v != NULL ? json_string(v) : json_null());
}

/* The identity and result fields, in the documented order. */
static void
fields(json_t *o, const struct failure_report *r)
{
	str(o, "auth_failure", r->auth_failure);
	str(o, "delivery_result", r->delivery_result);
	str(o, "identity_alignment", r->identity_alignment);
	str(o, "dmarc_result", r->dmarc_result);
	str(o, "spf_result", r->spf_result);
	str(o, "spf_domain", r->spf_domain);
	str(o, "dkim_result", r->dkim_result);
	str(o, "dkim_domain", r->dkim_domain);
	str(o, "dkim_identity", r->dkim_identity);
	str(o, "dkim_selector", r->dkim_selector);
	str(o, "spf_dns", r->spf_dns);
	str(o, "dkim_selector_dns", r->dkim_selector_dns);
	str(o, "header_from", r->header_from);
	str(o, "envelope_from", r->envelope_from);
	json_object_set_new(o, "envelope_to",
	    failure_strings_json(r->envelope_to, r->nenvelope_to));
	str(o, "original_envelope_id", r->original_envelope_id);
	json_object_set_new(o, "auth_results",
	    failure_strings_json(r->auth_results, r->nauth_results));
}

json_t *
failure_json(const struct failure_report *r)
{
	json_t *o = json_object();
	char hex[65];
	int i;

	if (o == NULL)
		return NULL;
	str(o, "form", failure_form_name(r->form));
	str(o, "feedback_type", r->feedback_type);
	str(o, "user_agent", r->user_agent);
	str(o, "version", r->version);
	str(o, "reporter", r->reporter);
	str(o, "reporting_mta", r->reporting_mta);
	json_object_set_new(o, "arrival_date", r->has_arrival ?
	    json_integer(r->arrival) : json_null());
	str(o, "source_ip", r->source_ip);
	str(o, "reported_domain", r->reported_domain);
	str(o, "domain", r->domain);
	json_object_set_new(o, "incidents", json_integer(
	    (json_int_t)r->incidents));
	fields(o, r);
	str(o, "headers", r->headers);
	json_object_set_new(o, "redactions",
	    failure_redactions_json(&r->redactions));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", r->sha256[i]);
	str(o, "sha256", hex);
	json_object_set_new(o, "notes",
	    failure_strings_json(r->notes, r->nnotes));
	return o;
}
