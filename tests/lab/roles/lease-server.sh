# A server with a client on a 3 s lease: renewals keep an idle client's
# sessions; a client that dies loses them within a lease and a round.
# shellcheck shell=sh
lab_plan 9
dbg=/sys/kernel/debug/memx_server
# MiB the client writes to each of its two devices.
mb=${MEMX_DATA_MB:-8}
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
check "the client holds two sessions, $((2 * mb)) MiB" sh -c \
	"test $(sessions) -eq 2 && test $(stat granted_pages) -eq $((mb * 512))"
# Four leases with no I/O: only renewals keep the sessions.
sleep 12
cat $dbg/sessions
check "after four idle leases both sessions remain" test "$(sessions)" -eq 2
check "none expired" test "$(stat expired)" -eq 0
lab_signal srv-saw-idle
# The client's NIC that the sessions knew went down: they follow its
# other address, and only that one.
lab_wait cli-moved 300
cat $dbg/sessions
on_mac() {
	awk -v m="$1" '$2 == m' $dbg/sessions | wc -l
}
moved() {
	test "$(stat sessions_rebound)" -ge 2 && test "$(sessions)" -eq 2 &&
		{ test "$(on_mac "$(lab_mac cli)")" -eq 2 || test "$(on_mac "$(lab_mac cli 1)")" -eq 2; }
}
check "both sessions followed the client to its other NIC ($(stat sessions_rebound) moves)" moved
check "none expired meanwhile, no page given back" sh -c \
	"test $(stat expired) -eq 0 && test $(stat granted_pages) -eq $((mb * 512))"
lab_signal srv-saw-move
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
