// SPDX-License-Identifier: GPL-2.0
/*
 * memx_client: block devices /dev/memxN backed by the RAM of memx servers
 * found through RMAP. Use them as disks, as swap, or map them.
 * Counters are in /sys/kernel/debug/memx_client/memxN/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>

#include "memx_client.h"

static uint size_mb = 1024;
module_param(size_mb, uint, 0444);
MODULE_PARM_DESC(size_mb, "Size of each device in MiB (default 1024)");

static uint nr_devices = 1;
module_param(nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "Devices to create at load (default 1, at most 16); more with /sys/class/memx/add");

static char *tenant = "";
module_param(tenant, charp, 0444);
MODULE_PARM_DESC(tenant, "Tenant (a key of rmap_proto's key_file, by name) of the devices created at load (default: the first)");

unsigned int memx_place_timeout_ms = 10000;
module_param_named(place_timeout_ms, memx_place_timeout_ms, uint, 0444);
MODULE_PARM_DESC(place_timeout_ms,
		 "A write fails when no server takes its extent for this long (100-600000, default 10000)");

unsigned int memx_lease_ms = 30000;
module_param_named(lease_ms, memx_lease_ms, uint, 0444);
MODULE_PARM_DESC(lease_ms,
		 "Servers drop this client's memory after this long without news (3000-600000, default 30000)");

unsigned int memx_replicas = 2;
module_param_named(replicas, memx_replicas, uint, 0444);
MODULE_PARM_DESC(replicas,
		 "Copies of each extent, each on its own server, where servers allow (1-2, default 2); devices added later may say otherwise");

bool memx_balance = true;
module_param_named(balance, memx_balance, bool, 0644);
MODULE_PARM_DESC(balance,
		 "Move copies placed earlier toward servers that came later or hold less for their room, a copy at a time (default 1)");

struct workqueue_struct *memx_wq;
struct workqueue_struct *memx_repair_wq;
static struct dentry *memx_debugfs;

static bool memx_param_ok(const char *name, unsigned int val, unsigned int min,
			  unsigned int max)
{
	if (val >= min && val <= max)
		return true;
	pr_err("%s=%u: must be between %u and %u\n", name, val, min, max);
	return false;
}

static void memx_client_cleanup(void)
{
	memx_control_exit();
	memx_dev_exit();
	debugfs_remove_recursive(memx_debugfs);
	destroy_workqueue(memx_repair_wq);
	destroy_workqueue(memx_wq);
}

static int __init memx_client_init(void)
{
	unsigned int i;
	int ret, t;

	if (!memx_param_ok("size_mb", size_mb, 1, MEMX_MAX_SIZE_MB) ||
	    !memx_param_ok("nr_devices", nr_devices, 0, MEMX_MAX_DEVICES) ||
	    !memx_param_ok("place_timeout_ms", memx_place_timeout_ms, 100, 600000) ||
	    !memx_param_ok("lease_ms", memx_lease_ms, 3000, 600000) ||
	    !memx_param_ok("replicas", memx_replicas, 1, MEMX_MAX_REPLICAS))
		return -EINVAL;
	t = memx_tenant_parse(tenant);
	if (t < 0)
		return -EINVAL;

	/* The swap-out path waits on this work: it must make progress under pressure. */
	memx_wq = alloc_workqueue("memx_client", WQ_MEM_RECLAIM, 0);
	/* Copies are made again in the background: reclaim never waits for them. */
	memx_repair_wq = alloc_workqueue("memx_repair", WQ_UNBOUND, 0);
	if (!memx_wq || !memx_repair_wq) {
		ret = -ENOMEM;
		goto wq;
	}
	memx_debugfs = debugfs_create_dir("memx_client", NULL);
	memx_control_init(memx_debugfs);
	rmap_solicit();
	for (i = 0; i < nr_devices; i++) {
		ret = memx_devices_add(size_mb, t, memx_replicas, "", NULL, NULL);
		if (ret < 0) {
			pr_err("memx%u: cannot create: %d\n", i, ret);
			memx_client_cleanup();
			return ret;
		}
	}
	/* Last: users may add devices from here on. */
	ret = memx_control_publish();
	if (ret) {
		pr_err("cannot register the control files and netlink commands: %d\n", ret);
		memx_client_cleanup();
		return ret;
	}
	if (nr_devices)
		pr_info("%u device(s) of %u MiB\n", nr_devices, size_mb);
	else
		pr_info("no device at load: memxctl add, or /sys/class/memx/add, makes them\n");
	return 0;
wq:
	if (memx_repair_wq)
		destroy_workqueue(memx_repair_wq);
	if (memx_wq)
		destroy_workqueue(memx_wq);
	return ret;
}

static void __exit memx_client_exit(void)
{
	memx_client_cleanup();
}

module_init(memx_client_init);
module_exit(memx_client_exit);
MODULE_DESCRIPTION("memx client: block devices in remote RAM");
MODULE_VERSION(MEMX_VERSION);
MODULE_LICENSE("GPL");
