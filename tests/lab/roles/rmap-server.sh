# A server: advertise memory with memx_server, answer pings and raw
# round trips, follow the client's MTU changes (srv2 then goes back to
# 1500), and stop on request.
memx_modprobe memx_server capacity_mb="$MEMX_CAPACITY_MB"
"$MEMX_TREE/tests/lab/tools/rawping" echo eth0 --background >/dev/null
lab_signal "$MEMX_NAME-up"
lab_wait mtu9000 300
ip link set eth0 mtu 9000
lab_signal "$MEMX_NAME-mtu9000"
if [ "$MEMX_NAME" = srv2 ]; then
	lab_plan 1
	lab_wait srv2-mtu1500 300
	ip link set eth0 mtu 1500
	check "eth0 drops frames longer than 1500 bytes, as a real NIC would" lab_drop_longer eth0 1500
	lab_signal srv2-mtu1500-done
	lab_wait done 300
	tc -s filter show dev eth0 ingress
fi
if [ "$MEMX_NAME" = srv1 ]; then
	lab_plan 1
	lab_wait stop-srv1 300
	check "memx_server unloads" memx_rmmod memx_server
fi
lab_wait done 300
