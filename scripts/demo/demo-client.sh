# The demo's client: the same sort with memx swap, with a virtual disk as
# swap, and in RAM; each timed, each verified by the sort itself.
# shellcheck shell=sh
lab_plan 12
tools=$MEMX_TREE/tests/lab/tools
dbg=/sys/kernel/debug/memx_client
job_mb=${MEMX_JOB_MB:-16}
sort_mb=$((job_mb * 3))

say() {
	echo "memx-demo: $*"
}
# timed_sort NAME [memcg]: run the sort, say its time and swap traffic.
timed_sort() {
	out0=$(vmstat pswpout)
	in0=$(vmstat pswpin)
	t0=$(date +%s.%N)
	if [ "${2:-}" = memcg ]; then
		lab_in_memcg "$job_mb" "$tools/memsort" "$sort_mb" || return
	else
		"$tools/memsort" "$sort_mb" || return
	fi
	say "${1}_s" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
	say "${1}_out" $(($(vmstat pswpout) - out0))
	say "${1}_in" $(($(vmstat pswpin) - in0))
}
placed_on() {
	awk -v m="$(lab_mac "$1")" '$1 == m { s += $4 } END { print s / 256 }' $dbg/memx0/servers
}

memx_modprobe rmap_proto
lab_wait srv1-up 600
lab_wait srv2-up 600
check "both servers discovered" lab_within 30 rmap_servers_seen 2
say servers "$(awk '/ server alive / { printf "%s%s (lends %d MiB)", sep, $1, $7 / 256; sep = ", " }' \
	/sys/kernel/debug/rmap/peers)"
check "modprobe memx_client size_mb=512" memx_modprobe memx_client size_mb=512
check "mkswap /dev/memx0 && swapon /dev/memx0" sh -c "mkswap -q /dev/memx0 && swapon /dev/memx0"
check "the sort completes, verified, on memx swap" timed_sort memx memcg
say extents "srv1 $(placed_on srv1), srv2 $(placed_on srv2) (1 MiB each, by capacity)"
say rtt_us "$(awk '$1 == "'"$(lab_mac srv1)"'" { print $10 }' $dbg/memx0/servers)"
check "swapoff /dev/memx0" swapoff /dev/memx0
disk_swapon() {
	modprobe virtio_blk && lab_within 10 test -b /dev/vda && mkswap -q /dev/vda && swapon /dev/vda
}
check "mkswap /dev/vda && swapon /dev/vda (the virtual disk)" disk_swapon
check "the sort completes, verified, on virtual disk swap" timed_sort disk memcg
check "swapoff /dev/vda" swapoff /dev/vda
check "the sort completes, verified, in RAM" timed_sort ram
check "no I/O errors on memx0" grep -qx "errors 0" $dbg/memx0/stats
check "rmmod memx_client" rmmod memx_client
lab_signal cli-done
check "rmmod rmap_proto" memx_rmmod rmap_proto
