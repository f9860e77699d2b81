// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the RMAP frame codec, fragmentation and reassembly, and a
 * randomized parser fuzz. Frames are built in buffers of their exact size,
 * so KASAN catches any read past a frame's end.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/prandom.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "../../kernel/rmap_proto/rmap_proto.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Zeroed memory freed with the test; the test stops if there is none. */
static void *test_zalloc(struct kunit *test, size_t size)
{
	void *p = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/* One frame under construction: header and payload in one allocation. */
static u8 *frame_alloc(struct kunit *test, unsigned int payload_len)
{
	return test_zalloc(test, RMAP_HDR_LEN + payload_len);
}

static struct rmap_hdr *hdr(u8 *frame)
{
	return (struct rmap_hdr *)frame;
}

/* A sealed single-fragment frame of @type with @len payload bytes. */
static u8 *frame_build(struct kunit *test, enum rmap_type type, unsigned int len)
{
	u8 *f = frame_alloc(test, len);
	struct rmap_hdr *h = hdr(f);
	unsigned int i;

	rmap_hdr_init(h, type, 0x01020304, 0xa0b0c0d0);
	rmap_hdr_set_mtu(h, 1500);
	for (i = 0; i < len; i++)
		f[RMAP_HDR_LEN + i] = i * 7 + 3;
	h->frag_len = cpu_to_be16(len);
	h->total_len = cpu_to_be32(len);
	rmap_frame_seal(h, f + RMAP_HDR_LEN);
	return f;
}

static void reseal(u8 *f)
{
	rmap_frame_seal(hdr(f), f + RMAP_HDR_LEN);
}

static void rmap_wire_encode_decode_every_type(struct kunit *test)
{
	unsigned int type;

	for (type = 1; type <= RMAP_TYPE_MAX; type++) {
		unsigned int len = rmap_type_has_payload(type) ? 100 : 0;
		u8 *f = frame_build(test, type, len);
		struct rmap_hdr *h = hdr(f);

		switch (type) {
		case RMAP_ADVERTISE:
			h->adv.capacity_mib = cpu_to_be32(1U << 30);
			h->adv.free_mib = cpu_to_be32(12345);
			h->adv.load = cpu_to_be32(777);
			h->adv.interval_ms = cpu_to_be16(1000);
			h->adv.window = cpu_to_be16(64);
			break;
		case RMAP_JOIN:
			h->join.pages = cpu_to_be64(262144);
			h->join.lease_ms = cpu_to_be32(30000);
			h->join.client_id = cpu_to_be64(0x1122334455667788ULL);
			break;
		case RMAP_PING:
		case RMAP_PONG:
			h->ping.sent_ns = cpu_to_be64(987654321);
			break;
		case RMAP_SOLICIT:
			break;	/* its mtu, set by frame_build(), is all it says */
		case RMAP_ACK:
			h->status = RMAP_E_NOSPC;
			fallthrough;
		default:
			h->page.offset = cpu_to_be64(0x123456789000ULL);
			h->page.size = cpu_to_be32(len);
		}
		h->flags = RMAP_F_RETRANSMIT;
		reseal(f);

		KUNIT_EXPECT_EQ_MSG(test, rmap_frame_check(f, RMAP_HDR_LEN + len),
				    RMAP_DROP_NONE, "type %u", type);
		/* Ethernet pads short frames: trailing bytes are not payload. */
		KUNIT_EXPECT_EQ(test, h->version, RMAP_VERSION);
		KUNIT_EXPECT_EQ(test, h->type, type);
		KUNIT_EXPECT_EQ(test, be32_to_cpu(h->session), 0x01020304U);
		KUNIT_EXPECT_EQ(test, be32_to_cpu(h->seq), 0xa0b0c0d0U);
		KUNIT_EXPECT_EQ(test, be32_to_cpu(h->total_len), len);
		if (type == RMAP_ADVERTISE) {
			KUNIT_EXPECT_EQ(test, be32_to_cpu(h->adv.capacity_mib), 1U << 30);
			KUNIT_EXPECT_EQ(test, be32_to_cpu(h->adv.free_mib), 12345U);
			KUNIT_EXPECT_EQ(test, be32_to_cpu(h->adv.load), 777U);
			KUNIT_EXPECT_EQ(test, rmap_hdr_mtu(h), 1500U);
		} else if (type == RMAP_JOIN) {
			KUNIT_EXPECT_EQ(test, be64_to_cpu(h->join.client_id),
					0x1122334455667788ULL);
			KUNIT_EXPECT_EQ(test, rmap_hdr_mtu(h), 1500U);
		} else if (type == RMAP_SOLICIT) {
			KUNIT_EXPECT_EQ(test, rmap_hdr_mtu(h), 1500U);
		} else if (type == RMAP_PING || type == RMAP_PONG) {
			KUNIT_EXPECT_EQ(test, be64_to_cpu(h->ping.sent_ns), 987654321ULL);
		} else {
			KUNIT_EXPECT_EQ(test, be64_to_cpu(h->page.offset), 0x123456789000ULL);
		}
	}
}

static void rmap_wire_padding_is_not_payload(struct kunit *test)
{
	u8 *f = frame_alloc(test, 16);

	rmap_hdr_init(hdr(f), RMAP_SOLICIT, 0, 1);
	rmap_hdr_set_mtu(hdr(f), 1500);
	reseal(f);
	f[RMAP_HDR_LEN] = 0xff;	/* bytes past frag_len may hold anything */
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 16), RMAP_DROP_NONE);
}

static void rmap_wire_header_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct rmap_hdr), (size_t)RMAP_HDR_LEN);
	KUNIT_EXPECT_EQ(test, offsetof(struct rmap_hdr, seq), (size_t)8);
	KUNIT_EXPECT_EQ(test, offsetof(struct rmap_hdr, frag_offset), (size_t)16);
	KUNIT_EXPECT_EQ(test, offsetof(struct rmap_hdr, crc), (size_t)28);
	KUNIT_EXPECT_EQ(test, offsetof(struct rmap_hdr, counter), (size_t)32);
	KUNIT_EXPECT_EQ(test, offsetof(struct rmap_hdr, epoch), (size_t)40);
	KUNIT_EXPECT_EQ(test, offsetof(struct rmap_hdr, page), (size_t)48);
	KUNIT_EXPECT_EQ(test, offsetof(struct rmap_hdr, tag), (size_t)72);
	KUNIT_EXPECT_EQ(test, offsetof(struct rmap_page_req, wseq), (size_t)16);
}

static void rmap_wire_rejects_malformed(struct kunit *test)
{
	u8 *f;

	f = frame_build(test, RMAP_SOLICIT, 0);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN - 1), RMAP_DROP_SHORT);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, 0), RMAP_DROP_SHORT);

	f = frame_build(test, RMAP_SOLICIT, 0);
	hdr(f)->version = RMAP_VERSION + 1;
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_VERSION);

	/* A length beyond the frame is refused before the CRC reads it. */
	f = frame_build(test, RMAP_WRITE, 64);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 63), RMAP_DROP_LENGTH);
	hdr(f)->frag_len = cpu_to_be16(0xffff);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_LENGTH);

	f = frame_build(test, RMAP_WRITE, 64);
	f[RMAP_HDR_LEN + 10] ^= 0x04;
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_CRC);
	f = frame_build(test, RMAP_WRITE, 64);
	hdr(f)->page.offset ^= cpu_to_be64(1ULL << 33);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_CRC);
	f = frame_build(test, RMAP_WRITE, 64);
	hdr(f)->crc ^= cpu_to_be32(1);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_CRC);

	f = frame_build(test, RMAP_SOLICIT, 0);
	hdr(f)->type = 0;
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_TYPE);
	hdr(f)->type = RMAP_TYPE_MAX + 1;
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_TYPE);
	hdr(f)->type = RMAP_ACK;
	hdr(f)->status = RMAP_STATUS_MAX + 1;
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_TYPE);
	hdr(f)->status = RMAP_OK;
	hdr(f)->flags = 0x80;
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_TYPE);

	f = frame_build(test, RMAP_WRITE, 64);
	hdr(f)->frag_index = cpu_to_be16(1);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_FRAG);
	hdr(f)->frag_index = cpu_to_be16(0);
	hdr(f)->frag_count = cpu_to_be16(0);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_FRAG);
	hdr(f)->frag_count = cpu_to_be16(RMAP_MAX_FRAGS + 1);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_FRAG);

	/* Fragment fields that disagree with the message length. */
	f = frame_build(test, RMAP_WRITE, 64);
	hdr(f)->frag_count = cpu_to_be16(2);
	hdr(f)->total_len = cpu_to_be32(100);
	hdr(f)->frag_offset = cpu_to_be32(40);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_LENGTH);
	hdr(f)->frag_offset = cpu_to_be32(4);
	hdr(f)->total_len = cpu_to_be32(200);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_FRAG);
	hdr(f)->frag_offset = 0;
	hdr(f)->total_len = cpu_to_be32(RMAP_MAX_PAYLOAD + 8);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_LENGTH);
	hdr(f)->frag_count = cpu_to_be16(1);
	hdr(f)->total_len = cpu_to_be32(128);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_FRAG);
	/* An offset that wraps a 32-bit sum back inside the message. */
	hdr(f)->frag_count = cpu_to_be16(2);
	hdr(f)->total_len = cpu_to_be32(128);
	hdr(f)->frag_offset = cpu_to_be32(0xffffffc0);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_LENGTH);
	hdr(f)->frag_offset = cpu_to_be32(0x80000000);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + 64), RMAP_DROP_LENGTH);

	/* A frame longer than any receiver takes, its length fields consistent. */
	f = frame_alloc(test, RMAP_MAX_FRAME_PAYLOAD + 64);
	rmap_hdr_init(hdr(f), RMAP_WRITE, 1, 1);
	hdr(f)->frag_len = cpu_to_be16(RMAP_MAX_FRAME_PAYLOAD + 64);
	hdr(f)->total_len = cpu_to_be32(RMAP_MAX_FRAME_PAYLOAD + 64);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + RMAP_MAX_FRAME_PAYLOAD + 64),
			RMAP_DROP_LENGTH);
	hdr(f)->frag_len = cpu_to_be16(RMAP_MAX_FRAME_PAYLOAD);
	hdr(f)->frag_count = cpu_to_be16(2);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN + RMAP_MAX_FRAME_PAYLOAD + 64),
			RMAP_DROP_NONE);

	/* A message without payload in two frames. */
	f = frame_build(test, RMAP_READ, 0);
	hdr(f)->frag_count = cpu_to_be16(2);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_FRAG);

	/* Payload on a message type that carries none. */
	f = frame_build(test, RMAP_READ, 0);
	hdr(f)->total_len = cpu_to_be32(8);
	hdr(f)->frag_count = cpu_to_be16(2);
	reseal(f);
	KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_LENGTH);
}

/*
 * rmap_send() refuses a payload it could not fit in its frames before it
 * reads anything (it once cut a 4 GiB reply into its 16-frame array).
 */
static void rmap_wire_send_bounds_payload(struct kunit *test)
{
	struct net_device *dev = test_zalloc(test, sizeof(*dev));
	struct page *page = alloc_page(GFP_KERNEL);
	u8 mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	struct page *pages[2] = { page, page };
	struct rmap_hdr h;

	KUNIT_ASSERT_NOT_NULL(test, page);
	dev->mtu = 1500;
	rmap_hdr_init(&h, RMAP_READ_RESP, 1, 1);
	KUNIT_EXPECT_EQ(test, rmap_send(dev, 1500, mac, 0, NULL, &h, NULL, 0, NULL,
					RMAP_MAX_PAYLOAD + 1), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, rmap_send(dev, 1500, mac, 0, NULL, &h, pages, 0, NULL, 0xfffff001),
			-EMSGSIZE);
	/* Within the limit, but past the end of the page it is in. */
	KUNIT_EXPECT_EQ(test, rmap_send(dev, 1500, mac, 0, NULL, &h, pages, PAGE_SIZE - 1, NULL, 2),
			-EMSGSIZE);
	/* More than a page, but not whole pages from a page's start. */
	KUNIT_EXPECT_EQ(test, rmap_send(dev, 1500, mac, 0, NULL, &h, pages, 0, NULL,
					PAGE_SIZE + 512), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, rmap_send(dev, 1500, mac, 0, NULL, &h, pages, 512, NULL,
					PAGE_SIZE), -EMSGSIZE);
	__free_page(page);
}

/*
 * A frame checked where it arrived: in an skb whose payload is partly in
 * its head and partly in page fragments, as a NIC delivers it. The CRC,
 * the tag and the copies read it there as they read a contiguous frame,
 * and a byte changed in a fragment is seen.
 */
static void rmap_wire_skb_payload(struct kunit *test)
{
	static const u8 key[RMAP_KEY_LEN] = { 1, 2, 3 };
	static const u8 dst[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 }, src[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
	const unsigned int len = 3000, head = 100, first = 1000;
	u8 *f = frame_build(test, RMAP_READ_RESP, len), *out = test_zalloc(test, len);
	u8 tag_flat[RMAP_TAG_LEN], tag_skb[RMAP_TAG_LEN];
	struct rmap_frag_data d = {};
	struct page *p1, *p2;
	struct sk_buff *skb;

	skb = alloc_skb(RMAP_HDR_LEN + head, GFP_KERNEL);
	p1 = alloc_page(GFP_KERNEL);
	p2 = alloc_page(GFP_KERNEL);
	if (!skb || !p1 || !p2) {
		kfree_skb(skb);
		if (p1)
			__free_page(p1);
		if (p2)
			__free_page(p2);
		KUNIT_FAIL(test, "no memory");
		return;
	}
	skb_put_data(skb, f, RMAP_HDR_LEN + head);
	memcpy(page_address(p1) + 500, f + RMAP_HDR_LEN + head, first);
	memcpy(page_address(p2), f + RMAP_HDR_LEN + head + first, len - head - first);
	/* The skb takes the pages' references. */
	skb_fill_page_desc(skb, 0, p1, 500, first);
	skb_fill_page_desc(skb, 1, p2, 0, len - head - first);
	skb->len += len - head;
	skb->data_len += len - head;
	skb->truesize += 2 * PAGE_SIZE;
	d.skb = skb;

	KUNIT_EXPECT_EQ(test, rmap_frame_check_data(hdr(f), skb->len, &d), RMAP_DROP_NONE);
	KUNIT_EXPECT_EQ(test, rmap_frame_crc_data(hdr(f), &d),
			rmap_frame_crc(hdr(f), f + RMAP_HDR_LEN));
	rmap_frame_tag(tag_flat, key, dst, src, hdr(f), f + RMAP_HDR_LEN);
	rmap_frame_tag_data(tag_skb, key, dst, src, hdr(f), &d);
	KUNIT_EXPECT_EQ(test, memcmp(tag_flat, tag_skb, RMAP_TAG_LEN), 0);
	/* Copies from the head, across it into a fragment, and from one to the next. */
	rmap_frag_data_copy(&d, 0, out, 50);
	rmap_frag_data_copy(&d, 50, out + 50, 1500);
	rmap_frag_data_copy(&d, 1550, out + 1550, len - 1550);
	KUNIT_EXPECT_EQ(test, memcmp(out, f + RMAP_HDR_LEN, len), 0);
	/* A frame shorter than its frag_len says is refused before its CRC is read. */
	KUNIT_EXPECT_EQ(test, rmap_frame_check_data(hdr(f), RMAP_HDR_LEN + len - 1, &d),
			RMAP_DROP_LENGTH);
	((u8 *)page_address(p2))[7] ^= 1;
	KUNIT_EXPECT_EQ(test, rmap_frame_check_data(hdr(f), skb->len, &d), RMAP_DROP_CRC);
	rmap_frame_tag_data(tag_skb, key, dst, src, hdr(f), &d);
	KUNIT_EXPECT_NE(test, memcmp(tag_flat, tag_skb, RMAP_TAG_LEN), 0);
	kfree_skb(skb);
}

/*
 * A frame of two whole pages, as a jumbo frame leaves from a message's
 * pages: its CRC and tag over the two pieces are those of the same
 * bytes in one piece.
 */
static void rmap_wire_pieces_payload(struct kunit *test)
{
	static const u8 key[RMAP_KEY_LEN] = { 9 };
	static const u8 dst[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 }, src[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
	u8 *f = frame_build(test, RMAP_WRITE, 2 * PAGE_SIZE);
	u8 *a = test_zalloc(test, PAGE_SIZE), *b = test_zalloc(test, PAGE_SIZE);
	const u8 *piece[RMAP_FRAME_PAGES] = { a, b };
	struct rmap_frag_data d = { .piece = piece };
	u8 t1[RMAP_TAG_LEN], t2[RMAP_TAG_LEN];

	memcpy(a, f + RMAP_HDR_LEN, PAGE_SIZE);
	memcpy(b, f + RMAP_HDR_LEN + PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, rmap_frame_crc_data(hdr(f), &d),
			rmap_frame_crc(hdr(f), f + RMAP_HDR_LEN));
	rmap_frame_tag(t1, key, dst, src, hdr(f), f + RMAP_HDR_LEN);
	rmap_frame_tag_data(t2, key, dst, src, hdr(f), &d);
	KUNIT_EXPECT_EQ(test, memcmp(t1, t2, RMAP_TAG_LEN), 0);
	/* The second piece is read: a change there shows. */
	b[PAGE_SIZE - 1] ^= 0x80;
	KUNIT_EXPECT_NE(test, rmap_frame_crc_data(hdr(f), &d),
			rmap_frame_crc(hdr(f), f + RMAP_HDR_LEN));
}

static void fill_random(struct rnd_state *rnd, u8 *buf, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = prandom_u32_state(rnd);
}

/*
 * Cut @msg into sealed frames for @mtu as rmap_send() does; returns how
 * many. Every frame fits the MTU, and one smaller than a page lies in
 * one page of the message.
 */
static unsigned int fragment(struct kunit *test, const u8 *msg, unsigned int len,
			     unsigned int mtu, u8 **frames, unsigned int *frame_len)
{
	unsigned int size = rmap_frag_size(mtu);
	unsigned int count = rmap_frag_count(len, size);
	unsigned int i, at = 0;

	KUNIT_ASSERT_GT(test, size, 0U);
	KUNIT_ASSERT_LE(test, count, (unsigned int)RMAP_MAX_FRAGS);
	for (i = 0; i < count; i++) {
		unsigned int flen = rmap_frag_len(at, len, size);
		struct rmap_hdr h;

		KUNIT_ASSERT_GT(test, flen + !len, 0U);
		if (flen < PAGE_SIZE)
			KUNIT_EXPECT_EQ(test, at / PAGE_SIZE, (at + flen - !!flen) / PAGE_SIZE);
		rmap_hdr_init(&h, RMAP_WRITE, 7, 42);
		rmap_frag_hdr(&h, len, count, i, at, flen);
		frames[i] = frame_alloc(test, flen);
		memcpy(frames[i], &h, RMAP_HDR_LEN);
		memcpy(frames[i] + RMAP_HDR_LEN, msg + at, flen);
		reseal(frames[i]);
		frame_len[i] = RMAP_HDR_LEN + flen;
		KUNIT_EXPECT_LE(test, frame_len[i], mtu);
		KUNIT_EXPECT_EQ(test, rmap_frame_check(frames[i], frame_len[i]), RMAP_DROP_NONE);
		at += flen;
	}
	/* The count said is the frames cut, and they cover the message. */
	KUNIT_EXPECT_EQ(test, at, len);
	return count;
}

/* Count a frame in, and copy it to @out as the receive path does when fresh. */
static enum rmap_reasm_result feed_to(struct rmap_reasm *r, u8 *out, u8 *frame)
{
	enum rmap_reasm_result res = rmap_reasm_add(r, hdr(frame));

	if (res == RMAP_REASM_MORE || res == RMAP_REASM_DONE)
		memcpy(out + be32_to_cpu(hdr(frame)->frag_offset), frame + RMAP_HDR_LEN,
		       be16_to_cpu(hdr(frame)->frag_len));
	return res;
}

#define feed(r, frame) feed_to(r, out, frame)

static void rmap_wire_frag_counts(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, rmap_frag_size(RMAP_MIN_MTU - 1), 0U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(4096, rmap_frag_size(1500)), 3U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(4096, rmap_frag_size(9000)), 1U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(4096, rmap_frag_size(4096 + RMAP_HDR_LEN)), 1U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(4096, rmap_frag_size(4095 + RMAP_HDR_LEN)), 2U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(4096, rmap_frag_size(576)), 10U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(0, rmap_frag_size(1500)), 1U);
	/* Sizes: granules below a page, whole pages from one on. */
	KUNIT_EXPECT_EQ(test, rmap_frag_size(1500), 1408U);
	KUNIT_EXPECT_EQ(test, rmap_frag_size(576), 448U);
	KUNIT_EXPECT_EQ(test, rmap_frag_size(9000), 8192U);
	KUNIT_EXPECT_EQ(test, rmap_frag_size(65535), (unsigned int)RMAP_MAX_FRAME_PAYLOAD);
	/* The largest message: 3 frames a page at 1500, 2 pages a frame at 9000. */
	KUNIT_EXPECT_EQ(test, rmap_frag_count(RMAP_MAX_PAYLOAD, rmap_frag_size(1500)), 96U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(RMAP_MAX_PAYLOAD, rmap_frag_size(9000)), 16U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(RMAP_MAX_PAYLOAD, rmap_frag_size(576)), 320U);
	KUNIT_EXPECT_LE(test, rmap_frag_count(RMAP_MAX_PAYLOAD, rmap_frag_size(RMAP_MIN_MTU)),
			(unsigned int)RMAP_MAX_FRAGS);
	/* Frames below a page end at its end: 1408, 1408, 1280, then again. */
	KUNIT_EXPECT_EQ(test, rmap_frag_len(2816, 8192, 1408), 1280U);
	KUNIT_EXPECT_EQ(test, rmap_frag_len(4096, 8192, 1408), 1408U);
	KUNIT_EXPECT_EQ(test, rmap_frag_len(8192 - 64, 8192, 1408), 64U);
	KUNIT_EXPECT_EQ(test, rmap_frag_len(8192, 3 * 4096, 8192), 4096U);
}

static const unsigned int test_mtus[] = { 576, 577, 1000, 1500, 2000, 4143, 4144, 9000 };

static void rmap_wire_reassembly_orders(struct kunit *test)
{
	u8 **frames = test_zalloc(test, RMAP_MAX_FRAGS * sizeof(*frames)), *msg, *out;
	unsigned int *frame_len = test_zalloc(test, RMAP_MAX_FRAGS * sizeof(*frame_len));
	struct rmap_reasm *r;
	struct rnd_state rnd;
	unsigned int m, i, n, lost;

	prandom_seed_state(&rnd, 1);
	msg = test_zalloc(test, RMAP_MAX_PAYLOAD);
	out = test_zalloc(test, RMAP_MAX_PAYLOAD);
	r = test_zalloc(test, sizeof(*r));

	for (m = 0; m < ARRAY_SIZE(test_mtus); m++) {
		unsigned int len = m & 1 ? RMAP_MAX_PAYLOAD : RMAP_MAX_PAYLOAD - 13;

		fill_random(&rnd, msg, len);
		n = fragment(test, msg, len, test_mtus[m], frames, frame_len);

		/* In order. */
		memset(out, 0, RMAP_MAX_PAYLOAD);
		rmap_reasm_start(r, len, jiffies + HZ);
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_EQ(test, feed(r, frames[i]),
					i == n - 1 ? RMAP_REASM_DONE : RMAP_REASM_MORE);
		KUNIT_EXPECT_EQ(test, memcmp(out, msg, len), 0);

		/* Reversed, every fragment twice. */
		memset(out, 0, RMAP_MAX_PAYLOAD);
		rmap_reasm_start(r, len, jiffies + HZ);
		for (i = n; i-- > 0;) {
			KUNIT_EXPECT_EQ(test, feed(r, frames[i]),
					i ? RMAP_REASM_MORE : RMAP_REASM_DONE);
			KUNIT_EXPECT_EQ(test, feed(r, frames[i]), RMAP_REASM_DUP);
		}
		KUNIT_EXPECT_EQ(test, memcmp(out, msg, len), 0);

		/* One lost, then its resend arrives last. */
		lost = prandom_u32_state(&rnd) % n;
		memset(out, 0, RMAP_MAX_PAYLOAD);
		rmap_reasm_start(r, len, jiffies + HZ);
		for (i = 0; i < n; i++) {
			if (i != lost)
				KUNIT_EXPECT_EQ(test, feed(r, frames[i]), RMAP_REASM_MORE);
		}
		KUNIT_EXPECT_EQ(test, feed(r, frames[lost]), RMAP_REASM_DONE);
		KUNIT_EXPECT_EQ(test, memcmp(out, msg, len), 0);

		/* Random order with random duplicates until complete. */
		memset(out, 0, RMAP_MAX_PAYLOAD);
		rmap_reasm_start(r, len, jiffies + HZ);
		for (i = 0; i < 100000 && r->granules_left; i++)
			feed(r, frames[prandom_u32_state(&rnd) % n]);
		KUNIT_EXPECT_EQ(test, r->granules_left, 0);
		KUNIT_EXPECT_EQ(test, memcmp(out, msg, len), 0);
	}
}

static void rmap_wire_reassembly_overlap(struct kunit *test)
{
	u8 *a[RMAP_MAX_FRAGS / 32], *b[RMAP_MAX_FRAGS / 32], *msg, *out;
	unsigned int alen[RMAP_MAX_FRAGS / 32], blen[RMAP_MAX_FRAGS / 32];
	struct rmap_reasm *r;
	struct rnd_state rnd;
	unsigned int na, nb;

	prandom_seed_state(&rnd, 2);
	msg = test_zalloc(test, PAGE_SIZE);
	out = test_zalloc(test, PAGE_SIZE);
	r = test_zalloc(test, sizeof(*r));
	fill_random(&rnd, msg, PAGE_SIZE);

	/* The sender's MTU changed between the first send and the resend. */
	na = fragment(test, msg, PAGE_SIZE, 1500, a, alen);
	nb = fragment(test, msg, PAGE_SIZE, 1000, b, blen);
	KUNIT_ASSERT_EQ(test, na, 3U);
	KUNIT_ASSERT_EQ(test, nb, 5U);
	rmap_reasm_start(r, PAGE_SIZE, jiffies + HZ);
	KUNIT_EXPECT_EQ(test, feed(r, a[0]), RMAP_REASM_MORE);	/* 0..1407 */
	KUNIT_EXPECT_TRUE(test, rmap_reasm_has(r, 0, 1408));
	KUNIT_EXPECT_FALSE(test, rmap_reasm_has(r, 0, 1472));
	KUNIT_EXPECT_EQ(test, r->granules_left, (u32)((PAGE_SIZE - 1408) / RMAP_FRAG_ALIGN));
	KUNIT_EXPECT_EQ(test, feed(r, b[1]), RMAP_REASM_MORE);	/* 896..1791 */
	KUNIT_EXPECT_EQ(test, r->granules_left, (u32)((PAGE_SIZE - 1792) / RMAP_FRAG_ALIGN));
	KUNIT_EXPECT_EQ(test, feed(r, b[0]), RMAP_REASM_DUP);	/* 0..895 */
	KUNIT_EXPECT_EQ(test, feed(r, a[2]), RMAP_REASM_MORE);	/* 2816..4095 */
	KUNIT_EXPECT_EQ(test, feed(r, b[2]), RMAP_REASM_MORE);	/* 1792..2687 */
	KUNIT_EXPECT_EQ(test, feed(r, a[1]), RMAP_REASM_DONE);	/* 1408..2815 */
	KUNIT_EXPECT_EQ(test, memcmp(out, msg, PAGE_SIZE), 0);
	/* Complete: anything more is a late copy. */
	KUNIT_EXPECT_EQ(test, feed(r, b[4]), RMAP_REASM_DUP);

	/* A fragment of a message of another length is refused. */
	rmap_reasm_start(r, PAGE_SIZE - 64, jiffies + HZ);
	KUNIT_EXPECT_EQ(test, feed(r, a[0]), RMAP_REASM_CONFLICT);
	KUNIT_EXPECT_EQ(test, r->granules_left, (u32)((PAGE_SIZE - 64) / RMAP_FRAG_ALIGN));
}

static void rmap_wire_reassembly_deadline(struct kunit *test)
{
	struct rmap_reasm r;

	rmap_reasm_start(&r, 8, 1000);
	KUNIT_EXPECT_FALSE(test, rmap_reasm_expired(&r, 999));
	KUNIT_EXPECT_FALSE(test, rmap_reasm_expired(&r, 1000));
	KUNIT_EXPECT_TRUE(test, rmap_reasm_expired(&r, 1001));
	/* Across the jiffies wrap. */
	rmap_reasm_start(&r, 8, 5);
	KUNIT_EXPECT_FALSE(test, rmap_reasm_expired(&r, ULONG_MAX - 5));
	KUNIT_EXPECT_TRUE(test, rmap_reasm_expired(&r, 6));
}

/* Discovery and JOIN say which MTU their sender takes; nothing else does. */
static void rmap_wire_mtu_field(struct kunit *test)
{
	static const unsigned int carriers[] = { RMAP_ADVERTISE, RMAP_SOLICIT, RMAP_JOIN };
	unsigned int i;
	u8 *f;

	for (i = 0; i < ARRAY_SIZE(carriers); i++) {
		f = frame_build(test, carriers[i], 0);
		rmap_hdr_set_mtu(hdr(f), 9000);
		reseal(f);
		KUNIT_EXPECT_EQ(test, rmap_hdr_mtu(hdr(f)), 9000U);
		KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_NONE);
		rmap_hdr_set_mtu(hdr(f), RMAP_MIN_MTU);
		reseal(f);
		KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_NONE);
		/* A node that takes less than RMAP's minimum, or says nothing. */
		rmap_hdr_set_mtu(hdr(f), RMAP_MIN_MTU - 1);
		reseal(f);
		KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_LENGTH);
		rmap_hdr_set_mtu(hdr(f), 0);
		reseal(f);
		KUNIT_EXPECT_EQ(test, rmap_frame_check(f, RMAP_HDR_LEN), RMAP_DROP_LENGTH);
		/* MTUs past 16 bits (loopback's 64 KiB) say the most the field holds. */
		rmap_hdr_set_mtu(hdr(f), 65536);
		KUNIT_EXPECT_EQ(test, rmap_hdr_mtu(hdr(f)), 65535U);
	}
	/* Other types carry none, and setting one leaves their body alone. */
	f = frame_build(test, RMAP_WRITE, 8);
	hdr(f)->page.offset = cpu_to_be64(0x1000);
	hdr(f)->page.size = cpu_to_be32(8);
	rmap_hdr_set_mtu(hdr(f), 9000);
	KUNIT_EXPECT_EQ(test, rmap_hdr_mtu(hdr(f)), 0U);
	KUNIT_EXPECT_EQ(test, be64_to_cpu(hdr(f)->page.offset), 0x1000ULL);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(hdr(f)->page.size), 8U);
	KUNIT_EXPECT_EQ(test, be64_to_cpu(hdr(f)->page.reserved), 0ULL);
}

/* Frames to a peer fit both ends; before it says, Ethernet's 1500. */
static void rmap_wire_peer_mtu(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, rmap_peer_mtu(9000, 0), 1500U);
	KUNIT_EXPECT_EQ(test, rmap_peer_mtu(1000, 0), 1000U);
	KUNIT_EXPECT_EQ(test, rmap_peer_mtu(9000, 1500), 1500U);
	KUNIT_EXPECT_EQ(test, rmap_peer_mtu(1500, 9000), 1500U);
	KUNIT_EXPECT_EQ(test, rmap_peer_mtu(9000, 9000), 9000U);
	KUNIT_EXPECT_EQ(test, rmap_peer_mtu(9000, 4144), 4144U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(4096, rmap_frag_size(rmap_peer_mtu(9000, 1500))), 3U);
	KUNIT_EXPECT_EQ(test, rmap_frag_count(4096, rmap_frag_size(rmap_peer_mtu(9000, 9000))), 1U);
}

/*
 * Mutate valid frames thousands of times: flip bits, change bytes, cut or
 * extend the length, and reseal some so the checks past the CRC run too.
 * Whatever the parser accepts must obey the invariants it promises.
 */
static void rmap_wire_fuzz(struct kunit *test)
{
	static const unsigned int types[] = { RMAP_WRITE, RMAP_READ_RESP, RMAP_ADVERTISE,
					      RMAP_ACK, RMAP_PING, RMAP_READ };
	unsigned int iter, accepted = 0, dropped[RMAP_DROP_NR] = {};
	struct rnd_state rnd;
	struct rmap_reasm *r;
	u8 *out;

	prandom_seed_state(&rnd, 3);
	out = test_zalloc(test, RMAP_MAX_PAYLOAD);
	r = test_zalloc(test, sizeof(*r));

	for (iter = 0; iter < 20000; iter++) {
		unsigned int type = types[iter % ARRAY_SIZE(types)];
		unsigned int len, k, flips = 1 + prandom_u32_state(&rnd) % 4;
		unsigned int plen = 0, cap;
		struct rmap_hdr *h;
		enum rmap_drop why;
		u8 *f, *built;

		if (rmap_type_has_payload(type))
			plen = prandom_u32_state(&rnd) % 1500;
		cap = RMAP_HDR_LEN + plen + 64;
		built = kmalloc(cap, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, built);
		f = built;
		h = (struct rmap_hdr *)f;
		fill_random(&rnd, f, cap);
		rmap_hdr_init(h, type, 1, iter);
		rmap_hdr_set_mtu(h, 1500);
		h->frag_len = cpu_to_be16(plen);
		h->total_len = cpu_to_be32(plen);
		for (k = 0; k < flips; k++) {
			unsigned int at = prandom_u32_state(&rnd) % (RMAP_HDR_LEN + plen);

			if (prandom_u32_state(&rnd) & 1)
				f[at] ^= 1 << (prandom_u32_state(&rnd) % 8);
			else
				f[at] = prandom_u32_state(&rnd);
		}
		len = RMAP_HDR_LEN + plen;
		if (prandom_u32_state(&rnd) % 4 == 0)
			len = prandom_u32_state(&rnd) % cap;
		/* Hand the parser a buffer that ends exactly where the frame does. */
		f = krealloc(built, max(len, 1U), GFP_KERNEL);
		if (!f)
			kfree(built);
		KUNIT_ASSERT_NOT_NULL(test, f);
		h = (struct rmap_hdr *)f;
		if (len >= RMAP_HDR_LEN && be16_to_cpu(h->frag_len) <= len - RMAP_HDR_LEN &&
		    prandom_u32_state(&rnd) & 1)
			rmap_frame_seal(h, f + RMAP_HDR_LEN);

		why = rmap_frame_check(f, len);
		KUNIT_ASSERT_LT(test, (unsigned int)why, (unsigned int)RMAP_DROP_NR);
		dropped[why]++;
		if (why == RMAP_DROP_NONE) {
			unsigned int off = be32_to_cpu(h->frag_offset);
			unsigned int flen = be16_to_cpu(h->frag_len);
			unsigned int total = be32_to_cpu(h->total_len);

			accepted++;
			KUNIT_EXPECT_LE(test, RMAP_HDR_LEN + flen, len);
			KUNIT_EXPECT_LE(test, off + flen, total);
			KUNIT_EXPECT_LE(test, total, (unsigned int)RMAP_MAX_PAYLOAD);
			/* Counted into a message of its length: it lands inside it. */
			rmap_reasm_start(r, total, jiffies + HZ);
			KUNIT_EXPECT_EQ(test, feed(r, f), !total ? RMAP_REASM_DUP :
					flen == total ? RMAP_REASM_DONE : RMAP_REASM_MORE);
		}
		kfree(f);
	}
	kunit_info(test, "accepted %u, short %u, version %u, length %u, crc %u, type %u, frag %u\n",
		   accepted, dropped[RMAP_DROP_SHORT], dropped[RMAP_DROP_VERSION],
		   dropped[RMAP_DROP_LENGTH], dropped[RMAP_DROP_CRC], dropped[RMAP_DROP_TYPE],
		   dropped[RMAP_DROP_FRAG]);
	/* The mutations must reach every class, or the fuzz proves little. */
	KUNIT_EXPECT_GT(test, accepted, 0U);
	KUNIT_EXPECT_GT(test, dropped[RMAP_DROP_SHORT], 0U);
	KUNIT_EXPECT_GT(test, dropped[RMAP_DROP_VERSION], 0U);
	KUNIT_EXPECT_GT(test, dropped[RMAP_DROP_LENGTH], 0U);
	KUNIT_EXPECT_GT(test, dropped[RMAP_DROP_CRC], 0U);
	KUNIT_EXPECT_GT(test, dropped[RMAP_DROP_TYPE], 0U);
	KUNIT_EXPECT_GT(test, dropped[RMAP_DROP_FRAG], 0U);
}

/*
 * A node with keys checks a sealed frame's tag instead of its CRC: the
 * check it runs first skips the CRC alone, every bound still holds.
 */
static void rmap_wire_sealed_check_skips_crc_only(struct kunit *test)
{
	struct rmap_frag_data d;
	u8 *f;

	f = frame_build(test, RMAP_WRITE, 64);
	d = (struct rmap_frag_data){ .flat = f + RMAP_HDR_LEN };
	f[RMAP_HDR_LEN + 10] ^= 0x04;
	KUNIT_EXPECT_EQ(test, rmap_frame_check_data(hdr(f), RMAP_HDR_LEN + 64, &d), RMAP_DROP_CRC);
	KUNIT_EXPECT_EQ(test, rmap_frame_check_sealed(hdr(f), RMAP_HDR_LEN + 64, &d),
			RMAP_DROP_NONE);

	f = frame_build(test, RMAP_WRITE, 64);
	d = (struct rmap_frag_data){ .flat = f + RMAP_HDR_LEN };
	KUNIT_EXPECT_EQ(test, rmap_frame_check_sealed(hdr(f), RMAP_HDR_LEN + 63, &d),
			RMAP_DROP_LENGTH);
	hdr(f)->version = RMAP_VERSION + 1;
	KUNIT_EXPECT_EQ(test, rmap_frame_check_sealed(hdr(f), RMAP_HDR_LEN + 64, &d),
			RMAP_DROP_VERSION);

	f = frame_build(test, RMAP_WRITE, 64);
	d = (struct rmap_frag_data){ .flat = f + RMAP_HDR_LEN };
	hdr(f)->type = 0;
	KUNIT_EXPECT_EQ(test, rmap_frame_check_sealed(hdr(f), RMAP_HDR_LEN + 64, &d),
			RMAP_DROP_TYPE);

	f = frame_build(test, RMAP_WRITE, 64);
	d = (struct rmap_frag_data){ .flat = f + RMAP_HDR_LEN };
	hdr(f)->frag_offset = cpu_to_be32(32);
	KUNIT_EXPECT_NE(test, rmap_frame_check_sealed(hdr(f), RMAP_HDR_LEN + 64, &d),
			RMAP_DROP_NONE);
}

static struct kunit_case rmap_wire_cases[] = {
	KUNIT_CASE(rmap_wire_header_layout),
	KUNIT_CASE(rmap_wire_encode_decode_every_type),
	KUNIT_CASE(rmap_wire_padding_is_not_payload),
	KUNIT_CASE(rmap_wire_rejects_malformed),
	KUNIT_CASE(rmap_wire_sealed_check_skips_crc_only),
	KUNIT_CASE(rmap_wire_frag_counts),
	KUNIT_CASE(rmap_wire_send_bounds_payload),
	KUNIT_CASE(rmap_wire_skb_payload),
	KUNIT_CASE(rmap_wire_pieces_payload),
	KUNIT_CASE(rmap_wire_reassembly_orders),
	KUNIT_CASE(rmap_wire_reassembly_overlap),
	KUNIT_CASE(rmap_wire_reassembly_deadline),
	KUNIT_CASE(rmap_wire_mtu_field),
	KUNIT_CASE(rmap_wire_peer_mtu),
	KUNIT_CASE(rmap_wire_fuzz),
	{}
};

static struct kunit_suite rmap_wire_suite = {
	.name = "rmap_wire",
	.test_cases = rmap_wire_cases,
};

kunit_test_suite(rmap_wire_suite);

MODULE_DESCRIPTION("KUnit tests for the RMAP frame codec and reassembly");
MODULE_LICENSE("GPL");
