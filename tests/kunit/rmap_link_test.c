// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the per-peer reliability state of RMAP: RTT estimate and
 * retransmission timeout with backoff, the AIMD window, sequence number
 * comparison across the wrap, when a silent peer ages out (a server
 * after the misses of its advertised interval), when a peer heard on
 * another interface is reached there, taking back a request its owner
 * stopped waiting for, and a window that counts pages.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../../kernel/rmap_proto/rmap_proto.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define MIN_RTO	200
#define MAX_RTO	2000000

static void rmap_link_rtt_first_sample(struct kunit *test)
{
	struct rmap_rtt r;

	rmap_rtt_init(&r, 500000, MIN_RTO, MAX_RTO);
	KUNIT_EXPECT_EQ(test, rmap_rtt_rto(&r), 500000U);
	KUNIT_EXPECT_EQ(test, rmap_rtt_srtt(&r), 0U);
	rmap_rtt_sample(&r, 1000);
	/* srtt = R, rttvar = R / 2, rto = srtt + 4 * rttvar = 3R */
	KUNIT_EXPECT_EQ(test, rmap_rtt_srtt(&r), 1000U);
	KUNIT_EXPECT_EQ(test, rmap_rtt_rto(&r), 3000U);
}

static void rmap_link_rtt_converges(struct kunit *test)
{
	struct rmap_rtt r;
	int i;

	rmap_rtt_init(&r, 500000, MIN_RTO, MAX_RTO);
	for (i = 0; i < 200; i++)
		rmap_rtt_sample(&r, 1000);
	KUNIT_EXPECT_EQ(test, rmap_rtt_srtt(&r), 1000U);
	/* No variance left: the timeout stays at twice the round trip. */
	KUNIT_EXPECT_EQ(test, rmap_rtt_rto(&r), 2000U);

	/* A jump in delay raises the timeout above the new RTT at once. */
	rmap_rtt_sample(&r, 5000);
	KUNIT_EXPECT_GT(test, rmap_rtt_rto(&r), 5000U);
	KUNIT_EXPECT_LT(test, rmap_rtt_srtt(&r), 5000U);
	for (i = 0; i < 200; i++)
		rmap_rtt_sample(&r, 5000);
	KUNIT_EXPECT_EQ(test, rmap_rtt_srtt(&r), 5000U);

	/* Alternating samples keep a variance term in the timeout. */
	for (i = 0; i < 200; i++)
		rmap_rtt_sample(&r, i & 1 ? 2000 : 4000);
	KUNIT_EXPECT_GE(test, rmap_rtt_rto(&r), rmap_rtt_srtt(&r) + 3000);
}

static void rmap_link_rtt_bounds(struct kunit *test)
{
	struct rmap_rtt r;

	rmap_rtt_init(&r, 1, MIN_RTO, MAX_RTO);
	KUNIT_EXPECT_EQ(test, rmap_rtt_rto(&r), (u32)MIN_RTO);
	rmap_rtt_sample(&r, 10);
	KUNIT_EXPECT_EQ(test, rmap_rtt_rto(&r), (u32)MIN_RTO);
	rmap_rtt_sample(&r, U32_MAX);
	KUNIT_EXPECT_EQ(test, rmap_rtt_rto(&r), (u32)MAX_RTO);
	KUNIT_EXPECT_LE(test, rmap_rtt_srtt(&r), (u32)MAX_RTO);
}

static void rmap_link_rtt_backoff(struct kunit *test)
{
	struct rmap_rtt r;
	int i;

	rmap_rtt_init(&r, 500000, MIN_RTO, MAX_RTO);
	rmap_rtt_sample(&r, 1000);
	rmap_rtt_timeout(&r);
	KUNIT_EXPECT_EQ(test, rmap_rtt_rto(&r), 6000U);
	rmap_rtt_timeout(&r);
	KUNIT_EXPECT_EQ(test, rmap_rtt_rto(&r), 12000U);
	for (i = 0; i < 100; i++)
		rmap_rtt_timeout(&r);
	KUNIT_EXPECT_EQ(test, rmap_rtt_rto(&r), (u32)MAX_RTO);
	/* An answer to a fresh request ends the backoff. */
	rmap_rtt_sample(&r, 1000);
	KUNIT_EXPECT_LT(test, rmap_rtt_rto(&r), 6000U);
}

static void rmap_link_window(struct kunit *test)
{
	struct rmap_window w;
	int i;

	rmap_window_init(&w, 0, 0);
	KUNIT_EXPECT_EQ(test, w.cwnd, 1);
	KUNIT_EXPECT_EQ(test, w.max, 1);
	rmap_window_init(&w, 100, 32);
	KUNIT_EXPECT_EQ(test, w.cwnd, 32);

	/* Additive increase: one more per window's worth of answers. */
	rmap_window_init(&w, 4, 32);
	for (i = 0; i < 3; i++)
		rmap_window_ack(&w, 1);
	KUNIT_EXPECT_EQ(test, w.cwnd, 4);
	rmap_window_ack(&w, 1);
	KUNIT_EXPECT_EQ(test, w.cwnd, 5);
	for (i = 0; i < 5; i++)
		rmap_window_ack(&w, 1);
	KUNIT_EXPECT_EQ(test, w.cwnd, 6);
	for (i = 0; i < 10000; i++)
		rmap_window_ack(&w, 1);
	KUNIT_EXPECT_EQ(test, w.cwnd, 32);

	/* Multiplicative decrease, never to zero. */
	rmap_window_loss(&w);
	KUNIT_EXPECT_EQ(test, w.cwnd, 16);
	for (i = 0; i < 10; i++)
		rmap_window_loss(&w);
	KUNIT_EXPECT_EQ(test, w.cwnd, 1);
	rmap_window_ack(&w, 1);
	KUNIT_EXPECT_EQ(test, w.cwnd, 2);

	/* The peer shrinks its advertised window. */
	rmap_window_init(&w, 32, 32);
	rmap_window_set_max(&w, 8);
	KUNIT_EXPECT_EQ(test, w.cwnd, 8);
	for (i = 0; i < 100; i++)
		rmap_window_ack(&w, 1);
	KUNIT_EXPECT_EQ(test, w.cwnd, 8);

	/*
	 * The window counts pages: an answer to a request of 32 counts as
	 * 32 of one, and grows the window as much.
	 */
	rmap_window_init(&w, 32, 256);
	rmap_window_ack(&w, 31);
	KUNIT_EXPECT_EQ(test, w.cwnd, 32);
	rmap_window_ack(&w, 32);
	KUNIT_EXPECT_EQ(test, w.cwnd, 33);
	KUNIT_EXPECT_EQ(test, w.acked, 31);
	for (i = 0; i < 10000; i++)
		rmap_window_ack(&w, 32);
	KUNIT_EXPECT_EQ(test, w.cwnd, 256);
	/* A small window under large answers grows one per answer, no faster. */
	rmap_window_init(&w, 1, 256);
	rmap_window_ack(&w, 32);
	KUNIT_EXPECT_EQ(test, w.cwnd, 2);
}

static void rmap_link_seq_wrap(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, rmap_seq_before(1, 2));
	KUNIT_EXPECT_FALSE(test, rmap_seq_before(2, 1));
	KUNIT_EXPECT_FALSE(test, rmap_seq_before(7, 7));
	KUNIT_EXPECT_TRUE(test, rmap_seq_before(0xfffffff0U, 5));
	KUNIT_EXPECT_FALSE(test, rmap_seq_before(5, 0xfffffff0U));
	KUNIT_EXPECT_TRUE(test, rmap_seq_before(U32_MAX, 0));
	KUNIT_EXPECT_TRUE(test, rmap_seq_before(0x7fffffffU, 0x80000000U));
}

static void rmap_link_peer_ageing(struct kunit *test)
{
	struct rmap_peer *peer = kunit_kzalloc(test, sizeof(*peer), GFP_KERNEL);
	struct rmap_req req = {};

	KUNIT_ASSERT_NOT_NULL(test, peer);
	INIT_LIST_HEAD(&peer->queue);
	peer->last_rx = 1000;
	KUNIT_EXPECT_FALSE(test, rmap_peer_expired(peer, 1000, 350));
	KUNIT_EXPECT_FALSE(test, rmap_peer_expired(peer, 1350, 350));
	KUNIT_EXPECT_TRUE(test, rmap_peer_expired(peer, 1351, 350));

	/* Requests waiting on a peer keep it in the table. */
	peer->nr_inflight = 1;
	KUNIT_EXPECT_FALSE(test, rmap_peer_expired(peer, 100000, 350));
	peer->nr_inflight = 0;
	list_add(&req.list, &peer->queue);
	KUNIT_EXPECT_FALSE(test, rmap_peer_expired(peer, 100000, 350));
	list_del(&req.list);
	KUNIT_EXPECT_TRUE(test, rmap_peer_expired(peer, 100000, 350));

	/* Across the jiffies wrap. */
	peer->last_rx = ULONG_MAX - 100;
	KUNIT_EXPECT_FALSE(test, rmap_peer_expired(peer, 200, 350));
	KUNIT_EXPECT_TRUE(test, rmap_peer_expired(peer, 300, 350));
}

static void rmap_link_cancel(struct kunit *test)
{
	struct rmap_peer *peer = kunit_kzalloc(test, sizeof(*peer), GFP_KERNEL);
	struct {
		struct rmap_req flying, queued, finished, other;
	} *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	LIST_HEAD(due);

	KUNIT_ASSERT_NOT_NULL(test, peer);
	KUNIT_ASSERT_NOT_NULL(test, q);
	spin_lock_init(&peer->lock);
	INIT_LIST_HEAD(&peer->queue);
	refcount_set(&peer->ref, 4);

	/* In flight: out of the window, the reference rmap_submit() took dropped. */
	q->flying.peer = peer;
	q->flying.seq = 5;
	q->flying.cost = 32;
	peer->inflight[5] = &q->flying;
	peer->nr_inflight = 1;
	peer->inflight_pages = 32;
	KUNIT_EXPECT_TRUE(test, rmap_cancel(&q->flying));
	KUNIT_EXPECT_NULL(test, peer->inflight[5]);
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 0U);
	KUNIT_EXPECT_EQ(test, peer->inflight_pages, 0U);
	KUNIT_EXPECT_EQ(test, refcount_read(&peer->ref), 3U);

	/*
	 * Queued, the slot of the sequence it had when last sent now
	 * another's: only the queued one leaves.
	 */
	q->other.peer = peer;
	q->other.seq = 5 + RMAP_MAX_WINDOW;
	peer->inflight[5] = &q->other;
	peer->nr_inflight = 1;
	q->queued.peer = peer;
	q->queued.seq = 5;
	list_add_tail(&q->queued.list, &peer->queue);
	KUNIT_EXPECT_TRUE(test, rmap_cancel(&q->queued));
	KUNIT_EXPECT_TRUE(test, list_empty(&peer->queue));
	KUNIT_EXPECT_PTR_EQ(test, peer->inflight[5], &q->other);
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 1U);
	KUNIT_EXPECT_EQ(test, refcount_read(&peer->ref), 2U);

	/*
	 * Finished, on the list of requests whose done() is due (walked
	 * without the peer's lock): not the peer's to give back, and left
	 * where it is.
	 */
	q->finished.peer = peer;
	q->finished.seq = 6;
	list_add_tail(&q->finished.list, &due);
	KUNIT_EXPECT_FALSE(test, rmap_cancel(&q->finished));
	KUNIT_EXPECT_PTR_EQ(test, due.next, &q->finished.list);
	KUNIT_EXPECT_PTR_EQ(test, q->finished.list.next, &due);
	KUNIT_EXPECT_EQ(test, refcount_read(&peer->ref), 2U);

	KUNIT_EXPECT_TRUE(test, rmap_cancel(&q->other));
	KUNIT_EXPECT_FALSE(test, rmap_cancel(&q->other));
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 0U);
	KUNIT_EXPECT_EQ(test, refcount_read(&peer->ref), 1U);
}

/*
 * A server that advertises seldom and has answered us is given
 * RMAP_ADV_MISSES of its intervals, within a bound.
 */
static void rmap_link_server_interval(struct kunit *test)
{
	struct rmap_peer *peer = kunit_kzalloc(test, sizeof(*peer), GFP_KERNEL);
	unsigned long three = msecs_to_jiffies(3 * 2000);
	unsigned long most = msecs_to_jiffies(RMAP_MAX_SILENCE_MS);

	KUNIT_ASSERT_NOT_NULL(test, peer);
	INIT_LIST_HEAD(&peer->queue);
	peer->last_rx = 1000;
	peer->adv_interval_ms = 2000;
	/* A node's advertised interval means nothing. */
	KUNIT_EXPECT_TRUE(test, rmap_peer_expired(peer, 1351, 350));
	/* Nor a server's that never answered: a forged advertisement. */
	peer->server = true;
	KUNIT_EXPECT_TRUE(test, rmap_peer_expired(peer, 1351, 350));
	peer->stat[RMAP_PEER_ANSWERED] = 1;
	KUNIT_EXPECT_FALSE(test, rmap_peer_expired(peer, 1351, 350));
	KUNIT_EXPECT_FALSE(test, rmap_peer_expired(peer, 1000 + three, 350));
	KUNIT_EXPECT_TRUE(test, rmap_peer_expired(peer, 1001 + three, 350));
	/* The table's own timeout when it is longer. */
	KUNIT_EXPECT_FALSE(test, rmap_peer_expired(peer, 1001 + three, three + 10));
	/* Whatever it says, never past the bound. */
	peer->adv_interval_ms = U16_MAX;
	KUNIT_EXPECT_FALSE(test, rmap_peer_expired(peer, 1000 + most, 350));
	KUNIT_EXPECT_TRUE(test, rmap_peer_expired(peer, 1001 + most, 350));
}

/* A peer heard on another interface moves there only when its own is gone or down. */
static void rmap_link_peer_moves(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, rmap_peer_next_ifindex(2, true, 3), 2);
	KUNIT_EXPECT_EQ(test, rmap_peer_next_ifindex(2, false, 3), 3);
	KUNIT_EXPECT_EQ(test, rmap_peer_next_ifindex(2, true, 2), 2);
}

static void rmap_link_test_done(struct rmap_req *req)
{
}

/*
 * The window counts pages: a request of 32 waits while 32 are in
 * flight, requests keep their order, and one goes whatever its size
 * when none is in flight, so that a window halved below a request's
 * size never stalls it. (Sent to a peer with no interface: the frames
 * are counted as transmit errors, the window is all that is looked at.)
 */
static void rmap_link_window_pages(struct kunit *test)
{
	struct rmap_peer *peer = kunit_kzalloc(test, sizeof(*peer), GFP_KERNEL);
	static struct page *none[32];
	struct rmap_req *r = kunit_kcalloc(test, 4, sizeof(*r), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, peer);
	KUNIT_ASSERT_NOT_NULL(test, r);
	spin_lock_init(&peer->lock);
	rmap_request_init_peer(peer);
	refcount_set(&peer->ref, 100);
	KUNIT_EXPECT_EQ(test, peer->win.cwnd, 32);
	for (i = 0; i < 4; i++) {
		r[i].type = RMAP_WRITE;
		r[i].pages = none;
		r[i].len = i == 2 ? PAGE_SIZE : 32 * PAGE_SIZE;
		r[i].done = rmap_link_test_done;
	}
	r[3].len = 33 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, rmap_submit(peer, &r[3]), -EINVAL);
	r[3].len = 32 * PAGE_SIZE + 512;
	KUNIT_EXPECT_EQ(test, rmap_submit(peer, &r[3]), -EINVAL);
	r[3].len = 0;
	KUNIT_EXPECT_EQ(test, rmap_submit(peer, &r[3]), -EINVAL);

	KUNIT_EXPECT_EQ(test, rmap_submit(peer, &r[0]), 0);
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 1U);
	KUNIT_EXPECT_EQ(test, peer->inflight_pages, 32U);
	KUNIT_EXPECT_EQ(test, r[0].cost, 32);
	/* Full: the next waits, and the small one behind it too. */
	KUNIT_EXPECT_EQ(test, rmap_submit(peer, &r[1]), 0);
	KUNIT_EXPECT_EQ(test, rmap_submit(peer, &r[2]), 0);
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 1U);
	/* The first taken back: the second goes, the small one still waits. */
	KUNIT_EXPECT_TRUE(test, rmap_cancel(&r[0]));
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 1U);
	KUNIT_EXPECT_EQ(test, peer->inflight_pages, 32U);
	/* A window shrunk below a request's size: alone in flight, it still goes. */
	peer->win.cwnd = 4;
	KUNIT_EXPECT_TRUE(test, rmap_cancel(&r[1]));
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 1U);
	KUNIT_EXPECT_EQ(test, peer->inflight_pages, 1U);
	r[0].len = 32 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, rmap_submit(peer, &r[0]), 0);
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 1U);
	KUNIT_EXPECT_TRUE(test, rmap_cancel(&r[2]));
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 1U);
	KUNIT_EXPECT_EQ(test, peer->inflight_pages, 32U);
	KUNIT_EXPECT_TRUE(test, rmap_cancel(&r[0]));
	KUNIT_EXPECT_EQ(test, peer->nr_inflight, 0U);
	KUNIT_EXPECT_EQ(test, peer->inflight_pages, 0U);
	/* Four sends, and resends should the timer have run meanwhile. */
	KUNIT_EXPECT_GE(test, peer->stat[RMAP_PEER_TX_ERRORS], 4ULL);
	hrtimer_cancel(&peer->timer);
}

static struct kunit_case rmap_link_cases[] = {
	KUNIT_CASE(rmap_link_rtt_first_sample),
	KUNIT_CASE(rmap_link_rtt_converges),
	KUNIT_CASE(rmap_link_rtt_bounds),
	KUNIT_CASE(rmap_link_rtt_backoff),
	KUNIT_CASE(rmap_link_window),
	KUNIT_CASE(rmap_link_seq_wrap),
	KUNIT_CASE(rmap_link_peer_ageing),
	KUNIT_CASE(rmap_link_server_interval),
	KUNIT_CASE(rmap_link_peer_moves),
	KUNIT_CASE(rmap_link_cancel),
	KUNIT_CASE(rmap_link_window_pages),
	{}
};

static struct kunit_suite rmap_link_suite = {
	.name = "rmap_link",
	.test_cases = rmap_link_cases,
};

kunit_test_suite(rmap_link_suite);

MODULE_DESCRIPTION("KUnit tests for RMAP RTT estimation, window and sequence numbers");
MODULE_LICENSE("GPL");
