"""Tenants kept apart on a server. A server holds the keys of tenants
blue and red; a driver domain (dd) holds both too and exports one device
to each (/dev/memx0 on blue's servers, /dev/memx1 on red's), writes
their data and reads it back. A node of tenant red (it holds red's key
only) then attacks blue's session, knowing its id and its client id:
it reads and writes it from its own address (answered E_SESSION, no
data), writes, discards, leaves and rejoins it in the driver domain's
name under red's key, and sends red-sealed frames labelled as blue's;
then it fills its share of the server's peer table with invented peers
while the driver domain's blue device works. Blue's session and data
come through untouched, red's own session works (so its frames were
taken, and the refusals are isolation), and the server's counters say
so. Run in the debug kernel: the per-tenant peer table and discovery
are new code, and KASAN, lockdep and kmemleak watch them (on the server
and the driver domain; red, whose attacks are userspace's, boots
Debian's kernel)."""

KERNELS = ["debug"]
# Each guest loads the keys it is given: the scenario makes them.
KEY = False
TIMEOUT = {"stock": 600, "debug": 1200}


def run(lab):
    lab.guest("srv", role="tenants-server.sh", mem=320)
    lab.guest("dd", role="tenants-dd.sh", mem=320)
    lab.guest("red", role="tenants-red.sh", mem=256, kernel="stock")
    lab.wait()
