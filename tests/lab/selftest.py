"""Lab self-test: the plumbing every other scenario relies on.

Raw frames of the RMAP EtherType cross the bridge at MTU 1500 and 9000 and
come back intact, a 1500-byte link refuses a jumbo frame, a netem
impairment set mid-run takes effect and can be lifted, and a guest killed
mid-run is detected, by its peer and by the lab.
"""

KERNEL = "stock"
TIMEOUT = 420


def run(lab):
    echo = lab.guest("echo", role="selftest-echo.sh", mtu=9000)
    lab.guest("ping", role="selftest-ping.sh", mtu=1500)

    if lab.wait_signal("want-delay", timeout=300):
        lab.check(lab.netem("ping", "delay 100ms"), "netem delay applied mid-run")
        lab.signal("delay-set")
    if lab.wait_signal("want-clear"):
        lab.check(lab.netem("ping", ""), "netem cleared mid-run")
        lab.signal("clear-set")
    if lab.wait_signal("want-kill"):
        lab.kill("echo")
        lab.check(not echo.running(), "killed guest's QEMU is gone")
        lab.signal("killed")
