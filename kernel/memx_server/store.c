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
	struct memx_chunk *c = kvzalloc(sizeof(*c), GFP_KERNEL);
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
			page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOWARN);
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
	unsigned int i;

	for (i = 0; i < s->nr_chunks; i++)
		memx_chunk_free(s->chunks[i]);
	kvfree(s->chunks);
	kfree(s);
}

/* Add @n chunks to @s; the store lock held. */
static int memx_session_add_chunks(struct memx_session *s, unsigned int n)
{
	unsigned int i, have = s->nr_chunks;

	if (n > s->max_chunks - have)
		return -ENOSPC;
	if ((u64)n * MEMX_CHUNK_PAGES > memx_capacity - memx_granted)
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		s->chunks[have + i] = memx_chunk_alloc();
		if (!s->chunks[have + i]) {
			while (i--)
				memx_chunk_free(s->chunks[have + i]);
			return -ENOMEM;
		}
	}
	/* The receive path reads nr_chunks first: chunks must be there. */
	smp_store_release(&s->nr_chunks, have + n);
	memx_granted += (u64)n * MEMX_CHUNK_PAGES;
	return 0;
}

/* Take @s out of the lookup table; the store lock held. Free it after a grace period. */
static void memx_session_unlink(struct memx_session *s)
{
	hash_del_rcu(&s->hnode);
	list_del(&s->list);
	memx_granted -= (u64)s->nr_chunks * MEMX_CHUNK_PAGES;
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
 * @mac: the requester: a session answers its own client only
 *
 * Context: rcu_read_lock() held; the session stays valid until it is dropped.
 * Return: the session, or NULL.
 */
struct memx_session *memx_session_find(u32 id, const u8 *mac)
{
	struct memx_session *s = memx_session_lookup(id);

	return s && ether_addr_equal(s->mac, mac) ? s : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_find);

/**
 * memx_session_create() - set memory aside for a new session
 * @mac: the client
 * @client_id: its id; an older session of the same client and id is replaced
 * @pages: pages asked for (rounded up to whole chunks)
 * @lease_ms: the session ends after this long without a request
 * @out: the new session
 *
 * Context: process; may sleep.
 * Return: 0, -EINVAL, -ENOSPC or -ENOMEM.
 */
int memx_session_create(const u8 *mac, u64 client_id, u64 pages, u32 lease_ms,
			struct memx_session **out)
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
	s->max_chunks = memx_capacity / MEMX_CHUNK_PAGES;
	s->chunks = kvcalloc(s->max_chunks, sizeof(*s->chunks), GFP_KERNEL);
	if (!s->chunks) {
		kfree(s);
		return -ENOMEM;
	}
	ether_addr_copy(s->mac, mac);
	s->client_id = client_id;
	s->lease_ms = lease_ms;
	s->last_used = jiffies;

	mutex_lock(&memx_store_lock);
	list_for_each_entry_safe(old, tmp, &memx_session_list, list) {
		if (ether_addr_equal(old->mac, mac) && old->client_id == client_id) {
			memx_session_unlink(old);
			list_add(&old->list, &replaced);
		}
	}
	err = memx_session_add_chunks(s, need);
	if (!err) {
		do {
			s->id = get_random_u32();
		} while (!s->id || memx_session_lookup(s->id));
		hash_add_rcu(memx_sessions, &s->hnode, s->id);
		list_add_tail(&s->list, &memx_session_list);
		memx_nr_sessions++;
	}
	mutex_unlock(&memx_store_lock);

	if (!list_empty(&replaced)) {
		synchronize_rcu();
		list_for_each_entry_safe(old, tmp, &replaced, list) {
			pr_info("session %08x of %pM replaced by a rejoin\n", old->id, mac);
			memx_session_free(old);
		}
	}
	if (err) {
		memx_session_free(s);
		return err;
	}
	*out = s;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_create);

/**
 * memx_session_grow() - set more memory aside for a session
 * @id: the session
 * @mac: its client
 * @pages: pages to add (rounded up to whole chunks)
 * @total: the session's pages afterwards
 *
 * Context: process; may sleep.
 * Return: 0, -ENOENT, -EINVAL, -ENOSPC or -ENOMEM.
 */
int memx_session_grow(u32 id, const u8 *mac, u64 pages, u64 *total)
{
	struct memx_session *s;
	int err;

	if (!pages || pages > memx_capacity)
		return -EINVAL;
	mutex_lock(&memx_store_lock);
	s = memx_session_find(id, mac);
	err = s ? memx_session_add_chunks(s, DIV_ROUND_UP_ULL(pages, MEMX_CHUNK_PAGES)) : -ENOENT;
	if (s) {
		s->last_used = jiffies;
		*total = memx_session_pages(s);
	}
	mutex_unlock(&memx_store_lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_grow);

/**
 * memx_session_destroy() - end a session and return its memory
 * @id: the session
 * @mac: its client
 *
 * Context: process; may sleep.
 * Return: 0 or -ENOENT.
 */
int memx_session_destroy(u32 id, const u8 *mac)
{
	struct memx_session *s;

	mutex_lock(&memx_store_lock);
	s = memx_session_find(id, mac);
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

		if (ether_addr_equal(o->mac, s->mac) && time_after(used, last))
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
		pr_info("session %08x of %pM expired after %u ms idle\n", s->id, s->mac,
			s->lease_ms);
		memx_srv_count(MEMX_SRV_EXPIRED);
		memx_session_free(s);
	}
}
EXPORT_SYMBOL_IF_KUNIT(memx_sessions_expire);

/**
 * memx_session_pages() - pages a session holds
 * @s: the session
 *
 * Return: its size in pages.
 */
u64 memx_session_pages(const struct memx_session *s)
{
	/* Pairs with the release in memx_session_add_chunks(). */
	return (u64)smp_load_acquire(&s->nr_chunks) * MEMX_CHUNK_PAGES;
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_pages);

/**
 * memx_session_page() - a page of a session, from the receive path
 * @s: the session
 * @index: page index in the session's memory
 * @wseq: where that page's last-write sequence lives
 *
 * Return: the page, or NULL when @index is beyond the session.
 */
struct page *memx_session_page(struct memx_session *s, u64 index, u32 **wseq)
{
	/* Pairs with the release in memx_session_add_chunks(): chunks below n are set. */
	unsigned int n = smp_load_acquire(&s->nr_chunks);
	u64 chunk = index / MEMX_CHUNK_PAGES;
	unsigned int i = index % MEMX_CHUNK_PAGES;
	struct memx_chunk *c;

	if (chunk >= n)
		return NULL;
	c = s->chunks[chunk];
	*wseq = &c->wseq[i];
	return c->pages[i];
}
EXPORT_SYMBOL_IF_KUNIT(memx_session_page);

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

/* debugfs: one line per session. */
void memx_store_show(struct seq_file *m)
{
	struct memx_session *s;

	seq_puts(m, "# session mac client_id pages lease_ms idle_ms reads writes discards stale\n");
	mutex_lock(&memx_store_lock);
	list_for_each_entry(s, &memx_session_list, list)
		seq_printf(m, "%08x %pM %016llx %llu %u %u %llu %llu %llu %llu\n", s->id, s->mac,
			   s->client_id, memx_session_pages(s), s->lease_ms,
			   jiffies_to_msecs(jiffies - READ_ONCE(s->last_used)),
			   READ_ONCE(s->reads), READ_ONCE(s->writes), READ_ONCE(s->discards),
			   READ_ONCE(s->stale));
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
	memx_capacity = round_down(capacity_pages, MEMX_CHUNK_PAGES);
	return memx_capacity ? 0 : -EINVAL;
}

/* Free every session; the receive path no longer calls in. */
void memx_store_exit(void)
{
	struct memx_session *s, *tmp;

	mutex_lock(&memx_store_lock);
	list_for_each_entry_safe(s, tmp, &memx_session_list, list) {
		memx_session_unlink(s);
		memx_session_free(s);
	}
	mutex_unlock(&memx_store_lock);
}
