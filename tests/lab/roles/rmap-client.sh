# A client node: see the servers appear, ping them through rmap_proto at
# MTU 1500 and 9000 beside the raw-socket floor, move 128 KiB requests
# through a memx device and count their frames at both MTUs, ping with
# MTUs that differ, and see the servers age out.
lab_plan 28
rawping=$MEMX_TREE/tests/lab/tools/rawping
peers=/sys/kernel/debug/rmap/peers
ping=/sys/kernel/debug/rmap/ping
memx_modprobe rmap_proto
# Three debug guests on two emulated cores are slow: fewer pings there.
pings=200
[ "$MEMX_KERNEL" = debug ] && pings=20
srv1=$(lab_mac srv1)
srv2=$(lab_mac srv2)

# is_server MAC: the peer table lists MAC as a live server.
is_server() {
	awk -v m="$1" '$1 == m && $3 == "server" && $4 == "alive" { f = 1 } END { exit !f }' $peers
}

# peer_mtu_is MAC MTU: the peer said it takes MTU.
peer_mtu_is() {
	[ "$(rmap_peer_field "$1" mtu)" = "$2" ]
}

# sum_field FIELD: a peer-table counter summed over both servers.
sum_field() {
	echo $(($(rmap_peer_field "$srv1" "$1") + $(rmap_peer_field "$srv2" "$1")))
}

# count_io OP MTU FRAMES: N (8; 4 under the debug kernel) 128 KiB direct
# OPs (write: /tmp/big to memx0; read: memx0 to /tmp/back). Each is one
# RMAP request of 32 pages, cut into FRAMES frames, answered by one frame
# (a write) or FRAMES (a read): within 5% (and two lease renewals) of
# that, resends counted in, and the servers' advertisements (each says
# its own every second, and the peer table counts them in) while it ran.
# FRAMES 0: the requests alone.
count_io() {
	r0=$(sum_field requests) t0=$(sum_field tx_frames) x0=$(sum_field rx_frames)
	rt0=$(sum_field retransmits) s0=$(date +%s)
	if [ "$1" = write ]; then
		dd if=/tmp/big of=/dev/memx0 bs=128k count=$n oflag=direct 2>/dev/null || return 1
	else
		dd if=/dev/memx0 of=/tmp/back bs=128k count=$n iflag=direct 2>/dev/null || return 1
	fi
	r=$(($(sum_field requests) - r0)) t=$(($(sum_field tx_frames) - t0))
	x=$(($(sum_field rx_frames) - x0)) rt=$(($(sum_field retransmits) - rt0))
	adv=$((2 * ($(date +%s) - s0 + 2)))
	# The data frames go out (a write) or come in (a read); one
	# frame per request goes the other way.
	if [ "$1" = write ]; then d=$t a=$x; else d=$x a=$t; fi
	data=$(((n + rt) * $3)) one=$((n + rt))
	# A resend lost on its way draws no answer: at least N are due.
	echo "memx-lab: mtu $2, $n 128 KiB ${1}s: $r requests, $d data frames," \
		"$a the other way, $rt resends"
	[ "$r" -ge $n ] && [ "$r" -le $((n + 2)) ] || return 1
	[ "$3" = 0 ] && return 0
	# Received frames include the advertisements.
	if [ "$1" = write ]; then ta=$adv td=0; else ta=0 td=$adv; fi
	[ "$d" -ge $((n * $3)) ] && [ "$d" -le $((data + data / 20 + 2 + td)) ] || return 1
	[ "$a" -ge $n ] && [ "$a" -le $((one + 2 + ta)) ] || return 1
}

# big_io MTU FRAMES: new data written (a first write places its extent),
# written again and read back, each counted (count_io), and compared.
big_io() {
	dd if=/dev/urandom of=/tmp/big bs=128k count=$n 2>/dev/null
	dd if=/tmp/big of=/dev/memx0 bs=128k count=$n oflag=direct 2>/dev/null || return 1
	count_io write "$@" && count_io read "$@" && cmp /tmp/big /tmp/back
}

gone() {
	[ -r $peers ] && ! awk -v m="$1" '$1 == m { f = 1 } END { exit !f }' $peers
}

n=8
[ "$MEMX_KERNEL" = debug ] && n=4

lab_wait srv1-up 240
lab_wait srv2-up 240
check "both servers appear in the peer table within 5 s" lab_within 5 sh -c \
	"grep -q '^$srv1 .* server alive' $peers && grep -q '^$srv2 .* server alive' $peers"
cat $peers
check "srv1 advertises 64 MiB (16384 pages)" sh -c "grep '^$srv1 ' $peers | awk '{ exit \$7 != 16384 }'"
check "srv2 advertises 32 MiB (8192 pages)" sh -c "grep '^$srv2 ' $peers | awk '{ exit \$7 != 8192 }'"

check "mtu 1500: raw-socket 1400-byte round trip (floor)" $rawping ping eth0 "$srv1" 1400 $pings 5000
check "mtu 1500: rmap ping, 4096-byte pages in 3 fragments, to srv1" rmap_ping "$srv1" $pings 4096
check "mtu 1500: rmap ping, 4096-byte pages, to srv2" rmap_ping "$srv2" $pings 4096
check "mtu 1500: rmap ping, empty payload" rmap_ping "$srv1" $pings 0
# A lease of 10 minutes: no renewal (each says the client's MTU) falls in
# the quiet spell below.
check "memx_client loads with an 8 MiB device, one copy" \
	memx_modprobe memx_client size_mb=8 replicas=1 lease_ms=600000
check "memx0 appears" lab_within 30 test -b /dev/memx0
check "mtu 1500: 128 KiB requests of 96 frames each way, data intact" big_io 1500 96

lab_signal mtu9000
lab_wait srv1-mtu9000 60
lab_wait srv2-mtu9000 60
ip link set eth0 mtu 9000
check "mtu 9000: raw-socket 4096-byte round trip (floor)" $rawping ping eth0 "$srv1" 4096 $pings 5000
check "mtu 9000: rmap ping, 4096-byte pages in 1 frame, to srv1" rmap_ping "$srv1" $pings 4096
check "mtu 9000: rmap ping, 4096-byte pages, to srv2" rmap_ping "$srv2" $pings 4096
both_mtu_9000() {
	peer_mtu_is "$srv1" 9000 && peer_mtu_is "$srv2" 9000
}
check "the servers' MTU of 9000 reaches the client's peer table" lab_within 5 both_mtu_9000
check "mtu 9000: 128 KiB requests of 16 two-page frames each way, data intact" \
	big_io 9000 16
# Quiet for longer than peer_timeout (3.5 s), as a swap client often is:
# srv1 forgets this client, and must answer its reads in frames as large
# as before all the same. (It answered in 1500-byte frames when it
# learned the MTU again only from the client's next SOLICIT or JOIN.)
sleep 5
quiet_read() {
	count_io read 9000 16 && cmp /tmp/big /tmp/back
}
check "mtu 9000, after a quiet spell: 128 KiB reads in 16 two-page frames, data intact" quiet_read
check "rmmod memx_client" rmmod memx_client

# Mixed MTUs. srv2 goes back to 1500 and drops longer frames, as a real
# NIC does; the client, still at 9000, must send it pages in 3 frames.
lab_signal srv2-mtu1500
lab_wait srv2-mtu1500-done 60
check "srv2's new MTU reaches the client's peer table at once" lab_within 2 peer_mtu_is "$srv2" 1500
grep "^$srv2 " $peers
tx0=$(rmap_peer_field "$srv2" tx_frames)
rt0=$(rmap_peer_field "$srv2" retransmits)
check "mtu 9000 client to a 1500 server: rmap ping, 4096-byte pages" rmap_ping "$srv2" $pings 4096
tx=$(($(rmap_peer_field "$srv2" tx_frames) - tx0))
rt=$(($(rmap_peer_field "$srv2" retransmits) - rt0))
grep "^$srv2 " $peers
echo "memx-lab: to srv2: $tx frames for $pings pings and $rt resends"
check "... each page in 3 frames, not 1 jumbo frame" test "$tx" -eq $((3 * (pings + rt)))
# The client goes to 1500 and drops longer frames while srv1 stays at
# 9000: srv1 must answer in 1500-byte frames, or the pings fail.
ip link set eth0 mtu 1500
check "eth0 drops frames longer than 1500 bytes, as a real NIC would" lab_drop_longer eth0 1500
check "mtu 1500 client to a 9000 server: rmap ping, 4096-byte pages" rmap_ping "$srv1" $pings 4096
check "ping to an unknown MAC refused" sh -c "! echo '02:00:00:00:00:99 1 64' > $ping"
check "malformed ping command refused" sh -c "! echo 'garbage' > $ping"

lab_signal stop-srv1
check "srv1 ages out after it stops advertising (peer_timeout 3.5 s)" lab_within 8 gone "$srv1"
lab_signal kill-srv2
lab_wait srv2-killed 60
check "srv2 ages out after it is killed" lab_within 8 gone "$srv2"
check "a ping to a server that left fails at once" sh -c "! echo '$srv2 1 64' > $ping"
cat /sys/kernel/debug/rmap/stats
lab_signal done
check "rmmod rmap_proto" memx_rmmod rmap_proto
lab_leak_check
