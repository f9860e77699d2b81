# The server of the protection benchmark: for each mode, rmap_proto with
# no key, with the run's key, with the key and encrypt=1; memx_server
# lending enough for the client's device; until the client is done.
. "$MEMX_TREE/scripts/bench/roles/bench-lib.sh"
key=/lab/bench-auth.key
[ -e $key ] || od -vAn -N32 -tx1 /dev/urandom | tr -d ' \n' >$key
lab_plan $((4 * $(echo $MEMX_MODES | wc -w)))
for mode in $MEMX_MODES; do
	params=$(bench_auth_params "$mode")
	# shellcheck disable=SC2086
	check "$mode: rmap_proto loads" memx_modprobe rmap_proto $params
	check "$mode: memx_server lends $((MEMX_DEV_MB + 16)) MiB" \
		memx_modprobe memx_server capacity_mb=$((MEMX_DEV_MB + 16))
	lab_signal "srv-$mode"
	lab_wait "cli-$mode-done" 900
	check "$mode: no request answered in error" grep -qx "errors 0" /sys/kernel/debug/memx_server/stats
	check "$mode: memx_server and rmap_proto unload" memx_rmmod memx_server rmap_proto
done
