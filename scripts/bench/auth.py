"""The cost of protecting RMAP frames: the same memx jobs with no key,
with frames authenticated (key_file) and with payloads encrypted too
(encrypt=1), in one lab run, on one server VM (basrv) and one client VM
(bacli). Each mode: 200 page pings, fio 4 KiB random reads at QD1 (mean
latency) and QD32 (IOPS), 4 KiB random writes at QD1, and the swap job
(a sort of twice its memory cgroup, swapping to memx). verify() writes
auth.md beside the run: the table, with each mode's ratio to no key.
Run by scripts/bench/run (make bench), or alone: make bench-auth."""

import json
import os
import re

HERE = os.path.dirname(os.path.realpath(__file__))
KERNELS = ["stock"]
# The roles load rmap_proto with and without a key themselves.
KEY = False
TIMEOUT = 1500
MODES = ["none", "auth", "encrypt"]


def run(lab):
    env = {"dev_mb": 64, "modes": " ".join(MODES), "quick": 1, "profile": 0}
    lab.guest("basrv", role=os.path.join(HERE, "roles/bench-auth-server.sh"), mem=384, **env)
    lab.guest("bacli", role=os.path.join(HERE, "roles/bench-auth-client.sh"), mem=320, **env)
    lab.wait()


def fio_stat(path, rw):
    """(mean latency in us, IOPS) of the measure job in a fio JSON file."""
    with open(path) as f:
        text = f.read()
    doc = json.loads(text[text.index("{"):])
    job = [j for j in doc["jobs"] if j["jobname"] == "measure"][0][rw]
    return job["lat_ns"]["mean"] / 1000.0, job["iops"]


def verify(lab):
    out = os.path.join(lab.run, "bench-auth")
    rows = {}
    for mode in MODES:
        try:
            ping = open(os.path.join(out, mode + "-ping.txt")).read()
            p50 = float(re.search(r"p50 (\d+)", ping).group(1))
            mean = float(re.search(r"mean (\d+)", ping).group(1))
            qd1, _ = fio_stat(os.path.join(out, mode + "-read-qd1.json"), "read")
            _, qd32 = fio_stat(os.path.join(out, mode + "-read-qd32.json"), "read")
            wqd1, _ = fio_stat(os.path.join(out, mode + "-write-qd1.json"), "write")
            swap = float(open(os.path.join(out, mode + "-swap.txt")).read().split()[0])
        except (OSError, ValueError, AttributeError, IndexError, KeyError) as e:
            lab.check(False, "bench-auth: %s results complete (%s)" % (mode, e))
            continue
        rows[mode] = [p50, mean, qd1, qd32, wqd1, swap]
        lab.check(True, "bench-auth: %s results complete" % mode)
    names = ["page ping p50 us", "page ping mean us", "4k randread QD1 mean us",
             "4k randread QD32 IOPS", "4k randwrite QD1 mean us", "swap job s (2x)"]
    lines = ["| measure | " + " | ".join(MODES) + " | auth / none | encrypt / none |",
             "|---|" + "---|" * (len(MODES) + 2)]
    for i, name in enumerate(names):
        vals = [rows.get(m, [None] * 6)[i] for m in MODES]
        cells = ["%.0f" % v if v is not None else "-" for v in vals]
        base = vals[0]
        ratios = ["%.2fx" % (v / base) if v and base else "-" for v in vals[1:]]
        lines.append("| %s | %s | %s |" % (name, " | ".join(cells), " | ".join(ratios)))
    table = "\n".join(lines) + "\n"
    with open(os.path.join(lab.run, "auth.md"), "w") as f:
        f.write("# Protection of RMAP frames: cost (TCG lab, 1 vCPU per VM, MTU 1500)\n\n")
        f.write(table)
        f.write("\nRatios above 1 are slower (latency, time) or, for IOPS, faster.\n")
    print(table, flush=True)
