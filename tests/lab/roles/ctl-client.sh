# memxctl on a client (ctl.py): every subcommand's output against the
# kernel's own files (JSON parsed by Python's json), devices added and
# removed with it, bad arguments and refusals with their exit codes,
# an unprivileged user and a network namespace of its own refused, and
# `memxctl monitor` through srv1's drain and srv2's death.
# shellcheck shell=sh
lab_plan 50
ctl="$MEMX_TREE/tools/memxctl/memxctl"
# chk WHAT ARGS...: memxctl's JSON against the kernel's files (memxctl_check.py).
chk() {
	python3 "$MEMX_TREE/tests/lab/tools/memxctl_check.py" "$@"
}
dbg=/sys/kernel/debug/memx_client
peers=/sys/kernel/debug/rmap/peers

# says TEXT CMD...: CMD fails, and its message holds TEXT.
says() {
	text=$1
	shift
	! "$@" >/tmp/says.out 2>&1 && sed 's/^/  | /' /tmp/says.out && grep -q "$text" /tmp/says.out
}

check "memxctl without memx loaded: exit 3, says how to load it" \
	eval "lab_exits 3 $ctl servers && grep -q 'modprobe memx_client' /tmp/rc.out"
check "bad arguments: exit 2 (unknown command, add without --size, bad size)" \
	eval "lab_exits 2 $ctl frobnicate && lab_exits 2 $ctl add && lab_exits 2 $ctl add --size 12Q && lab_exits 2 $ctl show"

memx_modprobe rmap_proto
# Events from here on: servers coming, devices, the drain and the death.
"$ctl" -j monitor >/tmp/events 2>/tmp/monitor.err &
monitor=$!
check "memxctl monitor listens" lab_within 60 grep -q listening /tmp/monitor.err
# The servers load memx_server once the monitor would hear them come.
lab_signal cli-listening
lab_wait srv1-up 600
lab_wait srv2-up 600
check "both servers discovered" lab_within 30 rmap_servers_seen 2
check "memxctl servers: a table with both, in human units" \
	eval "$ctl servers | tee /dev/stderr | grep -c ' alive ' | grep -qx 2"
"$ctl" -j servers >/tmp/servers.json
check "memxctl -j servers: what rmap's peer table says of each" \
	chk servers /tmp/servers.json $peers 2
check "modprobe memx_client: memx0, 32 MiB, two copies of each extent" \
	memx_modprobe memx_client size_mb=32 replicas=2
head -c 4M /dev/urandom >/tmp/data
sha256sum </tmp/data >/tmp/data.sum
check "4 MiB written to memx0" dd if=/tmp/data of=/dev/memx0 bs=1M oflag=direct status=none
"$ctl" -j show memx0 >/tmp/memx0.json
check "memxctl -j show memx0: its extents, servers and counters are the kernel's" \
	chk device /tmp/memx0.json $dbg/memx0/stats /sys/block/memx0/memx
check "memxctl show memx0: both servers hold its extents" \
	eval "$ctl show memx0 | tee /dev/stderr | grep -c '^  [0-9a-f]\{8\} ' | grep -qx 2"

# Devices made and removed with memxctl.
check "memxctl add --size 16M --name ctl.one: prints memx1" \
	eval "$ctl add --size 16M --name ctl.one | tee /dev/stderr | grep -q '^memx1 *ctl.one *16M '"
check "memx1 exists, 16 MiB, labelled" \
	eval 'lab_within 10 test -b /dev/memx1 && [ "$(blockdev --getsize64 /dev/memx1)" -eq 16777216 ] &&
		[ "$(cat /sys/block/memx1/memx/label)" = ctl.one ]'
"$ctl" -j add --size 8M --name two --replicas 1 >/tmp/two.json
check "memxctl -j add: memx2, as JSON" \
	python3 -c 'import json,sys; d = json.load(open("/tmp/two.json")); sys.exit(not (d["name"] == "memx2" and d["replicas"] == 1 and d["size_bytes"] == 8 << 20))'
"$ctl" -j devices >/tmp/devices.json
check "memxctl -j devices: what /sys/class/memx/devices lists" \
	chk devices /tmp/devices.json /sys/class/memx/devices
check "memxctl show by label" eval "$ctl show ctl.one | grep -q '^name: *memx1$'"
check "a label in use: refused (exit 1), says so" \
	eval "says 'another device has that label' $ctl add --size 8M --name two && lab_exits 1 $ctl add --size 8M --name two"
check "a label that is no file name: refused (exit 1)" \
	says 'a label' "$ctl" add --size 8M --name ../x
check "a size that is not whole MiB: refused (exit 1)" \
	says 'whole number of MiB' "$ctl" add --size 1000K
check "a tenant nobody has a key for: refused (exit 1)" \
	says 'no key of that name' "$ctl" add --size 8M --tenant nosuch
check "show and remove of no such device: exit 1" \
	eval "lab_exits 1 $ctl show memx9 && lab_exits 1 $ctl remove nosuch"
exec 3</dev/memx1
check "remove of an open device: refused, says why" says 'open' "$ctl" remove memx1
exec 3<&-
check "memxctl remove two, then ctl.one: both gone" \
	eval '"$ctl" remove two && "$ctl" remove ctl.one && lab_within 10 test ! -e /dev/memx2 &&
		lab_within 10 test ! -e /dev/memx1 && [ "$(wc -l </sys/class/memx/devices)" -eq 1 ]'

# Who may do what.
check "an unprivileged user may look (memxctl servers, show)" \
	eval "lab_nobody $ctl servers >/dev/null && lab_nobody $ctl show memx0 >/dev/null"
check "an unprivileged user may not add (exit 1, CAP_NET_ADMIN)" \
	says 'CAP_NET_ADMIN' lab_nobody "$ctl" add --size 8M
check "nor remove" says 'CAP_NET_ADMIN' lab_nobody "$ctl" remove memx0
# Network namespaces: srv1 tries them (the debug kernel has none).
check "nothing was added by any of them" test "$(wc -l </sys/class/memx/devices)" -eq 1

# srv1 leaves (memxctl server drain there), then lends again.
lab_signal srv1-drain
check "srv1 left and lends again (memxctl there)" lab_wait srv1-drained 600
check "memx0's copies whole again once srv1 lends (both servers hold them)" \
	lab_within 120 eval "$ctl -j show memx0 | python3 -c 'import json,sys; d = json.load(sys.stdin); sys.exit(not (d[\"state\"] == \"ok\" and len([s for s in d[\"servers\"] if s[\"extents\"] and s[\"state\"] == \"ok\"]) == 2))'"

# srv2 goes silent (its frames dropped) under writes to both copies: it
# is found dead, then heard again (this client keeps silent peers 45 s).
lab_signal blackhole-srv2
lab_wait srv2-silent 120
dd if=/tmp/data of=/dev/memx0 bs=1M oflag=direct status=none &
writer=$!
state_of() {
	"$ctl" -j servers | python3 -c "import json, sys; print({x['mac']: x['state'] for x in json.load(sys.stdin)}.get('$1', 'gone'))"
}
check "memxctl servers: silent srv2 found dead" lab_within 60 eval '[ "$(state_of "$(lab_mac srv2)")" = dead ]'
lab_signal heal-srv2
check "memxctl servers: srv2 alive again once heard" \
	lab_within 60 eval '[ "$(state_of "$(lab_mac srv2)")" = alive ]'
check "the writes went on meanwhile, and ended well" wait $writer
check "memx0 whole again: both servers hold its copies" \
	lab_within 180 eval "$ctl -j show memx0 | python3 -c 'import json,sys; d = json.load(sys.stdin); sys.exit(not (d[\"state\"] == \"ok\" and len([s for s in d[\"servers\"] if s[\"extents\"] and s[\"state\"] == \"ok\"]) == 2))'"

# srv2 dies while memx0 is read: its copies are lost, srv1's serve.
dd if=/dev/memx0 of=/dev/null bs=1M iflag=direct status=none &
reader=$!
lab_signal kill-srv2
lab_wait srv2-killed 300
check "memx0 reads back whole from srv1's copies" \
	eval 'dd if=/dev/memx0 bs=1M count=4 iflag=direct status=none | sha256sum | cmp -s - /tmp/data.sum'
wait $reader
check "memx0 degraded, as sysfs says" \
	lab_within 60 eval '[ "$(cat /sys/block/memx0/memx/state)" = degraded ]'
check "memxctl show memx0: its copies on srv2 are down" \
	eval "$ctl show memx0 | grep -q '^  [0-9a-f]\{8\}  $(lab_mac srv2)  down '"
"$ctl" -j show memx0 >/tmp/memx0.json
check "memxctl -j show memx0 then: the kernel's counters and state" \
	chk device /tmp/memx0.json $dbg/memx0/stats /sys/block/memx0/memx
check "memxctl servers: srv2 gone from the table (45 s), srv1 alive" \
	lab_within 90 eval '[ "$(state_of "$(lab_mac srv2)")" = gone ] && [ "$(state_of "$(lab_mac srv1)")" = alive ]'
sleep 2
kill -INT $monitor
check "memxctl monitor ends on SIGINT, with status 0" wait $monitor
cat /tmp/events /tmp/monitor.err
s1=$(lab_mac srv1)
s2=$(lab_mac srv2)
check "monitor: srv1 came" chk events /tmp/events "server-up:mac=$s1"
check "monitor: srv2 came" chk events /tmp/events "server-up:mac=$s2"
check "monitor: memx0..2 added, memx2 and memx1 removed" \
	chk events /tmp/events device-added:device=memx0 device-added:device=memx1 \
	device-added:device=memx2 device-removed:device=memx2 device-removed:device=memx1
check "monitor: srv1 left and came back; srv2 dead, back, and after its death dead and gone" \
	chk events /tmp/events "server-leaving:mac=$s1" "server-up:mac=$s1" \
	"server-dead:mac=$s2" "server-back:mac=$s2" "server-down:mac=$s2"
check "monitor: memx0 degraded after srv2's death" \
	chk events /tmp/events "server-back:mac=$s2" "device-state:state=degraded"
check "monitor: no event was lost" eval '! grep -q lost /tmp/monitor.err'
# monitor -c ends after that many events, -t after that many seconds.
"$ctl" monitor -c 1 -t 120 >/tmp/one 2>/tmp/one.err &
one=$!
lab_within 60 grep -q listening /tmp/one.err
"$ctl" add --size 4M >/dev/null
check "memxctl monitor -c 1 ends after one event: memx1 added, as text" \
	eval "wait $one && cat /tmp/one && [ \$(grep -c . /tmp/one) -eq 1 ] && grep -q 'device-added  *memx1 ' /tmp/one"

# Names: the longest label, and one that would hide a disk's name.
long=abcdefghijklmnopqrstuvwxyz012345
check "a 32-character label: added, shown and removed by it" \
	eval "$ctl add --size 4M --name $long >/dev/null && $ctl show $long | grep -q '^label: *$long\$' &&
		$ctl remove $long"
check "a label that is a disk's name (memx5): refused" says 'a label' "$ctl" add --size 4M --name memx5
check "memxctl server status where no server runs: exit 3, says so" \
	eval "lab_exits 3 $ctl server status && grep -q 'not loaded' /tmp/rc.out"
echo "memx-lab: memxctl servers, devices and show memx0 at the end:"
"$ctl" servers
"$ctl" devices
"$ctl" show memx0
# Unloaded, memx answers nothing more, and leaves nothing behind.
check "memx_client unloads; then devices: exit 3" \
	eval "memx_rmmod memx_client && lab_exits 3 $ctl devices"
check "rmap_proto unloads; then servers: exit 3" \
	eval "memx_rmmod rmap_proto && lab_exits 3 $ctl servers"
lab_leak_check
lab_signal cli-done
