# The second Xen machine: it takes DomU xcli, saved on xhost in the
# middle of its job on memx swap, restores it and sees that job through.
# shellcheck shell=sh
# shellcheck source=/dev/null
. "$MEMX_TREE/scripts/lab/xen-lib.sh"
xenlog=/lab/$MEMX_NAME.xen
lab_plan 4
check "Xen's drivers and daemons start, eth0 joins xenbr0" xen_start
"$MEMX_TREE/scripts/lab/xen-pipe" listen 8002 /tmp/.listening xl restore /dev/stdin \
	2>/tmp/restore.log &
restoring=$!
lab_within 60 test -e /tmp/.listening || true
lab_signal xhost2-up
check "xcli, saved on xhost, restored here (xl restore)" wait $restoring
cat /tmp/restore.log
xl list
check "MemX-DomU: xcli's job on memx swap passes, here" xen_domu_wait xcli 900
check "xcli's job completed here, after its move" \
	grep -q "^memx-lab: check pass a .* sort in .* completes" "$xenlog/guest-xcli.log"
lab_signal xcli-done
xen_stop
