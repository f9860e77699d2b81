"""The benchmark's lab: one server VM (bsrv) that serves RAM over memx,
AoE, NBD and NVMe/TCP, and one client VM (bcli) that runs the same fio
jobs and the same swap workload on each of them, on its virtual disk,
on brd and on zram. Run by scripts/bench/run (make bench); the client's
progress is printed as it goes. MEMX_BENCH_QUICK=1 is the short mode."""

import os
import time

HERE = os.path.dirname(os.path.realpath(__file__))
QUICK = os.environ.get("MEMX_BENCH_QUICK", "0") == "1"
# Profile: memx alone, with perf on both guests (make profile).
PROFILE = os.environ.get("MEMX_BENCH_PROFILE", "0") == "1"
KERNELS = ["stock"]
TIMEOUT = 1800 if QUICK else 4800
# Size of every device compared, in MiB; the swap job's memory is 1/8 of it.
DEV_MB = int(os.environ.get("MEMX_BENCH_DEV_MB", "64" if QUICK else "256"))


def run(lab):
    env = {"dev_mb": DEV_MB, "quick": int(QUICK), "profile": int(PROFILE)}
    # The server holds every device's contents: four times the size.
    lab.guest("bsrv", role=os.path.join(HERE, "roles/bench-server.sh"),
              mem=4 * DEV_MB + 320, **env)
    # The client holds brd's and zram's contents and runs the jobs.
    lab.guest("bcli", role=os.path.join(HERE, "roles/bench-client.sh"),
              mem=2 * DEV_MB + 320, disk_mb=DEV_MB, **env)
    progress = os.path.join(lab.run, "bench", "progress")
    seen = 0
    while time.time() < lab.deadline and any(g.running() for g in lab.guests.values()):
        if lab.failed_guest():
            break
        if os.path.exists(progress):
            with open(progress) as f:
                lines = f.read().splitlines()
            for line in lines[seen:]:
                lab.log(line)
            seen = len(lines)
        time.sleep(1)
