"""memxctl, the netlink family behind it, and its events. Two servers
lend; the client (the debug kernel: KASAN, lockdep and kmemleak watch
the netlink handlers) checks every memxctl subcommand against the
kernel's own files, with JSON parsed by Python; adds and removes
devices with it; sees bad arguments, refusals, an unprivileged user
and a network namespace of its own get the right errors and exit codes;
and keeps `memxctl monitor` running while srv1 leaves and lends again
(memxctl server drain and lend, on srv1) and srv2 dies under a read:
the events say so, in order, and memx0 reads back from srv1's copies."""

KERNELS = ["stock"]
TIMEOUT = {"stock": 900, "debug": 1800}


def run(lab):
    lab.guest("srv1", role="ctl-server.sh", mem=256, capacity_mb=48, drain_ctl=1)
    lab.guest("srv2", role="ctl-server.sh", mem=256, capacity_mb=48)
    lab.guest("cli", role="ctl-client.sh", mem=320, kernel="debug")
    if lab.wait_signal("kill-srv2", 900):
        lab.kill("srv2")
        lab.signal("srv2-killed")
    lab.wait()
