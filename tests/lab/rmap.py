"""RMAP between kernels: discovery, ageing, and the per-page round trip.

Two servers (memx_server advertises their capacity) appear in a client's
peer table within seconds. The client pings each through rmap_proto with
page-sized payloads at MTU 1500 (three fragments each way) and at MTU 9000
(one), every payload verified, beside rawping's raw-socket round trip
between the same guests: the floor of the lab. A server that stops
advertising, and one that is killed, age out of the table. (In the debug
pass srv2, which is killed, boots Debian's kernel: KASAN watches the
client and srv1.)
"""

KERNELS = ["stock", "debug"]
TIMEOUT = {"stock": 420, "debug": 1500}


def run(lab):
    lab.guest("srv1", role="rmap-server.sh", mtu=1500, capacity_mb=64)
    lab.guest("srv2", role="rmap-server.sh", mtu=1500, capacity_mb=32, kernel="stock")
    lab.guest("cli", role="rmap-client.sh", mtu=1500)
    if lab.wait_signal("kill-srv2", timeout=1200):
        lab.kill("srv2")
        lab.signal("srv2-killed")
