# One of two clients competing for the last of one server's memory
# (share.py): it writes 40 MiB to a 48 MiB device at the moment the
# other (MEMX_OTHER) does, on a server lending 48 MiB in all. It ends
# with its fair share, its writes beyond it fail (EIO) within the
# placement bound, and what it placed reads back.
# shellcheck shell=sh
dbg=/sys/kernel/debug/memx_client
memx_modprobe rmap_proto
lab_wait srv-up 600
check "srv discovered" lab_within 30 rmap_servers_seen 1
check "modprobe memx_client size_mb=48 place_timeout_ms=5000" \
	memx_modprobe memx_client size_mb=48 place_timeout_ms=5000
head -c 40M /dev/urandom >/tmp/data
lab_signal "$MEMX_NAME-ready"
lab_wait "$MEMX_OTHER-ready" 120
start=$(date +%s)
if dd if=/tmp/data of=/dev/memx0 bs=1M oflag=direct status=none; then
	wrote=all
else
	wrote=part
fi
took=$(($(date +%s) - start))
placed=$(awk '!/^#/ { s += $4 } END { print s + 0 }' $dbg/memx0/servers)
mib=$((placed / 256))
echo "memx-lab: $MEMX_NAME placed $mib MiB in $took s, wrote $wrote"
cat $dbg/memx0/stats $dbg/memx0/servers
check "the writes past its share failed, within 60 s" test "$wrote" = part -a "$took" -le 60
check "it holds its fair share: $mib MiB of 24" test "$mib" -ge 22 -a "$mib" -le 26
same() {
	dd if=/dev/memx0 bs=1M count="$mib" iflag=direct status=none | cmp -s -n $((mib << 20)) - /tmp/data
}
check "the $mib MiB it placed read back" same
lab_signal "$MEMX_NAME-done"
lab_wait "$MEMX_OTHER-done" 300
check "rmmod memx_client rmap_proto" memx_rmmod memx_client rmap_proto
