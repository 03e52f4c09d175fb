#!/usr/bin/env python3
"""smtp_fake.py PORTFILE: SMTP servers that misbehave, for the probe
tests.  Listens on 127.0.0.1 on one free port per behaviour, writes
"NAME PORT" lines to PORTFILE once all listen, and serves until killed.
Each connection gets the behaviour of its port:

  silent      accepts and never says a word
  drip        "220 " then one byte every 0.3 s, never a line end
  longline    a greeting line of 600 octets (cap: 512)
  manylines   a greeting of 100 lines (cap: 64)
  notsmtp     an HTTP status line instead of a greeting
  refuse      554 greeting
  mismatch    EHLO reply whose lines carry different codes
  ehlo500     EHLO refused with 500
  stlsrefuse  STARTTLS offered, then refused with 454
  inject      220 to STARTTLS followed by an injected reply, then close
  closes      accepts and closes at once
"""
import os
import socket
import sys
import threading
import time

GREETING = b"220 fake.test ESMTP\r\n"
EHLO_TLS = b"250-fake.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n"


def readline(c):
    data = b""
    while not data.endswith(b"\n"):
        ch = c.recv(1)
        if not ch:
            return None
        data += ch
        if len(data) > 1000:
            return None
    return data


def dialog(c, after_ehlo, after_starttls):
    c.sendall(GREETING)
    while True:
        line = readline(c)
        if line is None:
            return
        verb = line.strip().split(b" ")[0].upper()
        if verb == b"EHLO":
            c.sendall(after_ehlo)
        elif verb == b"STARTTLS":
            c.sendall(after_starttls)
            time.sleep(0.5)
            return
        elif verb == b"QUIT":
            c.sendall(b"221 bye\r\n")
            return
        else:
            c.sendall(b"500 what\r\n")


def serve(name, c):
    if name == "silent":
        time.sleep(30)
    elif name == "drip":
        c.sendall(b"220 ")
        for _ in range(100):
            c.sendall(b"x")
            time.sleep(0.3)
    elif name == "longline":
        c.sendall(b"220 " + b"x" * 596 + b"\r\n")
        time.sleep(2)
    elif name == "manylines":
        c.sendall(b"220-fake\r\n" * 100 + b"220 end\r\n")
        time.sleep(2)
    elif name == "notsmtp":
        c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        time.sleep(2)
    elif name == "refuse":
        c.sendall(b"554 5.3.2 no service here\r\n")
        readline(c)
        c.sendall(b"221 bye\r\n")
    elif name == "mismatch":
        dialog(c, b"250-fake.test\r\n251 STARTTLS\r\n", b"")
    elif name == "ehlo500":
        dialog(c, b"500 5.5.1 no EHLO for you\r\n", b"")
    elif name == "stlsrefuse":
        dialog(c, EHLO_TLS, b"454 4.7.0 TLS not available\r\n")
    elif name == "inject":
        dialog(c, EHLO_TLS, b"220 go ahead\r\n250 injected\r\n")
    elif name == "closes":
        pass


def handler(name, c):
    try:
        serve(name, c)
    except OSError:
        pass
    finally:
        c.close()


def listener(name, s):
    while True:
        c, _ = s.accept()
        threading.Thread(target=handler, args=(name, c), daemon=True).start()


def main():
    names = ["silent", "drip", "longline", "manylines", "notsmtp",
             "refuse", "mismatch", "ehlo500", "stlsrefuse", "inject",
             "closes"]
    lines = []
    for name in names:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        lines.append("%s %d\n" % (name, s.getsockname()[1]))
        threading.Thread(target=listener, args=(name, s), daemon=True).start()
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.writelines(lines)
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
