"""Swap under the whole machine's memory pressure, not a cgroup's: a
client of 112 MiB runs a sort that needs one and a half times its
RAM (three times, as in blockdev and migrate, took 800 s here, where
the whole machine thrashes), with memx on three servers as its only swap, two copies of every
extent. Every page the kernel evicts to make room goes out through
rmap_proto while the machine has almost nothing free: the swap path must
make progress on what it set aside. Mid-job, srv3 is asked to leave
(drain): it refuses rmmod while it holds copies, they move to srv1 and
srv2 while the sort goes on, the client leaves its sessions there, and
rmmod goes ahead (then it loads again). Then srv1 loses power (its QEMU
is killed) and boots again: its copies are made again from those that
survive. The sort finishes verified, nobody is OOM-killed, no I/O
fails, every extent has its two copies, none on a session that is
over. The LAN is trusted (no key) and another
guest attacks all the while (rmapforge.py harass): it diverts moments
of the client's traffic and replays it, floods the servers with JOINs
and sends reads that wrap. On a keyless LAN none of that needs forging,
and none of it may cost the client a page or the swap path its
progress."""

import os

# Stock only: under KASAN the same job takes many times as long.
KERNELS = ["stock"]
TIMEOUT = {"stock": 1200, "debug": 3600}
# Keyed frames meet an attacker in blockdev; here, a keyless LAN does.
KEY = False


def run(lab):
    # For measurements: MEMX_FAULTS=0 neither drains nor kills a server
    # (the fault-free baseline), MEMX_REPLICAS sets the copies (2).
    faults = os.environ.get("MEMX_FAULTS", "1") == "1"
    replicas = int(os.environ.get("MEMX_REPLICAS", "2"))
    # Any two servers lend more than the swap device holds, twice over (two
    # copies): swap spreads over the whole device (docs/memx.md, "Sizing"),
    # and srv3 goes.
    lab.guest("srv1", role="memx-server.sh", mem=680, capacity_mb=420, attacked=1)
    lab.guest("srv2", role="memx-server.sh", mem=680, capacity_mb=420, attacked=1)
    lab.guest("srv3", role="memx-server.sh", mem=680, capacity_mb=420,
              **({"drain": 1} if faults else {}))
    lab.guest("attacker", role="blockdev-attacker.sh", mem=256)
    # 112 MiB: the kernel keeps some 50, the sort needs 1.5 times the rest.
    lab.guest("cli", role="pressure-client.sh", mem=112, faults=int(faults), replicas=replicas)
    if faults and lab.wait_signal("kill-srv1", timeout=1100):
        lab.reboot("srv1")
        lab.signal("srv1-killed")
    lab.wait()
