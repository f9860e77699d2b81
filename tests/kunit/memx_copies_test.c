// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: memx_client's copies of an extent. A copy that missed a write
 * is left behind, but never the extent's last one (two writes failing
 * crosswise on two copies must not leave the extent with none, reading
 * as zeroes); a word that no longer names the copy (replaced, or given
 * back by a discard) is left alone, and the write did not fail. While an extent is copied its
 * writes are held back, and they go again once the copy is done.
 */
#include <kunit/test.h>
#include <linux/blkdev.h>

#include "../../kernel/memx_client/memx_client.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* A device of one extent, with two sessions holding a copy each. */
struct copies_fixture {
	struct memx_dev dev;
	struct gendisk disk;
	struct memx_extent extent;
	struct memx_session sessions[2];
	unsigned long where[2];
};

static struct copies_fixture *fixture(struct kunit *test)
{
	struct copies_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	strscpy(f->disk.disk_name, "memxtest", sizeof(f->disk.disk_name));
	f->dev.disk = &f->disk;
	f->dev.replicas = 2;
	f->dev.nr_extents = 1;
	f->dev.extents = &f->extent;
	f->dev.session_store = f->sessions;
	spin_lock_init(&f->dev.copies_lock);
	spin_lock_init(&f->dev.wait_lock);
	INIT_LIST_HEAD(&f->dev.waiting);
	/* No repair work to kick: the device is going, as far as it knows. */
	f->dev.stopping = true;
	for (i = 0; i < 2; i++) {
		f->sessions[i].slot = i + 1;
		f->sessions[i].dev = &f->dev;
		atomic64_set(&f->sessions[i].used, MEMX_EXTENT_PAGES);
		/* Extent 3 of session i + 1. */
		f->where[i] = 3UL << MEMX_SLOT_BITS | (i + 1);
		f->extent.where[i] = f->where[i];
	}
	atomic_set(&f->extent.state, MEMX_EXT_PLACED);
	return f;
}

static void memx_copies_where_names_session(struct kunit *test)
{
	struct copies_fixture *f = fixture(test);

	KUNIT_EXPECT_PTR_EQ(test, memx_where_session(&f->dev, f->where[1]), &f->sessions[1]);
	/* Page 5 of the extent is page 3 * 256 + 5 of the session. */
	KUNIT_EXPECT_EQ(test, memx_where_page(f->where[0], 5), 3ULL * MEMX_EXTENT_PAGES + 5);
}

static void memx_copies_last_copy_kept(struct kunit *test)
{
	struct copies_fixture *f = fixture(test);

	/* Copy 0 missed a write copy 1 took: it goes. */
	KUNIT_EXPECT_TRUE(test, memx_extent_drop(&f->dev, 0, 0, f->where[0]));
	KUNIT_EXPECT_EQ(test, f->extent.where[0], 0UL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->sessions[0].used), 0LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->dev.stat[MEMX_DEV_REPLICAS_DROPPED]), 1LL);
	/* Copy 1 then missed another write copy 0 took: it is the last, and stays. */
	KUNIT_EXPECT_FALSE(test, memx_extent_drop(&f->dev, 0, 1, f->where[1]));
	KUNIT_EXPECT_EQ(test, f->extent.where[1], f->where[1]);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->sessions[1].used), (s64)MEMX_EXTENT_PAGES);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->dev.stat[MEMX_DEV_REPLICAS_DROPPED]), 1LL);
}

static void memx_copies_stale_word_left_alone(struct kunit *test)
{
	struct copies_fixture *f = fixture(test);
	unsigned long made_again = 4UL << MEMX_SLOT_BITS | 1;

	/* The repair put a new copy in slot 0 after the write was sent. */
	f->extent.where[0] = made_again;
	KUNIT_EXPECT_TRUE(test, memx_extent_drop(&f->dev, 0, 0, f->where[0]));
	KUNIT_EXPECT_EQ(test, f->extent.where[0], made_again);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->sessions[0].used), (s64)MEMX_EXTENT_PAGES);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->dev.stat[MEMX_DEV_REPLICAS_DROPPED]), 0LL);
	/* A whole-extent discard gave both back: a copy that missed it is no failure. */
	f->extent.where[0] = 0;
	f->extent.where[1] = 0;
	KUNIT_EXPECT_TRUE(test, memx_extent_drop(&f->dev, 0, 1, f->where[1]));
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->sessions[1].used), (s64)MEMX_EXTENT_PAGES);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->dev.stat[MEMX_DEV_REPLICAS_DROPPED]), 0LL);
}

static void memx_copies_writes_held_while_copying(struct kunit *test)
{
	struct copies_fixture *f = fixture(test);

	KUNIT_ASSERT_TRUE(test, memx_extent_hold(&f->dev, 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&f->extent.state) & MEMX_EXT_WRITERS, 1);
	memx_extent_unhold(&f->dev, 0);
	/* No write in flight: the freeze is immediate. */
	KUNIT_EXPECT_TRUE(test, memx_extent_freeze(&f->extent));
	KUNIT_EXPECT_FALSE(test, memx_extent_hold(&f->dev, 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&f->extent.state) & MEMX_EXT_WRITERS, 0);
	memx_extent_thaw(&f->dev, &f->extent);
	KUNIT_EXPECT_TRUE(test, memx_extent_hold(&f->dev, 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&f->extent.state),
			(int)(MEMX_EXT_PLACED | 1));
	memx_extent_unhold(&f->dev, 0);
}

static struct kunit_case memx_copies_cases[] = {
	KUNIT_CASE(memx_copies_where_names_session),
	KUNIT_CASE(memx_copies_last_copy_kept),
	KUNIT_CASE(memx_copies_stale_word_left_alone),
	KUNIT_CASE(memx_copies_writes_held_while_copying),
	{}
};

static struct kunit_suite memx_copies_suite = {
	.name = "memx_copies",
	.test_cases = memx_copies_cases,
};

kunit_test_suite(memx_copies_suite);

MODULE_DESCRIPTION("KUnit tests for memx_client's copies of extents");
MODULE_LICENSE("GPL");
