#!/usr/bin/python3
"""Check memxctl's JSON (parsed by Python's json) against the kernel's own
files, for the lab's ctl scenario. Each command prints what differs and
exits 1, or exits 0.

  servers JSON PEERS N        N live servers, each as rmap's debugfs peers says
  devices JSON CLASS_DEVICES  the devices /sys/class/memx/devices lists
  device JSON STATS SYSFS     one device against its debugfs stats and sysfs dir
  lender JSON STATS DRAINING  memx_server's status against its debugfs stats
  events JSONL EVENT[|EVENT][:KEY=VALUE]...
                              these events happened, in this order (others between)
"""
import json
import os
import sys


def fail(msg):
    print("memxctl_check: " + msg)
    sys.exit(1)


def load(path):
    with open(path) as f:
        return json.load(f)


def kv_file(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                out[parts[0]] = int(parts[1])
    return out


def servers(js, peers, n):
    got = load(js)
    table = {}
    with open(peers) as f:
        for line in f:
            if line.startswith("#"):
                continue
            col = line.split()
            if col[2] == "server":
                table[col[0]] = {"state": col[3], "id": col[5], "capacity": int(col[6]) * 4096}
    alive = [s for s in got if s["state"] == "alive"]
    if len(alive) != int(n):
        fail("%d live servers, not %s: %s" % (len(alive), n, got))
    for s in got:
        t = table.get(s["mac"])
        if t is None:
            fail("server %s is not in the peer table" % s["mac"])
        for key, mine in (("state", s["state"]), ("id", s["id"]),
                          ("capacity", s["capacity_bytes"])):
            if t[key] != mine:
                fail("server %s: %s %s, the peer table says %s" % (s["mac"], key, mine, t[key]))
        if s["iface"] != "eth0" or not s["mtu"] or "requests" not in s["counters"]:
            fail("server %s: iface, mtu or counters wrong: %s" % (s["mac"], s))


def devices(js, listing):
    got = {d["name"]: d for d in load(js)}
    want = {}
    with open(listing) as f:
        for line in f:
            col = line.split()
            want[col[0]] = (int(col[1]) << 20, col[2], int(col[3]), col[4] if len(col) > 4 else "")
    if set(got) != set(want):
        fail("devices %s, sysfs lists %s" % (sorted(got), sorted(want)))
    for name, (size, tenant, replicas, label) in want.items():
        d = got[name]
        if (d["size_bytes"], d["tenant"], d["replicas"], d["label"]) != (size, tenant, replicas, label):
            fail("%s: %s, sysfs says %s" % (name, d, want[name]))


def device(js, stats, sysfs):
    d = load(js)
    st = kv_file(stats)

    def attr(name):
        with open(os.path.join(sysfs, name)) as f:
            return f.read().strip()

    checks = [
        ("size_bytes", d["size_bytes"], int(attr("size_mb")) << 20),
        ("label", d["label"], attr("label")),
        ("state", d["state"], attr("state")),
        ("extents_placed", d["extents_placed"], int(attr("extents"))),
        ("extents", d["extents"], st["extents"]),
        ("extents_lost", d["extents_lost"], int(attr("extents_lost"))),
        ("writes", d["counters"]["writes"], st["writes"]),
        ("reads", d["counters"]["reads"], st["reads"]),
        ("errors", d["counters"]["errors"], st["errors"]),
    ]
    for what, mine, theirs in checks:
        if mine != theirs:
            fail("%s %s: memxctl says %s, the kernel's files %s" % (d["name"], what, mine, theirs))
    copies = sum(s["extents"] for s in d["servers"] if s["state"] != "lost")
    if d["state"] == "ok" and copies != d["extents_placed"] * d["replicas"]:
        fail("%s: %d copies on its servers, for %d extents of %d copies: %s" % (
            d["name"], copies, d["extents_placed"], d["replicas"], d["servers"]))
    if d["extents_placed"] and not all(s["rtt_us"] > 0 for s in d["servers"] if s["extents"]):
        fail("%s: a server holding extents has no round trip: %s" % (d["name"], d["servers"]))


def lender(js, stats, draining):
    d = load(js)
    st = kv_file(stats)
    want = {
        "capacity_bytes": st["capacity_pages"] * 4096,
        "used_bytes": st["granted_pages"] * 4096,
        "sessions": st["sessions"],
        "draining": draining == "1",
    }
    for key, value in want.items():
        if d[key] != value:
            fail("server %s: memxctl says %s, the kernel %s" % (key, d[key], value))
    if d["counters"]["joins"] != st["joins"]:
        fail("joins: %s against %s" % (d["counters"]["joins"], st["joins"]))


def events(jsonl, wants):
    seen = []
    with open(jsonl) as f:
        for line in f:
            seen.append(json.loads(line))
    i = 0
    for want in wants:
        name, _, cond = want.partition(":")
        key, _, value = cond.partition("=")
        while i < len(seen):
            e = seen[i]
            i += 1
            if e["event"] in name.split("|") and (not key or str(e.get(key)) == value):
                break
        else:
            fail("no %s after the events before it; seen: %s" % (
                want, [(e["event"], e.get("mac") or e.get("device")) for e in seen]))


def main():
    if len(sys.argv) < 2:
        fail(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "events":
        events(args[0], args[1:])
    else:
        {"servers": servers, "devices": devices, "device": device, "lender": lender}[cmd](*args)


main()
