// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: memx_server's store, in a server loaded with capacity_mb=8 and
 * no client: sessions take whole chunks, never more than the capacity,
 * hold zeroed pages only up to their size, answer only their own client,
 * grow, are replaced by a rejoin, end when their client falls silent
 * (not while it is busy on another session), and give every page back
 * when they end, or a chunk's when a whole-chunk DISCARD releases it.
 * Also the write-ordering rule that keeps a late resend from undoing a
 * later write, and a server that is leaving: it sets nothing more aside,
 * and keeps what its sessions hold until they end. A host that needs its
 * memory back lends nothing into its reserve, and asks the biggest
 * sessions to move, as few as cover what it needs. Clients competing for
 * the last memory each keep a fair share, and a cap binds any one.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>

#include "../../kernel/memx_server/memx_server.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static const struct memx_owner client_a = { .mac = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a } };
static const struct memx_owner client_b = { .mac = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b } };
/* client_a's address under another tenant's key: another client. */
static const struct memx_owner client_a_other_tenant = {
	.mac = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a }, .tenant = 1,
};

static bool memx_store_has(u32 id, const struct memx_owner *who)
{
	bool found;

	rcu_read_lock();
	found = memx_session_find(id, who);
	rcu_read_unlock();
	return found;
}

static void memx_store_empty_at_start(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, memx_store_capacity(), 8ULL << (20 - PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
}

static void memx_store_whole_chunks(struct kunit *test)
{
	struct memx_session *s;
	u32 id;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 1, 30000, &s), 0);
	id = s->id;
	KUNIT_EXPECT_NE(test, id, 0U);
	KUNIT_EXPECT_EQ(test, memx_session_pages(s), (u64)MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), (u64)MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(id, &client_a), 0);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(id, &client_a), -ENOENT);
}

static void memx_store_capacity_bound(struct kunit *test)
{
	u64 cap = memx_store_capacity();
	struct memx_session *s, *t;
	u64 total;

	KUNIT_EXPECT_EQ(test, memx_session_create(&client_a, 1, 0, 30000, &s), -EINVAL);
	KUNIT_EXPECT_EQ(test, memx_session_create(&client_a, 1, cap + 1, 30000, &s), -EINVAL);
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, cap - MEMX_CHUNK_PAGES, 30000,
						  &s), 0);
	KUNIT_EXPECT_EQ(test, memx_session_create(&client_b, 2, 2 * MEMX_CHUNK_PAGES, 30000, &t),
			-ENOSPC);
	/* A failed attempt sets nothing aside. */
	KUNIT_EXPECT_EQ(test, memx_store_granted(), cap - MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, memx_session_grow(s->id, &client_a, 1, &total), 0);
	KUNIT_EXPECT_EQ(test, total, cap);
	KUNIT_EXPECT_EQ(test, memx_session_grow(s->id, &client_a, 1, &total), -ENOSPC);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(s->id, &client_a), 0);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
}

static void memx_store_pages(struct kunit *test)
{
	struct memx_session *s;
	struct page *p, *q;
	u64 *w, *w2;
	u8 *v;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 1, 30000, &s), 0);
	p = memx_session_page(s, 0, &w);
	q = memx_session_page(s, MEMX_CHUNK_PAGES - 1, &w2);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_NE(test, p, q);
	KUNIT_EXPECT_PTR_NE(test, w, w2);
	KUNIT_EXPECT_EQ(test, *w, 0U);
	v = kmap_local_page(q);
	KUNIT_EXPECT_TRUE(test, !v[0] && !memchr_inv(v, 0, PAGE_SIZE));
	kunmap_local(v);
	KUNIT_EXPECT_NULL(test, memx_session_page(s, MEMX_CHUNK_PAGES, &w));
	KUNIT_EXPECT_EQ(test, memx_session_destroy(s->id, &client_a), 0);
}

static void memx_store_own_client_only(struct kunit *test)
{
	struct memx_session *s;
	u64 total;
	u32 id;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 1, 30000, &s), 0);
	id = s->id;
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, memx_session_find(id, &client_a), s);
	KUNIT_EXPECT_NULL(test, memx_session_find(id, &client_b));
	KUNIT_EXPECT_NULL(test, memx_session_find(id + 1, &client_a));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, memx_session_grow(id, &client_b, 1, &total), -ENOENT);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(id, &client_b), -ENOENT);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(id, &client_a), 0);
}

/*
 * A client that speaks from another address (its other NIC) takes its
 * session along when it knows the id it joined with, once the old
 * address is quiet; the old address, another tenant, or a wrong id get
 * nothing.
 */
static void memx_store_rebind(struct kunit *test)
{
	struct memx_session *s;
	bool leaving = true;
	u64 total = 0;
	u32 id, lease;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 7, MEMX_CHUNK_PAGES, 30000, &s), 0);
	id = s->id;
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, memx_session_rebindable(id, &client_b, 7));
	KUNIT_EXPECT_FALSE(test, memx_session_rebindable(id, &client_b, 8));
	KUNIT_EXPECT_FALSE(test, memx_session_rebindable(id, &client_b, 0));
	KUNIT_EXPECT_FALSE(test, memx_session_rebindable(id, &client_a_other_tenant, 7));
	KUNIT_EXPECT_FALSE(test, memx_session_rebindable(id + 1, &client_b, 7));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, memx_session_rebind(id, &client_b, 8, &total, &lease, &leaving),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, memx_session_rebind(id, &client_a_other_tenant, 7, &total, &lease,
						  &leaving), -ENOENT);
	/* Not while its address uses it: a cloned client does not take it. */
	KUNIT_EXPECT_EQ(test, memx_session_rebind(id, &client_b, 7, &total, &lease, &leaving),
			-EBUSY);
	WRITE_ONCE(s->last_used, jiffies - msecs_to_jiffies(2 * MEMX_REBIND_QUIET_MS));
	KUNIT_EXPECT_EQ(test, memx_session_rebind(id, &client_b, 7, &total, &lease, &leaving), 0);
	KUNIT_EXPECT_EQ(test, total, (u64)MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, lease, 30000U);
	KUNIT_EXPECT_FALSE(test, leaving);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, memx_session_find(id, &client_b), s);
	KUNIT_EXPECT_NULL(test, memx_session_find(id, &client_a));
	rcu_read_unlock();
	/* Its memory counts for its new address now: the old one holds nothing. */
	KUNIT_EXPECT_EQ(test, s->holder->held, (u64)MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_TRUE(test, memx_owner_equal(&s->holder->owner, &client_b));
	KUNIT_EXPECT_EQ(test, memx_session_grow(id, &client_a, 1, &total), -ENOENT);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(id, &client_a), -ENOENT);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(id, &client_b), 0);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
}

/*
 * A tenant's key sealed the JOIN: the same address under another key
 * (a tenant forging frames in a neighbour's name) can neither find,
 * grow, end nor replace the session, even knowing its id and client id.
 */
static void memx_store_tenants_apart(struct kunit *test)
{
	struct memx_session *s, *t;
	u64 total;
	u32 id;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 5, 1, 30000, &s), 0);
	id = s->id;
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, memx_session_find(id, &client_a_other_tenant));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, memx_session_grow(id, &client_a_other_tenant, 1, &total), -ENOENT);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(id, &client_a_other_tenant), -ENOENT);
	/* A JOIN with the same client id under the other key: a session of its own. */
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a_other_tenant, 5, 1, 30000, &t), 0);
	KUNIT_EXPECT_TRUE(test, memx_store_has(id, &client_a));
	KUNIT_EXPECT_FALSE(test, memx_store_has(t->id, &client_a));
	KUNIT_EXPECT_EQ(test, memx_session_destroy(t->id, &client_a_other_tenant), 0);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(id, &client_a), 0);
}

static void memx_store_rejoin_replaces(struct kunit *test)
{
	struct memx_session *s, *t, *u;
	u32 first;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 7, 1, 30000, &s), 0);
	first = s->id;
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 8, 1, 30000, &u), 0);
	/* Same client, same id: the old session and its memory are gone. */
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 7, 1, 30000, &t), 0);
	KUNIT_EXPECT_NE(test, t->id, first);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 2ULL * MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(first, &client_a), -ENOENT);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(t->id, &client_a), 0);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(u->id, &client_a), 0);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
}

static void memx_store_release(struct kunit *test)
{
	u64 cap = memx_store_capacity(), total;
	struct memx_session *s, *t;
	struct page *p;
	u64 *w;

	/* All the capacity: a release is the only way to make room. */
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, cap, 30000, &s), 0);
	KUNIT_EXPECT_EQ(test, memx_session_create(&client_b, 2, 1, 30000, &t), -ENOSPC);
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, memx_session_release(s, MEMX_CHUNK_PAGES));
	/* Twice, or beyond the end: nothing more to give. */
	KUNIT_EXPECT_FALSE(test, memx_session_release(s, MEMX_CHUNK_PAGES));
	KUNIT_EXPECT_FALSE(test, memx_session_release(s, cap));
	/* Its offsets hold nothing at once; the neighbours are untouched. */
	KUNIT_EXPECT_NULL(test, memx_session_page(s, MEMX_CHUNK_PAGES, &w));
	KUNIT_EXPECT_NULL(test, memx_session_page(s, 2 * MEMX_CHUNK_PAGES - 1, &w));
	p = memx_session_page(s, MEMX_CHUNK_PAGES - 1, &w);
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_NOT_NULL(test, memx_session_page(s, 2 * MEMX_CHUNK_PAGES, &w));
	rcu_read_unlock();
	memx_store_sync();
	KUNIT_EXPECT_EQ(test, memx_store_granted(), cap - MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, memx_session_held(s), cap - MEMX_CHUNK_PAGES);
	/* The session's offsets do not shrink; a grow adds at the end. */
	KUNIT_EXPECT_EQ(test, memx_session_pages(s), cap);
	KUNIT_EXPECT_EQ(test, memx_session_grow(s->id, &client_a, 1, &total), 0);
	KUNIT_EXPECT_EQ(test, total, cap + MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, memx_session_held(s), cap);
	rcu_read_lock();
	KUNIT_EXPECT_NOT_NULL(test, memx_session_page(s, cap, &w));
	KUNIT_EXPECT_NULL(test, memx_session_page(s, MEMX_CHUNK_PAGES, &w));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, memx_session_destroy(s->id, &client_a), 0);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
}

/* A chunk still queued for release when its session ends is freed once. */
static void memx_store_release_then_leave(struct kunit *test)
{
	struct memx_session *s;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 2 * MEMX_CHUNK_PAGES, 30000,
						  &s), 0);
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, memx_session_release(s, 0));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, memx_session_destroy(s->id, &client_a), 0);
	memx_store_sync();
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
}

static void memx_store_write_order(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, memx_write_is_current(5, 0));
	KUNIT_EXPECT_TRUE(test, memx_write_is_current(5, 5));
	KUNIT_EXPECT_TRUE(test, memx_write_is_current(6, 5));
	KUNIT_EXPECT_FALSE(test, memx_write_is_current(4, 5));
	/*
	 * The horizon: a page last written at 2, left alone while its
	 * session wrote 2^31 and then 2^32 other pages, still takes its
	 * next write (a 32-bit serial order refused the first as stale).
	 */
	KUNIT_EXPECT_TRUE(test, memx_write_is_current(2 + (1ULL << 31) + 1, 2));
	KUNIT_EXPECT_TRUE(test, memx_write_is_current(2 + (1ULL << 32) + 1, 2));
	KUNIT_EXPECT_TRUE(test, memx_write_is_current(0xfffffffe, 2));
	KUNIT_EXPECT_FALSE(test, memx_write_is_current(2, 0xfffffffe));
	KUNIT_EXPECT_FALSE(test, memx_write_is_current((1ULL << 32) + 1, (1ULL << 32) + 2));
	/* A page a write has put part of its data in: the mark is not a number. */
	KUNIT_EXPECT_TRUE(test, memx_write_is_current(5, 5 | MEMX_PARTIAL));
	KUNIT_EXPECT_TRUE(test, memx_write_is_current(6, 5 | MEMX_PARTIAL));
	KUNIT_EXPECT_FALSE(test, memx_write_is_current(4, 5 | MEMX_PARTIAL));
}

/* Sizes from the wire: a page's last byte plus a size near 2^32 must not wrap in. */
static void memx_store_page_range(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, memx_data_range_ok(0, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, memx_data_range_ok(3 * PAGE_SIZE + 100, PAGE_SIZE - 100));
	KUNIT_EXPECT_TRUE(test, memx_data_range_ok(PAGE_SIZE - 1, 1));
	KUNIT_EXPECT_FALSE(test, memx_data_range_ok(0, 0));
	KUNIT_EXPECT_FALSE(test, memx_data_range_ok(0, PAGE_SIZE + 1));
	/* Whole pages from a page boundary, up to RMAP's largest message. */
	KUNIT_EXPECT_TRUE(test, memx_data_range_ok(5 * PAGE_SIZE, 2 * PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, memx_data_range_ok(0, RMAP_MAX_PAYLOAD));
	KUNIT_EXPECT_FALSE(test, memx_data_range_ok(0, RMAP_MAX_PAYLOAD + PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, memx_data_range_ok(PAGE_SIZE / 2, 2 * PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, memx_data_range_ok(PAGE_SIZE, PAGE_SIZE + 512));
	KUNIT_EXPECT_FALSE(test, memx_data_range_ok(PAGE_SIZE - 1, 2));
	/* 4095 + 0xfffffa59 is 2648 in 32 bits: the reply read past the page. */
	KUNIT_EXPECT_FALSE(test, memx_data_range_ok(PAGE_SIZE - 1, 0xfffffa59));
	/* 4095 + 0xfffff001 is 0 in 32 bits. */
	KUNIT_EXPECT_FALSE(test, memx_data_range_ok(PAGE_SIZE - 1, 0xfffff001));
	KUNIT_EXPECT_FALSE(test, memx_data_range_ok(U64_MAX, U32_MAX));
}

/* Pretend @s was last used @ms ago. */
static void memx_store_age(struct memx_session *s, unsigned int ms)
{
	WRITE_ONCE(s->last_used, jiffies - msecs_to_jiffies(ms));
}

static void memx_store_lease(struct kunit *test)
{
	struct memx_session *a1, *a2, *b1;
	u32 id_a1, id_a2, id_b1;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 1, 1000, &a1), 0);
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 2, 1, 1000, &a2), 0);
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_b, 3, 1, 1000, &b1), 0);
	id_a1 = a1->id;
	id_a2 = a2->id;
	id_b1 = b1->id;
	/* a1 idle but its client busy on a2; b1's client silent. */
	memx_store_age(a1, 5000);
	memx_store_age(b1, 5000);
	memx_sessions_expire();
	KUNIT_EXPECT_TRUE(test, memx_store_has(id_a1, &client_a));
	KUNIT_EXPECT_TRUE(test, memx_store_has(id_a2, &client_a));
	KUNIT_EXPECT_FALSE(test, memx_store_has(id_b1, &client_b));
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 2ULL * MEMX_CHUNK_PAGES);
	/* Now client a is silent too: both of its sessions end. */
	memx_store_age(a1, 5000);
	memx_store_age(a2, 5000);
	memx_sessions_expire();
	KUNIT_EXPECT_FALSE(test, memx_store_has(id_a1, &client_a));
	KUNIT_EXPECT_FALSE(test, memx_store_has(id_a2, &client_a));
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
}

static void memx_store_leave_refuses(struct kunit *test)
{
	struct memx_session *s, *t;
	u64 total = 0, *w;
	u32 id;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 1, 30000, &s), 0);
	id = s->id;
	memx_store_leave(true);
	KUNIT_EXPECT_TRUE(test, memx_store_leaving());
	KUNIT_EXPECT_EQ(test, memx_session_create(&client_b, 2, 1, 30000, &t), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, memx_session_grow(id, &client_a, 1, &total), -ESHUTDOWN);
	/* A rejoin refused replaces nothing: the session and its pages stay. */
	KUNIT_EXPECT_EQ(test, memx_session_create(&client_a, 1, 1, 30000, &t), -ESHUTDOWN);
	KUNIT_EXPECT_TRUE(test, memx_store_has(id, &client_a));
	/* What it holds stays, and is served. */
	KUNIT_EXPECT_EQ(test, memx_store_granted(), (u64)MEMX_CHUNK_PAGES);
	rcu_read_lock();
	KUNIT_EXPECT_NOT_NULL(test, memx_session_page(s, 0, &w));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, memx_session_destroy(id, &client_a), 0);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
	/* Lending again. */
	memx_store_leave(false);
	KUNIT_EXPECT_FALSE(test, memx_store_leaving());
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_b, 2, 1, 30000, &t), 0);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(t->id, &client_b), 0);
}

/* Every session ended at once, for a server that must go now. */
static void memx_store_evicts(struct kunit *test)
{
	struct memx_session *a, *b;
	u32 id_a, id_b;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 1, 30000, &a), 0);
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_b, 2, 2 * MEMX_CHUNK_PAGES, 30000, &b),
			0);
	id_a = a->id;
	id_b = b->id;
	KUNIT_EXPECT_EQ(test, memx_store_evict(), 2U);
	KUNIT_EXPECT_FALSE(test, memx_store_has(id_a, &client_a));
	KUNIT_EXPECT_FALSE(test, memx_store_has(id_b, &client_b));
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
	KUNIT_EXPECT_EQ(test, memx_store_evict(), 0U);
}

/* A host whose own use grew into its reserve lends nothing more. */
static void memx_store_keeps_reserve(struct kunit *test)
{
	struct memx_session *s;
	u64 reserve;
	int err;

	KUNIT_EXPECT_LE(test, memx_store_room(), memx_store_capacity() - memx_store_granted());
	/*
	 * Three quarters of what is available kept: twice that is more than
	 * there is, while the housekeeping sees no need to ask anyone to move.
	 */
	reserve = memx_store_reserve(si_mem_available() * 3 / 4);
	KUNIT_EXPECT_EQ(test, memx_store_room(), 0ULL);
	err = memx_session_create(&client_a, 1, 1, 30000, &s);
	memx_store_reserve(reserve);
	KUNIT_EXPECT_EQ(test, err, -ENOSPC);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
	KUNIT_EXPECT_GT(test, memx_store_room(), 0ULL);
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 1, 30000, &s), 0);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(s->id, &client_a), 0);
}

/* The biggest sessions are asked to move first, and only as many as cover what is needed. */
static void memx_store_sheds_biggest_first(struct kunit *test)
{
	struct memx_session *a1, *a2, *b;
	u64 total;

	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 2 * MEMX_CHUNK_PAGES, 30000, &a1),
			0);
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 3, 1, 30000, &a2), 0);
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_b, 2, 3 * MEMX_CHUNK_PAGES, 30000, &b),
			0);
	KUNIT_EXPECT_EQ(test, memx_store_shed_held(), 0ULL);
	KUNIT_EXPECT_EQ(test, memx_store_shed(1), 3ULL * MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, memx_store_shed_held(), 3ULL * MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(b->shed));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(a1->shed));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(a2->shed));
	/* Already asked for: nobody more. */
	KUNIT_EXPECT_EQ(test, memx_store_shed(3 * MEMX_CHUNK_PAGES), 0ULL);
	KUNIT_EXPECT_EQ(test, memx_store_shed(4 * MEMX_CHUNK_PAGES), 2ULL * MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(a1->shed));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(a2->shed));
	KUNIT_EXPECT_EQ(test, memx_store_shed(100 * MEMX_CHUNK_PAGES), (u64)MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(a2->shed));
	KUNIT_EXPECT_EQ(test, memx_store_shed(100 * MEMX_CHUNK_PAGES), 0ULL);
	KUNIT_EXPECT_EQ(test, memx_store_shed_held(), 6ULL * MEMX_CHUNK_PAGES);
	/* Nothing was dropped for it; a session asked to move grows no more. */
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 6ULL * MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, memx_session_grow(a2->id, &client_a, 1, &total), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, memx_store_shed(0), 0ULL);
	KUNIT_EXPECT_EQ(test, memx_store_shed_held(), 0ULL);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(a1->shed));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(b->shed));
	KUNIT_EXPECT_EQ(test, memx_session_grow(a2->id, &client_a, 1, &total), 0);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(a1->id, &client_a), 0);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(a2->id, &client_a), 0);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(b->id, &client_b), 0);
}

/* The rule: a fair share when clients compete for the last memory, and a cap. */
static void memx_store_share_rule(struct kunit *test)
{
	/* Alone, a client takes what there is. */
	KUNIT_EXPECT_TRUE(test, memx_share_ok(700, 300, 300, 1000, 1, 0));
	/* Two: beyond 500 only while 500 stay for the other. */
	KUNIT_EXPECT_TRUE(test, memx_share_ok(0, 100, 1000, 1000, 2, 0));
	KUNIT_EXPECT_TRUE(test, memx_share_ok(400, 100, 600, 1000, 2, 0));
	KUNIT_EXPECT_TRUE(test, memx_share_ok(500, 100, 600, 1000, 2, 0));
	KUNIT_EXPECT_FALSE(test, memx_share_ok(500, 100, 500, 1000, 2, 0));
	KUNIT_EXPECT_TRUE(test, memx_share_ok(300, 200, 200, 1000, 2, 0));
	KUNIT_EXPECT_FALSE(test, memx_share_ok(300, 201, 201, 1000, 2, 0));
	/* The cap binds even alone. */
	KUNIT_EXPECT_FALSE(test, memx_share_ok(0, 300, 1000, 1000, 1, 200));
	KUNIT_EXPECT_TRUE(test, memx_share_ok(100, 100, 1000, 1000, 1, 200));
	/* More asked than there is: the room check's, not this rule's. */
	KUNIT_EXPECT_TRUE(test, memx_share_ok(0, 2000, 1000, 1000, 3, 0));
}

/* Two clients competing for the last of the store: each keeps its share. */
static void memx_store_fair_share(struct kunit *test)
{
	struct memx_session *a, *b;
	u64 total;

	/* 8 chunks: a takes 4, b 3; with 1 left, a (at its share) may not take it. */
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_a, 1, 4 * MEMX_CHUNK_PAGES, 30000, &a),
			0);
	KUNIT_ASSERT_EQ(test, memx_session_create(&client_b, 2, 3 * MEMX_CHUNK_PAGES, 30000, &b),
			0);
	KUNIT_EXPECT_EQ(test, memx_session_grow(a->id, &client_a, 1, &total), -ENOSPC);
	KUNIT_EXPECT_EQ(test, memx_session_grow(b->id, &client_b, 1, &total), 0);
	KUNIT_EXPECT_EQ(test, total, 4ULL * MEMX_CHUNK_PAGES);
	/* b gone, a is alone: it takes what is left. */
	KUNIT_EXPECT_EQ(test, memx_session_destroy(b->id, &client_b), 0);
	KUNIT_EXPECT_EQ(test, memx_session_grow(a->id, &client_a, 4 * MEMX_CHUNK_PAGES, &total),
			0);
	/* A cap binds a client even alone. */
	KUNIT_EXPECT_EQ(test, memx_session_destroy(a->id, &client_a), 0);
	memx_store_client_max(2 * MEMX_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, memx_session_create(&client_a, 1, 3 * MEMX_CHUNK_PAGES, 30000, &a),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, memx_session_create(&client_a, 1, 2 * MEMX_CHUNK_PAGES, 30000, &a),
			0);
	memx_store_client_max(0);
	KUNIT_EXPECT_EQ(test, memx_session_destroy(a->id, &client_a), 0);
	KUNIT_EXPECT_EQ(test, memx_store_granted(), 0ULL);
}

static struct kunit_case memx_store_cases[] = {
	KUNIT_CASE(memx_store_empty_at_start),
	KUNIT_CASE(memx_store_whole_chunks),
	KUNIT_CASE(memx_store_capacity_bound),
	KUNIT_CASE(memx_store_release),
	KUNIT_CASE(memx_store_release_then_leave),
	KUNIT_CASE(memx_store_pages),
	KUNIT_CASE(memx_store_own_client_only),
	KUNIT_CASE(memx_store_rejoin_replaces),
	KUNIT_CASE(memx_store_tenants_apart),
	KUNIT_CASE(memx_store_lease),
	KUNIT_CASE(memx_store_write_order),
	KUNIT_CASE(memx_store_page_range),
	KUNIT_CASE(memx_store_leave_refuses),
	KUNIT_CASE(memx_store_evicts),
	KUNIT_CASE(memx_store_keeps_reserve),
	KUNIT_CASE(memx_store_sheds_biggest_first),
	KUNIT_CASE(memx_store_rebind),
	KUNIT_CASE(memx_store_share_rule),
	KUNIT_CASE(memx_store_fair_share),
	{}
};

static struct kunit_suite memx_store_suite = {
	.name = "memx_store",
	.test_cases = memx_store_cases,
};

kunit_test_suite(memx_store_suite);

MODULE_DESCRIPTION("KUnit tests for memx_server's store");
MODULE_LICENSE("GPL");
