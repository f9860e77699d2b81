// SPDX-License-Identifier: GPL-2.0
/*
 * Requests from a peer, answered from the receive path. A request in
 * several fragments is rebuilt in one of a few preallocated slots per
 * peer first; the slot then remembers it was answered, so that late
 * copies of its fragments are not answered again. Pings are answered
 * here; requests for memory go to the server layer once one is attached.
 */
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/mm.h>

#include "rmap_proto.h"

int rmap_respond_init_peer(struct rmap_peer *peer)
{
	int i;

	for (i = 0; i < RMAP_RX_SLOTS; i++) {
		peer->slots[i].page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!peer->slots[i].page)
			return -ENOMEM;
	}
	return 0;
}

void rmap_respond_free_peer(struct rmap_peer *peer)
{
	int i;

	for (i = 0; i < RMAP_RX_SLOTS; i++) {
		if (peer->slots[i].page)
			__free_page(peer->slots[i].page);
	}
}

/*
 * The slot for a fragment of request @h: the one rebuilding it; else a
 * free slot, an answered one, or the one started longest ago (a peer's
 * slots are its own: a peer that floods them only slows itself down).
 * NULL when @h is a late copy of a request already answered; a resend
 * (RMAP_F_RETRANSMIT) of one is rebuilt and answered again, since the
 * answer may be what was lost. Peer lock held.
 */
static struct rmap_rx_slot *rmap_slot_get(struct rmap_peer *peer, const struct rmap_hdr *h)
{
	struct rmap_rx_slot *pick = NULL;
	u32 seq = be32_to_cpu(h->seq);
	int i;

	for (i = 0; i < RMAP_RX_SLOTS; i++) {
		struct rmap_rx_slot *s = &peer->slots[i];

		if (s->state != RMAP_SLOT_FREE && s->seq == seq && s->type == h->type) {
			if (s->state == RMAP_SLOT_BUSY)
				return s;
			if (!(h->flags & RMAP_F_RETRANSMIT))
				return NULL;
			pick = s;
			break;
		}
		if (!pick || s->state < pick->state ||
		    (s->state == pick->state && time_before(s->started, pick->started)))
			pick = s;
	}
	pick->state = RMAP_SLOT_BUSY;
	pick->seq = seq;
	pick->type = h->type;
	pick->started = jiffies;
	rmap_reasm_start(&pick->reasm, page_address(pick->page), be16_to_cpu(h->total_len),
			 jiffies + msecs_to_jiffies(rmap_dead_ms));
	return pick;
}

static void rmap_answer_ping(struct rmap_peer *peer, const struct rmap_hdr *req,
			     const void *payload, unsigned int len)
{
	struct rmap_hdr h;

	rmap_hdr_init(&h, RMAP_PONG, be32_to_cpu(req->session), be32_to_cpu(req->seq));
	h.ping = req->ping;
	rmap_peer_send(peer, &h, NULL, 0, payload, len);
}

/**
 * rmap_respond_rx() - a request arrived from a peer
 * @peer: who sent it (receive path, under RCU)
 * @h: its validated header
 * @payload: its frag_len payload bytes
 */
void rmap_respond_rx(struct rmap_peer *peer, const struct rmap_hdr *h, const void *payload)
{
	struct rmap_rx_slot *slot;
	const void *msg = payload;

	if (h->type != RMAP_PING) {
		/* No server layer is attached yet. */
		rmap_stat_add(RMAP_STAT_RX_UNCLAIMED, 1);
		return;
	}

	spin_lock_bh(&peer->lock);
	if (h->frag_count > 1) {
		enum rmap_reasm_result res;

		slot = rmap_slot_get(peer, h);
		if (!slot) {
			peer->drop[RMAP_DROP_DUP]++;
			goto unlock;
		}
		res = rmap_reasm_add(&slot->reasm, h, payload);
		if (res == RMAP_REASM_DUP)
			peer->drop[RMAP_DROP_DUP]++;
		if (res == RMAP_REASM_CONFLICT) {
			peer->drop[RMAP_DROP_CONFLICT]++;
			slot->state = RMAP_SLOT_FREE;
		}
		if (res != RMAP_REASM_DONE)
			goto unlock;
		slot->state = RMAP_SLOT_DONE;
		msg = page_address(slot->page);
	}
	rmap_answer_ping(peer, h, msg, be16_to_cpu(h->total_len));
unlock:
	spin_unlock_bh(&peer->lock);
}
