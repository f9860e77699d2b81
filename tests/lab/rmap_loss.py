"""RMAP over a bad link: both guests lose 5% of the frames they send,
duplicate 5%, corrupt 5% and reorder a quarter of them (tc netem). Every
page-sized ping still completes with its payload intact, retransmissions
and the drop counters show what the link did, and nothing is lost. In
Debian's kernel, block I/O too: verified fio jobs on a memx device over
the same link, of pages and of requests of 2 to 32 pages (one message of
up to 96 frames each way), without an error; then the client holds back a tenth of
its frames for 300 ms, so that resends overtake their originals, while
16 pages are written over and over: every page reads back what was
written there last, and the server shows the originals it acknowledged
without applying them (stale_writes). That pass encrypts payloads
(encrypt=1): an encrypted frame carries a copy of its page, so an
original held back arrives as it was sent. A clear one carries the page
itself, which the next write has changed by then: its CRC no longer
matches and it is dropped before the server sees it."""

KERNELS = ["stock", "debug"]
TIMEOUT = {"stock": 420, "debug": 1200}
IMPAIR = "delay 1ms reorder 25% 50% loss 5% duplicate 5% corrupt 5%"


def run(lab):
    opts = "encrypt=1" if lab.kernel.kind == "stock" else ""
    lab.guest("srv", role="rmap-loss-server.sh", mtu=1500, netem=IMPAIR, rmap_opts=opts)
    lab.guest("cli", role="rmap-loss-client.sh", mtu=1500, netem=IMPAIR, rmap_opts=opts)
