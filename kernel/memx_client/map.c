// SPDX-License-Identifier: GPL-2.0
/*
 * The extent map: which server holds each 1 MiB extent of a device, and
 * where in this device's session there. Extents are placed when first
 * written, on the server that has the most room for this device relative
 * to what it already holds here (free capacity, discounted by load), so
 * pages spread in proportion to what servers offer, and a server that
 * appears later takes new extents too. An extent names its session, so
 * it can later live on several servers or move between them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <memx/compat.h>

#include "memx_client.h"
#include "trace.h"

/* How long a control request may take: RMAP fails it well before. */
#define MEMX_CTL_WAIT_MS	60000
#define MEMX_PLACE_RETRY_MS	200
/* How soon a write held back by a copy of its extent tries again. */
#define MEMX_HOLD_RETRY_MS	20
/* Between two renewals of a session answered E_SESSION (recheck_work). */
#define MEMX_RECHECK_MS		200

static void memx_ctl_done(struct rmap_req *req)
{
	complete(&container_of(req, struct memx_ctl_req, req)->done);
}

/*
 * What the device is to the server of instance @server_id: an id of its
 * own for each, so that no server learns what would move the device's
 * sessions on another (memx_recheck_work()).
 */
static u64 memx_client_id(struct memx_dev *dev, u32 server_id)
{
	return siphash_1u32(server_id, &dev->id_key) ?: 1;
}

/*
 * Send the device's control request and wait for it: on session @s, or
 * a new one through @peer to the server of instance @server_id.
 * map_lock held.
 * Return: 0 with the answer in dev->ctl.req, or a negative errno.
 */
static int memx_ctl(struct memx_dev *dev, struct memx_session *s, struct rmap_peer *peer,
		    u32 server_id, u8 type, u64 pages)
{
	struct memx_ctl_req *c = &dev->ctl;
	int err;

	memset(&c->req, 0, offsetof(struct rmap_req, status));
	c->req.type = type;
	c->req.session = s ? s->id : 0;
	c->req.body.join.pages = cpu_to_be64(pages);
	c->req.body.join.lease_ms = cpu_to_be32(memx_lease_ms);
	c->req.body.join.client_id = cpu_to_be64(s ? s->client_id :
						 memx_client_id(dev, server_id));
	c->req.done = memx_ctl_done;
	reinit_completion(&c->done);
	err = s ? memx_session_submit(s, &c->req) : rmap_submit(peer, &c->req);
	if (err)
		return err;
	/*
	 * rmap_submit() promises an answer within its dead time (dead_ms),
	 * which may be set longer than we wait. Past our bound the request is
	 * taken back, so that it is ours again before it is reused; if RMAP
	 * is completing it just now, that finishes at once.
	 */
	if (!wait_for_completion_timeout(&c->done, msecs_to_jiffies(MEMX_CTL_WAIT_MS))) {
		if (rmap_cancel(&c->req)) {
			pr_err("%s: control request %u unanswered after %u ms\n",
			       dev->disk->disk_name, type, MEMX_CTL_WAIT_MS);
			return -ETIMEDOUT;
		}
		wait_for_completion(&c->done);
	}
	return c->req.status;
}

/**
 * memx_session_submit() - send a request on a session, to its server as it is now
 * @s: the session
 * @req: the request
 *
 * RMAP forgets a server it has not heard from for a while (a pause of
 * this VM, a live migration) and knows it afresh once it hears it again;
 * the session follows. Never sleeps.
 *
 * Return: 0, or the error of rmap_submit().
 */
int memx_session_submit(struct memx_session *s, struct rmap_req *req)
{
	struct rmap_peer *fresh;
	int err;

	spin_lock_bh(&s->peer_lock);
	err = rmap_submit(s->peer, req);
	if (err == -EHOSTDOWN) {
		fresh = rmap_peer_get_by_mac(s->mac, rmap_peer_tenant(s->peer));
		if (fresh && fresh != s->peer) {
			rmap_peer_put(s->peer);
			s->peer = fresh;
			err = rmap_submit(fresh, req);
		} else if (fresh) {
			rmap_peer_put(fresh);
		}
	}
	spin_unlock_bh(&s->peer_lock);
	return err;
}

/*
 * This device's session on the server at @mac. A session the server lost
 * (it restarted) is never used again: new extents go to a new session.
 */
static struct memx_session *memx_session_by_mac(struct memx_dev *dev, const u8 *mac)
{
	struct memx_session *s;

	list_for_each_entry(s, &dev->sessions, list) {
		if (ether_addr_equal(s->mac, mac) && !atomic_read(&s->lost))
			return s;
	}
	return NULL;
}

/* Pages a session holds for this device: its extents', and those not given out yet. */
u64 memx_session_held(const struct memx_session *s)
{
	return atomic64_read(&s->used) + s->pages - s->next;
}

/*
 * What this device has on the server behind @srv, over every peer (NIC)
 * of that server: @placed, pages of its extents, and @room, what it could
 * hold there (the server's free memory, counted once, and what our
 * sessions already hold), weighed by the server's load.
 */
static void memx_server_share(struct memx_dev *dev, const struct rmap_server_info *srv,
			      const struct rmap_server_info *all, int n, u64 *placed, u64 *room,
			      bool weigh)
{
	int i;

	*placed = 0;
	*room = srv->free_pages;
	for (i = 0; i < n; i++) {
		struct memx_session *s;

		if (all[i].id != srv->id)
			continue;
		s = memx_session_by_mac(dev, all[i].mac);
		if (!s)
			continue;
		*placed += atomic64_read(&s->used);
		*room += memx_session_held(s);
	}
	if (weigh)
		*room = div_u64(*room * MEMX_LOAD_HALF, MEMX_LOAD_HALF + srv->load);
}

/*
 * The peer for a new extent: on the server whose share of this device is
 * furthest below its share of the room, i.e. the least (placed + 1) /
 * room; among that server's NICs, the one holding least, so that a
 * server on two of our LANs is one server whose load both links carry.
 */
const struct rmap_server_info *
memx_pick_server(struct memx_dev *dev, const struct rmap_server_info *srv, int n)
{
	const struct rmap_server_info *best = NULL;
	u64 best_placed = 0, best_room = 1, best_own = 0;
	int i;

	for (i = 0; i < n; i++) {
		struct memx_session *s = memx_session_by_mac(dev, srv[i].mac);
		u64 own = s ? atomic64_read(&s->used) : 0;
		u64 placed, room;

		/* Leaving: it takes nothing new. */
		if (!srv[i].capacity_pages || (s && atomic_read(&s->leaving)))
			continue;
		/* Cannot take an extent: no room left beyond what we hold. */
		if (srv[i].free_pages < MEMX_EXTENT_PAGES &&
		    (!s || s->pages - s->next < MEMX_EXTENT_PAGES))
			continue;
		memx_server_share(dev, &srv[i], srv, n, &placed, &room, true);
		if (!room)
			continue;
		placed += MEMX_EXTENT_PAGES;
		/* placed / room < best_placed / best_room, without division. */
		if (!best || placed * best_room < best_placed * room ||
		    (placed * best_room == best_placed * room && own < best_own)) {
			best = &srv[i];
			best_placed = placed;
			best_room = room;
			best_own = own;
		}
	}
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(memx_pick_server);

/**
 * memx_balance_pick() - the server to move a copy off, to even the device out
 * @dev: the device
 * @srv: the servers known now
 * @n: how many
 * @to: set to the id of the server to move it to
 *
 * Placement evens out new extents only: those placed before a server
 * came stay where they went. A copy moves off the server furthest above
 * its share of the room to the one furthest below, when after the move
 * the first would still hold more for its room than the second by an
 * eighth: each move evens things out, and they stop short of trading an
 * extent back and forth. Room here is not weighed by load, as placement's
 * is: a passing burst moves nothing.
 *
 * Return: the id of the server to move a copy off, or 0 when none.
 */
u32 memx_balance_pick(struct memx_dev *dev, const struct rmap_server_info *srv, int n, u32 *to)
{
	u64 hi_placed = 0, hi_room = 1, lo_placed = 0, lo_room = 1, placed, room;
	u32 hi = 0, lo = 0;
	int i;

	for (i = 0; i < n; i++) {
		struct memx_session *s = memx_session_by_mac(dev, srv[i].mac);

		if (!srv[i].capacity_pages || (s && atomic_read(&s->leaving)))
			continue;
		memx_server_share(dev, &srv[i], srv, n, &placed, &room, false);
		if (!room)
			continue;
		/* placed / room > hi_placed / hi_room, without division. */
		if (placed >= MEMX_EXTENT_PAGES && (!hi || placed * hi_room > hi_placed * room)) {
			hi = srv[i].id;
			hi_placed = placed;
			hi_room = room;
		}
		/* Room for one more extent, as placement asks. */
		if (srv[i].free_pages < MEMX_EXTENT_PAGES &&
		    (!s || s->pages - s->next < MEMX_EXTENT_PAGES))
			continue;
		if (!lo || placed * lo_room < lo_placed * room) {
			lo = srv[i].id;
			lo_placed = placed;
			lo_room = room;
		}
	}
	if (!hi || !lo || hi == lo ||
	    (hi_placed - MEMX_EXTENT_PAGES) * lo_room * 8 <=
	    (lo_placed + MEMX_EXTENT_PAGES) * hi_room * 9)
		return 0;
	*to = lo;
	return hi;
}
EXPORT_SYMBOL_IF_KUNIT(memx_balance_pick);

/* What a new session on @srv is, from the answer to its JOIN. */
static void memx_session_name(struct memx_session *s, const struct rmap_server_info *srv)
{
	struct memx_dev *dev = s->dev;

	s->client_id = memx_client_id(dev, srv->id);
	ether_addr_copy(s->mac, srv->mac);
	s->server_id = srv->id;
	s->id = be32_to_cpu(dev->ctl.req.resp.session);
	s->pages = be64_to_cpu(dev->ctl.req.resp.join.pages);
}

/**
 * memx_session_reclaim() - a slot for a new session, once all are taken
 * @dev: the device
 *
 * A session that is over (lost, or left) and holds no extent is still
 * named by a request that read an extent's word before it changed, and
 * by nothing else: such requests count themselves as its users inside
 * the RCU read section in which they read the word (memx_cmd_use()).
 * So once a grace period has passed since it was seen holding nothing
 * (its cookie, taken then), a session without users is named by
 * nothing, and its slot can be taken again. Renewals (and recheck_work) leave it alone: it is taken
 * with its renewal claimed, until memx_session_reset() or a failed JOIN
 * lets go.
 *
 * Context: process, map_lock held; sleeps (one grace period at most).
 * Return: the session whose slot is free, or NULL when none is yet.
 */
struct memx_session *memx_session_reclaim(struct memx_dev *dev)
{
	struct memx_session *s;
	bool pending, waited;

	lockdep_assert_held(&dev->map_lock);
	/* Over for good (it takes no extent again): its grace period starts. */
	list_for_each_entry(s, &dev->sessions, list) {
		if (s->over || !atomic_read(&s->lost) || atomic64_read_acquire(&s->used))
			continue;
		s->over = true;
		s->over_gp = get_state_synchronize_rcu();
	}
	for (waited = false;; waited = true) {
		pending = false;
		list_for_each_entry(s, &dev->sessions, list) {
			if (!s->over)
				continue;
			if (!poll_state_synchronize_rcu(s->over_gp)) {
				pending = true;
				continue;
			}
			if (atomic_read_acquire(&s->inflight) || atomic_xchg(&s->renewing, 1))
				continue;
			return s;
		}
		if (!pending || waited)
			return NULL;
		/* One grace period at most: those still in use wait for a later call. */
		synchronize_rcu();
	}
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_reclaim);

/*
 * Make @s, a slot taken again (memx_session_reclaim()), the new session
 * on @srv through @peer that the JOIN just opened.
 */
static void memx_session_reset(struct memx_session *s, struct rmap_peer *peer,
			       const struct rmap_server_info *srv)
{
	struct rmap_peer *old;

	spin_lock_bh(&s->peer_lock);
	old = s->peer;
	s->peer = peer;
	spin_unlock_bh(&s->peer_lock);
	rmap_peer_put(old);
	memx_session_name(s, srv);
	s->next = 0;
	atomic64_set(&s->wseq, 0);
	atomic64_set(&s->reads, 0);
	atomic64_set(&s->writes, 0);
	atomic64_set(&s->discards, 0);
	atomic64_set(&s->errors, 0);
	atomic64_set(&s->resends, 0);
	atomic64_set(&s->rtt_us_sum, 0);
	atomic64_set(&s->answered, 0);
	atomic_set(&s->srtt_us, 0);
	atomic_set(&s->recheck, 0);
	atomic_set(&s->leaving, 0);
	s->down_since = 0;
	s->over = false;
	/* Repair passes look at the slot afresh (memx_copy_up()). */
	WRITE_ONCE(s->dev->reclaims, s->dev->reclaims + 1);
	/* Renewals (and repair) that see it not lost, or claim it, see it whole. */
	atomic_set_release(&s->lost, 0);
	atomic_set_release(&s->renewing, 0);
}

/* A session on @srv with room for one more extent. map_lock held. */
static struct memx_session *memx_session_for(struct memx_dev *dev,
					     const struct rmap_server_info *srv)
{
	struct memx_session *s = memx_session_by_mac(dev, srv->mac);
	struct rmap_peer *peer;
	int err;

	if (s && s->pages - s->next >= MEMX_EXTENT_PAGES)
		return s;
	if (s) {
		err = memx_ctl(dev, s, NULL, 0, RMAP_JOIN, MEMX_EXTENT_PAGES);
		if (!err) {
			s->pages = be64_to_cpu(dev->ctl.req.resp.join.pages);
			return s->pages - s->next >= MEMX_EXTENT_PAGES ? s : ERR_PTR(-EPROTO);
		}
		/* A server that restarted before we knew: a new session, then. */
		memx_session_check(s, &dev->ctl.req);
		if (atomic_read(&s->leaving))
			return ERR_PTR(-ESHUTDOWN);
		if (!atomic_read(&s->lost))
			return ERR_PTR(err);
	}

	/* Preallocated: a swap-out's placement needs no memory. */
	s = dev->nr_sessions < MEMX_MAX_SESSIONS ? &dev->session_store[dev->nr_sessions] :
	    memx_session_reclaim(dev);
	if (!s) {
		pr_warn_ratelimited("%s: no slot for a session on %pM yet: all %lu hold extents or requests\n",
				    dev->disk->disk_name, srv->mac, MEMX_MAX_SESSIONS);
		/* Not full: requests end, and extents are given back. */
		return ERR_PTR(-EBUSY);
	}
	peer = rmap_peer_get_by_mac(srv->mac, dev->tenant);
	err = peer ? memx_ctl(dev, NULL, peer, srv->id, RMAP_JOIN, MEMX_EXTENT_PAGES) : -EHOSTDOWN;
	if (err) {
		if (peer)
			rmap_peer_put(peer);
		/* A slot taken again stays over: renewals may look at it. */
		if (s->slot)
			atomic_set_release(&s->renewing, 0);
		return ERR_PTR(err);
	}
	if (s->slot) {
		memx_session_reset(s, peer, srv);
	} else {
		s->slot = dev->nr_sessions + 1;
		s->dev = dev;
		spin_lock_init(&s->peer_lock);
		s->peer = peer;
		memx_session_name(s, srv);
		/* Renewals find it whole, without map_lock (memx_sessions_nr()). */
		smp_store_release(&dev->nr_sessions, s->slot);
		list_add_tail(&s->list, &dev->sessions);
	}
	pr_info("%s: session %08x on %pM (%s)\n", dev->disk->disk_name, s->id, s->mac,
		rmap_tenant_name(dev->tenant));
	trace_memx_session_join(dev, s);
	return s;
}

/**
 * memx_where_session() - the session an extent's word names
 * @dev: the device
 * @where: a non-zero word of memx_extent.where[]
 *
 * Sessions stay until the device goes.
 */
struct memx_session *memx_where_session(struct memx_dev *dev, unsigned long where)
{
	return &dev->session_store[(where & MEMX_MAX_SESSIONS) - 1];
}
EXPORT_SYMBOL_IF_KUNIT(memx_where_session);

/**
 * memx_where_page() - a device page's index in the session @where names
 * @where: a non-zero word of the page's extent
 * @page: page index in the device
 */
u64 memx_where_page(unsigned long where, u64 page)
{
	return ((u64)(where >> MEMX_SLOT_BITS) << MEMX_EXTENT_SHIFT) +
	       (page & (MEMX_EXTENT_PAGES - 1));
}
EXPORT_SYMBOL_IF_KUNIT(memx_where_page);

/**
 * memx_extent_drop() - leave behind a copy of an extent that missed a write
 * @dev: the device
 * @ext: the extent
 * @r: the copy's index in where[]
 * @where: the word the write was sent by
 *
 * The other copies took the write; this one is no longer read, and the
 * repair work makes a new one. The last copy is never dropped: a write
 * that missed it failed. Context: any; never sleeps.
 *
 * Return: false when @where is the extent's last copy (kept); true when
 * it was dropped, or no longer names a copy of the extent.
 */
bool memx_extent_drop(struct memx_dev *dev, u64 ext, unsigned int r, unsigned long where)
{
	struct memx_extent *e = &dev->extents[ext];
	struct memx_session *s = memx_where_session(dev, where);
	bool others = false;
	unsigned int i;

	spin_lock_bh(&dev->copies_lock);
	if (READ_ONCE(e->where[r]) != where) {
		/* Replaced by a new copy, or given back by a discard: nothing to drop. */
		spin_unlock_bh(&dev->copies_lock);
		return true;
	}
	for (i = 0; i < dev->replicas; i++) {
		if (i != r && READ_ONCE(e->where[i]))
			others = true;
	}
	if (others)
		WRITE_ONCE(e->where[r], 0);
	spin_unlock_bh(&dev->copies_lock);
	if (!others)
		return false;
	/* The word is gone before the session is seen holding less (memx_session_reclaim()). */
	smp_mb__before_atomic();
	atomic64_sub(MEMX_EXTENT_PAGES, &s->used);
	atomic64_inc(&dev->stat[MEMX_DEV_REPLICAS_DROPPED]);
	pr_warn_ratelimited("%s: extent %llu: the copy on %pM missed a write; copying it again\n",
			    dev->disk->disk_name, ext, s->mac);
	memx_repair_kick(dev);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(memx_extent_drop);

/**
 * memx_place_replica() - room for one copy of an extent on a server
 * @dev: the device
 * @exclude: ids of servers that hold a copy already
 * @nr_exclude: how many
 * @only: the id of the one server it may go to, or 0 for any
 * @where: set to the word that names the room
 *
 * Context: process, map_lock held; may sleep (a JOIN), allocates nothing
 * but a session's small state.
 * Return: 0, or a negative errno when no other server could take it now.
 */
int memx_place_replica(struct memx_dev *dev, const u32 *exclude, int nr_exclude, u32 only,
		       unsigned long *where)
{
	struct rmap_server_info srv[MEMX_MAX_SERVERS];
	const struct rmap_server_info *pick;
	struct memx_session *s;
	int i, j, n, err = -EHOSTDOWN;

	lockdep_assert_held(&dev->map_lock);
	n = rmap_servers(dev->tenant, srv, ARRAY_SIZE(srv));
	for (i = 0; i < n; i++) {
		if (only && srv[i].id != only) {
			srv[i--] = srv[--n];
			continue;
		}
		for (j = 0; j < nr_exclude; j++) {
			if (srv[i].id == exclude[j]) {
				srv[i--] = srv[--n];
				break;
			}
		}
	}
	while (n > 0) {
		pick = memx_pick_server(dev, srv, n);
		if (!pick)
			return -ENOSPC;
		s = memx_session_for(dev, pick);
		if (!IS_ERR(s)) {
			*where = (s->next >> MEMX_EXTENT_SHIFT) << MEMX_SLOT_BITS | s->slot;
			s->next += MEMX_EXTENT_PAGES;
			atomic64_add(MEMX_EXTENT_PAGES, &s->used);
			return 0;
		}
		/* That server refused or failed: try the others. */
		err = PTR_ERR(s);
		pr_warn_ratelimited("%s: %pM cannot take an extent: %d (status %u)\n",
				    dev->disk->disk_name, pick->mac, err,
				    err == -EREMOTEIO ? dev->ctl.req.resp_status : 0);
		*(struct rmap_server_info *)pick = srv[--n];
	}
	return err;
}

/**
 * memx_place_extent() - give an extent a home on dev->replicas servers
 * @dev: the device
 * @ext: the extent
 *
 * Fewer servers than copies wanted, or too little room, place fewer
 * copies: the repair work adds the others once servers have room.
 *
 * Context: process (the placement work); may sleep, never allocates
 * beyond a session's small state.
 * Return: 0, or a negative errno when no server could take it now.
 */
int memx_place_extent(struct memx_dev *dev, unsigned int ext)
{
	struct memx_extent *e = &dev->extents[ext];
	u32 ids[MEMX_MAX_REPLICAS];
	unsigned int n = 0;
	int err = 0;

	mutex_lock(&dev->map_lock);
	if (atomic_read(&e->state) & MEMX_EXT_PLACED)
		goto unlock;
	/* A whole-extent discard in flight gives back what it found first. */
	if (!memx_extent_freeze(e)) {
		err = -EAGAIN;
		goto thaw;
	}
	if (atomic_read(&e->state) & MEMX_EXT_PLACED)
		goto thaw;
	while (n < dev->replicas) {
		unsigned long where;

		err = memx_place_replica(dev, ids, n, 0, &where);
		if (err)
			break;
		WRITE_ONCE(e->where[n], where);
		ids[n++] = memx_where_session(dev, where)->server_id;
	}
	if (n) {
		dev->full_since = 0;
		atomic_andnot(MEMX_EXT_LOST, &e->state);
		/* Writers see every copy once they see PLACED. */
		smp_mb__before_atomic();
		atomic_or(MEMX_EXT_PLACED, &e->state);
		trace_memx_extent_placed(dev, ext, n);
		atomic64_inc(&dev->stat[MEMX_DEV_PLACED]);
		err = 0;
	}
thaw:
	memx_extent_thaw(dev, e);
unlock:
	mutex_unlock(&dev->map_lock);
	return err;
}

/**
 * memx_place_work() - place the extents waiting writes need, then send them
 * @work: the device's place_work
 *
 * A write whose extent finds no server within the placement timeout fails;
 * once every server said it has no room, so do writes that come later
 * and still find none, without waiting as long again.
 */
void memx_place_work(struct work_struct *work)
{
	struct memx_dev *dev = container_of(work, struct memx_dev, place_work);
	struct memx_cmd *cmd, *tmp;
	bool retry = false, held = false;
	LIST_HEAD(list);

	spin_lock_bh(&dev->wait_lock);
	list_splice_init(&dev->waiting, &list);
	spin_unlock_bh(&dev->wait_lock);

	list_for_each_entry_safe(cmd, tmp, &list, wait) {
		struct request *rq = blk_mq_rq_from_pdu(cmd);
		u64 first = blk_rq_pos(rq) >> (PAGE_SHIFT - SECTOR_SHIFT);
		u64 last = first + (blk_rq_bytes(rq) >> PAGE_SHIFT) - 1;
		unsigned long since;
		u64 ext;
		int err = 0;

		/* Discards wait only for copies being made; they place nothing. */
		for (ext = first >> MEMX_EXTENT_SHIFT; ext <= last >> MEMX_EXTENT_SHIFT &&
		     req_op(rq) == REQ_OP_WRITE; ext++) {
			err = memx_place_extent(dev, ext);
			if (err)
				break;
		}
		list_del_init(&cmd->wait);
		if (err == -ENOSPC && !dev->full_since) {
			dev->full_since = jiffies | 1;
			pr_warn("%s: no server has room for another extent (%lld placed so far, %u %s each); writes to new extents fail after %u ms\n",
				dev->disk->disk_name, atomic64_read(&dev->stat[MEMX_DEV_PLACED]),
				dev->replicas, dev->replicas == 1 ? "copy" : "copies",
				memx_place_timeout_ms);
		}
		/* While servers stay full, new writes wait no longer than the first. */
		since = err == -ENOSPC && time_before(dev->full_since, cmd->wait_since) ?
			dev->full_since : cmd->wait_since;
		if (!err && memx_cmd_hold(cmd)) {
			memx_dev_dispatch(cmd);
		} else if (!err) {
			/* Its extent is being copied: it goes once that is done. */
			spin_lock_bh(&dev->wait_lock);
			list_add_tail(&cmd->wait, &dev->waiting);
			spin_unlock_bh(&dev->wait_lock);
			held = true;
		} else if (time_after(jiffies, since + msecs_to_jiffies(memx_place_timeout_ms))) {
			pr_err_ratelimited("%s: no server can take extent %llu: %d\n",
					   dev->disk->disk_name, ext, err);
			atomic64_inc(&dev->stat[MEMX_DEV_ERRORS]);
			blk_mq_end_request(rq, BLK_STS_IOERR);
		} else {
			spin_lock_bh(&dev->wait_lock);
			list_add_tail(&cmd->wait, &dev->waiting);
			spin_unlock_bh(&dev->wait_lock);
			retry = true;
		}
	}
	if (retry || held) {
		if (retry)
			rmap_solicit();
		msleep(retry ? MEMX_PLACE_RETRY_MS : MEMX_HOLD_RETRY_MS);
		queue_work(memx_wq, &dev->place_work);
	}
}

/**
 * memx_servers_known() - the servers of the device's tenant alive and lending now
 * @dev: the device
 * @room: set to their free pages
 *
 * Return: how many, each counted once however many NICs it has.
 */
int memx_servers_known(struct memx_dev *dev, u64 *room)
{
	struct rmap_server_info srv[MEMX_MAX_SERVERS];
	int i, j, n, servers = 0;

	*room = 0;
	n = rmap_servers(dev->tenant, srv, ARRAY_SIZE(srv));
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && srv[j].id != srv[i].id; j++)
			;
		/* Counted already (another NIC), or leaving. */
		if (j < i || !srv[i].capacity_pages)
			continue;
		servers++;
		*room += srv[i].free_pages;
	}
	return servers;
}

/**
 * memx_room_check() - say when the servers known now cannot hold a device
 * @dev: a new device
 *
 * Servers may come later, so the device is made all the same.
 */
void memx_room_check(struct memx_dev *dev)
{
	u64 room;
	int n = memx_servers_known(dev, &room);

	if (!n || room >= dev->pages * dev->replicas)
		return;
	pr_warn("%s: %llu MiB with %u %s needs up to %llu MiB; known servers have %llu MiB free: %s\n",
		dev->disk->disk_name, dev->pages >> (20 - PAGE_SHIFT), dev->replicas,
		dev->replicas == 1 ? "copy" : "copies",
		(dev->pages * dev->replicas) >> (20 - PAGE_SHIFT), room >> (20 - PAGE_SHIFT),
		room < dev->pages ? "writes past that fail" : "some extents get fewer copies");
}

/**
 * memx_place_kick() - try the waiting writes' placement now
 * @dev: the device
 *
 * Context: any.
 */
void memx_place_kick(struct memx_dev *dev)
{
	bool waiting;

	spin_lock_bh(&dev->wait_lock);
	waiting = !list_empty(&dev->waiting);
	spin_unlock_bh(&dev->wait_lock);
	if (waiting)
		queue_work(memx_wq, &dev->place_work);
}

/**
 * memx_session_check() - notice a server that forgot a session, or is leaving
 * @s: the session
 * @req: a finished request of @s
 *
 * A server that forgot it lost the pages it held: say so once, loudly.
 * Its extents' other copies serve their I/O and are copied again; an
 * extent with no other copy keeps failing with I/O errors (never zeroes).
 * New extents go to a new session.
 *
 * A server that is leaving still serves the session: its extents are
 * moved elsewhere (the repair work), then the session is left. Only the
 * answer to a JOIN (a renewal, a grow) says so.
 */
void memx_session_check(struct memx_session *s, const struct rmap_req *req)
{
	if (req->status != -EREMOTEIO)
		return;
	if (req->resp_status == RMAP_E_LEAVING && req->type == RMAP_JOIN) {
		if (!atomic_xchg(&s->leaving, 1))
			pr_info("session %08x on %pM: the server asks for its memory back; moving the %lld pages there elsewhere\n",
				s->id, s->mac, atomic64_read(&s->used));
		/* At each renewal: what could not move may now, and an empty session is left. */
		memx_repair_kick(s->dev);
	}
	if (req->resp_status != RMAP_E_SESSION)
		return;
	/*
	 * The server may know the session under our other address: a renewal
	 * that carries our id for it moves it to this one, or finds it lost
	 * (memx_recheck_work()). Only such an answer, or one to a JOIN that
	 * carried it, ends the session. A page's E_SESSION waits for that
	 * renewal (memx_page_park()); others' are left to the next round.
	 */
	if (req->type != RMAP_JOIN && req->type != RMAP_LEAVE)
		return;
	if (req->type == RMAP_JOIN && !req->body.join.client_id) {
		memx_session_recheck(s);
		return;
	}
	if (atomic_xchg(&s->lost, 1))
		return;
	trace_memx_session_lost(s->dev, s);
	memx_nl_session_lost(s);
	memx_session_unpark(s, 0);
	/* A leaving server that took a LEAVE whose answer we missed lost nothing. */
	if (!atomic_read(&s->leaving) || atomic64_read(&s->used))
		pr_err("session %08x on %pM: the server lost it, and the %lld pages it held\n",
		       s->id, s->mac, atomic64_read(&s->used));
	memx_repair_kick(s->dev);
}

/**
 * memx_session_recheck() - renew a session with our id for its server, soon
 * @s: a session answered E_SESSION
 *
 * Context: any.
 */
void memx_session_recheck(struct memx_session *s)
{
	atomic_set(&s->recheck, 1);
	queue_delayed_work(memx_wq, &s->dev->recheck_work, 0);
}

static void memx_renew_done(struct rmap_req *req)
{
	struct memx_session *s = container_of(req, struct memx_session, renew.req);
	int st = req->status;

	memx_session_check(s, req);
	if (st == -EREMOTEIO && req->resp_status == RMAP_E_LEAVING)
		st = 0;
	/* Renewed: its server lends again, if it was leaving. */
	if (!req->status)
		atomic_set(&s->leaving, 0);
	else if (st && req->resp_status != RMAP_E_SESSION)
		pr_warn_ratelimited("session %08x on %pM: lease not renewed: %d (status %u)\n",
				    s->id, s->mac, req->status, req->resp_status);
	/*
	 * Ours here (pages waiting on it go again), lost (they fail over,
	 * memx_session_check() saw to it), or no answer (they fail as the
	 * server's silence would have them). Refused for now (E_BUSY: the
	 * server is busy, or heard the session's old address lately), or
	 * E_SESSION to a renewal without our id: asked again, with it.
	 */
	if (req->status == -EREMOTEIO && req->resp_status == RMAP_E_BUSY) {
		atomic_set(&s->recheck, 1);
		queue_delayed_work(memx_wq, &s->dev->recheck_work,
				   msecs_to_jiffies(MEMX_RECHECK_MS));
	} else if (atomic_read(&s->lost)) {
		memx_session_unpark(s, 0);
	} else if (!st || req->status != -EREMOTEIO) {
		memx_session_unpark(s, st);
	}
	/* Done with it before its slot may be taken again (memx_session_reclaim()). */
	atomic_set_release(&s->renewing, 0);
}

/* The sessions renewals may look at, without map_lock: never fewer. */
static unsigned int memx_sessions_nr(struct memx_dev *dev)
{
	/* Pairs with memx_session_for()'s release: those counted are whole. */
	return smp_load_acquire(&dev->nr_sessions);
}

/*
 * Take @s's renewal for sending. Against memx_session_leave(), which sets
 * lost and then waits for renewing to clear: one of the two sees the other.
 */
static bool memx_renew_claim(struct memx_session *s)
{
	if (atomic_read(&s->lost) || atomic_xchg(&s->renewing, 1))
		return false;
	if (atomic_read(&s->lost)) {
		atomic_set_release(&s->renewing, 0);
		return false;
	}
	return true;
}

/*
 * Send @s's renewal, with our id for its server if @with_id; renewing
 * taken, and let go by the caller when the send fails.
 */
static int memx_renew_send(struct memx_session *s, bool with_id)
{
	struct rmap_req *req = &s->renew.req;

	memset(req, 0, offsetof(struct rmap_req, status));
	req->type = RMAP_JOIN;
	req->session = s->id;
	if (with_id)
		req->body.join.client_id = cpu_to_be64(s->client_id);
	req->done = memx_renew_done;
	return memx_session_submit(s, req);
}

/**
 * memx_renew_work() - keep every session's lease alive
 * @work: the device's renew_work
 *
 * Without map_lock: a JOIN waiting for its answer under it must not
 * hold renewals back past a lease.
 */
void memx_renew_work(struct work_struct *work)
{
	struct memx_dev *dev = container_of(to_delayed_work(work), struct memx_dev, renew_work);
	unsigned int i, n = memx_sessions_nr(dev);

	for (i = 0; i < n; i++) {
		struct memx_session *s = &dev->session_store[i];

		if (!memx_renew_claim(s))
			continue;
		/* Our id travels only when a server may need it to find us. */
		if (memx_renew_send(s, false))
			atomic_set_release(&s->renewing, 0);
	}
	/* Servers' load and room change between events: balance is looked at again. */
	if (READ_ONCE(memx_balance))
		memx_repair_kick(dev);
	queue_delayed_work(memx_wq, &dev->renew_work, msecs_to_jiffies(memx_lease_ms / 3));
}

/**
 * memx_recheck_work() - renew, with our id, the sessions answered E_SESSION
 * @work: the device's recheck_work
 *
 * A client whose NIC failed speaks from another: its servers know its
 * sessions under the old address, and move them to this one when a
 * renewal carries the client's id for that server (and the old address
 * has gone quiet). Until the answer, pages answered E_SESSION wait
 * (memx_page_park()); past their time they fail as they would have.
 * Runs again every MEMX_RECHECK_MS while any waits.
 */
void memx_recheck_work(struct work_struct *work)
{
	struct memx_dev *dev = container_of(to_delayed_work(work), struct memx_dev, recheck_work);
	unsigned int i, n = memx_sessions_nr(dev);
	bool again = false;
	int err;

	for (i = 0; i < n; i++) {
		struct memx_session *s = &dev->session_store[i];

		if (atomic_read(&s->lost)) {
			/* Claimed, so that its slot is not taken again meanwhile. */
			if (!atomic_xchg(&s->renewing, 1)) {
				memx_session_unpark(s, 0);
				atomic_set_release(&s->renewing, 0);
			}
			continue;
		}
		memx_session_unpark_late(s);
		if (!atomic_read(&s->recheck) && llist_empty(&s->parked))
			continue;
		again = true;
		if (!memx_renew_claim(s))
			continue;
		atomic_set(&s->recheck, 0);
		err = memx_renew_send(s, true);
		/* No way to the server: what waits fails as its silence would have it. */
		if (err) {
			memx_session_unpark(s, err);
			atomic_set_release(&s->renewing, 0);
		}
	}
	if (again)
		queue_delayed_work(memx_wq, &dev->recheck_work, msecs_to_jiffies(MEMX_RECHECK_MS));
}

/**
 * memx_map_init() - an empty map for a device of dev->pages pages
 * @dev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int memx_map_init(struct memx_dev *dev)
{
	dev->nr_extents = DIV_ROUND_UP_ULL(dev->pages, MEMX_EXTENT_PAGES);
	dev->extents = kvcalloc(dev->nr_extents, sizeof(*dev->extents), GFP_KERNEL);
	dev->session_store = kvcalloc(MEMX_MAX_SESSIONS, sizeof(*dev->session_store), GFP_KERNEL);
	if (!dev->extents || !dev->session_store || memx_repair_init(dev)) {
		kvfree(dev->extents);
		kvfree(dev->session_store);
		return -ENOMEM;
	}
	mutex_init(&dev->map_lock);
	spin_lock_init(&dev->copies_lock);
	INIT_LIST_HEAD(&dev->sessions);
	init_completion(&dev->ctl.done);
	INIT_WORK(&dev->place_work, memx_place_work);
	INIT_DELAYED_WORK(&dev->renew_work, memx_renew_work);
	INIT_DELAYED_WORK(&dev->recheck_work, memx_recheck_work);
	queue_delayed_work(memx_wq, &dev->renew_work, msecs_to_jiffies(memx_lease_ms / 3));
	return 0;
}

/*
 * End a session: its server takes its memory back. It is never used or
 * renewed again (it counts as lost). map_lock held; no extent names it.
 * Return: 0, or the LEAVE's error (the server keeps the session until
 * its lease ends).
 */
static int memx_session_leave(struct memx_dev *dev, struct memx_session *s)
{
	bool lost = atomic_xchg(&s->lost, 1);
	int err;

	lockdep_assert_held(&dev->map_lock);
	memx_session_unpark(s, 0);
	/*
	 * A renewal in flight still uses the session: wait for its answer
	 * (RMAP bounds it), or for a worker that claimed it to see the
	 * session lost and let it go (memx_renew_claim()).
	 */
	while (atomic_read(&s->renewing))
		msleep(20);
	if (lost)
		return 0;
	err = memx_ctl(dev, s, NULL, 0, RMAP_LEAVE, 0);
	/* Forgotten there already: left all the same. */
	if (err == -EREMOTEIO && dev->ctl.req.resp_status == RMAP_E_SESSION)
		err = 0;
	if (err)
		pr_warn("session %08x on %pM: leave failed (%d)\n", s->id, s->mac, err);
	return err;
}

/**
 * memx_sessions_leave_moved() - end the sessions whose extents all moved away
 * @dev: the device
 *
 * Their servers are leaving: once nothing of ours is there, they may go.
 *
 * Context: process (the repair work); sleeps.
 */
void memx_sessions_leave_moved(struct memx_dev *dev)
{
	struct memx_session *s;

	mutex_lock(&dev->map_lock);
	list_for_each_entry(s, &dev->sessions, list) {
		if (!atomic_read(&s->leaving) || atomic_read(&s->lost) ||
		    atomic64_read(&s->used))
			continue;
		if (memx_session_leave(dev, s)) {
			/* Renewed, and left at a later pass (each renewal kicks one). */
			atomic_set(&s->lost, 0);
			continue;
		}
		pr_info("%s: left session %08x on %pM: all its extents moved\n",
			dev->disk->disk_name, s->id, s->mac);
	}
	mutex_unlock(&dev->map_lock);
}

/**
 * memx_map_exit() - leave every session: servers take their memory back
 * @dev: a device without I/O
 */
void memx_map_exit(struct memx_dev *dev)
{
	struct memx_session *s, *tmp;

	memx_repair_exit(dev);
	cancel_work_sync(&dev->place_work);
	cancel_delayed_work_sync(&dev->recheck_work);
	cancel_delayed_work_sync(&dev->renew_work);
	mutex_lock(&dev->map_lock);
	list_for_each_entry_safe(s, tmp, &dev->sessions, list) {
		memx_session_leave(dev, s);
		list_del(&s->list);
		rmap_peer_put(s->peer);
	}
	mutex_unlock(&dev->map_lock);
	/* A renewal that ended meanwhile may have asked for one: all are lost now. */
	cancel_delayed_work_sync(&dev->recheck_work);
	kvfree(dev->session_store);
	kvfree(dev->extents);
}

/* debugfs: per server, what this device placed there and how it went. */
void memx_map_show(struct seq_file *m, struct memx_dev *dev)
{
	struct memx_session *s;

	seq_puts(m, "# mac session pages_granted pages_placed reads writes discards errors resends mean_rtt_us lost leaving users\n");
	mutex_lock(&dev->map_lock);
	list_for_each_entry(s, &dev->sessions, list) {
		u64 n = atomic64_read(&s->answered);

		seq_printf(m, "%pM %08x %llu %lld %lld %lld %lld %lld %lld %llu %d %d %d\n",
			   s->mac, s->id, memx_session_held(s), atomic64_read(&s->used),
			   atomic64_read(&s->reads),
			   atomic64_read(&s->writes), atomic64_read(&s->discards),
			   atomic64_read(&s->errors), atomic64_read(&s->resends),
			   n ? div64_u64(atomic64_read(&s->rtt_us_sum), n) : 0,
			   atomic_read(&s->lost), atomic_read(&s->leaving),
			   atomic_read(&s->inflight));
	}
	mutex_unlock(&dev->map_lock);
}

/**
 * memx_sessions_each() - run @fn on each of a device's sessions, to show them
 * @dev: the device
 * @fn: what to run; a non-zero return stops the walk
 * @arg: for @fn
 *
 * Without map_lock, which JOINs and LEAVEs hold across round trips: a
 * user looking never waits for the network. A slot being taken again
 * may show some of the old session and some of the new.
 *
 * Return: what @fn last returned.
 */
int memx_sessions_each(struct memx_dev *dev,
		       int (*fn)(const struct memx_session *s, void *arg), void *arg)
{
	unsigned int i, n = memx_sessions_nr(dev);
	int ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = fn(&dev->session_store[i], arg);
	return ret;
}
