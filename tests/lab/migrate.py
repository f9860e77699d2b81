"""A client VM live-migrated mid-swap, then a server's host squeezed.

The client (a standalone guest: QEMU does not migrate one with 9p
mounts) swaps a sort three times the memory its job may hold onto a
memx device with two copies of each extent, on three servers. Once the
job is deep in swap, the lab moves the VM to a new QEMU process on
another bridge port, as a live migration between hosts of one LAN does:
same MAC, new port, a pause of up to a second. Then srv1's own use grows
into the memory its host keeps (reserve_mb): it asks the client to move
its pages, the client moves copies to srv2 and srv3 until srv1's host is
whole again, and nobody on srv1 is OOM-killed. The sort finishes
verified, with no I/O error and every extent with its two copies; the
servers get all their memory back when the client leaves."""

import os
import re

# Stock only: under KASAN the client's job runs many times as long (its
# swap path is the one blockdev's and pressure's debug passes walk).
KERNELS = ["stock"]
TIMEOUT = {"stock": 1200, "debug": 3600}


def run(lab):
    # For measurements: MEMX_FAULTS=0 neither migrates nor squeezes (the
    # fault-free baseline), MEMX_REPLICAS sets the copies (2).
    faults = os.environ.get("MEMX_FAULTS", "1") == "1"
    replicas = int(os.environ.get("MEMX_REPLICAS", "2"))
    # The servers boot Debian's kernel: in a debug run, KASAN watches the
    # client, whose kernel moves.
    squeeze = {"squeeze": 1} if faults else {}
    # Squeezed to 24 MiB available, srv1 asks for 48 MiB back: the
    # client's session there (some 70 MiB) covers it with room to spare,
    # whatever the page cache does meanwhile.
    lab.guest("srv1", role="memx-server.sh", mem=420, capacity_mb=300, reserve_mb=48,
              kernel="stock", **squeeze)
    lab.guest("srv2", role="memx-server.sh", mem=420, capacity_mb=300, kernel="stock")
    lab.guest("srv3", role="memx-server.sh", mem=420, capacity_mb=300, kernel="stock")
    # KASAN's shadow and the debug kernel take half of a small machine.
    mem = 160 if lab.kernel.kind == "stock" else 320
    cli = lab.guest("cli", role="migrate-client.sh", mem=mem, standalone=True,
                    faults=int(faults), replicas=replicas)
    if faults and lab.wait_signal("want-migrate", timeout=700):
        moved = lab.migrate("cli", timeout=300)
        lab.check(moved, "cli live-migrated to a new QEMU process")
        done = re.search(r"^memx-lab: sort done", cli.console_text(), re.M)
        lab.check(moved and not done, "the migration ended while the sort ran")
        lab.signal("srv1-squeeze")
    lab.wait()
