# Helpers for the role of a Xen Dom0 guest (lab.guest(..., dom0_mb=N)):
# what Xen's init scripts would do, without an init system, and the
# DomUs the scenario prepared with lab.domu. Source after guest-lib.sh.
# shellcheck shell=sh

XEN_BIN=/usr/lib/xen-4.17/bin

# xen_start: the Xen drivers and daemons, and a bridge xenbr0 that the
# guest's NIC joins (its address moves to the bridge) so that DomUs are on
# the lab's LAN.
xen_start() {
	for m in xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd \
		xen-blkback xen-netback bridge; do
		modprobe "$m" || return
	done
	mount -t xenfs xenfs /proc/xen || return
	# The hotplug scripts' lock reads /dev/stdin: without udev, nobody
	# made these links, and it waits forever.
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mkdir -p /run/xen /run/xenstored /var/lib/xen /var/lib/xenstored \
		/var/log/xen "/lab/$MEMX_NAME.xen"
	xenstored --pid-file=/run/xenstored.pid || return
	xenconsoled --pid-file=/run/xenconsoled.pid --log=guest \
		--log-dir="/lab/$MEMX_NAME.xen" || return
	"$XEN_BIN/xen-init-dom0" || return
	ip link add xenbr0 type bridge || return
	ip link set xenbr0 mtu "$MEMX_MTU"
	ip addr flush dev eth0
	ip link set eth0 master xenbr0 || return
	ip link set xenbr0 up
	ip addr add "$MEMX_IP/24" dev xenbr0
	echo "memx-lab: Xen $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor) up, Dom0 $(free -m | awk '/^Mem:/ { print $2 }') MiB"
}

# xen_domu_start NAME: start the DomU the scenario prepared (/lab/NAME.cfg).
xen_domu_start() {
	xl create -q "/lab/$1.cfg" && return
	tail -20 /var/log/xen/xl-"$1".log /var/log/xen/*hotplug* 2>/dev/null
	# Hotplug scripts have 40 s under TCG, which a busy machine can miss.
	echo "memx-lab: xl create $1 failed; once more"
	xl destroy "$1" 2>/dev/null
	sleep 5
	xl create -q "/lab/$1.cfg"
}

# xen_domu_running NAME: the domain exists.
xen_domu_running() {
	xl domid "$1" >/dev/null 2>&1
}

# xen_domu_wait NAME SECONDS: wait for a DomU to power off and check that
# its role passed (its console holds the verdict); destroy it at the limit.
xen_domu_wait() {
	n=$(($2 * 2))
	while xen_domu_running "$1"; do
		n=$((n - 1))
		if [ $n -le 0 ]; then
			echo "memx-lab: DomU $1 still running after $2 s; destroying it"
			xl destroy "$1"
			return 1
		fi
		sleep 0.5
	done
	grep -q '^memx-lab: verdict pass' "/lab/$MEMX_NAME.xen/guest-$1.log"
}

# xen_stop: no DomU left, daemons stopped.
xen_stop() {
	for d in $(xl list | awk 'NR > 2 { print $1 }'); do
		xl destroy "$d"
	done
	kill "$(cat /run/xenconsoled.pid)" 2>/dev/null || true
}
