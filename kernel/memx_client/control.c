// SPDX-License-Identifier: GPL-2.0
/*
 * The set of devices, and the control files that change it at run time,
 * as a driver domain serving many guests needs (one device per guest,
 * each its own size):
 *
 *   echo 512 > /sys/class/memx/add             # a new /dev/memxN of 512 MiB
 *   echo "512 tenant=blue" > /sys/class/memx/add  # on tenant blue's servers
 *   echo "512 replicas=1" > /sys/class/memx/add    # one copy of each extent
 *   echo "512 label=web1" > /sys/class/memx/add   # /dev/disk/by-id/memx-web1
 *   echo memx3 > /sys/class/memx/remove        # refused while memx3 is open
 *
 * A device lives on the servers of one tenant (a key of rmap_proto's
 * key_file), under that key: devices of different tenants in one driver
 * domain are kept apart on the servers. The new device's name is logged;
 * /sys/class/memx/devices lists them all. memxctl does the same through
 * netlink (netlink.c), and is told the new device's name.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <memx/netlink.h>

#include "memx_client.h"

static struct memx_dev *memx_devs[MEMX_MAX_DEVICES];
static DEFINE_MUTEX(memx_devs_lock);	/* memx_devs */

/*
 * A server came, restarted or went: writes waiting for room try it at
 * once, leases are renewed now, so that sessions a restarted server lost
 * are known lost (and replaced) before the next write needs them, and
 * extents short of copies get them (on the newcomer, or away from the
 * server that went).
 */
static void memx_servers_changed(struct work_struct *work)
{
	int i;

	mutex_lock(&memx_devs_lock);
	for (i = 0; i < MEMX_MAX_DEVICES; i++) {
		if (!memx_devs[i])
			continue;
		mod_delayed_work(memx_wq, &memx_devs[i]->renew_work, 0);
		memx_place_kick(memx_devs[i]);
		memx_repair_kick(memx_devs[i]);
	}
	mutex_unlock(&memx_devs_lock);
}

static DECLARE_WORK(memx_server_work, memx_servers_changed);

static int memx_server_event(struct notifier_block *nb, unsigned long event, void *data)
{
	/*
	 * A dead server's requests fail, and repair waits out its grace;
	 * its coming back changes nothing placement uses: neither is news.
	 */
	if (event == RMAP_SERVER_DEAD || event == RMAP_SERVER_BACK)
		return NOTIFY_DONE;
	queue_work(memx_wq, &memx_server_work);
	return NOTIFY_OK;
}

static struct notifier_block memx_server_nb = {
	.notifier_call = memx_server_event,
};

static struct dentry *memx_debugfs;

/**
 * memx_devices_add() - create a device at the lowest free index
 * @size_mb: its size in MiB, 1 to MEMX_MAX_SIZE_MB
 * @tenant: the tenant whose servers hold it
 * @replicas: copies of each extent, 1 to MEMX_MAX_REPLICAS
 * @label: its stable name (memx_label_ok()), unique among devices, or ""
 * @made: if not NULL, run on the new device before anyone else can see
 *	or remove it (netlink's answer); it must not fail
 * @arg: for @made
 *
 * Return: the new device's index, or a negative errno (-ENOSPC when all
 * MEMX_MAX_DEVICES exist, -EEXIST when another device has @label).
 */
int memx_devices_add(unsigned int size_mb, unsigned int tenant, unsigned int replicas,
		     const char *label, void (*made)(struct memx_dev *dev, void *arg), void *arg)
{
	struct memx_dev *dev;
	int i, ret = -ENOSPC;

	if (!size_mb || size_mb > MEMX_MAX_SIZE_MB || tenant >= rmap_tenants_nr() ||
	    !replicas || replicas > MEMX_MAX_REPLICAS || (*label && !memx_label_ok(label)))
		return -EINVAL;
	mutex_lock(&memx_devs_lock);
	for (i = 0; *label && i < MEMX_MAX_DEVICES; i++) {
		if (memx_devs[i] && !strcmp(memx_devs[i]->label, label)) {
			mutex_unlock(&memx_devs_lock);
			return -EEXIST;
		}
	}
	for (i = 0; i < MEMX_MAX_DEVICES; i++) {
		if (memx_devs[i])
			continue;
		dev = memx_dev_create(i, (u64)size_mb << (20 - PAGE_SHIFT), tenant, replicas,
				      label);
		if (IS_ERR(dev)) {
			ret = PTR_ERR(dev);
			break;
		}
		memx_dev_debugfs(dev, memx_debugfs);
		memx_room_check(dev);
		memx_devs[i] = dev;
		if (made)
			made(dev, arg);
		memx_nl_dev_event(dev, MEMX_EVENT_DEV_ADDED, GFP_KERNEL);
		ret = i;
		break;
	}
	mutex_unlock(&memx_devs_lock);
	return ret;
}

/* The index of the device named @name (memx_devices_find()); memx_devs_lock held. */
static int memx_devices_find_locked(const char *name)
{
	int i;

	/* Disk names first: a label never hides another device's name. */
	for (i = 0; i < MEMX_MAX_DEVICES; i++) {
		if (memx_devs[i] && !strcmp(memx_devs[i]->disk->disk_name, name))
			return i;
	}
	for (i = 0; *name && i < MEMX_MAX_DEVICES; i++) {
		if (memx_devs[i] && !strcmp(memx_devs[i]->label, name))
			return i;
	}
	return -ENODEV;
}

/* Destroy device @index, and say so once it is gone; memx_devs_lock held. */
static void memx_devices_destroy(int index)
{
	struct memx_dev *dev = memx_devs[index];
	struct sk_buff *event;
	void *hdr;

	/* Built before, sent after: no event about the device follows it. */
	event = memx_nl_dev_event_new(dev, MEMX_EVENT_DEV_REMOVED, GFP_KERNEL, &hdr);
	memx_devs[index] = NULL;
	memx_dev_destroy(dev);
	if (event)
		rmap_nl_event_send(event, hdr);
}

/* Remove device @index unless it is open; memx_devs_lock held. */
static int memx_devices_remove_locked(int index)
{
	int err = memx_devs[index] ? memx_dev_claim(memx_devs[index]) : -ENODEV;

	if (!err)
		memx_devices_destroy(index);
	return err;
}

/**
 * memx_devices_remove() - remove a device unless it is open
 * @name: its disk name (memx3) or its label
 *
 * Return: its index, -ENODEV when there is no such device, -EBUSY when
 * it is open, -EINTR when a fatal signal came while waiting.
 */
int memx_devices_remove(const char *name)
{
	int index;

	if (mutex_lock_killable(&memx_devs_lock))
		return -EINTR;
	index = memx_devices_find_locked(name);
	if (index >= 0) {
		int err = memx_devices_remove_locked(index);

		if (err)
			index = err;
	}
	mutex_unlock(&memx_devs_lock);
	return index;
}

/**
 * memx_devices_call() - run @fn on a device, which stays while it runs
 * @index: the device's index, or -1 to find it by @name
 * @name: its disk name ("memx3") or its label, when @index is -1
 * @fn: what to run; it may sleep, and must not add or remove devices
 * @arg: for @fn
 *
 * Return: what @fn returned, -ENODEV when there is no such device, or
 * -EINTR when a fatal signal came while waiting for the devices' lock.
 */
int memx_devices_call(int index, const char *name, int (*fn)(struct memx_dev *dev, void *arg),
		      void *arg)
{
	int ret = -ENODEV;

	if (index >= MEMX_MAX_DEVICES)
		return ret;
	if (mutex_lock_killable(&memx_devs_lock))
		return -EINTR;
	if (index < 0)
		index = memx_devices_find_locked(name);
	if (index >= 0 && memx_devs[index])
		ret = fn(memx_devs[index], arg);
	mutex_unlock(&memx_devs_lock);
	return ret;
}

/**
 * memx_tenant_parse() - the tenant a device is to use
 * @name: a tenant's name in rmap_proto's key_file, or "" for the first
 *
 * Return: the tenant, or -ENOENT after saying which tenants there are.
 */
int memx_tenant_parse(const char *name)
{
	int t = *name ? rmap_tenant_find(name) : 0;
	unsigned int i;

	if (t >= 0)
		return t;
	pr_err("tenant %s: rmap_proto has no key of that name; it has:\n", name);
	for (i = 0; i < rmap_tenants_nr(); i++)
		pr_err("  %s\n", rmap_tenant_name(i));
	return -ENOENT;
}

/* "SIZE_MB [tenant=NAME] [replicas=N] [label=LABEL]". */
static ssize_t add_store(struct class *class, struct class_attribute *attr,
			 const char *buf, size_t count)
{
	unsigned int size_mb, replicas = memx_replicas;
	char line[128], *rest, *size, *opt;
	const char *name = "", *label = "";
	int ret, tenant;

	if (strscpy(line, buf, sizeof(line)) < 0)
		goto bad;
	rest = strim(line);
	size = strsep(&rest, " \t");
	if (kstrtouint(size, 10, &size_mb) || !size_mb || size_mb > MEMX_MAX_SIZE_MB)
		goto bad;
	while ((opt = strsep(&rest, " \t"))) {
		if (!*opt)
			continue;
		if (str_has_prefix(opt, "tenant=") && opt[strlen("tenant=")])
			name = opt + strlen("tenant=");
		else if (str_has_prefix(opt, "label=") && memx_label_ok(opt + strlen("label=")))
			label = opt + strlen("label=");
		else if (!str_has_prefix(opt, "replicas=") ||
			 kstrtouint(opt + strlen("replicas="), 10, &replicas) ||
			 !replicas || replicas > MEMX_MAX_REPLICAS)
			goto bad;
	}
	tenant = memx_tenant_parse(name);
	if (tenant < 0)
		return tenant;
	ret = memx_devices_add(size_mb, tenant, replicas, label, NULL, NULL);
	if (ret == -EEXIST) {
		pr_err("add: another device has the label %s\n", label);
		return ret;
	}
	if (ret < 0) {
		pr_err("add: cannot create a %u MiB device: %d\n", size_mb, ret);
		return ret;
	}
	pr_info("memx%d: %u MiB, tenant %s, %u %s%s%s\n", ret, size_mb, rmap_tenant_name(tenant),
		replicas, replicas == 1 ? "copy" : "copies", *label ? ", label " : "", label);
	return count;
bad:
	pr_err("add: '%.*s' is not \"SIZE_MB [tenant=NAME] [replicas=N] [label=LABEL]\" with SIZE_MB from 1 to %u, N from 1 to %u, LABEL 1 to %u letters, digits, '.', '_' or '-', not starting with '.'\n",
	       (int)strcspn(buf, "\n"), buf, MEMX_MAX_SIZE_MB, MEMX_MAX_REPLICAS, MEMX_LABEL_LEN);
	return -EINVAL;
}

static ssize_t remove_store(struct class *class, struct class_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned int index;
	int err;

	if (sscanf(buf, "memx%u", &index) != 1 && kstrtouint(buf, 10, &index))
		return -EINVAL;
	if (index >= MEMX_MAX_DEVICES)
		return -ENODEV;
	mutex_lock(&memx_devs_lock);
	err = memx_devices_remove_locked(index);
	mutex_unlock(&memx_devs_lock);
	if (err == -EBUSY)
		pr_err("remove: memx%u is in use\n", index);
	if (err)
		return err;
	pr_info("memx%u: removed\n", index);
	return count;
}

static ssize_t devices_show(struct class *class, struct class_attribute *attr,
			    char *buf)
{
	int i, len = 0;

	mutex_lock(&memx_devs_lock);
	for (i = 0; i < MEMX_MAX_DEVICES; i++) {
		if (memx_devs[i])
			len += sysfs_emit_at(buf, len, "memx%d %llu %s %u%s%s\n", i,
					     memx_devs[i]->pages >> (20 - PAGE_SHIFT),
					     rmap_tenant_name(memx_devs[i]->tenant),
					     memx_devs[i]->replicas,
					     *memx_devs[i]->label ? " " : "", memx_devs[i]->label);
	}
	mutex_unlock(&memx_devs_lock);
	return len;
}

static CLASS_ATTR_WO(add);
static CLASS_ATTR_WO(remove);
static CLASS_ATTR_RO(devices);

static struct attribute *memx_class_attrs[] = {
	&class_attr_add.attr,
	&class_attr_remove.attr,
	&class_attr_devices.attr,
	NULL,
};
ATTRIBUTE_GROUPS(memx_class);

static struct class memx_class = {
	.name = "memx",
	.class_groups = memx_class_groups,
};

static bool memx_published;

/**
 * memx_control_init() - servers' events, and where devices' counters go
 * @debugfs: memx_client's debugfs directory
 */
void memx_control_init(struct dentry *debugfs)
{
	memx_debugfs = debugfs;
	rmap_server_notifier_register(&memx_server_nb);
}

/**
 * memx_control_publish() - the control files and netlink commands
 *
 * Last of the module's init: once users can add devices, the module must
 * not fail to load, which would free devices they made.
 *
 * Return: 0 or a negative errno.
 */
int memx_control_publish(void)
{
	int err = class_register(&memx_class);

	if (err)
		return err;
	err = memx_nl_init();
	if (err) {
		class_unregister(&memx_class);
		return err;
	}
	memx_published = true;
	return 0;
}

/* Remove the control files, then every device (none is open: rmmod). */
void memx_control_exit(void)
{
	int i;

	if (memx_published) {
		memx_nl_exit();
		class_unregister(&memx_class);
		memx_published = false;
	}
	rmap_server_notifier_unregister(&memx_server_nb);
	cancel_work_sync(&memx_server_work);
	mutex_lock(&memx_devs_lock);
	for (i = MEMX_MAX_DEVICES - 1; i >= 0; i--) {
		if (memx_devs[i])
			memx_devices_destroy(i);
	}
	mutex_unlock(&memx_devs_lock);
}
