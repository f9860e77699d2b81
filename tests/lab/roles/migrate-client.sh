# A client VM that swaps a job three times its memory on a memx device
# (two copies of each extent, on three servers) and is live-migrated to
# another QEMU process mid-job (migrate.py), while srv1's host then
# wants memory back: the job ends verified, with no I/O error, copies
# moved off srv1 as it asked, every extent with its two. MEMX_FAULTS=0
# and MEMX_REPLICAS (migrate.py) are for measurements. Runs from its initramfs
# (QEMU does not migrate a guest with 9p mounts): its signals go through
# the console.
# shellcheck shell=sh
lab_plan 11
job_mb=48
dbg=/sys/kernel/debug/memx_client
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
if [ "$MEMX_KERNEL" = debug ]; then
	memx_modprobe rmap_proto
else
	modprobe rmap_proto ${MEMX_KEY_FILE:+key_file="$MEMX_KEY_FILE"}
fi
check "three servers discovered" lab_within 120 rmap_servers_seen 3
replicas=${MEMX_REPLICAS:-2}
check "modprobe memx_client size_mb=256 replicas=$replicas" \
	memx_modprobe memx_client size_mb=256 replicas="$replicas"
test -b /dev/memx0 || exit 1
check "mkswap /dev/memx0 && swapon" sh -c "mkswap /dev/memx0 >/dev/null && swapon /dev/memx0"
stat() {
	awk -v n="$1" '$1 == n { print $2 }' $dbg/memx0/stats
}
out0=$(vmstat pswpout)
start=$(date +%s)
lab_in_memcg $job_mb memsort $((job_mb * 3)) 0 >/tmp/sort.out 2>&1 &
sort=$!
# The migration starts once the job is well into swap: four times its
# memory's worth out (about a third of what it swaps out in all).
swapped() {
	[ $(($(vmstat pswpout) - out0)) -ge $((job_mb * 256 * 4)) ]
}
check "the job swapped out four times its memory's worth within 300 s" lab_within 300 swapped
echo "memx-lab: migrate me, $(($(date +%s) - start)) s into the job," \
	"$(($(vmstat pswpout) - out0)) pages out"
lab_signal want-migrate
check "the $((job_mb * 3)) MiB sort in $job_mb MiB completes, verified, on swap" wait $sort
cat /tmp/sort.out
echo "memx-lab: sort done, $(($(date +%s) - start)) s, $(($(vmstat pswpout) - out0)) pages out"
cat $dbg/memx0/stats $dbg/memx0/servers /sys/kernel/debug/rmap/stats
check "no I/O errors" grep -qx "errors 0" $dbg/memx0/stats
# srv1's host squeezed meanwhile (migrate.py) asked for a session back:
# copies moved off it until the host had enough, then it asked no more
# (no session that is not over is still asked; one emptied is left).
moved() {
	[ "$(stat extents_moved)" -gt 0 ] && grep -qx 'extents_leaving 0' $dbg/memx0/stats &&
		[ "$(awk '!/^#/ && $11 == 0 && $12 == 1' $dbg/memx0/servers | wc -l)" -eq 0 ]
}
if [ "${MEMX_FAULTS:-1}" = 1 ]; then
	lab_plan 1
	check "copies moved off the squeezed server, and it asks for no more, within 600 s" \
		lab_within 600 moved
fi
cat $dbg/memx0/stats $dbg/memx0/servers
check "no extent lost" grep -qx "extents_lost 0" $dbg/memx0/stats
# copies: pages of memx0 on sessions that are not over, in all.
copies=$(awk '!/^#/ && $11 == 0 { s += $4 } END { print s + 0 }' $dbg/memx0/servers)
extents=$(($(stat extents_placed) - $(stat extents_released)))
check "every extent has its $replicas copies ($copies pages for $extents extents), none short" \
	test "$copies" -eq $((extents * 256 * replicas)) -a "$(stat extents_degraded)" -eq 0
check "swapoff /dev/memx0" swapoff /dev/memx0
check "rmmod memx_client" memx_rmmod memx_client
lab_signal cli-done
check "rmmod rmap_proto" memx_rmmod rmap_proto
