// SPDX-License-Identifier: GPL-2.0
/*
 * Copies of extents: a device keeps each extent on dev->replicas servers.
 * A copy is lost with its server (killed, restarted, gone from the LAN)
 * or left behind by a write it missed; the repair work then makes a new
 * one on another server from a copy that survives, an extent at a time,
 * between the device's own I/O. A copy on a server that is leaving is
 * moved the same way: a new copy elsewhere, then the old one given back,
 * and the session there is left once it holds nothing. With every extent
 * whole, copies move the same way, one at a time with pauses, from the
 * server furthest above its share of the room to the one furthest below
 * (a server that came after them, say). While an
 * extent is copied its writes
 * wait (they are counted in memx_extent.state), so the copy misses none;
 * its reads go on. An extent with no copy left fails its I/O, never
 * reads zeroes, and is named once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include <memx/compat.h>

#include "memx_client.h"
#include "trace.h"

/* Pages copied at once: two requests of the most pages a message takes. */
#define MEMX_COPY_REQS		2
#define MEMX_COPY_PAGES		(MEMX_COPY_REQS * MEMX_MAX_PAGES)
/* A batch's bound: RMAP fails each request well before. */
#define MEMX_COPY_WAIT_MS	60000
/* Writes in flight to an extent end within their resend time. */
#define MEMX_DRAIN_WAIT_MS	(MEMX_IO_RETRY_MS + 30000)
/* Between two extents' copies, the device's own I/O has the link. */
#define MEMX_REPAIR_PAUSE_MS	5
/* Extents lost in one pass that the log names one by one. */
#define MEMX_LOST_NAMED		8
/* How soon a pass follows a kick. */
#define MEMX_REPAIR_KICK_MS	100
/* How soon extents still short of copies are looked at again. */
#define MEMX_REPAIR_AGAIN_MS	2000
/* A server silent this long has lost its copies, as far as we know. */
#define MEMX_DOWN_GRACE_MS	10000
/* A copy taking longer is given up, and its extent's writes go again. */
#define MEMX_COPY_DEADLINE_MS	30000
/* Between two copies moved for balance: they yield to the device's I/O. */
#define MEMX_BALANCE_PAUSE_MS	250

/* repair_work's buffers, preallocated: a copy needs no memory. */
struct memx_copy {
	struct page *pages[MEMX_COPY_PAGES];
	struct rmap_req reqs[MEMX_COPY_REQS];
	bool sent[MEMX_COPY_REQS];
	atomic_t pending;
	struct completion done;
};

/**
 * memx_extent_hold() - count a write or discard in flight to an extent
 * @dev: the device
 * @ext: the extent
 *
 * Context: any; never sleeps.
 * Return: true, or false (nothing counted) while the extent is copied.
 */
bool memx_extent_hold(struct memx_dev *dev, u64 ext)
{
	atomic_t *state = &dev->extents[ext].state;

	/* Fully ordered: the copier sets COPYING, then reads the count. */
	if (!(atomic_inc_return(state) & MEMX_EXT_COPYING))
		return true;
	atomic_dec(state);
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(memx_extent_hold);

/**
 * memx_extent_unhold() - a write or discard counted by memx_extent_hold() ended
 * @dev: the device
 * @ext: the extent
 */
void memx_extent_unhold(struct memx_dev *dev, u64 ext)
{
	/* What the writer did to the copies is seen by a copier that sees it gone. */
	smp_mb__before_atomic();
	atomic_dec(&dev->extents[ext].state);
}
EXPORT_SYMBOL_IF_KUNIT(memx_extent_unhold);

static void memx_copy_done(struct rmap_req *req)
{
	struct memx_copy *c = req->priv;

	if (atomic_dec_and_test(&c->pending))
		complete(&c->done);
}

/*
 * Send @nr prepared requests of @c on @s and wait for them, within a
 * bound past which they are taken back. Return: 0 or the first error.
 */
static int memx_copy_batch(struct memx_copy *c, struct memx_session *s, int nr)
{
	int i, err;

	reinit_completion(&c->done);
	atomic_set(&c->pending, nr + 1);
	for (i = 0; i < nr; i++) {
		c->reqs[i].priv = c;
		c->reqs[i].done = memx_copy_done;
		err = memx_session_submit(s, &c->reqs[i]);
		c->sent[i] = !err;
		if (err) {
			c->reqs[i].status = err;
			memx_copy_done(&c->reqs[i]);
		}
	}
	memx_copy_done(&c->reqs[0]);	/* the submitter's count */
	if (!wait_for_completion_timeout(&c->done, msecs_to_jiffies(MEMX_COPY_WAIT_MS))) {
		for (i = 0; i < nr; i++) {
			if (c->sent[i] && rmap_cancel(&c->reqs[i])) {
				c->reqs[i].status = -ETIMEDOUT;
				memx_copy_done(&c->reqs[i]);
			}
		}
		wait_for_completion(&c->done);
	}
	for (i = 0; i < nr; i++) {
		if (c->reqs[i].status) {
			memx_session_check(s, &c->reqs[i]);
			return c->reqs[i].status;
		}
	}
	return 0;
}

/*
 * Prepare request @i of @c: MEMX_MAX_PAGES pages of @s from @page, to or
 * from its share of @c's pages.
 */
static void memx_copy_req(struct memx_copy *c, int i, struct memx_session *s, u8 type,
			  u64 page)
{
	struct rmap_req *req = &c->reqs[i];
	struct page **pages = &c->pages[i * MEMX_MAX_PAGES];

	memset(req, 0, offsetof(struct rmap_req, status));
	req->type = type;
	req->session = s->id;
	req->body.page.offset = cpu_to_be64(page << PAGE_SHIFT);
	req->body.page.size = cpu_to_be32(MEMX_MAX_PAGES << PAGE_SHIFT);
	req->len = MEMX_MAX_PAGES << PAGE_SHIFT;
	if (type == RMAP_WRITE) {
		req->body.page.wseq = cpu_to_be64(atomic64_inc_return(&s->wseq));
		req->pages = pages;
	} else {
		req->resp_pages = pages;
	}
}

/*
 * Read or write MEMX_COPY_PAGES pages of the extent at @where, from its
 * page @p, in @c's pages: an extent's pages are consecutive on its
 * server, so runs of them go as one request each.
 */
static int memx_copy_pages(struct memx_copy *c, struct memx_session *s, u8 type,
			   unsigned long where, u64 p)
{
	int i;

	for (i = 0; i < MEMX_COPY_REQS; i++)
		memx_copy_req(c, i, s, type, memx_where_page(where, p + i * MEMX_MAX_PAGES));
	return memx_copy_batch(c, s, MEMX_COPY_REQS);
}

/*
 * A copy replaced by a new one: its server, if it answers again (it was
 * silent past the grace), frees that MiB; a lost session's is gone anyway.
 */
static void memx_copy_forget(struct memx_dev *dev, unsigned long where)
{
	struct memx_session *s = memx_where_session(dev, where);
	struct memx_copy *c = dev->copy;
	struct rmap_req *req = &c->reqs[0];

	/* Its slot is not taken again under the discard (memx_session_reclaim()). */
	atomic_inc(&s->inflight);
	/* A reclaimer that sees the extent gone sees this use. */
	smp_mb__before_atomic();
	atomic64_sub(MEMX_EXTENT_PAGES, &s->used);
	if (!atomic_read(&s->lost) && rmap_server_alive(s->mac, dev->tenant)) {
		memset(req, 0, offsetof(struct rmap_req, status));
		req->type = RMAP_DISCARD;
		req->session = s->id;
		req->body.page.offset = cpu_to_be64(memx_where_page(where, 0) << PAGE_SHIFT);
		req->body.page.size = cpu_to_be32(MEMX_EXTENT_PAGES << PAGE_SHIFT);
		req->body.page.wseq = cpu_to_be64(atomic64_inc_return(&s->wseq));
		memx_copy_batch(c, s, 1);
	}
	/* Done with the session before its slot may be taken again. */
	smp_mb__before_atomic();
	atomic_dec(&s->inflight);
}

/* Copy the extent at @from to @to, a batch at a time. Writes are held. */
static int memx_copy_extent(struct memx_dev *dev, unsigned long from, unsigned long to)
{
	struct memx_session *src = memx_where_session(dev, from);
	struct memx_session *dst = memx_where_session(dev, to);
	unsigned long until = jiffies + msecs_to_jiffies(MEMX_COPY_DEADLINE_MS);
	struct memx_copy *c = dev->copy;
	u64 p;
	int err;

	BUILD_BUG_ON(MEMX_EXTENT_PAGES % MEMX_COPY_PAGES);
	for (p = 0; p < MEMX_EXTENT_PAGES; p += MEMX_COPY_PAGES) {
		if (time_after(jiffies, until))
			return -ETIMEDOUT;
		err = memx_copy_pages(c, src, RMAP_READ, from, p);
		if (err)
			return err;
		err = memx_copy_pages(c, dst, RMAP_WRITE, to, p);
		if (err)
			return err;
	}
	atomic64_add(MEMX_EXTENT_PAGES, &dev->stat[MEMX_DEV_PAGES_COPIED]);
	return 0;
}

/**
 * memx_extent_freeze() - hold an extent's writes back, and wait for those in flight
 * @e: the extent
 *
 * Writes and discards that come meanwhile wait in the device's waiting
 * list. Always undone with memx_extent_thaw(), whatever it returns.
 *
 * Context: process; sleeps, within MEMX_DRAIN_WAIT_MS.
 * Return: true once none is in flight; false if some still are.
 */
bool memx_extent_freeze(struct memx_extent *e)
{
	unsigned long until = jiffies + msecs_to_jiffies(MEMX_DRAIN_WAIT_MS);

	atomic_or(MEMX_EXT_COPYING, &e->state);
	/* Pairs with memx_extent_hold(): a writer sees COPYING, or we see it. */
	smp_mb__after_atomic();
	/* Acquire: what the last writer did (a dropped copy) is seen after. */
	while (atomic_read_acquire(&e->state) & MEMX_EXT_WRITERS) {
		if (time_after(jiffies, until))
			return false;
		usleep_range(1000, 2000);
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(memx_extent_freeze);

/**
 * memx_extent_thaw() - let an extent's writes go again
 * @dev: the device
 * @e: the extent, frozen by memx_extent_freeze()
 */
void memx_extent_thaw(struct memx_dev *dev, struct memx_extent *e)
{
	/* Writers that see COPYING gone see the copies as they are now. */
	smp_mb__before_atomic();
	atomic_andnot(MEMX_EXT_COPYING, &e->state);
	memx_place_kick(dev);
}
EXPORT_SYMBOL_IF_KUNIT(memx_extent_thaw);

/* One repair pass: what it found, and what it did. */
struct memx_pass {
	u8 up[MEMX_MAX_SESSIONS + 1];	/* memx_copy_up()'s, per session slot */
	unsigned long reclaims;		/* dev->reclaims when up[] was filled */
	int servers;			/* lending now */
	bool stuck;			/* no room anywhere: no more copies this pass */
	bool grace;			/* a silent server's copies to look at again */
	unsigned int degraded, leaving, lost, moved;
};

/*
 * Whether the copy @where names serves I/O: its session is not lost, and
 * its server is alive, or went silent less than MEMX_DOWN_GRACE_MS ago
 * (the pass's grace is then set: look again later). The pass's up[]
 * caches the answer per slot (0: not asked yet, 1: up, 2: down).
 */
static bool memx_copy_up(struct memx_dev *dev, unsigned long where, struct memx_pass *p)
{
	unsigned int slot = where & MEMX_MAX_SESSIONS;
	u8 *up = p->up;
	struct memx_session *s;

	if (!where)
		return false;
	s = memx_where_session(dev, where);
	/* Gone for good: nothing to wait for. Acquire: a slot taken again is seen whole. */
	if (atomic_read_acquire(&s->lost))
		return false;
	/* A slot taken again (memx_session_reclaim()) is another session now. */
	if (p->reclaims != READ_ONCE(dev->reclaims)) {
		p->reclaims = READ_ONCE(dev->reclaims);
		memset(p->up, 0, sizeof(p->up));
	}
	if (!up[slot]) {
		up[slot] = 2;
		if (rmap_server_alive(s->mac, dev->tenant)) {
			s->down_since = 0;
			up[slot] = 1;
		} else if (!s->down_since) {
			s->down_since = jiffies | 1;
			up[slot] = 1;
		} else if (time_before(jiffies, s->down_since +
				       msecs_to_jiffies(MEMX_DOWN_GRACE_MS))) {
			up[slot] = 1;
		}
		if (up[slot] == 1 && s->down_since)
			p->grace = true;
	}
	return up[slot] == 1;
}

/* Whether the copy @where names (one that serves) is on a server that is leaving. */
static bool memx_copy_leaving(struct memx_dev *dev, unsigned long where)
{
	return atomic_read(&memx_where_session(dev, where)->leaving);
}

/*
 * Count an extent's copies that serve (@n), and of those the ones that
 * stay (@stay): not on a server that is leaving.
 */
static void memx_extent_copies(struct memx_dev *dev, struct memx_extent *e,
			       struct memx_pass *p, unsigned int *n, unsigned int *stay)
{
	unsigned int r;

	*n = 0;
	*stay = 0;
	for (r = 0; r < dev->replicas; r++) {
		unsigned long w = READ_ONCE(e->where[r]);

		if (memx_copy_up(dev, w, p)) {
			(*n)++;
			*stay += !memx_copy_leaving(dev, w);
		}
	}
}

/*
 * Keep the session of @from, a word read in this RCU read section, from
 * being taken again while the extent is copied from it: its offsets are
 * then never handed out anew, so memx_copy_to_new()'s look at whether
 * @from is still a copy of the extent cannot be fooled by a new
 * session's same word (memx_session_reclaim()).
 */
static struct memx_session *memx_copy_pin(struct memx_dev *dev, unsigned long from)
{
	struct memx_session *s = memx_where_session(dev, from);

	atomic_inc(&s->inflight);
	return s;
}

static void memx_copy_unpin(struct memx_session *s)
{
	/* Done with the session before its slot may be taken again. */
	smp_mb__before_atomic();
	atomic_dec(&s->inflight);
}

/* In a trace, the server of a copy that is not there. */
static const u8 memx_no_mac[ETH_ALEN];

/* What a copy made by memx_copy_to_new() is for, as its trace says. */
static const char *memx_copy_why(enum memx_dev_stat stat)
{
	if (stat == MEMX_DEV_EXTENTS_MOVED)
		return "moved";
	if (stat == MEMX_DEV_EXTENTS_BALANCED)
		return "balanced";
	return "repaired";
}

/*
 * Copy extent @e from copy @from to a new copy on a server none of @ids
 * names (and, unless 0, server @only), and publish it as copy @slot (the
 * old one there is given back): place it, hold the extent's writes,
 * copy, publish. @stat counts it.
 * Return: 0, or a negative errno.
 */
static int memx_copy_to_new(struct memx_dev *dev, struct memx_extent *e, unsigned long from,
			    unsigned int slot, const u32 *ids, int n, u32 only,
			    enum memx_dev_stat stat)
{
	unsigned long to, old;
	unsigned int r;
	int err;

	mutex_lock(&dev->map_lock);
	err = memx_place_replica(dev, ids, n, only, &to);
	mutex_unlock(&dev->map_lock);
	if (err)
		return err;

	err = -EAGAIN;
	if (!memx_extent_freeze(e))
		goto thaw;
	/* A write that ended meanwhile may have left @from behind, or a discard the extent. */
	old = READ_ONCE(e->where[slot]);
	for (r = 0; r < dev->replicas; r++) {
		if (READ_ONCE(e->where[r]) == from)
			break;
	}
	if (r == dev->replicas || !(atomic_read(&e->state) & MEMX_EXT_PLACED))
		goto thaw;
	err = memx_copy_extent(dev, from, to);
	if (err)
		goto thaw;
	/* Readers that see the new copy see it whole. */
	smp_store_release(&e->where[slot], to);
	if (trace_memx_extent_copied_enabled())
		trace_memx_extent_copied(dev, e - dev->extents,
					 memx_where_session(dev, from)->mac,
					 memx_where_session(dev, to)->mac,
					 old ? memx_where_session(dev, old)->mac : memx_no_mac,
					 memx_copy_why(stat));
	atomic64_inc(&dev->stat[stat]);
	memx_extent_thaw(dev, e);
	if (old)
		memx_copy_forget(dev, old);
	return 0;
thaw:
	memx_extent_thaw(dev, e);
	/* Those offsets are never used again: the server frees them. */
	memx_copy_forget(dev, to);
	return err;
}

/*
 * Make one more copy of extent @ext, short of copies that stay, from a
 * copy that serves (one that stays, if any), in place of one that is
 * gone, or else of one on a server that is leaving.
 * Return: 0, or a negative errno.
 */
static int memx_repair_extent(struct memx_dev *dev, u64 ext, struct memx_pass *p)
{
	struct memx_extent *e = &dev->extents[ext];
	u32 ids[MEMX_MAX_REPLICAS];
	unsigned int r, slot = dev->replicas, leaving = dev->replicas;
	struct memx_session *src = NULL;
	unsigned long from = 0;
	bool move = false;
	int n = 0, err;

	/* The words' sessions stay theirs while looked at (memx_session_reclaim()). */
	rcu_read_lock();
	for (r = 0; r < dev->replicas; r++) {
		unsigned long w = READ_ONCE(e->where[r]);

		if (!memx_copy_up(dev, w, p)) {
			if (slot == dev->replicas)
				slot = r;
			continue;
		}
		ids[n++] = memx_where_session(dev, w)->server_id;
		if (!memx_copy_leaving(dev, w)) {
			from = w;
			continue;
		}
		if (!from)
			from = w;
		if (leaving == dev->replicas)
			leaving = r;
	}
	if (slot == dev->replicas) {
		slot = leaving;
		move = true;
	}
	if (from && slot != dev->replicas)
		src = memx_copy_pin(dev, from);
	rcu_read_unlock();
	if (!src)
		return 0;
	err = memx_copy_to_new(dev, e, from, slot, ids, n, 0,
			       move ? MEMX_DEV_EXTENTS_MOVED : MEMX_DEV_REPLICAS_MADE);
	memx_copy_unpin(src);
	return err;
}

/*
 * Move one copy off server @hi, to even the device's servers out: of an
 * extent with all its copies serving, none on @lo (where placement would
 * put it), looked for from where the last move left off.
 * Return: 0 when one moved, -ENOENT when no extent qualifies, or the
 * move's negative errno.
 */
static int memx_balance_one(struct memx_dev *dev, struct memx_pass *p, u32 hi, u32 lo)
{
	u64 i, ext;
	int err;

	for (i = 0; i < dev->nr_extents && !READ_ONCE(dev->stopping); i++) {
		struct memx_session *src = NULL;
		struct memx_extent *e;
		u32 ids[MEMX_MAX_REPLICAS];
		unsigned int r, slot = dev->replicas;
		unsigned long from = 0, on_hi = 0;
		bool any_lo = false;
		int n = 0;

		ext = (dev->balance_next + i) % dev->nr_extents;
		e = &dev->extents[ext];
		if (!(atomic_read(&e->state) & MEMX_EXT_PLACED))
			continue;
		/* The words' sessions stay theirs while looked at (memx_session_reclaim()). */
		rcu_read_lock();
		for (r = 0; r < dev->replicas; r++) {
			unsigned long w = READ_ONCE(e->where[r]);
			u32 id;

			if (!memx_copy_up(dev, w, p) || memx_copy_leaving(dev, w))
				break;
			id = memx_where_session(dev, w)->server_id;
			any_lo |= id == lo;
			if (id == hi && slot == dev->replicas) {
				slot = r;
				on_hi = w;
			} else {
				from = w;
			}
			ids[n++] = id;
		}
		if (r == dev->replicas && !any_lo && slot < dev->replicas) {
			/* One copy, on @hi itself: it is the copy to copy from. */
			if (!from)
				from = on_hi;
			src = memx_copy_pin(dev, from);
		}
		rcu_read_unlock();
		if (!src)
			continue;
		dev->balance_next = ext + 1;
		/*
		 * To @lo alone: were it to go to another server when @lo
		 * refuses, copies could go back and forth between two others.
		 */
		err = memx_copy_to_new(dev, e, from, slot, ids, n, lo, MEMX_DEV_EXTENTS_BALANCED);
		memx_copy_unpin(src);
		return err;
	}
	return -ENOENT;
}

/*
 * With every extent whole and none leaving: move a copy toward the
 * balance placement aims for (memx_balance_pick()), if the device is
 * off it. Return: true when one moved (the next follows after a pause).
 */
static bool memx_balance_move(struct memx_dev *dev, struct memx_pass *p)
{
	struct rmap_server_info srv[MEMX_MAX_SERVERS];
	u32 hi, lo = 0;
	int n;

	mutex_lock(&dev->map_lock);
	n = rmap_servers(dev->tenant, srv, ARRAY_SIZE(srv));
	hi = memx_balance_pick(dev, srv, n, &lo);
	mutex_unlock(&dev->map_lock);
	/* Whether servers are up is asked again: the repair phases may have been long. */
	memset(p->up, 0, sizeof(p->up));
	return hi && !memx_balance_one(dev, p, hi, lo);
}

/*
 * Whether every copy of the extent is on a session its server lost: the
 * data is gone, not merely out of reach for now.
 */
static bool memx_extent_gone(struct memx_dev *dev, struct memx_extent *e)
{
	bool copies = false;
	unsigned int r;

	for (r = 0; r < dev->replicas; r++) {
		unsigned long w = READ_ONCE(e->where[r]);

		if (!w)
			continue;
		if (!atomic_read(&memx_where_session(dev, w)->lost))
			return false;
		copies = true;
	}
	/* None at all: a whole-extent discard gave it back just now. */
	return copies;
}

/*
 * Extent @ext, at phase 0 of a pass: make a copy it lost again, or say
 * it lost every copy. At phase 1: move a copy off a server that is
 * leaving, and count it.
 */
static void memx_repair_one(struct memx_dev *dev, struct memx_pass *p, u64 ext,
			    unsigned int phase)
{
	struct memx_extent *e = &dev->extents[ext];
	unsigned int state = atomic_read(&e->state);
	unsigned int n, stay;
	bool mine;
	int err;

	if (!(state & MEMX_EXT_PLACED))
		return;
	memx_extent_copies(dev, e, p, &n, &stay);
	if (stay == dev->replicas)
		return;
	if (!n) {
		p->degraded += phase;
		if (phase || (state & MEMX_EXT_LOST) || !memx_extent_gone(dev, e))
			return;
		atomic_or(MEMX_EXT_LOST, &e->state);
		trace_memx_extent_lost(dev, ext, 0);
		atomic64_inc(&dev->stat[MEMX_DEV_EXTENTS_LOST]);
		if (++p->lost <= MEMX_LOST_NAMED)
			pr_err("%s: extent %llu (MiB %llu of the device): every copy is lost; its I/O fails\n",
			       dev->disk->disk_name, ext, ext);
		return;
	}
	/*
	 * Short of copies at phase 0, only moving at phase 1; and unless every
	 * server that stays holds a copy, or none has room.
	 */
	mine = phase ? n == dev->replicas : n < dev->replicas;
	if (mine && stay < p->servers && !p->stuck) {
		err = memx_repair_extent(dev, ext, p);
		if (err) {
			/* No room anywhere (stop this pass), or the extent changed. */
			p->stuck |= err != -EAGAIN;
			p->grace |= err == -EAGAIN;
		} else {
			p->moved += phase;
			msleep(MEMX_REPAIR_PAUSE_MS);
			memx_extent_copies(dev, e, p, &n, &stay);
		}
	}
	if (phase) {
		p->degraded += n < dev->replicas;
		p->leaving += stay < n;
	}
}

/**
 * memx_repair_work() - bring every extent back to its number of copies
 * @work: the device's repair_work
 *
 * Runs when a server comes, goes, restarts or is leaving, when a session
 * is lost or a copy misses a write, at each renewal a leaving server
 * answers, at each round of renewals, again while extents stay short of
 * copies and a server may have room, and while copies move for balance.
 */
void memx_repair_work(struct work_struct *work)
{
	struct memx_dev *dev = container_of(to_delayed_work(work), struct memx_dev, repair_work);
	struct memx_pass pass = {}, *p = &pass;
	const char *state;
	unsigned int phase;
	bool balanced;
	u64 room, ext;

	p->servers = memx_servers_known(dev, &room);
	/* Lost copies first: a move must not take the room one of them needs. */
	for (phase = 0; phase < 2; phase++) {
		for (ext = 0; ext < dev->nr_extents && !READ_ONCE(dev->stopping); ext++)
			memx_repair_one(dev, p, ext, phase);
	}
	if (p->lost > MEMX_LOST_NAMED)
		pr_err("%s: %u more extents lost every copy (%u in this pass)\n",
		       dev->disk->disk_name, p->lost - MEMX_LOST_NAMED, p->lost);
	/*
	 * Said once while extents stay (not while a copy was only busy, or a
	 * server silent); again if they do after some moved.
	 */
	if (p->leaving && !p->moved && !p->grace && !dev->leaving_said &&
	    !READ_ONCE(dev->stopping)) {
		pr_warn("%s: %u extents wait to leave a server that is leaving: every other server holds a copy, or has no room\n",
			dev->disk->disk_name, p->leaving);
		dev->leaving_said = true;
	} else if (!p->leaving || p->moved) {
		dev->leaving_said = false;
	}
	/* A pass cut short by the device's removal counted only part of it. */
	if (READ_ONCE(dev->stopping))
		return;
	atomic_set(&dev->degraded, p->degraded);
	atomic_set(&dev->leaving, p->leaving);
	state = memx_dev_state(dev);
	if (dev->state_said != state) {
		dev->state_said = state;
		memx_nl_dev_event(dev, MEMX_EVENT_DEV_STATE, GFP_KERNEL);
	}
	if (!READ_ONCE(dev->stopping))
		memx_sessions_leave_moved(dev);
	/*
	 * Every extent whole, none leaving: even the servers out, a copy at a
	 * time (with no more servers than copies, each holds one of every extent).
	 */
	balanced = READ_ONCE(memx_balance) && p->servers > dev->replicas && !p->degraded &&
		   !p->leaving && !p->stuck && !p->grace && !READ_ONCE(dev->stopping) &&
		   memx_balance_move(dev, p);
	/* Look again for room, once a silent server's grace is over, or after a pause. */
	if (p->stuck || p->grace || balanced) {
		spin_lock_bh(&dev->wait_lock);
		if (!dev->stopping)
			queue_delayed_work(memx_repair_wq, &dev->repair_work,
					   msecs_to_jiffies(balanced ? MEMX_BALANCE_PAUSE_MS :
							    MEMX_REPAIR_AGAIN_MS));
		spin_unlock_bh(&dev->wait_lock);
	}
}

/**
 * memx_repair_kick() - look for extents short of copies now
 * @dev: the device
 *
 * Context: any.
 */
void memx_repair_kick(struct memx_dev *dev)
{
	spin_lock_bh(&dev->wait_lock);
	/* Kicks that come together make one pass. */
	if (!dev->stopping)
		queue_delayed_work(memx_repair_wq, &dev->repair_work,
				   msecs_to_jiffies(MEMX_REPAIR_KICK_MS));
	spin_unlock_bh(&dev->wait_lock);
}

/**
 * memx_repair_init() - the repair work's buffers
 * @dev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int memx_repair_init(struct memx_dev *dev)
{
	struct memx_copy *c = kzalloc(sizeof(*c), GFP_KERNEL);
	int i;

	if (!c)
		return -ENOMEM;
	for (i = 0; i < MEMX_COPY_PAGES; i++) {
		c->pages[i] = alloc_page(GFP_KERNEL);
		if (!c->pages[i]) {
			while (i--)
				__free_page(c->pages[i]);
			kfree(c);
			return -ENOMEM;
		}
	}
	init_completion(&c->done);
	dev->copy = c;
	INIT_DELAYED_WORK(&dev->repair_work, memx_repair_work);
	return 0;
}

/**
 * memx_repair_exit() - stop the repair work and free its buffers
 * @dev: the device
 */
void memx_repair_exit(struct memx_dev *dev)
{
	int i;

	spin_lock_bh(&dev->wait_lock);
	dev->stopping = true;
	spin_unlock_bh(&dev->wait_lock);
	cancel_delayed_work_sync(&dev->repair_work);
	for (i = 0; i < MEMX_COPY_PAGES; i++)
		__free_page(dev->copy->pages[i]);
	kfree(dev->copy);
}
