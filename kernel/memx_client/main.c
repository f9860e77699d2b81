// SPDX-License-Identifier: GPL-2.0
/*
 * memx_client: block devices /dev/memxN backed by the RAM of memx servers.
 * This file checks the module parameters; the devices come with the block
 * and extent-map layers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#define MEMX_MAX_DEVICES	64
#define MEMX_MAX_SIZE_MB	(16U * 1024 * 1024)	/* 16 TiB */

static uint size_mb = 1024;
module_param(size_mb, uint, 0444);
MODULE_PARM_DESC(size_mb, "Size of each device in MiB (default 1024)");

static uint nr_devices = 1;
module_param(nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "Devices to create at load (default 1)");

static int __init memx_client_init(void)
{
	if (!size_mb || size_mb > MEMX_MAX_SIZE_MB) {
		pr_err("size_mb=%u: must be between 1 and %u\n", size_mb, MEMX_MAX_SIZE_MB);
		return -EINVAL;
	}
	if (nr_devices > MEMX_MAX_DEVICES) {
		pr_err("nr_devices=%u: at most %d\n", nr_devices, MEMX_MAX_DEVICES);
		return -EINVAL;
	}
	pr_info("%u device(s) of %u MiB configured\n", nr_devices, size_mb);
	return 0;
}

static void __exit memx_client_exit(void)
{
}

module_init(memx_client_init);
module_exit(memx_client_exit);
MODULE_DESCRIPTION("memx client: block devices in remote RAM");
MODULE_LICENSE("GPL");
