// SPDX-License-Identifier: GPL-2.0
/*
 * Requests from a peer, answered from the receive path. A request in
 * several fragments is rebuilt in one of a few preallocated slots per
 * peer first. Pings are answered here; requests for memory go to the
 * server layer once one is attached.
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
 * The slot rebuilding request @seq of @type: the one already at it, else a
 * free or expired one. Busy slots are never stolen: a flood of first
 * fragments cannot push out the requests being rebuilt. Lock held.
 */
static struct rmap_rx_slot *rmap_slot_get(struct rmap_peer *peer, const struct rmap_hdr *h)
{
	u32 seq = be32_to_cpu(h->seq);
	struct rmap_rx_slot *free = NULL;
	int i;

	for (i = 0; i < RMAP_RX_SLOTS; i++) {
		struct rmap_rx_slot *s = &peer->slots[i];

		if (s->busy && s->seq == seq && s->type == h->type)
			return s;
		if (s->busy && rmap_reasm_expired(&s->reasm, jiffies))
			s->busy = false;
		if (!s->busy && !free)
			free = s;
	}
	if (free) {
		free->busy = true;
		free->seq = seq;
		free->type = h->type;
		rmap_reasm_start(&free->reasm, page_address(free->page),
				 be16_to_cpu(h->total_len),
				 jiffies + msecs_to_jiffies(rmap_dead_ms));
	}
	return free;
}

static void rmap_answer_ping(struct rmap_peer *peer, const struct rmap_hdr *req,
			     const void *payload, unsigned int len)
{
	struct rmap_hdr h;
	int sent;

	rmap_hdr_init(&h, RMAP_PONG, be32_to_cpu(req->session), be32_to_cpu(req->seq));
	h.ping = req->ping;
	sent = rmap_send_to(peer->ifindex, peer->mac, &h, NULL, 0, payload, len);
	if (sent < 0) {
		peer->stat[RMAP_PEER_TX_ERRORS]++;
		return;
	}
	peer->stat[RMAP_PEER_TX_FRAMES] += sent;
	peer->stat[RMAP_PEER_TX_BYTES] += sent * RMAP_HDR_LEN + len;
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
			peer->drop[RMAP_DROP_DUP]++;	/* no room: the sender resends */
			goto unlock;
		}
		res = rmap_reasm_add(&slot->reasm, h, payload);
		if (res == RMAP_REASM_DUP)
			peer->drop[RMAP_DROP_DUP]++;
		if (res == RMAP_REASM_CONFLICT) {
			peer->drop[RMAP_DROP_CONFLICT]++;
			slot->busy = false;
		}
		if (res != RMAP_REASM_DONE)
			goto unlock;
		slot->busy = false;
		msg = page_address(slot->page);
	}
	rmap_answer_ping(peer, h, msg, be16_to_cpu(h->total_len));
unlock:
	spin_unlock_bh(&peer->lock);
}
