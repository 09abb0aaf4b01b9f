#!/usr/bin/env python3
"""Minimal console-socket receiver for OCI runtime tests.

Usage: recvtty.py [--input STRING] [--no-wait] SOCKET_PATH

Listens on the unix socket SOCKET_PATH, accepts one connection, receives the
pty master file descriptor sent with SCM_RIGHTS (as `runc --console-socket`
does), optionally writes STRING to the pty, then copies everything read from
the pty to stdout until the pty is closed (EOF / EIO once the container's
side is gone).  The socket file is removed on exit.
"""

import argparse
import array
import os
import select
import socket
import sys


def recv_fd(conn):
    fds = array.array("i")
    msg, ancdata, _flags, _addr = conn.recvmsg(
        4096, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, ctype, data in ancdata:
        if level == socket.SOL_SOCKET and ctype == socket.SCM_RIGHTS:
            fds.frombytes(data[:len(data) - (len(data) % fds.itemsize)])
    if not fds:
        raise RuntimeError("no file descriptor received (payload %r)" % msg)
    for extra in fds[1:]:
        os.close(extra)
    return fds[0], msg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default=None,
                    help="string written to the pty after receiving it")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="give up after this many seconds")
    ap.add_argument("socket")
    args = ap.parse_args()

    try:
        os.unlink(args.socket)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(args.socket)
    srv.listen(1)
    srv.settimeout(args.timeout)
    try:
        conn, _ = srv.accept()
    finally:
        srv.close()
        try:
            os.unlink(args.socket)
        except FileNotFoundError:
            pass

    master, name = recv_fd(conn)
    conn.close()
    sys.stderr.write("received pty fd (name %r)\n" % name)
    sys.stderr.flush()

    if args.input is not None:
        os.write(master, args.input.encode())

    out = sys.stdout.buffer
    while True:
        r, _, _ = select.select([master], [], [], args.timeout)
        if not r:
            sys.stderr.write("timeout waiting for pty output\n")
            return 2
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: slave side closed
            break
        if not data:
            break
        out.write(data)
        out.flush()
    os.close(master)
    return 0


if __name__ == "__main__":
    sys.exit(main())
