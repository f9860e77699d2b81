# A server booting systemd (boot.py), memx-server.service enabled with
# /etc/memx/server.conf: CAPACITY_MB=96. It lends that at boot, as the
# journal and memxctl say, and has all of it back once the client has
# swapped off and left, twice over (the client reboots once).
# shellcheck shell=sh
lab_plan 4
check "memx-server.service active after boot" systemctl is-active --quiet memx-server.service
check "memxctl server status: it lends what server.conf says (96 MiB)" \
	eval "memxctl -j server status | tee /dev/stderr | grep -q '\"capacity_bytes\":100663296,'"
check "the journal says so" eval "journalctl -b -u memx-server.service | grep -q 'lending 96M'"
lab_signal srv-up
lab_wait cli-done 1800
# Within the client's lease (30 s): given back by its LEAVEs, not expired.
check "all of it back once the client swapped off and left" \
	lab_within 20 eval "memxctl -j server status | grep -q '\"used_bytes\":0,'"
