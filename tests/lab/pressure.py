"""Swap under the whole machine's memory pressure, not a cgroup's: a
client of 160 MiB runs two sorts that together need three times its
RAM, with memx on two servers as its only swap. Every page the kernel evicts
to make room goes out through rmap_proto while the machine has almost
nothing free: the swap path must make progress on what it set aside.
Both sorts finish verified, nobody is OOM-killed, no I/O fails. The
LAN is trusted (no key) and a third guest attacks all the while
(rmapforge.py harass): it diverts moments of the client's traffic and
replays it, floods the server with JOINs and sends reads that wrap. On a
keyless LAN none of that needs forging, and none of it may cost the
client a page or the swap path its progress."""

# Stock only: under KASAN the same job takes many times as long.
KERNELS = ["stock"]
TIMEOUT = {"stock": 1200, "debug": 3600}
# Keyed frames meet an attacker in blockdev; here, a keyless LAN does.
KEY = False


def run(lab):
    # The servers lend more than the swap device holds: swap spreads over
    # the whole device (docs/memx.md, "Sizing").
    lab.guest("srv1", role="memx-server.sh", mem=560, capacity_mb=320, attacked=1)
    lab.guest("srv2", role="memx-server.sh", mem=560, capacity_mb=320, attacked=1)
    lab.guest("attacker", role="blockdev-attacker.sh", mem=256)
    lab.guest("cli", role="pressure-client.sh", mem=160)
    lab.wait()
