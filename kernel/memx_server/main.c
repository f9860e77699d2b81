// SPDX-License-Identifier: GPL-2.0
/*
 * memx_server: lends this host's idle RAM to memx clients over RMAP.
 * For now it checks its parameters and advertises its capacity; sessions
 * and the page store come next.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <memx/rmap.h>

/* By default a server lends this share of the memory available at load. */
#define MEMX_SERVER_DEFAULT_SHARE_PCT	50

static uint capacity_mb;
module_param(capacity_mb, uint, 0444);
MODULE_PARM_DESC(capacity_mb,
		 "MiB of RAM to lend (default: half of the memory available at load)");

static int __init memx_server_init(void)
{
	unsigned long avail_mb = si_mem_available() >> (20 - PAGE_SHIFT);
	unsigned long cap = capacity_mb;

	if (!cap)
		cap = avail_mb * MEMX_SERVER_DEFAULT_SHARE_PCT / 100;
	if (!cap || cap > avail_mb) {
		pr_err("capacity_mb=%u: must be between 1 and the %lu MiB available\n",
		       capacity_mb, avail_mb);
		return -EINVAL;
	}
	pr_info("lending up to %lu MiB\n", cap);
	rmap_advertise((u64)cap << (20 - PAGE_SHIFT), (u64)cap << (20 - PAGE_SHIFT), 0);
	return 0;
}

static void __exit memx_server_exit(void)
{
	rmap_advertise_stop();
}

module_init(memx_server_init);
module_exit(memx_server_exit);
MODULE_DESCRIPTION("memx server: lend idle RAM over RMAP");
MODULE_LICENSE("GPL");
