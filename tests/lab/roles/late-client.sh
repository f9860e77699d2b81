# Devices added and removed at run time (/sys/class/memx), two of them
# written at once at the same offsets with different data, on one
# server; then a second server joins and takes the new extents. Data is
# checked with sha256 sums of what was written.
# shellcheck shell=sh
lab_plan 52
dbg=/sys/kernel/debug/memx_client
# MiB written to each device before and after srv2 comes; srv1 lends
# 2 * first + later / 2 (late_server.py), so it fills up and srv2 must
# take at least 3/2 * later of the 2 * later new extents. The debug
# kernel (KASAN, lockdep, kmemleak, three VMs on two host cores) moves
# a page in ~200 ms round trips: it does a quarter of the work.
if [ "$MEMX_KERNEL" = debug ]; then first=4 later=8; else first=16 later=32; fi

# put DEV MIB AT TAG: MIB MiB of random data at AT MiB of DEV, its sum kept.
put() {
	head -c "$2M" /dev/urandom >"/tmp/$4" &&
	sha256sum <"/tmp/$4" >"/tmp/$4.sum" &&
	head -c 4096 "/tmp/$4" >"/tmp/$4.head" &&
	dd if="/tmp/$4" of="/dev/$1" bs=1M seek="$3" oflag=direct status=none &&
	rm "/tmp/$4"
}

# same DEV MIB AT TAG: the device holds what put wrote there.
same() {
	dd if="/dev/$1" bs=1M skip="$3" count="$2" iflag=direct status=none |
		sha256sum | cmp -s - "/tmp/$4.sum"
}

# both CMD A B: CMD on memx0 and memx1 at the same time.
both() {
	"$1" memx0 "$2" "$3" "$4-0" &
	p=$!
	"$1" memx1 "$2" "$3" "$4-1" || { wait $p; return 1; }
	wait $p
}

# extents_on NAME: extents both devices hold on server NAME.
extents_on() {
	cat $dbg/memx*/servers | awk -v m="$(lab_mac "$1")" '$1 == m { s += $4 } END { print s / 256 }'
}

memx_modprobe rmap_proto
lab_wait srv1-up 600
check "srv1 discovered" lab_within 30 grep -q "^$(lab_mac srv1) .* server alive" \
	/sys/kernel/debug/rmap/peers
ctl=/sys/class/memx
# add_device MIB NAME [OPTIONS]: a device made at run time, of its own size.
add_device() {
	echo "$1 ${3:-}" >$ctl/add &&
	lab_within 10 test -b "/dev/$2" &&
	test "$(blockdev --getsize64 "/dev/$2")" -eq $(($1 * 1048576))
}

# Writes wait up to 5 minutes for a server with room (srv2 booting).
# One copy of each extent: placement is what this scenario watches, and
# a server restart then loses data, which must fail, never read zeroes;
# so copies stay where they were placed (balance=0; pressure.py watches
# them move to a server that came later).
check "modprobe memx_client: one 64 MiB device, one copy of each extent" \
	memx_modprobe memx_client nr_devices=1 size_mb=64 place_timeout_ms=300000 \
	lease_ms=60000 replicas=1 balance=0
check "memx tracepoints enabled: peers dead, sessions opened and lost, extents placed and lost" \
	lab_trace rmap_peer_dead memx_session_join memx_session_lost memx_extent_placed memx_extent_lost
check "echo 64 > $ctl/add makes /dev/memx1" add_device 64 memx1
check "echo '8 label=swap.b' > $ctl/add makes /dev/memx2, of 8 MiB" add_device 8 memx2 label=swap.b
# refused FILE TEXT ERROR: writing TEXT to FILE fails with ERROR (strerror).
refused() {
	test -w "$ctl/$1" || return
	! out=$(/bin/echo "$2" 2>&1 >"$ctl/$1") && case $out in *"$3"*) ;; *) false ;; esac
}
refuses_bad_sizes() {
	refused add 0 "Invalid argument" && refused add big "Invalid argument" &&
		refused add 99999999 "Invalid argument" &&
		refused add "8 replicas=0" "Invalid argument" &&
		refused add "8 replicas=3" "Invalid argument" &&
		refused add "8 copies=2" "Invalid argument"
}
check "$ctl/add refuses 0, text and too large a size, 0 or 3 copies, unknown options (EINVAL)" \
	refuses_bad_sizes
check "$ctl/devices lists the three" sh -c \
	"printf 'memx0 64 default 1\nmemx1 64 default 1\nmemx2 8 default 1 swap.b\n' | cmp -s - $ctl/devices"
refuses_bad_labels() {
	refused add "8 label=swap.b" "File exists" && refused add "8 label=../x" "Invalid argument" &&
		refused add "8 label=" "Invalid argument" &&
		refused add "8 label=abcdefghijklmnopqrstuvwxyz0123456" "Invalid argument"
}
check "$ctl/add refuses a label in use (EEXIST), and one that is no file name (EINVAL)" \
	refuses_bad_labels
# attrs DEV: DEV's sysfs attributes on one line, NAME=VALUE each.
attrs() {
	for f in size_mb tenant replicas label state extents extents_degraded extents_lost errors; do
		printf '%s=%s ' "$f" "$(cat "/sys/block/$1/memx/$f")"
	done
}
echo "memx-lab: memx2: $(attrs memx2)"
check "memx2's attributes: 8 MiB, tenant default, 1 copy, label swap.b, ok, nothing placed" \
	test "$(attrs memx2)" = "size_mb=8 tenant=default replicas=1 label=swap.b state=ok extents=0 extents_degraded=0 extents_lost=0 errors=0 "
# The tree's rule, over whatever the host has installed; guests run no
# udevd, so this evaluates the rule against memx2 as it is at "add".
mkdir -p /etc/udev/rules.d
cp "$MEMX_TREE/udev/60-memx.rules" /etc/udev/rules.d/
check "udev's rule would link /dev/disk/by-id/memx-swap.b to memx2 (udevadm test)" sh -c \
	"udevadm test --action=add /sys/block/memx2 2>&1 | grep -qF 'disk/by-id/memx-swap.b'"
# remove_open: memx2 is refused while open, removed once closed.
remove_open() {
	exec 3</dev/memx2
	refused remove memx2 "busy" || return
	exec 3<&-
	echo memx2 >$ctl/remove && ! test -e /dev/memx2 && ! grep -q memx2 $ctl/devices
}
check "$ctl/remove refuses memx2 while open, removes it once closed" remove_open
check "$ctl/remove refuses a device that does not exist (ENODEV)" \
	refused remove memx9 "No such device"
check "$first MiB written to both devices at once, same offsets" both put $first 0 a
check "each device reads back its own data" both same $first 0 a
before=$(extents_on srv1)
check "srv1 holds the $((2 * first)) extents written" test "$before" -eq $((2 * first))
# sysfs_matches DEV: DEV's sysfs counters say what its debugfs ones do.
sysfs_matches() {
	st=$dbg/$1/stats
	[ "$(cat /sys/block/$1/memx/extents)" = \
		"$(awk '$1 == "extents_placed" { p = $2 } $1 == "extents_released" { r = $2 }
			END { print p - r }' $st)" ] &&
		[ "$(cat /sys/block/$1/memx/errors)" = "$(awk '$1 == "errors" { print $2 }' $st)" ] &&
		[ "$(cat /sys/block/$1/memx/extents_lost)" = "$(awk '$1 == "extents_lost" { print $2 }' $st)" ] &&
		[ "$(cat /sys/block/$1/memx/extents_degraded)" = "$(awk '$1 == "extents_degraded" { print $2 }' $st)" ]
}
memx0_as_written() {
	[ "$(cat /sys/block/memx0/memx/extents)" -eq "$first" ] && sysfs_matches memx0
}
check "memx0's sysfs: the $first extents written, and errors, lost, degraded as debugfs says ($(attrs memx0))" \
	lab_within 5 memx0_as_written
check "traced: memx0's session on srv1 opened, its extents placed" sh -c \
	"grep -q ' memx_session_join: memx0 server=$(lab_mac srv1)' /sys/kernel/tracing/trace &&
	grep -q ' memx_extent_placed: memx0 extent=0 copies=1' /sys/kernel/tracing/trace"

# More than srv1 has room for, written while srv2 is still to boot: the
# writes beyond srv1's room wait for a server, and go on when srv2 comes.
(both put "$later" "$first" b; echo $? >/tmp/later.rc) &
lab_signal want-srv2
lab_wait srv2-up 600
check "srv2 discovered after the devices were made" lab_within 30 \
	grep -q "^$(lab_mac srv2) .* server alive" /sys/kernel/debug/rmap/peers
wait
check "$later MiB more written to both devices at once, started before srv2 came" \
	test "$(cat /tmp/later.rc)" = 0
cat $dbg/memx0/servers $dbg/memx1/servers
s1=$(extents_on srv1)
s2=$(extents_on srv2)
echo "extents: srv1 $before then $s1, srv2 $s2"
# srv1 had room for later / 2 of the 2 * later new extents at most.
check "the extents placed after srv2 came went to it (srv1 $s1, srv2 $s2)" \
	test "$s2" -ge $((3 * later / 2)) -a $((s1 + s2)) -eq $((2 * (first + later)))
check "the first writes read back intact" both same $first 0 a
check "the later writes read back intact" both same $later $first b

# Discard all of memx1 but its first page: every extent but the first is
# given back (unplaced, its server memory freed); the first only loses
# the pages discarded. memx0 is untouched.
free_on() {
	awk -v m="$(lab_mac "$1")" '$1 == m { print $8 }' /sys/kernel/debug/rmap/peers
}
free_both() {
	echo $(($(free_on srv1) + $(free_on srv2)))
}
stat1() {
	awk -v k="$1" '$1 == k { print $2 }' $dbg/memx1/stats
}
extents=$((first + later))
free_before=$(free_both)
released_before=$(stat1 extents_released)
check "blkdiscard of memx1 but its first page" blkdiscard -o 4096 -l $(((extents << 20) - 4096)) /dev/memx1
cat $dbg/memx1/stats $dbg/memx1/servers
check "memx1 gave back all its extents but the first ($((extents - 1)))" \
	test $(($(stat1 extents_released) - released_before)) -eq $((extents - 1))
check "memx1 holds one extent now" test "$(awk '{ s += $4 } END { print s }' $dbg/memx1/servers)" -eq 256
# freed_at_least PAGES: the servers advertise that many more free pages.
freed_at_least() {
	test $(($(free_both) - free_before)) -ge "$1"
}
check "the servers advertise the freed memory within 30 s" \
	lab_within 30 freed_at_least $(((extents - 1) * 256))
echo "free pages on srv1 and srv2: $free_before before, $(free_both) after"
both_memx0() {
	same memx0 "$first" 0 a-0 && same memx0 "$later" "$first" b-0
}
# memx1_is_discarded: its first page as written, then zeroes.
memx1_is_discarded() {
	dd if=/dev/memx1 bs=4096 count=1 iflag=direct status=none | cmp -s - /tmp/a-1.head &&
		dd if=/dev/memx1 bs=1M count=$extents iflag=direct status=none |
		tail -c +4097 | cmp -s -n $(((extents << 20) - 4096)) - /dev/zero
}
check "memx1 reads back its first page, then zeroes" memx1_is_discarded
check "memx0 reads back intact" both_memx0
check "memx1 written again after the discard" put memx1 "$later" "$first" c
check "... and reads back" same memx1 "$later" "$first" c
check "its extents were placed afresh" test "$(awk '{ s += $4 } END { print s / 256 }' \
	$dbg/memx1/servers)" -eq $((later + 1))
check "no I/O errors" sh -c "grep -qx 'errors 0' $dbg/memx0/stats && grep -qx 'errors 0' $dbg/memx1/stats"

# srv1 loses power and boots again (it refuses rmmod first: it holds our
# pages): our sessions there are lost with the pages they held. The client says so at once (the restart is advertised),
# reads of those pages fail rather than return zeroes, and new extents
# go to new sessions, never to a lost one.
srv1=$(lab_mac srv1)
# placed_on_srv1 LOST: pages memx0 placed on srv1, on lost sessions only if LOST is 1.
placed_on_srv1() {
	awk -v m="$srv1" -v lost="$1" '$1 == m && $11 >= lost { s += $4 } END { print s + 0 }' \
		$dbg/memx0/servers
}
placed_before=$(placed_on_srv1 0)
lost_said() {
	test "$(dmesg | grep -c "on $srv1: the server lost it")" -ge 2
}
lab_signal srv1-restart
lab_wait srv1-restarted 300
# Leases are renewed every 20 s (lease_ms=60000): only the restart's
# advertisement makes the client ask this soon.
check "the sessions srv1 lost (memx0's, memx1's) are said lost within 8 s" lab_within 8 lost_said
check "memx0's first data, on srv1, now reads as an I/O error, not zeroes" \
	sh -c "! dd if=/dev/memx0 bs=1M count=$first iflag=direct of=/dev/null status=none 2>/dev/null"
# lost_named: memx0's extents with no copy left are counted, and named
# in the log (one copy each: all those on srv1's lost sessions).
lost_named() {
	[ "$(awk '$1 == "extents_lost" { print $2 }' $dbg/memx0/stats)" -ge "$first" ] &&
		dmesg | grep -q "memx0: extent 0 (MiB 0 of the device): every copy is lost"
}
check "memx0's extents on srv1 are counted lost, and named, within 8 s" lab_within 8 lost_named
state_lost() {
	[ "$(cat /sys/block/memx0/memx/state)" = lost ] && sysfs_matches memx0
}
check "memx0's sysfs state says lost, its counters what debugfs says ($(attrs memx0))" \
	lab_within 5 state_lost
check "traced: memx0's session on srv1 lost, and its extent 0 with it" sh -c \
	"grep -q ' memx_session_lost: memx0 server=$srv1' /sys/kernel/tracing/trace &&
	grep -q ' memx_extent_lost: memx0 extent=0 ' /sys/kernel/tracing/trace"
at=$((first + later))
check "8 MiB written to memx0 where no extent was placed yet" put memx0 8 $at d
check "... and reads back" same memx0 8 $at d
cat $dbg/memx0/servers
check "no extent placed on a lost session since" test "$(placed_on_srv1 1)" -eq "$placed_before"
# srv1, empty again, has the most room: the first new extents went there.
check "a new session on srv1 took new extents" \
	awk -v m="$srv1" '$1 == m && $11 == 0 && $4 > 0 { found = 1 } END { exit !found }' \
	$dbg/memx0/servers
# no_users: no session, lost or not, counted in use by a request (the
# count that lets a lost session's slot be taken again).
no_users() {
	! cat $dbg/memx*/servers | awk '!/^#/ && $13 != 0' | grep -q .
}
check "once the I/O ended, no request counts as using a session (lost ones too)" \
	lab_within 10 no_users

# Every server loses power under I/O (late_server.py kills both): reads
# and writes of placed extents fail with EIO within the bound (RMAP's
# dead_ms, then MEMX_IO_RETRY_MS of resends at most: 35 s), nothing
# hangs (a task blocked for 50 s is reported, and fails the run), and
# memx_client unloads. Once the servers are back, a new device works.
echo 50 >/proc/sys/kernel/hung_task_timeout_secs
# io_fails CMD...: CMD fails (EIO) within 45 s; prints how long it took.
io_fails() {
	t0=$(date +%s)
	timeout 45 "$@" 2>/tmp/io.err
	rc=$?
	echo "memx-lab: '$*' ended $rc in $(($(date +%s) - t0)) s: $(head -c 200 /tmp/io.err)"
	[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q 'Input/output error' /tmp/io.err
}
# A reader keeps requests in flight across the kill, so that a server is
# found dead (a silent server with nothing asked of it ages out instead).
( while [ ! -e /tmp/.stop-reading ]; do
	dd if=/dev/memx1 of=/dev/null bs=4k skip=$((first * 256)) count=$((later * 256)) \
		iflag=direct status=none 2>/dev/null || sleep 0.2
done ) &
reader=$!
sleep 1
lab_signal kill-all
lab_wait all-killed 120
check "with every server gone, a read of placed data fails with EIO within 45 s" \
	io_fails dd if=/dev/memx1 of=/dev/null bs=1M skip="$first" count="$later" iflag=direct status=none
check "... and so does a write" \
	io_fails dd if=/dev/urandom of=/dev/memx1 bs=1M seek="$first" count=4 oflag=direct status=none
cat $dbg/memx1/stats
# The server the reader's I/O was aimed at is found dead; the other may
# age out first (it stops advertising), which is no death.
check "traced: a server found dead (memx:rmap_peer_dead)" lab_traced rmap_peer_dead "server=1"
: >/tmp/.stop-reading
lab_within 60 sh -c "! kill -0 $reader 2>/dev/null" || kill $reader
check "rmmod memx_client with every server gone, within 120 s" timeout 120 rmmod memx_client
lab_signal servers-back
lab_wait srv1-boot-2 300
lab_wait srv2-boot-1 300
check "both servers back" lab_within 30 rmap_servers_seen 2
check "modprobe memx_client again: a 16 MiB device" \
	memx_modprobe memx_client nr_devices=1 size_mb=16 replicas=1
check "8 MiB written to the new device" put memx0 8 0 e
check "... and read back" same memx0 8 0 e
check "rmmod memx_client" rmmod memx_client
lab_signal cli-done
check "rmmod rmap_proto" memx_rmmod rmap_proto
lab_leak_check
