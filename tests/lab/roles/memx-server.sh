# A memx server: lend memory until the client is done, then show that
# every session ended and all of it came back.
stats=/sys/kernel/debug/memx_server/stats
memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB"
lab_signal "$MEMX_NAME-up"
lab_wait cli-done 3000
cat /sys/kernel/debug/memx_server/sessions "$stats"
check "all memory returned after the client left" grep -qx "granted_pages 0" "$stats"
check "no stale or failed requests served wrong" grep -qx "errors 0" "$stats"
check "memx_server unloads" memx_rmmod memx_server
lab_leak_check
