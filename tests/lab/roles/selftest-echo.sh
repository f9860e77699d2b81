# Echo every RMAP-EtherType frame back to its sender until killed.
"$MEMX_TREE/tests/lab/tools/rawping" echo eth0 --background >/dev/null
lab_signal echo-ready
lab_wait never 600
