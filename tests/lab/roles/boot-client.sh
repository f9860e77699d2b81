# A client booting systemd (boot.py), memx-swap.service enabled with
# /etc/memx/swap.conf: SIZE=64M LABEL=boot PRIORITY=10. Each boot, swap
# on memx is up with that priority and label, as the journal says. The
# first boot pushes a process's 32 MiB to that swap and reboots: the
# shutdown's swapoff must read them back before the network goes (the
# scenario reads the console). The second boot ends with a verdict and
# powers off.
# shellcheck shell=sh
lab_plan 5
check "memx-swap.service active after boot" systemctl is-active --quiet memx-swap.service
dev=$(memxctl show boot | awk '$1 == "name:" { print $2 }')
echo "memx-lab: swap device ${dev:-none}"
cat /proc/swaps
check "swap on /dev/$dev, priority 10" \
	awk -v d="/dev/$dev" '$1 == d && $5 == 10 { on = 1 } END { exit !on }' /proc/swaps
check "memxctl devices: it is labelled boot, 64 MiB" \
	eval "memxctl devices | grep -q '^$dev *boot *64M '"
check "/dev/disk/by-id/memx-boot is it (udev)" \
	lab_within 10 eval "[ \"\$(readlink -f /dev/disk/by-id/memx-boot)\" = /dev/$dev ]"
check "the journal says memx-boot waited for the server and swapped on" \
	eval "journalctl -b -u memx-swap.service | grep 'memx-boot: swap on /dev/$dev'"
if [ "${MEMX_BOOT:-0}" = 0 ]; then
	lab_plan 1
	# swap_used_mb: MiB in use on the memx swap device.
	swap_used_mb() {
		awk -v d="/dev/$dev" '$1 == d { print int($4 / 1024) }' /proc/swaps
	}
	# A process holding 32 MiB in a cgroup that may keep 8 in RAM: the
	# rest goes to memx. It lives on past the role, till the shutdown's end.
	lab_in_memcg 8 python3 -c 'import os, time; b = os.urandom(32 << 20); time.sleep(1e9)' &
	check "32 MiB of a process pushed to swap on memx" lab_within 120 eval '[ "$(swap_used_mb)" -ge 20 ]'
	# Room again, so that swapoff can bring the pages back.
	echo max >/sys/fs/cgroup/job/memory.max
	cat /proc/swaps
	lab_reboot_after
	lab_signal cli-rebooting
fi
