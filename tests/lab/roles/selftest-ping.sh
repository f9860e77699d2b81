# Round trips to the echo guest at MTU 1500 and 9000, under an impairment,
# and after the echo guest is killed.
lab_plan 9
rawping=$MEMX_TREE/tests/lab/tools/rawping
peer=$(lab_mac echo)

# min_rtt_at_least US OUTPUT: the minimum round trip in OUTPUT is >= US.
min_rtt_at_least() {
	echo "$2" | awk -v us="$1" '{ for (i = 1; i < NF; i++) if ($i == "min") m = $(i + 1) }
		END { exit !(m != "" && m + 0 >= us) }'
}

# all_fast OUTPUT: every probe came back, and sooner than the delay was.
all_fast() {
	echo "$1" | grep -q 'received 5 ' && ! min_rtt_at_least 100000 "$1"
}

# fails CMD...: CMD exits non-zero.
fails() {
	! "$@"
}

check "echo guest ready" lab_wait echo-ready 240
check "mtu 1500: 1400-byte frames round trip intact" $rawping ping eth0 "$peer" 1400 50 5000
check "mtu 1500: a jumbo frame is refused" fails $rawping ping eth0 "$peer" 8900 1
ip link set eth0 mtu 9000
check "mtu 9000: 8900-byte frames round trip intact" $rawping ping eth0 "$peer" 8900 50 5000

lab_signal want-delay
lab_wait delay-set 60
out=$($rawping ping eth0 "$peer" 64 5 2000 || true)
echo "$out"
check "netem delay 100ms shows in the round trip" min_rtt_at_least 100000 "$out"

lab_signal want-clear
lab_wait clear-set 60
out=$($rawping ping eth0 "$peer" 64 5 2000 || true)
echo "$out"
check "netem cleared: round trips fast again" all_fast "$out"

# The mover answers before and after its live migration.
mover=$(lab_mac mover)
answers() {
	n=0
	until $rawping ping eth0 "$mover" 64 1 500 >/dev/null; do
		n=$((n + 1))
		[ $n -lt "$1" ] || return 1
	done
	$rawping ping eth0 "$mover" 1400 20
}
check "mover answers before migration" answers 240
lab_signal want-migrate
lab_wait migrated 150
check "mover answers after migration" answers 10

lab_signal want-kill
lab_wait killed 60
check "killed peer detected: no echo comes back" fails $rawping ping eth0 "$peer" 64 3 500
