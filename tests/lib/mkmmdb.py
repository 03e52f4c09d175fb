#!/usr/bin/env python3
"""Writes a tiny MaxMind DB (format 2.0, IPv4, 24-bit records) for the
tests: each network NET/LEN gets {autonomous_system_number,
autonomous_system_organization, country: {iso_code}}.  Usage:
  mkmmdb.py OUT NET/LEN:ASN:ORG:CC...
Written from the published MaxMind DB format specification; only what
the tests need (no IPv6, no pointers in the data section)."""
import ipaddress, struct, sys

def ctrl(t, size):
    if size < 29:
        low, extra = size, b""
    elif size < 285:
        low, extra = 29, bytes([size - 29])
    else:
        low, extra = 30, (size - 285).to_bytes(2, "big")
    if t <= 7:
        return bytes([(t << 5) | low]) + extra
    return bytes([low, t - 7]) + extra

def enc(v):
    if isinstance(v, str):
        b = v.encode()
        return ctrl(2, len(b)) + b
    if isinstance(v, dict):
        out = ctrl(7, len(v))
        for k, x in v.items():
            out += enc(k) + enc(x)
        return out
    if isinstance(v, tuple):            # (type, value) for integers
        t, n = v
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
        return ctrl(t, len(raw)) + raw
    if isinstance(v, list):
        out = ctrl(11, len(v))
        for x in v:
            out += enc(x)
        return out
    raise TypeError(v)

def main():
    out, specs = sys.argv[1], sys.argv[2:]
    data = b""
    nets = []
    for s in specs:
        net, asn, org, cc = s.split(":")
        off = len(data)
        data += enc({"autonomous_system_number": (6, int(asn)),
                     "autonomous_system_organization": org,
                     "country": {"iso_code": cc}})
        nets.append((ipaddress.ip_network(net), off))
    # the tree: node 0 is the root; records are node numbers, N for "no
    # data", N + 16 + offset for data
    nodes = [[None, None]]
    for net, off in nets:
        bits = int(net.network_address)
        n = 0
        for d in range(net.prefixlen):
            b = (bits >> (31 - d)) & 1
            if d == net.prefixlen - 1:
                nodes[n][b] = ("data", off)
            else:
                if nodes[n][b] is None:
                    nodes.append([None, None])
                    nodes[n][b] = len(nodes) - 1
                n = nodes[n][b]
    N = len(nodes)
    tree = b""
    for l, r in nodes:
        for x in (l, r):
            if x is None:
                v = N
            elif isinstance(x, tuple):
                v = N + 16 + x[1]
            else:
                v = x
            tree += v.to_bytes(3, "big")
    meta = {"node_count": (6, N), "record_size": (5, 24),
            "ip_version": (5, 4), "database_type": "dw-test",
            "languages": ["en"], "binary_format_major_version": (5, 2),
            "binary_format_minor_version": (5, 0),
            "build_epoch": (9, 1700000000),
            "description": {"en": "dmarcward test"}}
    with open(out, "wb") as f:
        f.write(tree + b"\0" * 16 + data + b"\xab\xcd\xefMaxMind.com" +
                enc(meta))

main()
