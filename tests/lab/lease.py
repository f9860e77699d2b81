"""Leases: a client's sessions live while it does, and their memory comes
back when it dies without a word. The client (lease_ms=3000) writes to
two devices, then sits idle for several leases: its renewals keep both
sessions, and its data, on the server. Then its VM loses power (no
LEAVE): within a lease and a housekeeping round the server has ended
both sessions and has every page back."""

KERNELS = ["stock"]
TIMEOUT = {"stock": 420, "debug": 1500}


def run(lab):
    lab.guest("srv", role="lease-server.sh", mem=320, capacity_mb=64)
    lab.guest("cli", role="lease-client.sh", mem=256)
    if lab.check(lab.wait_signal("cli-idle-done", 600), "client wrote and sat idle"):
        lab.kill("cli")
        lab.signal("cli-killed")
    lab.wait()
