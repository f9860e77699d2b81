"""Leases: a client's sessions live while it does, and their memory comes
back when it dies without a word. The client (lease_ms=3000) writes to
two devices, then sits idle for several leases: its renewals keep both
sessions, and its data, on the server. It has two NICs on the LAN: the
one the server knows it by goes down, and the sessions follow it to the
other (a renewal from there carries the client's id), with every byte
intact and no I/O error; then its NIC driver is reloaded and it goes on
through the new interfaces. Then its VM loses power (no LEAVE): within a
lease and a housekeeping round the server has ended both sessions and
has every page back.

The server boots the debug kernel (KASAN, lockdep, kmemleak): sessions
moved to another address and ended by their lease are its error paths,
and kmemleak scans it at the end, once memx_server is gone."""

KERNELS = ["stock"]
TIMEOUT = {"stock": 600, "debug": 1500}


def run(lab):
    # 2 MiB a device: each MiB costs the debug server seconds.
    lab.guest("srv", role="lease-server.sh", mem=320, capacity_mb=64, kernel="debug",
              data_mb=2)
    lab.guest("cli", role="lease-client.sh", mem=256, lans=(0, 0), data_mb=2)
    if lab.check(lab.wait_signal("cli-idle-done", 600), "client wrote and sat idle"):
        lab.kill("cli")
        lab.signal("cli-killed")
    lab.wait()
