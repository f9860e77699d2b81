# A server: advertise memory with memx_server, answer pings and raw
# round trips, follow the client's MTU changes, and stop on request.
memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB"
"$MEMX_TREE/tests/lab/tools/rawping" echo eth0 &
lab_signal "$MEMX_NAME-up"
lab_wait mtu9000 300
ip link set eth0 mtu 9000
lab_signal "$MEMX_NAME-mtu9000"
if [ "$MEMX_NAME" = srv1 ]; then
	lab_wait stop-srv1 300
	check "memx_server unloads" memx_rmmod memx_server
fi
lab_wait done 300
