// SPDX-License-Identifier: GPL-2.0
/*
 * Answers to clients. Reads, writes and discards are served from the
 * receive path itself (interrupt-mode response): a lookup, a copy or
 * pages handed to the NIC, never an allocation. A write's fragments are
 * copied into their pages as they arrive; it is acknowledged once all
 * are in. JOIN and LEAVE change
 * what memory is set aside, which may sleep: they are answered from a
 * work item, and remembered a while so that a resend is answered the
 * same way instead of being applied twice.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "memx_server.h"

#define MEMX_LEASE_DEFAULT_MS	30000
#define MEMX_LEASE_MIN_MS	1000
#define MEMX_LEASE_MAX_MS	600000
/* Control requests remembered for resends: this many, this long. */
#define MEMX_CTL_LOG		64
#define MEMX_CTL_KEEP_MS	60000
/*
 * Control requests waiting for the work item, per tenant and per client
 * (address and tenant): beyond these, a JOIN or LEAVE is refused with
 * E_BUSY (the client tries again), so a flood of them holds a bounded
 * amount of memory and keeps the list, scanned in softirq, short; and
 * one tenant's flood never makes another's clients wait.
 */
#define MEMX_CTL_PENDING_MAX	32
#define MEMX_CTL_PENDING_PER_OWNER	8

/* A JOIN or LEAVE: waiting for the work item, then remembered. */
struct memx_ctl {
	struct list_head list;
	struct rmap_peer *peer;		/* held while pending */
	struct memx_owner who;
	struct rmap_hdr req;		/* as received; the answer's session goes here */
	bool done;
	u8 status;
	struct rmap_join ans;
	unsigned long when;
};

static LIST_HEAD(memx_ctl_log);
static DEFINE_SPINLOCK(memx_ctl_lock);
static unsigned int memx_ctl_nr;
static unsigned int memx_ctl_pending[RMAP_MAX_TENANTS];
static struct work_struct memx_ctl_work;

/* Who sent @msg: its address, under the tenant whose key sealed it. */
static const struct memx_owner *memx_msg_owner(const struct rmap_msg *msg,
					       struct memx_owner *who)
{
	ether_addr_copy(who->mac, rmap_peer_mac(msg->peer));
	who->tenant = rmap_peer_tenant(msg->peer);
	return who;
}

static u8 memx_status(int err)
{
	switch (err) {
	case 0:
		return RMAP_OK;
	case -ENOENT:
		return RMAP_E_SESSION;
	case -ENOSPC:
		return RMAP_E_NOSPC;
	case -ENOMEM:
	case -EBUSY:
		return RMAP_E_BUSY;
	case -ESHUTDOWN:
		return RMAP_E_LEAVING;
	default:
		return RMAP_E_INVAL;
	}
}

static void memx_fail(const struct rmap_msg *msg, u8 status)
{
	/* Not a failure of ours: a client that moved, or a session that ended. */
	memx_srv_count(status == RMAP_E_SESSION ? MEMX_SRV_NO_SESSION : MEMX_SRV_ERRORS);
	rmap_reply(msg, status, NULL, NULL, 0, 0);
}

/* The session a READ, WRITE or DISCARD names, if it is its sender's. */
static struct memx_session *memx_msg_session(const struct rmap_msg *msg)
{
	struct memx_owner who;

	return memx_session_find(be32_to_cpu(msg->hdr->session), memx_msg_owner(msg, &who));
}

/*
 * Whether a READ or WRITE's range is one the session can take: within
 * it, and a piece of one page or whole pages (memx_data_range_ok()).
 */
static u8 memx_data_check(struct memx_session *s, u64 off, u32 size)
{
	u64 end;

	if (!memx_data_range_ok(off, size))
		return RMAP_E_INVAL;
	if (check_add_overflow(off, (u64)size, &end) ||
	    (end - 1) >> PAGE_SHIFT >= memx_session_pages(s))
		return RMAP_E_RANGE;
	return RMAP_OK;
}

/*
 * A WRITE's fragment: its bytes go to their pages, each only if no later
 * write reached it (a resend delayed in the network cannot undo one). A
 * page that has only part of the write so far is marked so
 * (MEMX_PARTIAL) until its last piece comes: a write cut short leaves a
 * page that reads as an error, not one half old and half new.
 */
static u8 memx_place(const struct rmap_msg *msg)
{
	const struct rmap_hdr *h = msg->hdr;
	u64 off = be64_to_cpu(h->page.offset), w = be64_to_cpu(h->page.wseq);
	u32 size = be32_to_cpu(h->page.size), len = be16_to_cpu(h->frag_len);
	u64 pos = off + be32_to_cpu(h->frag_offset);
	unsigned int done = 0;
	struct memx_session *s;
	bool stale = false;
	u8 status;

	s = memx_msg_session(msg);
	if (!s) {
		memx_srv_count(MEMX_SRV_NO_SESSION);
		return RMAP_E_SESSION;
	}
	WRITE_ONCE(s->last_used, jiffies);
	status = memx_data_check(s, off, size);
	if (!status && (be32_to_cpu(h->total_len) != size || (w & MEMX_PARTIAL) ||
			!memx_wseq_take(s, w)))
		status = RMAP_E_INVAL;
	while (!status && len) {
		unsigned int in = offset_in_page(pos);
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - in);
		struct page *page;
		u64 *last;

		page = memx_session_page(s, pos >> PAGE_SHIFT, &last);
		if (!page) {
			status = RMAP_E_RANGE;
			break;
		}
		if (memx_write_is_current(w, *last)) {
			u8 *to = kmap_local_page(page);

			/* From where the frame arrived: the data's only copy. */
			rmap_msg_copy(msg, done, to + in, n);
			kunmap_local(to);
			/* A resend's piece of a page this write made whole: the same bytes. */
			if (*last != w)
				*last = msg->whole ? w : w | MEMX_PARTIAL;
		} else {
			stale = true;
		}
		done += n;
		pos += n;
		len -= n;
	}
	if (status) {
		memx_srv_count(MEMX_SRV_ERRORS);
		return status;
	}
	if (stale) {
		/* A resend overtaken by a later write: acknowledged, not applied. */
		s->stale++;
		memx_srv_count(MEMX_SRV_STALE_WRITES);
	}
	return RMAP_OK;
}

/*
 * A DISCARD of one whole chunk gives its memory back to this host; any
 * other is applied page by page (zeroed, unless a later write is there).
 */
static void memx_serve_discard(const struct rmap_msg *msg, struct memx_session *s,
			       u64 off, u32 size)
{
	u64 w = be64_to_cpu(msg->hdr->page.wseq);
	u64 first = off >> PAGE_SHIFT, i;

	if (!size || size > RMAP_MAX_DISCARD || !PAGE_ALIGNED(off) || !PAGE_ALIGNED(size) ||
	    !memx_wseq_take(s, w)) {
		memx_fail(msg, RMAP_E_INVAL);
		return;
	}
	if (first + (size >> PAGE_SHIFT) > memx_session_pages(s)) {
		memx_fail(msg, RMAP_E_RANGE);
		return;
	}
	if (size == MEMX_CHUNK_PAGES * PAGE_SIZE && IS_ALIGNED(first, MEMX_CHUNK_PAGES)) {
		memx_session_release(s, first);
	} else {
		for (i = first; i < first + (size >> PAGE_SHIFT); i++) {
			u64 *last;
			struct page *page = memx_session_page(s, i, &last);

			/* Given back already: nothing there to forget. */
			if (!page || !memx_write_is_current(w, *last))
				continue;
			clear_highpage(page);
			*last = w;
		}
	}
	s->discards++;
	memx_srv_count(MEMX_SRV_DISCARDS);
	rmap_reply(msg, RMAP_OK, NULL, NULL, 0, 0);
}

/* A READ or DISCARD, or a WRITE whose data memx_place() put in place. */
static void memx_serve_page(const struct rmap_msg *msg)
{
	struct page *pages[RMAP_MAX_PAYLOAD / PAGE_SIZE];
	const struct rmap_hdr *h = msg->hdr;
	u64 off = be64_to_cpu(h->page.offset);
	u32 size = be32_to_cpu(h->page.size);
	struct memx_session *s;
	unsigned int i, n;
	u8 status;

	s = memx_msg_session(msg);
	if (!s) {
		memx_fail(msg, RMAP_E_SESSION);
		return;
	}
	WRITE_ONCE(s->last_used, jiffies);
	if (h->type == RMAP_DISCARD) {
		memx_serve_discard(msg, s, off, size);
		return;
	}
	status = memx_data_check(s, off, size);
	if (status) {
		memx_fail(msg, status);
		return;
	}
	if (h->type == RMAP_WRITE) {
		/* Its data came through memx_place(): none, and it was never placed. */
		if (be32_to_cpu(h->total_len) != size) {
			memx_fail(msg, RMAP_E_INVAL);
			return;
		}
		s->writes++;
		memx_srv_count(MEMX_SRV_WRITES);
		rmap_reply(msg, RMAP_OK, NULL, NULL, 0, 0);
		return;
	}
	n = DIV_ROUND_UP(offset_in_page(off) + size, PAGE_SIZE);
	for (i = 0; i < n; i++) {
		u64 *last;

		pages[i] = memx_session_page(s, (off >> PAGE_SHIFT) + i, &last);
		if (!pages[i]) {
			memx_fail(msg, RMAP_E_RANGE);
			return;
		}
		/* Half written: by a write under way, or one cut short. */
		if (READ_ONCE(*last) & MEMX_PARTIAL) {
			memx_srv_count(MEMX_SRV_PARTIAL_READS);
			rmap_reply(msg, RMAP_E_BUSY, NULL, NULL, 0, 0);
			return;
		}
	}
	s->reads++;
	memx_srv_count(MEMX_SRV_READS);
	rmap_reply(msg, RMAP_OK, NULL, pages, offset_in_page(off), size);
}

/* Forget remembered control requests beyond the log's bounds. Lock held. */
static void memx_ctl_trim(void)
{
	struct memx_ctl *c, *tmp;

	list_for_each_entry_safe(c, tmp, &memx_ctl_log, list) {
		if (!c->done)
			continue;
		if (memx_ctl_nr <= MEMX_CTL_LOG &&
		    time_before(jiffies, c->when + msecs_to_jiffies(MEMX_CTL_KEEP_MS)))
			continue;
		list_del(&c->list);
		memx_ctl_nr--;
		kfree(c);
	}
}

/*
 * JOIN renewing a session's lease: answered at once. While this server
 * is leaving, or its host needs the session's memory back, the answer
 * says so (E_LEAVING): the session and its lease stay, and its client
 * moves what it holds here elsewhere.
 *
 * Return: false when the renewal comes from another address of the
 * session's client (it knows the client's id): the control work moves
 * the session there (memx_session_rebind()).
 */
static bool memx_serve_renew(const struct rmap_msg *msg)
{
	const struct rmap_hdr *h = msg->hdr;
	u32 id = be32_to_cpu(h->session);
	struct memx_session *s;
	struct memx_owner who;
	struct rmap_join ans;

	s = memx_session_find(id, memx_msg_owner(msg, &who));
	if (!s) {
		if (memx_session_rebindable(id, &who, be64_to_cpu(h->join.client_id)))
			return false;
		memx_fail(msg, RMAP_E_SESSION);
		return true;
	}
	WRITE_ONCE(s->last_used, jiffies);
	ans = h->join;
	ans.pages = cpu_to_be64(memx_session_pages(s));
	ans.lease_ms = cpu_to_be32(s->lease_ms);
	rmap_reply(msg, memx_store_leaving() || READ_ONCE(s->shed) ? RMAP_E_LEAVING : RMAP_OK,
		   &ans, NULL, 0, 0);
	return true;
}

static void memx_serve_control(const struct rmap_msg *msg)
{
	const struct rmap_hdr *h = msg->hdr;
	unsigned int mine = 0;
	struct memx_owner who;
	struct memx_ctl *c;

	if (h->type == RMAP_JOIN && h->session && !h->join.pages && memx_serve_renew(msg))
		return;
	memx_msg_owner(msg, &who);
	spin_lock_bh(&memx_ctl_lock);
	list_for_each_entry(c, &memx_ctl_log, list) {
		if (!memx_owner_equal(&c->who, &who))
			continue;
		if (c->req.seq != h->seq || c->req.type != h->type) {
			mine += !c->done;
			continue;
		}
		/* A resend: answer as the first time, or let the work item. */
		if (c->done) {
			struct rmap_msg again = { .peer = msg->peer, .hdr = &c->req };

			rmap_reply(&again, c->status, &c->ans, NULL, 0, 0);
		}
		spin_unlock_bh(&memx_ctl_lock);
		return;
	}
	memx_ctl_trim();
	if (memx_ctl_pending[who.tenant] >= MEMX_CTL_PENDING_MAX ||
	    mine >= MEMX_CTL_PENDING_PER_OWNER) {
		spin_unlock_bh(&memx_ctl_lock);
		memx_srv_count(MEMX_SRV_CTL_BUSY);
		rmap_reply(msg, RMAP_E_BUSY, NULL, NULL, 0, 0);
		return;
	}
	c = kzalloc(sizeof(*c), GFP_ATOMIC | __GFP_NOWARN);
	if (c)
		c->peer = rmap_peer_hold(msg->peer);
	if (!c || !c->peer) {
		spin_unlock_bh(&memx_ctl_lock);
		kfree(c);
		memx_fail(msg, RMAP_E_BUSY);
		return;
	}
	c->who = who;
	c->req = *h;
	list_add_tail(&c->list, &memx_ctl_log);
	memx_ctl_nr++;
	memx_ctl_pending[who.tenant]++;
	spin_unlock_bh(&memx_ctl_lock);
	queue_work(system_unbound_wq, &memx_ctl_work);
}

/* Carry out one JOIN or LEAVE, in process context. */
static void memx_ctl_apply(struct memx_ctl *c)
{
	const struct rmap_join *j = &c->req.join;
	u32 id = be32_to_cpu(c->req.session);
	bool leaving = false;
	u64 total = 0;
	u32 lease = 0;
	int err = 0;

	c->ans = *j;
	/* Its client may speak from another address now: the session follows. */
	if (id)
		err = memx_session_rebind(id, &c->who, be64_to_cpu(j->client_id), &total, &lease,
					  &leaving);
	if (c->req.type == RMAP_LEAVE) {
		/* Not moved for want of memory: say busy, it is asked again. */
		if (err != -ENOMEM && err != -EBUSY)
			err = memx_session_destroy(id, &c->who);
		memx_srv_count(MEMX_SRV_LEAVES);
	} else if (id && !err && !j->pages) {
		/* A renewal, from the other address. */
		c->ans.pages = cpu_to_be64(total);
		c->ans.lease_ms = cpu_to_be32(lease);
		c->status = leaving ? RMAP_E_LEAVING : RMAP_OK;
		return;
	} else if (id && !err) {
		err = memx_session_grow(id, &c->who, be64_to_cpu(j->pages), &total);
		c->ans.pages = cpu_to_be64(total);
	} else if (!id) {
		lease = clamp(be32_to_cpu(j->lease_ms) ?: MEMX_LEASE_DEFAULT_MS,
			      MEMX_LEASE_MIN_MS, MEMX_LEASE_MAX_MS);
		err = memx_session_join(&c->who, be64_to_cpu(j->client_id),
					be64_to_cpu(j->pages), lease, &id, &total);
		if (!err) {
			/* The answer's header carries the new session's id. */
			c->req.session = cpu_to_be32(id);
			c->ans.pages = cpu_to_be64(total);
			c->ans.lease_ms = cpu_to_be32(lease);
			pr_info_ratelimited("session %08x for %pM (%s): %llu pages, lease %u ms\n",
					    id, c->who.mac, rmap_tenant_name(c->who.tenant),
					    total, lease);
		}
		memx_srv_count(MEMX_SRV_JOINS);
	}
	c->status = memx_status(err);
	/* A full or leaving server saying so is doing its job, not failing. */
	if (err == -ENOSPC)
		memx_srv_count(MEMX_SRV_FULL);
	else if (err == -ESHUTDOWN)
		memx_srv_count(MEMX_SRV_LEAVING);
	else if (err == -ENOENT)
		memx_srv_count(MEMX_SRV_NO_SESSION);
	else if (err && err != -EBUSY)
		memx_srv_count(MEMX_SRV_ERRORS);
}

static void memx_ctl_worker(struct work_struct *work)
{
	struct memx_ctl *c;

	for (;;) {
		struct rmap_peer *peer = NULL;

		spin_lock_bh(&memx_ctl_lock);
		list_for_each_entry(c, &memx_ctl_log, list) {
			if (c->peer) {
				peer = c->peer;
				break;
			}
		}
		spin_unlock_bh(&memx_ctl_lock);
		if (!peer)
			return;
		/* Only this work item touches a pending entry's fields. */
		memx_ctl_apply(c);
		rmap_reply_later(peer, &c->req, c->status, &c->ans);
		spin_lock_bh(&memx_ctl_lock);
		c->peer = NULL;
		c->when = jiffies;
		c->done = true;
		memx_ctl_pending[c->who.tenant]--;
		spin_unlock_bh(&memx_ctl_lock);
		rmap_peer_put(peer);
	}
}

static void memx_serve(const struct rmap_msg *msg)
{
	switch (msg->hdr->type) {
	case RMAP_READ:
	case RMAP_WRITE:
	case RMAP_DISCARD:
		memx_serve_page(msg);
		break;
	case RMAP_JOIN:
	case RMAP_LEAVE:
		memx_serve_control(msg);
		break;
	default:
		memx_fail(msg, RMAP_E_INVAL);
	}
}

static const struct rmap_server_ops memx_server_ops = {
	.place = memx_place,
	.serve = memx_serve,
};

/**
 * memx_serve_init() - start answering clients
 *
 * Return: 0, or -EBUSY when another server is attached to rmap_proto.
 */
int memx_serve_init(void)
{
	INIT_WORK(&memx_ctl_work, memx_ctl_worker);
	return rmap_serve(&memx_server_ops);
}

/* Stop answering; pending control requests are dropped (clients resend). */
void memx_serve_exit(void)
{
	struct memx_ctl *c, *tmp;

	rmap_serve_stop();
	cancel_work_sync(&memx_ctl_work);
	list_for_each_entry_safe(c, tmp, &memx_ctl_log, list) {
		if (c->peer)
			rmap_peer_put(c->peer);
		list_del(&c->list);
		kfree(c);
	}
	memx_ctl_nr = 0;
	memset(memx_ctl_pending, 0, sizeof(memx_ctl_pending));
}
