// SPDX-License-Identifier: GPL-2.0
/*
 * Per-peer reliability: a smoothed round-trip estimate that sets the
 * retransmission timeout (Jacobson/Karels, as TCP and aoe use it, with
 * bounds and exponential backoff), and an AIMD window of requests in
 * flight that grows while answers come and halves when one is lost.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <memx/compat.h>

#include "rmap_proto.h"

/**
 * rmap_rtt_init() - reset an RTT estimator
 * @r: estimator
 * @initial_rto: timeout to use before the first sample (us)
 * @min_rto: lower bound of any timeout (us)
 * @max_rto: upper bound of any timeout, backoff included (us)
 */
void rmap_rtt_init(struct rmap_rtt *r, u32 initial_rto, u32 min_rto, u32 max_rto)
{
	r->min_rto = min_rto;
	r->max_rto = max(max_rto, min_rto);
	r->srtt8 = 0;
	r->rttvar4 = clamp(initial_rto, r->min_rto, r->max_rto);
	r->backoff = 0;
	r->sampled = false;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_rtt_init);

/**
 * rmap_rtt_sample() - feed one measured round trip
 * @r: estimator
 * @rtt: the round trip of a request sent once (never a resend's) (us)
 *
 * A good sample also ends any backoff.
 */
void rmap_rtt_sample(struct rmap_rtt *r, u32 rtt)
{
	s32 err;

	rtt = min(rtt, r->max_rto);
	if (!r->sampled) {
		r->srtt8 = rtt << 3;
		r->rttvar4 = rtt << 1;	/* rttvar = rtt / 2 */
		r->sampled = true;
	} else {
		err = rtt - (r->srtt8 >> 3);
		r->srtt8 += err;			/* srtt += err / 8 */
		r->rttvar4 += abs(err) - (r->rttvar4 >> 2);	/* += (|err| - rttvar) / 4 */
	}
	r->backoff = 0;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_rtt_sample);

/**
 * rmap_rtt_timeout() - note that a request timed out: back off
 * @r: estimator
 */
void rmap_rtt_timeout(struct rmap_rtt *r)
{
	if (r->backoff < 16)
		r->backoff++;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_rtt_timeout);

/**
 * rmap_rtt_rto() - the retransmission timeout to use now
 * @r: estimator
 *
 * Steady round trips leave no variance, and srtt + 4 * rttvar falls to
 * srtt itself: every answer a little slower than the mean would then be
 * resent for nothing (measured: 1 request in 30 at queue depth 32, nearly
 * all of them spurious). So never less than twice the smoothed round trip.
 *
 * Return: max(srtt + 4 * rttvar, 2 * srtt), doubled per consecutive
 * timeout, within the bounds (us).
 */
u32 rmap_rtt_rto(const struct rmap_rtt *r)
{
	u64 srtt = r->srtt8 >> 3;
	u64 rto = max(srtt + r->rttvar4, 2 * srtt);

	rto = clamp_t(u64, rto, r->min_rto, r->max_rto);
	return min_t(u64, rto << r->backoff, r->max_rto);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_rtt_rto);

/**
 * rmap_rtt_srtt() - the smoothed round trip
 * @r: estimator
 *
 * Return: the estimate (us), 0 before the first sample.
 */
u32 rmap_rtt_srtt(const struct rmap_rtt *r)
{
	return r->srtt8 >> 3;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_rtt_srtt);

/**
 * rmap_window_init() - reset a window
 * @w: window
 * @initial: pages of requests allowed in flight at first
 * @max: never more than this (the peer's advertised window), at least 1
 */
void rmap_window_init(struct rmap_window *w, u16 initial, u16 max)
{
	w->max = max_t(u16, max, 1);
	w->cwnd = clamp_t(u16, initial, 1, w->max);
	w->acked = 0;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_window_init);

/**
 * rmap_window_set_max() - follow a change of the peer's advertised window
 * @w: window
 * @max: the new ceiling, at least 1
 */
void rmap_window_set_max(struct rmap_window *w, u16 max)
{
	w->max = max_t(u16, max, 1);
	w->cwnd = min(w->cwnd, w->max);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_window_set_max);

/**
 * rmap_window_ack() - a request was answered: grow by one per full window
 * @w: window
 * @pages: what the request counted in the window
 */
void rmap_window_ack(struct rmap_window *w, unsigned int pages)
{
	if (w->cwnd >= w->max)
		return;
	w->acked += pages;
	if (w->acked >= w->cwnd) {
		w->acked -= w->cwnd;
		w->cwnd++;
	}
}
EXPORT_SYMBOL_IF_KUNIT(rmap_window_ack);

/**
 * rmap_window_loss() - a request was lost: halve, never below one
 * @w: window
 */
void rmap_window_loss(struct rmap_window *w)
{
	w->cwnd = max(w->cwnd / 2, 1);
	w->acked = 0;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_window_loss);
