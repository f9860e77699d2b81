# The client of the protection benchmark: for each mode (no key, frames
# authenticated, payloads encrypted too), the same memx jobs; results in
# /lab/bench-auth/ for auth.py's table.
. "$MEMX_TREE/scripts/bench/roles/bench-lib.sh"
out=/lab/bench-auth
tools=$MEMX_TREE/tests/lab/tools
fio=$MEMX_TREE/scripts/bench/fio/bench.fio
mkdir -p $out
srv=$(lab_mac basrv)

# fill: write the whole device once, so that reads find data to fetch.
fill() {
	DEV=/dev/memx0 RW=read BS=4k QD=1 SIZE=$MEMX_DEV_MB RUNTIME=1 RAMP=0 \
		fio --section=fill --output=/dev/null "$fio"
}

# measure MODE NAME RW QD: one fio job on /dev/memx0, JSON to NAME.
measure() {
	DEV=/dev/memx0 RW=$3 BS=4k QD=$4 SIZE=$MEMX_DEV_MB RUNTIME=10 RAMP=2 \
		fio --section=measure --output-format=json --output="$out/$1-$2.json" "$fio"
}

swap_job() {
	mkswap -f /dev/memx0 >/dev/null && swapon /dev/memx0 || return
	start=$(date +%s.%N)
	lab_in_memcg 8 "$tools/memsort" 16 >/tmp/sort.out 2>&1
	rc=$?
	end=$(date +%s.%N)
	swapoff /dev/memx0
	echo "$(echo "$end - $start" | bc) rc $rc" >"$out/$1-swap.txt"
	return $rc
}

lab_plan $((10 * $(echo $MEMX_MODES | wc -w)))
for mode in $MEMX_MODES; do
	lab_wait "srv-$mode" 600
	params=$(bench_auth_params "$mode")
	# shellcheck disable=SC2086
	check "$mode: rmap_proto loads" memx_modprobe rmap_proto $params
	check "$mode: the server is found" lab_within 30 rmap_servers_seen 1
	check "$mode: memx_client attaches" memx_modprobe memx_client size_mb="$MEMX_DEV_MB" nr_devices=1
	echo none >/sys/block/memx0/queue/scheduler 2>/dev/null || true
	check "$mode: 200 page pings intact" sh -c \
		"echo '$srv 200 4096' >/sys/kernel/debug/rmap/ping && cat /sys/kernel/debug/rmap/ping >$out/$mode-ping.txt && grep -q 'failed 0 corrupt 0' $out/$mode-ping.txt"
	check "$mode: the device filled" fill
	check "$mode: fio 4k randread QD1" measure "$mode" read-qd1 randread 1
	check "$mode: fio 4k randread QD32" measure "$mode" read-qd32 randread 32
	check "$mode: fio 4k randwrite QD1" measure "$mode" write-qd1 randwrite 1
	check "$mode: swap job (sort 16 MiB in 8 MiB) verified" swap_job "$mode"
	grep -E '^(drop_bad_tag|drop_replayed|drop_unknown_key|drop_bad_crc) ' /sys/kernel/debug/rmap/stats
	check "$mode: memx_client and rmap_proto unload" memx_rmmod memx_client rmap_proto
	lab_signal "cli-$mode-done"
done
