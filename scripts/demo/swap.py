"""The memx demo: remote RAM as swap, end to end, in three VMs.

Two servers lend unequal amounts of their RAM. A client with a 256 MiB
machine runs a sort three times the memory its job may use (a memory
cgroup), first with /dev/memx0 as its swap, then with a local virtual
disk as its swap, then with no limit (all in RAM); every sort checks its
own result. After swapoff and rmmod the servers have all their memory
back. Ends with a one-screen summary.

Run: make demo (about four minutes on a 2-core machine).
"""
import os
import re

KERNELS = ["stock"]
TIMEOUT = {"stock": 900}
# Each step shows as it passes: the sorts alone take two minutes.
PROGRESS = True
HERE = os.path.dirname(os.path.abspath(__file__))
JOB_MB = 16


def run(lab):
    lab.guest("srv1", role="memx-server.sh", mem=400, capacity_mb=256)
    lab.guest("srv2", role="memx-server.sh", mem=272, capacity_mb=128)
    lab.guest("cli", role=os.path.join(HERE, "demo-client.sh"), mem=256,
                    disk_mb=256, job_mb=JOB_MB)
    lab.wait()
    text = {n: open(lab.guests[n].console, errors="replace").read()
            for n in ("cli", "srv1", "srv2")}
    summary(text, {lab.guests[n].mac: n for n in ("srv1", "srv2")})


def summary(text, names):
    """Print the client's "memx-demo: KEY VALUE" lines as one screen."""
    got = dict(re.findall(r"^memx-demo: (\S+) (.*?)\r?$", text["cli"], re.M))
    for mac, name in names.items():
        got["servers"] = got.get("servers", "?").replace(mac, name)
    back = ", ".join("%s %s" % (n, "all memory back" if re.search(
        r"^memx-lab: check pass all memory returned", text[n], re.M) else "NOT all back")
        for n in ("srv1", "srv2"))

    def g(key, default="?"):
        return got.get(key, default)
    # What the sort checked of its own result, on each swap and in RAM.
    verified = all(re.search(r"^memx-lab: check pass the sort completes, verified, %s" % where,
                             text["cli"], re.M)
                   for where in ("on memx swap", "on virtual disk swap", "in RAM"))
    rows = [
        ("job", "a %d MiB sort in %d MiB of memory (3x), %s" % (
            3 * JOB_MB, JOB_MB, "verified" if verified else "NOT VERIFIED (see the checks)")),
        ("servers found", g("servers")),
        ("memx swap", "%s s, %s pages out, %s in" % (g("memx_s"), g("memx_out"), g("memx_in"))),
        ("  its extents", g("extents")),
        ("virtual disk swap", "%s s, %s pages out, %s in" % (g("disk_s"), g("disk_out"),
                                                            g("disk_in"))),
        ("all in RAM", "%s s" % g("ram_s")),
        ("memx round trip", "%s us per page on srv1, mean under the swap load" % g("rtt_us")),
        ("after swapoff, rmmod", back),
    ]
    width = max(len(k) for k, _ in rows)
    print("\n  memx demo: remote RAM as swap\n")
    for k, v in rows:
        print("  %-*s  %s" % (width, k, v))
    print("\n  In this lab the NIC is emulated (each frame costs the host ~0.3 ms)"
          "\n  and the virtual disk is a file in the host's page cache: fast.\n",
          flush=True)
