/*
 * dns_wire.h: DNS wire format from a stranger, into struct dns_rr.
 *
 * Every length is checked against the bytes given; nothing is read past
 * them and nothing is written into them.  No sockets: the libunbound
 * resolver hands these functions what it received, and fuzz_dns_wire
 * hands them anything.
 */
#ifndef DW_DNS_WIRE_H
#define DW_DNS_WIRE_H

#include "dns.h"

/*
 * The rdata rd[0..len) of one RR of type t into rr (strings arena-owned).
 * DW_ESYNTAX when it is malformed for its type (a short address, a name
 * running past the end, a label over 63 bytes, a name over 253), DW_ENOMEM.
 */
enum dw_err dns_wire_rr(struct arena *a, enum dns_type t, const uint8_t *rd,
    size_t len, struct dns_rr *rr);

/* The CNAME records in the answer section of the message p[0..len): how
 * many were followed.  Stops, counting what it saw, where the message is
 * malformed. */
size_t dns_wire_count_cnames(const uint8_t *p, size_t len);

#endif
