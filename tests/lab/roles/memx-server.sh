# A memx server: lend memory until the client is done, then show that
# every session ended and all of it came back. With MEMX_ATTACKED, a
# hostile node attacked all along (blockdev-attacker.sh): with a key,
# nothing it sent took a peer entry or reached the server.
#
# With MEMX_RESTART, when the client asks (NAME-restart): rmmod is
# refused while clients' pages are here; with MEMX_STUCK, so it stays
# once asked to leave (drain=1), the pages having nowhere to go (the
# client says so: NAME-stuck); then the scenario reboots this machine
# (NAME-reboot, lab.reboot), and the sessions it held are lost. Booted
# again (MEMX_BOOT), it lends afresh (NAME-restarted).
#
# With MEMX_SQUEEZE, when the scenario asks (NAME-squeeze): the host's
# own use grows into the memory it keeps (MEMX_RESERVE_MB), leaving 24
# MiB available; the server asks its clients to move pages away, they
# do until the host is whole again, and nobody is OOM-killed
# (NAME-squeezed).
#
# With MEMX_DRAIN, when the client asks (NAME-drain): asked to leave,
# the server sees its clients move every page elsewhere, rmmod then
# goes ahead, and the module is loaded again (NAME-drained).
stats=/sys/kernel/debug/memx_server/stats
rstats=/sys/kernel/debug/rmap/stats
drain=/sys/module/memx_server/parameters/drain
memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB" ${MEMX_RESERVE_MB:+reserve_mb=$MEMX_RESERVE_MB}
lab_signal "$MEMX_NAME-up"
# Booted again (lab.reboot): NAME-restarted, and NAME-boot-N for the Nth.
if [ "${MEMX_BOOT:-0}" != 0 ]; then
	lab_signal "$MEMX_NAME-restarted"
	lab_signal "$MEMX_NAME-boot-$MEMX_BOOT"
fi
# stat NAME: one of memx_server's counters.
stat() {
	awk -v n="$1" '$1 == n { print $2 }' $stats
}
# rmmod_refused: rmmod fails, and the module stays, lending.
rmmod_refused() {
	! rmmod memx_server 2>/dev/null && grep -q '^memx_server ' /proc/modules
}
# With MEMX_PROBE=NAME, on a keyless LAN, this server is also a hostile
# node to server NAME (which runs with MEMX_ATTACKED): reads whose size
# wraps 32 bits, and a ping to everyone. Under the debug kernel, KASAN
# watches NAME's checks.
if [ -n "${MEMX_PROBE:-}" ] && [ "${MEMX_BOOT:-0}" = 0 ]; then
	lab_plan 2
	lab_wait "$MEMX_PROBE-up" 600
	forge="python3 $MEMX_TREE/tests/lab/tools/rmapforge.py"
	check "$MEMX_PROBE answers reads whose size wraps 32 bits with E_INVAL, and lives" \
		$forge overread eth0 "$(lab_mac "$MEMX_PROBE")"
	check "a ping to the broadcast address draws no answer" $forge bcast-ping eth0
	lab_signal attacker-done
fi
if [ -n "${MEMX_RESTART:-}" ] && [ "${MEMX_BOOT:-0}" = 0 ]; then
	lab_plan 1
	lab_wait "$MEMX_NAME-restart" 900
	held=$(stat granted_pages)
	check "rmmod memx_server refused while clients' pages are here ($held)" \
		eval '[ "$held" -gt 0 ] && rmmod_refused'
	if [ -n "${MEMX_STUCK:-}" ]; then
		lab_plan 2
		check "asked to leave (drain=1)" eval "echo 1 >$drain"
		lab_wait "$MEMX_NAME-stuck" 300
		check "pages with nowhere to go stay, and rmmod stays refused" \
			eval '[ "$(stat granted_pages)" -eq "$held" ] && rmmod_refused'
	fi
	# The scenario reboots this machine now; this boot ends here.
	lab_signal "$MEMX_NAME-reboot"
	sleep 3600
fi
if [ -n "${MEMX_SQUEEZE:-}" ]; then
	lab_plan 5
	lab_wait "$MEMX_NAME-squeeze" 1200
	held=$(stat granted_pages)
	oom0=$(vmstat oom_kill)
	avail() {
		echo $(($(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo) / 1024))
	}
	hog_mb=$(($(avail) - 24))
	echo "memx-lab: $(avail) MiB available, $held pages lent; the host takes $hog_mb MiB"
	# A tmpfs of its own: the root's holds half the RAM at most.
	mkdir -p /tmp/hogfs
	mount -t tmpfs -o size=$((hog_mb + 4))m hogfs /tmp/hogfs
	check "the host's own use takes $hog_mb MiB more (a tmpfs file)" \
		dd if=/dev/zero of=/tmp/hogfs/hog bs=1M count=$hog_mb status=none
	shed() {
		[ "$(stat sessions_shed)" -gt 0 ]
	}
	check "clients asked to move pages away" lab_within 30 shed
	echo "memx-lab: $(avail) MiB available, $(stat granted_pages) pages lent"
	# whole: the server saw its host whole again (its reserve and half as
	# much again available), by pages moved.
	whole() {
		dmesg | grep -q 'memx_server: host memory back' && [ "$(stat granted_pages)" -lt "$held" ]
	}
	start=$(date +%s)
	check "clients moved pages away until the host had its memory back, within 600 s" \
		lab_within 600 whole
	echo "memx-lab: $(avail) MiB available after $(($(date +%s) - start)) s, $(stat granted_pages) pages lent"
	dmesg | grep -E 'memx_server: (host|asked)' | tail -4
	check "nobody was OOM-killed" test "$(vmstat oom_kill)" -eq "$oom0"
	check "the host's file is whole" test "$(wc -c </tmp/hogfs/hog)" -eq $((hog_mb << 20))
	umount /tmp/hogfs
	lab_signal "$MEMX_NAME-squeezed"
fi
if [ -n "${MEMX_DRAIN:-}" ]; then
	lab_plan 5
	lab_wait "$MEMX_NAME-drain" 1200
	check "rmmod memx_server refused while clients' pages are here ($(stat granted_pages))" \
		rmmod_refused
	check "asked to leave (drain=1)" eval "echo 1 >$drain"
	start=$(date +%s)
	check "clients moved every page away within 600 s" \
		lab_within 600 grep -qx "granted_pages 0" $stats
	echo "memx-lab: drained in $(($(date +%s) - start)) s"
	dmesg | grep 'memx_server: le' | tail -3
	check "rmmod memx_server once drained" rmmod memx_server
	check "memx_server loads again, and lends" memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB"
	lab_signal "$MEMX_NAME-drained"
fi
lab_wait cli-done 3000
# The attacker stops within a round of the client; its counts come after.
[ -z "${MEMX_ATTACKED:-}" ] || lab_wait attacker-done 120
cat /sys/kernel/debug/memx_server/sessions "$stats" $rstats /sys/kernel/debug/rmap/peers
rstat() {
	awk -v n="$1" '$1 == n { print $2 }' $rstats
}
# The attacker's last JOINs (without a key) end with their 1 s lease.
lab_plan 2
check "all memory returned after the client left" lab_within 30 grep -qx "granted_pages 0" "$stats"
# With MEMX_SHARE, clients competed for the last of its memory (share.py).
if [ -n "${MEMX_SHARE:-}" ]; then
	lab_plan 1
	check "growth past a client's fair share refused ($(stat refused_share))" \
		test "$(stat refused_share)" -gt 0
fi
if [ -n "${MEMX_ATTACKED:-}" ] && [ -n "${MEMX_KEY_FILE:-}" ]; then
	lab_plan 2
	check "the attacker's unsealed frames dropped" test "$(rstat drop_unknown_key)" -ge 40
	check "no frame of the attacker's took a peer entry (the client and the other server only)" \
		test "$(grep -vc '^#' /sys/kernel/debug/rmap/peers)" -le 2
fi
# Without a key, the attacker's reads of sessions it made up are answered
# with errors: those are its, not the client's (whose checks verify data).
# After a restart, the client's requests on the sessions we lost are
# answered with errors, as they must be.
if { [ -z "${MEMX_ATTACKED:-}" ] || [ -n "${MEMX_KEY_FILE:-}" ]; } && [ -z "${MEMX_RESTART:-}" ]; then
	lab_plan 1
	check "no stale or failed requests served wrong" grep -qx "errors 0" "$stats"
fi
check "memx_server unloads" memx_rmmod memx_server
lab_leak_check
