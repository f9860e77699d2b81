# Helpers the benchmark's guest roles share (sourced after guest-lib.sh).
# shellcheck shell=sh

mb=$MEMX_DEV_MB
out=/lab/bench
mkdir -p $out/fio

# fio's seconds per job (after a ramp) and queue depths of random reads.
if [ "$MEMX_PROFILE" = 1 ]; then
	runtime=20
	ramp=1
	depths="1 32"
elif [ "$MEMX_QUICK" = 1 ]; then
	runtime=5
	ramp=1
	depths="1 32"
else
	runtime=15
	ramp=2
	depths="1 4 16 32"
fi

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

# peer_files: the tmpfs files vblade and nbd-server serve, and the
# latter's configuration (export "bench").
peer_files() {
	mkdir -p /srv/bench &&
	mount -t tmpfs -o size=$((2 * mb + 8))M bench /srv/bench &&
	truncate -s "${mb}M" /srv/bench/aoe.img /srv/bench/nbd.img || return
	printf '[generic]\n[bench]\nexportname = /srv/bench/nbd.img\n' >/tmp/nbd.conf
}

# start_vblade IFACE [CMD...]: AoE target e0.0 on IFACE, run by CMD.
start_vblade() {
	iface=$1
	shift
	"$@" vblade 0 0 "$iface" /srv/bench/aoe.img >>/tmp/vblade.log 2>&1 &
	echo $! >/tmp/vblade.pid
}

# nvmet_setup ADDR [CMD...]: the kernel NVMe/TCP target "bench" on a brd
# RAM disk, listening on ADDR:4420. The port's socket is made by the
# process that links it, in that process's network namespace: CMD (such
# as "ip netns exec far") runs that step.
nvmet_setup() {
	addr=$1
	shift
	modprobe brd rd_nr=1 rd_size=$((mb * 1024)) &&
	modprobe nvmet-tcp || return
	mount -t configfs none /sys/kernel/config 2>/dev/null || true
	cfg=/sys/kernel/config/nvmet
	mkdir $cfg/subsystems/bench &&
	echo 1 >$cfg/subsystems/bench/attr_allow_any_host &&
	mkdir $cfg/subsystems/bench/namespaces/1 &&
	echo -n /dev/ram0 >$cfg/subsystems/bench/namespaces/1/device_path &&
	echo 1 >$cfg/subsystems/bench/namespaces/1/enable &&
	mkdir $cfg/ports/1 &&
	echo tcp >$cfg/ports/1/addr_trtype &&
	echo ipv4 >$cfg/ports/1/addr_adrfam &&
	echo "$addr" >$cfg/ports/1/addr_traddr &&
	echo 4420 >$cfg/ports/1/addr_trsvcid &&
	"$@" ln -s $cfg/subsystems/bench $cfg/ports/1/subsystems/bench
}

# aoe_attach IFACE, nbd_attach IP, nvme_attach IP: the peers' client
# sides, each attached as its users would and bounded in time.
aoe_attach() {
	modprobe aoe aoe_iflist="$1" 2>/dev/null || modprobe aoe || return
	aoe-discover
	lab_within 30 test -b /dev/etherd/e0.0
}

nbd_attach() {
	modprobe nbd nbds_max=1 &&
	timeout 60 nbd-client "$1" /dev/nbd0 -N bench -b 4096 >>$out/nbd-client.log 2>&1 &&
	lab_within 10 test "$(cat /sys/block/nbd0/size)" -gt 0
}

nvme_attach() {
	modprobe nvme-tcp &&
	timeout 60 nvme connect -t tcp -a "$1" -s 4420 -n bench --hostnqn="$(nvme gen-hostnqn)" \
		>/dev/null &&
	lab_within 30 test -b /dev/nvme0n1
}

# fio_run TAG NAME DEV SECTION RW BS QD: one fio measurement, JSON to /lab.
fio_run() {
	bench_phase "$1-$2-$5-$6-qd$7"
	DEV=$3 RW=$5 BS=$6 QD=$7 SIZE=$mb RUNTIME=$runtime RAMP=$ramp \
		fio "$MEMX_TREE/scripts/bench/fio/bench.fio" --section="$4" \
		--eta=never --output-format=json --output="$out/fio/$1-$2-$5-$6-qd$7.json"
	rc=$?
	bench_phase idle
	return $rc
}

# perf_start NAME, perf_stop: a system-wide profile of this guest (and,
# through signals, of bsrv) while NAME runs; reports go to /lab/bench/perf.
perf_start() {
	[ "$MEMX_PROFILE" = 1 ] || return 0
	mkdir -p $out/perf
	echo "$1" >$out/perf/name
	lab_signal perf-start
	bench_perf_start
	lab_wait perf-ready 180
}

perf_stop() {
	[ "$MEMX_PROFILE" = 1 ] || return 0
	lab_signal perf-stop
	bench_perf_stop "$(cat $out/perf/name)"
	rm -f /lab/signals/perf-start
	lab_wait perf-done 600
	rm -f /lab/signals/perf-done /lab/signals/perf-stop /lab/signals/perf-ready
}

# frames_before NAME, frames_after NAME JOB: memx's requests and frames
# each way during a job, summed over the rows of the servers it asks
# (over veth, the one kernel is also the server that answers, and sees
# its client as a server too: that row has no requests), to
# $out/frames/JOB.txt (the report gives frames per request).
rmap_sums() {
	awk 'NR == 1 { for (i = 2; i <= NF; i++) c[$i] = i - 1 }
		$3 == "server" && $c["requests"] > 0 {
			r += $c["requests"]; t += $c["tx_frames"]; x += $c["rx_frames"];
			rt += $c["retransmits"] }
		END { print r + 0, t + 0, x + 0, rt + 0 }' /sys/kernel/debug/rmap/peers
}
frames_before() {
	[ "$1" = memx ] || return 0
	rmap_sums >/tmp/frames.before
}
frames_after() {
	[ "$1" = memx ] || return 0
	mkdir -p $out/frames
	rmap_sums | {
		read -r r t x rt
		read -r r0 t0 x0 rt0 </tmp/frames.before
		echo "requests $((r - r0)) tx_frames $((t - t0)) rx_frames $((x - x0))" \
			"retransmits $((rt - rt0)) mtu $(cat /sys/class/net/eth0/mtu 2>/dev/null)"
	} >"$out/frames/$2.txt"
}

# fio_device TAG NAME DEV: fill the range, then every job.
fio_device() {
	lab_plan $((5 + $(echo $depths | wc -w)))
	bench_progress "fio $1 on $2 ($3)"
	# fio would create a file where a device is missing.
	if ! test -b "$3"; then
		check "$1 $2: $3 is a block device" false
		return 0
	fi
	check "$1 $2: fill $mb MiB" fio_run "$1" "$2" "$3" fill write 1m 4
	for qd in $depths; do
		if [ "$qd" = 32 ]; then perf_start "$1-$2-randread-qd32"; fi
		check "$1 $2: 4k random read qd$qd" fio_run "$1" "$2" "$3" measure randread 4k "$qd"
		if [ "$qd" = 32 ]; then perf_stop; fi
	done
	check "$1 $2: 4k random write qd1" fio_run "$1" "$2" "$3" measure randwrite 4k 1
	check "$1 $2: 4k random write qd32" fio_run "$1" "$2" "$3" measure randwrite 4k 32
	perf_start "$1-$2-read-128k"
	frames_before "$2"
	check "$1 $2: 128k sequential read" fio_run "$1" "$2" "$3" measure read 128k 8
	frames_after "$2" "$1-read-128k"
	perf_stop
	frames_before "$2"
	check "$1 $2: 128k sequential write" fio_run "$1" "$2" "$3" measure write 128k 8
	frames_after "$2" "$1-write-128k"
	# RMAP's view after memx's jobs: windows, RTT, retransmits, drops.
	if [ "$2" = memx ]; then
		cat /sys/kernel/debug/rmap/peers /sys/kernel/debug/rmap/stats \
			/sys/kernel/debug/memx_client/memx0/stats >"$out/rmap-$1.txt" 2>&1 || true
	fi
}

# bench_auth_params MODE: rmap_proto's parameters in a mode of the
# protection benchmark (scripts/bench/auth.py): none, auth, encrypt.
bench_auth_params() {
	case $1 in
	none) echo "" ;;
	auth) echo "key_file=/lab/bench-auth.key" ;;
	encrypt) echo "key_file=/lab/bench-auth.key encrypt=1" ;;
	esac
}
