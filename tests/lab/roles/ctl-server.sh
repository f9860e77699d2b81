# A server for ctl.py. With MEMX_DRAIN_CTL, when the client asks
# (NAME-drain), memxctl there shows what it lends as memx_server's own
# counters say, refuses an unprivileged user, leaves (server drain) and
# lends again (server lend), as the drain parameter shows.
# shellcheck shell=sh
ctl="$MEMX_TREE/tools/memxctl/memxctl"
# chk WHAT ARGS...: memxctl's JSON against the kernel's files (memxctl_check.py).
chk() {
	python3 "$MEMX_TREE/tests/lab/tools/memxctl_check.py" "$@"
}
stats=/sys/kernel/debug/memx_server/stats
drain=/sys/module/memx_server/parameters/drain
# Once the client's memxctl monitor listens: it hears this server come.
lab_wait cli-listening 900
memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB"
lab_signal "$MEMX_NAME-up"
if [ -n "${MEMX_DRAIN_CTL:-}" ]; then
	lab_plan 8
	lab_wait "$MEMX_NAME-drain" 900
	# lender DRAINING: memxctl -j server status against the kernel's files.
	lender() {
		"$ctl" -j server status >/tmp/lender.json && cat /tmp/lender.json &&
			chk lender /tmp/lender.json $stats "$1"
	}
	check "memxctl -j server status: what memx_server's counters say" lender 0
	"$ctl" server status
	check "an unprivileged user may not drain (exit 1, CAP_NET_ADMIN)" \
		eval "lab_exits 1 lab_nobody $ctl server drain && grep -q CAP_NET_ADMIN /tmp/rc.out &&
			grep -qx N $drain"
	check "in a network namespace of its own, even root finds no memx (exit 3)" \
		lab_exits 3 unshare -n "$ctl" server drain
	check "nor does an unprivileged user in a user and network namespace of its own" \
		lab_exits 3 lab_nobody unshare -Urn "$ctl" server drain
	check "memxctl server drain" "$ctl" server drain
	check "status says draining, as the drain parameter does" \
		eval "lender 1 && grep -qx Y $drain"
	# Clients hear it within an advertisement; their copies have
	# nowhere else to go (two servers, two copies), so they stay.
	sleep 3
	check "memxctl server lend" "$ctl" server lend
	check "status says lending, as the drain parameter does" \
		eval "lender 0 && grep -qx N $drain"
	lab_signal "$MEMX_NAME-drained"
fi
lab_wait cli-done 3000
