# A Xen machine: Debian's kernel as PV Dom0, its NIC on bridge xenbr0 with
# the DomUs' vifs. In turn: a memx server in a DomU (for the LAN client
# and everyone else), MemX-DomU (a DomU swaps to memx) while MemX-Dom0 (the
# Dom0 swaps to memx), and the driver domain (the Dom0 exports one memx device
# per DomU as its disk; the DomUs swap on them at once).
# shellcheck shell=sh
# shellcheck source=/dev/null
. "$MEMX_TREE/scripts/lab/xen-lib.sh"
tools=$MEMX_TREE/tests/lab/tools
dbg=/sys/kernel/debug/memx_client
xenlog=/lab/$MEMX_NAME.xen
job_mb=${MEMX_JOB_MB:-16}
# The driver domain's DomUs, du1 to duN.
dus=$(seq 1 "${MEMX_DOMUS:-2}")
lab_plan $((19 + 6 * $(echo $dus | wc -w)))
say() {
	echo "memx-lab: $*"
}
since() {
	echo $(($(date +%s) - $1))
}

check "Xen's drivers and daemons start, eth0 joins xenbr0" xen_start
t=$(date +%s)
check "DomU xsrv starts" xen_domu_start xsrv
check "memx_server serves in DomU xsrv" lab_within 600 grep -q "^memx-lab: xsrv serving" \
	"$xenlog/guest-xsrv.log"
say "xen-time xsrv-up $(since "$t") s"
lab_signal xsrv-up
lab_wait srv1-up 600

# MemX-DomU and MemX-Dom0 at once (each job checks its own result).
t=$(date +%s)
check "DomU xcli starts" xen_domu_start xcli
# MemX-DomU moves: once its job is under way, xcli is saved and restored
# on the other Xen machine (xhost2), which sees the job through. Debian's
# Xen has no shadow paging, which a PV domain's live migration needs
# (docs/xen.md): xl save and xl restore move it, paused meanwhile. It
# stays here, paused (-p), until xhost2 says it runs there; a failed
# restore resumes it here.
move_xcli() {
	lab_within 600 grep -q "^memx-lab: check pass mkswap" "$xenlog/guest-xcli.log" || return
	lab_wait xhost2-up 600 || return
	sleep 5
	say "xl save xcli, to be restored on xhost2"
	t1=$(date +%s)
	{
		xl save -p xcli /dev/stdout 2>/tmp/xcli.save.log
		echo $? >/tmp/xcli.save.rc
	} | "$MEMX_TREE/scripts/lab/xen-pipe" connect "$(lab_ip xhost2)" 8002 >/tmp/xcli.reply
	say "xcli saved and sent in $(since "$t1") s: save $(cat /tmp/xcli.save.rc), $(tail -1 /tmp/xcli.reply)"
	if [ "$(cat /tmp/xcli.save.rc)" = 0 ] && grep -qx "xen-pipe-status 0" /tmp/xcli.reply; then
		xl destroy xcli
		return
	fi
	xl unpause xcli
	return 1
}
move_xcli >/tmp/move.log 2>&1 &
moving=$!

# MemX-Dom0: memx talks on the bridge (the port eth0 hands it its frames).
memx_modprobe rmap_proto
check "both servers discovered from the Dom0" lab_within 60 rmap_servers_seen 2
check "modprobe memx_client size_mb=$((job_mb * 4))" memx_modprobe memx_client size_mb=$((job_mb * 4))
check "mkswap /dev/memx0 && swapon" sh -c "mkswap -q /dev/memx0 && swapon /dev/memx0"
t1=$(date +%s)
check "MemX-Dom0: a $((job_mb * 3)) MiB sort in $job_mb MiB completes, verified, on memx swap" \
	lab_in_memcg "$job_mb" "$tools/memsort" $((job_mb * 3)) 0
say "job dom0 $(since "$t1") s"
check "swapoff /dev/memx0" swapoff /dev/memx0
# The seed's round trips from the Dom0: to srv1, and pages it wrote read.
lab_plan 2
check "round trip, Dom0: 4 KiB RMAP pings to srv1" lab_rtt_ping dom0 "$(lab_mac srv1)"
dom0_read() {
	dd if=/dev/urandom of=/dev/memx0 bs=1M count=1 oflag=direct status=none &&
	lab_rtt_read dom0 /dev/memx0 0
}
check "round trip, Dom0: 4 KiB direct reads of memx0" dom0_read
cat $dbg/memx0/stats $dbg/memx0/servers
# placed_on NAME [DEV]: some of DEV's (memx0's) extents live on server NAME.
placed_on() {
	awk -v m="$(lab_mac "$1")" '$1 == m && $4 > 0' "$dbg/${2:-memx0}/servers" | grep -q .
}
check "MemX-Dom0: pages on xsrv, through its vif" placed_on xsrv
check "MemX-Dom0: pages on srv1, across the LAN" placed_on srv1
check "MemX-Dom0: no I/O errors" grep -qx "errors 0" $dbg/memx0/stats

check "MemX-DomU: xcli saved mid-job and sent to xhost2 (xl save)" wait $moving
cat /tmp/move.log /tmp/xcli.save.log
check "MemX-DomU: xcli's job was still running when it left" \
	sh -c "! grep -q 'sort in .* completes' $xenlog/guest-xcli.log"
lab_wait xcli-done 900
say "xen-time memx-domu-and-dom0 $(since "$t") s"

# The driver domain: one memx device per DomU, exported as its disk.
t=$(date +%s)
add_device() {
	echo "$MEMX_DU_DEV_MB" >/sys/class/memx/add && lab_within 10 test -b "/dev/$1"
}
for i in $dus; do
	check "memx$i added for du$i" add_device "memx$i"
done
for i in $dus; do
	check "DomU du$i starts with phy:/dev/memx$i" xen_domu_start "du$i"
done
# All up: their jobs start now, together (see xen-swap.sh).
for i in $dus; do
	printf memx-go | dd of="/dev/memx$i" bs=4096 conv=sync oflag=direct status=none
done
for i in $dus; do
	check "driver domain: du$i's job on its exported memx disk passes" xen_domu_wait "du$i" 900
done
say "xen-time driver-domain $(since "$t") s"
# Each DomU wrote random data past its swap area: the device behind its
# disk holds exactly that, and no two DomUs' data are alike.
tail_of() {
	dd if="/dev/$1" bs=1M skip=$((MEMX_DU_DEV_MB - 8)) count=8 iflag=direct status=none |
		sha256sum | cut -d' ' -f1
}
for i in $dus; do
	sed -n "s/^memx-lab: data du$i \([0-9a-f]*\).*/\1/p" "$xenlog/guest-du$i.log" >/tmp/du$i.sum
	check "memx$i holds du$i's data" sh -c "test -s /tmp/du$i.sum && test \"\$(cat /tmp/du$i.sum)\" = $(tail_of memx$i)"
done
# Pages blkback hands the Dom0 are grant-mapped from the DomU; those
# going to xsrv leave through its vif, where netback must not take them
# for its own grants (rmap_proto copies them).
for i in $dus; do
	check "memx$i's pages, grant-mapped from du$i, reached xsrv through its vif" placed_on xsrv "memx$i"
done
released() {
	awk '$1 == "extents_released" { exit !($2 >= 2) }' "$dbg/$1/stats"
}
for i in $dus; do
	check "du$i's discard reached memx$i: its 2 extents given back" released "memx$i"
done
check "no two DomUs' data alike" test "$(for i in $dus; do cat /tmp/du$i.sum; done | sort -u | wc -l)" -eq "$(echo $dus | wc -w)"
for d in memx0 $(for i in $dus; do echo memx$i; done); do
	echo "$d:"
	cat $dbg/$d/stats $dbg/$d/servers
done
check "no I/O errors on the Dom0's devices" sh -c "! grep -h '^errors ' $dbg/memx*/stats | grep -qv '^errors 0$'"
check "rmmod memx_client rmap_proto" memx_rmmod memx_client rmap_proto

lab_wait lan-cli-done 900
check "xl shutdown xsrv" xl shutdown xsrv
check "DomU xsrv served and stopped cleanly" xen_domu_wait xsrv 300
lab_signal cli-done
xen_stop
