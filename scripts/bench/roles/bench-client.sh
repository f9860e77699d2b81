# The benchmark's client: the same fio jobs and the same swap workload on
# memx and on every peer (AoE, NBD, NVMe/TCP, served from bsrv's RAM), on
# its own virtual disk, on local RAM (brd, the ceiling) and on zram; the
# RMAP page round trip beside the raw-socket floor. Results go to
# /lab/bench for scripts/bench/report.
# shellcheck shell=sh
. "$MEMX_TREE/scripts/bench/roles/bench-lib.sh"
tools=$MEMX_TREE/tests/lab/tools
mkdir -p $out/swap $out/ping
bench_cpu_sampler

lab_wait bsrv-up 600
srv_mac=$(lab_mac bsrv)
srv_ip=$(lab_ip bsrv)

memx_attach() {
	memx_modprobe memx_client size_mb="$mb" nr_devices=1 &&
	lab_within 30 grep -q "^$srv_mac .* server alive" /sys/kernel/debug/rmap/peers
}

local_attach() {
	modprobe virtio_blk &&
	lab_within 10 test -b /dev/vda &&
	modprobe brd rd_nr=1 rd_size=$((mb * 1024)) &&
	modprobe zram num_devices=1 &&
	echo "${mb}M" >/sys/block/zram0/disksize
}

check "memx_client attaches, server found" memx_attach
check "AoE target e0.0 found" aoe_attach eth0
check "NBD export attached" nbd_attach "$srv_ip"
check "NVMe/TCP namespace attached" nvme_attach "$srv_ip"
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
	swap_x="2"
	swap_devices="memx:/dev/memx0"
	job_mb=8
elif [ "$MEMX_QUICK" = 1 ]; then
	swap_x="2"
	swap_devices="memx:/dev/memx0 nbd:/dev/nbd0 disk:/dev/vda zram:/dev/zram0"
	job_mb=8
else
	swap_x="2 4"
	swap_devices="$net_devices $local_devices"
	job_mb=16
fi
# Checks: the attachments (5), the swap runs, the end (2); floor and
# fio_device plan their own.
lab_plan $((7 + $(echo $swap_x | wc -w) * (1 + $(echo $swap_devices | wc -w))))

# floor TAG SIZES: raw-socket and RMAP round trips to bsrv.
floor() {
	lab_plan 3
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
	if [ "$MEMX_PROFILE" = 1 ]; then
		echo "mode profile (memx alone, perf on)"
	else
		echo "mode $([ "$MEMX_QUICK" = 1 ] && echo quick || echo full)"
	fi
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
	lab_plan 3
	bench_progress "MTU 9000"
	ip link set eth0 mtu 9000
	lab_signal mtu9000
	lab_wait bsrv-mtu9000 120
	# TCP sessions keep the segment size they began with, and AoE the
	# frame size it found: attach them again.
	nbd-client -d /dev/nbd0 >/dev/null 2>&1
	nvme disconnect -n bench >/dev/null
	aoe-flush -a >/dev/null 2>&1
	check "mtu 9000: AoE found again" aoe_attach eth0
	check "mtu 9000: NBD attached again" nbd_attach "$srv_ip"
	check "mtu 9000: NVMe/TCP attached again" nvme_attach "$srv_ip"
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
