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

# The disks: vda with the host's cache off (a disk that is a disk), vdb
# through the host's page cache, and hdd: vda behind dm-delay, each I/O
# late by a 7200 rpm disk's service time (8 ms: an average seek and half
# a turn, as the seed's disk; sequential I/O pays it too). It exists only
# while it is measured: it holds vda, where swapon would find it busy.
# No udev here: dmsetup makes the node itself.
hdd_ms=8
hdd_up() {
	dmsetup create hdd --noudevsync --table "0 $((mb * 2048)) delay /dev/vda 0 $hdd_ms" &&
	dmsetup mknodes hdd && test -b /dev/mapper/hdd
}
hdd_down() {
	dmsetup remove --noudevsync hdd
}
# on_device NAME CMD...: CMD, with device NAME set up around it if it is hdd.
on_device() {
	if [ "$1" != hdd ]; then
		shift
		"$@"
		return
	fi
	shift
	hdd_up || return
	"$@"
	on_rc=$?
	hdd_down || return
	return $on_rc
}
local_attach() {
	modprobe virtio_blk &&
	lab_within 10 test -b /dev/vda && lab_within 10 test -b /dev/vdb &&
	modprobe dm_delay && hdd_up && hdd_down &&
	modprobe brd rd_nr=1 rd_size=$((mb * 1024)) &&
	modprobe zram num_devices=1 &&
	echo "${mb}M" >/sys/block/zram0/disksize
}

check "memx_client attaches, server found" memx_attach
check "AoE target e0.0 found" aoe_attach eth0
check "NBD export attached" nbd_attach "$srv_ip"
check "NVMe/TCP namespace attached" nvme_attach "$srv_ip"
check "virtual disks (cache off, page cache, 8 ms), brd and zram set up" local_attach

# name:device, network devices first. A profile run measures memx and,
# beside it, NVMe/TCP (where the CPU goes in each).
net_devices="memx:/dev/memx0 aoe:/dev/etherd/e0.0 nbd:/dev/nbd0 nvme-tcp:/dev/nvme0n1"
local_devices="disk:/dev/vda disk-cached:/dev/vdb hdd:/dev/mapper/hdd brd:/dev/ram0 zram:/dev/zram0"
if [ "$MEMX_PROFILE" = 1 ]; then
	net_devices="memx:/dev/memx0 nvme-tcp:/dev/nvme0n1"
	local_devices=
fi
for d in $net_devices $local_devices; do
	dev=${d#*:}
	sched=/sys/block/$(basename "$(readlink -f "$dev")")/queue/scheduler
	# The same (no) I/O scheduler for all; not every device has one.
	[ -w "$sched" ] && echo none >"$sched" 2>/dev/null || true
done

# The swap job's memory: a sort of 2x (and 4x) that, in a memory cgroup.
# The seed's other workloads (jobs) at the same sizes, on fewer devices,
# and the sort of the largest size with a growing share of it remote
# (sweep: the cgroup holds 75, 50, 25% of it).
if [ "$MEMX_PROFILE" = 1 ]; then
	swap_x="2"
	swap_devices="memx:/dev/memx0"
	job_mb=8
	jobs_devices=
	sweep_devices=
elif [ "$MEMX_QUICK" = 1 ]; then
	swap_x="2"
	swap_devices="memx:/dev/memx0 nbd:/dev/nbd0 disk:/dev/vda hdd:/dev/mapper/hdd zram:/dev/zram0"
	job_mb=8
	jobs_devices="memx:/dev/memx0 disk:/dev/vda hdd:/dev/mapper/hdd"
	sweep_devices="memx:/dev/memx0 disk:/dev/vda"
else
	swap_x="2 4"
	swap_devices="$net_devices $local_devices"
	job_mb=16
	jobs_devices="memx:/dev/memx0 nbd:/dev/nbd0 nvme-tcp:/dev/nvme0n1 disk:/dev/vda"
	jobs_devices="$jobs_devices disk-cached:/dev/vdb hdd:/dev/mapper/hdd"
	sweep_devices="memx:/dev/memx0 nbd:/dev/nbd0 disk:/dev/vda"
fi
jobs="memkv spmv"
sweep_pct="75 50 25"
n_x=$(echo $swap_x | wc -w)
n_jobs=0
[ -z "$jobs_devices" ] || n_jobs=$((n_x * $(echo $jobs | wc -w) * (1 + $(echo $jobs_devices | wc -w))))
# The sweep's share that is the swap run's is not run again.
n_sweep=$((($(echo $sweep_pct | wc -w) - 1) * $(echo $sweep_devices | wc -w)))
# Checks: the attachments (5), the swap runs, the jobs, the sweep, the
# end (2); floor and fio_device plan their own.
lab_plan $((7 + n_x * (1 + $(echo $swap_devices | wc -w)) + n_jobs + n_sweep))

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
		echo "mode profile (memx and NVMe/TCP, perf on)"
	else
		echo "mode $([ "$MEMX_QUICK" = 1 ] && echo quick || echo full)"
	fi
	echo "kernel $(uname -r), 1 vCPU per VM, QEMU TCG"
	kf=$(cat /sys/module/rmap_proto/parameters/key_file 2>/dev/null)
	if [ -n "$kf" ] && [ "$kf" != "(null)" ]; then
		echo "memx_frames authenticated with a cluster key"
	else
		echo "memx_frames without a cluster key, as the peers (make bench-auth: what a key costs)"
	fi
	echo "devices $mb MiB each; fio $runtime s per job after $ramp s ramp, libaio, direct"
	echo "client_ram $(awk '$1 == "MemTotal:" { print int($2 / 1024) }' /proc/meminfo) MiB"
} >$out/info
# The guests' CPU use when nothing runs: subtracted from every phase.
bench_phase baseline
sleep 5
bench_phase idle
floor floor 1400
for d in $net_devices $local_devices; do
	on_device "${d%%:*}" fio_device mtu1500 "${d%%:*}" "${d#*:}"
done

# job_run WORKLOAD NAME X DEV LIMIT FILE: WORKLOAD (tests/lab/tools:
# memsort, memkv, spmv) of X times the job's memory, in a memory cgroup
# of LIMIT MiB (0: no limit, and DEV none: no swap), with swap on DEV
# (device NAME); its output, time and swap counters to FILE.
job_run() {
	w=$1 name=$2 x=$3 dev=$4 limit=$5 file=$6
	if [ "$name" = zram ]; then
		echo 1 >/sys/block/zram0/reset &&
		echo "${mb}M" >/sys/block/zram0/disksize || return
	fi
	if [ "$dev" != none ]; then
		mkswap -f "$dev" >/dev/null && swapon "$dev" || return
	fi
	grep -E '^(pswpin|pswpout) ' /proc/vmstat >/tmp/vm.before
	bench_phase "$(basename "$file" .txt)"
	# A cgroup whose every page is under write-back to a slow swap device
	# can be OOM-killed (seen once with NVMe/TCP in a full run): that run
	# is counted (oom_kills) and made again, twice at most.
	oom=0
	while :; do
		# A fresh cgroup each time: its memory.events count this run only.
		rmdir /sys/fs/cgroup/job 2>/dev/null
		start=$(date +%s.%N)
		if [ "$limit" = 0 ]; then
			"$tools/$w" $((job_mb * x)) >/tmp/job.out 2>&1
		else
			lab_in_memcg "$limit" "$tools/$w" $((job_mb * x)) >/tmp/job.out 2>&1
		fi
		rc=$?
		end=$(date +%s.%N)
		[ $rc = 137 ] && [ $oom -lt 2 ] && [ "$limit" != 0 ] &&
			[ "$(awk '$1 == "oom_kill" { print $2 }' /sys/fs/cgroup/job/memory.events)" -gt 0 ] ||
			break
		oom=$((oom + 1))
	done
	bench_phase idle
	[ "$dev" = none ] || swapoff "$dev"
	{
		echo "device $name x $x job_mb $job_mb limit_mb $limit workload $w rc $rc"
		echo "seconds $(echo "$end - $start" | bc)"
		echo "oom_kills $oom"
		cat /tmp/job.out
		grep -E '^(pswpin|pswpout) ' /proc/vmstat | while read -r k v; do
			echo "$k $((v - $(awk -v k="$k" '$1 == k { print $2 }' /tmp/vm.before)))"
		done
	} >"$file"
	return $rc
}

# The swap workload: a sort of X times the job's memory, in a memory
# cgroup, with swap on each device in turn; and once with no limit.
mkdir -p $out/jobs $out/sweep
for x in $swap_x; do
	bench_progress "swap ${x}x"
	check "swap ${x}x: all in RAM, sorted and verified" \
		job_run memsort ram "$x" none 0 "$out/swap/ram-${x}x.txt"
	for d in $swap_devices; do
		check "swap ${x}x on ${d%%:*}: sorted and verified" on_device "${d%%:*}" \
			job_run memsort "${d%%:*}" "$x" "${d#*:}" "$job_mb" "$out/swap/${d%%:*}-${x}x.txt"
	done
done
for w in $jobs; do
	for x in $swap_x; do
		[ -n "$jobs_devices" ] || continue
		bench_progress "$w ${x}x"
		check "$w ${x}x: all in RAM, verified" \
			job_run "$w" ram "$x" none 0 "$out/jobs/$w-ram-${x}x.txt"
		for d in $jobs_devices; do
			check "$w ${x}x on ${d%%:*}: verified" on_device "${d%%:*}" \
				job_run "$w" "${d%%:*}" "$x" "${d#*:}" "$job_mb" "$out/jobs/$w-${d%%:*}-${x}x.txt"
		done
	done
done
# The largest sort, with 75, 50 and 25% of it local (100% is all in RAM,
# 100/X% the swap run above).
x=${swap_x##* }
for pct in $sweep_pct; do
	[ -n "$sweep_devices" ] && [ $((pct * x)) != 100 ] || continue
	bench_progress "sort ${x}x with ${pct}% local"
	for d in $sweep_devices; do
		check "sort ${x}x, ${pct}% local, on ${d%%:*}: sorted and verified" on_device "${d%%:*}" \
			job_run memsort "${d%%:*}" "$x" "${d#*:}" $((job_mb * x * pct / 100)) \
			"$out/sweep/${d%%:*}-${pct}.txt"
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
