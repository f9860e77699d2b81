# A server with a client on a 3 s lease: renewals keep an idle client's
# sessions; a client that dies loses them within a lease and a round.
# shellcheck shell=sh
dbg=/sys/kernel/debug/memx_server
memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB"
lab_signal "$MEMX_NAME-up"
stat() {
	awk -v k="$1" '$1 == k { print $2 }' $dbg/stats
}
sessions() {
	grep -vc '^#' $dbg/sessions
}
lab_wait cli-written 600
cat $dbg/sessions
check "the client holds two sessions, 16 MiB" sh -c \
	"test $(sessions) -eq 2 && test $(stat granted_pages) -eq 4096"
# Four leases with no I/O: only renewals keep the sessions.
sleep 12
cat $dbg/sessions
check "after four idle leases both sessions remain" test "$(sessions)" -eq 2
check "none expired" test "$(stat expired)" -eq 0
lab_signal srv-saw-idle
lab_wait cli-killed 300
start=$(date +%s)
all_back() {
	test "$(stat granted_pages)" -eq 0
}
check "every page back within 8 s of the client's death" lab_within 8 all_back
echo "memory back $(($(date +%s) - start)) s after the client died"
cat $dbg/sessions $dbg/stats
check "both sessions expired" test "$(stat expired)" -eq 2
check "no failed requests" grep -qx "errors 0" $dbg/stats
check "memx_server unloads" memx_rmmod memx_server
lab_leak_check
