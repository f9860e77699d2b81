# The second topology: client and server in this one guest, joined by
# veth pairs, so that no NIC is emulated and each protocol's own CPU cost
# per I/O shows. memx: rmap_proto on the pair vm0-vm1, memx_server and
# memx_client both in this kernel (the client finds the server through
# either end). The peers' servers run in the network namespace "far"
# behind the pair pa0-pa1: vblade on pa1, nbd-server and the NVMe/TCP
# target's port at 10.98.0.2; their clients on pa0. The same fio jobs as
# the two-VM run, tagged "veth"; CPU is this guest's, both ends together.
# shellcheck shell=sh
lab_plan 12
. "$MEMX_TREE/scripts/bench/roles/bench-lib.sh"
far_ip=10.98.0.2
# nsenter, not "ip netns exec": the latter mounts its own /sys, which
# hides the configfs the NVMe target is set up through.
in_far="nsenter --net=/run/netns/far"

veth_setup() {
	ip link add vm0 type veth peer name vm1 &&
	ip link add pa0 type veth peer name pa1 &&
	ip netns add far &&
	ip link set pa1 netns far &&
	ip addr add 10.98.0.1/24 dev pa0 &&
	ip -n far addr add "$far_ip/24" dev pa1 &&
	for i in vm0 vm1 pa0; do ip link set "$i" up || return; done &&
	ip -n far link set pa1 up &&
	ip -n far link set lo up
}

memx_attach() {
	memx_modprobe rmap_proto ifaces=vm0,vm1 &&
	memx_modprobe memx_server capacity_mb="$mb" &&
	memx_modprobe memx_client size_mb="$mb" nr_devices=1 &&
	lab_within 30 grep -q " server alive" /sys/kernel/debug/rmap/peers
}

check "veth pairs vm0-vm1, pa0-pa1 (pa1 in netns far)" veth_setup
check "memx server and client in one kernel over vm0-vm1" memx_attach
check "tmpfs files for vblade and nbd-server" peer_files
# shellcheck disable=SC2086 # $in_far is a command and its arguments
check "vblade exports AoE e0.0 on pa1" start_vblade pa1 $in_far
# shellcheck disable=SC2086
check "nbd-server exports 'bench' in netns far" $in_far nbd-server -C /tmp/nbd.conf
# shellcheck disable=SC2086
check "NVMe/TCP target 'bench' in netns far" nvmet_setup "$far_ip" $in_far
check "AoE target e0.0 found on pa0" aoe_attach pa0
check "NBD export attached" nbd_attach "$far_ip"
check "NVMe/TCP namespace attached" nvme_attach "$far_ip"
for dev in memx0 etherd!e0.0 nbd0 nvme0n1; do
	sched=/sys/block/$dev/queue/scheduler
	[ -w "$sched" ] && echo none >"$sched" 2>/dev/null || true
done

bench_cpu_sampler
# This guest's CPU use when nothing runs: subtracted from every phase.
bench_phase baseline
sleep 5
bench_phase idle
for d in memx:/dev/memx0 aoe:/dev/etherd/e0.0 nbd:/dev/nbd0 nvme-tcp:/dev/nvme0n1; do
	fio_device veth "${d%%:*}" "${d#*:}"
done
bench_phase end

nbd-client -d /dev/nbd0 >/dev/null 2>&1
nvme disconnect -n bench >/dev/null
check "veth memx: no I/O errors" grep -qx "errors 0" /sys/kernel/debug/memx_client/memx0/stats
check "veth: rmmod memx_client" memx_rmmod memx_client
check "veth: memx_server gave every page back" lab_within 10 \
	grep -qx "granted_pages 0" /sys/kernel/debug/memx_server/stats
sleep 1
cp /tmp/cpu-"$MEMX_NAME".log $out/
bench_progress "done"
