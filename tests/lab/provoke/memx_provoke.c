// SPDX-License-Identifier: GPL-2.0
/*
 * memx_provoke: the lab checking its own verdicts (tests/lab/selftest.py).
 * Writing to /sys/kernel/debug/memx_provoke makes this kernel report what
 * the lab must fail a run on: "warn" a WARNING, "uaf" a read of freed
 * memory (a KASAN report), "hang" a task blocked past the hung task
 * timeout (the role sets it low). Built only against the debug kernel.
 */
#include <linux/compiler.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* A "hang" blocks this long: past a hung task timeout of a few seconds. */
#define MEMX_PROVOKE_HANG_MS	20000

static struct dentry *memx_provoke_file;

static int memx_provoke_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	/* Hidden from the compiler, seen by KASAN. */
	OPTIMIZER_HIDE_VAR(p);
	(void)READ_ONCE(p[8]);
	return 0;
}

static ssize_t memx_provoke_write(struct file *file, const char __user *buf, size_t len,
				  loff_t *ppos)
{
	char cmd[8] = {};
	int err = 0;

	if (copy_from_user(cmd, buf, min(len, sizeof(cmd) - 1)))
		return -EFAULT;
	if (sysfs_streq(cmd, "warn"))
		WARN(1, "memx_provoke: a warning, on purpose\n");
	else if (sysfs_streq(cmd, "uaf"))
		err = memx_provoke_uaf();
	else if (sysfs_streq(cmd, "hang"))
		schedule_timeout_uninterruptible(msecs_to_jiffies(MEMX_PROVOKE_HANG_MS));
	else
		err = -EINVAL;
	return err ?: len;
}

static const struct file_operations memx_provoke_fops = {
	.owner = THIS_MODULE,
	.write = memx_provoke_write,
};

static int __init memx_provoke_init(void)
{
	memx_provoke_file = debugfs_create_file("memx_provoke", 0200, NULL, NULL,
						&memx_provoke_fops);
	return 0;
}

static void __exit memx_provoke_exit(void)
{
	debugfs_remove(memx_provoke_file);
}

module_init(memx_provoke_init);
module_exit(memx_provoke_exit);
MODULE_DESCRIPTION("The lab's self-test: kernel reports on demand");
MODULE_LICENSE("GPL");
