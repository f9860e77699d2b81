# memx: remote memory for Linux over raw Ethernet.
#
#   make                 build the modules against KDIR, and memxctl
#   make memxctl         only memxctl (tools/memxctl/, needs libmnl-dev)
#   make W=1 / C=1       extra warnings / sparse (passed to Kbuild)
#   make debug           build modules and KUnit suites against the debug kernel
#   make checkpatch      checkpatch.pl --strict on every source file
#   make check           build checks, KUnit and every lab scenario
#   make check-xen       only the Xen scenario (tests/lab/xen/), also in make check
#   make demo            the lab scenario that best shows memx working
#   make lab-tools       user-space helpers the lab guests run
#   make deb             a Debian package: DKMS sources, memxctl, units, man pages
#   make bench [QUICK=1] memx against disk, RAM and the network peers
#   make bench-auth      memx with no key, authenticated frames, encrypted payloads
#   make profile         perf profiles of client and server under fio (memx, NVMe/TCP)

TREE := $(CURDIR)
KVER_NEWEST := $(shell ls -1 /lib/modules 2>/dev/null | sort -V | while read v; do \
		[ -d /lib/modules/$$v/build ] && echo $$v; done | tail -1)
ifneq ($(wildcard /lib/modules/$(shell uname -r)/build),)
KDIR ?= /lib/modules/$(shell uname -r)/build
else
KDIR ?= /lib/modules/$(KVER_NEWEST)/build
endif

SOURCES := $(shell find kernel include tests/kunit tests/lab/provoke -name '*.[ch]' ! -name '*.mod.c' 2>/dev/null)

all: modules memxctl

MEMXCTL := tools/memxctl/memxctl
MEMX_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

memxctl: $(MEMXCTL)

$(MEMXCTL): tools/memxctl/memxctl.c include/uapi/linux/memx.h dkms.conf
	$(CC) -O2 -Wall -Wextra -Wno-unused-parameter -Werror -Iinclude/uapi -DMEMX_VERSION='"$(MEMX_VERSION)"' \
		-o $@ $< -lmnl

modules:
	$(MAKE) -C $(KDIR) M=$(TREE) modules

clean:
	$(MAKE) -C $(KDIR) M=$(TREE) clean
	rm -rf build $(LAB_TOOLS) $(MEMXCTL)

# The debug kernel's kit lives outside the tree; the build goes to a copy of
# the sources so that it never mixes objects with the stock build.
debug:
	scripts/build-debug

checkpatch:
	scripts/checkpatch $(SOURCES)

LAB_TOOLS := tests/lab/tools/rawping tests/lab/tools/memsort tests/lab/tools/mmapcheck \
	tests/lab/tools/cpuphase tests/lab/tools/labwait tests/lab/tools/memkv tests/lab/tools/spmv

lab-tools: $(LAB_TOOLS)

tests/lab/tools/%: tests/lab/tools/%.c
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

tests/lab/tools/memsort tests/lab/tools/memkv tests/lab/tools/spmv: tests/lab/tools/job.h

check:
	scripts/check

# make check runs it too; this runs it alone (docs/lab.md, "Xen machines").
check-xen:
	scripts/memx-lab tests/lab/xen/*.py

deb:
	scripts/make-deb

# Remote RAM as swap in three VMs, beside a virtual disk, with a summary.
demo:
	scripts/memx-lab scripts/demo/swap.py

bench:
	QUICK=$(QUICK) scripts/bench/run

# No key, authenticated frames, encrypted payloads: memx against itself.
bench-auth:
	scripts/dkms-install >/dev/null && scripts/memx-lab scripts/bench/auth.py

# memx and NVMe/TCP through the quick jobs, with perf on client and server.
profile:
	QUICK=1 MEMX_BENCH_PROFILE=1 scripts/bench/run

.PHONY: all modules memxctl deb clean debug checkpatch lab-tools check check-xen demo bench bench-auth profile
