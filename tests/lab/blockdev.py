"""memx as a block device, a pager and a mapping: one client VM with
little RAM, two server VMs lending unequal amounts. The client checks
data end to end (fio crc32c verification, ext4 files with checksums,
a sort whose working set is 3x its RAM on swap, a shared mapping twice
its RAM), that extents spread in proportion to the servers' capacity,
and that every server has its memory back after swapoff and rmmod."""

KERNELS = ["stock"]
TIMEOUT = {"stock": 1500, "debug": 3000}


def run(lab):
    lab.guest("srv1", role="memx-server.sh", mem=1100, capacity_mb=800)
    lab.guest("srv2", role="memx-server.sh", mem=640, capacity_mb=400)
    lab.guest("cli", role="memx-client.sh", mem=256)
