"""memx as a block device, a pager and a mapping: one client VM with
little RAM, two server VMs lending unequal amounts. The client checks
data end to end: fio crc32c verification at several queue depths, ext4
files with checksums read back after a remount, a sort whose working set
is three times the memory it may use (a memory cgroup) on memx swap, and
a shared mapping twice that memory. Every extent has two copies, one on
each server. After the fio jobs, srv2 refuses rmmod while it holds
copies, and still once asked to leave (drain), since they have nowhere
else to go: the client says so and keeps them there. Then srv2 loses
power and boots again: its copies are made again from srv1's, and the
data verifies again. rmmod of memx_client is refused while swap is on,
and every server has all its memory back once the client leaves. In Debian's kernel, on
a keyed LAN, a fourth guest attacks all the while (rmapforge.py harass):
it diverts moments of the client's traffic, replays and alters what it
catches, forges answers in the servers' names, floods JOINs and reads
that wrap; nothing it sends draws an answer or a peer entry, and the
client's data verifies. (The debug pass runs without it: under KASAN
the diverted moments and the JOINs a keyless server takes slowed the
job past the lab's time. There, keyless, srv2 sends srv1 reads whose
size wraps and a broadcast ping: refused, unanswered, KASAN silent.
There srv2 boots Debian's kernel: KASAN watches the client, where the
copies are made again, and srv1, which serves and is probed; srv2's
reboot is the fault, and its host cores go to the two watched.)"""

# Under the debug kernel: less data, smaller pager jobs (KASAN, lockdep
# and kmemleak make every frame cost many times more).
KERNELS = ["stock", "debug"]
# The debug pass runs without a key: there ChaCha20 and Poly1305 run as
# generic C under KASAN, and keyed this pass took 1112 s instead of 726.
# Keyed frames meet the debug kernel in rmap, rmap_loss and two_lans, and
# the crypto itself in KUnit.
KEY = {"stock": True, "debug": False}
TIMEOUT = {"stock": 1800, "debug": 3600}


def run(lab):
    # srv1 lends more than srv2, and srv2 still has room for a copy of
    # all the client writes: some 390 MiB. The debug pass places some 30
    # MiB: its servers lend less, from smaller machines, since every MiB a
    # guest has costs KASAN's shadow at boot and kmemleak's scans at the
    # end (minutes under TCG).
    stock = lab.kernel.kind == "stock"
    loan = 480 if stock else 48
    # Attacked all along in the stock pass; in the debug pass (no key),
    # srv2 sends srv1 reads that wrap and a broadcast ping, under KASAN.
    lab.guest("srv1", role="memx-server.sh", mem=1100 if stock else 384,
              capacity_mb=800 if stock else 2 * loan, attacked=1)
    lab.guest("srv2", role="memx-server.sh", mem=720 if stock else 256, capacity_mb=loan,
              restart=1, stuck=1, kernel="stock",
              **({"attacked": 1} if stock else {"probe": "srv1"}))
    if stock:
        lab.guest("attacker", role="blockdev-attacker.sh", mem=256)
    # The debug kernel's KASAN shadow and debug objects need more room.
    lab.guest("cli", role="memx-client.sh", mem=160 if lab.kernel.kind == "stock" else 320)
    if lab.wait_signal("srv2-reboot", timeout=1500):
        lab.reboot("srv2")
