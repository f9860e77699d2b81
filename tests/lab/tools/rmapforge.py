#!/usr/bin/env python3
"""rmapforge: a hostile node on an RMAP LAN, for the lab's attack checks.

It speaks RMAP (docs/rmap-protocol.md) from user space over a packet
socket: frames with correct CRCs, from its own address or from addresses
it invents. Each subcommand is one attack; it prints what came back and
exits 0 when the target behaved as a hardened node must, 1 when not.

  rmapforge.py overread IFACE SERVER     sizes that wrap a 32-bit check
  rmapforge.py torn-write IFACE SERVER   a page's write cut short never reads half written
  rmapforge.py bcast-ping IFACE          a ping to everyone: nobody answers
  rmapforge.py join-flood IFACE SERVER N N JOINs at once from one address
  rmapforge.py mac-flood IFACE SERVER N  JOINs from N invented addresses
  rmapforge.py inject IFACE DST N        N JOINs and pings, answers not awaited
  rmapforge.py keyed IFACE SERVER N      against a keyed LAN: replays and forgeries
  rmapforge.py replay-forgotten IFACE SERVER CLIENT
                                         a client's frame, replayed once the server forgot it
  rmapforge.py tenant IFACE SERVER CLIENT SESSION CLIENT_ID KEY_FILE
                                         a tenant's key holder against another tenant's session
  rmapforge.py tenant-flood IFACE SERVER KEY_FILE N SECONDS
                                         red-sealed pings from N invented addresses, for SECONDS
  rmapforge.py harass IFACE CLIENT SECONDS SERVER...
                                         all of it at once, against a client at work

Mostly the key, when there is one, is not known to it: with a key
configured, what it sends must be dropped unanswered. As a tenant, it
holds that tenant's key (and seals its frames with it, ChaCha20-Poly1305
as docs/rmap-protocol.md says), and must still get nothing of another
tenant's.
"""

import hashlib
import os
import socket
import struct
import sys
import time

ETHERTYPE = int(os.environ.get("RMAP_ETHERTYPE", "0x88B5"), 16)
VERSION = 3
HDR = struct.Struct(">BBBBIIHHIIHHIQQ24s16s")
HDR_LEN = HDR.size
ETH_HLEN = 14
ADVERTISE, SOLICIT, JOIN, LEAVE, WRITE, READ, READ_RESP, ACK, PING, PONG = range(1, 11)
E_INVAL, E_SESSION, E_BUSY = 1, 3, 5
DISCARD = 11
SOL_PACKET, PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC = 263, 1, 1


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc32c_table()


def crc32c(data, crc=0xFFFFFFFF):
    for b in data:
        crc = CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def header_fields(mtype, session, seq, body, payload, status=0, key_id=0, counter=0,
                  epoch=0, tag=b""):
    """A one-fragment frame's header fields, its CRC zero."""
    return [VERSION, mtype, status, 0, session, seq, 0, 1, 0, len(payload), len(payload),
            key_id, 0, counter, epoch, body.ljust(24, b"\0"), tag.ljust(16, b"\0")]


def frame(mtype, session, seq, body=b"", payload=b"", status=0, key_id=0, counter=0,
          epoch=0, tag=b""):
    """One RMAP frame (no Ethernet header), sealed with its CRC."""
    fields = header_fields(mtype, session, seq, body, payload, status, key_id, counter,
                           epoch, tag)
    hdr = HDR.pack(*fields)
    crc = crc32c(hdr[:28] + b"\0\0\0\0" + hdr[32:] + payload) ^ 0xFFFFFFFF
    fields[12] = crc
    return HDR.pack(*fields) + payload


def fragment(mtype, session, seq, body, payload, index, count, offset, total):
    """One fragment of a message whose payload is @total bytes: @payload at @offset."""
    fields = header_fields(mtype, session, seq, body, payload)
    fields[6:11] = [index, count, offset, total, len(payload)]
    hdr = HDR.pack(*fields)
    fields[12] = crc32c(hdr[:28] + b"\0\0\0\0" + hdr[32:] + payload) ^ 0xFFFFFFFF
    return HDR.pack(*fields) + payload


def header(data):
    """The header's fields as a dict, the CRC unchecked."""
    return dict(zip(("version", "type", "status", "flags", "session", "seq", "frag_index",
                     "frag_count", "frag_offset", "total_len", "frag_len", "key_id", "crc",
                     "counter", "epoch", "body", "tag"), HDR.unpack(data[:HDR_LEN])))


def parse(data):
    """(header fields as a dict, payload), or None for a frame that fails its CRC."""
    if len(data) < HDR_LEN:
        return None
    h = header(data)
    payload = data[HDR_LEN:HDR_LEN + h["frag_len"]]
    crc = crc32c(data[:28] + b"\0\0\0\0" + data[32:HDR_LEN] + payload) ^ 0xFFFFFFFF
    return (h, payload) if crc == h["crc"] else None


# Sealing, as a holder of a tenant's key does it (docs/rmap-protocol.md,
# "Authentication"): a sender key derived with keyed BLAKE2s, and the
# tag ChaCha20-Poly1305 (RFC 8439) gives with the Ethernet addresses, the
# header and the payload as associated data. Slow, and only for a few
# frames.
M32 = 0xFFFFFFFF


def _rotl(v, c):
    return ((v << c) & M32) | (v >> (32 - c))


def chacha20_block(key, counter, nonce):
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(struct.unpack("<8I", key)) + [counter] + list(struct.unpack("<3I", nonce))
    x = state[:]

    def qr(a, b, c, d):
        x[a] = (x[a] + x[b]) & M32
        x[d] = _rotl(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & M32
        x[b] = _rotl(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & M32
        x[d] = _rotl(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & M32
        x[b] = _rotl(x[b] ^ x[c], 7)
    for _ in range(10):
        qr(0, 4, 8, 12), qr(1, 5, 9, 13), qr(2, 6, 10, 14), qr(3, 7, 11, 15)
        qr(0, 5, 10, 15), qr(1, 6, 11, 12), qr(2, 7, 8, 13), qr(3, 4, 9, 14)
    return struct.pack("<16I", *((x[i] + state[i]) & M32 for i in range(16)))


def poly1305(key, msg):
    r = int.from_bytes(key[:16], "little") & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
    s = int.from_bytes(key[16:32], "little")
    p, acc = (1 << 130) - 5, 0
    for i in range(0, len(msg), 16):
        acc = (acc + int.from_bytes(msg[i:i + 16] + b"\1", "little")) * r % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")


def _pad16(data):
    return data + b"\0" * (-len(data) % 16)


class Tenant:
    """A tenant's key, and this node's sealing state under it."""

    def __init__(self, key):
        self.key = key
        self.key_id = int.from_bytes(hashlib.blake2s(b"memx rmap v2 key id\0", key=key,
                                                     digest_size=2).digest(), "big") or 1
        self.epoch = int.from_bytes(os.urandom(8), "big") | 1
        self.counter = time.time_ns()
        self.sender_keys = {}

    @staticmethod
    def from_file(path, name):
        for line in open(path):
            words = line.split()
            if len(words) == 2 and words[0] == name:
                return Tenant(bytes.fromhex(words[1]))
        raise SystemExit(f"{path}: no key named {name}")

    def sender_key(self, mac):
        if mac not in self.sender_keys:
            msg = b"memx rmap v2 sender key\0" + mac + struct.pack(">Q", self.epoch)
            self.sender_keys[mac] = hashlib.blake2s(msg, key=self.key, digest_size=32).digest()
        return self.sender_keys[mac]

    def frame(self, dst, src, mtype, session, seq, body=b"", payload=b"", key_id=None):
        """A frame sealed by @src under this key (and labelled @key_id, if given)."""
        self.counter += 1
        # What the tag covers: the header with its CRC and tag zero.
        hdr = HDR.pack(*header_fields(mtype, session, seq, body, payload, key_id=self.key_id,
                                      counter=self.counter, epoch=self.epoch))
        nonce = b"\0" * 4 + struct.pack("<Q", self.counter)
        poly_key = chacha20_block(self.sender_key(src), 0, nonce)[:32]
        ad = mac_bytes(dst) + src + hdr + payload
        tag = poly1305(poly_key, _pad16(ad) + struct.pack("<QQ", len(ad), 0))
        return frame(mtype, session, seq, body, payload,
                     key_id=self.key_id if key_id is None else key_id,
                     counter=self.counter, epoch=self.epoch, tag=tag)


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def join_body(pages, lease_ms=1000, client_id=0x666):
    return struct.pack(">QIHHQ", pages, lease_ms, 1500, 0, client_id)


def page_body(offset, size, wseq=0):
    return struct.pack(">QIIQ", offset, size, 0, wseq)


class Node:
    def __init__(self, iface):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETHERTYPE))
        self.sock.bind((iface, ETHERTYPE))
        self.mac = self.sock.getsockname()[4]
        self.seq = 0x51000000

    def send(self, dst, rmap, src=None):
        eth = mac_bytes(dst) + (src or self.mac) + struct.pack(">H", ETHERTYPE)
        self.sock.send(eth + rmap)

    def send_raw(self, whole):
        """A frame as captured, Ethernet header and all: a replay."""
        self.sock.send(whole)

    def sniff(self, timeout, want):
        """The first whole frame (Ethernet header on) for which @want(header) holds."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.sock.settimeout(max(end - time.monotonic(), 0.01))
            try:
                data, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                break
            parsed = addr[2] != socket.PACKET_OUTGOING and parse(data[ETH_HLEN:])
            if parsed and want(parsed[0]):
                return data
        return None

    def recv(self, timeout, to_us=False):
        """Every RMAP frame we hear within @timeout seconds (addressed to
        us, with @to_us: a promiscuous socket hears others' too)."""
        got = []
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return got
            self.sock.settimeout(left)
            try:
                data, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                return got
            if addr[2] == socket.PACKET_OUTGOING or (to_us and data[:6] != self.mac):
                continue
            parsed = parse(data[ETH_HLEN:])
            if parsed:
                got.append(parsed)

    def ask(self, dst, mtype, session, body=b"", payload=b"", timeout=2.0):
        """Send a request; the first answer to its seq, or None."""
        self.seq += 1
        seq = self.seq
        self.send(dst, frame(mtype, session, seq, body, payload))
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for h, p in self.recv(end - time.monotonic()):
                if h["seq"] == seq and h["type"] in (ACK, READ_RESP, PONG):
                    return h, p
        return None


def overread(iface, server):
    """Reads whose size wraps `offset_in_page + size` in 32 bits.

    A server that checks in 32 bits answers past the page it holds (other
    sessions' data) or overruns its frame array; a sound one says E_INVAL.
    """
    n = Node(iface)
    ans = n.ask(server, JOIN, 0, join_body(256, 30000))
    if not ans or ans[0]["type"] != ACK or ans[0]["status"] != 0:
        print("overread: JOIN not granted:", ans and ans[0])
        return 1
    session = ans[0]["session"]
    print(f"overread: session {session:08x}")
    ok = True
    for size in (0xFFFFFA59, 0xFFFFF001, 0xFFFFFFFF):
        ans = n.ask(server, READ, session, page_body(4095, size))
        shown = ans and (ans[0]["type"], ans[0]["status"], len(ans[1]))
        print(f"overread: READ 4095+{size:#x}: {shown}")
        if not ans or ans[0]["type"] != ACK or ans[0]["status"] != E_INVAL or ans[1]:
            ok = False
    ans = n.ask(server, PING, 0, payload=b"still there?" * 4)
    print("overread: server answers a ping after:", bool(ans))
    ok = ok and ans is not None
    ans = n.ask(server, LEAVE, session)
    print("overread: LEAVE:", ans and ans[0]["status"])
    return 0 if ok else 1


def torn_write(iface, server):
    """A page written in 3 fragments (MTU 1500), the last one held back.

    A server that puts pieces of a page in place as they come would leave
    the page half new, half old, for any later read, should the write
    never complete. A sound one refuses to read the page (E_BUSY) until
    its last piece comes; then it reads as written.
    """
    n = Node(iface)
    # Not overread's numbers: a server answers a JOIN it saw as it did then.
    n.seq = 0x52000000
    ans = n.ask(server, JOIN, 0, join_body(256, 30000))
    if not ans or ans[0]["type"] != ACK or ans[0]["status"] != 0:
        print("torn-write: JOIN not granted:", ans and ans[0])
        return 1
    session = ans[0]["session"]
    cuts = [(0, 1408), (1408, 1408), (2816, 1280)]

    def write(data, wseq, parts):
        n.seq += 1
        for i in parts:
            off, size = cuts[i]
            n.send(server, fragment(WRITE, session, n.seq, page_body(4096, 4096, wseq),
                                    data[off:off + size], i, 3, off, 4096))
        return n.seq

    def answer(seq, timeout):
        """The next answer frame to @seq, (header, payload), or None."""
        got = n.sniff(timeout, lambda h: h["seq"] == seq and h["type"] in (ACK, READ_RESP))
        return got and parse(got[ETH_HLEN:])

    def acked(seq, timeout):
        got = answer(seq, timeout)
        return bool(got) and got[0]["type"] == ACK and got[0]["status"] == 0

    def read():
        """The page, or the status of the refusal."""
        n.seq += 1
        n.send(server, frame(READ, session, n.seq, page_body(4096, 4096)))
        page = bytearray(4096)
        have = 0
        while have < 4096:
            got = answer(n.seq, 2.0)
            if not got:
                return None
            if got[0]["type"] == ACK:
                return got[0]["status"]
            page[got[0]["frag_offset"]:got[0]["frag_offset"] + len(got[1])] = got[1]
            have += len(got[1])
        return bytes(page)

    old, new = bytes([0xA5]) * 4096, bytes(range(256)) * 16
    ok = acked(write(old, 1, (0, 1, 2)), 2.0) and read() == old
    print("torn-write: a whole page written and read back:", ok)
    seq = write(new, 2, (0, 1))
    early = acked(seq, 0.5)
    got = read()
    refused = got == E_BUSY
    print(f"torn-write: 2 of 3 pieces sent: acknowledged {early}, read refused {refused}"
          + ("" if refused or not isinstance(got, bytes) else
             f" (read back, {sum(a != b for a, b in zip(got, old))} bytes new)"))
    n.send(server, fragment(WRITE, session, seq, page_body(4096, 4096, 2),
                            new[2816:], 2, 3, 2816, 4096))
    done = acked(seq, 2.0) and read() == new
    print("torn-write: the last piece: acknowledged, page as written:", done)
    n.ask(server, LEAVE, session)
    return 0 if ok and not early and refused and done else 1


def bcast_ping(iface):
    """A ping to the broadcast address: every node would answer the one frame."""
    n = Node(iface)
    n.seq += 1
    n.send("ff:ff:ff:ff:ff:ff", frame(PING, 0, n.seq, payload=b"x" * 64))
    pongs = [h for h, _ in n.recv(2.0) if h["type"] == PONG]
    print(f"bcast-ping: {len(pongs)} answers")
    return 0 if not pongs else 1


def join_flood(iface, server, count):
    """@count JOINs at once from one address, faster than a server applies them."""
    n = Node(iface)
    frames = []
    for _ in range(count):
        n.seq += 1
        frames.append(frame(JOIN, 0, n.seq, join_body(1)))
    for f in frames:
        n.send(server, f)
    answers = [h for h, _ in n.recv(5.0) if h["type"] == ACK]
    busy = sum(1 for h in answers if h["status"] == 5)
    print(f"join-flood: {count} sent, {len(answers)} answered, {busy} E_BUSY")
    return 0


def mac_flood(iface, server, count):
    """JOINs from @count invented addresses: each would take a peer-table entry."""
    n = Node(iface)
    for i in range(count):
        src = bytes([0x02, 0x66, 0x00, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])
        n.seq += 1
        n.send(server, frame(JOIN, 0, n.seq, join_body(1)), src=src)
    print(f"mac-flood: {count} invented addresses")
    return 0


def inject(iface, dst, count):
    """Requests that should never reach the node behind @dst."""
    n = Node(iface)
    for _ in range(count):
        n.seq += 1
        n.send(dst, frame(JOIN, 0, n.seq, join_body(1)))
        n.seq += 1
        n.send(dst, frame(PING, 0, n.seq, payload=b"y" * 32))
    answers = n.recv(1.0)
    print(f"inject: {2 * count} sent, {len(answers)} answers")
    return 0 if not answers else 1


def keyed(iface, server, count):
    """On a LAN whose nodes share a key we do not have.

    Replays @server's own advertisement (to it, and to everyone: a node
    that heard it takes it once only); sends requests unsealed, and
    sealed under the key id the LAN uses with a tag we had to guess, from
    our address and from invented ones, and an advertisement in
    @server's name. Nothing may be answered.
    """
    n = Node(iface)
    adv = n.sniff(10.0, lambda h: h["type"] == ADVERTISE and h["key_id"])
    if not adv:
        print("keyed: no sealed advertisement heard")
        return 1
    key_id = parse(adv[ETH_HLEN:])[0]["key_id"]
    print(f"keyed: the LAN's key id is {key_id:04x}")
    garbage = os.urandom(16)
    for i in range(count):
        n.seq += 1
        n.send(server, frame(JOIN, 0, n.seq, join_body(1)))
        n.seq += 1
        n.send(server, frame(PING, 0, n.seq, payload=b"z" * 32, key_id=key_id,
                             counter=time.time_ns(), tag=garbage))
        n.seq += 1
        n.send(server, frame(JOIN, 0, n.seq, join_body(1), key_id=key_id,
                             counter=time.time_ns(), tag=os.urandom(16)))
        src = bytes([0x02, 0x77, 0x00, 0x00, (i >> 8) & 0xFF, i & 0xFF])
        n.send(server, frame(JOIN, 0, n.seq, join_body(1), key_id=key_id,
                             counter=time.time_ns(), tag=garbage), src=src)
    # Last, as frames from the server's address teach the LAN's switches
    # that it is here (until its next frame): its advertisement replayed,
    # and one forged in its name, to everyone.
    n.send_raw(adv)
    body = struct.pack(">IIIHHHHI", 1 << 20, 1 << 20, 0, 1000, 64, 1500, 0, 0)
    n.send("ff:ff:ff:ff:ff:ff", frame(ADVERTISE, 0x0BADF00D, 0, body, key_id=key_id,
                                      counter=time.time_ns(), tag=garbage),
           src=mac_bytes(server))
    answers = [h for h, _ in n.recv(2.0) if h["type"] in (ACK, PONG, READ_RESP)]
    print(f"keyed: {4 * count + 2} forged or replayed, {len(answers)} answers")
    return 0 if not answers else 1


def replay_forgotten(iface, server, client):
    """Capture a sealed frame from @client to @server and replay it once
    @server has forgotten @client (silent beyond peer_timeout_ms).

    Unicast frames pass us by on a switch: we make it send @server's to us
    by sending, often, frames in @server's name (it learns where a source
    address is from the frames it sees). /lab/signals/poisoned tells the
    client to send; once we hold one of its frames we stop, and say so
    (captured). The client then reaches @server again with later frames
    (so @server has taken counters beyond the captured one: without that,
    the replay would be the frame's first delivery, rightly taken), falls
    silent, and @server says when it has forgotten it (peer-forgotten).
    Only then do we replay.
    """
    n = Node(iface)
    # Frames for another address: the NIC must not filter them out.
    mreq = struct.pack("iHH8s", socket.if_nametoindex(iface), PACKET_MR_PROMISC, 0, b"")
    n.sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
    junk = frame(PING, 0, 1, payload=b"j" * 8)
    srv, cli = mac_bytes(server), mac_bytes(client)
    captured = None
    end = time.monotonic() + 60
    signalled = False
    while time.monotonic() < end and captured is None:
        n.send(client, junk, src=srv)
        if not signalled:
            open("/lab/signals/poisoned", "w").close()
            signalled = True
        n.sock.settimeout(0.02)
        try:
            data, addr = n.sock.recvfrom(65536)
        except socket.timeout:
            continue
        if data[:6] == srv and data[6:12] == cli and parse(data[ETH_HLEN:]):
            captured = data
    if captured is None:
        print("replay-forgotten: nothing captured")
        return 1
    h = parse(captured[ETH_HLEN:])[0]
    print(f"replay-forgotten: captured type {h['type']} counter {h['counter']}")
    open("/lab/signals/captured", "w").close()
    end = time.monotonic() + 120
    while not os.path.exists("/lab/signals/peer-forgotten"):
        if time.monotonic() > end:
            print("replay-forgotten: the server never forgot the client")
            return 1
        time.sleep(0.2)
    n.send_raw(captured)
    # Whether it was taken, the server's counters say: its answer would go
    # to the client's port, not ours.
    print("replay-forgotten: replayed")
    open("/lab/signals/forgotten-replayed", "w").close()
    return 0

def tenant(iface, server, client, session, client_id, key_file):
    """Holding tenant red's key, attack a session of tenant blue.

    First, as red's own node, it joins, writes and reads back a session
    of its own: the server takes its frames (else what follows proves
    nothing), and refuses sealed reads of it that wrap or lie past its
    end. Then it asks for @session (blue's, on @server) from its own
    address, which must be answered E_SESSION with no data; writes,
    discards, leaves and rejoins (with blue's @client_id) in @client's
    name, all under red's key, which must change nothing of blue's; and
    sends red-sealed frames labelled with blue's key id, which must be
    dropped.
    """
    n = Node(iface)
    red = Tenant.from_file(key_file, "red")
    session, client_id = int(session, 16), int(client_id, 16)
    blue_adv = n.sniff(10.0, lambda h: h["type"] == ADVERTISE and h["key_id"] not in
                       (0, red.key_id))
    if not blue_adv:
        print("tenant: no advertisement of another tenant heard")
        return 1
    blue_id = parse(blue_adv[ETH_HLEN:])[0]["key_id"]
    print(f"tenant: red's key id {red.key_id:04x}, blue's {blue_id:04x}")

    def ask(mtype, sess, body=b"", payload=b"", src=None, timeout=3.0):
        n.seq += 1
        seq = n.seq
        n.send(server, red.frame(server, src or n.mac, mtype, sess, seq, body, payload), src=src)
        if src:
            return None
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for h, p in n.recv(end - time.monotonic()):
                if h["seq"] == seq and h["type"] in (ACK, READ_RESP):
                    return h, p
        return None

    ok = True
    mine = os.urandom(64)
    joined = ask(JOIN, 0, join_body(1, 5000, 0x7ED))
    own = joined and joined[0]["status"] == 0 and joined[0]["session"]
    wrote = own and ask(WRITE, own, page_body(0, 64, 1), mine)
    read = own and ask(READ, own, page_body(0, 64))
    if not (wrote and wrote[0]["status"] == 0 and read and read[1] == mine):
        print(f"tenant: red's own session does not work: join {joined} write {wrote} read {read}")
        return 1
    print(f"tenant: red's own session {own:08x} took a write and read it back")
    # A key holder is trusted with its own session, not with the server's
    # memory: sealed reads that wrap in 32 bits or lie far past the
    # session reach the server's checks (under KASAN in the lab).
    for offset, size in ((4095, 0xFFFFFA59), (4095, 0xFFFFF001), (1 << 62, 64)):
        got = ask(READ, own, page_body(offset, size))
        shown = got and (got[0]["type"], got[0]["status"], len(got[1]))
        print(f"tenant: red's READ {offset:#x}+{size:#x} on its own session: {shown}")
        ok &= bool(got) and got[0]["type"] == ACK and got[0]["status"] != 0 and not got[1]
    ask(LEAVE, own)

    for mtype, body in ((READ, page_body(0, 64)), (WRITE, page_body(0, 64, 1 << 40))):
        got = ask(mtype, session, body, os.urandom(64) if mtype == WRITE else b"")
        status = got and got[0]["status"]
        print(f"tenant: type {mtype} on blue's session from our address: status {status}, "
              f"{len(got[1]) if got else 0} bytes")
        ok &= bool(got) and status == E_SESSION and not got[1]

    cli = mac_bytes(client)
    ask(WRITE, session, page_body(0, 64, 1 << 40), b"\xEE" * 64, src=cli)
    ask(DISCARD, session, page_body(0, 1 << 20, 1 << 40), src=cli)
    ask(LEAVE, session, src=cli)
    ask(JOIN, 0, join_body(1, 5000, client_id), src=cli)
    n.seq += 1
    n.send(server, red.frame(server, n.mac, READ, session, n.seq, page_body(0, 64),
                             key_id=blue_id))
    n.send(server, red.frame(server, cli, LEAVE, session, n.seq + 1, key_id=blue_id), src=cli)
    n.seq += 1
    stray = [h for h, p in n.recv(2.0) if h["type"] in (ACK, READ_RESP) and p]
    print(f"tenant: 6 frames in the client's name or under blue's label, {len(stray)} data back")
    return 0 if ok and not stray else 1


def tenant_flood(iface, server, key_file, count, seconds):
    """Holding red's key, keep @count invented red peers alive on @server
    (a sealed ping from each, every 1.5 s) for @seconds: red's share of
    the peer table stays full. Another tenant's clients must still get in.
    /lab/signals/flooding says the first round is out.
    """
    n = Node(iface)
    red = Tenant.from_file(key_file, "red")
    macs = [bytes([0x02, 0x7E, 0xD0, 0x00, i >> 8, i & 0xFF]) for i in range(count)]
    end = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < end:
        start = time.monotonic()
        for mac in macs:
            n.seq += 1
            n.send(server, red.frame(server, mac, PING, 0, n.seq, payload=b"f" * 8), src=mac)
        rounds += 1
        if rounds == 1:
            open("/lab/signals/flooding", "w").close()
        time.sleep(max(0.0, 1.5 - (time.monotonic() - start)))
    print(f"tenant-flood: {rounds} rounds of {count} pings")
    return 0


def harass(iface, client, seconds, *servers):
    """Everything at once, in rounds, against @client at work with @servers,
    until /lab/signals/cli-done (or @seconds): divert a moment of the
    client's frames to a server (poisoning the switch), replay each twice
    (the second copy is a replay for sure) and, on a keyed LAN, send them
    altered (payload, write number), unsealed, and as forged answers to
    the client in the server's name; a burst of JOINs and one from invented
    addresses; reads whose size wraps. Keyed, nothing we send may draw an
    answer; without a key, the replays are absorbed (resends, write order)
    and the reads refused, and only what needs no forging is tried.
    """
    n = Node(iface)
    mreq = struct.pack("iHH8s", socket.if_nametoindex(iface), PACKET_MR_PROMISC, 0, b"")
    n.sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
    adv = n.sniff(10.0, lambda h: h["type"] == ADVERTISE)
    keyed = bool(adv and parse(adv[ETH_HLEN:])[0]["key_id"])
    cli = mac_bytes(client)
    end = time.monotonic() + float(seconds)
    stats = dict(rounds=0, captured=0, sent=0, answers=0, data=0)
    junk = frame(PING, 0, 1, payload=b"j" * 8)
    while time.monotonic() < end and not os.path.exists("/lab/signals/cli-done"):
        server = servers[stats["rounds"] % len(servers)]
        srv = mac_bytes(server)
        stats["rounds"] += 1
        # A moment of the client's frames to this server, to us (told
        # apart by addresses alone: Python's CRC is slow in a guest).
        captured, stop = [], time.monotonic() + 0.2
        while time.monotonic() < stop and len(captured) < 16:
            n.send(client, junk, src=srv)
            n.sock.settimeout(0.01)
            try:
                data, addr = n.sock.recvfrom(65536)
            except socket.timeout:
                continue
            if data[:6] == srv and data[6:12] == cli and len(data) >= ETH_HLEN + HDR_LEN:
                captured.append(data)
        stats["captured"] += len(captured)
        for data in captured:
            n.send_raw(data)
            n.send_raw(data)
            stats["sent"] += 2
        for data in captured[:4] if keyed else []:
            h = header(data[ETH_HLEN:])
            payload = data[ETH_HLEN + HDR_LEN:ETH_HLEN + HDR_LEN + h["frag_len"]]
            raw = bytearray(data[ETH_HLEN:])
            if payload:
                raw[HDR_LEN] ^= 0xFF			# altered payload, tag kept
            raw[64:72] = struct.pack(">Q", 1 << 40)	# a later write number
            crc = crc32c(bytes(raw[:28]) + b"\0" * 4 + bytes(raw[32:HDR_LEN]) +
                         bytes(raw[HDR_LEN:HDR_LEN + h["frag_len"]])) ^ 0xFFFFFFFF
            raw[28:32] = struct.pack(">I", crc)
            n.send(server, bytes(raw), src=cli)
            n.send(server, frame(h["type"], h["session"], h["seq"], h["body"], payload), src=cli)
            answer = READ_RESP if h["type"] == READ else ACK
            n.send(client, frame(answer, h["session"], h["seq"], h["body"],
                                 os.urandom(64) if h["type"] == READ else b"",
                                 key_id=h["key_id"], counter=h["counter"] + 1,
                                 epoch=h["epoch"], tag=os.urandom(16)), src=srv)
            stats["sent"] += 3
        # Floods and overreads from us and from invented addresses: every
        # round with a key (all dropped unread); without one, each JOIN
        # taken costs the server a chunk of memory to clear, so every
        # sixth round only.
        floods = 20 if keyed or stats["rounds"] % 6 == 1 else 0
        for target in servers:
            for i in range(floods):
                n.seq += 1
                n.send(target, frame(JOIN, 0, n.seq, join_body(1)))
                src = bytes([0x02, 0x66, 0x00, stats["rounds"] & 0xFF, 0, i])
                n.send(target, frame(JOIN, 0, n.seq, join_body(1)), src=src)
            for size in (0xFFFFFA59, 0xFFFFF001):
                n.seq += 1
                n.send(target, frame(READ, 0x1234, n.seq, page_body(4095, size)))
            stats["sent"] += 2 * floods + 2
        # Answers to us only: frames to the client that the switch sends
        # us for a moment (it learns the client's address from our
        # replays) are diverted traffic, which no key prevents (docs).
        for h, p in n.recv(2.0, to_us=True):
            if h["type"] in (ACK, READ_RESP, PONG):
                stats["answers"] += 1
                stats["data"] += len(p)
        # A round every 5 s or so: the client's job must go on meanwhile.
        time.sleep(3.0)
    print(f"harass ({'keyed' if keyed else 'no key'}): {stats}")
    if keyed:
        return 0 if stats["captured"] and not stats["answers"] else 1
    return 0 if stats["captured"] and not stats["data"] else 1


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "overread":
        return overread(*args)
    if cmd == "torn-write":
        return torn_write(*args)
    if cmd == "bcast-ping":
        return bcast_ping(*args)
    if cmd == "join-flood":
        return join_flood(args[0], args[1], int(args[2]))
    if cmd == "mac-flood":
        return mac_flood(args[0], args[1], int(args[2]))
    if cmd == "inject":
        return inject(args[0], args[1], int(args[2]))
    if cmd == "keyed":
        return keyed(args[0], args[1], int(args[2]))
    if cmd == "replay-forgotten":
        return replay_forgotten(*args)
    if cmd == "tenant":
        return tenant(*args)
    if cmd == "harass":
        return harass(*args)
    if cmd == "tenant-flood":
        return tenant_flood(args[0], args[1], args[2], int(args[3]), float(args[4]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
