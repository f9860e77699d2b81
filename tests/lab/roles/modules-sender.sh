# Aim frames of the RMAP EtherType that are not RMAP at the host guest:
# rawping's probes (another version byte) and runts (shorter than a header).
rawping=$MEMX_TREE/tests/lab/tools/rawping
peer=$(lab_mac host)
lab_wait host-ready 180
RAWPING_ETHERTYPE=0x88B5 $rawping ping eth0 "$peer" 200 20 50 || true
RAWPING_ETHERTYPE=0x88B5 $rawping ping eth0 "$peer" 0 5 50 || true
lab_signal sent
