#!/usr/bin/env python3
"""A seccomp notify listener for OCI runtime tests.

Usage: seccomp_listener.py SOCKET_PATH OUT_FILE

Listens on SOCKET_PATH (the config's linux.seccomp.listenerPath), accepts
one connection, receives the seccomp notify fd sent with SCM_RIGHTS together
with the container process state JSON (runtime-spec config-linux.md,
"seccomp notify"), writes that JSON to OUT_FILE, then closes the fd. Once no
listener holds the fd, the kernel fails every notifying syscall with ENOSYS,
which is how the test sees that the fd really travelled.
"""

import array
import os
import socket
import sys


def main():
    path, out = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(30)
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, ancdata, _flags, _addr = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, ctype, data in ancdata:
        if level == socket.SOL_SOCKET and ctype == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    with open(out + ".tmp", "w") as f:
        f.write(msg.decode())
        f.write("\nfds=%d\n" % len(fds))
    os.rename(out + ".tmp", out)
    for fd in fds:
        os.close(fd)
    conn.close()
    srv.close()
    os.unlink(path)


if __name__ == "__main__":
    main()
