/*
 * dns_fake.h: a resolver answering from zone data, never the network.
 *
 * Zone data is the "zonedata:" format of the SPF test suite: a mapping
 * from owner name to a list of records, each "TYPE: value" (TXT and SPF as
 * a string or a list of strings, A, AAAA, MX [pref, host], PTR, CNAME,
 * "TXT: NONE", TLSA [usage, selector, matching type, "hex"]) or the bare
 * marker TIMEOUT: a query for a type not listed
 * before the marker fails temporarily.  A name with no data is NXDOMAIN, a
 * name without records of the asked type is NODATA.  Unless a name has a
 * TXT entry of its own, each SPF entry is also served as TXT (the suite's
 * rule).  CNAMEs are followed for every other type.  "DNSSEC: secure",
 * "insecure" or "bogus" gives the name's answers that DNSSEC status, as a
 * validating resolver with a trust anchor reports it.
 */
#ifndef DW_DNS_FAKE_H
#define DW_DNS_FAKE_H

#include <yaml.h>

#include "dns.h"

struct dns_resolver *dns_fake_new(void);

/*
 * Adders; name is copied (lower-cased, one trailing dot removed).  All
 * return DW_ENOMEM or DW_EINVAL (a wrong type or bad address literal).
 * strs[i] has lens[i] bytes and may hold any bytes.
 */
enum dw_err dns_fake_add_txt(struct dns_resolver *r, const char *name,
    enum dns_type type, const char *const *strs, const size_t *lens,
    size_t n);
enum dw_err dns_fake_add_txt_none(struct dns_resolver *r, const char *name);
enum dw_err dns_fake_add_addr(struct dns_resolver *r, const char *name,
    const char *literal);
enum dw_err dns_fake_add_mx(struct dns_resolver *r, const char *name,
    unsigned pref, const char *host);
/* PTR or CNAME */
enum dw_err dns_fake_add_name(struct dns_resolver *r, const char *name,
    enum dns_type type, const char *target);
/* Any other type (TLSA): rdata as it is on the wire. */
enum dw_err dns_fake_add_raw(struct dns_resolver *r, const char *name,
    enum dns_type type, const uint8_t *rdata, size_t len);
enum dw_err dns_fake_add_timeout(struct dns_resolver *r, const char *name);
/*
 * The DNSSEC status of the answers for name ("DNSSEC: bogus" in zone
 * data), as a validating resolver would report it: a bogus name fails
 * temporarily with the reason; the others answer with the status set.
 */
enum dw_err dns_fake_set_sec(struct dns_resolver *r, const char *name,
    enum dns_sec sec);
/* Adds a TXT copy of each SPF entry of every name without TXT entries.
 * The YAML loaders call it; callers of the adders call it when done. */
enum dw_err dns_fake_finish(struct dns_resolver *r);

/*
 * Loads buf[0..len), a YAML stream: each document is either a mapping
 * with a "zonedata" key or a zonedata mapping itself.  Borrows buf.
 * DW_ESYNTAX with the reason and line in e on bad data.
 */
/*
 * A fake resolver answering from the zone-data file path (at most max
 * bytes); e names the file and the reason when it cannot.
 */
enum dw_err dns_fake_from_file(const char *path, size_t max,
    struct dns_resolver **out, struct dw_error *e);
enum dw_err dns_fake_load_yaml(struct dns_resolver *r, const char *buf,
    size_t len, struct dw_error *e);
/* Loads one zonedata mapping node of an already parsed document. */
enum dw_err dns_fake_load_node(struct dns_resolver *r, yaml_document_t *doc,
    yaml_node_t *map, struct dw_error *e);

#endif
