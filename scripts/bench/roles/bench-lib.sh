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
