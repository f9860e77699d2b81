# A client on two LANs (eth0: srv1's, eth1: srv2's, and dual on both):
# RMAP on the one interface named, then on both; a device spread over
# the three servers, dual counted once though reached through two NICs.
lab_plan 22
peers=/sys/kernel/debug/rmap/peers
dbg=/sys/kernel/debug/memx_client
pings=100
[ "$MEMX_KERNEL" = debug ] && pings=20
# More data than any server lends, so that several must hold some.
data_mb=$((MEMX_LOAN_MB * 5 / 4))
srv1=$(lab_mac srv1)
srv2=$(lab_mac srv2)
dual0=$(lab_mac dual 0)
dual1=$(lab_mac dual 1)

# reached_through MAC IFACE: the peer table has MAC, alive, behind IFACE.
reached_through() {
	[ "$(rmap_peer_field "$1" ifindex)" = "$(cat "/sys/class/net/$2/ifindex")" ] &&
		[ "$(rmap_peer_field "$1" state)" = alive ]
}

all_reached() {
	reached_through "$srv1" eth0 && reached_through "$srv2" eth1 &&
		reached_through "$dual0" eth0 && reached_through "$dual1" eth1
}

unknown() {
	[ -r /sys/kernel/debug/rmap/peers ] && [ -z "$(rmap_peer_field "$1" mac)" ]
}

# tx_packets IFACE: frames the interface has sent.
tx_packets() {
	cat "/sys/class/net/$1/statistics/tx_packets"
}

# placed_on MAC: whole MiB of /dev/memx0's pages placed on the peer MAC.
placed_on() {
	awk -v m="$1" '$1 == m { s += $4 } END { printf "%d\n", s / 256 }' $dbg/memx0/servers
}

lab_wait srv1-up 600
lab_wait srv2-up 600
lab_wait dual-up 600

check "modprobe rmap_proto ifaces=eth1" memx_modprobe rmap_proto ifaces=eth1
check "srv2 found through eth1 within 5 s" lab_within 5 reached_through "$srv2" eth1
# srv1 answers a solicitation at once and advertises every second:
# three seconds without it mean RMAP does not listen on eth0.
sleep 3
check "srv1, on the LAN of eth0 (not named), stays unknown" unknown "$srv1"
cat $peers
check "rmmod rmap_proto" memx_rmmod rmap_proto

# Timeouts well beyond the flap below, however slowly this guest runs
# (a debug kernel beside three other guests takes seconds per command):
# a link down for less than them must lose nothing.
check "modprobe rmap_proto (every Ethernet interface)" \
	memx_modprobe rmap_proto peer_timeout_ms=20000 dead_ms=30000
check "srv1 found through eth0, srv2 through eth1, dual through both, within 5 s" \
	lab_within 5 all_reached
cat $peers
for nic in 0 1; do
	srv=$(lab_mac srv$((nic + 1)))
	out0=$(tx_packets eth$nic)
	other0=$(tx_packets eth$((1 - nic)))
	check "rmap ping to srv$((nic + 1)) over eth$nic: $pings 4096-byte pages" rmap_ping "$srv" $pings 4096
	out=$(($(tx_packets eth$nic) - out0))
	other=$(($(tx_packets eth$((1 - nic))) - other0))
	echo "memx-lab: ping to srv$((nic + 1)): eth$nic sent $out frames, eth$((1 - nic)) $other"
	# Three fragments a page; the other NIC sends only adverts and
	# solicitations meanwhile (a few a second).
	check "... its frames leave by eth$nic ($out), not eth$((1 - nic)) ($other)" \
		test "$out" -ge $((3 * pings)) -a "$other" -lt $((pings / 2))
done

# One copy of each extent: the shares of servers are what is checked.
check "modprobe memx_client size_mb=$((data_mb + 8)) replicas=1" \
	memx_modprobe memx_client size_mb=$((data_mb + 8)) replicas=1
head -c $((data_mb << 20)) /dev/urandom >/tmp/data
check "$data_mb MiB of random data written to /dev/memx0" dd if=/tmp/data of=/dev/memx0 bs=1M oflag=direct status=none
p1=$(placed_on "$srv1")
p2=$(placed_on "$srv2")
d0=$(placed_on "$dual0")
d1=$(placed_on "$dual1")
echo "memx-lab: placed: srv1 $p1 MiB, srv2 $p2 MiB, dual $d0 + $d1 MiB"
check "the device lives on srv1 and srv2 ($p1 MiB, $p2 MiB)" test "$p1" -gt 0 -a "$p2" -gt 0
# Three servers lending alike: dual holds about a third, not the half
# its two NICs would get as two servers, and both its links carry some.
check "dual, one server behind two NICs, holds a third ($d0 + $d1 of $data_mb MiB)" \
	test $((3 * (d0 + d1))) -le $((data_mb * 13 / 10)) -a $((3 * (d0 + d1))) -ge $((data_mb * 7 / 10))
check "... through both of its NICs" test "$d0" -gt 0 -a "$d1" -gt 0
check "read back intact" sh -c "dd if=/dev/memx0 bs=1M count=$data_mb iflag=direct status=none | cmp - /tmp/data"

# The second LAN's link is down for a second as the data is read back:
# requests to srv2 cannot leave, are resent once it is back, none fails.
lost0=$(rmap_peer_field "$srv2" tx_errors)
ip link set eth1 down
(
	sleep 1
	ip link set eth1 up
) &
check "read back intact through a 1 s link flap on eth1" sh -c "dd if=/dev/memx0 bs=64k count=$((data_mb * 16)) iflag=direct status=none | cmp - /tmp/data"
wait
lost=$(($(rmap_peer_field "$srv2" tx_errors) - lost0))
echo "memx-lab: $lost frames to srv2 could not leave during the flap"
check "... the flap hit requests to srv2 ($lost frames held back)" test "$lost" -gt 0
check "srv2 reached through eth1 after the flap" lab_within 5 reached_through "$srv2" eth1
cat $peers $dbg/memx0/stats $dbg/memx0/servers
check "no I/O errors" grep -qx 'errors 0' $dbg/memx0/stats
check "rmmod memx_client" memx_rmmod memx_client
lab_signal cli-done
check "rmmod rmap_proto" memx_rmmod rmap_proto
lab_leak_check
