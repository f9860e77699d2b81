// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/memxN: a blk-mq disk of 4 KiB blocks. Each page of a request is
 * one RMAP request to the server holding its extent, sent from the
 * submitting context without sleeping or allocating: the RMAP requests
 * live in the blk-mq request itself. A write to an extent not yet placed
 * waits for the placement work; a read of one returns zeroes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "memx_client.h"

static int memx_major;

/* A device being removed takes no new users. Under the disk's open_mutex. */
static int memx_open(struct block_device *bdev, fmode_t mode)
{
	struct memx_dev *dev = bdev->bd_disk->private_data;

	return dev->claimed ? -EBUSY : 0;
}

static const struct block_device_operations memx_fops = {
	.owner = THIS_MODULE,
	.open = memx_open,
};

/**
 * memx_dev_claim() - take a device no one has open out of use, to remove it
 * @dev: the device
 *
 * Return: 0, after which opens fail; -EBUSY when it is open.
 */
int memx_dev_claim(struct memx_dev *dev)
{
	int err = 0;

	mutex_lock(&dev->disk->open_mutex);
	if (disk_openers(dev->disk))
		err = -EBUSY;
	else
		dev->claimed = true;
	mutex_unlock(&dev->disk->open_mutex);
	return err;
}

static void memx_count(struct memx_dev *dev, enum memx_dev_stat stat)
{
	atomic64_inc(&dev->stat[stat]);
}

static void memx_cmd_put(struct memx_cmd *cmd)
{
	if (atomic_dec_and_test(&cmd->pending)) {
		if (cmd->status)
			memx_count(cmd->dev, MEMX_DEV_ERRORS);
		blk_mq_end_request(blk_mq_rq_from_pdu(cmd), cmd->status);
	}
}

/* One page of a request came back (softirq). */
static void memx_page_done(struct rmap_req *req)
{
	struct memx_cmd *cmd = req->priv;
	struct memx_session *sess = cmd->sess[req - cmd->reqs];

	/* Lost or silent server: send again while the request has time. */
	if ((req->status == -EHOSTDOWN || req->status == -ETIMEDOUT) &&
	    time_before(jiffies, cmd->deadline)) {
		atomic64_inc(&sess->resends);
		if (!memx_session_submit(sess, req))
			return;
	}
	if (req->status) {
		atomic64_inc(&sess->errors);
		memx_session_check(sess, req);
		pr_err_ratelimited("%s: request %u at %llu on %pM failed: %d (status %u)\n",
				   cmd->dev->disk->disk_name, req->type,
				   be64_to_cpu(req->body.page.offset), sess->mac, req->status,
				   req->resp_status);
		WRITE_ONCE(cmd->status, BLK_STS_IOERR);
	} else {
		atomic64_inc(req->type == RMAP_READ ? &sess->reads : req->type == RMAP_WRITE ?
			     &sess->writes : &sess->discards);
		atomic64_add(req->rtt_us, &sess->rtt_us_sum);
		atomic64_inc(&sess->answered);
	}
	memx_cmd_put(cmd);
}

/* Queue one RMAP request of @cmd; false when it could not be prepared. */
static void memx_cmd_add(struct memx_cmd *cmd, struct memx_session *sess, u8 type,
			 u64 remote_off, u32 size, struct page *page, unsigned int off)
{
	struct rmap_req *req = &cmd->reqs[cmd->nr];

	memset(req, 0, offsetof(struct rmap_req, status));
	req->type = type;
	req->session = sess->id;
	req->body.page.offset = cpu_to_be64(remote_off);
	req->body.page.size = cpu_to_be32(size);
	if (type != RMAP_READ)
		req->body.page.wseq = cpu_to_be64(atomic64_inc_return(&sess->wseq));
	if (type == RMAP_WRITE) {
		req->page = page;
		req->page_off = off;
		req->len = size;
	} else if (type == RMAP_READ) {
		req->resp_page = page;
		req->resp_off = off;
		req->len = size;
	}
	req->done = memx_page_done;
	req->priv = cmd;
	cmd->sess[cmd->nr++] = sess;
}

/* Whether a write in @rq touches an extent not placed yet. */
static bool memx_needs_placement(struct memx_dev *dev, struct request *rq)
{
	u64 first = blk_rq_pos(rq) >> (PAGE_SHIFT - SECTOR_SHIFT);
	u64 last = (blk_rq_pos(rq) + blk_rq_sectors(rq) - 1) >> (PAGE_SHIFT - SECTOR_SHIFT);
	u64 ext;

	if (req_op(rq) != REQ_OP_WRITE)
		return false;
	for (ext = first >> MEMX_EXTENT_SHIFT; ext <= last >> MEMX_EXTENT_SHIFT; ext++) {
		if (!READ_ONCE(dev->extents[ext].where))
			return true;
	}
	return false;
}

/* Cut a read or write into page requests; reads of unplaced extents are zeroes. */
static blk_status_t memx_build_rw(struct memx_cmd *cmd, struct request *rq)
{
	struct memx_dev *dev = cmd->dev;
	u8 type = req_op(rq) == REQ_OP_READ ? RMAP_READ : RMAP_WRITE;
	u64 pos = blk_rq_pos(rq) << SECTOR_SHIFT;
	struct req_iterator iter;
	struct bio_vec bv;

	rq_for_each_segment(bv, rq, iter) {
		unsigned int done = 0;

		while (done < bv.bv_len) {
			unsigned int len = min_t(unsigned int, bv.bv_len - done,
						 PAGE_SIZE - offset_in_page(pos));
			struct memx_session *sess;
			u64 remote;

			sess = memx_extent_session(dev, pos >> PAGE_SHIFT, &remote);
			if (!sess) {
				if (type == RMAP_WRITE)
					return BLK_STS_IOERR;	/* placement was checked */
				memzero_page(bv.bv_page, bv.bv_offset + done, len);
				memx_count(dev, MEMX_DEV_ZERO_READS);
			} else {
				if (cmd->nr == MEMX_MAX_PAGES)
					return BLK_STS_IOERR;
				memx_cmd_add(cmd, sess, type,
					     (remote << PAGE_SHIFT) + offset_in_page(pos), len,
					     bv.bv_page, bv.bv_offset + done);
			}
			done += len;
			pos += len;
		}
	}
	return BLK_STS_OK;
}

/*
 * A discard: forget the placed extents' pages, an extent at a time. An
 * extent discarded whole is given back: unplaced here, its memory
 * freed by the server.
 */
static blk_status_t memx_build_discard(struct memx_cmd *cmd, struct request *rq)
{
	u64 page = blk_rq_pos(rq) >> (PAGE_SHIFT - SECTOR_SHIFT);
	u64 end = page + (blk_rq_bytes(rq) >> PAGE_SHIFT);

	while (page < end) {
		u64 stop = min(end, round_down(page, MEMX_EXTENT_PAGES) + MEMX_EXTENT_PAGES);
		struct memx_session *sess;
		u64 remote;

		if (stop - page == MEMX_EXTENT_PAGES)
			sess = memx_extent_release(cmd->dev, page >> MEMX_EXTENT_SHIFT, &remote);
		else
			sess = memx_extent_session(cmd->dev, page, &remote);
		if (sess) {
			if (cmd->nr == MEMX_MAX_PAGES)
				return BLK_STS_IOERR;
			memx_cmd_add(cmd, sess, RMAP_DISCARD, remote << PAGE_SHIFT,
				     (stop - page) << PAGE_SHIFT, NULL, 0);
		}
		page = stop;
	}
	return BLK_STS_OK;
}

/**
 * memx_dev_dispatch() - send a started request whose extents are placed
 * @cmd: the request
 *
 * Never sleeps. The request ends when its last page answers.
 */
void memx_dev_dispatch(struct memx_cmd *cmd)
{
	struct request *rq = blk_mq_rq_from_pdu(cmd);
	blk_status_t st;
	unsigned int i;

	cmd->nr = 0;
	cmd->status = BLK_STS_OK;
	cmd->deadline = jiffies + msecs_to_jiffies(MEMX_IO_RETRY_MS);
	st = req_op(rq) == REQ_OP_DISCARD ? memx_build_discard(cmd, rq) : memx_build_rw(cmd, rq);
	if (st) {
		memx_count(cmd->dev, MEMX_DEV_ERRORS);
		blk_mq_end_request(rq, st);
		return;
	}
	/* One count for the submitter, so no early answer ends the request. */
	atomic_set(&cmd->pending, cmd->nr + 1);
	for (i = 0; i < cmd->nr; i++) {
		if (memx_session_submit(cmd->sess[i], &cmd->reqs[i])) {
			atomic64_inc(&cmd->sess[i]->errors);
			WRITE_ONCE(cmd->status, BLK_STS_IOERR);
			memx_cmd_put(cmd);
		}
	}
	memx_cmd_put(cmd);
}

static blk_status_t memx_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;
	struct memx_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct memx_dev *dev = cmd->dev;

	switch (req_op(rq)) {
	case REQ_OP_FLUSH:
		/* Writes end only once the server holds them: nothing to flush. */
		blk_mq_start_request(rq);
		memx_count(dev, MEMX_DEV_FLUSHES);
		blk_mq_end_request(rq, BLK_STS_OK);
		return BLK_STS_OK;
	case REQ_OP_READ:
		memx_count(dev, MEMX_DEV_READS);
		break;
	case REQ_OP_WRITE:
		memx_count(dev, MEMX_DEV_WRITES);
		break;
	case REQ_OP_DISCARD:
		memx_count(dev, MEMX_DEV_DISCARDS);
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	blk_mq_start_request(rq);
	if (memx_needs_placement(dev, rq)) {
		cmd->wait_since = jiffies;
		spin_lock(&dev->wait_lock);
		list_add_tail(&cmd->wait, &dev->waiting);
		spin_unlock(&dev->wait_lock);
		queue_work(memx_wq, &dev->place_work);
		return BLK_STS_OK;
	}
	memx_dev_dispatch(cmd);
	return BLK_STS_OK;
}

/* RMAP bounds every page request's time; placement bounds its own. */
static enum blk_eh_timer_return memx_timeout(struct request *rq)
{
	return BLK_EH_RESET_TIMER;
}

static int memx_init_request(struct blk_mq_tag_set *set, struct request *rq,
			     unsigned int hctx_idx, unsigned int numa_node)
{
	struct memx_cmd *cmd = blk_mq_rq_to_pdu(rq);

	cmd->dev = set->driver_data;
	INIT_LIST_HEAD(&cmd->wait);
	return 0;
}

static const struct blk_mq_ops memx_mq_ops = {
	.queue_rq = memx_queue_rq,
	.timeout = memx_timeout,
	.init_request = memx_init_request,
};

static const char *const memx_dev_stat_names[MEMX_DEV_STAT_NR] = {
	[MEMX_DEV_READS] = "reads",
	[MEMX_DEV_WRITES] = "writes",
	[MEMX_DEV_DISCARDS] = "discards",
	[MEMX_DEV_FLUSHES] = "flushes",
	[MEMX_DEV_ERRORS] = "errors",
	[MEMX_DEV_ZERO_READS] = "zero_reads",
	[MEMX_DEV_PLACED] = "extents_placed",
	[MEMX_DEV_RELEASED] = "extents_released",
};

static int memx_stats_show(struct seq_file *m, void *v)
{
	struct memx_dev *dev = m->private;
	int i;

	seq_printf(m, "pages %llu\n", dev->pages);
	seq_printf(m, "extents %u\n", dev->nr_extents);
	for (i = 0; i < MEMX_DEV_STAT_NR; i++)
		seq_printf(m, "%s %lld\n", memx_dev_stat_names[i], atomic64_read(&dev->stat[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memx_stats);

static int memx_servers_show(struct seq_file *m, void *v)
{
	memx_map_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memx_servers);

/**
 * memx_dev_debugfs() - counters of a device under @parent/memxN/
 * @dev: the device
 * @parent: memx_client's debugfs directory
 */
void memx_dev_debugfs(struct memx_dev *dev, struct dentry *parent)
{
	dev->debugfs = debugfs_create_dir(dev->disk->disk_name, parent);
	debugfs_create_file("stats", 0444, dev->debugfs, dev, &memx_stats_fops);
	debugfs_create_file("servers", 0444, dev->debugfs, dev, &memx_servers_fops);
}

/**
 * memx_dev_create() - make /dev/memx@index
 * @index: device number
 * @pages: size in pages, a whole number of extents
 * @tenant: the tenant whose servers hold it (rmap_tenant_find())
 *
 * Return: the device, or an ERR_PTR().
 */
struct memx_dev *memx_dev_create(int index, u64 pages, unsigned int tenant)
{
	struct memx_dev *dev;
	struct gendisk *disk;
	int err;

	if (!memx_major) {
		memx_major = register_blkdev(0, "memx");
		if (memx_major < 0) {
			err = memx_major;
			memx_major = 0;
			return ERR_PTR(err);
		}
	}
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->index = index;
	dev->pages = pages;
	dev->tenant = tenant;
	dev->client_id = get_random_u64();
	spin_lock_init(&dev->wait_lock);
	INIT_LIST_HEAD(&dev->waiting);
	err = memx_map_init(dev);
	if (err)
		goto free;

	dev->tag_set.ops = &memx_mq_ops;
	dev->tag_set.nr_hw_queues = 1;
	dev->tag_set.queue_depth = MEMX_QUEUE_DEPTH;
	dev->tag_set.numa_node = NUMA_NO_NODE;
	dev->tag_set.cmd_size = sizeof(struct memx_cmd);
	dev->tag_set.flags = BLK_MQ_F_SHOULD_MERGE;
	dev->tag_set.driver_data = dev;
	err = blk_mq_alloc_tag_set(&dev->tag_set);
	if (err)
		goto map;
	disk = blk_mq_alloc_disk(&dev->tag_set, dev);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto tags;
	}
	dev->disk = disk;
	disk->major = memx_major;
	disk->first_minor = index * 16;
	disk->minors = 16;
	disk->fops = &memx_fops;
	disk->private_data = dev;
	snprintf(disk->disk_name, DISK_NAME_LEN, "memx%d", index);
	set_capacity(disk, pages << (PAGE_SHIFT - SECTOR_SHIFT));
	blk_queue_logical_block_size(disk->queue, PAGE_SIZE);
	blk_queue_physical_block_size(disk->queue, PAGE_SIZE);
	blk_queue_io_min(disk->queue, PAGE_SIZE);
	/* Buffers on page boundaries: every page of a request is one RMAP request. */
	blk_queue_dma_alignment(disk->queue, PAGE_SIZE - 1);
	blk_queue_max_hw_sectors(disk->queue, MEMX_MAX_PAGES << (PAGE_SHIFT - SECTOR_SHIFT));
	blk_queue_max_segments(disk->queue, MEMX_MAX_PAGES);
	blk_queue_max_discard_sectors(disk->queue,
				      MEMX_EXTENT_PAGES << (PAGE_SHIFT - SECTOR_SHIFT));
	/*
	 * Discards split on extent boundaries, so that a large one gives
	 * whole extents back (memx_build_discard()); smaller ones still pass.
	 */
	disk->queue->limits.discard_granularity = MEMX_EXTENT_PAGES << PAGE_SHIFT;
	blk_queue_flag_set(QUEUE_FLAG_NONROT, disk->queue);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, disk->queue);
	blk_queue_rq_timeout(disk->queue, 30 * HZ);
	err = add_disk(disk);
	if (err)
		goto disk;
	return dev;

disk:
	put_disk(disk);
tags:
	blk_mq_free_tag_set(&dev->tag_set);
map:
	memx_map_exit(dev);
free:
	kfree(dev);
	return ERR_PTR(err);
}

/**
 * memx_dev_destroy() - remove a device and give its memory back
 * @dev: a device no one has open (the module cannot unload otherwise)
 */
void memx_dev_destroy(struct memx_dev *dev)
{
	debugfs_remove_recursive(dev->debugfs);
	del_gendisk(dev->disk);
	put_disk(dev->disk);
	blk_mq_free_tag_set(&dev->tag_set);
	memx_map_exit(dev);
	kfree(dev);
}

/* After the last device. */
void memx_dev_exit(void)
{
	if (memx_major)
		unregister_blkdev(memx_major, "memx");
}
