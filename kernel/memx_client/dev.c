// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/memxN: a blk-mq disk of 4 KiB blocks. The pages of a request that
 * lie in one extent (a run) are one RMAP request to each server holding
 * a copy of it, sent from the submitting context without sleeping or
 * allocating: the RMAP requests live in the blk-mq request itself. A
 * write to an extent not yet placed waits for the placement work; a read
 * of one returns zeroes.
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

/* The device's extents a write or discard spans. */
static void memx_cmd_extents(struct memx_cmd *cmd, u64 *first, u64 *last)
{
	struct request *rq = blk_mq_rq_from_pdu(cmd);
	u64 pos = blk_rq_pos(rq) >> (PAGE_SHIFT - SECTOR_SHIFT);

	*first = pos >> MEMX_EXTENT_SHIFT;
	*last = (pos + (blk_rq_bytes(rq) >> PAGE_SHIFT) - 1) >> MEMX_EXTENT_SHIFT;
}

/**
 * memx_cmd_hold() - count a write or discard in flight to its extents
 * @cmd: the request
 *
 * Context: any; never sleeps.
 * Return: true, or false (nothing held) while one of them is being copied.
 */
bool memx_cmd_hold(struct memx_cmd *cmd)
{
	struct request *rq = blk_mq_rq_from_pdu(cmd);
	u64 first, last, ext;

	cmd->writing = false;
	if (req_op(rq) != REQ_OP_WRITE && req_op(rq) != REQ_OP_DISCARD)
		return true;
	memx_cmd_extents(cmd, &first, &last);
	for (ext = first; ext <= last; ext++) {
		if (!memx_extent_hold(cmd->dev, ext)) {
			while (ext-- > first)
				memx_extent_unhold(cmd->dev, ext);
			return false;
		}
	}
	cmd->writing = true;
	return true;
}

static void memx_cmd_unhold(struct memx_cmd *cmd)
{
	u64 first, last, ext;

	if (!cmd->writing)
		return;
	memx_cmd_extents(cmd, &first, &last);
	for (ext = first; ext <= last; ext++)
		memx_extent_unhold(cmd->dev, ext);
}

/*
 * A write or discard of a run succeeds when a copy took it: copies that
 * missed it are left behind, unless one is the extent's last (two
 * writes failing crosswise on two copies). A read succeeds when it was
 * answered.
 */
static void memx_cmd_settle(struct memx_cmd *cmd)
{
	unsigned int i, j;

	for (i = 0; i < cmd->nr; i = j) {
		bool ok = false;

		for (j = i; j < cmd->nr && cmd->to[j].page == cmd->to[i].page; j++)
			ok |= cmd->to[j].ok;
		if (!ok) {
			cmd->status = BLK_STS_IOERR;
			continue;
		}
		while (i < j) {
			struct memx_target *to = &cmd->to[i++];

			/* The last copy stays, and the write failed. */
			if (!to->ok && !memx_extent_drop(cmd->dev, to->page >> MEMX_EXTENT_SHIFT,
							 to->replica, to->where))
				cmd->status = BLK_STS_IOERR;
		}
	}
}

/*
 * Count @cmd as a user of session @s until it ends: a session's slot is
 * taken again only once no request uses it (memx_session_reclaim()).
 * Called, with the extent word that named @s read, inside one RCU read
 * section. A command keeps every session it was aimed at, however often
 * its pages move from copy to copy, so that a word it saved stays good.
 */
static void memx_cmd_use(struct memx_cmd *cmd, struct memx_session *s)
{
	if (!test_and_set_bit(s->slot, cmd->uses))
		atomic_inc(&s->inflight);
}

/* @cmd ends: it uses its sessions no more. */
static void memx_cmd_unuse(struct memx_cmd *cmd)
{
	unsigned int slot;

	/* Its last look at a session comes before the slot can be taken again. */
	smp_mb__before_atomic();
	for_each_set_bit(slot, cmd->uses, MEMX_MAX_SESSIONS + 1)
		atomic_dec(&cmd->dev->session_store[slot - 1].inflight);
	bitmap_zero(cmd->uses, MEMX_MAX_SESSIONS + 1);
}

static void memx_cmd_put(struct memx_cmd *cmd)
{
	if (atomic_dec_and_test(&cmd->pending)) {
		memx_cmd_settle(cmd);
		memx_cmd_unhold(cmd);
		memx_cmd_unuse(cmd);
		if (cmd->status)
			memx_count(cmd->dev, MEMX_DEV_ERRORS);
		blk_mq_end_request(blk_mq_rq_from_pdu(cmd), cmd->status);
	}
}

/* Point request @i of @cmd at copy @r of its page's extent, named by @where. */
static void memx_cmd_aim(struct memx_cmd *cmd, unsigned int i, unsigned int r, unsigned long where)
{
	struct memx_session *sess = memx_where_session(cmd->dev, where);
	struct memx_target *to = &cmd->to[i];
	struct rmap_req *req = &cmd->reqs[i];
	u64 off = memx_where_page(where, to->page) << PAGE_SHIFT;

	memx_cmd_use(cmd, sess);
	to->sess = sess;
	to->where = where;
	to->replica = r;
	req->session = sess->id;
	req->body.page.offset = cpu_to_be64(off);
}

/* The round trip of a session whose last request failed. */
#define MEMX_SRTT_FAILED	BIT(30)

/*
 * The copy of @e a read asks next: one not asked yet, on a session not
 * lost, answering fastest lately. Return: its index, with its word in
 * @where, or -1.
 */
static int memx_pick_copy(struct memx_dev *dev, struct memx_extent *e, u8 tried,
			  unsigned long *where)
{
	int r, best = -1, best_rtt = INT_MAX;

	for (r = 0; r < dev->replicas; r++) {
		unsigned long w = READ_ONCE(e->where[r]);
		struct memx_session *s;
		int rtt;

		if (!w || (tried & BIT(r)))
			continue;
		s = memx_where_session(dev, w);
		rtt = atomic_read(&s->lost) ? INT_MAX - 1 : atomic_read(&s->srtt_us);
		if (best < 0 || rtt < best_rtt) {
			best = r;
			best_rtt = rtt;
			*where = w;
		}
	}
	return best;
}

/* A read failed: ask another copy at once. False when none is left. */
static bool memx_read_elsewhere(struct memx_cmd *cmd, unsigned int i)
{
	struct memx_target *to = &cmd->to[i];
	struct memx_extent *e = &cmd->dev->extents[to->page >> MEMX_EXTENT_SHIFT];
	unsigned long where;
	int r;

	bool sent = false;

	/* A copy replaced meanwhile (moved, made again) is asked anew. */
	if (READ_ONCE(e->where[to->replica]) == to->where)
		to->tried |= BIT(to->replica);
	/* The words read and the sessions used at once (memx_cmd_use()). */
	rcu_read_lock();
	while (!sent && (r = memx_pick_copy(cmd->dev, e, to->tried, &where)) >= 0) {
		memx_cmd_aim(cmd, i, r, where);
		memx_count(cmd->dev, MEMX_DEV_READ_FALLBACKS);
		sent = !memx_session_submit(to->sess, &cmd->reqs[i]);
		if (!sent)
			to->tried |= BIT(r);
	}
	rcu_read_unlock();
	return sent;
}

/* Whether another copy of request @i's page took it already. */
static bool memx_page_taken(struct memx_cmd *cmd, unsigned int i)
{
	unsigned int j;

	for (j = i; j > 0 && cmd->to[j - 1].page == cmd->to[i].page; j--)
		;
	for (; j < cmd->nr && cmd->to[j].page == cmd->to[i].page; j++) {
		if (j != i && READ_ONCE(cmd->to[j].ok))
			return true;
	}
	return false;
}

/*
 * A page answered E_SESSION: its server may have lost the session, or
 * have it under the address we joined from, while this one took over
 * from a NIC that failed. A renewal with our id says which
 * (memx_recheck_work()); the page waits for it, within its time.
 */
static bool memx_page_park(struct memx_cmd *cmd, unsigned int i)
{
	struct memx_session *sess = cmd->to[i].sess;
	struct rmap_req *req = &cmd->reqs[i];

	if (req->status != -EREMOTEIO || req->resp_status != RMAP_E_SESSION ||
	    atomic_read(&sess->lost) || !time_before(jiffies, cmd->deadline))
		return false;
	llist_add(&cmd->to[i].park, &sess->parked);
	/* Lost meanwhile: no renewal will come for it. */
	if (atomic_read(&sess->lost))
		memx_session_unpark(sess, 0);
	else
		memx_session_recheck(sess);
	return true;
}

static void memx_page_done(struct rmap_req *req);

/**
 * memx_session_unpark() - pages that waited on a renewal go on
 * @s: the session
 * @status: 0 when the renewal found the session ours here (they are sent
 *	again) or lost (they fail over to another copy, or fail); else why
 *	no answer came (they fail as that silence would have them)
 *
 * Context: any; never sleeps.
 */
void memx_session_unpark(struct memx_session *s, int status)
{
	struct llist_node *parked = llist_del_all(&s->parked);
	struct memx_target *to, *tmp;

	/* As from RMAP's completions, whoever calls. */
	local_bh_disable();
	llist_for_each_entry_safe(to, tmp, parked, park) {
		struct memx_cmd *cmd = to->cmd;
		struct rmap_req *req = &cmd->reqs[to - cmd->to];
		int err = status;

		if (!err && atomic_read(&s->lost)) {
			/* Every copy may be asked again: one that failed may be ours again. */
			to->tried = 0;
		} else if (!err && time_before(jiffies, cmd->deadline)) {
			err = memx_session_submit(s, req);
			if (!err)
				continue;
		}
		if (err)
			req->status = err;
		memx_page_done(req);
	}
	local_bh_enable();
}

/**
 * memx_session_unpark_late() - pages that waited past their time fail
 * @s: the session
 *
 * Context: process (recheck_work).
 */
void memx_session_unpark_late(struct memx_session *s)
{
	struct llist_node *parked = llist_del_all(&s->parked);
	struct memx_target *to, *tmp;

	local_bh_disable();
	llist_for_each_entry_safe(to, tmp, parked, park) {
		if (time_before(jiffies, to->cmd->deadline))
			llist_add(&to->park, &s->parked);
		else
			memx_page_done(&to->cmd->reqs[to - to->cmd->to]);
	}
	local_bh_enable();
}

/* One page of a request came back from one copy (softirq). */
static void memx_page_done(struct rmap_req *req)
{
	struct memx_cmd *cmd = req->priv;
	unsigned int i = req - cmd->reqs;
	struct memx_target *to = &cmd->to[i];
	struct memx_session *sess = to->sess;
	int rtt;

	if (!req->status) {
		atomic64_inc(req->type == RMAP_READ ? &sess->reads : req->type == RMAP_WRITE ?
			     &sess->writes : &sess->discards);
		atomic64_add(req->rtt_us, &sess->rtt_us_sum);
		atomic64_inc(&sess->answered);
		rtt = atomic_read(&sess->srtt_us);
		atomic_set(&sess->srtt_us, rtt && rtt < MEMX_SRTT_FAILED ?
			   rtt - rtt / 8 + req->rtt_us / 8 : req->rtt_us);
		WRITE_ONCE(to->ok, true);
		memx_cmd_put(cmd);
		return;
	}
	/* Reads ask the other copies first until this one answers again. */
	atomic_set(&sess->srtt_us, MEMX_SRTT_FAILED);
	memx_session_check(sess, req);
	if (req->type == RMAP_READ) {
		unsigned int r = to->replica;
		unsigned long where = to->where;

		if (memx_read_elsewhere(cmd, i))
			return;
		/* None other answers: this copy is asked again, below. */
		memx_cmd_aim(cmd, i, r, where);
	}
	if (memx_page_park(cmd, i))
		return;
	/*
	 * Lost or silent server, and no copy took the page: send again while
	 * the request has time (this VM paused, or moved).
	 */
	if ((req->status == -EHOSTDOWN || req->status == -ETIMEDOUT) &&
	    time_before(jiffies, cmd->deadline) && !memx_page_taken(cmd, i)) {
		to->tried = 0;
		atomic64_inc(&sess->resends);
		if (!memx_session_submit(sess, req))
			return;
	}
	atomic64_inc(&sess->errors);
	pr_err_ratelimited("%s: request %u at %llu on %pM failed: %d (status %u)\n",
			   cmd->dev->disk->disk_name, req->type,
			   be64_to_cpu(req->body.page.offset), sess->mac, req->status,
			   req->resp_status);
	memx_cmd_put(cmd);
}

/*
 * Add an RMAP request of @cmd for the run from device page @page, @size
 * bytes, to copy @r at @where; its data in @bpages.
 */
static void memx_cmd_add(struct memx_cmd *cmd, u64 page, unsigned int r, unsigned long where,
			 u8 type, u32 size, struct page **bpages)
{
	unsigned int i = cmd->nr++;
	struct rmap_req *req = &cmd->reqs[i];
	struct memx_target *to = &cmd->to[i];

	memset(req, 0, offsetof(struct rmap_req, status));
	to->page = page;
	to->tried = 0;
	to->ok = false;
	req->type = type;
	req->body.page.size = cpu_to_be32(size);
	memx_cmd_aim(cmd, i, r, where);
	if (type != RMAP_READ)
		req->body.page.wseq = cpu_to_be64(atomic64_inc_return(&to->sess->wseq));
	if (type == RMAP_WRITE) {
		req->pages = bpages;
		req->len = size;
	} else if (type == RMAP_READ) {
		req->resp_pages = bpages;
		req->len = size;
	}
	req->done = memx_page_done;
	req->priv = cmd;
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
		if (!(atomic_read(&dev->extents[ext].state) & MEMX_EXT_PLACED))
			return true;
	}
	return false;
}

/*
 * Requests for a run of @n pages of one extent, from device page @page,
 * their data in @bpages: a read asks one copy, a write every copy.
 * Return: false when there is no room for them, or nowhere to write.
 */
static bool memx_add_run(struct memx_cmd *cmd, u8 type, u64 page, unsigned int n,
			 struct page **bpages)
{
	struct memx_dev *dev = cmd->dev;
	struct memx_extent *e = &dev->extents[page >> MEMX_EXTENT_SHIFT];
	unsigned long where;
	unsigned int r, i;
	int pick;

	/* Pairs with the barrier before PLACED is set: where[] is there. */
	if (!(atomic_read_acquire(&e->state) & MEMX_EXT_PLACED)) {
		if (type == RMAP_WRITE)
			return false;	/* placement was checked */
		for (i = 0; i < n; i++) {
			memzero_page(bpages[i], 0, PAGE_SIZE);
			memx_count(dev, MEMX_DEV_ZERO_READS);
		}
		return true;
	}
	if (type == RMAP_READ) {
		pick = memx_pick_copy(dev, e, 0, &where);
		if (pick < 0 || cmd->nr == MEMX_MAX_REQS)
			return false;	/* given back by a discard under way */
		memx_cmd_add(cmd, page, pick, where, type, n << PAGE_SHIFT, bpages);
		return true;
	}
	pick = cmd->nr;
	for (r = 0; r < dev->replicas; r++) {
		where = READ_ONCE(e->where[r]);
		if (!where)
			continue;
		if (cmd->nr == MEMX_MAX_REQS)
			return false;
		memx_cmd_add(cmd, page, r, where, type, n << PAGE_SHIFT, bpages);
	}
	return cmd->nr > pick;
}

/*
 * Cut a read or write into runs, one per extent it spans; reads of
 * unplaced extents are zeroes. The block layer hands whole pages (4 KiB
 * blocks, page-aligned buffers).
 */
static blk_status_t memx_build_rw(struct memx_cmd *cmd, struct request *rq)
{
	u8 type = req_op(rq) == REQ_OP_READ ? RMAP_READ : RMAP_WRITE;
	u64 first = blk_rq_pos(rq) >> (PAGE_SHIFT - SECTOR_SHIFT);
	unsigned int n = 0, start = 0, i;
	struct req_iterator iter;
	struct bio_vec bv;

	rq_for_each_segment(bv, rq, iter) {
		if (WARN_ON_ONCE(bv.bv_offset || bv.bv_len != PAGE_SIZE || n == MEMX_MAX_PAGES))
			return BLK_STS_IOERR;
		cmd->pages[n++] = bv.bv_page;
	}
	for (i = 1; i <= n; i++) {
		if (i < n && (first + i) % MEMX_EXTENT_PAGES)
			continue;
		if (!memx_add_run(cmd, type, first + start, i - start, &cmd->pages[start]))
			return BLK_STS_IOERR;
		start = i;
	}
	return BLK_STS_OK;
}

/*
 * A discard: forget the placed extents' pages, an extent at a time, on
 * every copy. An extent discarded whole is given back: unplaced here, its
 * memory freed by the servers.
 */
static blk_status_t memx_build_discard(struct memx_cmd *cmd, struct request *rq)
{
	struct memx_dev *dev = cmd->dev;
	u64 page = blk_rq_pos(rq) >> (PAGE_SHIFT - SECTOR_SHIFT);
	u64 end = page + (blk_rq_bytes(rq) >> PAGE_SHIFT);

	while (page < end) {
		u64 stop = min(end, round_down(page, MEMX_EXTENT_PAGES) + MEMX_EXTENT_PAGES);
		struct memx_extent *e = &dev->extents[page >> MEMX_EXTENT_SHIFT];
		bool whole = stop - page == MEMX_EXTENT_PAGES;
		unsigned int r;

		if (whole && (atomic_fetch_andnot(MEMX_EXT_PLACED, &e->state) & MEMX_EXT_PLACED))
			memx_count(dev, MEMX_DEV_RELEASED);
		for (r = 0; r < dev->replicas; r++) {
			unsigned long where = READ_ONCE(e->where[r]);

			if (whole) {
				/* Against memx_extent_drop(): one of us takes the word. */
				spin_lock_bh(&dev->copies_lock);
				where = READ_ONCE(e->where[r]);
				WRITE_ONCE(e->where[r], 0);
				spin_unlock_bh(&dev->copies_lock);
			}
			if (!where)
				continue;
			if (whole) {
				/* The word is gone before its session holds less. */
				smp_mb__before_atomic();
				atomic64_sub(MEMX_EXTENT_PAGES,
					     &memx_where_session(dev, where)->used);
			}
			if (cmd->nr == MEMX_MAX_REQS)
				return BLK_STS_IOERR;
			memx_cmd_add(cmd, page, r, where, RMAP_DISCARD,
				     (stop - page) << PAGE_SHIFT, NULL);
			/* Forgotten here already: the servers free it as they can. */
			cmd->to[cmd->nr - 1].ok = whole;
		}
		page = stop;
	}
	return BLK_STS_OK;
}

/**
 * memx_dev_dispatch() - send a started request whose extents are placed
 * @cmd: the request, its writes held (memx_cmd_hold())
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
	/* The words read and the sessions used at once (memx_cmd_use()). */
	rcu_read_lock();
	st = req_op(rq) == REQ_OP_DISCARD ? memx_build_discard(cmd, rq) : memx_build_rw(cmd, rq);
	rcu_read_unlock();
	if (st) {
		memx_cmd_unhold(cmd);
		memx_cmd_unuse(cmd);
		memx_count(cmd->dev, MEMX_DEV_ERRORS);
		blk_mq_end_request(rq, st);
		return;
	}
	/* One count for the submitter, so no early answer ends the request. */
	atomic_set(&cmd->pending, cmd->nr + 1);
	for (i = 0; i < cmd->nr; i++) {
		int err = memx_session_submit(cmd->to[i].sess, &cmd->reqs[i]);

		if (!err)
			continue;
		cmd->reqs[i].status = err;
		if (cmd->reqs[i].type == RMAP_READ && memx_read_elsewhere(cmd, i))
			continue;
		atomic64_inc(&cmd->to[i].sess->errors);
		memx_cmd_put(cmd);
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
	cmd->writing = false;
	if (memx_needs_placement(dev, rq) || !memx_cmd_hold(cmd)) {
		cmd->wait_since = jiffies;
		spin_lock_bh(&dev->wait_lock);
		list_add_tail(&cmd->wait, &dev->waiting);
		spin_unlock_bh(&dev->wait_lock);
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
	unsigned int i;

	cmd->dev = set->driver_data;
	INIT_LIST_HEAD(&cmd->wait);
	bitmap_zero(cmd->uses, MEMX_MAX_SESSIONS + 1);
	for (i = 0; i < MEMX_MAX_REQS; i++)
		cmd->to[i].cmd = cmd;
	return 0;
}

static const struct blk_mq_ops memx_mq_ops = {
	.queue_rq = memx_queue_rq,
	.timeout = memx_timeout,
	.init_request = memx_init_request,
};

const char *const memx_dev_stat_names[MEMX_DEV_STAT_NR] = {
	[MEMX_DEV_READS] = "reads",
	[MEMX_DEV_WRITES] = "writes",
	[MEMX_DEV_DISCARDS] = "discards",
	[MEMX_DEV_FLUSHES] = "flushes",
	[MEMX_DEV_ERRORS] = "errors",
	[MEMX_DEV_ZERO_READS] = "zero_reads",
	[MEMX_DEV_PLACED] = "extents_placed",
	[MEMX_DEV_RELEASED] = "extents_released",
	[MEMX_DEV_READ_FALLBACKS] = "read_fallbacks",
	[MEMX_DEV_REPLICAS_DROPPED] = "copies_dropped",
	[MEMX_DEV_REPLICAS_MADE] = "copies_made",
	[MEMX_DEV_PAGES_COPIED] = "pages_copied",
	[MEMX_DEV_EXTENTS_LOST] = "extents_lost",
	[MEMX_DEV_EXTENTS_MOVED] = "extents_moved",
	[MEMX_DEV_EXTENTS_BALANCED] = "extents_balanced",
};

static int memx_stats_show(struct seq_file *m, void *v)
{
	struct memx_dev *dev = m->private;
	int i;

	seq_printf(m, "pages %llu\n", dev->pages);
	seq_printf(m, "extents %u\n", dev->nr_extents);
	seq_printf(m, "replicas %u\n", dev->replicas);
	seq_printf(m, "extents_degraded %d\n", atomic_read(&dev->degraded));
	seq_printf(m, "extents_leaving %d\n", atomic_read(&dev->leaving));
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
 * @replicas: copies of each extent, 1 to MEMX_MAX_REPLICAS
 * @label: its stable name (memx_label_ok()), or ""
 *
 * Return: the device, or an ERR_PTR().
 */
struct memx_dev *memx_dev_create(int index, u64 pages, unsigned int tenant,
				 unsigned int replicas, const char *label)
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
	dev->replicas = replicas;
	strscpy(dev->label, label, sizeof(dev->label));
	dev->state_said = memx_dev_state(dev);
	get_random_bytes(&dev->id_key, sizeof(dev->id_key));
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
	/* Buffers on page boundaries: a request's pages are whole pages. */
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
	/* Its attributes exist when udev hears of it (by-id links). */
	err = device_add_disk(NULL, disk, memx_disk_groups);
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
	/* No I/O is left; the repair work and the LEAVEs still name the disk. */
	memx_map_exit(dev);
	put_disk(dev->disk);
	blk_mq_free_tag_set(&dev->tag_set);
	kfree(dev);
}

/* After the last device. */
void memx_dev_exit(void)
{
	if (memx_major)
		unregister_blkdev(memx_major, "memx");
}
