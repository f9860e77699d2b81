"""memx at boot and shutdown under systemd: both guests boot the host's
systemd with memx installed from its Debian package (memxctl, memx-boot,
the units, the udev rule; the modules are the host's, from DKMS). The server lends what server.conf
says at boot (memx-server.service). The client's swap on memx is up
after boot (memx-swap.service: it waits for the server, makes the
device, mkswap, swapon with swap.conf's priority); a process pushes 32
MiB to it, and the client reboots: its shutdown swaps off (reading the
pages back from the server) before the network goes, with no I/O error
and no hang. Booted again, swap is back; then it powers off cleanly,
and the server, shut down last, unloads memx_server cleanly too."""

import os
import subprocess

KERNELS = ["stock"]
TIMEOUT = {"stock": 1200, "debug": 1800}
TREE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))


def shutdown_in_order(lab, g, text, what):
    """Check a client's shutdown: when the network went down (its unit
    says what it saw), no swap and no device of memx's was left: the
    pages were read back before; and no I/O error on memx."""
    lab.check("memx-lab: network down; memx swaps 0; memx devices 0" in text,
              "%s: %s: swap off and the device removed before the network went down"
              % (g, what))
    lab.check("memx-boot: swapoff /dev/memx" in text,
              "%s: %s: memx-boot turned the swap off" % (g, what))
    lab.check("I/O error" not in text and "Read-error" not in text,
              "%s: %s: no I/O error" % (g, what))


def run(lab):
    # The guests install memx from its package (scripts/lab/systemd-prep).
    lab.check(subprocess.run([os.path.join(TREE, "scripts/make-deb")],
                             stdout=subprocess.DEVNULL).returncode == 0, "make deb")
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
