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
