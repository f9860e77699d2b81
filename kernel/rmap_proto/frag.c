// SPDX-License-Identifier: GPL-2.0
/*
 * Fragmentation and reassembly. A message's payload (up to 32 pages) is
 * cut into as few frames as the MTU allows, none across a page boundary
 * unless it carries whole pages; the receiver tracks what arrived granule
 * by granule, so lost, duplicated, reordered and overlapping fragments
 * are all handled the same way, and puts each fragment's bytes straight
 * where they belong.
 */
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/highmem.h>
#include <linux/string.h>
#include <memx/compat.h>

#include "rmap_proto.h"

/**
 * rmap_frag_size() - payload bytes one frame carries at an MTU
 * @mtu: the device MTU (the Ethernet payload, header excluded)
 *
 * Return: a multiple of RMAP_FRAG_ALIGN, at most RMAP_MAX_FRAME_PAYLOAD,
 * and a multiple of PAGE_SIZE once it is that large (a jumbo frame
 * carries whole pages: two at MTU 9000); 0 when the MTU is below
 * RMAP_MIN_MTU.
 */
unsigned int rmap_frag_size(unsigned int mtu)
{
	unsigned int size;

	if (mtu < RMAP_MIN_MTU)
		return 0;
	size = min_t(unsigned int, round_down(mtu - RMAP_HDR_LEN, RMAP_FRAG_ALIGN),
		     RMAP_MAX_FRAME_PAYLOAD);
	return size >= PAGE_SIZE ? round_down(size, PAGE_SIZE) : size;
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
 * rmap_frag_len() - payload bytes of the frame that starts at @at
 * @at: where the frame's payload starts in the message's
 * @total_len: payload bytes of the message
 * @frag_size: from rmap_frag_size(), not zero
 *
 * Frames smaller than a page end at the page's end at the latest: each
 * then lies in one page at both ends, so that it is sealed and copied in
 * one piece.
 *
 * Return: the frame's payload bytes; 0 for a message without payload.
 */
unsigned int rmap_frag_len(unsigned int at, unsigned int total_len, unsigned int frag_size)
{
	unsigned int len = min(frag_size, total_len - at);

	if (frag_size < PAGE_SIZE)
		len = min_t(unsigned int, len, PAGE_SIZE - at % PAGE_SIZE);
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frag_len);

/**
 * rmap_frag_count() - frames a message needs
 * @total_len: payload bytes of the message
 * @frag_size: from rmap_frag_size(), not zero
 *
 * Return: at least 1 (a message without payload is still one frame).
 */
unsigned int rmap_frag_count(unsigned int total_len, unsigned int frag_size)
{
	unsigned int full = total_len / PAGE_SIZE, rest = total_len % PAGE_SIZE;

	if (frag_size >= PAGE_SIZE)
		return max(1U, DIV_ROUND_UP(total_len, frag_size));
	return max(1U, full * DIV_ROUND_UP((unsigned int)PAGE_SIZE, frag_size) +
		       DIV_ROUND_UP(rest, frag_size));
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frag_count);

/**
 * rmap_frag_hdr() - set the fragment fields of a header
 * @h: header, otherwise complete (the CRC is sealed afterwards)
 * @total_len: payload bytes of the whole message
 * @count: rmap_frag_count() of the message
 * @index: which fragment, below @count
 * @offset: where its payload starts in the message's
 * @len: rmap_frag_len() at @offset
 */
void rmap_frag_hdr(struct rmap_hdr *h, unsigned int total_len, unsigned int count,
		   unsigned int index, unsigned int offset, unsigned int len)
{
	h->frag_index = cpu_to_be16(index);
	h->frag_count = cpu_to_be16(count);
	h->frag_offset = cpu_to_be32(offset);
	h->frag_len = cpu_to_be16(len);
	h->total_len = cpu_to_be32(total_len);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frag_hdr);

/**
 * rmap_reasm_start() - prepare to track one message
 * @r: reassembly state
 * @total_len: payload bytes expected, at most RMAP_MAX_PAYLOAD
 * @deadline: jiffies after which the attempt is abandoned
 */
void rmap_reasm_start(struct rmap_reasm *r, unsigned int total_len, unsigned long deadline)
{
	r->total_len = total_len;
	r->granules_left = DIV_ROUND_UP(total_len, RMAP_FRAG_ALIGN);
	r->deadline = deadline;
	bitmap_zero(r->have, RMAP_GRANULES);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_reasm_start);

/**
 * rmap_reasm_add() - count one validated fragment in
 * @r: reassembly state from rmap_reasm_start()
 * @h: the fragment's header, already passed by rmap_frame_check()
 *
 * A fragment may overlap what came before (a resend cut for another
 * MTU): once it brings a granule not seen yet, the caller copies all of
 * it, whose overlap is the same bytes from the same authenticated peer.
 *
 * Return: what became of the fragment: RMAP_REASM_MORE or
 * RMAP_REASM_DONE when the caller is to copy its payload in.
 */
enum rmap_reasm_result rmap_reasm_add(struct rmap_reasm *r, const struct rmap_hdr *h)
{
	unsigned int offset = be32_to_cpu(h->frag_offset);
	unsigned int first = offset / RMAP_FRAG_ALIGN;
	unsigned int end = DIV_ROUND_UP(offset + be16_to_cpu(h->frag_len), RMAP_FRAG_ALIGN);
	unsigned int g;

	if (be32_to_cpu(h->total_len) != r->total_len)
		return RMAP_REASM_CONFLICT;
	if (!r->granules_left || find_next_zero_bit(r->have, end, first) >= end)
		return RMAP_REASM_DUP;
	for (g = first; g < end; g++) {
		if (!__test_and_set_bit(g, r->have))
			r->granules_left--;
	}
	return r->granules_left ? RMAP_REASM_MORE : RMAP_REASM_DONE;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_reasm_add);

/**
 * rmap_reasm_has() - whether a range of a message arrived whole
 * @r: reassembly state
 * @from: first byte of the range in the message
 * @to: the byte past its end, at most the message's total_len
 *
 * Return: true when every granule of the range arrived.
 */
bool rmap_reasm_has(const struct rmap_reasm *r, unsigned int from, unsigned int to)
{
	unsigned int end = DIV_ROUND_UP(to, RMAP_FRAG_ALIGN);

	return find_next_zero_bit(r->have, end, from / RMAP_FRAG_ALIGN) >= end;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_reasm_has);

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

/**
 * rmap_frag_to_pages() - copy a fragment's payload into a message's pages
 * @pages: the message's pages: its data starts at @off in @pages[0] and
 *	goes on into the next ones
 * @off: offset of the data in @pages[0]
 * @at: where the fragment's payload goes in the message's data
 * @d: where the payload lies
 * @len: its bytes
 */
void rmap_frag_to_pages(struct page **pages, unsigned int off, unsigned int at,
			const struct rmap_frag_data *d, unsigned int len)
{
	unsigned int done = 0;

	at += off;
	while (done < len) {
		unsigned int in = offset_in_page(at);
		unsigned int n = min_t(unsigned int, len - done, PAGE_SIZE - in);
		u8 *to = kmap_local_page(pages[at / PAGE_SIZE]);

		rmap_frag_data_copy(d, done, to + in, n);
		kunmap_local(to);
		done += n;
		at += n;
	}
}
