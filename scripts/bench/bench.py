"""The benchmark's lab: one server VM (bsrv) that serves RAM over memx,
AoE, NBD and NVMe/TCP, and one client VM (bcli) that runs the same fio
jobs, and the same workloads in a memory cgroup swapping, on each of
them, on its virtual disks (host cache off, host page cache, and a 7200
rpm disk's service time emulated with dm-delay), on brd and on zram;
then one VM (bveth) with both ends of each protocol joined by veth
pairs. Run by scripts/bench/run (make bench); the client's progress is
printed as it goes. MEMX_BENCH_QUICK=1 is the short mode."""

import os
import time

HERE = os.path.dirname(os.path.realpath(__file__))
QUICK = os.environ.get("MEMX_BENCH_QUICK", "0") == "1"
# Profile: memx and NVMe/TCP, with perf on both guests (make profile).
PROFILE = os.environ.get("MEMX_BENCH_PROFILE", "0") == "1"
KERNELS = ["stock"]
# memx as installed, without a cluster key, as every peer here runs (none
# authenticates its frames): like against like. What a key costs is
# measured apart, memx against itself (auth.py, make bench-auth).
KEY = False
# The full run takes about 80 minutes (65 in the two-VM part): the cap leaves it room.
TIMEOUT = 2700 if QUICK else 10800
# MEMX_BENCH_VETH_ONLY=1: the veth topology alone (to make it again
# after a run that stopped before it).
VETH_ONLY = os.environ.get("MEMX_BENCH_VETH_ONLY", "0") == "1"
# Size of every device compared, in MiB; the swap job's memory is 1/8 of it.
DEV_MB = int(os.environ.get("MEMX_BENCH_DEV_MB", "64" if QUICK else "256"))


def run(lab):
    # timeout: how long the server may wait for the client's next step
    # (the whole first part of a full run comes before MTU 9000).
    env = {"dev_mb": DEV_MB, "quick": int(QUICK), "profile": int(PROFILE), "timeout": TIMEOUT}
    seen = 0
    if not VETH_ONLY:
        seen = two_vms(lab, env)
        if PROFILE or lab.failed_guest():
            return
    # The second topology, alone on the host once the first is done: client
    # and servers in one guest over veth pairs (each protocol's CPU cost).
    lab.guest("bveth", role=os.path.join(HERE, "roles/bench-veth.sh"),
              mem=4 * DEV_MB + 320, **env)
    follow(lab, seen)


def two_vms(lab, env):
    """The first topology, server and client VMs; return the progress
    lines printed."""
    # The server holds every device's contents: four times the size.
    lab.guest("bsrv", role=os.path.join(HERE, "roles/bench-server.sh"),
              mem=4 * DEV_MB + 320, **env)
    # The client holds brd's and zram's contents and runs the jobs.
    # Its disks: one with the host's cache off, one through it.
    lab.guest("bcli", role=os.path.join(HERE, "roles/bench-client.sh"),
              mem=2 * DEV_MB + 320, disk_mb=DEV_MB, cached_disk_mb=DEV_MB, **env)
    return follow(lab, 0)


def follow(lab, seen):
    """Print the guests' progress lines, from line SEEN on, until every
    guest has stopped; return the lines printed in all."""
    progress = os.path.join(lab.run, "bench", "progress")
    while time.time() < lab.deadline and any(g.running() for g in lab.guests.values()):
        if lab.failed_guest():
            break
        seen = print_progress(lab, progress, seen)
        time.sleep(1)
    return print_progress(lab, progress, seen)


def print_progress(lab, path, seen):
    if not os.path.exists(path):
        return seen
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines[seen:]:
        lab.log(line)
    return len(lines)
