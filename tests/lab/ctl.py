"""memxctl, the netlink family behind it, and its events. Two servers
lend; the client (the debug kernel: KASAN, lockdep and kmemleak watch
the netlink handlers, and its unload) checks every memxctl subcommand
against the kernel's own files, with JSON parsed by Python; adds and
removes devices with it, by name and by label; sees bad arguments,
refusals, an unprivileged user and a network namespace of its own (on
srv1, in Debian's kernel) get the right errors and exit codes; and
keeps `memxctl monitor` running while srv1 leaves and lends again
(memxctl server drain and lend, on srv1), srv2 goes silent under writes
(dead, then back) and then dies under a read (dead, gone): the events
say so, in order, and memx0 reads back from srv1's copies. The client
keeps silent peers 45 s, so that a server found dead can come back."""

KERNELS = ["stock"]
TIMEOUT = {"stock": 900, "debug": 1800}


def run(lab):
    lab.guest("srv1", role="ctl-server.sh", mem=256, capacity_mb=48, drain_ctl=1)
    lab.guest("srv2", role="ctl-server.sh", mem=256, capacity_mb=48)
    lab.guest("cli", role="ctl-client.sh", mem=320, kernel="debug",
              rmap_opts="peer_timeout_ms=45000")
    if lab.wait_signal("blackhole-srv2", 900):
        lab.check(lab.netem("srv2", "loss 100%"), "srv2's frames dropped")
        lab.signal("srv2-silent")
    if lab.wait_signal("heal-srv2", 300):
        lab.check(lab.netem("srv2", ""), "srv2's frames pass again")
    if lab.wait_signal("kill-srv2", 600):
        lab.kill("srv2")
        lab.signal("srv2-killed")
    lab.wait()
