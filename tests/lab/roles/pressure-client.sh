# Global memory pressure with memx as the only swap: two sorts that
# together need three times the machine's RAM, no memory cgroup to
# contain them.
tools=$MEMX_TREE/tests/lab/tools
dbg=/sys/kernel/debug/memx_client
memx_modprobe rmap_proto
lab_wait srv1-up 600
lab_wait srv2-up 600
check "both servers discovered" lab_within 10 rmap_servers_seen 2
check "modprobe memx_client size_mb=512" memx_modprobe memx_client size_mb=512
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
check "swap spread over both servers" \
	test "$(awk '!/^#/ && $4 > 0' $dbg/memx0/servers | wc -l)" -eq 2
check "swapoff /dev/memx0" swapoff /dev/memx0
check "rmmod memx_client" memx_rmmod memx_client
lab_signal cli-done
check "rmmod rmap_proto" memx_rmmod rmap_proto
