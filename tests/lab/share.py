"""Fair share: two clients compete for the last of one server's memory.
The server lends 48 MiB. cli2 places its first MiB; then cli1 writes 40
MiB as fast as it can while cli2 writes its own 40 slowly, a MiB at a
time. Alone, cli1 would take some 40 MiB; competing, each ends with
its fair share, 24 MiB. The writes past it fail with EIO within the
placement bound instead of waiting for ever, what each placed reads
back, the server counts the refusals and gets all its memory back when
both leave."""

KERNELS = ["stock"]
TIMEOUT = {"stock": 420, "debug": 1200}


def run(lab):
    lab.guest("srv", role="memx-server.sh", mem=256, capacity_mb=48, share=1)
    lab.guest("cli1", role="share-client.sh", other="cli2")
    lab.guest("cli2", role="share-client.sh", other="cli1", slow=1)
    if lab.wait_signal("cli1-left", 300) and lab.wait_signal("cli2-left", 300):
        lab.signal("cli-done")
    lab.wait()
