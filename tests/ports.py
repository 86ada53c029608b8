"""Ports for the servers tests start (replica clusters, the fault suite's services, test servers).

Below the kernel's ephemeral range: a port taken by binding port 0 comes from that range, which
outgoing connections also draw their local ports from, so a server stopped and started again by a
test (a replica, PostgreSQL under traffic) could find its port taken by a client connection."""

import random
import socket
from pathlib import Path

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def free_port() -> int:
    low = int(EPHEMERAL_RANGE.read_text().split()[0]) if EPHEMERAL_RANGE.exists() else 32768
    for port in random.sample(range(20000, low), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")
