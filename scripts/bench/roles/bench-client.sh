# The benchmark's client: the same fio jobs and the same swap workload on
# memx and on every peer (AoE, NBD, NVMe/TCP, served from bsrv's RAM), on
# its own virtual disk, on local RAM (brd, the ceiling) and on zram; the
# RMAP page round trip beside the raw-socket floor. Results go to
# /lab/bench for scripts/bench/report.
# shellcheck shell=sh
. "$MEMX_TREE/scripts/bench/roles/bench-lib.sh"
mb=$MEMX_DEV_MB
tools=$MEMX_TREE/tests/lab/tools
out=/lab/bench
mkdir -p $out/fio $out/swap $out/ping
bench_cpu_sampler

lab_wait bsrv-up 600
srv_mac=$(lab_mac bsrv)
srv_ip=$(lab_ip bsrv)

memx_attach() {
	memx_modprobe memx_client size_mb="$mb" nr_devices=1 &&
	lab_within 30 grep -q "^$srv_mac .* server alive" /sys/kernel/debug/rmap/peers
}

aoe_attach() {
	modprobe aoe aoe_iflist=eth0 2>/dev/null || modprobe aoe || return
	aoe-discover
	lab_within 30 test -b /dev/etherd/e0.0
}

nbd_attach() {
	modprobe nbd nbds_max=1 &&
	timeout 60 nbd-client "$srv_ip" /dev/nbd0 -N bench -b 4096 >>$out/nbd-client.log 2>&1 &&
	lab_within 10 test "$(cat /sys/block/nbd0/size)" -gt 0
}

nvme_attach() {
	modprobe nvme-tcp &&
	timeout 60 nvme connect -t tcp -a "$srv_ip" -s 4420 -n bench --hostnqn="$(nvme gen-hostnqn)" \
		>/dev/null &&
	lab_within 30 test -b /dev/nvme0n1
}

local_attach() {
	modprobe virtio_blk &&
	lab_within 10 test -b /dev/vda &&
	modprobe brd rd_nr=1 rd_size=$((mb * 1024)) &&
	modprobe zram num_devices=1 &&
	echo "${mb}M" >/sys/block/zram0/disksize
}

check "memx_client attaches, server found" memx_attach
check "AoE target e0.0 found" aoe_attach
check "NBD export attached" nbd_attach
check "NVMe/TCP namespace attached" nvme_attach
check "virtual disk, brd and zram set up" local_attach

# name:device, network devices first. A profile run measures memx alone.
net_devices="memx:/dev/memx0 aoe:/dev/etherd/e0.0 nbd:/dev/nbd0 nvme-tcp:/dev/nvme0n1"
local_devices="disk:/dev/vda brd:/dev/ram0 zram:/dev/zram0"
if [ "$MEMX_PROFILE" = 1 ]; then
	net_devices="memx:/dev/memx0"
	local_devices=
fi
for d in $net_devices $local_devices; do
	dev=${d#*:}
	sched=/sys/block/$(basename "$(readlink -f "$dev")")/queue/scheduler
	# The same (no) I/O scheduler for all; not every device has one.
	[ -w "$sched" ] && echo none >"$sched" 2>/dev/null || true
done

# The swap job's memory: a sort of 2x (and 4x) that, in a memory cgroup.
if [ "$MEMX_PROFILE" = 1 ]; then
	runtime=20
	ramp=1
	depths="1 32"
	swap_x="2"
	swap_devices="memx:/dev/memx0"
	job_mb=8
elif [ "$MEMX_QUICK" = 1 ]; then
	runtime=5
	ramp=1
	depths="1 32"
	swap_x="2"
	swap_devices="memx:/dev/memx0 nbd:/dev/nbd0 disk:/dev/vda zram:/dev/zram0"
	job_mb=8
else
	runtime=15
	ramp=2
	depths="1 4 16 32"
	swap_x="2 4"
	swap_devices="$net_devices $local_devices"
	job_mb=16
fi

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

# fio_device TAG NAME DEV: fill the range, then every job.
fio_device() {
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
	check "$1 $2: 128k sequential read" fio_run "$1" "$2" "$3" measure read 128k 8
	perf_stop
	check "$1 $2: 128k sequential write" fio_run "$1" "$2" "$3" measure write 128k 8
	# RMAP's view after memx's jobs: windows, RTT, retransmits, drops.
	if [ "$2" = memx ]; then
		cat /sys/kernel/debug/rmap/peers /sys/kernel/debug/rmap/stats \
			/sys/kernel/debug/memx_client/memx0/stats >"$out/rmap-$1.txt" 2>&1 || true
	fi
}

# floor TAG SIZES: raw-socket and RMAP round trips to bsrv.
floor() {
	bench_progress "round trips at $1"
	lab_signal "$1-start"
	lab_wait "$1-ready" 120
	pings=500
	[ "$MEMX_QUICK" = 1 ] && pings=200
	sleep 1
	bench_phase "$1-raw"
	check "$1: raw-socket round trip" sh -c \
		"$tools/rawping ping eth0 $srv_mac $2 $pings 5000 >$out/ping/$1-raw-$2.txt"
	for size in $2 4096; do
		bench_phase "$1-rmap-$size"
		echo "$srv_mac $pings $size" >/sys/kernel/debug/rmap/ping
		cat /sys/kernel/debug/rmap/ping >$out/ping/"$1-rmap-$size.txt"
		check "$1: rmap ping of $size bytes" grep -q "failed 0 corrupt 0" \
			$out/ping/"$1-rmap-$size.txt"
	done
	bench_phase idle
	lab_signal "$1-done"
}

{
	echo "mode $([ "$MEMX_QUICK" = 1 ] && echo quick || echo full)"
	echo "kernel $(uname -r), 1 vCPU per VM, QEMU TCG"
	echo "devices $mb MiB each; fio $runtime s per job after $ramp s ramp, libaio, direct"
	echo "client_ram $(awk '$1 == "MemTotal:" { print int($2 / 1024) }' /proc/meminfo) MiB"
} >$out/info
# The guests' CPU use when nothing runs: subtracted from every phase.
bench_phase baseline
sleep 5
bench_phase idle
floor floor 1400
for d in $net_devices $local_devices; do
	fio_device mtu1500 "${d%%:*}" "${d#*:}"
done

# The swap workload: a sort of X times the job's memory, in a memory
# cgroup, with swap on each device in turn; and once with no limit.
swap_run() {
	name=$1
	x=$2
	dev=$3
	bench_progress "swap ${x}x on $name"
	if [ "$name" = zram ]; then
		echo 1 >/sys/block/zram0/reset &&
		echo "${mb}M" >/sys/block/zram0/disksize || return
	fi
	if [ "$dev" != none ]; then
		mkswap -f "$dev" >/dev/null && swapon "$dev" || return
	fi
	grep -E '^(pswpin|pswpout) ' /proc/vmstat >/tmp/vm.before
	bench_phase "swap-$name-${x}x"
	start=$(date +%s.%N)
	if [ "$dev" = none ]; then
		"$tools/memsort" $((job_mb * x)) >/tmp/sort.out 2>&1
	else
		lab_in_memcg "$job_mb" "$tools/memsort" $((job_mb * x)) >/tmp/sort.out 2>&1
	fi
	rc=$?
	end=$(date +%s.%N)
	bench_phase idle
	[ "$dev" = none ] || swapoff "$dev"
	{
		echo "device $name x $x job_mb $job_mb rc $rc"
		echo "seconds $(echo "$end - $start" | bc)"
		cat /tmp/sort.out
		grep -E '^(pswpin|pswpout) ' /proc/vmstat | while read -r k v; do
			echo "$k $((v - $(awk -v k="$k" '$1 == k { print $2 }' /tmp/vm.before)))"
		done
	} >"$out/swap/$name-${x}x.txt"
	return $rc
}
for x in $swap_x; do
	check "swap ${x}x: all in RAM, sorted and verified" swap_run ram "$x" none
	for d in $swap_devices; do
		check "swap ${x}x on ${d%%:*}: sorted and verified" swap_run "${d%%:*}" "$x" "${d#*:}"
	done
done

if [ "$MEMX_QUICK" = 0 ]; then
	bench_progress "MTU 9000"
	ip link set eth0 mtu 9000
	lab_signal mtu9000
	lab_wait bsrv-mtu9000 120
	# TCP sessions keep the segment size they began with, and AoE the
	# frame size it found: attach them again.
	nbd-client -d /dev/nbd0 >/dev/null 2>&1
	nvme disconnect -n bench >/dev/null
	aoe-flush -a >/dev/null 2>&1
	check "mtu 9000: AoE found again" aoe_attach
	check "mtu 9000: NBD attached again" nbd_attach
	check "mtu 9000: NVMe/TCP attached again" nvme_attach
	floor floor9000 4096
	for d in $net_devices; do
		fio_device mtu9000 "${d%%:*}" "${d#*:}"
	done
fi

bench_phase end
nbd-client -d /dev/nbd0 >/dev/null 2>&1
nvme disconnect -n bench >/dev/null
cat /sys/kernel/debug/memx_client/memx0/stats /sys/kernel/debug/memx_client/memx0/servers
check "memx: no I/O errors" grep -qx "errors 0" /sys/kernel/debug/memx_client/memx0/stats
check "rmmod memx_client" memx_rmmod memx_client
sleep 1
cp /tmp/cpu-"$MEMX_NAME".log $out/
bench_progress "done"
lab_signal bench-done
