# The client end of a bad link: pings complete intact, counters move.
lab_plan 8
peers=/sys/kernel/debug/rmap/peers
stats=/sys/kernel/debug/rmap/stats
pings=300
[ "$MEMX_KERNEL" = debug ] && pings=30
pings=${MEMX_PINGS:-$pings}
memx_modprobe rmap_proto
srv=$(lab_mac srv)

# rmap_ping_resent MAC COUNT SIZE: every ping answered, intact, some resent.
rmap_ping_resent() {
	rmap_ping "$@" "retransmits [1-9]"
}

# peer_drops NAME: the server peer's drop counter NAME, as the table was
# read after the pings (the peer may age out and come back afresh since).
peer_drops() {
	echo "$peer_line" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# stat NAME: a module-wide counter.
stat() {
	awk -v n="$1" '$1 == n { print $2 }' $stats
}

lab_wait srv-up 600
n=0
until grep -q "^$srv .* server alive" $peers; do
	n=$((n + 1))
	[ $n -lt 100 ] || break
	sleep 0.2
done
check "server discovered through the bad link" grep -q "^$srv .* server alive" $peers
check "tracepoint memx:rmap_retransmit enabled" lab_trace rmap_retransmit
check "mtu 1500: every 3-fragment page ping completes intact" rmap_ping_resent "$srv" $pings 4096
check "each resend is traced (memx:rmap_retransmit, tries 2 or more)" \
	lab_traced rmap_retransmit "peer=$srv .* tries=[2-9]"
lab_signal mtu9000
lab_wait srv-mtu9000 120
ip link set eth0 mtu 9000
check "mtu 9000: every 1-frame page ping completes intact" rmap_ping_resent "$srv" $pings 4096
peer_line=$(grep "^$srv " $peers)
cat $peers
cat $stats
tc -s qdisc show dev eth0
# With a key, a frame the link duplicated is caught by the replay window
# first; answers to resends that crossed the first answer still count as
# duplicates.
check "duplicates seen and dropped" \
	test $(($(peer_drops duplicate) + $(peer_drops replayed) + 0)) -gt 0
# With a key the tag stands for the CRC, but a frame it refuses is
# counted as corruption when its CRC is wrong too: no forgery alarm. (A
# flipped bit in a source address passes the CRC, which does not cover
# the Ethernet header, and fails the tag, which does: a few of those.)
check "corrupted frames caught, counted by the CRC" test "$(stat drop_bad_crc)" -gt 0
if [ -n "${MEMX_KEY_FILE:-}" ]; then
	lab_plan 1
	check "... few as a forged tag" test "$(stat drop_bad_crc)" -gt $((2 * $(stat drop_bad_tag)))
fi
# Block I/O over the same link (in Debian's kernel; the debug pass keeps
# to pings): a verified fio job on a memx device whose pages are on srv.
blockio() {
	lab_plan 6
	check "modprobe memx_client: an 8 MiB device, one copy" \
		memx_modprobe memx_client nr_devices=1 size_mb=8 replicas=1
	check "through the bad link, fio random 4k writes at qd 16 verify" \
		fio --name=lossy --filename=/dev/memx0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=16 --size=4m --verify=crc32c --verify_fatal=1 --do_verify=1 \
		--output-format=terse
	# Requests of 2 to 32 pages: each one message of 6 to 96 frames (this
	# side back at MTU 1500: a page in 3 pieces, which the server puts
	# together before it writes the page), any of which the link may
	# lose, repeat, corrupt or reorder.
	ip link set eth0 mtu 1500
	check "through the bad link, fio random 8-128 KiB writes at qd 4 verify" \
		fio --name=lossy-big --filename=/dev/memx0 --direct=1 --ioengine=libaio \
		--rw=randwrite --bsrange=8k-128k --iodepth=4 --size=8m --io_size=1m \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --output-format=terse
	grep "^$srv " $peers
	ip link set eth0 mtu 9000
	# Late frames: a tenth of the frames this guest sends wait 300 ms, far
	# past the timeout, so their resends go first and the same pages are
	# written again meanwhile: fio reads back, on each of 16 pages, what
	# was written there last; the server counts the late originals it
	# acknowledged without applying them (stale_writes).
	tc qdisc replace dev eth0 root netem delay 300ms reorder 90%
	check "originals overtaken by later writes: 1024 overwrites of 16 pages verify" \
		fio --name=late --filename=/dev/memx0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=8 --size=64k --io_size=4m --norandommap --serialize_overlap=1 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --output-format=terse
	tc -s qdisc show dev eth0
	grep "^$srv " $peers
	rm -f /tmp/.lab-netem
	lab_netem_apply
	cat /sys/kernel/debug/memx_client/memx0/stats /sys/kernel/debug/memx_client/memx0/servers
	check "no I/O errors" grep -qx 'errors 0' /sys/kernel/debug/memx_client/memx0/stats
	check "rmmod memx_client" memx_rmmod memx_client
	lab_signal late-done
}
[ "$MEMX_KERNEL" = debug ] || blockio
lab_signal done
check "rmmod rmap_proto" memx_rmmod rmap_proto
