"""memx at boot and shutdown under systemd: both guests boot the host's
systemd with memx installed as an administrator would (memxctl,
memx-boot, the units, /etc/memx). The server lends what server.conf
says at boot (memx-server.service). The client's swap on memx is up
after boot (memx-swap.service: it waits for the server, makes the
device, mkswap, swapon with swap.conf's priority); a process pushes 32
MiB to it, and the client reboots: its shutdown swaps off (reading the
pages back from the server) before the network goes, with no I/O error
and no hang. Booted again, swap is back; then it powers off cleanly,
and the server, shut down last, unloads memx_server cleanly too."""

KERNELS = ["stock"]
TIMEOUT = {"stock": 1200, "debug": 1800}


def shutdown_in_order(lab, g, text, what):
    """Check a client's shutdown: swap off (its pages read back) before the
    network went, and no I/O error on memx."""
    off = text.find("memx-boot: swap off /dev/memx")
    net = text.find("memx-lab: network down")
    lab.check(0 <= off < net, "%s: %s: swap off before the network went down" % (g, what))
    lab.check("I/O error" not in text and "Buffer I/O" not in text,
              "%s: %s: no I/O error" % (g, what))


def run(lab):
    lab.guest("srv", role="boot-server.sh", mem=320, systemd=True,
              server_conf="CAPACITY_MB=96 DRAIN_WAIT=60")
    cli = lab.guest("cli", role="boot-client.sh", mem=256, systemd=True,
                    swap_conf="SIZE=64M LABEL=boot PRIORITY=10 SERVERS=1 WAIT=300 REPLICAS=1")
    if lab.wait_signal("cli-rebooting", 900):
        # A clean reboot, bounded: a swapoff that hangs times the guest out.
        lab.wait(["cli"], timeout=300)
        shutdown_in_order(lab, "cli", cli.console_text(), "reboot")
        lab.reboot("cli")
        lab.wait(["cli"], timeout=600)
        shutdown_in_order(lab, "cli", open(cli.console).read(), "power off")
    lab.signal("cli-done")
    lab.wait()
    lab.check("memx-boot: memx_server unloaded" in lab.guests["srv"].console_text(),
              "srv: its shutdown drained and unloaded memx_server")
