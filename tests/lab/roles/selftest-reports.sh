# The kernel reports the lab fails a run on, each on purpose
# (tests/lab/provoke): a WARNING, a KASAN report of a read of freed
# memory, and a task blocked past the hung task timeout. The role itself
# passes; the lab must see all three (selftest.py, expect_reports).
lab_plan 5
provoke=/sys/kernel/debug/memx_provoke
echo 3 >/proc/sys/kernel/hung_task_timeout_secs
check "insmod memx_provoke" insmod "$MEMX_TREE/build/debug/tests/lab/provoke/memx_provoke.ko"
check "a WARNING on purpose" sh -c "echo warn >$provoke"
check "a read of freed memory on purpose" sh -c "echo uaf >$provoke"
# Blocked for 20 s: reported after 3 to 6.
check "a task blocked for 20 s on purpose" sh -c "echo hang >$provoke"
check "rmmod memx_provoke" rmmod memx_provoke
