# A client on the lab's LAN whose pages go, in part, to a memx server that
# runs in a Xen DomU (its frames cross the Dom0's bridge and netback).
# shellcheck shell=sh
lab_plan 10
dbg=/sys/kernel/debug/memx_client
lab_wait xsrv-up 900
memx_modprobe rmap_proto
check "the DomU's server discovered" lab_within 60 grep -q "^$(lab_mac xsrv) .* server alive" \
	/sys/kernel/debug/rmap/peers
lab_wait srv1-up 600
check "srv1 discovered" lab_within 60 grep -q "^$(lab_mac srv1) .* server alive" \
	/sys/kernel/debug/rmap/peers
check "modprobe memx_client size_mb=64" memx_modprobe memx_client size_mb=64
write() {
	head -c 48M /dev/urandom >/tmp/data &&
	sha256sum </tmp/data >/tmp/data.sum &&
	dd if=/tmp/data of=/dev/memx0 bs=1M oflag=direct status=none && rm /tmp/data
}
intact() {
	dd if=/dev/memx0 bs=1M count=48 iflag=direct status=none | sha256sum | cmp -s - /tmp/data.sum
}
check "48 MiB of random data written" write
# The seed's round trips, bare machine: to srv1, and a written page read.
check "round trip, bare: 4 KiB RMAP pings to srv1" lab_rtt_ping bare "$(lab_mac srv1)"
check "round trip, bare: 4 KiB direct reads of memx0" lab_rtt_read bare /dev/memx0 0
cat $dbg/memx0/servers
on_xsrv() {
	awk -v m="$(lab_mac xsrv)" '$1 == m && $4 > 0' $dbg/memx0/servers | grep -q .
}
check "some extents live on the DomU's server" on_xsrv
check "the data reads back intact" intact
check "no I/O errors" grep -qx "errors 0" $dbg/memx0/stats
check "rmmod memx_client rmap_proto" memx_rmmod memx_client rmap_proto
lab_signal lan-cli-done
