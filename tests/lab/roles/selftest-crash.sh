# Crash this guest's kernel on purpose: the lab must report it.
echo c >/proc/sysrq-trigger
