// SPDX-License-Identifier: GPL-2.0
/*
 * Requests from a peer, answered from the receive path. A request in
 * several fragments is tracked in one of a few preallocated slots per
 * peer: a WRITE's data goes to the server fragment by fragment, straight
 * where it belongs (the server marks a page whose data is not all in
 * yet); a PING's is rebuilt in the slot's page. The slot then
 * remembers it was answered, so that late copies of its fragments are not
 * answered again. Pings are answered here; requests for memory go to the
 * server attached with rmap_serve().
 */
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>

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
 * The slot for a fragment of request @h: the one rebuilding it, or the
 * one that answered it; else a free slot, an answered one, or the one
 * started longest ago (a peer's slots are its own: a peer that floods
 * them only slows itself down). Peer lock held.
 */
static struct rmap_rx_slot *rmap_slot_get(struct rmap_peer *peer, const struct rmap_hdr *h)
{
	struct rmap_rx_slot *pick = NULL;
	u32 seq = be32_to_cpu(h->seq);
	int i;

	for (i = 0; i < RMAP_RX_SLOTS; i++) {
		struct rmap_rx_slot *s = &peer->slots[i];

		if (s->state != RMAP_SLOT_FREE && s->seq == seq && s->type == h->type)
			return s;
		if (!pick || s->state < pick->state ||
		    (s->state == pick->state && time_before(s->started, pick->started)))
			pick = s;
	}
	pick->state = RMAP_SLOT_BUSY;
	pick->seq = seq;
	pick->type = h->type;
	pick->status = RMAP_OK;
	pick->started = jiffies;
	rmap_reasm_start(&pick->reasm, be32_to_cpu(h->total_len),
			 jiffies + msecs_to_jiffies(rmap_dead_ms));
	return pick;
}

/* The answer's type: a read's data, or an acknowledgment saying how it went. */
static u8 rmap_answer_type(const struct rmap_hdr *req, u8 status)
{
	if (req->type == RMAP_PING)
		return RMAP_PONG;
	if (req->type == RMAP_READ && status == RMAP_OK)
		return RMAP_READ_RESP;
	return RMAP_ACK;
}

/* Answer @req; peer lock held. */
static void rmap_answer(struct rmap_peer *peer, const struct rmap_hdr *req, u8 status,
			const void *body, struct page **pages, unsigned int off,
			const void *buf, unsigned int len)
{
	struct rmap_hdr h;

	rmap_hdr_init(&h, rmap_answer_type(req, status), be32_to_cpu(req->session),
		      be32_to_cpu(req->seq));
	h.status = status;
	/* Tell the requester which of its sends this answers. */
	h.flags = req->flags & RMAP_F_RETRANSMIT;
	memcpy(&h.page, body ? body : &req->page, sizeof(h.page));
	rmap_peer_send(peer, &h, pages, off, buf, status == RMAP_OK ? len : 0);
}

/**
 * rmap_reply() - answer a request from within the server's handler
 * @msg: the request, as the handler got it
 * @status: enum rmap_status
 * @body: the answer's 24 type-specific header bytes, or NULL to echo the request's
 * @pages: for a read answered RMAP_OK, the pages holding the data: a
 *	piece of one, or whole pages (sent without copying where the device
 *	allows; they must stay valid, which a reference taken per frame
 *	ensures); otherwise NULL
 * @off: offset of the data in @pages[0]
 * @len: bytes of data
 *
 * The answer's type follows from the request's and @status.
 */
void rmap_reply(const struct rmap_msg *msg, u8 status, const void *body,
		struct page **pages, unsigned int off, unsigned int len)
{
	rmap_answer(msg->peer, msg->hdr, status, body, pages, off, NULL, pages ? len : 0);
}
EXPORT_SYMBOL_GPL(rmap_reply);

/**
 * rmap_reply_later() - answer a request the handler deferred
 * @peer: the requester, a reference held (rmap_peer_hold())
 * @req: a copy of the request's header
 * @status: enum rmap_status
 * @body: the answer's 24 type-specific header bytes, or NULL to echo the request's
 *
 * For answers without data, from any context but the handler itself.
 */
void rmap_reply_later(struct rmap_peer *peer, const struct rmap_hdr *req, u8 status,
		      const void *body)
{
	spin_lock_bh(&peer->lock);
	rmap_answer(peer, req, status, body, NULL, 0, NULL, 0);
	spin_unlock_bh(&peer->lock);
}
EXPORT_SYMBOL_GPL(rmap_reply_later);

static const struct rmap_server_ops __rcu *rmap_server;

/* Whether a memory server is attached: requests other than pings have a taker. */
bool rmap_serving(void)
{
	return rcu_access_pointer(rmap_server);
}

/**
 * rmap_serve() - attach the memory server: it gets every request but pings
 * @ops: its handlers (struct rmap_server_ops)
 *
 * Return: 0, or -EBUSY when a server is attached already.
 */
int rmap_serve(const struct rmap_server_ops *ops)
{
	static DEFINE_MUTEX(attach);
	int err = 0;

	mutex_lock(&attach);
	if (rcu_access_pointer(rmap_server))
		err = -EBUSY;
	else
		rcu_assign_pointer(rmap_server, ops);
	mutex_unlock(&attach);
	return err;
}
EXPORT_SYMBOL_GPL(rmap_serve);

/**
 * rmap_serve_stop() - detach the server; its handler has returned for good
 */
void rmap_serve_stop(void)
{
	RCU_INIT_POINTER(rmap_server, NULL);
	synchronize_net();
}
EXPORT_SYMBOL_GPL(rmap_serve_stop);

/*
 * A WRITE's fragment with data not seen before, counted into @r (or the
 * whole message in one frame, @r NULL): the server puts it in place, told
 * whether the pages it touches now have all their data. Return: RMAP_OK,
 * or the status to answer with at once. Peer lock held.
 */
static u8 rmap_respond_write(struct rmap_peer *peer, const struct rmap_server_ops *server,
			     const struct rmap_hdr *h, const struct rmap_frag_data *d,
			     const struct rmap_reasm *r)
{
	unsigned int at = be32_to_cpu(h->frag_offset), len = be16_to_cpu(h->frag_len);
	unsigned int end = min_t(unsigned int, round_up(at + len, PAGE_SIZE),
				 be32_to_cpu(h->total_len));
	struct rmap_msg m = { .peer = peer, .hdr = h, .data = d };

	m.whole = !r || rmap_reasm_has(r, round_down(at, PAGE_SIZE), end);
	return server->place(&m);
}

/**
 * rmap_msg_copy() - copy bytes of a WRITE fragment's data, for rmap_server_ops.place
 * @msg: the fragment, as place() got it
 * @from: offset in the fragment's data
 * @to: destination
 * @len: bytes, with @from within the fragment's frag_len
 *
 * The data is read where it arrived: this is its only copy.
 */
void rmap_msg_copy(const struct rmap_msg *msg, unsigned int from, void *to, unsigned int len)
{
	rmap_frag_data_copy(msg->data, from, to, len);
}
EXPORT_SYMBOL_GPL(rmap_msg_copy);

/* Whether @h is its message's first or last fragment. */
static bool rmap_frag_is_end(const struct rmap_hdr *h)
{
	return !h->frag_index || be16_to_cpu(h->frag_index) + 1 == be16_to_cpu(h->frag_count);
}

/**
 * rmap_respond_rx() - a request arrived from a peer
 * @peer: who sent it (receive path, under RCU)
 * @h: its validated header
 * @d: where its frag_len payload bytes lie (a ping's: contiguous)
 */
void rmap_respond_rx(struct rmap_peer *peer, const struct rmap_hdr *h,
		     const struct rmap_frag_data *d)
{
	const struct rmap_server_ops *server = NULL;
	struct rmap_rx_slot *slot = NULL;
	const void *msg = d->flat;
	u8 status;

	if (h->type != RMAP_PING) {
		server = rcu_dereference(rmap_server);
		if (!server) {
			rmap_stat_add(RMAP_STAT_RX_UNCLAIMED, 1);
			return;
		}
	}
	spin_lock_bh(&peer->lock);
	/* A ping is echoed from one page. */
	if (h->type == RMAP_PING && be32_to_cpu(h->total_len) > PAGE_SIZE) {
		peer->drop[RMAP_DROP_LENGTH]++;
		goto unlock;
	}
	if (be16_to_cpu(h->frag_count) > 1) {
		enum rmap_reasm_result res;

		slot = rmap_slot_get(peer, h);
		if (slot->state == RMAP_SLOT_DONE) {
			peer->drop[RMAP_DROP_DUP]++;
			/*
			 * Answered: late copies are dropped. A resend means the
			 * answer was lost: answered again, as the first time,
			 * without taking the message again (a frame or two of
			 * each resend say so, not all of its fragments).
			 */
			if (!(h->flags & RMAP_F_RETRANSMIT) || !rmap_frag_is_end(h))
				goto unlock;
			if (slot->status != RMAP_OK) {
				rmap_answer(peer, h, slot->status, NULL, NULL, 0, NULL, 0);
				goto unlock;
			}
			msg = page_address(slot->page);
			goto whole;
		}
		res = rmap_reasm_add(&slot->reasm, h);
		if (res == RMAP_REASM_DUP)
			peer->drop[RMAP_DROP_DUP]++;
		if (res == RMAP_REASM_CONFLICT) {
			peer->drop[RMAP_DROP_CONFLICT]++;
			slot->state = RMAP_SLOT_FREE;
		}
		if (res != RMAP_REASM_MORE && res != RMAP_REASM_DONE)
			goto unlock;
		if (h->type == RMAP_PING)
			rmap_frag_to_pages(&slot->page, 0, be32_to_cpu(h->frag_offset), d,
					   be16_to_cpu(h->frag_len));
		if (h->type == RMAP_WRITE) {
			status = rmap_respond_write(peer, server, h, d, &slot->reasm);
			if (status != RMAP_OK) {
				/* Answered: the rest of its fragments are late copies. */
				slot->state = RMAP_SLOT_DONE;
				slot->status = status;
				rmap_answer(peer, h, status, NULL, NULL, 0, NULL, 0);
				goto unlock;
			}
		}
		if (res != RMAP_REASM_DONE)
			goto unlock;
		slot->state = RMAP_SLOT_DONE;
		msg = page_address(slot->page);
	} else if (h->type == RMAP_WRITE && h->total_len) {
		/* All its data in one frame. */
		status = rmap_respond_write(peer, server, h, d, NULL);
		if (status != RMAP_OK) {
			rmap_answer(peer, h, status, NULL, NULL, 0, NULL, 0);
			goto unlock;
		}
	}
whole:
	/* A WRITE asked again is served again: its session may be gone since. */
	if (server) {
		struct rmap_msg m = { .peer = peer, .hdr = h };

		server->serve(&m);
	} else {
		rmap_answer(peer, h, RMAP_OK, NULL, NULL, 0, msg, be32_to_cpu(h->total_len));
	}
unlock:
	spin_unlock_bh(&peer->lock);
}
