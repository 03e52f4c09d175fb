/* cli_dns.c: --zone / --resolver into a resolver. */
#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"
#include "base/log.h"
#include "cli_dns.h"
#include "cli_util.h"
#include "dns/dns_fake.h"

static struct dns_resolver *
from_zone(const char *path)
{
	struct dns_resolver *r;
	struct dw_error e = { DW_OK, "" };

	if (dns_fake_from_file(path, CLI_ZONE_MAX, &r, &e) != DW_OK) {
		log_warnx("--zone %s", e.msg);
		return NULL;
	}
	return r;
}

/* $DMARCWARD_DNS_TIMEOUT: milliseconds per query (0: the default). */
static unsigned
timeout_ms(void)
{
	const char *s = getenv("DMARCWARD_DNS_TIMEOUT");
	uint64_t v;

	if (s == NULL || *s == '\0')
		return 0;
	if (!cli_parse_u64(s, 1, 600000, &v)) {
		log_warnx("DMARCWARD_DNS_TIMEOUT=%s: want 1..600000 (ms)", s);
		return 0;
	}
	return (unsigned)v;
}

struct dns_resolver *
cli_dns_resolver(const struct cli *c)
{
	struct dns_unbound_opts o = { 0 };
	struct dw_error e = { DW_OK, "" };
	struct dns_resolver *r, *cached;

	if (c->zone != NULL && c->resolver != NULL) {
		log_warnx("--zone %s and --resolver %s: answers come from one "
		    "or the other; give only one", c->zone, c->resolver);
		return NULL;
	}
	if (c->zone != NULL && c->trust_anchor != NULL) {
		log_warnx("--trust-anchor %s: zone data (--zone) has no "
		    "DNSSEC to validate; use one or the other",
		    c->trust_anchor);
		return NULL;
	}
	if (c->zone != NULL) {
		r = from_zone(c->zone);
	} else {
		o.upstream = c->resolver;
		o.trust_anchor = c->trust_anchor;
		o.timeout_ms = timeout_ms();
		if (dns_unbound_new(&o, &r, &e) != DW_OK) {
			log_warnx("%s", e.msg);
			r = NULL;
		}
	}
	if (r == NULL)
		return NULL;
	cached = dns_cache_new(r, 0, NULL, NULL);
	if (cached == NULL) {
		dns_free(r);
		log_warnx("out of memory");
	}
	return cached;
}
