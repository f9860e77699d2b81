// SPDX-License-Identifier: GPL-2.0
/*
 * memx_server: lends this host's idle RAM to memx clients over RMAP.
 * Loading it advertises the capacity; clients' sessions then set memory
 * aside (store.c) and their requests are answered from the receive path
 * (serve.c). Counters are in /sys/kernel/debug/memx_server/.
 *
 * While clients' pages are here the module is in use: rmmod is refused.
 * To leave, write 1 to the drain parameter: the server advertises no
 * capacity and answers renewals with E_LEAVING, its clients move their
 * extents elsewhere and end their sessions, and rmmod may then go ahead.
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
/* By default the host keeps this share of its RAM from ever being lent. */
#define MEMX_SERVER_DEFAULT_RESERVE_DIV	32
#define MEMX_HOUSEKEEPING_MS		1000
/* While leaving, how often to say what still has nowhere to go. */
#define MEMX_DRAIN_REPORT_MS		60000

static uint capacity_mb;
module_param(capacity_mb, uint, 0444);
MODULE_PARM_DESC(capacity_mb,
		 "MiB of RAM to lend (default: half of the memory available at load)");

static uint client_max_mb;
module_param(client_max_mb, uint, 0444);
MODULE_PARM_DESC(client_max_mb,
		 "MiB one client may hold here (default 0: no cap; clients competing for the last memory get a fair share)");

static uint reserve_mb;
module_param(reserve_mb, uint, 0444);
MODULE_PARM_DESC(reserve_mb,
		 "MiB the host keeps available for itself: below it, clients are asked to move pages away; nothing is lent below twice it (default: 1/32 of RAM)");
static bool memx_squeezed;	/* below the reserve, clients asked to move */
static bool memx_squeeze_asked;	/* squeezed, and clients asked to move pages */

static bool drain;
/* The parameter's writes and the housekeeping's report of them. */
static DEFINE_MUTEX(memx_drain_lock);
static bool memx_running;	/* between init and exit: drain acts at once */
static unsigned long memx_drain_since;	/* jiffies the held memory last changed */
static u64 memx_drain_held;

static void memx_advertise(void);

/**
 * memx_server_drain() - start leaving, or lend again
 * @leave: true to leave: clients move their pages elsewhere, then rmmod
 *	may go ahead
 *
 * For the drain parameter and netlink's MEMX_CMD_LENDER_SET.
 */
void memx_server_drain(bool leave)
{
	mutex_lock(&memx_drain_lock);
	WRITE_ONCE(drain, leave);
	if (!memx_running) {
		mutex_unlock(&memx_drain_lock);
		return;
	}
	memx_store_leave(leave);
	memx_drain_held = memx_store_granted();
	memx_drain_since = jiffies;
	if (leave && memx_drain_held)
		pr_info("leaving: clients are asked to move the %llu MiB they hold here; rmmod is refused until they have\n",
			memx_drain_held >> (20 - PAGE_SHIFT));
	else if (leave)
		pr_info("leaving: no client data here; rmmod memx_server may go ahead\n");
	else
		pr_info("lending again\n");
	memx_advertise();
	mutex_unlock(&memx_drain_lock);
}

static int memx_drain_set(const char *val, const struct kernel_param *kp)
{
	bool leave;
	int err = kstrtobool(val, &leave);

	if (!err)
		memx_server_drain(leave);
	return err;
}

static const struct kernel_param_ops memx_drain_ops = {
	.set = memx_drain_set,
	.get = param_get_bool,
};
module_param_cb(drain, &memx_drain_ops, &drain, 0644);
MODULE_PARM_DESC(drain,
		 "1: leave: clients move their pages elsewhere, then rmmod may go ahead; 0: lend again");

/* End every session now, from the evict parameter: what they hold is dropped. */
static int memx_evict_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	bool evict;
	int err = kstrtobool(val, &evict);

	if (err)
		return err;
	if (!evict)
		return 0;
	mutex_lock(&memx_drain_lock);
	if (!memx_running) {
		mutex_unlock(&memx_drain_lock);
		return -EINVAL;
	}
	n = memx_store_evict();
	pr_warn("evicted %u sessions: what their clients held here is dropped\n", n);
	memx_advertise();
	mutex_unlock(&memx_drain_lock);
	return 0;
}

static const struct kernel_param_ops memx_evict_ops = {
	.set = memx_evict_set,
};
module_param_cb(evict, &memx_evict_ops, NULL, 0200);
MODULE_PARM_DESC(evict,
		 "1: end every session now, dropping what clients hold here (after drain, when one does not move its pages)");

static atomic64_t memx_srv_stats[MEMX_SRV_STAT_NR];
const char *const memx_srv_stat_names[MEMX_SRV_STAT_NR] = {
	[MEMX_SRV_READS] = "reads",
	[MEMX_SRV_WRITES] = "writes",
	[MEMX_SRV_DISCARDS] = "discards",
	[MEMX_SRV_STALE_WRITES] = "stale_writes",
	[MEMX_SRV_PARTIAL_READS] = "partial_reads",
	[MEMX_SRV_JOINS] = "joins",
	[MEMX_SRV_LEAVES] = "leaves",
	[MEMX_SRV_EXPIRED] = "expired",
	[MEMX_SRV_RELEASED] = "released_chunks",
	[MEMX_SRV_FULL] = "refused_full",
	[MEMX_SRV_LEAVING] = "refused_leaving",
	[MEMX_SRV_RESERVE] = "refused_reserve",
	[MEMX_SRV_SHARE] = "refused_share",
	[MEMX_SRV_SHED] = "sessions_shed",
	[MEMX_SRV_REBOUND] = "sessions_rebound",
	[MEMX_SRV_NO_SESSION] = "no_session",
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

/* The counters, the load and whether leaving, for netlink. */
void memx_server_status(u64 stat[MEMX_SRV_STAT_NR], u32 *load, bool *draining)
{
	int i;

	for (i = 0; i < MEMX_SRV_STAT_NR; i++)
		stat[i] = atomic64_read(&memx_srv_stats[i]);
	*load = READ_ONCE(memx_load);
	*draining = READ_ONCE(drain);
}

static u64 memx_served(void)
{
	return atomic64_read(&memx_srv_stats[MEMX_SRV_READS]) +
	       atomic64_read(&memx_srv_stats[MEMX_SRV_WRITES]) +
	       atomic64_read(&memx_srv_stats[MEMX_SRV_DISCARDS]);
}

static void memx_advertise(void)
{
	/*
	 * Nothing to lend: clients move what they hold here elsewhere. While
	 * the host needs its memory, it has nothing free (capacity 0 would
	 * say it is leaving).
	 */
	if (memx_store_leaving())
		rmap_advertise(0, 0, memx_load);
	else
		rmap_advertise(memx_store_capacity(), memx_store_room(), memx_load);
}

/*
 * The host's own use grew into its reserve: ask clients to move sessions
 * away until it would be whole again with half as much to spare, and
 * tell them to stay once it is. Pages are never dropped for it.
 */
static void memx_squeeze_check(void)
{
	u64 avail = si_mem_available();
	u64 reserve = memx_store_reserved();
	u64 asked, target = reserve + reserve / 2;

	/* Leaving, every client is asked already. */
	if (memx_store_leaving())
		return;
	if (avail < reserve) {
		if (!memx_squeezed)
			pr_warn("host memory low: %llu MiB available, %u MiB kept for the host: clients are asked to move pages elsewhere\n",
				avail >> (20 - PAGE_SHIFT), reserve_mb);
		memx_squeezed = true;
		asked = memx_store_shed(target - avail);
		if (asked) {
			memx_squeeze_asked = true;
			pr_info("asked clients to move %llu MiB elsewhere\n",
				asked >> (20 - PAGE_SHIFT));
		}
	} else if (memx_squeezed && avail >= target) {
		memx_squeezed = false;
		memx_squeeze_asked = false;
		memx_store_shed(0);
		pr_info("host memory back: %llu MiB available; clients may stay\n",
			avail >> (20 - PAGE_SHIFT));
		return;
	}
	/* The host's own use outgrew what clients had here: say so once. */
	if (memx_squeezed && memx_squeeze_asked && !memx_store_shed_held()) {
		memx_squeeze_asked = false;
		pr_warn("host memory still low: %llu MiB available, and clients moved away all they were asked to\n",
			avail >> (20 - PAGE_SHIFT));
	}
}

/* While leaving: say when the last client page is gone, or what stays. */
static void memx_drain_report(void)
{
	u64 held = memx_store_granted();

	lockdep_assert_held(&memx_drain_lock);
	if (!memx_store_leaving() || !memx_drain_held)
		return;
	if (!held) {
		pr_info("left: no client data here any more; rmmod memx_server may go ahead\n");
	} else if (held != memx_drain_held) {
		memx_drain_since = jiffies;
	} else if (time_after(jiffies, memx_drain_since + msecs_to_jiffies(MEMX_DRAIN_REPORT_MS))) {
		pr_warn("leaving: the %llu MiB clients hold here have had nowhere to go for %u s; rmmod stays refused\n",
			held >> (20 - PAGE_SHIFT), MEMX_DRAIN_REPORT_MS / 1000);
		memx_drain_since = jiffies;
	}
	memx_drain_held = held;
}

/* Every second: end expired sessions, update the load, advertise what changed. */
static void memx_housekeeping_work(struct work_struct *work)
{
	u64 served = memx_served();
	u32 rate = (served - memx_served_before) * 1000 / MEMX_HOUSEKEEPING_MS;

	memx_served_before = served;
	memx_load = (3 * memx_load + rate) / 4;
	memx_sessions_expire();
	memx_squeeze_check();
	/* What is advertised follows the drain parameter's last write. */
	mutex_lock(&memx_drain_lock);
	memx_drain_report();
	memx_advertise();
	mutex_unlock(&memx_drain_lock);
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
	unsigned long ram_mb = totalram_pages() >> (20 - PAGE_SHIFT);
	unsigned long cap = capacity_mb;
	int err;

	if (drain) {
		pr_err("drain=1 at load: nothing to drain; write 1 to /sys/module/memx_server/parameters/drain to leave\n");
		return -EINVAL;
	}
	if (!cap)
		cap = avail_mb * MEMX_SERVER_DEFAULT_SHARE_PCT / 100;
	if (!cap || cap > avail_mb) {
		pr_err("capacity_mb=%u: must be between 1 and the %lu MiB available\n",
		       capacity_mb, avail_mb);
		return -EINVAL;
	}
	if (!reserve_mb)
		reserve_mb = max(ram_mb / MEMX_SERVER_DEFAULT_RESERVE_DIV, 1UL);
	if (reserve_mb >= avail_mb) {
		pr_err("reserve_mb=%u: must be less than the %lu MiB available\n",
		       reserve_mb, avail_mb);
		return -EINVAL;
	}
	if (cap + 2 * reserve_mb > avail_mb) {
		unsigned long floor = 2UL * reserve_mb;
		unsigned long lendable = avail_mb > floor ? avail_mb - floor : 0;

		pr_warn("capacity_mb=%lu and reserve_mb=%u: only %lu MiB can be lent while the host keeps twice its reserve available\n",
			cap, reserve_mb, lendable);
	}
	err = memx_store_init((u64)cap << (20 - PAGE_SHIFT));
	if (err) {
		pr_err("capacity_mb=%lu: less than one %lu KiB chunk\n", cap,
		       MEMX_CHUNK_PAGES * PAGE_SIZE / 1024);
		return err;
	}
	if (client_max_mb > cap) {
		pr_err("client_max_mb=%u: must be at most the capacity (%lu MiB)\n", client_max_mb,
		       cap);
		return -EINVAL;
	}
	memx_store_reserve((u64)reserve_mb << (20 - PAGE_SHIFT));
	memx_store_client_max((u64)client_max_mb << (20 - PAGE_SHIFT));
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
	mutex_lock(&memx_drain_lock);
	memx_running = true;
	/* Asked to leave while loading. */
	if (drain) {
		memx_store_leave(true);
		memx_advertise();
	}
	mutex_unlock(&memx_drain_lock);
	memx_srv_nl_init();
	pr_info("lending up to %lu MiB, keeping %u MiB available for the host\n", cap,
		reserve_mb);
	return 0;
}

/* Reached only with no client page here: the module was not in use. */
static void __exit memx_server_exit(void)
{
	memx_srv_nl_exit();
	/* A JOIN that comes meanwhile takes nothing; the parameter does nothing. */
	mutex_lock(&memx_drain_lock);
	memx_running = false;
	mutex_unlock(&memx_drain_lock);
	memx_store_leave(true);
	cancel_delayed_work_sync(&memx_housekeeping);
	rmap_advertise_stop();
	memx_serve_exit();
	debugfs_remove_recursive(memx_srv_debugfs);
	memx_store_exit();
}

module_init(memx_server_init);
module_exit(memx_server_exit);
MODULE_DESCRIPTION("memx server: lend idle RAM over RMAP");
MODULE_VERSION(MEMX_VERSION);
MODULE_LICENSE("GPL");
