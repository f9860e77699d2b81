// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: authenticated RMAP frames. The tag is the ChaCha20-Poly1305 AEAD
 * of lib/crypto over the whole frame; a flipped bit anywhere (addresses,
 * header, payload) is refused; the replay window takes each counter once;
 * keys are parsed strictly and derived per sender.
 */
#include <crypto/chacha20poly1305.h>
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../kernel/rmap_proto/rmap_proto.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static const u8 dst[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 };
static const u8 src[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x02 };

static void test_key(u8 key[RMAP_KEY_LEN], u8 seed)
{
	int i;

	for (i = 0; i < RMAP_KEY_LEN; i++)
		key[i] = seed + i * 13;
}

/* A WRITE fragment with @len bytes of payload, as it would leave. */
static u8 *test_frame(struct kunit *test, unsigned int len)
{
	u8 *f = kunit_kzalloc(test, RMAP_HDR_LEN + len, GFP_KERNEL);
	struct rmap_hdr *h = (struct rmap_hdr *)f;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	rmap_hdr_init(h, RMAP_WRITE, 0x11223344, 0x55667788);
	h->page.offset = cpu_to_be64(0x1000);
	h->page.size = cpu_to_be32(len);
	h->page.wseq = cpu_to_be64(7);
	h->frag_len = cpu_to_be16(len);
	h->total_len = cpu_to_be32(len);
	h->key_id = cpu_to_be16(0x2a2a);
	h->counter = cpu_to_be64(0x0123456789abcdefULL);
	for (i = 0; i < len; i++)
		f[RMAP_HDR_LEN + i] = i * 31 + 1;
	return f;
}

/* The tag is what lib/crypto's AEAD gives for the frame as associated data. */
static void rmap_auth_tag_is_chacha20poly1305(struct kunit *test)
{
	unsigned int len = 1416;
	u8 *f = test_frame(test, len);
	u8 *ad = kunit_kzalloc(test, 2 * ETH_ALEN + RMAP_HDR_LEN + len, GFP_KERNEL);
	u8 key[RMAP_KEY_LEN], tag[RMAP_TAG_LEN], want[RMAP_TAG_LEN];
	struct rmap_hdr *h = (struct rmap_hdr *)f;

	KUNIT_ASSERT_NOT_NULL(test, ad);
	test_key(key, 3);
	rmap_frame_tag(tag, key, dst, src, h, f + RMAP_HDR_LEN);

	memcpy(ad, dst, ETH_ALEN);
	memcpy(ad + ETH_ALEN, src, ETH_ALEN);
	memcpy(ad + 2 * ETH_ALEN, f, RMAP_HDR_LEN + len);
	chacha20poly1305_encrypt(want, NULL, 0, ad, 2 * ETH_ALEN + RMAP_HDR_LEN + len,
				 be64_to_cpu(h->counter), key);
	KUNIT_EXPECT_EQ(test, memcmp(tag, want, RMAP_TAG_LEN), 0);

	/* The crc and tag fields count as zero: sealing does not change the tag. */
	memcpy(h->tag, tag, RMAP_TAG_LEN);
	h->crc = cpu_to_be32(0xdeadbeef);
	rmap_frame_tag(want, key, dst, src, h, f + RMAP_HDR_LEN);
	KUNIT_EXPECT_EQ(test, memcmp(tag, want, RMAP_TAG_LEN), 0);
}

/*
 * An encrypted frame (encrypt=1) is what the AEAD makes of its payload,
 * with the addresses and the header as associated data; it decrypts back.
 */
static void rmap_auth_encrypted_is_chacha20poly1305(struct kunit *test)
{
	unsigned int len = 1264, adlen = 2 * ETH_ALEN + RMAP_HDR_LEN;
	u8 *f = test_frame(test, len);
	u8 *plain = kunit_kzalloc(test, len, GFP_KERNEL);
	u8 *ad = kunit_kzalloc(test, adlen, GFP_KERNEL);
	u8 *want = kunit_kzalloc(test, len + RMAP_TAG_LEN, GFP_KERNEL);
	struct rmap_hdr *h = (struct rmap_hdr *)f;
	u8 key[RMAP_KEY_LEN], tag[RMAP_TAG_LEN];

	KUNIT_ASSERT_NOT_NULL(test, plain);
	KUNIT_ASSERT_NOT_NULL(test, ad);
	KUNIT_ASSERT_NOT_NULL(test, want);
	test_key(key, 5);
	h->flags |= RMAP_F_ENCRYPTED;
	memcpy(plain, f + RMAP_HDR_LEN, len);
	rmap_frame_crypt(key, be64_to_cpu(h->counter), f + RMAP_HDR_LEN, len);
	rmap_frame_tag(tag, key, dst, src, h, f + RMAP_HDR_LEN);

	memcpy(ad, dst, ETH_ALEN);
	memcpy(ad + ETH_ALEN, src, ETH_ALEN);
	memcpy(ad + 2 * ETH_ALEN, f, RMAP_HDR_LEN);
	chacha20poly1305_encrypt(want, plain, len, ad, adlen, be64_to_cpu(h->counter), key);
	KUNIT_EXPECT_EQ(test, memcmp(f + RMAP_HDR_LEN, want, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(tag, want + len, RMAP_TAG_LEN), 0);
	KUNIT_EXPECT_NE(test, memcmp(f + RMAP_HDR_LEN, plain, len), 0);

	/* A flipped bit of ciphertext changes the tag. */
	f[RMAP_HDR_LEN + 100] ^= 0x10;
	rmap_frame_tag(want, key, dst, src, h, f + RMAP_HDR_LEN);
	KUNIT_EXPECT_NE(test, memcmp(tag, want, RMAP_TAG_LEN), 0);
	f[RMAP_HDR_LEN + 100] ^= 0x10;

	rmap_frame_crypt(key, be64_to_cpu(h->counter), f + RMAP_HDR_LEN, len);
	KUNIT_EXPECT_EQ(test, memcmp(f + RMAP_HDR_LEN, plain, len), 0);
}

/* Every bit of the addresses, the header and the payload is covered. */
static void rmap_auth_every_bit_counts(struct kunit *test)
{
	unsigned int len = 64, total = 2 * ETH_ALEN + RMAP_HDR_LEN + len, bit;
	u8 *f = test_frame(test, len);
	u8 *buf = kunit_kzalloc(test, total, GFP_KERNEL);
	u8 key[RMAP_KEY_LEN], tag[RMAP_TAG_LEN], other[RMAP_TAG_LEN];
	size_t tag_at = 2 * ETH_ALEN + offsetof(struct rmap_hdr, tag);
	size_t crc_at = 2 * ETH_ALEN + offsetof(struct rmap_hdr, crc);
	unsigned int changed = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	test_key(key, 9);
	memcpy(buf, dst, ETH_ALEN);
	memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	memcpy(buf + 2 * ETH_ALEN, f, RMAP_HDR_LEN + len);
	rmap_frame_tag(tag, key, buf, buf + ETH_ALEN, (struct rmap_hdr *)(buf + 2 * ETH_ALEN),
		       buf + 2 * ETH_ALEN + RMAP_HDR_LEN);

	for (bit = 0; bit < total * 8; bit++) {
		size_t byte = bit / 8;

		/* The tag cannot cover itself; the CRC field counts as zero. */
		if ((byte >= tag_at && byte < tag_at + RMAP_TAG_LEN) ||
		    (byte >= crc_at && byte < crc_at + 4))
			continue;
		/* frag_len decides how much payload there is: kept. */
		if (byte >= 2 * ETH_ALEN + offsetof(struct rmap_hdr, frag_len) &&
		    byte < 2 * ETH_ALEN + offsetof(struct rmap_hdr, frag_len) + 2)
			continue;
		buf[byte] ^= BIT(bit % 8);
		rmap_frame_tag(other, key, buf, buf + ETH_ALEN,
			       (struct rmap_hdr *)(buf + 2 * ETH_ALEN),
			       buf + 2 * ETH_ALEN + RMAP_HDR_LEN);
		buf[byte] ^= BIT(bit % 8);
		changed += !!memcmp(tag, other, RMAP_TAG_LEN);
		if (!memcmp(tag, other, RMAP_TAG_LEN))
			KUNIT_FAIL(test, "bit %u of the frame is not covered by the tag", bit);
	}
	KUNIT_EXPECT_EQ(test, changed, (total - RMAP_TAG_LEN - 4 - 2) * 8);

	/*
	 * frag_len too, where it says more payload or less (a node with keys
	 * checks no CRC that would catch it first): 64 bytes of room after.
	 */
	for (bit = 0; bit < 7; bit++) {
		u8 *room = kunit_kzalloc(test, total + 64, GFP_KERNEL);
		struct rmap_hdr *h;

		KUNIT_ASSERT_NOT_NULL(test, room);
		memcpy(room, buf, total);
		h = (struct rmap_hdr *)(room + 2 * ETH_ALEN);
		h->frag_len ^= cpu_to_be16(BIT(bit));
		rmap_frame_tag(other, key, room, room + ETH_ALEN, h,
			       room + 2 * ETH_ALEN + RMAP_HDR_LEN);
		if (!memcmp(tag, other, RMAP_TAG_LEN))
			KUNIT_FAIL(test, "bit %u of frag_len is not covered by the tag", bit);
	}

	/* Another key, or another counter, gives another tag. */
	key[0] ^= 1;
	rmap_frame_tag(other, key, dst, src, (struct rmap_hdr *)f, f + RMAP_HDR_LEN);
	KUNIT_EXPECT_NE(test, memcmp(tag, other, RMAP_TAG_LEN), 0);
}

#define EPOCH	0x1234567890abcdefULL

static void rmap_auth_replay_window(struct kunit *test)
{
	struct rmap_replay *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u64 base = 1000000000000ULL;

	KUNIT_ASSERT_NOT_NULL(test, r);
	/* No sealed frame has counter 0. */
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, 0));
	/* The first counter from a sender is taken, once. */
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base));
	/* Out of order within the window: each taken once. */
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 10));
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 7));
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 3));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base + 7));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base + 10));
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 9));
	/* Below the window: too old, even if never seen. */
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 10 + RMAP_REPLAY_WINDOW));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base + 9));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base + 10));
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 11));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base + 11));
	/* Sliding by less than the window across its end keeps what is in it. */
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 10 + RMAP_REPLAY_WINDOW + 100));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base + 10 + RMAP_REPLAY_WINDOW));
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 10 + RMAP_REPLAY_WINDOW + 50));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base + 11));
	/* A jump far ahead forgets everything below. */
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 100 * RMAP_REPLAY_WINDOW));
	KUNIT_EXPECT_FALSE(test,
			   rmap_replay_accept(r, EPOCH, base + 10 + RMAP_REPLAY_WINDOW + 100));
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 100 * RMAP_REPLAY_WINDOW - 1));
}

/*
 * A sender loaded again has a new epoch and counters beyond the old ones:
 * taken, the window afresh. A frame of the old epoch, or of a new one
 * with an older counter (a replay from an earlier load), is not.
 */
static void rmap_auth_replay_epochs(struct kunit *test)
{
	struct rmap_replay *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u64 base = 1000000000000ULL;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base));
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, base + 5));
	/* An earlier load's frame: its counters are below. */
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH + 1, base - 1000));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH + 1, base + 5));
	KUNIT_EXPECT_EQ(test, r->epoch, EPOCH);
	/* The new load. */
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH + 2, base + 100));
	KUNIT_EXPECT_EQ(test, r->epoch, EPOCH + 2);
	KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH + 2, base + 99));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH + 2, base + 100));
	/* The old load's frames, even within the window, are not taken. */
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base + 6));
	KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, base + 98));
}

/* A received frame checked as rmap_rcv() does: under the tenant it names. */
static enum rmap_drop test_check(struct rmap_hdr *h, const u8 *to, const u8 *from, u8 *payload)
{
	return rmap_auth_check(h, rmap_auth_tenant(h), NULL, to, from, payload);
}

/*
 * The seal as the data path uses it: under the module's key, a frame
 * sealed by rmap_auth_seal() passes rmap_auth_check(); one changed, sent
 * to another address, under another key id or unsealed does not; an
 * encrypted one decrypts only when its tag is right; a node without a
 * key refuses sealed and encrypted frames, a node that encrypts refuses
 * payloads in the clear.
 */
static void rmap_auth_seal_and_check(struct kunit *test)
{
	unsigned int len = 200;
	u8 *f = test_frame(test, len), *g = test_frame(test, len);
	struct rmap_hdr *h = (struct rmap_hdr *)f, *k = (struct rmap_hdr *)g;
	u8 cluster[RMAP_KEY_LEN], *plain = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, plain);
	memcpy(plain, f + RMAP_HDR_LEN, len);
	test_key(cluster, 77);
	rmap_auth_use_key(cluster, false);

	rmap_auth_seal(h, 0, NULL, dst, src, f + RMAP_HDR_LEN);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(h->key_id), rmap_key_id_of(cluster));
	KUNIT_EXPECT_NE(test, h->counter, 0);
	KUNIT_EXPECT_NE(test, h->epoch, 0);
	KUNIT_EXPECT_EQ(test, test_check(h, dst, src, f + RMAP_HDR_LEN),
			RMAP_DROP_NONE);
	/* Sent on to another node, or from another: the addresses are covered. */
	KUNIT_EXPECT_EQ(test, test_check(h, src, src, f + RMAP_HDR_LEN),
			RMAP_DROP_AUTH);
	KUNIT_EXPECT_EQ(test, test_check(h, dst, dst, f + RMAP_HDR_LEN),
			RMAP_DROP_AUTH);
	f[RMAP_HDR_LEN + 7] ^= 1;
	KUNIT_EXPECT_EQ(test, test_check(h, dst, src, f + RMAP_HDR_LEN),
			RMAP_DROP_AUTH);
	f[RMAP_HDR_LEN + 7] ^= 1;
	h->key_id ^= cpu_to_be16(1);
	KUNIT_EXPECT_EQ(test, test_check(h, dst, src, f + RMAP_HDR_LEN),
			RMAP_DROP_KEY);
	h->key_id ^= cpu_to_be16(1);
	/* Each frame its own counter. */
	rmap_auth_seal(k, 0, NULL, dst, src, g + RMAP_HDR_LEN);
	KUNIT_EXPECT_GT(test, be64_to_cpu(k->counter), be64_to_cpu(h->counter));

	/* Encrypted: ciphertext on the wire, the plaintext back after the check. */
	rmap_auth_seal_encrypted(k, 0, NULL, dst, src, g + RMAP_HDR_LEN);
	KUNIT_EXPECT_TRUE(test, k->flags & RMAP_F_ENCRYPTED);
	KUNIT_EXPECT_NE(test, memcmp(g + RMAP_HDR_LEN, plain, len), 0);
	g[RMAP_HDR_LEN + 3] ^= 4;
	KUNIT_EXPECT_EQ(test, test_check(k, dst, src, g + RMAP_HDR_LEN),
			RMAP_DROP_AUTH);
	KUNIT_EXPECT_NE(test, memcmp(g + RMAP_HDR_LEN, plain, len), 0);
	g[RMAP_HDR_LEN + 3] ^= 4;
	KUNIT_EXPECT_EQ(test, test_check(k, dst, src, g + RMAP_HDR_LEN),
			RMAP_DROP_NONE);
	KUNIT_EXPECT_EQ(test, memcmp(g + RMAP_HDR_LEN, plain, len), 0);

	/* A node that encrypts refuses a payload in the clear. */
	rmap_auth_use_key(cluster, true);
	rmap_auth_seal(h, 0, NULL, dst, src, f + RMAP_HDR_LEN);
	KUNIT_EXPECT_EQ(test, test_check(h, dst, src, f + RMAP_HDR_LEN),
			RMAP_DROP_CLEAR);

	/* A node without a key: sealed frames are of an unknown key. */
	rmap_auth_exit();
	KUNIT_EXPECT_EQ(test, test_check(h, dst, src, f + RMAP_HDR_LEN),
			RMAP_DROP_KEY);
	rmap_auth_seal(h, 0, NULL, dst, src, f + RMAP_HDR_LEN);
	KUNIT_EXPECT_EQ(test, h->key_id, 0);
	KUNIT_EXPECT_EQ(test, h->counter, 0);
	KUNIT_EXPECT_EQ(test, test_check(h, dst, src, f + RMAP_HDR_LEN),
			RMAP_DROP_NONE);
	h->flags |= RMAP_F_ENCRYPTED;
	KUNIT_EXPECT_EQ(test, test_check(h, dst, src, f + RMAP_HDR_LEN),
			RMAP_DROP_KEY);
}

/* Every counter in a stream with gaps and reordering taken exactly once. */
static void rmap_auth_replay_stream(struct kunit *test)
{
	struct rmap_replay *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u64 c, base = 5000;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (c = base; c < base + 5 * RMAP_REPLAY_WINDOW; c += 4) {
		/* Pairs swapped: c + 2 arrives before c. */
		KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, c + 2));
		KUNIT_EXPECT_TRUE(test, rmap_replay_accept(r, EPOCH, c));
		KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, c + 2));
		KUNIT_EXPECT_FALSE(test, rmap_replay_accept(r, EPOCH, c));
	}
}

static void rmap_auth_key_parse(struct kunit *test)
{
	static const char good[] =
		"000102030405060708090a0b0c0d0e0f 101112131415161718191A1B1C1D1E1F\n";
	static const char long_key[] =
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0";
	static const char bad_digit[] =
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g";
	u8 key[RMAP_KEY_LEN];
	int i;

	KUNIT_EXPECT_EQ(test, rmap_key_parse(good, strlen(good), key), 0);
	for (i = 0; i < RMAP_KEY_LEN; i++)
		KUNIT_EXPECT_EQ(test, key[i], (u8)i);
	/* One digit short, one too many, a stray character, nothing. */
	KUNIT_EXPECT_EQ(test, rmap_key_parse(good, 63, key), -EINVAL);
	KUNIT_EXPECT_EQ(test, rmap_key_parse("0", 1, key), -EINVAL);
	KUNIT_EXPECT_EQ(test, rmap_key_parse("", 0, key), -EINVAL);
	KUNIT_EXPECT_EQ(test, rmap_key_parse(long_key, strlen(long_key), key), -EINVAL);
	KUNIT_EXPECT_EQ(test, rmap_key_parse(bad_digit, strlen(bad_digit), key), -EINVAL);
	/* A refused key leaves nothing behind. */
	KUNIT_EXPECT_TRUE(test, !memchr_inv(key, 0, RMAP_KEY_LEN));
}

static void rmap_auth_keys_parse(struct kunit *test)
{
	static const char file[] =
		"# the tenants\n"
		"\n"
		"blue 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
		"  202122232425262728292a2b2c2d2e2f 303132333435363738393a3b3c3d3e3f\n"
		"red-2 404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";
	static const char same_name[] =
		"blue 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
		"blue 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f\n";
	static const char same_key[] =
		"blue 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
		"red 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
	static const char bad_name[] =
		"blue 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
		"Red 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f\n";
	struct rmap_tenant *t = kunit_kcalloc(test, RMAP_MAX_TENANTS + 1, sizeof(*t), GFP_KERNEL);
	char *many = kunit_kzalloc(test, 2048, GFP_KERNEL);
	unsigned int line, i, len = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, many);
	KUNIT_ASSERT_EQ(test, rmap_keys_parse(file, strlen(file), t, RMAP_MAX_TENANTS, &line), 3);
	KUNIT_EXPECT_STREQ(test, t[0].name, "blue");
	KUNIT_EXPECT_STREQ(test, t[1].name, "default");
	KUNIT_EXPECT_STREQ(test, t[2].name, "red-2");
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, t[i].key[0], (u8)(32 * i));
		KUNIT_EXPECT_EQ(test, t[i].key[31], (u8)(32 * i + 31));
		KUNIT_EXPECT_EQ(test, t[i].key_id, rmap_key_id_of(t[i].key));
	}
	/* Refused, with the line that is wrong, and nothing left behind. */
	KUNIT_EXPECT_EQ(test, rmap_keys_parse(same_name, strlen(same_name), t, RMAP_MAX_TENANTS,
					      &line), -EINVAL);
	KUNIT_EXPECT_EQ(test, line, 2);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(t, 0, RMAP_MAX_TENANTS * sizeof(*t)));
	KUNIT_EXPECT_EQ(test, rmap_keys_parse(same_key, strlen(same_key), t, RMAP_MAX_TENANTS,
					      &line), -EINVAL);
	KUNIT_EXPECT_EQ(test, line, 2);
	KUNIT_EXPECT_EQ(test, rmap_keys_parse(bad_name, strlen(bad_name), t, RMAP_MAX_TENANTS,
					      &line), -EINVAL);
	KUNIT_EXPECT_EQ(test, line, 2);
	KUNIT_EXPECT_EQ(test, rmap_keys_parse("# none\n", 7, t, RMAP_MAX_TENANTS, &line), -EINVAL);
	KUNIT_EXPECT_EQ(test, line, 0);
	/* One key more than there is room for. */
	for (i = 0; i <= RMAP_MAX_TENANTS; i++)
		len += scnprintf(many + len, 2048 - len, "k%u %064x\n", i, i + 1);
	KUNIT_EXPECT_EQ(test, rmap_keys_parse(many, len, t, RMAP_MAX_TENANTS, &line), -EINVAL);
	KUNIT_EXPECT_EQ(test, line, RMAP_MAX_TENANTS + 1);
	KUNIT_EXPECT_EQ(test, rmap_keys_parse(many, len, t, RMAP_MAX_TENANTS + 1, &line),
			RMAP_MAX_TENANTS + 1);
}

/*
 * Tenants apart: a frame names its tenant by key id and is checked under
 * that tenant's key only; a holder of one tenant's key cannot make a
 * frame that passes as another's, whatever key id it writes.
 */
static void rmap_auth_tenants_apart(struct kunit *test)
{
	unsigned int len = 64;
	u8 *f = test_frame(test, len);
	struct rmap_hdr *h = (struct rmap_hdr *)f;
	struct rmap_tenant *t = kunit_kcalloc(test, 2, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	strscpy(t[0].name, "blue", sizeof(t[0].name));
	strscpy(t[1].name, "red", sizeof(t[1].name));
	test_key(t[0].key, 5);
	test_key(t[1].key, 6);
	t[0].key_id = rmap_key_id_of(t[0].key);
	t[1].key_id = rmap_key_id_of(t[1].key);
	KUNIT_ASSERT_NE(test, t[0].key_id, t[1].key_id);
	rmap_auth_use_keys(t, 2, false);
	KUNIT_EXPECT_EQ(test, rmap_tenants_nr(), 2);
	KUNIT_EXPECT_EQ(test, rmap_tenant_find("red"), 1);
	KUNIT_EXPECT_EQ(test, rmap_tenant_find("green"), -ENOENT);

	rmap_auth_seal(h, 1, NULL, dst, src, f + RMAP_HDR_LEN);
	KUNIT_EXPECT_EQ(test, rmap_auth_tenant(h), 1);
	KUNIT_EXPECT_EQ(test, rmap_auth_check(h, 1, NULL, dst, src, f + RMAP_HDR_LEN),
			RMAP_DROP_NONE);
	KUNIT_EXPECT_EQ(test, rmap_auth_check(h, 0, NULL, dst, src, f + RMAP_HDR_LEN),
			RMAP_DROP_KEY);
	/* Red's frame relabelled as blue's: blue's key finds the tag wrong. */
	h->key_id = cpu_to_be16(t[0].key_id);
	KUNIT_EXPECT_EQ(test, test_check(h, dst, src, f + RMAP_HDR_LEN), RMAP_DROP_AUTH);
	/* A key id of nobody's. */
	h->key_id = cpu_to_be16(t[0].key_id ^ t[1].key_id ^ 0x5a5a);
	KUNIT_EXPECT_EQ(test, rmap_auth_tenant(h), -1);
	rmap_auth_exit();
	KUNIT_EXPECT_EQ(test, rmap_tenants_nr(), 1);
	KUNIT_EXPECT_STREQ(test, rmap_tenant_name(0), "default");
}

static void rmap_auth_key_derivation(struct kunit *test)
{
	u8 cluster[RMAP_KEY_LEN], a[RMAP_KEY_LEN], b[RMAP_KEY_LEN], c[RMAP_KEY_LEN];

	u16 id;

	test_key(cluster, 1);
	rmap_key_derive(cluster, src, EPOCH, a);
	rmap_key_derive(cluster, src, EPOCH, b);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, RMAP_KEY_LEN), 0);
	/* Each sender its own key, and each load of it... */
	rmap_key_derive(cluster, dst, EPOCH, b);
	KUNIT_EXPECT_NE(test, memcmp(a, b, RMAP_KEY_LEN), 0);
	rmap_key_derive(cluster, src, EPOCH + 1, b);
	KUNIT_EXPECT_NE(test, memcmp(a, b, RMAP_KEY_LEN), 0);
	/* ...none of them the cluster key, and another cluster, other keys. */
	KUNIT_EXPECT_NE(test, memcmp(a, cluster, RMAP_KEY_LEN), 0);
	id = rmap_key_id_of(cluster);
	cluster[31] ^= 0x80;
	rmap_key_derive(cluster, src, EPOCH, c);
	KUNIT_EXPECT_NE(test, memcmp(a, c, RMAP_KEY_LEN), 0);
	/* Another cluster, another key id (these two keys' ids differ). */
	KUNIT_EXPECT_NE(test, rmap_key_id_of(cluster), id);
}

static struct kunit_case rmap_auth_cases[] = {
	KUNIT_CASE(rmap_auth_tag_is_chacha20poly1305),
	KUNIT_CASE(rmap_auth_encrypted_is_chacha20poly1305),
	KUNIT_CASE(rmap_auth_every_bit_counts),
	KUNIT_CASE(rmap_auth_replay_window),
	KUNIT_CASE(rmap_auth_replay_epochs),
	KUNIT_CASE(rmap_auth_seal_and_check),
	KUNIT_CASE(rmap_auth_replay_stream),
	KUNIT_CASE(rmap_auth_key_parse),
	KUNIT_CASE(rmap_auth_key_derivation),
	KUNIT_CASE(rmap_auth_keys_parse),
	KUNIT_CASE(rmap_auth_tenants_apart),
	{}
};

static struct kunit_suite rmap_auth_suite = {
	.name = "rmap_auth",
	.test_cases = rmap_auth_cases,
};

kunit_test_suite(rmap_auth_suite);

MODULE_DESCRIPTION("KUnit tests for authenticated RMAP frames and replay windows");
MODULE_LICENSE("GPL");
