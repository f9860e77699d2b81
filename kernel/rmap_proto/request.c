// SPDX-License-Identifier: GPL-2.0
/*
 * Requests to a peer: sequence numbers, the window of requests in flight,
 * matching answers, retransmission on an adaptive timeout, and the
 * deadline after which a request fails and a silent peer is declared dead.
 *
 * Every request comes back to its owner exactly once, through done(),
 * outside the peer's lock: answered, refused by the peer, timed out, or
 * failed because the peer died or left.
 */
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/random.h>
#include <memx/compat.h>

#include "rmap_proto.h"
#include "trace.h"

static enum hrtimer_restart rmap_request_timer(struct hrtimer *t);

void rmap_request_init_peer(struct rmap_peer *peer)
{
	INIT_LIST_HEAD(&peer->queue);
	/*
	 * Round trips on a LAN are tens of microseconds to a few ms, below
	 * a jiffy: a timer wheel would resend up to a tick early or late.
	 * Soft mode: the handler runs in softirq context, like the receive
	 * path it shares the peer's lock with.
	 */
	hrtimer_init(&peer->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	peer->timer.function = rmap_request_timer;
	/*
	 * Back off no further than lets a request be tried RMAP_MIN_TRIES
	 * times before its deadline: a peer is declared dead only after
	 * that many losses in a row, not after a few unlucky ones.
	 */
	rmap_rtt_init(&peer->rtt, RMAP_INITIAL_RTO_US, RMAP_MIN_RTO_US,
		      min(RMAP_MAX_RTO_US, rmap_dead_ms * (USEC_PER_MSEC / RMAP_MIN_TRIES)));
	rmap_window_init(&peer->win, RMAP_INITIAL_WINDOW, RMAP_MAX_WINDOW_PAGES);
	peer->next_seq = get_random_u32();
	peer->win_hold_until = jiffies;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_request_init_peer);

static bool rmap_req_sends_data(const struct rmap_req *req)
{
	return req->type == RMAP_WRITE || req->type == RMAP_PING;
}

static bool rmap_req_gets_data(const struct rmap_req *req)
{
	return req->type == RMAP_READ || req->type == RMAP_PING;
}

/* Is @type, with @status, an answer to @req? */
static bool rmap_answer_type_fits(const struct rmap_req *req, u8 type, u8 status)
{
	switch (req->type) {
	case RMAP_PING:
		return type == RMAP_PONG;
	case RMAP_READ:
		return type == RMAP_READ_RESP || (type == RMAP_ACK && status != RMAP_OK);
	default:
		return type == RMAP_ACK;
	}
}

/*
 * Is @h an answer to @req? Matched on everything the request fixed: its
 * sequence number and type, its session (but for a JOIN that opens one:
 * the answer names the new session), and, for pages and pings, the
 * request's fields, which the answer echoes (a page's offset and size).
 */
static bool rmap_answers(const struct rmap_req *req, const struct rmap_hdr *h)
{
	if (be32_to_cpu(h->seq) != req->seq || !rmap_answer_type_fits(req, h->type, h->status))
		return false;
	if (be32_to_cpu(h->session) != req->session && (req->type != RMAP_JOIN || req->session))
		return false;
	switch (req->type) {
	case RMAP_PING:
	case RMAP_READ:
	case RMAP_WRITE:
	case RMAP_DISCARD:
		return !memcmp(&h->page, &req->body, sizeof(h->page));
	default:
		return true;
	}
}

static unsigned long rmap_rto_jiffies(struct rmap_peer *peer)
{
	return max(usecs_to_jiffies(rmap_rtt_rto(&peer->rtt)), 1UL);
}

static bool rmap_due(ktime_t now, ktime_t when)
{
	return ktime_compare(now, when) >= 0;
}

/*
 * Round trips grow with a request's size: its frames are cut, sent, taken
 * and answered one by one. The estimator keeps the round trip of a page;
 * a request of N pages is given the time of 1 + (N - 1) / 8 of them (32
 * pages: about 5; no longer than the longest backoff), and its answer is
 * sampled back to a page's. Without this, a window of large requests
 * after small ones was all resent, the answers merely slow (spurious
 * retransmissions), and answered twice.
 */
static u64 rmap_req_scale(const struct rmap_peer *peer, const struct rmap_req *req, u64 us)
{
	/* Still tried as often before the deadline as a page (RMAP_MIN_TRIES). */
	return max(us, min_t(u64, div_u64(us * (7 + req->cost), 8), peer->rtt.max_rto));
}

static u32 rmap_req_unscale(const struct rmap_req *req, u32 us)
{
	return div_u64((u64)us * 8, 7 + req->cost);
}

/* (Re)send a request. Peer lock held: the request cannot complete meanwhile. */
static void rmap_req_xmit(struct rmap_peer *peer, struct rmap_req *req)
{
	unsigned int len = rmap_req_sends_data(req) ? req->len : 0;
	struct rmap_hdr h;

	rmap_hdr_init(&h, req->type, req->session, req->seq);
	memcpy(&h.page, &req->body, sizeof(req->body));
	if (req->tries > 1)
		h.flags |= RMAP_F_RETRANSMIT;
	req->sent = ktime_get();
	req->expires = ktime_add_us(req->sent,
				    rmap_req_scale(peer, req, rmap_rtt_rto(&peer->rtt)));
	if (req->tries > 1)
		trace_rmap_retransmit(peer, req);
	else
		trace_rmap_send(peer, req);
	rmap_peer_send(peer, &h, req->pages, req->page_off, NULL, len);
}

/*
 * Arm the timer for the earliest retransmission or deadline. A timer
 * already set earlier is left alone: it finds nothing due and comes
 * here again, which is cheaper than reprogramming it on every answer.
 * Lock held.
 */
static void rmap_arm(struct rmap_peer *peer)
{
	ktime_t next = KTIME_MAX;
	int i;

	if (peer->unhashed)
		return;
	for (i = 0; i < RMAP_MAX_WINDOW; i++) {
		struct rmap_req *req = peer->inflight[i];

		if (!req)
			continue;
		next = min(next, min(req->expires, req->deadline));
	}
	if (next == KTIME_MAX)
		return;
	if (hrtimer_is_queued(&peer->timer) &&
	    ktime_compare(hrtimer_get_softexpires(&peer->timer), next) <= 0)
		return;
	hrtimer_start_range_ns(&peer->timer, next, RMAP_TIMER_SLACK_NS, HRTIMER_MODE_ABS_SOFT);
}

/* What a request counts in the window: its pages, or one without data. */
static unsigned int rmap_req_cost(const struct rmap_req *req)
{
	return max(1U, DIV_ROUND_UP(req->len, PAGE_SIZE));
}

/*
 * Move queued requests into the window and send them. One request is
 * always let through when none is in flight, whatever the window. Lock
 * held.
 */
static void rmap_pump(struct rmap_peer *peer)
{
	while (!list_empty(&peer->queue)) {
		unsigned int slot = peer->next_seq % RMAP_MAX_WINDOW;
		struct rmap_req *req;

		req = list_first_entry(&peer->queue, struct rmap_req, list);
		if (peer->nr_inflight &&
		    peer->inflight_pages + rmap_req_cost(req) > peer->win.cwnd)
			break;
		/* A request retried for long still holds this sequence's slot. */
		if (peer->inflight[slot])
			break;
		list_del(&req->list);
		req->cost = rmap_req_cost(req);
		req->seq = peer->next_seq++;
		req->tries = 1;
		/* Time in the queue is the window's, not the peer's: count from here. */
		req->deadline = ktime_add_ms(ktime_get(), rmap_dead_ms);
		if (rmap_req_gets_data(req))
			rmap_reasm_start(&req->reasm, req->len,
					 jiffies + msecs_to_jiffies(rmap_dead_ms));
		peer->inflight[slot] = req;
		peer->nr_inflight++;
		peer->inflight_pages += req->cost;
		rmap_req_xmit(peer, req);
	}
	rmap_arm(peer);
}

/* Take a request out of the window, to be completed by the caller. */
static void rmap_req_finish(struct rmap_peer *peer, struct rmap_req *req, int status,
			    struct list_head *done)
{
	peer->inflight[req->seq % RMAP_MAX_WINDOW] = NULL;
	peer->nr_inflight--;
	peer->inflight_pages -= req->cost;
	req->status = status;
	list_add_tail(&req->list, done);
}

/* Hand finished requests back to their owners. No lock held. */
static void rmap_complete(struct rmap_peer *peer, struct list_head *done)
{
	struct rmap_req *req, *tmp;

	list_for_each_entry_safe(req, tmp, done, list) {
		list_del_init(&req->list);
		req->done(req);
		rmap_peer_put(peer);
	}
}

/*
 * Whether @len bytes at @off in @pages are what a message carries: a
 * piece of one page, or whole pages from a page boundary.
 */
static bool rmap_data_fits(struct page **pages, unsigned int off, unsigned int len)
{
	return !len || (pages && rmap_data_shape_ok(off, len));
}

/**
 * rmap_submit() - send a request to a peer
 * @peer: the peer, from rmap_peer_get_by_mac() or a peer event
 * @req: the request, owned by the caller; fields up to @priv set
 *
 * Never sleeps and never allocates: the request waits for room in the
 * peer's window if need be. Once this returns 0, @req->done() runs exactly
 * once: within rmap_proto's dead time (module parameter dead_ms) plus one
 * retransmission timeout of being sent, and a request waits to be sent
 * only behind others that are bound the same way.
 *
 * Return: 0, -EINVAL for a malformed request, or -EHOSTDOWN when the peer
 * is dead or gone (done() is then not called).
 */
int rmap_submit(struct rmap_peer *peer, struct rmap_req *req)
{
	LIST_HEAD(done);

	switch (req->type) {
	case RMAP_PING:
	case RMAP_READ:
	case RMAP_WRITE:
	case RMAP_DISCARD:
	case RMAP_JOIN:
	case RMAP_LEAVE:
		break;
	default:
		return -EINVAL;
	}
	if (!req->done || (req->type == RMAP_PING && req->len > PAGE_SIZE) ||
	    (req->type == RMAP_WRITE && !req->len))
		return -EINVAL;
	if (rmap_req_sends_data(req) && !rmap_data_fits(req->pages, req->page_off, req->len))
		return -EINVAL;
	if (rmap_req_gets_data(req) && !rmap_data_fits(req->resp_pages, req->resp_off, req->len))
		return -EINVAL;

	spin_lock_bh(&peer->lock);
	if (peer->dead || peer->unhashed) {
		spin_unlock_bh(&peer->lock);
		return -EHOSTDOWN;
	}
	refcount_inc(&peer->ref);
	req->peer = peer;
	req->status = 0;
	req->resp_status = RMAP_OK;
	req->rtt_us = 0;
	list_add_tail(&req->list, &peer->queue);
	peer->stat[RMAP_PEER_REQUESTS]++;
	rmap_pump(peer);
	spin_unlock_bh(&peer->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(rmap_submit);

/* Whether @req waits in @peer's queue. Lock held. */
static bool rmap_req_queued(struct rmap_peer *peer, const struct rmap_req *req)
{
	const struct rmap_req *q;

	list_for_each_entry(q, &peer->queue, list) {
		if (q == req)
			return true;
	}
	return false;
}

/**
 * rmap_cancel() - take back a submitted request that has not completed
 * @req: a request rmap_submit() took
 *
 * For a caller whose own bound on the wait ran out. The caller holds a
 * reference to the peer it submitted to (the request's own reference goes
 * with done()). Never sleeps.
 *
 * Return: true when the request was taken back (done() will not run, and
 * the request is the caller's again), false when done() has run or is
 * about to (the caller waits for it).
 */
bool rmap_cancel(struct rmap_req *req)
{
	struct rmap_peer *peer = req->peer;
	bool taken = false;
	unsigned int slot;

	spin_lock_bh(&peer->lock);
	slot = req->seq % RMAP_MAX_WINDOW;
	if (peer->inflight[slot] == req) {
		peer->inflight[slot] = NULL;
		peer->nr_inflight--;
		peer->inflight_pages -= req->cost;
		taken = true;
		rmap_pump(peer);
	} else if (rmap_req_queued(peer, req)) {
		list_del_init(&req->list);
		taken = true;
	}
	spin_unlock_bh(&peer->lock);
	if (taken)
		rmap_peer_put(peer);
	return taken;
}
EXPORT_SYMBOL_GPL(rmap_cancel);

/**
 * rmap_request_rx() - an answer arrived from a peer
 * @peer: who sent it (receive path, under RCU)
 * @h: its validated header
 * @d: where its frag_len payload bytes lie
 *
 * Stale, duplicate and unmatched answers are counted and dropped.
 */
void rmap_request_rx(struct rmap_peer *peer, const struct rmap_hdr *h,
		     const struct rmap_frag_data *d)
{
	u32 seq = be32_to_cpu(h->seq);
	struct rmap_req *req;
	LIST_HEAD(done);

	spin_lock_bh(&peer->lock);
	req = peer->inflight[seq % RMAP_MAX_WINDOW];
	if (!req || !rmap_answers(req, h)) {
		peer->drop[RMAP_DROP_DUP]++;
		goto unlock;
	}
	if (h->total_len) {
		enum rmap_reasm_result res;

		if (be32_to_cpu(h->total_len) != req->len) {
			peer->drop[RMAP_DROP_LENGTH]++;
			goto unlock;
		}
		res = rmap_reasm_add(&req->reasm, h);
		if (res == RMAP_REASM_DUP)
			peer->drop[RMAP_DROP_DUP]++;
		else if (res == RMAP_REASM_CONFLICT)
			peer->drop[RMAP_DROP_CONFLICT]++;
		if (res != RMAP_REASM_MORE && res != RMAP_REASM_DONE)
			goto unlock;
		/* Straight into the requester's pages, under the lock that keeps them. */
		rmap_frag_to_pages(req->resp_pages, req->resp_off, be32_to_cpu(h->frag_offset),
				   d, be16_to_cpu(h->frag_len));
		if (res != RMAP_REASM_DONE)
			goto unlock;
	} else if (rmap_req_gets_data(req) && h->status == RMAP_OK && req->len) {
		/* An answer that should carry the data but does not. */
		peer->drop[RMAP_DROP_LENGTH]++;
		goto unlock;
	}

	peer->last_answer = jiffies;
	req->resp = *h;
	req->resp_status = h->status;
	req->rtt_us = ktime_us_delta(ktime_get(), req->sent);
	trace_rmap_answer(peer, req);
	/* Karn: the answer to a resend may belong to an earlier send. */
	if (req->tries == 1)
		rmap_rtt_sample(&peer->rtt, rmap_req_unscale(req, req->rtt_us));
	/*
	 * Answers echo RMAP_F_RETRANSMIT: this one answers the first send,
	 * so the resend was spurious (a slow answer, not a loss). Counted:
	 * giving the window back on it was measured to queue more at the
	 * server and slow swap down, so the halving stands.
	 */
	if (req->tries > 1 && !(h->flags & RMAP_F_RETRANSMIT))
		peer->stat[RMAP_PEER_SPURIOUS]++;
	rmap_window_ack(&peer->win, req->cost);
	peer->stat[RMAP_PEER_ANSWERED]++;
	rmap_req_finish(peer, req, h->status ? -EREMOTEIO : 0, &done);
	rmap_pump(peer);
unlock:
	spin_unlock_bh(&peer->lock);
	rmap_complete(peer, &done);
}

/* Fail everything queued or in flight. Lock held. */
static void rmap_fail_locked(struct rmap_peer *peer, int status, struct list_head *done)
{
	struct rmap_req *req, *tmp;
	int i;

	for (i = 0; i < RMAP_MAX_WINDOW; i++) {
		if (peer->inflight[i])
			rmap_req_finish(peer, peer->inflight[i], status, done);
	}
	list_for_each_entry_safe(req, tmp, &peer->queue, list) {
		list_del(&req->list);
		req->status = status;
		list_add_tail(&req->list, done);
	}
}

static enum hrtimer_restart rmap_request_timer(struct hrtimer *t)
{
	struct rmap_peer *peer = container_of(t, struct rmap_peer, timer);
	unsigned long dead = msecs_to_jiffies(rmap_dead_ms);
	ktime_t now = ktime_get();
	struct rmap_server_info info;
	bool backed_off = false, dead_server = false;
	LIST_HEAD(done);
	int i;

	spin_lock_bh(&peer->lock);
	for (i = 0; i < RMAP_MAX_WINDOW; i++) {
		struct rmap_req *req = peer->inflight[i];

		if (!req)
			continue;
		if (rmap_due(now, req->deadline)) {
			peer->stat[RMAP_PEER_TIMEOUTS]++;
			if (time_after_eq(jiffies, peer->last_answer + dead)) {
				/*
				 * No answer for the whole dead time: it is gone,
				 * even if it still advertises (a black hole).
				 */
				peer->dead = true;
				dead_server = peer->server;
				rmap_peer_server_info(peer, &info);
				trace_rmap_peer_dead(peer);
				pr_warn("peer %pM (%s) is dead: no answer for %u ms (%u tries)\n",
					peer->mac, rmap_tenant_name(peer->tenant), rmap_dead_ms,
					req->tries);
				rmap_fail_locked(peer, -EHOSTDOWN, &done);
				break;
			}
			rmap_req_finish(peer, req, -ETIMEDOUT, &done);
			continue;
		}
		if (rmap_due(now, req->expires)) {
			/*
			 * One loss event per timer run: back off once. Shrink
			 * the window at most once per round trip, since the
			 * requests of one window are lost together.
			 */
			if (!backed_off) {
				rmap_rtt_timeout(&peer->rtt);
				if (time_after_eq(jiffies, peer->win_hold_until)) {
					rmap_window_loss(&peer->win);
					peer->win_hold_until = jiffies + rmap_rto_jiffies(peer);
				}
				backed_off = true;
			}
			req->tries++;
			peer->stat[RMAP_PEER_RETRANSMITS]++;
			rmap_req_xmit(peer, req);
		}
	}
	rmap_pump(peer);
	spin_unlock_bh(&peer->lock);
	if (dead_server)
		rmap_server_notify(RMAP_SERVER_DEAD, &info);
	rmap_complete(peer, &done);
	return HRTIMER_NORESTART;
}

/**
 * rmap_request_fail_all() - fail every request to a peer that is leaving
 * @peer: the peer, already out of the table, its timer stopped
 * @status: what the requests complete with
 */
void rmap_request_fail_all(struct rmap_peer *peer, int status)
{
	LIST_HEAD(done);

	spin_lock_bh(&peer->lock);
	rmap_fail_locked(peer, status, &done);
	spin_unlock_bh(&peer->lock);
	rmap_complete(peer, &done);
}
