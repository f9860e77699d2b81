"""A server that comes after the client, and devices made at run time and
used at once. The client starts with one small server (srv1), adds
devices of their own sizes through /sys/class/memx (and removes one,
refused while it is open), and writes different data
to /dev/memx0 and /dev/memx1 at the same offsets at the same time; each
reads back its own. Then a second, larger server (srv2) boots: the
extents placed after it go there (srv1 has no room for them all), and
every byte written before and after reads back intact. Last, srv1
refuses rmmod while it holds the client's pages, then loses power and
boots again: the client says the sessions there are lost, their pages
read as I/O errors (never zeroes), and new extents go to new
sessions. Then every server loses power under I/O: reads and writes
fail with EIO within the bound, no task hangs, and memx_client unloads;
once the servers are back, a new device works.

The client boots the debug kernel (KASAN, lockdep, kmemleak): these are
its error paths (sessions lost, extents with no copy, I/O failed with
every server gone, rmmod then), and kmemleak scans it at the end,
once memx_client and rmap_proto are gone. The servers, whose own error
paths blockdev's and lease's debug servers walk, boot Debian's."""

KERNELS = ["stock"]
TIMEOUT = {"stock": 1200, "debug": 1800}


def run(lab):
    # srv1 lends 2 * first + later / 2 MiB (late-client.sh): 48 for a
    # client in Debian's kernel, 12 for one in the debug kernel, which
    # writes a quarter as much.
    cli_kernel = "debug"
    srv1_mb = 48 if cli_kernel == "stock" else 12
    lab.guest("srv1", role="memx-server.sh", mem=320, capacity_mb=srv1_mb, restart=1)
    lab.guest("cli", role="late-client.sh", mem=320, kernel=cli_kernel)
    # srv2 boots only once the client has used srv1 alone.
    if lab.check(lab.wait_signal("want-srv2", 600), "client asked for the second server"):
        lab.guest("srv2", role="memx-server.sh", mem=400, capacity_mb=128)
    if lab.wait_signal("srv1-reboot", 600):
        lab.reboot("srv1")
    if lab.wait_signal("kill-all", 600):
        lab.kill("srv1")
        lab.kill("srv2")
        lab.signal("all-killed")
    if lab.wait_signal("servers-back", 600):
        lab.reboot("srv1")
        lab.reboot("srv2")
    lab.wait()
