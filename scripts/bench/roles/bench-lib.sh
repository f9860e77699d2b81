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

# bench_cpu_sampler: each time the phase changes, log "PHASE BUSY TOTAL"
# (cumulative /proc/stat ticks, busy = all but idle and iowait), so that
# a phase's CPU time is the difference to the next line.
bench_cpu_sampler() {
	last=
	while :; do
		p=$(cat /lab/bench/phase 2>/dev/null || echo none)
		if [ "$p" != "$last" ]; then
			awk -v p="$p" '$1 == "cpu" {
				busy = $2 + $3 + $4 + $7 + $8 + $9
				print p, busy, busy + $5 + $6 }' /proc/stat >>/tmp/cpu-"$MEMX_NAME".log
			last=$p
		fi
		sleep 0.1
	done
}
