// SPDX-License-Identifier: GPL-2.0
/*
 * Fragmentation and reassembly. A message's payload (at most a page) is cut
 * into as few frames as the MTU allows; the receiver rebuilds it in a
 * buffer its owner supplies, granule by granule, so lost, duplicated,
 * reordered and overlapping fragments are all handled the same way.
 */
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <memx/compat.h>

#include "rmap_proto.h"

/**
 * rmap_frag_size() - payload bytes one frame carries at an MTU
 * @mtu: the device MTU (the Ethernet payload, header excluded)
 *
 * Return: a multiple of RMAP_FRAG_ALIGN, at most RMAP_MAX_PAYLOAD; 0 when
 * the MTU is below RMAP_MIN_MTU.
 */
unsigned int rmap_frag_size(unsigned int mtu)
{
	if (mtu < RMAP_MIN_MTU)
		return 0;
	return min_t(unsigned int, round_down(mtu - RMAP_HDR_LEN, RMAP_FRAG_ALIGN),
		     RMAP_MAX_PAYLOAD);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frag_size);

/**
 * rmap_peer_mtu() - the largest frames to send a peer
 * @dev_mtu: the MTU of our interface towards it
 * @peer_mtu: what the peer said it takes, or 0 before it said
 *
 * Return: the smaller of the two; before the peer said, 1500 at most,
 * what every Ethernet interface takes.
 */
unsigned int rmap_peer_mtu(unsigned int dev_mtu, unsigned int peer_mtu)
{
	return min(dev_mtu, peer_mtu ? peer_mtu : ETH_DATA_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_peer_mtu);

/**
 * rmap_frag_count() - frames a message needs
 * @total_len: payload bytes of the message
 * @frag_size: from rmap_frag_size(), not zero
 *
 * Return: at least 1 (a message without payload is still one frame).
 */
unsigned int rmap_frag_count(unsigned int total_len, unsigned int frag_size)
{
	return max(1U, DIV_ROUND_UP(total_len, frag_size));
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frag_count);

/**
 * rmap_frag_hdr() - set the fragment fields of a header
 * @h: header, otherwise complete (the CRC is sealed afterwards)
 * @total_len: payload bytes of the whole message
 * @frag_size: from rmap_frag_size()
 * @index: which fragment, below rmap_frag_count()
 */
void rmap_frag_hdr(struct rmap_hdr *h, unsigned int total_len,
		   unsigned int frag_size, unsigned int index)
{
	unsigned int offset = index * frag_size;

	h->frag_index = cpu_to_be16(index);
	h->frag_count = cpu_to_be16(rmap_frag_count(total_len, frag_size));
	h->frag_offset = cpu_to_be32(offset);
	h->frag_len = cpu_to_be16(min(frag_size, total_len - offset));
	h->total_len = cpu_to_be32(total_len);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frag_hdr);

/**
 * rmap_reasm_start() - prepare to rebuild one message
 * @r: reassembly state
 * @buf: where the payload goes; at least @total_len bytes
 * @total_len: payload bytes expected, at most RMAP_MAX_PAYLOAD
 * @deadline: jiffies after which the attempt is abandoned
 */
void rmap_reasm_start(struct rmap_reasm *r, void *buf, unsigned int total_len,
		      unsigned long deadline)
{
	r->buf = buf;
	r->total_len = total_len;
	r->granules_left = DIV_ROUND_UP(total_len, RMAP_FRAG_ALIGN);
	r->deadline = deadline;
	bitmap_zero(r->have, RMAP_GRANULES);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_reasm_start);

/**
 * rmap_reasm_add() - add one validated fragment
 * @r: reassembly state from rmap_reasm_start()
 * @h: the fragment's header, already passed by rmap_frame_check()
 * @payload: its frag_len bytes
 *
 * A fragment may overlap what came before (a resend cut for another MTU);
 * the overlap must then hold the same bytes.
 *
 * Return: what became of the fragment.
 */
enum rmap_reasm_result rmap_reasm_add(struct rmap_reasm *r, const struct rmap_hdr *h,
				      const void *payload)
{
	unsigned int offset = be32_to_cpu(h->frag_offset);
	unsigned int len = be16_to_cpu(h->frag_len);
	unsigned int first = offset / RMAP_FRAG_ALIGN;
	unsigned int end = DIV_ROUND_UP(offset + len, RMAP_FRAG_ALIGN);
	unsigned int g, fresh = 0;

	if (be32_to_cpu(h->total_len) != r->total_len)
		return RMAP_REASM_CONFLICT;
	if (!r->granules_left)
		return RMAP_REASM_DUP;

	for (g = first; g < end; g++) {
		unsigned int at = g * RMAP_FRAG_ALIGN;
		unsigned int n = min_t(unsigned int, RMAP_FRAG_ALIGN, offset + len - at);

		if (test_bit(g, r->have)) {
			if (memcmp(r->buf + at, (const u8 *)payload + at - offset, n))
				return RMAP_REASM_CONFLICT;
			continue;
		}
		fresh++;
	}
	if (!fresh)
		return RMAP_REASM_DUP;

	memcpy(r->buf + offset, payload, len);
	for (g = first; g < end; g++) {
		if (!__test_and_set_bit(g, r->have))
			r->granules_left--;
	}
	return r->granules_left ? RMAP_REASM_MORE : RMAP_REASM_DONE;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_reasm_add);

/**
 * rmap_reasm_expired() - whether a reassembly ran out of time
 * @r: reassembly state
 * @now: the current jiffies
 *
 * Return: true once @now is past the deadline.
 */
bool rmap_reasm_expired(const struct rmap_reasm *r, unsigned long now)
{
	return time_after(now, r->deadline);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_reasm_expired);
