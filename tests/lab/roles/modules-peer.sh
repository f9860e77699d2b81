# A node of the keyed LAN the host sets up after its unkeyed round: it
# loads rmap_proto with the host's key, finds the host and pings it;
# then the sender replays the host's advertisement to it, which it must
# take once only.
lab_plan 9
stats=/sys/kernel/debug/rmap/stats
host=$(lab_mac host)

stat() {
	awk -v n="$1" '$1 == n { print $2 }' $stats
}

lab_wait host-keyed 600
check "modprobe rmap_proto with the host's key" modprobe rmap_proto key_file=/lab/phase2.key
check "the keyed server is found" lab_within 20 rmap_servers_seen 1
check "authenticated pings of a page reach the host intact" rmap_ping "$host" 20 4096
lab_signal peer-ready

lab_wait keyed-attacked 120
cat $stats /sys/kernel/debug/rmap/peers
check "the host's replayed advertisement dropped as a replay" test "$(stat drop_replayed)" -ge 1
check "the advertisement forged in the host's name dropped" test "$(stat drop_bad_tag)" -ge 1
check "the host is still a server here, with what it advertised" sh -c \
	"grep ' server alive ' /sys/kernel/debug/rmap/peers | grep -qv 0badf00d"
check "pings still answered after the attack" rmap_ping "$host" 5 4096
lab_signal peer-done
# The sender diverts our frames to the host (it poisons the switch): one
# ping for it to capture, answered or not. Once it has one, later pings
# reach the host again (the switch relearns it from its adverts), so the
# host takes counters beyond the captured frame's; then we stay silent.
lab_wait poisoned 120
echo "$host 1 64" >/sys/kernel/debug/rmap/ping || true
lab_wait captured 120
check "pings reach the host again after the capture" lab_within 15 rmap_ping "$host" 2 64
lab_signal pinged-again
lab_wait forgotten-replayed 120
check "rmmod rmap_proto" modprobe -r rmap_proto
