"""Fair share: two clients compete for the last of one server's memory.
The server lends 48 MiB; each client has a 48 MiB device and, at the
same moment, writes 40 MiB to it. Each ends holding its fair share (24
MiB, within a chunk or so) however fast the other is; the writes beyond
it fail with EIO within the placement bound instead of waiting for
ever; what each placed reads back; the server counts the refusals and
gets all its memory back when both leave."""

KERNELS = ["stock"]
TIMEOUT = {"stock": 420, "debug": 1200}


def run(lab):
    lab.guest("srv", role="memx-server.sh", mem=256, capacity_mb=48, share=1)
    lab.guest("cli1", role="share-client.sh", other="cli2")
    lab.guest("cli2", role="share-client.sh", other="cli1")
    if lab.wait_signal("cli1-done", 300) and lab.wait_signal("cli2-done", 300):
        lab.signal("cli-done")
    lab.wait()
