# Global memory pressure with memx as the only swap: a sort that needs
# one and a half times the machine's RAM, no memory cgroup to
# contain them, two copies of every extent on three servers. Mid-job,
# srv3 is asked to leave: its copies move to srv1 and srv2, rmmod then
# goes ahead and it loads again; then srv1 loses power and boots again
# (pressure.py), and its copies are made again; copies then move toward
# the servers that came back, to even them out. For measurements,
# MEMX_FAULTS=0 leaves the servers alone and MEMX_REPLICAS sets the
# copies (2).
lab_plan 13
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
# Tracing's buffers are allocated now, before memory runs short.
if [ "$faults" = 1 ]; then
	lab_plan 1
	check "tracepoint memx:memx_extent_copied enabled" lab_trace memx_extent_copied
fi
check "mkswap /dev/memx0 && swapon" sh -c "mkswap /dev/memx0 >/dev/null && swapon /dev/memx0"
# The attacker (pressure.py) starts now, and goes on until cli-done.
lab_signal cli-attack

ram_mb=$(($(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) / 1024))
job_mb=$((ram_mb * 3 / 2))
echo "memx-lab: RAM $ram_mb MiB, a sort of $job_mb MiB"
out0=$(vmstat pswpout)
oom0=$(vmstat oom_kill)
start=$(date +%s)
"$tools/memsort" $job_mb 0 >/tmp/sort.out 2>&1 &
sort=$!
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
# on_old NAME: pages of memx0 on sessions at server NAME that are over
# (lost with the server, or left).
on_old() {
	awk -v m="$(lab_mac "$1")" '$1 == m && $11 == 1 { s += $4 } END { print s + 0 }' $dbg/memx0/servers
}
if [ "$faults" = 1 ]; then
	lab_plan 5
	# srv3 is asked to leave once it holds some of the job: 16 MiB of
	# copies at least. They move while the sort goes on.
	check "srv3 holds copies of the job within 300 s" lab_within 300 holds srv3 4096
	echo "memx-lab: srv3 holds $(on_server srv3) pages; asking it to leave, $(($(date +%s) - start)) s into the job"
	lab_signal srv3-drain
	lab_wait srv3-drained 900
	# moved: nothing on srv3's sessions from before, each left, none waits.
	moved() {
		[ "$(on_old srv3)" -eq 0 ] && [ "$(stat extents_moved)" -gt 0 ] &&
			grep -qx 'extents_leaving 0' $dbg/memx0/stats &&
			[ "$(awk -v m="$(lab_mac srv3)" '$1 == m && $11 == 1' $dbg/memx0/servers | wc -l)" -ge 1 ]
	}
	check "srv3's copies moved away ($(stat extents_moved)), and its sessions left, mid-job" moved
	echo "memx-lab: $(stat extents_moved) copies moved, $(($(date +%s) - start)) s into the job"
	# Then srv1 loses power and boots again: what it held is lost, and
	# made again from the copies on srv2 and srv3.
	made=$(stat copies_made)
	lab_signal kill-srv1
	lab_wait srv1-killed 60
	# whole: srv1's sessions are known lost, new copies were made, none
	# is left on those sessions, and no extent is short of copies.
	whole() {
		[ "$(awk -v m="$(lab_mac srv1)" '$1 == m && $11 == 1' $dbg/memx0/servers | wc -l)" -ge 1 ] &&
			[ "$(on_old srv1)" -eq 0 ] && [ "$(stat copies_made)" -gt "$made" ] &&
			grep -qx 'extents_degraded 0' $dbg/memx0/stats
	}
	check "srv1's copies made again within 600 s of its loss" lab_within 600 whole
	echo "memx-lab: $(stat copies_made) copies made, $(($(date +%s) - start)) s into the job"
	# srv3, loaded again, came back empty, and srv1 with what was copied
	# there: copies placed on srv2 meanwhile move to even them out, a
	# copy at a time while the job goes on.
	balanced() {
		[ "$(stat extents_balanced)" -gt 0 ] && grep -qx 'extents_degraded 0' $dbg/memx0/stats
	}
	check "copies move toward the servers that came back, within 300 s" lab_within 300 balanced
	echo "memx-lab: $(stat extents_balanced) copies moved to even the servers out, $(($(date +%s) - start)) s into the job"
	# copied REPLACED WHY: memx0's copies traced as made for WHY in place
	# of copies on server REPLACED (a MAC or a pattern).
	copied() {
		grep -c " memx_extent_copied: memx0 extent=[0-9]* from=.* to=.* replaces=$1 $2\$" \
			/sys/kernel/tracing/trace
	}
	any=..:..:..:..:..:..
	echo "memx-lab: traced copies: $(copied "$any" moved) moved, $(copied "$any" repaired) repaired, $(copied "$any" balanced) balanced"
	check "each kind of copy traced (memx:memx_extent_copied): moved off srv3, repaired, balanced" \
		test "$(copied "$(lab_mac srv3)" moved)" -gt 0 -a "$(copied "$any" repaired)" -gt 0 \
		-a "$(copied "$any" balanced)" -gt 0
fi
check "the sort ($job_mb MiB) completes, verified" wait $sort
cat /tmp/sort.out
out=$(($(vmstat pswpout) - out0))
echo "memx-lab: the sort took $(($(date +%s) - start)) s, $out pages swapped out"
grep -E '^(pswpin|pswpout|allocstall_normal|allocstall_movable|oom_kill) ' /proc/vmstat
check "pages went out to memx ($out, at least twice RAM's worth)" test "$out" -ge $((ram_mb * 512))
check "nobody was OOM-killed" test "$(vmstat oom_kill)" -eq "$oom0"
cat $dbg/memx0/stats $dbg/memx0/servers /sys/kernel/debug/rmap/stats
check "no I/O errors" grep -qx 'errors 0' $dbg/memx0/stats
cat $dbg/memx0/stats $dbg/memx0/servers
echo "memx-lab: copies made $(stat copies_made), pages copied $(stat pages_copied), copies dropped $(stat copies_dropped), read fallbacks $(stat read_fallbacks)"
check "no extent lost" grep -qx 'extents_lost 0' $dbg/memx0/stats
# copies: pages of memx0 on sessions that are not over, in all.
copies=$(awk '!/^#/ && $11 == 0 { s += $4 } END { print s + 0 }' $dbg/memx0/servers)
extents=$(($(stat extents_placed) - $(stat extents_released)))
check "every extent has its $replicas copies ($copies pages for $extents extents), none short" \
	test "$copies" -eq $((extents * 256 * replicas)) -a "$(stat extents_degraded)" -eq 0
if [ "$faults" = 1 ]; then
	lab_plan 1
	check "the sessions over (srv3's left, srv1's lost) hold nothing" \
		test "$(awk '!/^#/ && $11 == 1 && $4 > 0' $dbg/memx0/servers | wc -l)" -eq 0 -a \
		"$(awk '!/^#/ && $11 == 1' $dbg/memx0/servers | wc -l)" -ge 2
fi
check "swapoff /dev/memx0" swapoff /dev/memx0
check "rmmod memx_client" memx_rmmod memx_client
lab_signal cli-done
check "rmmod rmap_proto" memx_rmmod rmap_proto
