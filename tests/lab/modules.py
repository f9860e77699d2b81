"""Modules as a user meets them, in Debian's kernel: the DKMS-installed
modules load with plain modprobe and unload cleanly, bad parameters fail
the load with a clear message, and rmap_proto's receive handler counts
and drops hostile frames of its EtherType that another guest sends.
That guest then attacks as an RMAP node of the LAN (rmapforge.py): reads
whose size wraps a 32-bit check, a ping to the broadcast address, a
flood of JOINs and one of invented addresses; and an unprivileged user
of the host injects frames from a network namespace of its own. Then
the host and a third guest share a cluster key: the sender's replays and
forgeries (it has no key) are all dropped, unanswered, and take no
state."""

KERNEL = "stock"
# The host loads rmap_proto without a key first, then with one of its own.
KEY = False
TIMEOUT = 420


def run(lab):
    lab.guest("host", role="modules-host.sh")
    lab.guest("sender", role="modules-sender.sh")
    lab.guest("peer", role="modules-peer.sh")
