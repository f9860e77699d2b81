# A client VM that swaps a job three times its memory on a memx device
# (two copies of each extent, on srv1 and srv2) and is live-migrated to
# another QEMU process mid-job (migrate.py): the job ends verified, with
# no I/O error, and the servers never saw it go. Runs from its initramfs
# (QEMU does not migrate a guest with 9p mounts): its signals go through
# the console.
# shellcheck shell=sh
job_mb=48
dbg=/sys/kernel/debug/memx_client
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
# shellcheck disable=SC2086
modprobe rmap_proto ${MEMX_KEY_FILE:+key_file=$MEMX_KEY_FILE}
check "two servers discovered" lab_within 120 rmap_servers_seen 2
check "modprobe memx_client size_mb=256 replicas=2" modprobe memx_client size_mb=256 replicas=2
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
check "no extent short of its copies, none lost" \
	grep -qx "extents_degraded 0" $dbg/memx0/stats
check "no session lost" test "$(awk '!/^#/ && $11 == 1' $dbg/memx0/servers | wc -l)" -eq 0
check "swapoff /dev/memx0" swapoff /dev/memx0
check "rmmod memx_client" modprobe -r memx_client
lab_signal cli-done
check "rmmod rmap_proto" modprobe -r rmap_proto
