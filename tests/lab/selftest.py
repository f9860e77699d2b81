"""Lab self-test: the plumbing every other scenario relies on.

Raw frames of the RMAP EtherType cross the bridge at MTU 1500 and 9000 and
come back intact, a 1500-byte link refuses a jumbo frame, a netem
impairment set mid-run takes effect and can be lifted, a guest
live-migrates to another QEMU process and keeps answering, a guest killed
mid-run is detected, by its peer and by the lab, and so is a guest
whose kernel crashes, and a role that made fewer checks than it planned.
So is each kernel report a run fails on: a
WARNING, a KASAN report and a hung task, made on purpose in the debug
kernel (tests/lab/provoke).
"""

KERNEL = "stock"
TIMEOUT = 420


def run(lab):
    lab.guest("echo", role="selftest-echo.sh", mtu=9000)
    lab.guest("ping", role="selftest-ping.sh", mtu=1500)
    # A guest that lives in its initramfs, so that it can migrate.
    lab.guest("mover", role="selftest-mover.sh", standalone=True)
    # A guest whose kernel crashes must be seen to crash.
    lab.guest("crash", role="selftest-crash.sh", expect_crash=True)
    # A role that made fewer checks than it planned must fail.
    lab.guest("short", role="selftest-short.sh", mem=192,
              expect_fail="the role made 1 of the 2 checks it planned")
    lab.guest("reports", role="selftest-reports.sh", kernel="debug",
              expect_reports=("WARNING:", "BUG: KASAN: use-after-free", "blocked for more than"))

    if lab.wait_signal("want-delay", timeout=300):
        lab.check(lab.netem("ping", "delay 100ms"), "netem delay applied mid-run")
        lab.signal("delay-set")
    if lab.wait_signal("want-clear"):
        lab.check(lab.netem("ping", ""), "netem cleared mid-run")
        lab.signal("clear-set")
    if lab.wait_signal("want-migrate"):
        lab.check(lab.migrate("mover"), "live migration to a new QEMU completed")
        lab.signal("migrated")
    if lab.wait_signal("want-kill"):
        lab.kill("echo")
        lab.signal("killed")
    lab.wait(["ping"])
    lab.kill("mover")
