"""Xen: memx where MemX ran, in a real Xen 4.17 inside QEMU. One machine
boots Debian's Xen with Debian's kernel as PV Dom0, its NIC on a bridge
with the DomUs' vifs, so DomUs are on the lab's LAN. On it, in turn:
a memx server in a DomU lends memory to a client across the LAN; a DomU
swaps a job three times its memory to memx (MemX-DomU), and is moved
mid-job to a second Xen machine (xl save, xl restore), while the Dom0
does the same (MemX-Dom0), its pages going to the DomU server through
its vif and to a server across the LAN; then the Dom0 exports one memx
device per DomU as its disk and two DomUs swap on them at once (the
driver domain), each with data the Dom0 checks against the other's. Every job checks its
result; every device is checked end to end with sha256 sums."""

import os
import re

KERNELS = ["stock"]
# DomUs boot from an initramfs that carries no cluster key yet: this
# scenario runs RMAP unauthenticated (docs/security.md).
KEY = False
# About 9 min on an idle 2-core host; the cap keeps make check within CI's budget.
TIMEOUT = {"stock": 1800}
# The driver domain's guests: two show one device per DomU, kept apart,
# and every third one cost two minutes of TCG.
DOMUS = 2


def run(lab):
    # Guests' MACs follow the order they are added in: srv1's is known
    # before it boots, which is after Xen's hotplug scripts have run
    # (they time out when three guests compete for two host cores).
    srv1_mac = lab.next_guest_mac(2)  # xhost first, then srv1
    lab.domu("xhost", "xsrv", role="xen-server.sh", mem=192, capacity_mb=96)
    # xcli is paused while it moves to xhost2 (30 to 65 s here): its
    # sessions' lease must outlast that (docs/xen.md).
    lab.domu("xhost", "xcli", role="xen-swap.sh", mem=128, job_mb=4, dev_mb=40,
             servers=2, lan_server=srv1_mac, lease_ms=120000)
    for i in range(1, DOMUS + 1):
        lab.domu("xhost", "du%d" % i, role="xen-swap.sh", mem=128, job_mb=3,
                 disks=["phy:/dev/memx%d,xvdb,w" % i], swap_dev="/dev/xvdb")
    lab.guest("xhost", role="xen-dom0.sh", mem=1700, cpus=2, dom0_mb=640, job_mb=4,
              du_dev_mb=24, domus=DOMUS)
    lab.wait_signal("xsrv-up", 900)
    srv1 = lab.guest("srv1", role="memx-server.sh", mem=400, capacity_mb=256)
    lab.check(srv1.mac == srv1_mac, "srv1 has the MAC the DomU was told")
    lab.guest("cli", role="xen-lan-client.sh", mem=256)
    # The second Xen machine, which xcli moves to mid-job.
    lab.guest("xhost2", role="xen-receiver.sh", mem=640, dom0_mb=320)


# The seed's table of page round trips per deployment, in the order it
# had them; what each guest said (lab_rtt_ping, lab_rtt_read) goes to
# rtt.md beside the run, which make bench reports.
DEPLOYMENTS = [("bare", "bare machine (a VM on the LAN)"), ("dom0", "Xen Dom0"),
               ("domu", "Xen DomU (netfront, netback, the Dom0's bridge)"),
               ("driver-domain-du1", "DomU on a driver domain's disk (blkfront, blkback)"),
               ("driver-domain-du2", "another DomU on it, at the same time")]


def verify(lab):
    said = {}
    for g in list(lab.guests.values()) + list(lab.domus.values()):
        for line in g.console_text().splitlines():
            m = re.match(r"memx-lab: rtt (\S+) (rmap-ping-4k|read-4k-qd1) (.*)", line)
            if m:
                said[(m.group(1), m.group(2))] = dict(
                    re.findall(r"(\w+) (\d+)", m.group(3).replace("rtt_us ", "")))
    lines = ["| deployment | 4 KiB RMAP ping to a bare server: mean / p50 / p99 (us) | "
             "4 KiB direct read of its device, QD1: mean (us) |", "|---|---|---|"]
    for key, label in DEPLOYMENTS:
        ping = said.get((key, "rmap-ping-4k"))
        read = said.get((key, "read-4k-qd1"))
        lines.append("| %s | %s | %s |" % (
            label, " / ".join(ping[k] for k in ("mean", "p50", "p99")) if ping else "-",
            read["mean_us"] if read else "-"))
    lab.check(all((k, "read-4k-qd1") in said for k, _ in DEPLOYMENTS),
              "every deployment's round trip measured")
    with open(os.path.join(lab.run, "rtt.md"), "w") as f:
        f.write("## Page round trip per deployment (the Xen lab, tests/lab/xen)\n\n")
        f.write("\n".join(lines) + "\n\nReads go to whichever server holds the page "
                "(the DomU server xsrv or srv1); the driver domain's two DomUs read at "
                "once, beside each other's jobs.\n")
    lab.log("round trips:\n" + "\n".join(lines))
