# A Xen DomU whose job is three times the memory it may use, on swap:
# on its own memx device (MemX-DomU: its frames cross netfront, netback
# and the Dom0's bridge to servers on the LAN), or on a disk that a driver
# domain exports from its memx device (MEMX_SWAP_DEV, through blkfront
# and blkback). The last 8 MiB of the device hold random data, outside
# the swap area, that must read back intact: the Dom0 compares them with
# what every other DomU wrote. Runs from its initramfs: no /lab here.
# shellcheck shell=sh
lab_plan 7
job_mb=$MEMX_JOB_MB
dbg=/sys/kernel/debug/memx_client
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true

if [ -z "${MEMX_SWAP_DEV:-}" ]; then
	lab_plan 2
	memx_modprobe rmap_proto
	check "$MEMX_SERVERS servers discovered through netfront" lab_within 120 rmap_servers_seen "$MEMX_SERVERS"
	check "modprobe memx_client size_mb=$MEMX_DEV_MB ${MEMX_LEASE_MS:+lease_ms=$MEMX_LEASE_MS}" \
		memx_modprobe memx_client size_mb="$MEMX_DEV_MB" ${MEMX_LEASE_MS:+lease_ms=$MEMX_LEASE_MS}
	dev=/dev/memx0
else
	dev=$MEMX_SWAP_DEV
fi
check "$dev is a block device" lab_within 30 test -b "$dev"
# A driver domain starts its DomUs one by one and their jobs together:
# it writes "memx-go" at the start of each disk once all are up (Xen's
# hotplug scripts time out when a DomU starts beside running jobs).
go_given() {
	[ "$(dd if="$dev" bs=4096 count=1 iflag=direct status=none | head -c 7)" = memx-go ]
}
if [ -n "${MEMX_SWAP_DEV:-}" ]; then
	lab_plan 4
	check "the driver domain says go" lab_within 900 go_given
fi
dev_mb=$(($(cat "/sys/class/block/${dev#/dev/}/size") / 2048))
swap_mb=$((dev_mb - 8))
echo "memx-lab: $dev holds $dev_mb MiB: swap on $swap_mb, data on the last 8"

write_tail() {
	head -c $((8 << 20)) /dev/urandom >/tmp/tail &&
	dd if=/tmp/tail of="$dev" bs=1M seek="$swap_mb" oflag=direct status=none &&
	sha256sum </tmp/tail | cut -d' ' -f1 >/tmp/tail.sum && rm /tmp/tail
}
tail_intact() {
	dd if="$dev" bs=1M skip="$swap_mb" count=8 iflag=direct status=none |
		sha256sum | cut -d' ' -f1 | cmp -s - /tmp/tail.sum
}
check "8 MiB of random data written past the swap area" write_tail
# The seed's round trips from a DomU: pings to the server across the
# LAN, and a page read from its device (its own memx, or the driver
# domain's through blkfront and blkback).
lab_plan 1
if [ -z "${MEMX_SWAP_DEV:-}" ]; then
	lab_plan 1
	check "round trip, DomU: 4 KiB RMAP pings to the LAN's server" \
		lab_rtt_ping domu "$MEMX_LAN_SERVER"
	check "round trip, DomU: 4 KiB direct reads of its memx0" \
		lab_rtt_read domu "$dev" $((swap_mb * 256))
else
	check "round trip, DomU through the driver domain: 4 KiB direct reads of $dev" \
		lab_rtt_read "driver-domain-$MEMX_NAME" "$dev" $((swap_mb * 256))
fi
if [ -n "${MEMX_SWAP_DEV:-}" ]; then
	# Discards pass through blkfront and blkback to memx, which gives
	# whole extents back: the Dom0 counts them on its device.
	name=${dev#/dev/}
	check "blkfront offers discard" test "$(cat "/sys/block/$name/queue/discard_max_bytes")" -gt 0
	zeroes() {
		dd if="$dev" bs=1M count=2 iflag=direct status=none | cmp -s - /tmp/zero2
	}
	head -c $((2 << 20)) /dev/zero >/tmp/zero2
	check "2 MiB written then discarded" sh -c \
		"head -c $((2 << 20)) /dev/urandom | dd of=$dev bs=1M oflag=direct status=none &&
		blkdiscard -o 0 -l 2097152 $dev"
	check "the discarded range reads as zeroes" zeroes
fi
echo "memx-lab: data $MEMX_NAME $(cat /tmp/tail.sum)"
check "mkswap $dev ($swap_mb MiB) && swapon" sh -c \
	"mkswap $dev $((swap_mb * 1024)) >/dev/null && swapon $dev"
out0=$(vmstat pswpout)
t0=$(date +%s)
check "a $((job_mb * 3)) MiB sort in $job_mb MiB completes, verified, on swap" \
	lab_in_memcg "$job_mb" memsort $((job_mb * 3)) 0
echo "memx-lab: job $MEMX_NAME $(($(date +%s) - t0)) s, $(($(vmstat pswpout) - out0)) pages out"
check "the job swapped out at least its memory's worth" \
	test $(($(vmstat pswpout) - out0)) -ge $((job_mb * 256))
check "swapoff $dev" swapoff "$dev"
check "the data past the swap area reads back intact" tail_intact
if [ -z "${MEMX_SWAP_DEV:-}" ]; then
	lab_plan 3
	cat $dbg/memx0/stats $dbg/memx0/servers
	on_lan() {
		awk -v m="$MEMX_LAN_SERVER" '$1 == m && $4 > 0' $dbg/memx0/servers | grep -q .
	}
	check "pages placed on a server across the lab LAN" on_lan
	check "no I/O errors" grep -qx "errors 0" $dbg/memx0/stats
	check "rmmod memx_client rmap_proto" modprobe -r memx_client rmap_proto
fi
