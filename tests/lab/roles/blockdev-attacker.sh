# A hostile node on the LAN while the client works (blockdev.py,
# pressure.py; MEMX_SERVERS names the servers, srv1 and srv2 by default): it
# diverts moments of the client's traffic to it, replays and alters what
# it catches, forges answers, floods JOINs and overreads, in rounds,
# until the client is done (tests/lab/tools/rmapforge.py harass). The
# client's checks verify its data; the servers' say what they dropped.
lab_plan 1
forge="python3 $MEMX_TREE/tests/lab/tools/rmapforge.py"
lab_wait cli-attack 900
servers=
for s in ${MEMX_SERVERS:-srv1 srv2}; do
	servers="$servers $(lab_mac "$s")"
done
# shellcheck disable=SC2086 # one argument per server
check "attacks all through the client's work draw no data (none at all with a key)" \
	$forge harass eth0 "$(lab_mac cli)" 3000 $servers
lab_signal attacker-done
