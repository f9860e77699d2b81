# Load the DKMS-installed modules with modprobe, try bad parameters, and
# count the hostile frames the sender guest aims at us; then withstand
# its attacks, and those of an unprivileged user of this machine in a
# network namespace of its own.
lab_plan 47
stats=/sys/kernel/debug/rmap/stats
srvstats=/sys/kernel/debug/memx_server/stats
forge=$MEMX_TREE/tests/lab/tools/rmapforge.py

# refused MODULE PARAMS... MESSAGE: modprobe fails and the kernel log says why.
refused() {
	mod=$1 msg=$2
	shift 2
	dmesg -C
	if modprobe "$mod" "$@" 2>/dev/null; then
		modprobe -r "$mod"
		return 1
	fi
	dmesg | grep -q "$mod: .*$msg"
}

# stat NAME: one counter of rmap_proto; srvstat NAME: one of memx_server.
stat() {
	awk -v n="$1" '$1 == n { print $2 }' $stats
}

srvstat() {
	awk -v n="$1" '$1 == n { print $2 }' $srvstats
}

# peers: entries in rmap_proto's peer table.
peers() {
	grep -vc '^#' /sys/kernel/debug/rmap/peers
}

# As user nobody, in a user and network namespace of its own (unshare
# -rn), with a veth pair there: JOINs and pings from one end to the other.
# The other end is this machine's rmap_proto's as much as eth0 is, but in
# another namespace: nothing of it may be taken.
netns_inject() {
	cp "$forge" /tmp/rmapforge.py && chmod 644 /tmp/rmapforge.py || return
	setpriv --reuid=65534 --regid=65534 --clear-groups unshare -rn sh -c '
		ip link add name vx0 type veth peer name vx1 && ip link set vx0 up && ip link set vx1 up &&
		python3 /tmp/rmapforge.py inject vx0 "$(ip -br link show vx1 | awk "{ print \$3 }")" 20'
}

check "rmap_proto comes from DKMS" sh -c "modinfo -F filename rmap_proto | grep -q /updates/dkms/"
check "ethertype=0x0800 refused" refused rmap_proto "belongs to another protocol" ethertype=0x0800
check "ethertype=0x0100 refused" refused rmap_proto "is a length" ethertype=0x0100
# taken MESSAGE MODULE PARAMS...: modprobe loads it, and the kernel log says MESSAGE.
taken() {
	msg=$1
	shift
	dmesg -C
	modprobe "$@" && dmesg | grep -q "$1: .*$msg"
}
check "ifaces=eth9, not there yet: taken, and the log says it waits for it" \
	taken "no interface eth9 yet: RMAP speaks on the one that takes the name" rmap_proto ifaces=eth9
# sent_on IFACE SECONDS: a frame of this machine's RMAP leaves through IFACE
# in time (exit 0), or none does (exit 3).
sent_on() {
	# Only a socket of every protocol sees frames going out (ETH_P_ALL).
	python3 -c 'import errno, socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 3))
print("listening", flush=True)
s.settimeout(int(sys.argv[2]))
while True:
    try:
        frame, addr = s.recvfrom(2048)
        if addr[2] == socket.PACKET_OUTGOING and frame[12:14] == b"\x88\xb5":
            break
    except socket.timeout:
        sys.exit(3)
    except OSError as e:  # bound while down: told once, then it hears
        if e.errno != errno.ENETDOWN:
            raise' "$1" "$2"
}
# Not on eth0, which is not listed: bounced, it stays silent.
sent_on eth0 5 >/tmp/sent0.out 2>&1 &
sender=$!
lab_within 30 grep -q listening /tmp/sent0.out
ip link set eth0 down
ip link set eth0 up
check "ifaces=eth9: RMAP says nothing on eth0, up again" eval "wait $sender; [ \$? -eq 3 ]"
ip link set eth0 down
ip link set eth0 name eth9
sent_on eth9 30 >/tmp/sent.out 2>&1 &
sender=$!
lab_within 30 grep -q listening /tmp/sent.out
ip link set eth9 up
check "eth0 renamed eth9 and up: RMAP speaks on it at once" wait $sender
modprobe -r rmap_proto
ip link set eth9 down
ip link set eth9 name eth0
ip link set eth0 up
check "ifaces=lo refused" refused rmap_proto "lo is not an Ethernet interface" ifaces=lo
check "ifaces=eth0, refused" refused rmap_proto "empty or overlong" ifaces=eth0,
check "memx_server capacity_mb beyond RAM refused" refused memx_server "must be between" capacity_mb=1000000
check "memx_server reserve_mb beyond RAM refused" refused memx_server "must be less than" reserve_mb=1000000
check "memx_server client_max_mb beyond capacity refused" refused memx_server "must be at most the capacity" \
	client_max_mb=1000000
check "memx_client size_mb=0 refused" refused memx_client "must be between" size_mb=0
check "memx_client nr_devices=1000 refused" refused memx_client "must be between" nr_devices=1000
check "memx_client lease_ms=10 refused" refused memx_client "lease_ms=10: must be between" lease_ms=10
check "memx_client place_timeout_ms=0 refused" refused memx_client "place_timeout_ms=0: must be between" place_timeout_ms=0
check "memx_client replicas=3 refused" refused memx_client "replicas=3: must be between 1 and 2" replicas=3

check "modprobe rmap_proto ifaces=eth0" modprobe rmap_proto ifaces=eth0
check "modprobe memx_server" modprobe memx_server
check "modprobe memx_client" modprobe memx_client
check "rmap stats in debugfs" test -r $stats
lab_signal host-ready

lab_wait sent 120
cat $stats
check "hostile frames received" test "$(stat rx_frames)" -ge 25
# modules-sender.sh sent 20 frames of another version and 5 runts: a
# frame taken would be missing from the drops.
check "each of the 20 frames of another version dropped and counted" test "$(stat drop_bad_version)" -eq 20
check "each of the 5 short frames dropped and counted" test "$(stat drop_short)" -eq 5
lab_signal host-counted

lab_wait forged 300
cat $stats $srvstats
check "requests to the broadcast address dropped and counted" test "$(stat drop_not_unicast)" -ge 1
check "a flood of JOINs from one address is bounded (E_BUSY)" test "$(srvstat ctl_busy)" -ge 1
check "invented addresses fill at most 192 peer entries" test "$(peers)" -le 195
check "the forged sessions end with their lease" lab_within 60 grep -qx "granted_pages 0" $srvstats
joins=$(srvstat joins)
check "an unprivileged user's namespace injects JOINs and pings" netns_inject
check "frames from another network namespace dropped and counted" test "$(stat drop_other_netns)" -ge 40
check "none of them reached the server" test "$(srvstat joins)" -eq "$joins"

check "rmmod all" modprobe -r memx_client memx_server rmap_proto
check "rmap_proto gone" sh -c "! grep -q '^rmap_proto ' /proc/modules"

# A cluster key: every frame sealed and checked from now on.
check "key_file that does not exist refused" refused rmap_proto "cannot be read" \
	key_file=/nonexistent
echo "not a key" >/tmp/bad.key
check "key_file without 64 hex digits refused" refused rmap_proto "64 hexadecimal digits" \
	key_file=/tmp/bad.key
od -vAn -N32 -tx1 /dev/urandom | tr -d ' \n' >/lab/phase2.key
chmod 600 /lab/phase2.key
dmesg -C
check "modprobe rmap_proto with a key" modprobe rmap_proto ifaces=eth0 key_file=/lab/phase2.key
check "the key is not in the kernel log" sh -c "! dmesg | grep -qi \"\$(cut -c1-16 /lab/phase2.key)\""
check "the key is not in sysfs" sh -c \
	"! grep -rqs \"\$(cut -c1-16 /lab/phase2.key)\" /sys/module/rmap_proto/parameters"
check "modprobe memx_server (keyed)" modprobe memx_server
lab_signal host-keyed
lab_wait keyed-attacked 600
lab_wait peer-done 120
npeers=$(peers)
# The sender holds a frame of the peer's that we never took (it diverted
# it); the peer then reached us with later frames and fell silent. Once
# we have forgotten it, the captured frame comes: remembered, refused.
lab_wait pinged-again 180
check "the silent peer is forgotten" lab_within 30 sh -c \
	"! grep -q '^$(lab_mac peer) ' /sys/kernel/debug/rmap/peers"
replays=$(stat drop_replayed)
lab_signal peer-forgotten
lab_wait forgotten-replayed 180
cat $stats $srvstats /sys/kernel/debug/rmap/peers
check "unsealed frames dropped as of no known key" test "$(stat drop_unknown_key)" -ge 50
check "frames with a guessed tag dropped" test "$(stat drop_bad_tag)" -ge 150
check "our own advertisement sent back dropped" test "$(stat drop_own_address)" -ge 1
check "no forged frame took a peer entry (the peer's alone)" test "$npeers" -eq 1
check "no forged JOIN reached the server" test "$(srvstat joins)" -eq 0
check "nothing forged was answered or left unclaimed" test "$(stat rx_unclaimed)" -eq 0
check "the peer's frame replayed after we forgot the peer dropped as a replay" \
	test "$(stat drop_replayed)" -ge $((replays + 1))
check "rmmod keyed modules" modprobe -r memx_server rmap_proto
