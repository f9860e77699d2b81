// SPDX-License-Identifier: GPL-2.0
/*
 * Lent memory, by session. A client's JOIN sets memory aside here, in
 * process context, a chunk of MEMX_CHUNK_PAGES at a time, allocated in
 * blocks of 2^MEMX_BLOCK_ORDER pages where the allocator has them. The
 * receive path then only looks pages up: it never allocates.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/hashtable.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <memx/compat.h>

#include "memx_server.h"

static DEFINE_HASHTABLE(memx_sessions, 8);
static LIST_HEAD(memx_session_list);
static DEFINE_MUTEX(memx_store_lock);	/* writers of the above, and the totals */
static u64 memx_capacity;		/* pages, in whole chunks */
static u64 memx_granted;		/* pages set aside for sessions */
static unsigned int memx_nr_sessions;
static bool memx_leaving;		/* no new memory for anyone */
static u64 memx_reserve;		/* pages kept available for the host's own use */
static DEFINE_HASHTABLE(memx_holders, 6);	/* by client, under the store lock */
static u64 memx_client_max;		/* pages one client may hold; 0: no cap */

/*
 * Set what is set aside for sessions. While any is, the module is in
 * use: rmmod is refused rather than dropping pages clients trusted us
 * with (they move them away when we leave). Store lock held; a caller
 * that sets more aside holds a reference of its own (memx_store_enter()).
 */
static void memx_granted_set(u64 pages)
{
	if (!memx_granted && pages)
		__module_get(THIS_MODULE);
	else if (memx_granted && !pages)
		module_put(THIS_MODULE);
	WRITE_ONCE(memx_granted, pages);
}

/* The totals of @who's sessions, made for its first; store lock held. */
static struct memx_holder *memx_holder_get(const struct memx_owner *who)
{
	u64 key = memx_owner_key(who);
	struct memx_holder *h;

	hash_for_each_possible(memx_holders, h, node, key) {
		if (memx_owner_equal(&h->owner, who))
			goto found;
	}
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return NULL;
	h->owner = *who;
	hash_add(memx_holders, &h->node, key);
found:
	h->sessions++;
	return h;
}

/*
 * The clients competing for memory now, @h counted: those holding some
 * that asked for more lately. One that holds memory but wants no more
 * leaves the rest to the others.
 */
static unsigned int memx_holders_competing(const struct memx_holder *h)
{
	unsigned long since = jiffies - msecs_to_jiffies(MEMX_SHARE_WANT_MS);
	const struct memx_holder *o;
	unsigned int n = 1, bkt;

	hash_for_each(memx_holders, bkt, o, node) {
		if (o != h && o->held && time_after(o->last_want, since))
			n++;
	}
	return n;
}

/* One session of @h less; store lock held. */
static void memx_holder_put(struct memx_holder *h)
{
	if (--h->sessions)
		return;
	hash_del(&h->node);
	kfree(h);
}

/**
 * memx_share_ok() - whether a client may take more memory here
 * @held: pages it holds here now
 * @pages: pages it asks for
 * @room: pages that may be lent now
 * @lendable: pages lent and lendable now, in all
 * @clients: clients competing for memory here, the asker counted
 * @client_max: pages one client may hold (0: no cap)
 *
 * Clients compete for the last of the memory when what would be left is
 * less than a fair share (what can be lent split evenly among them):
 * then only one below its share may take it. A client alone takes what
 * it needs.
 *
 * Return: true when it may.
 */
bool memx_share_ok(u64 held, u64 pages, u64 room, u64 lendable, unsigned int clients,
		   u64 client_max)
{
	u64 fair = lendable / max(clients, 1U);

	if (client_max && held + pages > client_max)
		return false;
	if (clients < 2 || pages > room)
		return true;	/* room itself is checked by the caller */
	return held + pages <= fair || room - pages >= fair;
}
EXPORT_SYMBOL_IF_KUNIT(memx_share_ok);

static void memx_release_worker(struct work_struct *work);
static DECLARE_WORK(memx_release_work, memx_release_worker);

/*
 * Before setting memory aside: refused while leaving, or while the module
 * is being unloaded (a JOIN that came as rmmod began takes nothing). On
 * success the store lock is held, with a reference on the module, until
 * memx_store_done().
 */
static int memx_store_enter(void)
{
	mutex_lock(&memx_store_lock);
	if (memx_leaving || !try_module_get(THIS_MODULE)) {
		mutex_unlock(&memx_store_lock);
		return -ESHUTDOWN;
	}
	return 0;
}

static void memx_store_done(void)
{
	mutex_unlock(&memx_store_lock);
	module_put(THIS_MODULE);
}

static void memx_chunk_free(struct memx_chunk *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < MEMX_CHUNK_PAGES; i++) {
		if (c->pages[i])
			__free_page(c->pages[i]);
	}
	kvfree(c);
}

static struct memx_chunk *memx_chunk_alloc(void)
{
	/*
	 * A JOIN from the network must never wake the OOM killer here:
	 * memory this host cannot spare is refused (E_BUSY), not taken.
	 */
	struct memx_chunk *c = kvzalloc(sizeof(*c),
					GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	unsigned int i = 0, j;

	if (!c)
		return NULL;
	while (i < MEMX_CHUNK_PAGES) {
		unsigned int order = MEMX_BLOCK_ORDER;
		struct page *page;

		page = alloc_pages(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOWARN | __GFP_NORETRY,
				   order);
		if (!page) {
			order = 0;
			page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOWARN |
					  __GFP_RETRY_MAYFAIL);
		}
		if (!page) {
			memx_chunk_free(c);
			return NULL;
		}
		/* Pages of their own, so each can be lent to the network alone. */
		split_page(page, order);
		for (j = 0; j < (1U << order); j++)
			c->pages[i++] = page + j;
	}
	return c;
}

static void memx_session_free(struct memx_session *s)
{
	struct memx_chunk *c;
	unsigned long i;

	/* Chunks queued for release are still in the array: freed once, here. */
	xa_for_each(&s->chunks, i, c)
		memx_chunk_free(c);
	xa_destroy(&s->chunks);
	kfree(s);
}

/* Add @n chunks at the end of @s; inside memx_store_enter(). */
static int memx_session_add_chunks(struct memx_session *s, unsigned int n)
{
	u64 pages = (u64)n * MEMX_CHUNK_PAGES, room;
	unsigned long i, end = s->end_chunks;
	struct memx_chunk *c;
	int err;

	s->holder->last_want = jiffies;
	if (pages > memx_capacity - memx_granted)
		return -ENOSPC;
	room = memx_store_room();
	if (pages > room) {
		memx_srv_count(MEMX_SRV_RESERVE);
		return -ENOSPC;
	}
	/* What can be lent now in all is what is split. */
	if (!memx_share_ok(s->holder->held, pages, room, memx_granted + room,
			   memx_holders_competing(s->holder), memx_client_max)) {
		memx_srv_count(MEMX_SRV_SHARE);
		pr_info_ratelimited("client %pM (%s) holds %llu MiB, its share here while others compete for the rest\n",
				    s->owner.mac, rmap_tenant_name(s->owner.tenant),
				    s->holder->held >> (20 - PAGE_SHIFT));
		return -ENOSPC;
	}
	for (i = 0; i < n; i++) {
		c = memx_chunk_alloc();
		if (!c) {
			err = -ENOMEM;
			goto undo;
		}
		c->index = end + i;
		err = xa_insert(&s->chunks, end + i, c, GFP_KERNEL);
		if (err) {
			memx_chunk_free(c);
			goto undo;
		}
	}
	/* Offsets below the end are in range once the chunks are there. */
	smp_store_release(&s->end_chunks, end + n);
	s->held_chunks += n;
	s->holder->held += (u64)n * MEMX_CHUNK_PAGES;
	memx_granted_set(memx_granted + (u64)n * MEMX_CHUNK_PAGES);
	return 0;
undo:
	/* Not published yet: no reader can have seen them. */
	while (i--)
		memx_chunk_free(xa_erase(&s->chunks, end + i));
	return err;
}

/* Take @s out of the lookup table; the store lock held. Free it after a grace period. */
static void memx_session_unlink(struct memx_session *s)
{
	hash_del_rcu(&s->hnode);
	list_del(&s->list);
	memx_granted_set(memx_granted - (u64)s->held_chunks * MEMX_CHUNK_PAGES);
	s->holder->held -= (u64)s->held_chunks * MEMX_CHUNK_PAGES;
	memx_holder_put(s->holder);
	s->holder = NULL;
	memx_nr_sessions--;
}

static struct memx_session *memx_session_lookup(u32 id)
{
	struct memx_session *s;

	hash_for_each_possible_rcu(memx_sessions, s, hnode, id,
				   lockdep_is_held(&memx_store_lock)) {
		if (s->id == id)
			return s;
	}
	return NULL;
}

/**
 * memx_session_find() - a client's session, from the receive path
 * @id: session id from the request
 * @who: the requester: a session answers its own client only, under the
 *	tenant it joined under
 *
 * Context: rcu_read_lock() held; the session stays valid until it is dropped.
 * Return: the session, or NULL.
 */
struct memx_session *memx_session_find(u32 id, const struct memx_owner *who)
{
	struct memx_session *s = memx_session_lookup(id);

	return s && READ_ONCE(s->owner_key) == memx_owner_key(who) ? s : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_find);

/*
 * Set memory aside for a new session; what the caller is told of it is
 * read under the store lock (once it is dropped, evict may end it).
 */
static int memx_session_new(const struct memx_owner *who, u64 client_id, u64 pages,
			    u32 lease_ms, struct memx_session **out, u32 *id, u64 *granted)
{
	unsigned int need = DIV_ROUND_UP_ULL(pages, MEMX_CHUNK_PAGES);
	struct memx_session *s, *old, *tmp;
	LIST_HEAD(replaced);
	int err;

	if (!pages || pages > memx_capacity)
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	xa_init(&s->chunks);
	init_llist_head(&s->released);
	s->owner = *who;
	s->owner_key = memx_owner_key(who);
	s->client_id = client_id;
	s->lease_ms = lease_ms;

	/* Refused, the client's older session is kept: it is not replaced. */
	err = memx_store_enter();
	if (err) {
		kfree(s);
		return err;
	}
	list_for_each_entry_safe(old, tmp, &memx_session_list, list) {
		if (memx_owner_equal(&old->owner, who) && old->client_id == client_id) {
			memx_session_unlink(old);
			list_add(&old->list, &replaced);
		}
	}
	s->holder = memx_holder_get(who);
	err = s->holder ? memx_session_add_chunks(s, need) : -ENOMEM;
	if (err && s->holder) {
		memx_holder_put(s->holder);
		s->holder = NULL;
	}
	if (!err) {
		do {
			s->id = get_random_u32();
		} while (!s->id || memx_session_lookup(s->id));
		s->last_used = jiffies;
		hash_add_rcu(memx_sessions, &s->hnode, s->id);
		list_add_tail(&s->list, &memx_session_list);
		memx_nr_sessions++;
		*id = s->id;
		*granted = memx_session_pages(s);
	}
	memx_store_done();

	if (!list_empty(&replaced)) {
		synchronize_rcu();
		list_for_each_entry_safe(old, tmp, &replaced, list) {
			pr_info_ratelimited("session %08x of %pM (%s) replaced by a rejoin\n",
					    old->id, who->mac, rmap_tenant_name(who->tenant));
			memx_session_free(old);
		}
	}
	if (err) {
		memx_session_free(s);
		return err;
	}
	if (out)
		*out = s;
	return 0;
}

/**
 * memx_session_join() - set memory aside for a new session, for a JOIN
 * @who: the client, under its tenant
 * @client_id: its id; an older session of the same client and id is replaced
 * @pages: pages asked for (rounded up to whole chunks)
 * @lease_ms: the session ends after this long without a request
 * @id: set to the new session's id
 * @granted: set to its pages
 *
 * Context: process; may sleep.
 * Return: 0, -EINVAL, -ENOSPC, -ENOMEM, or -ESHUTDOWN while leaving.
 */
int memx_session_join(const struct memx_owner *who, u64 client_id, u64 pages, u32 lease_ms,
		      u32 *id, u64 *granted)
{
	return memx_session_new(who, client_id, pages, lease_ms, NULL, id, granted);
}

/**
 * memx_session_create() - memx_session_join(), and the session itself
 * @who: the client, under its tenant
 * @client_id: its id
 * @pages: pages asked for
 * @lease_ms: its lease
 * @out: the new session, for a caller that no evict can race (KUnit)
 *
 * Return: as memx_session_join().
 */
int memx_session_create(const struct memx_owner *who, u64 client_id, u64 pages, u32 lease_ms,
			struct memx_session **out)
{
	u32 id;
	u64 granted;

	return memx_session_new(who, client_id, pages, lease_ms, out, &id, &granted);
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_create);

/**
 * memx_session_grow() - set more memory aside for a session
 * @id: the session
 * @who: its client
 * @pages: pages to add (rounded up to whole chunks)
 * @total: the session's pages afterwards
 *
 * Context: process; may sleep.
 * Return: 0, -ENOENT, -EINVAL, -ENOSPC, -ENOMEM, or -ESHUTDOWN while leaving
 * or while the session is asked to move away.
 */
int memx_session_grow(u32 id, const struct memx_owner *who, u64 pages, u64 *total)
{
	struct memx_session *s;
	int err;

	if (!pages || pages > memx_capacity)
		return -EINVAL;
	err = memx_store_enter();
	if (err)
		return err;
	s = memx_session_find(id, who);
	err = -ENOENT;
	/* A session asked to move away grows no more. */
	if (s)
		err = s->shed ? -ESHUTDOWN :
		      memx_session_add_chunks(s, DIV_ROUND_UP_ULL(pages, MEMX_CHUNK_PAGES));
	if (s) {
		s->last_used = jiffies;
		*total = memx_session_pages(s);
	}
	memx_store_done();
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_grow);

/**
 * memx_session_rebindable() - whether @who may be session @id's client
 * @id: the session
 * @who: a requester that is not its owner
 * @client_id: the id the requester says it joined with
 *
 * Context: rcu_read_lock() held.
 * Return: true when @who, under the session's tenant, knows its client's id.
 */
bool memx_session_rebindable(u32 id, const struct memx_owner *who, u64 client_id)
{
	struct memx_session *s = memx_session_lookup(id);

	/* The tenant is the owner key's top byte, and never changes. */
	return s && client_id && s->client_id == client_id &&
	       READ_ONCE(s->owner_key) >> 48 == who->tenant;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_rebindable);

/**
 * memx_session_rebind() - a session's client speaks from another address now
 * @id: the session
 * @who: the client at its new address, under the session's tenant
 * @client_id: the id it joined with here
 * @total: set to the session's pages
 * @lease_ms: set to its lease
 * @leaving: set when its client is asked to move it away
 *
 * A client with two NICs on a LAN sends from the other when the one it
 * joined from fails: its session, the memory it holds and its share here
 * follow it, and its old address may use it no more. The client's id is
 * its own for each server, so no other server can do this.
 *
 * Context: process; may sleep.
 * Return: 0 (also from the address it has: nothing changes), -ENOENT
 * when there is no such session of that client, -EBUSY while its old
 * address used it within MEMX_REBIND_QUIET_MS, or -ENOMEM.
 */
int memx_session_rebind(u32 id, const struct memx_owner *who, u64 client_id, u64 *total,
			u32 *lease_ms, bool *leaving)
{
	struct memx_session *s;
	struct memx_holder *h;
	int err = -ENOENT;

	mutex_lock(&memx_store_lock);
	s = memx_session_lookup(id);
	if (!s || s->owner.tenant != who->tenant)
		goto out;
	if (!memx_owner_equal(&s->owner, who)) {
		if (!client_id || s->client_id != client_id)
			goto out;
		/*
		 * Its old address is quiet first: a NIC that failed sends no
		 * more, while two live holders of one id (a cloned VM) would
		 * take the session back and forth.
		 */
		err = -EBUSY;
		if (time_before(jiffies, READ_ONCE(s->last_used) +
				msecs_to_jiffies(MEMX_REBIND_QUIET_MS)))
			goto out;
		err = -ENOMEM;
		h = memx_holder_get(who);
		if (!h)
			goto out;
		s->holder->held -= memx_session_held(s);
		memx_holder_put(s->holder);
		h->held += memx_session_held(s);
		s->holder = h;
		pr_info_ratelimited("session %08x of %pM (%s) now at %pM\n", s->id,
				    s->owner.mac, rmap_tenant_name(who->tenant), who->mac);
		s->owner = *who;
		WRITE_ONCE(s->owner_key, memx_owner_key(who));
		memx_srv_count(MEMX_SRV_REBOUND);
	}
	WRITE_ONCE(s->last_used, jiffies);
	*total = memx_session_pages(s);
	*lease_ms = s->lease_ms;
	*leaving = memx_leaving || s->shed;
	err = 0;
out:
	mutex_unlock(&memx_store_lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_rebind);

/**
 * memx_session_destroy() - end a session and return its memory
 * @id: the session
 * @who: its client
 *
 * Context: process; may sleep.
 * Return: 0 or -ENOENT.
 */
int memx_session_destroy(u32 id, const struct memx_owner *who)
{
	struct memx_session *s;

	mutex_lock(&memx_store_lock);
	s = memx_session_find(id, who);
	if (s)
		memx_session_unlink(s);
	mutex_unlock(&memx_store_lock);
	if (!s)
		return -ENOENT;
	synchronize_rcu();
	memx_session_free(s);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_destroy);

/*
 * When the client owning @s was last heard from through any of its
 * sessions: a client busy on one device may have its renewals of another
 * delayed or lost behind that traffic, and is alive all the same.
 */
static unsigned long memx_client_last_heard(const struct memx_session *s)
{
	unsigned long last = READ_ONCE(s->last_used);
	struct memx_session *o;

	lockdep_assert_held(&memx_store_lock);
	list_for_each_entry(o, &memx_session_list, list) {
		unsigned long used = READ_ONCE(o->last_used);

		if (memx_owner_equal(&o->owner, &s->owner) && time_after(used, last))
			last = used;
	}
	return last;
}

/**
 * memx_sessions_expire() - end the sessions whose client went silent
 *
 * A session ends when its client sent nothing, to it or to any of its
 * other sessions here, for the session's lease.
 *
 * Context: process; may sleep.
 */
void memx_sessions_expire(void)
{
	struct memx_session *s, *tmp;
	LIST_HEAD(expired);

	mutex_lock(&memx_store_lock);
	list_for_each_entry_safe(s, tmp, &memx_session_list, list) {
		unsigned long lease = msecs_to_jiffies(s->lease_ms);

		if (time_after(jiffies, READ_ONCE(s->last_used) + lease) &&
		    time_after(jiffies, memx_client_last_heard(s) + lease)) {
			memx_session_unlink(s);
			list_add(&s->list, &expired);
		}
	}
	mutex_unlock(&memx_store_lock);
	if (list_empty(&expired))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(s, tmp, &expired, list) {
		pr_info_ratelimited("session %08x of %pM expired after %u ms idle\n",
				    s->id, s->owner.mac, s->lease_ms);
		memx_srv_count(MEMX_SRV_EXPIRED);
		memx_session_free(s);
	}
}
EXPORT_SYMBOL_IF_KUNIT(memx_sessions_expire);

/**
 * memx_session_pages() - the end of a session's offsets, in pages
 * @s: the session
 *
 * Return: its size in pages, counting chunks given back by a DISCARD.
 */
u64 memx_session_pages(const struct memx_session *s)
{
	/* Pairs with the release in memx_session_add_chunks(). */
	return (u64)smp_load_acquire(&s->end_chunks) * MEMX_CHUNK_PAGES;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_pages);

/**
 * memx_session_held() - pages of memory a session holds now
 * @s: the session
 *
 * Return: its size less the chunks given back.
 */
u64 memx_session_held(const struct memx_session *s)
{
	return (u64)READ_ONCE(s->held_chunks) * MEMX_CHUNK_PAGES;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_held);

/* The chunk holding page @index of @s, or NULL: beyond the end, or given back. */
static struct memx_chunk *memx_session_chunk(struct memx_session *s, u64 index)
{
	/* Pairs with the release in memx_session_add_chunks(): chunks below the end are set. */
	unsigned long end = smp_load_acquire(&s->end_chunks);
	u64 chunk = div_u64(index, MEMX_CHUNK_PAGES);
	struct memx_chunk *c;

	if (chunk >= end)
		return NULL;
	c = xa_load(&s->chunks, chunk);
	return c && !atomic_read(&c->releasing) ? c : NULL;
}

/**
 * memx_session_page() - a page of a session, from the receive path
 * @s: the session
 * @index: page index in the session's memory
 * @wseq: where that page's last-write sequence lives
 *
 * Context: rcu_read_lock() held.
 * Return: the page, or NULL when @index is beyond the session or in a
 * chunk given back.
 */
struct page *memx_session_page(struct memx_session *s, u64 index, u64 **wseq)
{
	struct memx_chunk *c = memx_session_chunk(s, index);
	unsigned int i = index % MEMX_CHUNK_PAGES;

	if (!c)
		return NULL;
	*wseq = &c->wseq[i];
	return c->pages[i];
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_page);

/**
 * memx_session_release() - give back the memory of a chunk, from the receive path
 * @s: the session
 * @index: the chunk's first page in the session
 *
 * Its pages go back to the host from a work item once no reader can
 * still see them; its offsets hold nothing from now on.
 *
 * Context: rcu_read_lock() held; never sleeps, never allocates.
 * Return: true when the chunk was present.
 */
bool memx_session_release(struct memx_session *s, u64 index)
{
	struct memx_chunk *c = memx_session_chunk(s, index);

	if (!c || atomic_xchg(&c->releasing, 1))
		return false;
	llist_add(&c->release, &s->released);
	queue_work(system_unbound_wq, &memx_release_work);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_release);

/* Free the chunks whole-chunk DISCARDs gave back. */
static void memx_release_worker(struct work_struct *work)
{
	struct memx_chunk *c, *tmp;
	struct memx_session *s;
	LLIST_HEAD(freeing);
	unsigned long n = 0;

	mutex_lock(&memx_store_lock);
	list_for_each_entry(s, &memx_session_list, list) {
		llist_for_each_entry_safe(c, tmp, llist_del_all(&s->released), release) {
			xa_erase(&s->chunks, c->index);
			s->held_chunks--;
			s->holder->held -= MEMX_CHUNK_PAGES;
			memx_granted_set(memx_granted - MEMX_CHUNK_PAGES);
			llist_add(&c->release, &freeing);
			n++;
		}
	}
	mutex_unlock(&memx_store_lock);
	if (!n)
		return;
	/* Receive paths may still be reading or writing them. */
	synchronize_rcu();
	llist_for_each_entry_safe(c, tmp, freeing.first, release)
		memx_chunk_free(c);
	memx_srv_add(MEMX_SRV_RELEASED, n);
}

u64 memx_store_capacity(void)
{
	return memx_capacity;
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_capacity);

u64 memx_store_granted(void)
{
	return READ_ONCE(memx_granted);
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_granted);

unsigned int memx_store_sessions(void)
{
	return READ_ONCE(memx_nr_sessions);
}

/**
 * memx_store_leave() - stop or start setting memory aside for anyone
 * @leave: true to leave: JOINs are refused with -ESHUTDOWN from now on,
 *	and sessions keep what they hold until their clients move it away
 *
 * Context: process; may sleep.
 */
void memx_store_leave(bool leave)
{
	mutex_lock(&memx_store_lock);
	WRITE_ONCE(memx_leaving, leave);
	mutex_unlock(&memx_store_lock);
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_leave);

/**
 * memx_store_evict() - end every session now, dropping what clients hold here
 *
 * For an operator whose server must go although a client does not move
 * its pages away: those clients learn the sessions are gone (E_SESSION)
 * and make the copies again elsewhere, where they have other copies.
 *
 * Context: process; may sleep.
 * Return: the number of sessions ended.
 */
unsigned int memx_store_evict(void)
{
	struct memx_session *s, *tmp;
	LIST_HEAD(evicted);
	unsigned int n = 0;

	mutex_lock(&memx_store_lock);
	list_for_each_entry_safe(s, tmp, &memx_session_list, list) {
		memx_session_unlink(s);
		list_add(&s->list, &evicted);
		n++;
	}
	mutex_unlock(&memx_store_lock);
	if (!n)
		return 0;
	synchronize_rcu();
	list_for_each_entry_safe(s, tmp, &evicted, list)
		memx_session_free(s);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_evict);

/**
 * memx_store_reserve() - keep memory for the host's own use
 * @pages: below this available, clients are asked to move pages away
 *	(memx_store_shed()); nothing is lent below twice this
 *
 * Return: the reserve until now.
 */
u64 memx_store_reserve(u64 pages)
{
	return xchg(&memx_reserve, pages);
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_reserve);

/**
 * memx_store_reserved() - the host's reserve, in pages
 */
u64 memx_store_reserved(void)
{
	return READ_ONCE(memx_reserve);
}

/**
 * memx_store_room() - pages that may be lent now
 *
 * Lending stops at twice the reserve available: clients are asked to
 * move pages away only below the reserve itself, so ordinary changes in
 * the host's own use neither start that nor, once it has stopped,
 * draw the pages straight back.
 *
 * Return: what is left of the capacity, less what would cut into that.
 */
u64 memx_store_room(void)
{
	u64 avail = si_mem_available();
	u64 floor = 2 * READ_ONCE(memx_reserve);
	u64 left = memx_capacity - READ_ONCE(memx_granted);

	return avail > floor ? min(left, avail - floor) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_room);

/*
 * The session to ask next: the biggest not yet asked, so that as few
 * clients as can be are disturbed. (Which client may hold how much is
 * fair share's business, at JOIN.)
 */
static struct memx_session *memx_store_next_to_shed(void)
{
	struct memx_session *s, *big = NULL;

	list_for_each_entry(s, &memx_session_list, list) {
		if (!s->shed && s->held_chunks && (!big || s->held_chunks > big->held_chunks))
			big = s;
	}
	return big;
}

/**
 * memx_store_shed() - ask clients to move memory away, for the host's sake
 * @pages: what the host needs back; 0 when it needs nothing any more
 *
 * Sessions are asked, the biggest first, until the sessions asked hold
 * @pages: their renewals are answered E_LEAVING, and their
 * clients move what they hold elsewhere and leave them. Nothing is
 * dropped; with 0, clients are told to stay at their next renewal.
 *
 * Context: process; may sleep.
 * Return: pages held by the sessions newly asked.
 */
u64 memx_store_shed(u64 pages)
{
	struct memx_session *s;
	u64 asked = 0, added = 0;

	mutex_lock(&memx_store_lock);
	list_for_each_entry(s, &memx_session_list, list) {
		if (!pages)
			WRITE_ONCE(s->shed, false);
		else if (s->shed)
			asked += memx_session_held(s);
	}
	while (asked < pages) {
		s = memx_store_next_to_shed();
		if (!s)
			break;
		WRITE_ONCE(s->shed, true);
		memx_srv_count(MEMX_SRV_SHED);
		asked += memx_session_held(s);
		added += memx_session_held(s);
	}
	mutex_unlock(&memx_store_lock);
	return added;
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_shed);

/**
 * memx_store_shed_held() - what clients asked to move still hold here
 *
 * Return: pages held by sessions asked to move away.
 */
u64 memx_store_shed_held(void)
{
	struct memx_session *s;
	u64 held = 0;

	mutex_lock(&memx_store_lock);
	list_for_each_entry(s, &memx_session_list, list) {
		if (s->shed)
			held += memx_session_held(s);
	}
	mutex_unlock(&memx_store_lock);
	return held;
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_shed_held);

/**
 * memx_store_client_max() - cap what one client may hold here
 * @pages: the cap; 0 for none
 *
 * Return: the cap until now.
 */
u64 memx_store_client_max(u64 pages)
{
	u64 old;

	mutex_lock(&memx_store_lock);
	old = memx_client_max;
	memx_client_max = pages;
	mutex_unlock(&memx_store_lock);
	return old;
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_client_max);

/* Whether this server is leaving: renewals say so to every client. */
bool memx_store_leaving(void)
{
	return READ_ONCE(memx_leaving);
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_leaving);

/* debugfs: one line per session. */
void memx_store_show(struct seq_file *m)
{
	struct memx_session *s;

	seq_puts(m, "# session mac client_id pages held lease_ms idle_ms reads writes discards stale tenant\n");
	mutex_lock(&memx_store_lock);
	list_for_each_entry(s, &memx_session_list, list)
		seq_printf(m, "%08x %pM %016llx %llu %llu %u %u %llu %llu %llu %llu %s\n", s->id,
			   s->owner.mac, s->client_id, memx_session_pages(s), memx_session_held(s),
			   s->lease_ms,
			   jiffies_to_msecs(jiffies - READ_ONCE(s->last_used)),
			   READ_ONCE(s->reads), READ_ONCE(s->writes), READ_ONCE(s->discards),
			   READ_ONCE(s->stale), rmap_tenant_name(s->owner.tenant));
	mutex_unlock(&memx_store_lock);
}

/**
 * memx_store_init() - start with no session
 * @capacity_pages: pages this server may lend in all
 *
 * Return: 0, or -EINVAL when that is less than one chunk.
 */
int memx_store_init(u64 capacity_pages)
{
	memx_leaving = false;
	memx_capacity = round_down(capacity_pages, MEMX_CHUNK_PAGES);
	return memx_capacity ? 0 : -EINVAL;
}

/**
 * memx_store_sync() - wait until the chunks given back so far are freed
 */
void memx_store_sync(void)
{
	flush_work(&memx_release_work);
}
EXPORT_SYMBOL_IF_KUNIT(memx_store_sync);

/* Free every session; the receive path no longer calls in. */
void memx_store_exit(void)
{
	memx_store_sync();
	memx_store_evict();
}
