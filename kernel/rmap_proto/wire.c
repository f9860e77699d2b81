// SPDX-License-Identifier: GPL-2.0
/*
 * RMAP frame codec: build headers, seal them with a CRC32C, and validate
 * every frame that arrives before anything else looks at it.
 */
#include <linux/crc32c.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <memx/compat.h>

#include "rmap_proto.h"

const char *const rmap_drop_names[RMAP_DROP_NR] = {
	[RMAP_DROP_NONE] = "none",
	[RMAP_DROP_SHORT] = "short",
	[RMAP_DROP_VERSION] = "bad_version",
	[RMAP_DROP_LENGTH] = "bad_length",
	[RMAP_DROP_CRC] = "bad_crc",
	[RMAP_DROP_TYPE] = "bad_type",
	[RMAP_DROP_FRAG] = "bad_fragment",
	[RMAP_DROP_SESSION] = "unknown_session",
	[RMAP_DROP_DUP] = "duplicate",
	[RMAP_DROP_CONFLICT] = "conflict",
	[RMAP_DROP_NETNS] = "other_netns",
	[RMAP_DROP_NOT_UNICAST] = "not_unicast",
	[RMAP_DROP_OWN] = "own_address",
	[RMAP_DROP_KEY] = "unknown_key",
	[RMAP_DROP_AUTH] = "bad_tag",
	[RMAP_DROP_CLEAR] = "not_encrypted",
	[RMAP_DROP_REPLAY] = "replayed",
};
EXPORT_SYMBOL_IF_KUNIT(rmap_drop_names);

/**
 * rmap_hdr_init() - start a header for a one-fragment message
 * @h: header to fill
 * @type: message type
 * @session: session id (server id for advertisements, 0 before a session)
 * @seq: sequence number
 *
 * Every other field is zero: a message without payload in one fragment.
 */
void rmap_hdr_init(struct rmap_hdr *h, enum rmap_type type, u32 session, u32 seq)
{
	memset(h, 0, sizeof(*h));
	h->version = RMAP_VERSION;
	h->type = type;
	h->session = cpu_to_be32(session);
	h->seq = cpu_to_be32(seq);
	h->frag_count = cpu_to_be16(1);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_hdr_init);

/**
 * rmap_hdr_mtu() - the MTU a message says its sender takes
 * @h: a validated header
 *
 * Return: the mtu field of an ADVERTISE, a SOLICIT or a JOIN request
 * (RMAP_MIN_MTU or more once validated); 0 for the types that carry none.
 */
unsigned int rmap_hdr_mtu(const struct rmap_hdr *h)
{
	switch (h->type) {
	case RMAP_ADVERTISE:
		return be16_to_cpu(h->adv.mtu);
	case RMAP_SOLICIT:
		return be16_to_cpu(h->solicit.mtu);
	case RMAP_JOIN:
		return be16_to_cpu(h->join.mtu);
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(rmap_hdr_mtu);

/**
 * rmap_hdr_set_mtu() - say which MTU we take, in a message that carries it
 * @h: header of any type; only ADVERTISE, SOLICIT and JOIN change
 * @mtu: the MTU of the interface the message leaves from
 */
void rmap_hdr_set_mtu(struct rmap_hdr *h, unsigned int mtu)
{
	__be16 val = cpu_to_be16(min_t(unsigned int, mtu, U16_MAX));

	switch (h->type) {
	case RMAP_ADVERTISE:
		h->adv.mtu = val;
		break;
	case RMAP_SOLICIT:
		h->solicit.mtu = val;
		break;
	case RMAP_JOIN:
		h->join.mtu = val;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(rmap_hdr_set_mtu);

/**
 * rmap_type_has_payload() - whether messages of a type carry data
 * @type: message type
 *
 * Return: true for the types whose frames carry a payload.
 */
bool rmap_type_has_payload(unsigned int type)
{
	return type == RMAP_WRITE || type == RMAP_READ_RESP ||
	       type == RMAP_PING || type == RMAP_PONG;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_type_has_payload);

/**
 * rmap_frag_data_walk() - hand a frame's payload to @fn, piece by piece
 * @d: where the payload lies
 * @len: its bytes (the frame's frag_len, already checked against the frame)
 * @fn: called with each contiguous piece, in order
 * @ctx: @fn's
 */
void rmap_frag_data_walk(const struct rmap_frag_data *d, unsigned int len,
			 void (*fn)(void *ctx, const u8 *p, unsigned int n), void *ctx)
{
	struct skb_seq_state st;
	unsigned int i, n, done = 0;
	const u8 *p;

	if (!len)
		return;
	if (d->flat) {
		fn(ctx, d->flat, len);
		return;
	}
	if (d->piece) {
		for (i = 0; len && i < RMAP_FRAME_PAGES; i++) {
			n = min_t(unsigned int, len, PAGE_SIZE);
			fn(ctx, d->piece[i], n);
			len -= n;
		}
		return;
	}
	skb_prepare_seq_read(d->skb, RMAP_HDR_LEN, RMAP_HDR_LEN + len, &st);
	while ((n = skb_seq_read(done, &p, &st)) != 0) {
		fn(ctx, p, n);
		done += n;
	}
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frag_data_walk);

/**
 * rmap_frag_data_copy() - copy bytes of a received frame's payload
 * @d: where the payload lies (contiguous, or in its skb)
 * @from: offset in the payload
 * @to: destination
 * @len: bytes, within the frame's frag_len
 */
void rmap_frag_data_copy(const struct rmap_frag_data *d, unsigned int from, void *to,
			 unsigned int len)
{
	if (d->flat)
		memcpy(to, d->flat + from, len);
	else if (WARN_ON_ONCE(skb_copy_bits(d->skb, RMAP_HDR_LEN + from, to, len)))
		memset(to, 0, len);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frag_data_copy);

/* The CRC32C of a header with its crc field as zero, not yet complemented. */
static u32 rmap_hdr_crc(const struct rmap_hdr *h)
{
	static const __be32 zero;
	u32 crc;

	crc = crc32c(~0, h, offsetof(struct rmap_hdr, crc));
	crc = crc32c(crc, &zero, sizeof(zero));
	return crc32c(crc, &h->counter, RMAP_HDR_LEN - offsetof(struct rmap_hdr, counter));
}

static void rmap_crc_piece(void *ctx, const u8 *p, unsigned int n)
{
	u32 *crc = ctx;

	*crc = crc32c(*crc, p, n);
}

/**
 * rmap_frame_crc_data() - CRC32C of a header (crc field as zero) and its payload
 * @h: header; its frag_len says how much payload follows
 * @d: where the payload lies
 *
 * Return: the CRC to put in, or compare with, h->crc (host order).
 */
u32 rmap_frame_crc_data(const struct rmap_hdr *h, const struct rmap_frag_data *d)
{
	u32 crc = rmap_hdr_crc(h);

	rmap_frag_data_walk(d, be16_to_cpu(h->frag_len), rmap_crc_piece, &crc);
	return ~crc;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frame_crc_data);

/**
 * rmap_frame_crc() - rmap_frame_crc_data() of a contiguous payload
 * @h: header; its frag_len says how much payload follows
 * @payload: this frame's payload
 *
 * Return: the CRC to put in, or compare with, h->crc (host order).
 */
u32 rmap_frame_crc(const struct rmap_hdr *h, const void *payload)
{
	struct rmap_frag_data d = { .flat = payload };

	return rmap_frame_crc_data(h, &d);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frame_crc);

/**
 * rmap_frame_seal() - set a finished header's CRC
 * @h: header with every other field final
 * @payload: the frag_len payload bytes that follow it on the wire
 */
void rmap_frame_seal(struct rmap_hdr *h, const void *payload)
{
	h->crc = cpu_to_be32(rmap_frame_crc(h, payload));
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frame_seal);

/* The frame checks, with the CRC's or without it (@crc false). */
static enum rmap_drop rmap_frame_check_crc(const struct rmap_hdr *h, unsigned int len,
					   const struct rmap_frag_data *d, bool crc)
{
	unsigned int frag_len, frag_index, frag_count;
	u32 frag_offset, total_len;

	if (len < RMAP_HDR_LEN)
		return RMAP_DROP_SHORT;
	if (h->version != RMAP_VERSION)
		return RMAP_DROP_VERSION;
	frag_len = be16_to_cpu(h->frag_len);
	if (frag_len > len - RMAP_HDR_LEN || frag_len > RMAP_MAX_FRAME_PAYLOAD)
		return RMAP_DROP_LENGTH;
	if (crc && be32_to_cpu(h->crc) != rmap_frame_crc_data(h, d))
		return RMAP_DROP_CRC;
	if (!h->type || h->type > RMAP_TYPE_MAX || h->status > RMAP_STATUS_MAX ||
	    (h->flags & ~RMAP_F_ALL))
		return RMAP_DROP_TYPE;
	/* A node that takes less than RMAP_MIN_MTU cannot speak RMAP. */
	if (rmap_hdr_mtu(h) < RMAP_MIN_MTU &&
	    (h->type == RMAP_ADVERTISE || h->type == RMAP_SOLICIT || h->type == RMAP_JOIN))
		return RMAP_DROP_LENGTH;
	frag_index = be16_to_cpu(h->frag_index);
	frag_count = be16_to_cpu(h->frag_count);
	if (!frag_count || frag_count > RMAP_MAX_FRAGS || frag_index >= frag_count)
		return RMAP_DROP_FRAG;

	/* In this order, so that no sum of two wire fields can wrap. */
	frag_offset = be32_to_cpu(h->frag_offset);
	total_len = be32_to_cpu(h->total_len);
	if (total_len > RMAP_MAX_PAYLOAD || frag_offset > total_len ||
	    frag_len > total_len - frag_offset)
		return RMAP_DROP_LENGTH;
	if (total_len && !rmap_type_has_payload(h->type))
		return RMAP_DROP_LENGTH;
	/* Fragments start on a granule; only the last may end off one. */
	if (!IS_ALIGNED(frag_offset, RMAP_FRAG_ALIGN) ||
	    (!IS_ALIGNED(frag_len, RMAP_FRAG_ALIGN) && frag_offset + frag_len != total_len))
		return RMAP_DROP_FRAG;
	if (frag_count == 1 && frag_len != total_len)
		return RMAP_DROP_FRAG;
	/* A message without payload is one frame. */
	if (!total_len && frag_count != 1)
		return RMAP_DROP_FRAG;
	if (total_len && !frag_len)
		return RMAP_DROP_FRAG;
	return RMAP_DROP_NONE;
}

/**
 * rmap_frame_check_data() - validate a received frame
 * @h: its RMAP header
 * @len: bytes from the start of the header to the end of the frame
 *	(Ethernet padding included)
 * @d: where its payload lies
 *
 * Nothing in a frame is trusted before this returns RMAP_DROP_NONE: the
 * lengths are checked against the frame and the limits before the CRC is
 * computed over them, and the CRC before the fields it protects are used.
 *
 * Return: RMAP_DROP_NONE, or why the frame must be dropped.
 */
enum rmap_drop rmap_frame_check_data(const struct rmap_hdr *h, unsigned int len,
				     const struct rmap_frag_data *d)
{
	return rmap_frame_check_crc(h, len, d, true);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frame_check_data);

/**
 * rmap_frame_check_sealed() - rmap_frame_check_data() but the CRC, for a
 *	sealed frame whose tag the caller checks next
 * @h: its RMAP header
 * @len: bytes from the start of the header to the end of the frame
 * @d: where its payload lies
 *
 * The tag covers every byte the CRC does, and a corruption the CRC would
 * catch fails it: a node with keys checks the tag alone. Until the tag
 * is checked the frame's fields are bounds, nothing more: nothing may act
 * on them.
 *
 * Return: RMAP_DROP_NONE, or why the frame must be dropped.
 */
enum rmap_drop rmap_frame_check_sealed(const struct rmap_hdr *h, unsigned int len,
				       const struct rmap_frag_data *d)
{
	return rmap_frame_check_crc(h, len, d, false);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frame_check_sealed);

/**
 * rmap_frame_check() - rmap_frame_check_data() of a contiguous frame
 * @frame: the RMAP header, followed by the payload
 * @len: bytes from the start of the header to the end of the frame
 *
 * Return: RMAP_DROP_NONE, or why the frame must be dropped.
 */
enum rmap_drop rmap_frame_check(const void *frame, unsigned int len)
{
	struct rmap_frag_data d = { .flat = (const u8 *)frame + RMAP_HDR_LEN };

	return rmap_frame_check_data(frame, len, &d);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frame_check);
