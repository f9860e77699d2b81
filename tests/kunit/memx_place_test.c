// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: memx_client's choice of server for a new extent. A device places
 * extents one after another while servers' adverts follow what it took:
 * extents spread in proportion to free memory, a loaded server's room
 * counts for less, a full server is passed over, so is one that is
 * leaving, and a server heard through two NICs (two peers, one id) is
 * one server whose share both NICs carry. Copies placed before a server
 * came move to it until the device is balanced, and no further. A slot
 * of a session that is over is taken again only once nothing uses it.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>

#include "../../kernel/memx_client/memx_client.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define NR_PEERS	4

struct place_fixture {
	struct memx_dev dev;
	struct rmap_server_info srv[NR_PEERS];
	struct memx_session sess[NR_PEERS];
	int n;
};

/* A peer MAC 02:00:00:00:00:<i + 1>, of server @id, lending @extents. */
static void add_peer(struct place_fixture *f, u32 id, u64 extents, u32 load)
{
	struct rmap_server_info *srv = &f->srv[f->n];

	eth_zero_addr(srv->mac);
	srv->mac[0] = 0x02;
	srv->mac[5] = f->n + 1;
	srv->id = id;
	srv->capacity_pages = extents * MEMX_EXTENT_PAGES;
	srv->free_pages = srv->capacity_pages;
	srv->load = load;
	f->n++;
}

static struct place_fixture *fixture(struct kunit *test)
{
	struct place_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	INIT_LIST_HEAD(&f->dev.sessions);
	return f;
}

/*
 * Place one extent as memx_place_extent() would, then update what the
 * servers advertise: the picked peer's session grows by an extent, taken
 * from the free memory of its server (every peer with its id).
 */
static int place_one(struct kunit *test, struct place_fixture *f)
{
	const struct rmap_server_info *pick = memx_pick_server(&f->dev, f->srv, f->n);
	struct memx_session *s;
	int i, p;

	if (!pick)
		return -1;
	p = pick - f->srv;
	KUNIT_ASSERT_TRUE(test, p >= 0 && p < f->n);
	s = &f->sess[p];
	if (!s->slot) {
		s->slot = p + 1;
		ether_addr_copy(s->mac, pick->mac);
		list_add_tail(&s->list, &f->dev.sessions);
	}
	s->pages += MEMX_EXTENT_PAGES;
	s->next += MEMX_EXTENT_PAGES;
	atomic64_add(MEMX_EXTENT_PAGES, &s->used);
	for (i = 0; i < f->n; i++) {
		if (f->srv[i].id == pick->id)
			f->srv[i].free_pages -= MEMX_EXTENT_PAGES;
	}
	return p;
}

/* Extents placed on peer @p. */
static u64 placed(struct place_fixture *f, int p)
{
	return div_u64(atomic64_read(&f->sess[p].used), MEMX_EXTENT_PAGES);
}

static void place_many(struct kunit *test, struct place_fixture *f, int extents)
{
	int i;

	for (i = 0; i < extents; i++)
		KUNIT_ASSERT_GE(test, place_one(test, f), 0);
}

static void memx_place_by_free_memory(struct kunit *test)
{
	struct place_fixture *f = fixture(test);

	add_peer(f, 1, 200, 0);
	add_peer(f, 2, 100, 0);
	place_many(test, f, 90);
	/* Two to one, to within the extent in hand. */
	KUNIT_EXPECT_TRUE(test, placed(f, 0) >= 59 && placed(f, 0) <= 61);
	KUNIT_EXPECT_EQ(test, placed(f, 0) + placed(f, 1), 90ULL);
}

static void memx_place_load_counts(struct kunit *test)
{
	struct place_fixture *f = fixture(test);

	/* Equal memory, but the first is as busy as counts half its room. */
	add_peer(f, 1, 100, MEMX_LOAD_HALF);
	add_peer(f, 2, 100, 0);
	place_many(test, f, 60);
	KUNIT_EXPECT_TRUE(test, placed(f, 0) >= 19 && placed(f, 0) <= 21);
}

static void memx_place_full_server_skipped(struct kunit *test)
{
	struct place_fixture *f = fixture(test);

	add_peer(f, 1, 0, 0);
	add_peer(f, 2, 3, 0);
	place_many(test, f, 3);
	KUNIT_EXPECT_EQ(test, placed(f, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, placed(f, 1), 3ULL);
	/* Nobody has room left: no server, rather than an overcommit. */
	KUNIT_EXPECT_EQ(test, place_one(test, f), -1);
}

static void memx_place_leaving_server_skipped(struct kunit *test)
{
	struct place_fixture *f = fixture(test);

	add_peer(f, 1, 100, 0);
	add_peer(f, 2, 10, 0);
	add_peer(f, 3, 10, 0);
	place_many(test, f, 4);
	KUNIT_ASSERT_GT(test, placed(f, 0), 0ULL);
	/* Server 1's session there is told it is leaving: room or not, no more. */
	f->sess[0].pages += 10 * MEMX_EXTENT_PAGES;
	atomic_set(&f->sess[0].leaving, 1);
	/*
	 * Server 2 advertises it is leaving (no capacity) before our session
	 * there, with room it was granted, knows.
	 */
	KUNIT_ASSERT_EQ(test, placed(f, 1), 0ULL);
	f->sess[1].slot = 2;
	ether_addr_copy(f->sess[1].mac, f->srv[1].mac);
	f->sess[1].pages = 10 * MEMX_EXTENT_PAGES;
	list_add_tail(&f->sess[1].list, &f->dev.sessions);
	f->srv[1].capacity_pages = 0;
	f->srv[1].free_pages = 0;
	place_many(test, f, 10);
	KUNIT_EXPECT_EQ(test, placed(f, 2), 10ULL);
	KUNIT_EXPECT_EQ(test, place_one(test, f), -1);
}

static void memx_place_server_on_two_nics(struct kunit *test)
{
	struct place_fixture *f = fixture(test);

	/* Server 1 through two NICs, server 2 through one, lending alike. */
	add_peer(f, 1, 100, 0);
	add_peer(f, 1, 100, 0);
	add_peer(f, 2, 100, 0);
	place_many(test, f, 60);
	KUNIT_EXPECT_TRUE(test, placed(f, 2) >= 29 && placed(f, 2) <= 31);
	/* Its two NICs share server 1's half. */
	KUNIT_EXPECT_TRUE(test, placed(f, 0) >= 14 && placed(f, 0) <= 16);
	KUNIT_EXPECT_TRUE(test, placed(f, 1) >= 14 && placed(f, 1) <= 16);
}

/* Peer of server @id (one NIC each here). */
static int peer_of(struct place_fixture *f, u32 id)
{
	int i;

	for (i = 0; i < f->n && f->srv[i].id != id; i++)
		;
	return i;
}

/*
 * A server comes after the device placed its extents on the first: copies
 * move to it, as the repair work would move them, until the two hold
 * about alike for their room, and then no more (none moves back).
 */
static void memx_place_balance_after_newcomer(struct kunit *test)
{
	struct place_fixture *f = fixture(test);
	int moves = 0, hi, lo;
	u32 from, to = 0;

	add_peer(f, 1, 100, 0);
	place_many(test, f, 40);
	KUNIT_ASSERT_EQ(test, placed(f, 0), 40ULL);
	/* Alone, it is as balanced as can be. */
	KUNIT_EXPECT_EQ(test, memx_balance_pick(&f->dev, f->srv, f->n, &to), 0U);
	add_peer(f, 2, 100, 0);
	while ((from = memx_balance_pick(&f->dev, f->srv, f->n, &to)) && moves < 100) {
		KUNIT_ASSERT_EQ(test, from, 1U);
		KUNIT_ASSERT_EQ(test, to, 2U);
		hi = peer_of(f, from);
		lo = peer_of(f, to);
		/* The copy goes where placement puts the next extent... */
		KUNIT_ASSERT_EQ(test, place_one(test, f), lo);
		/* ...and the old one is given back to its server. */
		atomic64_sub(MEMX_EXTENT_PAGES, &f->sess[hi].used);
		f->srv[hi].free_pages += MEMX_EXTENT_PAGES;
		moves++;
	}
	KUNIT_EXPECT_TRUE(test, placed(f, 0) >= 20 && placed(f, 0) <= 23);
	KUNIT_EXPECT_EQ(test, placed(f, 0) + placed(f, 1), 40ULL);
	KUNIT_EXPECT_EQ(test, moves, (int)placed(f, 1));
	/* Balanced now: nothing moves, either way. */
	KUNIT_EXPECT_EQ(test, memx_balance_pick(&f->dev, f->srv, f->n, &to), 0U);
}

/*
 * Every slot taken: a session's slot is taken again only once it is over
 * (lost or left), holds no extent, no request uses it and no renewal of
 * it is in flight; the slot comes back claimed against renewals, and is
 * handed out once.
 */
static void memx_place_slot_taken_again(struct kunit *test)
{
	struct memx_dev *dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	struct memx_session *s;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->session_store = kunit_kcalloc(test, MEMX_MAX_SESSIONS, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev->session_store);
	INIT_LIST_HEAD(&dev->sessions);
	mutex_init(&dev->map_lock);
	for (i = 0; i < MEMX_MAX_SESSIONS; i++) {
		s = &dev->session_store[i];
		s->slot = i + 1;
		s->dev = dev;
		init_llist_head(&s->parked);
		atomic64_set(&s->used, MEMX_EXTENT_PAGES);
		list_add_tail(&s->list, &dev->sessions);
	}
	dev->nr_sessions = MEMX_MAX_SESSIONS;
	s = &dev->session_store[40];

	mutex_lock(&dev->map_lock);
	/* All serve: none is free. */
	KUNIT_EXPECT_NULL(test, memx_session_reclaim(dev));
	/* One serves, holding nothing now (its extents given back): still its. */
	atomic64_set(&dev->session_store[10].used, 0);
	KUNIT_EXPECT_NULL(test, memx_session_reclaim(dev));
	/* Over, but extents still name it (one copy, lost with it). */
	atomic_set(&s->lost, 1);
	KUNIT_EXPECT_NULL(test, memx_session_reclaim(dev));
	/* Holding nothing, but a request still uses it. */
	atomic64_set(&s->used, 0);
	atomic_set(&s->inflight, 1);
	KUNIT_EXPECT_NULL(test, memx_session_reclaim(dev));
	atomic_set(&s->inflight, 0);
	/* Its renewal's answer still to come. */
	atomic_set(&s->renewing, 1);
	KUNIT_EXPECT_NULL(test, memx_session_reclaim(dev));
	atomic_set(&s->renewing, 0);
	/* Free at last: its slot, claimed against renewals. */
	KUNIT_EXPECT_PTR_EQ(test, memx_session_reclaim(dev), s);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->renewing), 1);
	/* Claimed: not handed out twice. */
	KUNIT_EXPECT_NULL(test, memx_session_reclaim(dev));
	mutex_unlock(&dev->map_lock);
}

static void memx_place_no_servers(struct kunit *test)
{
	struct place_fixture *f = fixture(test);

	KUNIT_EXPECT_NULL(test, memx_pick_server(&f->dev, f->srv, 0));
}

/* A label becomes a file name under /dev/disk/by-id: only a safe one is taken. */
static void memx_place_label_checked(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, memx_label_ok("web1"));
	KUNIT_EXPECT_TRUE(test, memx_label_ok("swap_a-2.b"));
	KUNIT_EXPECT_TRUE(test, memx_label_ok("abcdefghijklmnopqrstuvwxyz012345"));
	KUNIT_EXPECT_FALSE(test, memx_label_ok(""));
	KUNIT_EXPECT_FALSE(test, memx_label_ok("abcdefghijklmnopqrstuvwxyz0123456"));
	KUNIT_EXPECT_FALSE(test, memx_label_ok("."));
	KUNIT_EXPECT_FALSE(test, memx_label_ok(".."));
	KUNIT_EXPECT_FALSE(test, memx_label_ok("../x"));
	KUNIT_EXPECT_FALSE(test, memx_label_ok("a/b"));
	KUNIT_EXPECT_FALSE(test, memx_label_ok("a b"));
	KUNIT_EXPECT_FALSE(test, memx_label_ok("a\nb"));
	KUNIT_EXPECT_FALSE(test, memx_label_ok("caf\xc3\xa9"));
	/* A disk's name: `memxctl remove memx1` must mean memx1. */
	KUNIT_EXPECT_FALSE(test, memx_label_ok("memx1"));
	KUNIT_EXPECT_FALSE(test, memx_label_ok("memx15"));
	KUNIT_EXPECT_TRUE(test, memx_label_ok("memx"));
	KUNIT_EXPECT_TRUE(test, memx_label_ok("memx1a"));
	/* A Latin-1 letter, which udev would turn into '_'. */
	KUNIT_EXPECT_FALSE(test, memx_label_ok("caf\xe9"));
}

static struct kunit_case memx_place_cases[] = {
	KUNIT_CASE(memx_place_by_free_memory),
	KUNIT_CASE(memx_place_load_counts),
	KUNIT_CASE(memx_place_full_server_skipped),
	KUNIT_CASE(memx_place_leaving_server_skipped),
	KUNIT_CASE(memx_place_server_on_two_nics),
	KUNIT_CASE(memx_place_no_servers),
	KUNIT_CASE(memx_place_balance_after_newcomer),
	KUNIT_CASE(memx_place_slot_taken_again),
	KUNIT_CASE(memx_place_label_checked),
	{}
};

static struct kunit_suite memx_place_suite = {
	.name = "memx_place",
	.test_cases = memx_place_cases,
};

kunit_test_suite(memx_place_suite);

MODULE_DESCRIPTION("KUnit tests for memx_client's extent placement");
MODULE_LICENSE("GPL");
