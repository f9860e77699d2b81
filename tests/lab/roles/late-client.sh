# Devices added and removed at run time (/sys/class/memx), two of them
# written at once at the same offsets with different data, on one
# server; then a second server joins and takes the new extents. Data is
# checked with sha256 sums of what was written.
# shellcheck shell=sh
dbg=/sys/kernel/debug/memx_client
# MiB written to each device before and after srv2 comes; srv1 lends
# 2 * first + later / 2 (late_server.py), so it fills up and srv2 must
# take at least 3/2 * later of the 2 * later new extents. The debug
# kernel (KASAN, lockdep, kmemleak, three VMs on two host cores) moves
# a page in ~200 ms round trips: it does a quarter of the work.
if [ "$MEMX_KERNEL" = debug ]; then first=4 later=8; else first=16 later=32; fi

# put DEV MIB AT TAG: MIB MiB of random data at AT MiB of DEV, its sum kept.
put() {
	head -c "$2M" /dev/urandom >"/tmp/$4" &&
	sha256sum <"/tmp/$4" >"/tmp/$4.sum" &&
	dd if="/tmp/$4" of="/dev/$1" bs=1M seek="$3" oflag=direct status=none &&
	rm "/tmp/$4"
}

# same DEV MIB AT TAG: the device holds what put wrote there.
same() {
	dd if="/dev/$1" bs=1M skip="$3" count="$2" iflag=direct status=none |
		sha256sum | cmp -s - "/tmp/$4.sum"
}

# both CMD A B: CMD on memx0 and memx1 at the same time.
both() {
	"$1" memx0 "$2" "$3" "$4-0" &
	p=$!
	"$1" memx1 "$2" "$3" "$4-1" || { wait $p; return 1; }
	wait $p
}

# extents_on NAME: extents both devices hold on server NAME.
extents_on() {
	cat $dbg/memx*/servers | awk -v m="$(lab_mac "$1")" '$1 == m { s += $4 } END { print s / 256 }'
}

memx_modprobe rmap_proto
lab_wait srv1-up 600
check "srv1 discovered" lab_within 30 grep -q "^$(lab_mac srv1) .* server alive" \
	/sys/kernel/debug/rmap/peers
ctl=/sys/class/memx
# add_device MIB NAME: a device made at run time, of its own size.
add_device() {
	echo "$1" >$ctl/add &&
	lab_within 10 test -b "/dev/$2" &&
	test "$(blockdev --getsize64 "/dev/$2")" -eq $(($1 * 1048576))
}

check "modprobe memx_client: one 64 MiB device" memx_modprobe memx_client nr_devices=1 size_mb=64
check "echo 64 > $ctl/add makes /dev/memx1" add_device 64 memx1
check "echo 8 > $ctl/add makes /dev/memx2, of 8 MiB" add_device 8 memx2
check "$ctl/add refuses 0, text and too large a size" sh -c \
	"! echo 0 >$ctl/add && ! echo big >$ctl/add && ! echo 99999999 >$ctl/add"
check "$ctl/devices lists the three" sh -c \
	"printf 'memx0 64\nmemx1 64\nmemx2 8\n' | cmp -s - $ctl/devices"
# remove_open: memx2 is refused while open, removed once closed.
remove_open() {
	exec 3</dev/memx2
	! echo memx2 >$ctl/remove 2>/dev/null || return
	exec 3<&-
	echo memx2 >$ctl/remove && ! test -e /dev/memx2 && ! grep -q memx2 $ctl/devices
}
check "$ctl/remove refuses memx2 while open, removes it once closed" remove_open
check "$ctl/remove refuses a device that does not exist" sh -c "! echo memx9 >$ctl/remove"
check "$first MiB written to both devices at once, same offsets" both put $first 0 a
check "each device reads back its own data" both same $first 0 a
before=$(extents_on srv1)
check "srv1 holds the $((2 * first)) extents written" test "$before" -eq $((2 * first))

lab_signal want-srv2
lab_wait srv2-up 600
check "srv2 discovered after the devices were made" lab_within 30 \
	grep -q "^$(lab_mac srv2) .* server alive" /sys/kernel/debug/rmap/peers
check "$later MiB more written to both devices at once" both put $later $first b
cat $dbg/memx0/servers $dbg/memx1/servers
s1=$(extents_on srv1)
s2=$(extents_on srv2)
echo "extents: srv1 $before then $s1, srv2 $s2"
# srv1 had room for later / 2 of the 2 * later new extents at most.
check "the extents placed after srv2 came went to it (srv1 $s1, srv2 $s2)" \
	test "$s2" -ge $((3 * later / 2)) -a $((s1 + s2)) -eq $((2 * (first + later)))
check "the first writes read back intact" both same $first 0 a
check "the later writes read back intact" both same $later $first b
check "no I/O errors" sh -c "grep -qx 'errors 0' $dbg/memx0/stats && grep -qx 'errors 0' $dbg/memx1/stats"
check "rmmod memx_client" rmmod memx_client
lab_signal cli-done
check "rmmod rmap_proto" memx_rmmod rmap_proto
lab_leak_check
