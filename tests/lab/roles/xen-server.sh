# memx_server in a Xen DomU: lends its memory to clients on the LAN and in
# the Dom0 until the Dom0 asks it to shut down (xl shutdown reaches the
# role as /tmp/.shutdown-requested); then every page must be back.
# shellcheck shell=sh
lab_plan 6
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
stats=/sys/kernel/debug/memx_server/stats
check "modprobe memx_server capacity_mb=$MEMX_CAPACITY_MB" \
	memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB"
echo "memx-lab: $MEMX_NAME serving"
check "asked to shut down by the Dom0" lab_within 3000 test -e /tmp/.shutdown-requested
cat /sys/kernel/debug/memx_server/sessions "$stats"
# shellcheck disable=SC2016
check "it served writes and reads" awk '$1 == "writes" && $2 > 0 { w = 1 }
	$1 == "reads" && $2 > 0 { r = 1 } END { exit !(w && r) }' "$stats"
check "all memory returned after the clients left" grep -qx "granted_pages 0" "$stats"
check "no failed requests" grep -qx "errors 0" "$stats"
check "memx_server unloads" modprobe -r memx_server rmap_proto
