# A memx server: lend memory until the client is done, then show that
# every session ended and all of it came back. With MEMX_ATTACKED, a
# hostile node attacked all along (blockdev-attacker.sh): with a key,
# nothing it sent took a peer entry or reached the server. With
# MEMX_RESTART, the module restarts when the client asks (NAME-restart):
# the sessions it held are lost, as when a server's host reboots.
stats=/sys/kernel/debug/memx_server/stats
rstats=/sys/kernel/debug/rmap/stats
memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB"
lab_signal "$MEMX_NAME-up"
# With MEMX_PROBE=NAME, on a keyless LAN, this server is also a hostile
# node to server NAME (which runs with MEMX_ATTACKED): reads whose size
# wraps 32 bits, and a ping to everyone. Under the debug kernel, KASAN
# watches NAME's checks.
if [ -n "${MEMX_PROBE:-}" ]; then
	lab_wait "$MEMX_PROBE-up" 600
	forge="python3 $MEMX_TREE/tests/lab/tools/rmapforge.py"
	check "$MEMX_PROBE answers reads whose size wraps 32 bits with E_INVAL, and lives" \
		$forge overread eth0 "$(lab_mac "$MEMX_PROBE")"
	check "a ping to the broadcast address draws no answer" $forge bcast-ping eth0
	lab_signal attacker-done
fi
if [ -n "${MEMX_RESTART:-}" ]; then
	lab_wait "$MEMX_NAME-restart" 900
	restart() {
		rmmod memx_server && memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB"
	}
	check "memx_server restarts (rmmod, modprobe)" restart
	lab_signal "$MEMX_NAME-restarted"
fi
lab_wait cli-done 3000
# The attacker stops within a round of the client; its counts come after.
[ -z "${MEMX_ATTACKED:-}" ] || lab_wait attacker-done 120
cat /sys/kernel/debug/memx_server/sessions "$stats" $rstats /sys/kernel/debug/rmap/peers
rstat() {
	awk -v n="$1" '$1 == n { print $2 }' $rstats
}
# The attacker's last JOINs (without a key) end with their 1 s lease.
check "all memory returned after the client left" lab_within 30 grep -qx "granted_pages 0" "$stats"
if [ -n "${MEMX_ATTACKED:-}" ] && [ -n "${MEMX_KEY_FILE:-}" ]; then
	check "the attacker's unsealed frames dropped" test "$(rstat drop_unknown_key)" -ge 40
	check "no frame of the attacker's took a peer entry (the client and the other server only)" \
		test "$(grep -vc '^#' /sys/kernel/debug/rmap/peers)" -le 2
fi
# Without a key, the attacker's reads of sessions it made up are answered
# with errors: those are its, not the client's (whose checks verify data).
# After a restart, the client's requests on the sessions we lost are
# answered with errors, as they must be.
if { [ -z "${MEMX_ATTACKED:-}" ] || [ -n "${MEMX_KEY_FILE:-}" ]; } && [ -z "${MEMX_RESTART:-}" ]; then
	check "no stale or failed requests served wrong" grep -qx "errors 0" "$stats"
fi
check "memx_server unloads" memx_rmmod memx_server
lab_leak_check
