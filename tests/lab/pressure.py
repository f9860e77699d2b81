"""Swap under the whole machine's memory pressure, not a cgroup's: a
client of 160 MiB runs two sorts that together need three times its
RAM, with memx as its only swap. Every page the kernel evicts
to make room goes out through rmap_proto while the machine has almost
nothing free: the swap path must make progress on what it set aside.
Both sorts finish verified, nobody is OOM-killed, no I/O fails."""

# Stock only: under KASAN the same job takes many times as long.
KERNELS = ["stock"]
TIMEOUT = {"stock": 1200, "debug": 3600}


def run(lab):
    # The server lends more than the swap device holds: swap spreads over
    # the whole device (docs/memx.md, "Sizing").
    lab.guest("srv1", role="memx-server.sh", mem=800, capacity_mb=560)
    lab.guest("cli", role="pressure-client.sh", mem=160)
    lab.wait()
