// SPDX-License-Identifier: GPL-2.0
/*
 * Authenticated frames. With keys (module parameter key_file), every
 * frame carries a Poly1305 tag over its Ethernet addresses, its header
 * and its payload: ChaCha20-Poly1305 (RFC 8439) with the whole frame as
 * associated data and nothing encrypted (or the payload encrypted, with
 * encrypt=1). Each sender seals with a key of its own, derived from a
 * tenant's key, its MAC and a random epoch drawn at load: a 64-bit
 * counter is the nonce, and no (key, nonce) pair ever repeats, even if
 * the clock steps back or a VM is cloned. The receiver keeps a window of
 * the counters it took from each peer (and remembers peers it forgot a
 * while), so a replayed frame is refused.
 *
 * Each key is a tenant: nodes that share it see each other, and only
 * each other, as peers (a peer is an address under a key). A server
 * holding several tenants' keys serves each apart; a driver domain
 * binds each device to one (docs/security.md).
 *
 * Why this primitive: lib/crypto's ChaCha20 and Poly1305 need no
 * crypto-API transform per frame and never sleep (the receive path runs
 * in softirq), are constant time in software, and have SIMD versions on
 * x86 and arm64; AES-GCM is faster only where AES-NI is there, and
 * through the crypto API.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/blake2s.h>
#include <crypto/chacha.h>
#include <crypto/poly1305.h>
#include <linux/bitmap.h>
#include <linux/ctype.h>
#include <linux/kernel_read_file.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/unaligned.h>
#include <memx/compat.h>

#include "rmap_proto.h"

/* Domain separation: these strings make the derived keys RMAP's own. */
static const char rmap_sender_label[] = "memx rmap v2 sender key";
static const char rmap_key_id_label[] = "memx rmap v2 key id";

/* Tenant 0 without a key: key_id 0, frames go unsealed. */
static struct rmap_tenant rmap_tenants[RMAP_MAX_TENANTS] = { { .name = "default" } };
static unsigned int rmap_nr_tenants = 1;
static bool rmap_encrypt;
static u64 rmap_epoch;			/* ours, random per load, never 0 */
static atomic64_t rmap_tx_counter;

/**
 * rmap_key_parse() - read a cluster key written as hexadecimal
 * @text: 64 hexadecimal digits; white space anywhere is ignored
 * @len: bytes of @text
 * @key: the RMAP_KEY_LEN bytes read
 *
 * Return: 0, or -EINVAL for anything but exactly 64 digits.
 */
int rmap_key_parse(const char *text, size_t len, u8 key[RMAP_KEY_LEN])
{
	unsigned int digits = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int v;

		if (isspace(text[i]))
			continue;
		v = hex_to_bin(text[i]);
		if (v < 0 || digits >= 2 * RMAP_KEY_LEN)
			goto bad;
		if (digits % 2)
			key[digits / 2] |= v;
		else
			key[digits / 2] = v << 4;
		digits++;
	}
	if (digits == 2 * RMAP_KEY_LEN)
		return 0;
bad:
	memzero_explicit(key, RMAP_KEY_LEN);
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_key_parse);

/* A tenant's name: 1 to RMAP_TENANT_NAME_LEN - 1 of [a-z0-9_-]. */
static bool rmap_tenant_name_ok(const char *name, size_t len)
{
	size_t i;

	if (!len || len >= RMAP_TENANT_NAME_LEN)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '_')
			return false;
	}
	return true;
}

/**
 * rmap_keys_parse() - read a key file: one key per line
 * @text: the file; each line empty, a comment (#), "NAME KEY" or a lone
 *	KEY (the tenant "default"), KEY being 64 hexadecimal digits
 * @len: bytes of @text
 * @t: the tenants read, up to @max
 * @max: room in @t
 * @line: set to the number of the first bad line, or 0 when there is
 *	no key at all
 *
 * Names and keys must be unique, and so must the keys' ids.
 *
 * Return: tenants read (at least one), or -EINVAL.
 */
int rmap_keys_parse(const char *text, size_t len, struct rmap_tenant *t, unsigned int max,
		    unsigned int *line)
{
	const char *p = text, *end = text + len;
	unsigned int n = 0, i;

	for (*line = 1; p < end; (*line)++) {
		const char *eol = memchr(p, '\n', end - p) ?: end;
		const char *p_line = p, *q = p, *name;
		size_t name_len = 0;

		p = eol < end ? eol + 1 : end;
		while (q < eol && isspace(*q))
			q++;
		if (q == eol || *q == '#')
			continue;
		if (n == max)
			goto bad;
		/* A name ends at the first blank; without one, the line is a lone key. */
		name = q;
		while (q < eol && !isspace(*q))
			q++;
		name_len = q - name;
		if (!rmap_tenant_name_ok(name, name_len) || rmap_key_parse(q, eol - q, t[n].key)) {
			name = NULL;
			if (rmap_key_parse(p_line, eol - p_line, t[n].key))
				goto bad;
		}
		memset(t[n].name, 0, sizeof(t[n].name));
		memcpy(t[n].name, name ?: "default", name ? name_len : strlen("default"));
		t[n].key_id = rmap_key_id_of(t[n].key);
		for (i = 0; i < n; i++) {
			if (!strcmp(t[i].name, t[n].name) || t[i].key_id == t[n].key_id)
				goto bad;
		}
		n++;
	}
	if (n)
		return n;
	*line = 0;
bad:
	memzero_explicit(t, max * sizeof(*t));
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_keys_parse);

/**
 * rmap_key_derive() - the key a node seals its frames with
 * @cluster: the cluster key
 * @mac: the node's address on the interface the frames leave from
 * @epoch: the node's epoch (random per load of its rmap_proto)
 * @out: its key: BLAKE2s-256, keyed with @cluster, of a label, @mac and
 *	@epoch (big endian)
 */
void rmap_key_derive(const u8 cluster[RMAP_KEY_LEN], const u8 *mac, u64 epoch,
		     u8 out[RMAP_KEY_LEN])
{
	u8 msg[sizeof(rmap_sender_label) + ETH_ALEN + sizeof(__be64)];

	memcpy(msg, rmap_sender_label, sizeof(rmap_sender_label));
	memcpy(msg + sizeof(rmap_sender_label), mac, ETH_ALEN);
	put_unaligned_be64(epoch, msg + sizeof(rmap_sender_label) + ETH_ALEN);
	blake2s(out, msg, cluster, RMAP_KEY_LEN, sizeof(msg), RMAP_KEY_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_key_derive);

/**
 * rmap_key_id_of() - the key_id frames sealed under a cluster key carry
 * @cluster: the cluster key
 *
 * It names the key, so that a node can tell a frame of another cluster
 * (or of the next key, during a rotation) from a forged one; it reveals
 * nothing of the key.
 *
 * Return: 16 bits of a BLAKE2s hash keyed with @cluster, never 0.
 */
u16 rmap_key_id_of(const u8 cluster[RMAP_KEY_LEN])
{
	u8 id[2];

	blake2s(id, rmap_key_id_label, cluster, sizeof(id), sizeof(rmap_key_id_label),
		RMAP_KEY_LEN);
	return get_unaligned_be16(id) ?: 1;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_key_id_of);

static void rmap_poly1305_pad(struct poly1305_desc_ctx *poly, size_t len)
{
	static const u8 zero[16];

	if (len % 16)
		poly1305_update(poly, zero, 16 - len % 16);
}

/*
 * ChaCha20 under @key with @counter as the nonce, as RFC 8439's AEAD uses
 * it: block 0 gives the Poly1305 key (into @poly_key), later blocks the
 * keystream XORed into @buf (@len bytes, none for a tag alone).
 */
static void rmap_chacha20(const u8 key[RMAP_KEY_LEN], u64 counter, u8 poly_key[POLY1305_KEY_SIZE],
			  u8 *buf, unsigned int len)
{
	u32 chacha[CHACHA_STATE_WORDS], k[CHACHA_KEY_SIZE / sizeof(u32)];
	__le64 iv[2] = { 0, cpu_to_le64(counter) };
	int i;

	for (i = 0; i < ARRAY_SIZE(k); i++)
		k[i] = get_unaligned_le32(key + 4 * i);
	chacha_init(chacha, k, (u8 *)iv);
	memset(poly_key, 0, POLY1305_KEY_SIZE);
	/* A partial block: the state moves on to block 1 for the payload. */
	chacha20_crypt(chacha, poly_key, poly_key, POLY1305_KEY_SIZE);
	if (len)
		chacha20_crypt(chacha, buf, buf, len);
	memzero_explicit(chacha, sizeof(chacha));
	memzero_explicit(k, sizeof(k));
}

static void rmap_poly1305_piece(void *ctx, const u8 *p, unsigned int n)
{
	poly1305_update(ctx, p, n);
}

/**
 * rmap_frame_tag_data() - the tag of a frame whose payload lies anywhere
 * @tag: RMAP_TAG_LEN bytes out
 * @key: the sender's key
 * @dst: the frame's Ethernet destination
 * @src: its Ethernet source
 * @h: its header
 * @d: where its payload lies
 *
 * As rmap_frame_tag(), below.
 */
void rmap_frame_tag_data(u8 tag[RMAP_TAG_LEN], const u8 key[RMAP_KEY_LEN], const u8 *dst,
			 const u8 *src, const struct rmap_hdr *h, const struct rmap_frag_data *d)
{
	size_t ad_len = 2 * ETH_ALEN + RMAP_HDR_LEN, ct_len = be16_to_cpu(h->frag_len);
	struct poly1305_desc_ctx poly;
	struct rmap_hdr hdr = *h;
	union {
		u8 poly_key[POLY1305_KEY_SIZE];
		__le64 lens[2];
	} b;

	if (!(h->flags & RMAP_F_ENCRYPTED)) {
		ad_len += ct_len;
		ct_len = 0;
	}
	rmap_chacha20(key, be64_to_cpu(h->counter), b.poly_key, NULL, 0);
	poly1305_init(&poly, b.poly_key);

	hdr.crc = 0;
	memset(hdr.tag, 0, sizeof(hdr.tag));
	poly1305_update(&poly, dst, ETH_ALEN);
	poly1305_update(&poly, src, ETH_ALEN);
	poly1305_update(&poly, (const u8 *)&hdr, RMAP_HDR_LEN);
	if (!ct_len)
		rmap_frag_data_walk(d, ad_len - 2 * ETH_ALEN - RMAP_HDR_LEN, rmap_poly1305_piece,
				    &poly);
	rmap_poly1305_pad(&poly, ad_len);
	if (ct_len) {
		rmap_frag_data_walk(d, ct_len, rmap_poly1305_piece, &poly);
		rmap_poly1305_pad(&poly, ct_len);
	}
	b.lens[0] = cpu_to_le64(ad_len);
	b.lens[1] = cpu_to_le64(ct_len);
	poly1305_update(&poly, (const u8 *)b.lens, sizeof(b.lens));
	poly1305_final(&poly, tag);
	memzero_explicit(&b, sizeof(b));
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frame_tag_data);

/**
 * rmap_frame_tag() - the tag of a frame
 * @tag: RMAP_TAG_LEN bytes out
 * @key: the sender's key (rmap_key_derive())
 * @dst: the frame's Ethernet destination
 * @src: its Ethernet source
 * @h: its header; the counter is the nonce, crc and tag count as zero
 * @payload: its frag_len payload bytes (ciphertext if RMAP_F_ENCRYPTED)
 *
 * ChaCha20-Poly1305 as RFC 8439 and lib/crypto define it: the tag
 * chacha20poly1305_encrypt() gives with @dst, @src and the header, in
 * that order, as the associated data, and the payload as the ciphertext
 * when the frame is encrypted, or as more associated data when it is not
 * (an empty plaintext).
 */
void rmap_frame_tag(u8 tag[RMAP_TAG_LEN], const u8 key[RMAP_KEY_LEN], const u8 *dst,
		    const u8 *src, const struct rmap_hdr *h, const void *payload)
{
	struct rmap_frag_data d = { .flat = payload };

	rmap_frame_tag_data(tag, key, dst, src, h, &d);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frame_tag);

/**
 * rmap_frame_crypt() - encrypt or decrypt a frame's payload in place
 * @key: the sender's key
 * @counter: the frame's counter (its nonce)
 * @payload: the frag_len bytes
 * @len: frag_len
 *
 * The ChaCha20 keystream from block 1 on, as in RFC 8439's AEAD, so that
 * with rmap_frame_tag() a frame is what chacha20poly1305_encrypt() makes.
 */
void rmap_frame_crypt(const u8 key[RMAP_KEY_LEN], u64 counter, u8 *payload, unsigned int len)
{
	u8 poly_key[POLY1305_KEY_SIZE];

	rmap_chacha20(key, counter, poly_key, payload, len);
	memzero_explicit(poly_key, sizeof(poly_key));
}
EXPORT_SYMBOL_IF_KUNIT(rmap_frame_crypt);

/**
 * rmap_replay_accept() - whether a frame's counter is new from its sender
 * @r: the window of counters taken from that sender
 * @epoch: the frame's epoch
 * @counter: the frame's counter
 *
 * A sender's counter only grows, but its frames may arrive a little out
 * of order: one is taken once if within RMAP_REPLAY_WINDOW of the
 * highest taken, never again, and never when older than that. A new
 * epoch is the sender loaded again: its counters go on from the wall
 * clock, so only those beyond the highest taken start it (a frame of an
 * earlier load replayed is older); the window then starts afresh, and
 * @r->epoch says the sender's key changed.
 *
 * Return: true when the frame is to be taken; it is then marked seen.
 */
bool rmap_replay_accept(struct rmap_replay *r, u64 epoch, u64 counter)
{
	unsigned int bit = counter % RMAP_REPLAY_WINDOW;

	/* Counters start at the wall clock: 0 is no sealed frame's. */
	if (!counter)
		return false;
	if (epoch != r->epoch) {
		if (r->top && counter <= r->top)
			return false;
		r->epoch = epoch;
		r->top = 0;
	}
	if (!r->top || counter > r->top) {
		u64 ahead = r->top ? counter - r->top : RMAP_REPLAY_WINDOW;

		if (ahead >= RMAP_REPLAY_WINDOW) {
			bitmap_zero(r->seen, RMAP_REPLAY_WINDOW);
		} else {
			/* Clear the bits the window slides over, past its end too. */
			unsigned int from = (r->top + 1) % RMAP_REPLAY_WINDOW;
			unsigned int n = ahead;

			if (from + n > RMAP_REPLAY_WINDOW) {
				bitmap_clear(r->seen, from, RMAP_REPLAY_WINDOW - from);
				n -= RMAP_REPLAY_WINDOW - from;
				from = 0;
			}
			bitmap_clear(r->seen, from, n);
		}
		r->top = counter;
	} else if (r->top - counter >= RMAP_REPLAY_WINDOW || test_bit(bit, r->seen)) {
		return false;
	}
	__set_bit(bit, r->seen);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_replay_accept);

/**
 * rmap_auth_on() - whether frames are sealed and checked
 *
 * Return: true when keys were loaded.
 */
bool rmap_auth_on(void)
{
	return rmap_tenants[0].key_id;
}

/**
 * rmap_tenants_nr() - how many tenants this node has keys for
 *
 * Return: at least 1: without keys, the one tenant "default".
 */
unsigned int rmap_tenants_nr(void)
{
	return rmap_nr_tenants;
}
EXPORT_SYMBOL_GPL(rmap_tenants_nr);

/**
 * rmap_tenant_find() - a tenant by the name its key has in the key file
 * @name: its name
 *
 * Return: its index, or -ENOENT.
 */
int rmap_tenant_find(const char *name)
{
	unsigned int t;

	for (t = 0; t < rmap_nr_tenants; t++) {
		if (!strcmp(rmap_tenants[t].name, name))
			return t;
	}
	return -ENOENT;
}
EXPORT_SYMBOL_GPL(rmap_tenant_find);

/**
 * rmap_tenant_name() - the name of a tenant
 * @tenant: its index, below rmap_tenants_nr()
 *
 * Return: the name, which never changes while rmap_proto is loaded.
 */
const char *rmap_tenant_name(unsigned int tenant)
{
	return rmap_tenants[tenant].name;
}
EXPORT_SYMBOL_GPL(rmap_tenant_name);

/**
 * rmap_auth_tenant() - the tenant whose key a received frame names
 * @h: its header
 *
 * Return: the tenant, or -1 for a key we do not have (or a sealed frame
 * while we have none).
 */
int rmap_auth_tenant(const struct rmap_hdr *h)
{
	u16 id = be16_to_cpu(h->key_id);
	unsigned int t;

	for (t = 0; t < rmap_nr_tenants; t++) {
		if (rmap_tenants[t].key_id == id)
			return t;
	}
	return -1;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_auth_tenant);

/**
 * rmap_auth_key_for() - the key a node seals with, under a tenant's key
 * @tenant: the tenant
 * @mac: the node's address
 * @epoch: its epoch, or 0 for ours (@mac one of our addresses)
 * @out: its key; zero without keys
 */
void rmap_auth_key_for(unsigned int tenant, const u8 *mac, u64 epoch, u8 out[RMAP_KEY_LEN])
{
	if (rmap_auth_on())
		rmap_key_derive(rmap_tenants[tenant].key, mac, epoch ?: rmap_epoch, out);
	else
		memset(out, 0, RMAP_KEY_LEN);
}

/**
 * rmap_auth_encrypts() - whether payloads leave encrypted
 *
 * Return: true when loaded with keys and encrypt=1.
 */
bool rmap_auth_encrypts(void)
{
	return rmap_auth_on() && rmap_encrypt;
}

/* @key, or the key of @src in @epoch derived into @derived when @key is NULL. */
static const u8 *rmap_sender_key(unsigned int tenant, const u8 *key, const u8 *src, u64 epoch,
				 u8 derived[RMAP_KEY_LEN])
{
	if (key)
		return key;
	rmap_key_derive(rmap_tenants[tenant].key, src, epoch, derived);
	return derived;
}

/* The seal's fields, but the tag: false when there is no key (all zero). */
static bool rmap_seal_start(struct rmap_hdr *h, unsigned int tenant)
{
	memset(h->tag, 0, sizeof(h->tag));
	h->flags &= ~RMAP_F_ENCRYPTED;
	if (!rmap_auth_on()) {
		h->key_id = 0;
		h->counter = 0;
		h->epoch = 0;
		return false;
	}
	h->key_id = cpu_to_be16(rmap_tenants[tenant].key_id);
	h->counter = cpu_to_be64(atomic64_inc_return(&rmap_tx_counter));
	h->epoch = cpu_to_be64(rmap_epoch);
	return true;
}

/**
 * rmap_auth_seal_data() - set a frame's key id, counter and tag
 * @h: its header, every other field final but the CRC (sealed after)
 * @tenant: whose key it is sealed under
 * @key: the sender's key (rmap_auth_key_for() of @src), or NULL to derive it
 * @dst: the frame's Ethernet destination
 * @src: its Ethernet source
 * @d: where its frag_len payload bytes lie, sent as they are
 *
 * Without keys the three fields are zero.
 */
void rmap_auth_seal_data(struct rmap_hdr *h, unsigned int tenant, const u8 *key,
			 const u8 *dst, const u8 *src, const struct rmap_frag_data *d)
{
	u8 derived[RMAP_KEY_LEN];

	if (!rmap_seal_start(h, tenant))
		return;
	key = rmap_sender_key(tenant, key, src, rmap_epoch, derived);
	rmap_frame_tag_data(h->tag, key, dst, src, h, d);
	memzero_explicit(derived, sizeof(derived));
}

/**
 * rmap_auth_seal() - rmap_auth_seal_data() of a contiguous payload
 * @h: its header, every other field final but the CRC (sealed after)
 * @tenant: whose key it is sealed under
 * @key: the sender's key, or NULL to derive it
 * @dst: the frame's Ethernet destination
 * @src: its Ethernet source
 * @payload: its frag_len payload bytes, sent as they are
 */
void rmap_auth_seal(struct rmap_hdr *h, unsigned int tenant, const u8 *key, const u8 *dst,
		    const u8 *src, const void *payload)
{
	struct rmap_frag_data d = { .flat = payload };

	rmap_auth_seal_data(h, tenant, key, dst, src, &d);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_auth_seal);

/**
 * rmap_auth_seal_encrypted() - rmap_auth_seal(), the payload encrypted first
 * @h: its header, every other field final but the CRC (sealed after)
 * @tenant: whose key it is sealed under
 * @key: the sender's key, or NULL to derive it
 * @dst: the frame's Ethernet destination
 * @src: its Ethernet source
 * @payload: its frag_len payload bytes: the frame's own copy, encrypted
 *	in place (RMAP_F_ENCRYPTED) when there is a key
 */
void rmap_auth_seal_encrypted(struct rmap_hdr *h, unsigned int tenant, const u8 *key,
			      const u8 *dst, const u8 *src, void *payload)
{
	u8 derived[RMAP_KEY_LEN];

	if (!rmap_seal_start(h, tenant))
		return;
	key = rmap_sender_key(tenant, key, src, rmap_epoch, derived);
	if (h->frag_len) {
		h->flags |= RMAP_F_ENCRYPTED;
		rmap_frame_crypt(key, be64_to_cpu(h->counter), payload, be16_to_cpu(h->frag_len));
	}
	rmap_frame_tag(h->tag, key, dst, src, h, payload);
	memzero_explicit(derived, sizeof(derived));
}
EXPORT_SYMBOL_IF_KUNIT(rmap_auth_seal_encrypted);

/**
 * rmap_auth_check_data() - verify a received frame's tag, and decrypt it
 * @h: its header, passed by rmap_frame_check()
 * @tenant: rmap_auth_tenant() of @h
 * @key: the sender's key for the frame's epoch if known (a peer's), or
 *	NULL to derive it
 * @dst: the frame's Ethernet destination
 * @src: its Ethernet source
 * @d: where its frag_len payload bytes lie
 * @plain: if RMAP_F_ENCRYPTED, the same bytes, contiguous and writable:
 *	decrypted in place once the tag is found right
 *
 * Changes nothing else: the caller takes the counter through the sender's
 * replay window (rmap_replay_accept()) once it knows the sender.
 *
 * Return: RMAP_DROP_NONE, RMAP_DROP_KEY (sealed under a key we do not
 * have, or not sealed while we have keys), RMAP_DROP_CLEAR (a payload in
 * the clear while we encrypt) or RMAP_DROP_AUTH (a wrong tag).
 */
enum rmap_drop rmap_auth_check_data(const struct rmap_hdr *h, int tenant, const u8 *key,
				    const u8 *dst, const u8 *src, const struct rmap_frag_data *d,
				    u8 *plain)
{
	u8 derived[RMAP_KEY_LEN], tag[RMAP_TAG_LEN];
	bool bad;

	if (tenant < 0 || tenant >= rmap_nr_tenants ||
	    be16_to_cpu(h->key_id) != rmap_tenants[tenant].key_id)
		return RMAP_DROP_KEY;
	if (!rmap_auth_on())
		return h->flags & RMAP_F_ENCRYPTED ? RMAP_DROP_KEY : RMAP_DROP_NONE;
	/* A node that encrypts takes no payload in the clear: a peer set up otherwise shows. */
	if (rmap_encrypt && h->frag_len && !(h->flags & RMAP_F_ENCRYPTED))
		return RMAP_DROP_CLEAR;
	if (WARN_ON_ONCE((h->flags & RMAP_F_ENCRYPTED) && h->frag_len && !plain))
		return RMAP_DROP_AUTH;
	key = rmap_sender_key(tenant, key, src, be64_to_cpu(h->epoch), derived);
	rmap_frame_tag_data(tag, key, dst, src, h, d);
	bad = crypto_memneq(tag, h->tag, RMAP_TAG_LEN);
	if (!bad && (h->flags & RMAP_F_ENCRYPTED))
		rmap_frame_crypt(key, be64_to_cpu(h->counter), plain, be16_to_cpu(h->frag_len));
	memzero_explicit(derived, sizeof(derived));
	return bad ? RMAP_DROP_AUTH : RMAP_DROP_NONE;
}

/**
 * rmap_auth_check() - rmap_auth_check_data() of a contiguous payload
 * @h: its header, passed by rmap_frame_check()
 * @tenant: rmap_auth_tenant() of @h
 * @key: the sender's key for the frame's epoch if known, or NULL to derive it
 * @dst: the frame's Ethernet destination
 * @src: its Ethernet source
 * @payload: its frag_len payload bytes, decrypted in place if encrypted
 *
 * Return: as rmap_auth_check_data().
 */
enum rmap_drop rmap_auth_check(const struct rmap_hdr *h, int tenant, const u8 *key,
			       const u8 *dst, const u8 *src, void *payload)
{
	struct rmap_frag_data d = { .flat = payload };

	return rmap_auth_check_data(h, tenant, key, dst, src, &d, payload);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_auth_check);

/**
 * rmap_auth_use_keys() - seal and check frames under tenants' keys from now on
 * @t: the tenants, from rmap_keys_parse(): names, keys and ids unique
 * @n: how many, 1 to RMAP_MAX_TENANTS
 * @encrypt: encrypt payloads too
 *
 * Draws this load's epoch; counters go on from the wall clock in
 * nanoseconds, so that they only grow, across loads too (a node sends
 * far fewer than one frame per nanosecond).
 */
void rmap_auth_use_keys(const struct rmap_tenant *t, unsigned int n, bool encrypt)
{
	memcpy(rmap_tenants, t, n * sizeof(*t));
	memzero_explicit(&rmap_tenants[n], (RMAP_MAX_TENANTS - n) * sizeof(*t));
	rmap_nr_tenants = n;
	rmap_encrypt = encrypt;
	rmap_epoch = get_random_u64() | 1;
	atomic64_set(&rmap_tx_counter, max_t(u64, ktime_get_real_ns(),
					     atomic64_read(&rmap_tx_counter)));
}
EXPORT_SYMBOL_IF_KUNIT(rmap_auth_use_keys);

/**
 * rmap_auth_use_key() - rmap_auth_use_keys() with one key, the tenant "default"
 * @key: the key
 * @encrypt: encrypt payloads too
 */
void rmap_auth_use_key(const u8 key[RMAP_KEY_LEN], bool encrypt)
{
	struct rmap_tenant t = { .name = "default" };

	memcpy(t.key, key, RMAP_KEY_LEN);
	t.key_id = rmap_key_id_of(key);
	rmap_auth_use_keys(&t, 1, encrypt);
	memzero_explicit(&t, sizeof(t));
}
EXPORT_SYMBOL_IF_KUNIT(rmap_auth_use_key);

/**
 * rmap_auth_init() - load the tenants' keys, if a file is named
 * @key_file: path of a file of keys (rmap_keys_parse()), or ""
 * @encrypt: encrypt payloads too (needs a key)
 *
 * The keys themselves are never logged nor shown anywhere.
 *
 * Return: 0, or a negative errno after saying why.
 */
int rmap_auth_init(const char *key_file, bool encrypt)
{
	struct rmap_tenant *t;
	unsigned int line, i;
	void *buf = NULL;
	ssize_t len;
	int n;

	if (encrypt && !*key_file) {
		pr_err("encrypt=1 needs a key_file\n");
		return -EINVAL;
	}
	if (!*key_file) {
		pr_warn("no key_file: frames are not authenticated, every host on the LAN is trusted (see docs/security.md)\n");
		return 0;
	}
	len = kernel_read_file_from_path(key_file, 0, &buf, 64 * 1024, NULL, READING_UNKNOWN);
	if (len < 0) {
		pr_err("key_file=%s: cannot be read (%zd)\n", key_file, len);
		return len;
	}
	/* Tenants' indexes travel in u8 fields. */
	BUILD_BUG_ON(RMAP_MAX_TENANTS > 256);
	t = kcalloc(RMAP_MAX_TENANTS, sizeof(*t), GFP_KERNEL);
	n = t ? rmap_keys_parse(buf, len, t, RMAP_MAX_TENANTS, &line) : -ENOMEM;
	memzero_explicit(buf, len);
	vfree(buf);
	if (n == -ENOMEM)
		pr_err("key_file=%s: no memory to read it\n", key_file);
	else if (n == -EINVAL && !line)
		pr_err("key_file=%s: holds no key (64 hexadecimal digits per line)\n", key_file);
	else if (n == -EINVAL)
		pr_err("key_file=%s: line %u: each line must be a key of 64 hexadecimal digits, alone or after a name ([a-z0-9_-], up to %d characters); names and keys unique, at most %d keys\n",
		       key_file, line, RMAP_TENANT_NAME_LEN - 1, RMAP_MAX_TENANTS);
	if (n < 0) {
		kfree_sensitive(t);
		return n;
	}
	rmap_auth_use_keys(t, n, encrypt);
	for (i = 0; i < n; i++)
		pr_info("frames of tenant %s authenticated under key %04x%s\n", t[i].name,
			t[i].key_id, encrypt ? ", payloads encrypted" : "");
	kfree_sensitive(t);
	return 0;
}

/**
 * rmap_auth_exit() - forget the keys
 */
void rmap_auth_exit(void)
{
	memzero_explicit(rmap_tenants, sizeof(rmap_tenants));
	strscpy(rmap_tenants[0].name, "default", RMAP_TENANT_NAME_LEN);
	rmap_nr_tenants = 1;
	rmap_encrypt = false;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_auth_exit);
