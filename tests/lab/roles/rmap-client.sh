# A client node: see the servers appear, ping them through rmap_proto at
# MTU 1500 and 9000 beside the raw-socket floor, and with MTUs that
# differ, and see them age out.
lab_plan 21
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

gone() {
	[ -r $peers ] && ! awk -v m="$1" '$1 == m { f = 1 } END { exit !f }' $peers
}

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

lab_signal mtu9000
lab_wait srv1-mtu9000 60
lab_wait srv2-mtu9000 60
ip link set eth0 mtu 9000
check "mtu 9000: raw-socket 4096-byte round trip (floor)" $rawping ping eth0 "$srv1" 4096 $pings 5000
check "mtu 9000: rmap ping, 4096-byte pages in 1 frame, to srv1" rmap_ping "$srv1" $pings 4096
check "mtu 9000: rmap ping, 4096-byte pages, to srv2" rmap_ping "$srv2" $pings 4096

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
