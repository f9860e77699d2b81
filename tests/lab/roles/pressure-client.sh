# Global memory pressure with memx as the only swap: two sorts that
# together need three times the machine's RAM, no memory cgroup to
# contain them, two copies of every extent on three servers. Mid-job,
# srv3 is killed (pressure.py) and its copies are made again; then
# srv1's module restarts, and its copies are made again too. For
# measurements, MEMX_FAULTS=0 leaves the servers alone and MEMX_REPLICAS
# sets the copies (2).
faults=${MEMX_FAULTS:-1}
replicas=${MEMX_REPLICAS:-2}
tools=$MEMX_TREE/tests/lab/tools
dbg=/sys/kernel/debug/memx_client
memx_modprobe rmap_proto
lab_wait srv1-up 600
lab_wait srv2-up 600
lab_wait srv3-up 600
check "three servers discovered" lab_within 10 rmap_servers_seen 3
check "modprobe memx_client size_mb=384 replicas=$replicas" \
	memx_modprobe memx_client size_mb=384 replicas="$replicas"
check "memx0 keeps $replicas copies of each extent" grep -qx "replicas $replicas" $dbg/memx0/stats
check "mkswap /dev/memx0 && swapon" sh -c "mkswap /dev/memx0 >/dev/null && swapon /dev/memx0"
# The attacker (pressure.py) starts now, and goes on until cli-done.
lab_signal cli-attack

ram_mb=$(($(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) / 1024))
job_mb=$((ram_mb * 3 / 2))
echo "memx-lab: RAM $ram_mb MiB, two sorts of $job_mb MiB each"
out0=$(vmstat pswpout)
oom0=$(vmstat oom_kill)
start=$(date +%s)
"$tools/memsort" $job_mb 0 >/tmp/sort1.out 2>&1 &
sort1=$!
"$tools/memsort" $job_mb 0 >/tmp/sort2.out 2>&1 &
sort2=$!
# stat NAME: memx0's counter NAME.
stat() {
	awk -v n="$1" '$1 == n { print $2 }' $dbg/memx0/stats
}
# on_server NAME: pages of memx0 placed on server NAME.
on_server() {
	awk -v m="$(lab_mac "$1")" '$1 == m { s += $4 } END { print s + 0 }' $dbg/memx0/servers
}
# holds NAME PAGES: server NAME holds at least PAGES of memx0.
holds() {
	[ "$(on_server "$1")" -ge "$2" ]
}
if [ "$faults" = 1 ]; then
	# srv3 dies once it holds some of the job: 16 MiB of copies at least.
	check "srv3 holds copies of the job within 300 s" lab_within 300 holds srv3 4096
	echo "memx-lab: srv3 holds $(on_server srv3) pages; killing it, $(($(date +%s) - start)) s into the job"
	lab_signal kill-srv3
	lab_wait srv3-killed 60
	# whole: no copy on srv3 any more, and no extent short of copies.
	whole() {
		[ "$(on_server srv3)" -eq 0 ] && grep -qx 'extents_degraded 0' $dbg/memx0/stats
	}
	check "srv3's copies made again on srv1 and srv2 within 300 s, mid-job" lab_within 300 whole
	echo "memx-lab: $(stat copies_made) copies made, $(($(date +%s) - start)) s into the job"
	made=$(stat copies_made)
	# Then srv1's module restarts: the sessions it held are lost, and its
	# copies are made again from srv2's, on srv1 afresh (the only other).
	lab_signal srv1-restart
	lab_wait srv1-restarted 120
fi
check "sort 1 ($job_mb MiB) completes, verified" wait $sort1
check "sort 2 ($job_mb MiB) completes, verified" wait $sort2
cat /tmp/sort1.out /tmp/sort2.out
out=$(($(vmstat pswpout) - out0))
echo "memx-lab: both sorts took $(($(date +%s) - start)) s, $out pages swapped out"
grep -E '^(pswpin|pswpout|allocstall_normal|allocstall_movable|oom_kill) ' /proc/vmstat
check "pages went out to memx ($out, at least twice RAM's worth)" test "$out" -ge $((ram_mb * 512))
check "nobody was OOM-killed" test "$(vmstat oom_kill)" -eq "$oom0"
cat $dbg/memx0/stats $dbg/memx0/servers /sys/kernel/debug/rmap/stats
check "no I/O errors" grep -qx 'errors 0' $dbg/memx0/stats
if [ "$faults" = 1 ]; then
	check "srv1's lost copies made again within 300 s" \
		lab_within 300 grep -qx 'extents_degraded 0' $dbg/memx0/stats
fi
cat $dbg/memx0/stats $dbg/memx0/servers
echo "memx-lab: copies made $(stat copies_made), pages copied $(stat pages_copied), copies dropped $(stat copies_dropped), read fallbacks $(stat read_fallbacks)"
check "no extent lost" grep -qx 'extents_lost 0' $dbg/memx0/stats
if [ "$faults" = 1 ]; then
	check "copies were made again after the restart too ($made, then $(stat copies_made))" \
		test "$(stat copies_made)" -gt "$made"
	check "srv1's sessions from before its restart are lost, and hold nothing" \
		test "$(awk '!/^#/ && $11 == 1 && $4 > 0' $dbg/memx0/servers | wc -l)" -eq 0 -a \
		"$(awk '!/^#/ && $11 == 1' $dbg/memx0/servers | wc -l)" -ge 1
	check "every extent has a copy on srv1 and srv2 (both hold all: $(on_server srv1), $(on_server srv2))" \
		test "$(on_server srv1)" -eq "$(on_server srv2)" -a "$(on_server srv1)" -gt 0
fi
check "swapoff /dev/memx0" swapoff /dev/memx0
check "rmmod memx_client" memx_rmmod memx_client
lab_signal cli-done
check "rmmod rmap_proto" memx_rmmod rmap_proto
