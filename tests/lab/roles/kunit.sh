# Load every KUnit suite module, save each suite's KTAP results, unload,
# and let kmemleak look for leaks before the guest stops.
build=$MEMX_TREE/build/debug
lab_plan $(($(ls "$build"/tests/kunit/*.ko | wc -l) + 3))
mkdir -p /lab/kunit
insmod "$build/kernel/rmap_proto/rmap_proto.ko"
# The store suite works on a server lending 8 MiB, with no client.
insmod "$build/kernel/memx_server/memx_server.ko" capacity_mb=8
# The placement suite calls into memx_client, without a device.
insmod "$build/kernel/memx_client/memx_client.ko" nr_devices=0
for ko in "$build"/tests/kunit/*.ko; do
	before=$(ls /sys/kernel/debug/kunit)
	check "load $(basename "$ko")" insmod "$ko"
	for suite in $(ls /sys/kernel/debug/kunit); do
		echo "$before" | grep -qx "$suite" && continue
		cp "/sys/kernel/debug/kunit/$suite/results" "/lab/kunit/$suite.ktap"
	done
	rmmod "$ko"
done
check "rmmod memx_client" rmmod memx_client
check "rmmod memx_server" rmmod memx_server
check "rmmod rmap_proto" rmmod rmap_proto
lab_leak_check
