# Load the DKMS-installed modules with modprobe, try bad parameters, and
# count the hostile frames the sender guest aims at us.
stats=/sys/kernel/debug/rmap/stats

# refused MODULE PARAMS... MESSAGE: modprobe fails and the kernel log says why.
refused() {
	mod=$1 msg=$2
	shift 2
	dmesg -C
	if modprobe "$mod" "$@" 2>/dev/null; then
		modprobe -r "$mod"
		return 1
	fi
	dmesg | grep -q "$mod: .*$msg"
}

# stat NAME: one counter of rmap_proto.
stat() {
	awk -v n="$1" '$1 == n { print $2 }' $stats
}

check "rmap_proto comes from DKMS" sh -c "modinfo -F filename rmap_proto | grep -q /updates/dkms/"
check "ethertype=0x0800 refused" refused rmap_proto "belongs to another protocol" ethertype=0x0800
check "ethertype=0x0100 refused" refused rmap_proto "is a length" ethertype=0x0100
check "ifaces=nosuch0 refused" refused rmap_proto "nosuch0 is not an Ethernet interface" ifaces=nosuch0
check "ifaces=lo refused" refused rmap_proto "lo is not an Ethernet interface" ifaces=lo
check "ifaces=eth0, refused" refused rmap_proto "empty or overlong" ifaces=eth0,
check "memx_server capacity_mb beyond RAM refused" refused memx_server "must be between" capacity_mb=1000000
check "memx_client size_mb=0 refused" refused memx_client "must be between" size_mb=0
check "memx_client nr_devices=1000 refused" refused memx_client "must be between" nr_devices=1000
check "memx_client lease_ms=10 refused" refused memx_client "lease_ms=10: must be between" lease_ms=10
check "memx_client place_timeout_ms=0 refused" refused memx_client "place_timeout_ms=0: must be between" place_timeout_ms=0

check "modprobe rmap_proto ifaces=eth0" modprobe rmap_proto ifaces=eth0
check "modprobe memx_server" modprobe memx_server
check "modprobe memx_client" modprobe memx_client
check "rmap stats in debugfs" test -r $stats
lab_signal host-ready

lab_wait sent 120
cat $stats
check "hostile frames received" test "$(stat rx_frames)" -ge 20
check "frames of another version dropped and counted" test "$(stat drop_bad_version)" -ge 20
check "short frames dropped and counted" test "$(stat drop_short)" -ge 5
check "nothing hostile accepted" test "$(stat rx_unclaimed)" -eq 0

check "rmmod all" modprobe -r memx_client memx_server rmap_proto
check "rmap_proto gone" sh -c "! grep -q '^rmap_proto ' /proc/modules"
