# The server end of a bad link: advertise, answer, follow the MTU change.
memx_modprobe memx_server capacity_mb=16
lab_signal srv-up
lab_wait mtu9000 900
ip link set eth0 mtu 9000
lab_signal srv-mtu9000
lab_wait done 900
cat /sys/kernel/debug/rmap/peers /sys/kernel/debug/rmap/stats /sys/kernel/debug/memx_server/stats
tc -s qdisc show dev eth0
