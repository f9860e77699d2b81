// SPDX-License-Identifier: GPL-2.0
/*
 * A device's attributes in sysfs, one value per file, for scripts and
 * udev (docs/ABI/testing/sysfs-block-memx):
 *
 *   /sys/block/memxN/memx/size_mb, tenant, replicas, label, state,
 *   extents, extents_degraded, extents_lost, errors
 *
 * The counters behind them are debugfs's (memx_client/memxN/stats).
 */
#include <linux/blkdev.h>
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <memx/compat.h>

#include "memx_client.h"

/* Whether @s is a disk's name, memxN: a label must not look like one. */
static bool memx_is_disk_name(const char *s)
{
	unsigned int n;

	return str_has_prefix(s, "memx") && !kstrtouint(s + strlen("memx"), 10, &n);
}

/**
 * memx_label_ok() - whether @label may name a device
 * @label: 1 to MEMX_LABEL_LEN letters, digits, '.', '_' or '-', not
 *	starting with '.': it becomes a file name (/dev/disk/by-id/memx-LABEL);
 *	and not memxN, which names a disk
 *
 * Return: true when it may.
 */
bool memx_label_ok(const char *label)
{
	size_t i, n = strlen(label);

	if (!n || n > MEMX_LABEL_LEN || label[0] == '.' || memx_is_disk_name(label))
		return false;
	for (i = 0; i < n; i++) {
		/* The kernel's isalnum() takes Latin-1 letters too: ASCII only. */
		if (!(isascii(label[i]) && isalnum(label[i])) && !strchr("._-", label[i]))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(memx_label_ok);

static struct memx_dev *memx_attr_dev(struct device *d)
{
	return dev_to_disk(d)->private_data;
}

static s64 memx_attr_stat(struct device *d, enum memx_dev_stat stat)
{
	return atomic64_read(&memx_attr_dev(d)->stat[stat]);
}

static ssize_t size_mb_show(struct device *d, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", memx_attr_dev(d)->pages >> (20 - PAGE_SHIFT));
}

static ssize_t tenant_show(struct device *d, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", rmap_tenant_name(memx_attr_dev(d)->tenant));
}

static ssize_t replicas_show(struct device *d, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", memx_attr_dev(d)->replicas);
}

static ssize_t label_show(struct device *d, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", memx_attr_dev(d)->label);
}

/* Extents placed now: placed, less those a discard gave back. */
static ssize_t extents_show(struct device *d, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", memx_attr_stat(d, MEMX_DEV_PLACED) -
			  memx_attr_stat(d, MEMX_DEV_RELEASED));
}

static ssize_t extents_degraded_show(struct device *d, struct device_attribute *attr,
				     char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&memx_attr_dev(d)->degraded));
}

static ssize_t extents_lost_show(struct device *d, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", memx_attr_stat(d, MEMX_DEV_EXTENTS_LOST));
}

static ssize_t errors_show(struct device *d, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", memx_attr_stat(d, MEMX_DEV_ERRORS));
}

/**
 * memx_dev_state() - a device's state, as sysfs and netlink show it
 * @dev: the device
 *
 * Return: "lost" when some extent lost every copy since the device was
 * made (its data is gone); "degraded" when some extent is short of copies
 * at the last scan (being made again); else "ok".
 */
const char *memx_dev_state(struct memx_dev *dev)
{
	if (atomic64_read(&dev->stat[MEMX_DEV_EXTENTS_LOST]))
		return "lost";
	if (atomic_read(&dev->degraded))
		return "degraded";
	return "ok";
}

static ssize_t state_show(struct device *d, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", memx_dev_state(memx_attr_dev(d)));
}

static DEVICE_ATTR_RO(size_mb);
static DEVICE_ATTR_RO(tenant);
static DEVICE_ATTR_RO(replicas);
static DEVICE_ATTR_RO(label);
static DEVICE_ATTR_RO(extents);
static DEVICE_ATTR_RO(extents_degraded);
static DEVICE_ATTR_RO(extents_lost);
static DEVICE_ATTR_RO(errors);
static DEVICE_ATTR_RO(state);

static struct attribute *memx_disk_attrs[] = {
	&dev_attr_size_mb.attr,
	&dev_attr_tenant.attr,
	&dev_attr_replicas.attr,
	&dev_attr_label.attr,
	&dev_attr_extents.attr,
	&dev_attr_extents_degraded.attr,
	&dev_attr_extents_lost.attr,
	&dev_attr_errors.attr,
	&dev_attr_state.attr,
	NULL,
};

static const struct attribute_group memx_disk_group = {
	.name = "memx",
	.attrs = memx_disk_attrs,
};

const struct attribute_group *memx_disk_groups[] = {
	&memx_disk_group,
	NULL,
};
