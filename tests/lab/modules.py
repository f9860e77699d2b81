"""Modules as a user meets them, in Debian's kernel: the DKMS-installed
modules load with plain modprobe and unload cleanly, bad parameters fail
the load with a clear message, and rmap_proto's receive handler counts
and drops hostile frames of its EtherType that another guest sends."""

KERNEL = "stock"
TIMEOUT = 300


def run(lab):
    lab.guest("host", role="modules-host.sh")
    lab.guest("sender", role="modules-sender.sh")
