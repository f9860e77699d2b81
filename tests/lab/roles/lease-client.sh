# A client with a short lease: writes, sits idle while the server checks
# that renewals keep its sessions, reads back, loses the NIC the server
# knows it by and works through its other one, has its NICs' driver
# reloaded and works through the new interfaces, then waits to be killed.
# shellcheck shell=sh
lab_plan 13
dbg=/sys/kernel/debug/memx_client
# MiB written to each device (lease.py: its server runs the debug kernel).
mb=${MEMX_DATA_MB:-8}

memx_modprobe rmap_proto
lab_wait srv-up 600
check "srv discovered" lab_within 30 grep -q "^$(lab_mac srv) .* server alive" \
	/sys/kernel/debug/rmap/peers
check "modprobe memx_client lease_ms=3000: two devices" \
	memx_modprobe memx_client nr_devices=2 size_mb=16 lease_ms=3000
# put DEV: mb MiB of random data, its sum kept.
put() {
	head -c "${mb}M" /dev/urandom | tee "/tmp/$1" | sha256sum >"/tmp/$1.sum" &&
		dd if="/tmp/$1" of="/dev/$1" bs=1M oflag=direct status=none && rm "/tmp/$1"
}
same() {
	dd if="/dev/$1" bs=1M count="$mb" iflag=direct status=none | sha256sum | cmp -s - "/tmp/$1.sum"
}
put_both() {
	put memx0 && put memx1
}
same_both() {
	same memx0 && same memx1
}
check "$mb MiB written to memx0 and memx1" put_both
lab_signal cli-written
# The server looks at its sessions after several leases of idleness.
lab_wait srv-saw-idle 120
check "memx0 and memx1 read back after idle leases" same_both
rewrite_both() {
	put_both && same_both
}
# srv_via NIC: srv is reached through NIC now.
srv_via() {
	[ "$(rmap_peer_field "$(lab_mac srv)" ifindex)" = "$(cat "/sys/class/net/$1/ifindex")" ]
}
# The NIC srv knows this client by goes down. Its other NIC is on the
# same LAN: srv is reached through it, from another address, and the
# sessions follow (one device has one copy: were they lost, its data
# would be).
used=eth0
srv_via eth1 && used=eth1
other=eth1
[ "$used" = eth1 ] && other=eth0
check "$used, the NIC srv knows this client by, goes down" ip link set "$used" down
check "srv is reached through $other within 10 s" lab_within 10 srv_via "$other"
check "memx0 and memx1 read back through $other" same_both
check "$mb MiB written to memx0 and memx1 through $other, and read back" rewrite_both
lab_signal cli-moved
lab_wait srv-saw-move 60
# The NICs' driver is reloaded: eth0 and eth1 come back as other
# interfaces (new ifindexes). srv, heard on them, is reached on one;
# bound for good to the one that went, every send to it would fail.
old_if=$(cat /sys/class/net/$other/ifindex)
reload_nic() {
	modprobe -r virtio_net && modprobe virtio_net &&
		lab_within 10 test -e /sys/class/net/eth1 &&
		ip link set eth0 mtu "$MEMX_MTU" up && ip link set eth1 mtu "$MEMX_MTU" up &&
		[ "$(cat /sys/class/net/eth0/ifindex)" -gt "$old_if" ] &&
		[ "$(cat /sys/class/net/eth1/ifindex)" -gt "$old_if" ]
}
srv_on_new_nic() {
	srv_via eth0 || srv_via eth1
}
check "virtio_net reloaded: eth0 and eth1 are new interfaces" reload_nic
check "srv is reached on a new interface within 10 s" lab_within 10 srv_on_new_nic
check "memx0 and memx1 read back through it" same_both
check "$mb MiB written to memx0 and memx1 through it, and read back" rewrite_both
check "no I/O errors" sh -c "grep -qx 'errors 0' $dbg/memx0/stats && grep -qx 'errors 0' $dbg/memx1/stats"
lab_signal cli-idle-done
# Power is cut here (lease.py): no LEAVE reaches the server.
lab_wait never 300
