# A driver domain with one device per tenant (tenants.py): memx0 for a
# guest of tenant blue, memx1 for one of red. Each device's data is
# written, read back, and blue's read again after red's node attacked.
lab_plan 20
mb=4

# holds DEV FILE: the device's first MiBs, read past the page cache, are FILE.
holds() {
	dd if="$1" bs=1M count=$(($(stat -c %s "$2") >> 20)) iflag=direct status=none | cmp - "$2"
}

# refused CMD...: CMD fails.
refused() {
	! "$@"
}

# add LINE: write LINE to /sys/class/memx/add.
add() {
	echo "$1" >/sys/class/memx/add
}

lab_wait keys-ready 600
check "modprobe rmap_proto with tenants blue and red" \
	memx_modprobe rmap_proto key_file=/lab/tenants.key
dmesg -C
check "memx_client tenant=green refused at load" refused memx_modprobe memx_client tenant=green
check "the log says which tenants there are" sh -c \
	"dmesg | grep -q 'tenant green: rmap_proto has no key of that name' && dmesg | grep -q '  red'"
check "modprobe memx_client, no device yet" memx_modprobe memx_client nr_devices=0
check "the server is found under each tenant" lab_within 20 rmap_servers_seen 2
check "a device for blue" add "$mb tenant=blue"
check "a device for red" add "$mb tenant=red"
check "a tenant without a key refused" refused add "$mb tenant=green"
check "a malformed add refused" refused add "$mb colour=blue"
check "an empty tenant refused" refused add "$mb tenant="
cat /sys/class/memx/devices
check "devices listed with their tenants and copies" sh -c \
	"grep -qx 'memx0 $mb blue 2' /sys/class/memx/devices && grep -qx 'memx1 $mb red 2' /sys/class/memx/devices"
check "blue's and red's devices appear" lab_within 10 test -b /dev/memx1
head -c ${mb}M /dev/urandom >/tmp/blue
head -c ${mb}M /dev/urandom >/tmp/red
check "blue's data written" dd if=/tmp/blue of=/dev/memx0 bs=1M oflag=direct status=none
check "red's data written" dd if=/tmp/red of=/dev/memx1 bs=1M oflag=direct status=none
check "blue's data reads back" holds /dev/memx0 /tmp/blue
check "red's data reads back" holds /dev/memx1 /tmp/red
lab_signal dd-written

lab_wait srv-checked 900
check "blue's data intact after red's attack" holds /dev/memx0 /tmp/blue
# Red now keeps its share of the server's peer table full; idle a while,
# our blue peer leaves the server's table and must get back in.
lab_signal flood-now
lab_wait flooding 300
sleep 5
head -c 1M /dev/urandom >/tmp/blue1
check "blue's device takes writes while red floods the server" \
	dd if=/tmp/blue1 of=/dev/memx0 bs=1M oflag=direct status=none
check "and reads them back" holds /dev/memx0 /tmp/blue1
lab_signal dd-io-done
cat /sys/kernel/debug/rmap/peers /sys/kernel/debug/rmap/stats
check "rmmod memx_client rmap_proto" memx_rmmod memx_client rmap_proto
lab_leak_check
lab_signal dd-done
