// SPDX-License-Identifier: GPL-2.0
/*
 * Module-wide counters, per CPU so the receive path never shares a cache
 * line, summed on read into /sys/kernel/debug/rmap/stats.
 */
#include <linux/debugfs.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "rmap_proto.h"

struct rmap_counters {
	u64 stat[RMAP_STAT_NR];
	u64 drop[RMAP_DROP_NR];
};

static DEFINE_PER_CPU(struct rmap_counters, rmap_counters);
struct dentry *rmap_debugfs;

static const char *const rmap_stat_names[RMAP_STAT_NR] = {
	[RMAP_STAT_RX_FRAMES] = "rx_frames",
	[RMAP_STAT_RX_BYTES] = "rx_bytes",
	[RMAP_STAT_RX_UNCLAIMED] = "rx_unclaimed",
};

void rmap_stat_add(enum rmap_stat stat, u64 n)
{
	this_cpu_add(rmap_counters.stat[stat], n);
}

void rmap_stat_drop(enum rmap_drop why)
{
	this_cpu_inc(rmap_counters.drop[why]);
}

static int rmap_stats_show(struct seq_file *m, void *v)
{
	u64 stat[RMAP_STAT_NR] = {}, drop[RMAP_DROP_NR] = {};
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct rmap_counters *c = per_cpu_ptr(&rmap_counters, cpu);

		for (i = 0; i < RMAP_STAT_NR; i++)
			stat[i] += READ_ONCE(c->stat[i]);
		for (i = 0; i < RMAP_DROP_NR; i++)
			drop[i] += READ_ONCE(c->drop[i]);
	}
	for (i = 0; i < RMAP_STAT_NR; i++)
		seq_printf(m, "%s %llu\n", rmap_stat_names[i], stat[i]);
	for (i = RMAP_DROP_NONE + 1; i < RMAP_DROP_NR; i++)
		seq_printf(m, "drop_%s %llu\n", rmap_drop_names[i], drop[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rmap_stats);

int rmap_stats_init(void)
{
	rmap_debugfs = debugfs_create_dir("rmap", NULL);
	debugfs_create_file("stats", 0444, rmap_debugfs, NULL, &rmap_stats_fops);
	return 0;
}

void rmap_stats_exit(void)
{
	debugfs_remove_recursive(rmap_debugfs);
}
