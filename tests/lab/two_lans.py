"""RMAP on more than one interface: a client on two LANs, srv1 on the
first only, srv2 on the second only, dual on both. With ifaces= naming
one interface, RMAP sees only that LAN's servers; by default it uses
both, reaches each server through its own interface (pings and frame
counts per NIC say so), and a memx device larger than any server's loan
spreads over the three, dual counted as one server whose share both its
links carry; its data reads back intact, through a short link flap on
the second LAN."""

# Stock only in make check: what runs here beyond the stock pass (interface
# binding, a peer per NIC) is control-path code the debug passes of rmap
# and blockdev walk too, and the debug kernel's time goes to the copies
# and their repair (blockdev). `--kernel debug` still runs it.
KERNELS = ["stock"]
TIMEOUT = {"stock": 420, "debug": 1500}


def run(lab):
    # Each server lends loan_mb; the client writes 1.25 times that.
    loan_mb = 32 if lab.kernel.kind == "stock" else 12
    lab.guest("srv1", role="memx-server.sh", lans=(0,), capacity_mb=loan_mb)
    lab.guest("srv2", role="memx-server.sh", lans=(1,), capacity_mb=loan_mb)
    lab.guest("dual", role="memx-server.sh", lans=(0, 1), capacity_mb=loan_mb)
    # The debug kernel's KASAN shadow needs more room.
    lab.guest("cli", role="two-lans-client.sh", lans=(0, 1), loan_mb=loan_mb,
              mem=256 if lab.kernel.kind == "stock" else 384)
    lab.wait()
