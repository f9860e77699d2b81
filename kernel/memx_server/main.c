// SPDX-License-Identifier: GPL-2.0
/*
 * memx_server: lends this host's idle RAM to memx clients over RMAP.
 * Loading it advertises the capacity; clients' sessions then set memory
 * aside (store.c) and their requests are answered from the receive path
 * (serve.c). Counters are in /sys/kernel/debug/memx_server/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>

#include "memx_server.h"

/* By default a server lends this share of the memory available at load. */
#define MEMX_SERVER_DEFAULT_SHARE_PCT	50
#define MEMX_HOUSEKEEPING_MS		1000

static uint capacity_mb;
module_param(capacity_mb, uint, 0444);
MODULE_PARM_DESC(capacity_mb,
		 "MiB of RAM to lend (default: half of the memory available at load)");

static atomic64_t memx_srv_stats[MEMX_SRV_STAT_NR];
static const char *const memx_srv_stat_names[MEMX_SRV_STAT_NR] = {
	[MEMX_SRV_READS] = "reads",
	[MEMX_SRV_WRITES] = "writes",
	[MEMX_SRV_DISCARDS] = "discards",
	[MEMX_SRV_STALE_WRITES] = "stale_writes",
	[MEMX_SRV_JOINS] = "joins",
	[MEMX_SRV_LEAVES] = "leaves",
	[MEMX_SRV_EXPIRED] = "expired",
	[MEMX_SRV_RELEASED] = "released_chunks",
	[MEMX_SRV_FULL] = "refused_full",
	[MEMX_SRV_ERRORS] = "errors",
	[MEMX_SRV_CTL_BUSY] = "ctl_busy",
};

static struct dentry *memx_srv_debugfs;
static struct delayed_work memx_housekeeping;
static u64 memx_served_before;
static u32 memx_load;		/* requests per second, smoothed */

void memx_srv_count(enum memx_srv_stat stat)
{
	atomic64_inc(&memx_srv_stats[stat]);
}

void memx_srv_add(enum memx_srv_stat stat, u64 n)
{
	atomic64_add(n, &memx_srv_stats[stat]);
}

static u64 memx_served(void)
{
	return atomic64_read(&memx_srv_stats[MEMX_SRV_READS]) +
	       atomic64_read(&memx_srv_stats[MEMX_SRV_WRITES]) +
	       atomic64_read(&memx_srv_stats[MEMX_SRV_DISCARDS]);
}

static void memx_advertise(void)
{
	u64 cap = memx_store_capacity();

	rmap_advertise(cap, cap - memx_store_granted(), memx_load);
}

/* Every second: end expired sessions, update the load, advertise what changed. */
static void memx_housekeeping_work(struct work_struct *work)
{
	u64 served = memx_served();
	u32 rate = (served - memx_served_before) * 1000 / MEMX_HOUSEKEEPING_MS;

	memx_served_before = served;
	memx_load = (3 * memx_load + rate) / 4;
	memx_sessions_expire();
	memx_advertise();
	schedule_delayed_work(&memx_housekeeping, msecs_to_jiffies(MEMX_HOUSEKEEPING_MS));
}

static int memx_stats_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "capacity_pages %llu\n", memx_store_capacity());
	seq_printf(m, "granted_pages %llu\n", memx_store_granted());
	seq_printf(m, "sessions %u\n", memx_store_sessions());
	seq_printf(m, "load %u\n", memx_load);
	for (i = 0; i < MEMX_SRV_STAT_NR; i++)
		seq_printf(m, "%s %lld\n", memx_srv_stat_names[i],
			   atomic64_read(&memx_srv_stats[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memx_stats);

static int memx_sessions_show(struct seq_file *m, void *v)
{
	memx_store_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memx_sessions);

static int __init memx_server_init(void)
{
	unsigned long avail_mb = si_mem_available() >> (20 - PAGE_SHIFT);
	unsigned long cap = capacity_mb;
	int err;

	if (!cap)
		cap = avail_mb * MEMX_SERVER_DEFAULT_SHARE_PCT / 100;
	if (!cap || cap > avail_mb) {
		pr_err("capacity_mb=%u: must be between 1 and the %lu MiB available\n",
		       capacity_mb, avail_mb);
		return -EINVAL;
	}
	err = memx_store_init((u64)cap << (20 - PAGE_SHIFT));
	if (err) {
		pr_err("capacity_mb=%lu: less than one %lu KiB chunk\n", cap,
		       MEMX_CHUNK_PAGES * PAGE_SIZE / 1024);
		return err;
	}
	err = memx_serve_init();
	if (err) {
		pr_err("another memory server is attached to rmap_proto\n");
		return err;
	}
	memx_srv_debugfs = debugfs_create_dir("memx_server", NULL);
	debugfs_create_file("stats", 0444, memx_srv_debugfs, NULL, &memx_stats_fops);
	debugfs_create_file("sessions", 0444, memx_srv_debugfs, NULL, &memx_sessions_fops);
	INIT_DELAYED_WORK(&memx_housekeeping, memx_housekeeping_work);
	memx_advertise();
	schedule_delayed_work(&memx_housekeeping, msecs_to_jiffies(MEMX_HOUSEKEEPING_MS));
	pr_info("lending up to %lu MiB\n", cap);
	return 0;
}

static void __exit memx_server_exit(void)
{
	cancel_delayed_work_sync(&memx_housekeeping);
	rmap_advertise_stop();
	memx_serve_exit();
	debugfs_remove_recursive(memx_srv_debugfs);
	memx_store_exit();
}

module_init(memx_server_init);
module_exit(memx_server_exit);
MODULE_DESCRIPTION("memx server: lend idle RAM over RMAP");
MODULE_LICENSE("GPL");
