# Helpers the benchmark's guest roles share (sourced after guest-lib.sh).
# shellcheck shell=sh

mkdir -p /lab/bench

# bench_phase NAME: tell every guest's CPU sampler that NAME starts now.
bench_phase() {
	echo "$1" >/lab/bench/phase
}

# bench_progress MESSAGE: a line the host prints while the run goes on.
bench_progress() {
	echo "$(date +%T) $MEMX_NAME: $*" >>/lab/bench/progress
}

# bench_cpu_sampler: log the CPU ticks of each phase to /tmp/cpu-NAME.log
# (tests/lab/tools/cpuphase.c; it never forks, so it costs nothing).
bench_cpu_sampler() {
	"$MEMX_TREE/tests/lab/tools/cpuphase" /lab/bench/phase /tmp/cpu-"$MEMX_NAME".log &
}

# bench_perf_start: a flat system-wide profile (no call graphs, no build
# ids: both make perf slow to start and stop under emulation).
# perf takes many seconds to start there: it starts disabled and returns
# only once perf acknowledged "enable" on its control fifo.
bench_perf_start() {
	rm -f /tmp/perf.ctl /tmp/perf.ack
	mkfifo /tmp/perf.ctl /tmp/perf.ack
	perf record -q -a -B -F 999 -e cpu-clock -D -1 \
		--control fifo:/tmp/perf.ctl,/tmp/perf.ack -o /tmp/perf.data >/dev/null 2>&1 &
	echo $! >/tmp/perf.pid
	timeout 120 sh -c 'echo enable >/tmp/perf.ctl && read -r ack </tmp/perf.ack' || true
}

# bench_perf_stop NAME: stop it (bounded) and write its report as NAME.
bench_perf_stop() {
	pid=$(cat /tmp/perf.pid)
	kill -INT "$pid"
	n=300
	while kill -0 "$pid" 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.2
		n=$((n - 1))
	done
	kill -9 "$pid" 2>/dev/null || true
	timeout 300 perf report -i /tmp/perf.data --stdio --sort sym 2>/dev/null |
		grep -v '^$' | head -200 >"/lab/bench/perf/$1-$MEMX_NAME.txt" || true
}
