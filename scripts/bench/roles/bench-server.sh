# The far end of every network device the benchmark compares, all
# serving RAM: memx_server, vblade (AoE) and nbd-server on tmpfs files,
# the kernel NVMe/TCP target on a brd RAM disk. The raw-socket echo runs
# only while the client measures the floor (it would otherwise see every
# RMAP frame). CPU time is sampled at each phase the client announces.
# shellcheck shell=sh
lab_plan 6
. "$MEMX_TREE/scripts/bench/roles/bench-lib.sh"

check "memx_server lends $mb MiB" memx_modprobe memx_server capacity_mb="$mb"

check "tmpfs files for vblade and nbd-server" peer_files
check "vblade exports AoE e0.0" start_vblade eth0
check "nbd-server exports 'bench'" nbd-server -C /tmp/nbd.conf

check "NVMe/TCP target 'bench' on brd" nvmet_setup "$MEMX_IP"

bench_cpu_sampler
lab_signal bsrv-up

# A profile run: perf while the client asks, its report beside the client's.
perf_server() {
	while :; do
		lab_wait perf-start "$MEMX_TIMEOUT" || return 0
		bench_perf_start
		lab_signal perf-ready
		lab_wait perf-stop 600
		bench_perf_stop "$(cat /lab/bench/perf/name)"
		lab_signal perf-done
		while [ -e /lab/signals/perf-stop ]; do sleep 0.2; done
	done
}
[ "$MEMX_PROFILE" = 1 ] && perf_server &

# echo_for TAG: the raw-socket echo, from TAG-start to TAG-done.
# Waits for the client's next step are bounded by the run's own cap
# (MEMX_TIMEOUT, bench.py's TIMEOUT): a full run's jobs before MTU 9000
# take most of an hour.
echo_for() {
	lab_wait "$1-start" "$MEMX_TIMEOUT"
	pid=$("$MEMX_TREE/tests/lab/tools/rawping" echo eth0 --background)
	lab_signal "$1-ready"
	lab_wait "$1-done" 600
	kill $pid
}

# Requests from the client, in the order it makes them.
echo_for floor

if [ "$MEMX_QUICK" = 0 ]; then
	lab_wait mtu9000 "$MEMX_TIMEOUT"
	ip link set eth0 mtu 9000
	# vblade sizes its frames to the MTU it finds at start.
	kill "$(cat /tmp/vblade.pid)"
	sleep 1
	start_vblade eth0
	lab_signal bsrv-mtu9000
	echo_for floor9000
fi

lab_wait bench-done "$MEMX_TIMEOUT"
cp /tmp/cpu-"$MEMX_NAME".log /lab/bench/
check "memx_server gave every page back" grep -qx "granted_pages 0" /sys/kernel/debug/memx_server/stats
