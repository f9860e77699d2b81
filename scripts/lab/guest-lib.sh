# Helpers for lab role scripts: guest-init sources them, and roles run
# in a shell that has sourced them too.
# shellcheck shell=sh

# check WHAT CMD...: run CMD, record and print a pass or a fail for WHAT,
# with the guest's uptime when it ended (where TCG's time goes).
check() {
	what=$1
	shift
	if "$@"; then
		verdict=pass
	else
		verdict=fail
	fi
	echo "$verdict $what" >>/tmp/.lab-checks
	echo "memx-lab: check $verdict $what [$(cut -d. -f1 /proc/uptime) s]"
}

# lab_plan N: the role makes N checks (N more, each time it is called).
# A role that makes checks says how many before the first: its verdict
# fails when it made another number, so a check that a branch skipped,
# or a loop cut short, is seen.
lab_plan() {
	echo $(($(cat /tmp/.lab-plan 2>/dev/null || echo 0) + $1)) >/tmp/.lab-plan
}

# lab_verdict RC: print the verdict of a role that exited RC: it passes
# when it exited 0, every check passed, and it made as many as it planned.
lab_verdict() {
	made=0
	[ ! -e /tmp/.lab-checks ] || made=$(wc -l </tmp/.lab-checks)
	planned=$(cat /tmp/.lab-plan 2>/dev/null || echo 0)
	if [ "$made" -ne "$planned" ]; then
		echo "memx-lab: check fail the role made $made of the $planned checks it planned"
		echo "memx-lab: verdict fail (role exit $1)"
	elif [ "$1" -eq 0 ] && ! grep -q '^fail' /tmp/.lab-checks 2>/dev/null; then
		echo "memx-lab: verdict pass"
	else
		echo "memx-lab: verdict fail (role exit $1)"
	fi
}

# lab_signal NAME: tell the scenario (and other guests) that NAME happened.
# A standalone guest, without /lab, says it on its console: the lab
# raises it.
lab_signal() {
	if [ -d /lab/signals ]; then
		: >"/lab/signals/$1"
	else
		echo "memx-lab: signal $1"
	fi
}

# lab_wait NAME [SECONDS]: wait for a signal; fails after SECONDS (120).
# With the tree at hand, one static poller (tests/lab/tools/labwait.c)
# does it; a standalone guest has only its shell.
lab_wait() {
	if [ -x "${MEMX_TREE:-/nonexistent}/tests/lab/tools/labwait" ]; then
		"$MEMX_TREE/tests/lab/tools/labwait" "/lab/signals/$1" "${2:-120}"
		return
	fi
	n=$((${2:-120} * 5))
	while [ ! -e "/lab/signals/$1" ]; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.2
	done
}

# lab_within SECONDS CMD...: CMD succeeds within SECONDS (tried every
# 0.2 s). The clock bounds it, not a count: in a guest short of memory
# each try can take seconds.
lab_within() {
	within_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$within_end" ] || return 1
		sleep 0.2
	done
}

# lab_mac NAME [NIC], lab_ip NAME: the address of another guest (of
# its NIC'th NIC, eth0 by default, for guests on more than one LAN).
lab_mac() {
	awk -v n="$1" -v k="${2:-0}" '$1 == n { print k ? $(3 + k) : $2 }' /lab/hosts
}

lab_ip() {
	awk -v n="$1" '$1 == n { print $3 }' /lab/hosts
}

# Link impairments: the scenario writes a tc netem spec to
# /lab/ctl/NAME.netem; it applies to the frames this guest transmits.
lab_netem_apply() {
	ctl=/lab/ctl/$MEMX_NAME.netem
	[ -e "$ctl" ] || return 0
	spec=$(cat "$ctl")
	[ "$spec" = "$(cat /tmp/.lab-netem 2>/dev/null)" ] && return 0
	if [ -z "$spec" ]; then
		tc qdisc del dev eth0 root 2>/dev/null
		ok=ok
	elif tc qdisc replace dev eth0 root netem $spec; then
		ok=ok
	else
		ok=error
	fi
	echo "$spec" >/tmp/.lab-netem
	echo "$ok" >"$ctl.applied"
	echo "memx-lab: netem on $MEMX_NAME: '${spec:-none}' $ok"
}

# Watch for changes: labwait when the tree is at hand (a shell loop of
# sleep and cat keeps a TCG guest busy), a slower loop in a standalone guest.
lab_netem_watch() {
	waiter=${MEMX_TREE:-/nonexistent}/tests/lab/tools/labwait
	while :; do
		if [ -x "$waiter" ]; then
			"$waiter" -c "/lab/ctl/$MEMX_NAME.netem" "$(cat /tmp/.lab-netem 2>/dev/null)" 3600
		else
			sleep 0.3
		fi
		lab_netem_apply
	done
}

# memx_modprobe MODULE [PARAM=VALUE...]: load a memx module as a user
# would (modprobe, from DKMS) in Debian's kernel; in the debug kernel,
# which has no /lib/modules, insmod it and rmap_proto from build/debug.
memx_modprobe() {
	if [ "$MEMX_KERNEL" != debug ]; then
		modprobe "$@"
		return
	fi
	key="${MEMX_KEY_FILE:+key_file=$MEMX_KEY_FILE} ${MEMX_RMAP_OPTS:-}"
	if [ "$1" != rmap_proto ] && ! grep -q '^rmap_proto ' /proc/modules; then
		# shellcheck disable=SC2086
		insmod "$MEMX_TREE/build/debug/kernel/rmap_proto/rmap_proto.ko" $key || return
	fi
	m=$1
	shift
	[ "$m" = rmap_proto ] || key=
	# shellcheck disable=SC2086
	insmod "$MEMX_TREE/build/debug/kernel/$m/$m.ko" "$@" $key
}

# memx_rmmod MODULE...: unload, dependencies first as given.
memx_rmmod() {
	if [ "$MEMX_KERNEL" != debug ]; then
		modprobe -r "$@"
		return
	fi
	for m in "$@"; do
		rmmod "$m" || return
	done
}

# lab_leak_check: in a kernel with kmemleak, scan for leaks and print any
# (the lab fails a console showing "unreferenced object"). An object is
# reported once it stayed unreferenced for a few seconds: scan twice.
lab_leak_check() {
	leaks=/sys/kernel/debug/kmemleak
	[ -w $leaks ] || return 0
	echo scan >$leaks
	sleep 5
	echo scan >$leaks
	cat $leaks
}

# lab_in_memcg MIB CMD...: run CMD in a memory cgroup that may hold MIB MiB
# of RAM (swap unlimited): a large-memory job on a small machine.
lab_in_memcg() {
	mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null || true
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control || return
	mkdir -p /sys/fs/cgroup/job
	echo "$1M" >/sys/fs/cgroup/job/memory.max || return
	shift
	sh -c 'echo $$ >/sys/fs/cgroup/job/cgroup.procs && exec "$@"' lab_in_memcg "$@"
}

# rmap_servers_seen N: RMAP's peer table holds at least N live servers.
rmap_servers_seen() {
	[ "$(grep -c ' server alive ' /sys/kernel/debug/rmap/peers)" -ge "$1" ]
}

# lab_trace EVENT...: record these tracepoints of the memx system from
# now on (tracefs; a module's events exist once it is loaded). Unloading
# a module whose events are in the buffer empties it: look before.
lab_trace() {
	tr=/sys/kernel/tracing
	[ -e $tr/trace ] || mount -t tracefs tracefs $tr || return
	for e in "$@"; do
		echo 1 >"$tr/events/memx/$e/enable" || return
	done
}

# lab_traced EVENT TEXT: the trace holds EVENT with TEXT in its fields.
lab_traced() {
	grep -q " $1: .*$2" /sys/kernel/tracing/trace
}

# lab_rtt_ping WHERE MAC: the page round trip from here (deployment
# WHERE: bare, dom0, domu) to MAC: 200 RMAP pings of 4 KiB, every one
# answered intact, said on the console as "memx-lab: rtt WHERE ...",
# where the scenario collects it.
lab_rtt_ping() {
	rmap_ping "$2" 200 4096 || return
	echo "memx-lab: rtt $1 rmap-ping-4k $(echo "$out" | sed -n 's/.*\(rtt_us .*\)/\1/p')"
}

# lab_rtt_read WHERE DEV PAGE: the mean time of 256 direct 4 KiB reads
# of DEV from page PAGE on (written before: unwritten memx extents are
# answered without the network), one at a time, said as lab_rtt_ping does.
lab_rtt_read() {
	t0=$(cut -d' ' -f1 /proc/uptime)
	dd if="$2" of=/dev/null bs=4096 count=256 skip="$3" iflag=direct status=none || return
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "memx-lab: rtt $1 read-4k-qd1 mean_us $(echo "$t0 $t1" |
		awk '{ printf "%d", ($2 - $1) * 1e6 / 256 }')"
}

# vmstat KEY: one counter of /proc/vmstat (pswpout, pswpin, ...).
vmstat() {
	awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat
}

# rmap_peer_field MAC NAME: one column of RMAP's peer table, by its name.
rmap_peer_field() {
	awk -v m="$1" -v n="$2" 'NR == 1 { for (i = 2; i <= NF; i++) if ($i == n) c = i - 1 }
		$1 == m && c { print $c }' /sys/kernel/debug/rmap/peers
}

# rmap_ping MAC COUNT SIZE [MORE]: COUNT pings of SIZE payload bytes
# through rmap_proto, every one answered intact (and the summary shows
# the pattern MORE after that).
rmap_ping() {
	echo "$1 $2 $3" >/sys/kernel/debug/rmap/ping || return 1
	out=$(cat /sys/kernel/debug/rmap/ping)
	echo "rmap ping: $out"
	echo "$out" | grep -q "sent $2 answered $2 failed 0 corrupt 0${4:+ $4}"
}

# lab_drop_longer IFACE BYTES: make IFACE drop frames arriving with more
# than BYTES of payload, as a real NIC at that MTU does (a virtio NIC
# takes them). Fails where the kernel has no tc classifier for it.
lab_drop_longer() {
	tc qdisc add dev "$1" ingress 2>/dev/null || return
	tc filter add dev "$1" parent ffff: protocol all basic \
		match "meta(pkt_len gt $2)" action drop
}

# lab_reboot_after: in a guest booting systemd (systemd=True), reboot
# cleanly once the role ends, without a verdict this boot; the scenario
# boots it again (lab.reboot) and its role runs with MEMX_BOOT=1.
lab_reboot_after() {
	: >/run/memx-lab-reboot
}

# lab_nobody CMD...: run CMD as user nobody, with no group of root's.
lab_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# lab_exits STATUS CMD...: CMD exits with STATUS; what it said is shown,
# and kept in /tmp/rc.out.
lab_exits() {
	want=$1
	shift
	"$@" >/tmp/rc.out 2>&1
	got=$?
	sed 's/^/  | /' /tmp/rc.out
	[ "$got" -eq "$want" ]
}
