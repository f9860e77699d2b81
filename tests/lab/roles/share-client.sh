# One of two clients competing for the last of one server's memory
# (share.py), which lends 48 MiB in all. With MEMX_SLOW, it places its
# first MiB, then writes the rest of its 40 MiB a MiB at a time while
# the other (MEMX_OTHER) writes 40 MiB at full speed. Each ends with its
# fair share, its writes past it fail (EIO) within the placement bound,
# and what it placed reads back.
# shellcheck shell=sh
lab_plan 6
dbg=/sys/kernel/debug/memx_client
memx_modprobe rmap_proto
lab_wait srv-up 600
check "srv discovered" lab_within 30 rmap_servers_seen 1
check "modprobe memx_client size_mb=48 place_timeout_ms=5000" \
	memx_modprobe memx_client size_mb=48 place_timeout_ms=5000
head -c 40M /dev/urandom >/tmp/data
# put FIRST COUNT: MiB FIRST.. of the data to the device.
put() {
	dd if=/tmp/data of=/dev/memx0 bs=1M skip="$1" seek="$1" count="$2" oflag=direct \
		status=none 2>/dev/null
}
start=$(date +%s)
if [ -n "${MEMX_SLOW:-}" ]; then
	lab_plan 1
	check "its first MiB placed" put 0 1
	lab_signal "$MEMX_NAME-in"
	i=1
	while [ $i -lt 40 ] && put $i 1; do
		i=$((i + 1))
		sleep 0.3
	done
	wrote=$i
else
	lab_wait "$MEMX_OTHER-in" 300
	wrote=0
	put 0 40 && wrote=40
fi
took=$(($(date +%s) - start))
placed=$(awk '!/^#/ { s += $4 } END { print s + 0 }' $dbg/memx0/servers)
mib=$((placed / 256))
echo "memx-lab: $MEMX_NAME placed $mib MiB in $took s"
cat $dbg/memx0/stats $dbg/memx0/servers
check "its writes past its share failed, within 120 s" test "$wrote" -lt 40 -a "$took" -le 120
check "it holds its fair share: $mib MiB of 24" test "$mib" -ge 23 -a "$mib" -le 25
same() {
	dd if=/dev/memx0 bs=1M count="$mib" iflag=direct status=none | cmp -s -n $((mib << 20)) - /tmp/data
}
check "the $mib MiB it placed read back" same
lab_signal "$MEMX_NAME-done"
lab_wait "$MEMX_OTHER-done" 300
check "rmmod memx_client rmap_proto" memx_rmmod memx_client rmap_proto
lab_signal "$MEMX_NAME-left"
