# The server end of a bad link: advertise, answer, follow the MTU change;
# in Debian's kernel, where the client writes over it, show the late
# originals it acknowledged and did not apply.
memx_modprobe memx_server capacity_mb=16
lab_signal srv-up
lab_wait mtu9000 900
ip link set eth0 mtu 9000
lab_signal srv-mtu9000
if [ "$MEMX_KERNEL" != debug ]; then
	lab_plan 1
	lab_wait late-done 900
	stale=$(awk '$1 == "stale_writes" { print $2 }' /sys/kernel/debug/memx_server/stats)
	check "late originals, overtaken by later writes to their page, acknowledged and not applied ($stale)" \
		test "${stale:-0}" -gt 0
fi
lab_wait done 900
cat /sys/kernel/debug/rmap/peers /sys/kernel/debug/rmap/stats /sys/kernel/debug/memx_server/stats
tc -s qdisc show dev eth0
