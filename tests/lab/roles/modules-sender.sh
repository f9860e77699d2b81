# Aim frames of the RMAP EtherType that are not RMAP at the host guest:
# rawping's probes (another version byte) and runts (shorter than a
# header). Then attack it as a node on its LAN that speaks RMAP
# (tests/lab/tools/rmapforge.py): sizes that wrap, a page's write cut
# short, a ping to everyone, floods of JOINs and of invented addresses.
lab_plan 5
rawping=$MEMX_TREE/tests/lab/tools/rawping
forge="python3 $MEMX_TREE/tests/lab/tools/rmapforge.py"
peer=$(lab_mac host)
lab_wait host-ready 180
RAWPING_ETHERTYPE=0x88B5 $rawping ping eth0 "$peer" 200 20 50 || true
RAWPING_ETHERTYPE=0x88B5 $rawping ping eth0 "$peer" 0 5 50 || true
lab_signal sent

lab_wait host-counted 120
check "reads whose size wraps 32 bits get E_INVAL; the server lives" $forge overread eth0 "$peer"
check "a page's write cut short is not read half written; its last piece completes it" \
	$forge torn-write eth0 "$peer"
check "a ping to the broadcast address draws no answer" $forge bcast-ping eth0
$forge join-flood eth0 "$peer" 200
$forge mac-flood eth0 "$peer" 300
lab_signal forged

# The host is keyed now, and so is the peer: nothing we send, forge or
# replay may be taken.
lab_wait peer-ready 600
check "on a keyed LAN, replays and forgeries draw no answer" $forge keyed eth0 "$peer" 50
lab_signal keyed-attacked

# Then a sealed frame of the peer's, captured, replayed to the host once
# the host has forgotten the peer: it must be known for a replay still.
check "a frame of the peer captured and replayed after the host forgot it" \
	$forge replay-forgotten eth0 "$peer" "$(lab_mac peer)"
