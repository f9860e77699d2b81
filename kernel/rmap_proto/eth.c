// SPDX-License-Identifier: GPL-2.0
/*
 * The Ethernet boundary: which interfaces RMAP runs on, and the receive
 * handler for its EtherType. Runs in softirq: it never sleeps, and it
 * validates every frame before anything else sees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/highmem.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/sch_generic.h>
#include <xen/xen.h>
#include <memx/compat.h>

#include "rmap_proto.h"

#define RMAP_IFACES_LEN	256

static char rmap_ifaces[RMAP_IFACES_LEN];
static __be16 rmap_ethertype;

/* Is @name in the comma-separated list @list? */
static bool rmap_iface_listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while (*p) {
		const char *end = strchrnul(p, ',');

		if (end - p == len && !strncmp(p, name, len))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

/*
 * Frames are taken from interfaces of the initial network namespace only:
 * any user may create a namespace of its own, with interfaces it controls
 * (unshare -rn, veth), and none of its frames may reach a server or a
 * client. Of those, from the interfaces named, or by default from every
 * Ethernet interface but the ports of a bridge or a bond: what arrives on
 * a port is handed to its master (a Xen Dom0's bridge, say), so the
 * master is the interface that talks.
 */
bool rmap_iface_allowed(const struct net_device *dev)
{
	if (!net_eq(dev_net(dev), &init_net))
		return false;
	if (dev->type != ARPHRD_ETHER || (dev->flags & IFF_LOOPBACK))
		return false;
	if (rmap_ifaces[0])
		return rmap_iface_listed(rmap_ifaces, dev->name);
	return !netif_is_bridge_port(dev) && !netif_is_lag_port(dev);
}

/**
 * rmap_eth_ifaces_valid() - check an interface list given as a parameter
 * @ifaces: comma-separated names, or empty for every Ethernet interface
 *
 * A name no interface has yet is taken (a NIC whose driver loads later,
 * a bond or VLAN made after memx): RMAP speaks on it once it appears.
 *
 * Return: true when the list is well formed and no name is that of an
 * interface other than Ethernet; otherwise the reason is logged.
 */
bool rmap_eth_ifaces_valid(const char *ifaces)
{
	char name[IFNAMSIZ];
	const char *p = ifaces;

	if (!*ifaces)
		return true;
	if (strlen(ifaces) >= RMAP_IFACES_LEN) {
		pr_err("ifaces= is longer than %d characters\n", RMAP_IFACES_LEN - 1);
		return false;
	}
	for (;;) {
		const char *end = strchrnul(p, ',');
		struct net_device *dev;
		bool ok;

		if (end == p || end - p >= IFNAMSIZ) {
			pr_err("ifaces=%s: empty or overlong interface name\n", ifaces);
			return false;
		}
		memcpy(name, p, end - p);
		name[end - p] = '\0';
		dev = dev_get_by_name(&init_net, name);
		ok = !dev || (dev->type == ARPHRD_ETHER && !(dev->flags & IFF_LOOPBACK));
		/* Whatever takes the name will carry RMAP: say so where it is seen. */
		if (!dev)
			pr_warn("ifaces=%s: no interface %s yet: RMAP speaks on the one that takes the name\n",
				ifaces, name);
		dev_put(dev);
		if (!ok) {
			pr_err("ifaces=%s: %s is not an Ethernet interface\n", ifaces, name);
			return false;
		}
		if (!*end)
			return true;
		p = end + 1;
	}
}

/*
 * Count a bad frame against the module, and against its sender under the
 * tenant it names if we know one (the default tenant's when it names none
 * of ours).
 */
static void rmap_rx_drop(const u8 *src, int tenant, enum rmap_drop why)
{
	struct rmap_peer *peer;

	rmap_stat_drop(why);
	rcu_read_lock();
	peer = rmap_peer_lookup(src, max(tenant, 0));
	if (peer) {
		spin_lock(&peer->lock);
		peer->drop[why]++;
		spin_unlock(&peer->lock);
	}
	rcu_read_unlock();
}

/*
 * A frame that passed every check, its tag included: find its sender
 * under its tenant (new, where the type allows), take it through the
 * sender's replay window, and hand it up by type.
 */
static void rmap_rx_frame(struct net_device *dev, const u8 *src, unsigned int tenant,
			  const struct rmap_hdr *h, const struct rmap_frag_data *d,
			  unsigned int len)
{
	struct rmap_peer *peer;

	if (rmap_type_is_discovery(h->type)) {
		rmap_discover_rx(dev, src, tenant, h);
		return;
	}
	rcu_read_lock();
	switch (h->type) {
	case RMAP_PONG:
	case RMAP_READ_RESP:
	case RMAP_ACK:
		/* Answers only come from peers we asked. */
		peer = rmap_peer_lookup(src, tenant);
		if (!peer) {
			rmap_stat_drop(RMAP_DROP_SESSION);
			break;
		}
		if (!rmap_peer_fresh(peer, h))
			goto unlock;
		rmap_peer_seen(peer, dev);
		rmap_request_rx(peer, h, d);
		break;
	default:
		/* A node that serves no memory has nobody to ask it but pings. */
		peer = NULL;
		if (h->type == RMAP_PING || rmap_serving())
			peer = rmap_peer_find_or_create(dev, src, tenant, RMAP_MAX_CLIENT_PEERS);
		if (!peer) {
			rmap_stat_add(RMAP_STAT_RX_UNCLAIMED, 1);
			break;
		}
		if (!rmap_peer_fresh(peer, h))
			goto unlock;
		rmap_peer_seen(peer, dev);
		if (h->type == RMAP_JOIN) {
			spin_lock(&peer->lock);
			peer->mtu = rmap_hdr_mtu(h);
			spin_unlock(&peer->lock);
		}
		rmap_respond_rx(peer, h, d);
	}
	if (peer) {
		spin_lock(&peer->lock);
		peer->stat[RMAP_PEER_RX_FRAMES]++;
		peer->stat[RMAP_PEER_RX_BYTES] += len;
		spin_unlock(&peer->lock);
	}
unlock:
	rcu_read_unlock();
}

/*
 * Whether the frame's tag is right under the key of @tenant, with its
 * sender's key if we know it; an encrypted payload (then in @plain) is
 * decrypted in place.
 */
static enum rmap_drop rmap_rx_auth(const u8 *src, const u8 *dst, int tenant,
				   const struct rmap_hdr *h, const struct rmap_frag_data *d,
				   u8 *plain)
{
	u8 key[RMAP_KEY_LEN];
	struct rmap_peer *peer = NULL;
	bool known = false;
	enum rmap_drop why;

	rcu_read_lock();
	if (tenant >= 0)
		peer = rmap_peer_lookup(src, tenant);
	if (peer && rmap_auth_on()) {
		spin_lock_bh(&peer->lock);
		known = peer->replay.epoch && peer->replay.epoch == be64_to_cpu(h->epoch);
		if (known)
			memcpy(key, peer->rx_key, sizeof(key));
		spin_unlock_bh(&peer->lock);
	}
	rcu_read_unlock();
	why = rmap_auth_check_data(h, tenant, known ? key : NULL, dst, src, d, plain);
	memzero_explicit(key, sizeof(key));
	return why;
}

/*
 * Each CPU takes a frame's header, and the payloads that are not a
 * page's data, into a buffer of its own, set aside at load: the receive
 * path, which swap-ins wait on, allocates nothing. (Pulling a frame into
 * one piece, or copying it to decrypt it, would be an atomic allocation
 * per frame, the first thing to fail under memory pressure; and the
 * kernel lets only ARP, IP and VLAN frames use the emergency reserves on
 * receive.)
 */
struct rmap_rx_buf {
	u8 frame[RMAP_HDR_LEN + RMAP_MAX_FRAME_PAYLOAD];
};

static struct rmap_rx_buf __percpu *rmap_rx_bufs;

/*
 * A page's data in the clear (a READ_RESP's, a WRITE's) is read where it
 * arrived and copied once, to its page. Anything else is taken into the
 * per-CPU buffer: an encrypted payload is decrypted there, and a ping is
 * echoed from there.
 */
static bool rmap_rx_in_place(const struct rmap_hdr *h)
{
	return (h->type == RMAP_READ_RESP || h->type == RMAP_WRITE) &&
	       !(h->flags & RMAP_F_ENCRYPTED);
}

/*
 * Up the stack, one way: namespace and interface, the frame's own checks
 * (lengths, CRC, fields), its destination, its tag under the tenant it
 * names; only then anything that changes state (rmap_rx_frame()).
 */
static int rmap_rcv(struct sk_buff *skb, struct net_device *dev,
		    struct packet_type *pt, struct net_device *orig_dev)
{
	struct rmap_frag_data d = { .skb = skb };
	u8 src[ETH_ALEN], dst[ETH_ALEN];
	unsigned int len = skb->len;
	bool encrypted = false, sealed = false;
	struct rmap_hdr *h;
	enum rmap_drop why;
	u8 *plain = NULL;
	int tenant = -1;

	/* Counted, never looked into: not even its sender is trusted. */
	if (!net_eq(dev_net(dev), &init_net)) {
		rmap_stat_drop(RMAP_DROP_NETNS);
		kfree_skb(skb);
		return NET_RX_DROP;
	}
	if (skb->pkt_type == PACKET_OTHERHOST || !rmap_iface_allowed(dev)) {
		consume_skb(skb);
		return NET_RX_SUCCESS;
	}
	rmap_stat_add(RMAP_STAT_RX_FRAMES, 1);
	rmap_stat_add(RMAP_STAT_RX_BYTES, len);
	ether_addr_copy(src, eth_hdr(skb)->h_source);
	ether_addr_copy(dst, eth_hdr(skb)->h_dest);

	local_bh_disable();
	h = (struct rmap_hdr *)this_cpu_ptr(rmap_rx_bufs)->frame;
	/*
	 * Only the header is copied here; the checks read the payload in the
	 * skb. With keys, a sealed frame's tag (checked below, before anything
	 * acts on the frame) stands for its CRC: one pass over the payload
	 * fewer. Any other frame is dropped there, its CRC checked here.
	 */
	if (len < RMAP_HDR_LEN || skb_copy_bits(skb, 0, h, RMAP_HDR_LEN)) {
		why = RMAP_DROP_SHORT;
	} else if (h->key_id && rmap_auth_on()) {
		sealed = true;
		why = rmap_frame_check_sealed(h, len, &d);
	} else {
		why = rmap_frame_check_data(h, len, &d);
	}
	if (why == RMAP_DROP_VERSION)
		pr_notice_once("frames of RMAP version %u from %pM dropped: this node speaks version %u\n",
			       h->version, src, RMAP_VERSION);
	/*
	 * Only discovery is broadcast. A request to a group address would
	 * draw an answer from every node: one frame, a LAN's worth of replies.
	 */
	if (why == RMAP_DROP_NONE && skb->pkt_type != PACKET_HOST &&
	    !rmap_type_is_discovery(h->type))
		why = RMAP_DROP_NOT_UNICAST;
	/* Ours, sent back to us: taken, it would make us our own peer. */
	if (why == RMAP_DROP_NONE && ether_addr_equal(src, dev->dev_addr))
		why = RMAP_DROP_OWN;
	if (why == RMAP_DROP_NONE && h->frag_len && !rmap_rx_in_place(h)) {
		plain = (u8 *)h + RMAP_HDR_LEN;
		rmap_frag_data_copy(&d, 0, plain, be16_to_cpu(h->frag_len));
		d = (struct rmap_frag_data){ .flat = plain };
	}
	if (why == RMAP_DROP_NONE) {
		tenant = rmap_auth_tenant(h);
		encrypted = h->flags & RMAP_F_ENCRYPTED;
		/* An encrypted payload is decrypted in place, in our buffer. */
		why = rmap_rx_auth(src, dst, tenant, h, &d, plain);
	}
	/*
	 * A sealed frame refused without its CRC checked: corruption (its CRC
	 * wrong too) is counted as such, apart from forgery, as without keys.
	 */
	if (sealed && why != RMAP_DROP_NONE && rmap_frame_check_data(h, len, &d) == RMAP_DROP_CRC)
		why = RMAP_DROP_CRC;
	if (why == RMAP_DROP_NONE) {
		rmap_rx_frame(dev, src, tenant, h, &d, len);
		consume_skb(skb);
	} else {
		kfree_skb(skb);
		rmap_rx_drop(src, tenant, why);
	}
	/* A tenant's page, in clear, does not stay behind. */
	if (encrypted && plain)
		memzero_explicit(plain, be16_to_cpu(h->frag_len));
	local_bh_enable();
	return why == RMAP_DROP_NONE ? NET_RX_SUCCESS : NET_RX_DROP;
}

/*
 * The frames of a page request (a swap-out, or the swap-in a reclaimer
 * waits for) may come from the emergency reserves, as those of NBD's
 * socket do (sk_set_memalloc()): reclaim must not stall for want of the
 * memory it is about to free. Answers, adverts and pings may not.
 */
static gfp_t rmap_frame_gfp(const struct rmap_hdr *h)
{
	switch (h->type) {
	case RMAP_WRITE:
	case RMAP_READ:
	case RMAP_DISCARD:
		return GFP_ATOMIC | __GFP_NOWARN | __GFP_MEMALLOC;
	default:
		return GFP_ATOMIC | __GFP_NOWARN;
	}
}

/*
 * Whether a page may go out as a fragment of a frame, uncopied. Xen's
 * netback takes a page whose PG_owner_priv_1 is set for one granted by
 * another domain (PageForeign) and grant-copies it from the domain named
 * in page->private. The same bit is PG_swapcache: a page being swapped
 * out, sent from a Dom0 to a DomU's vif, would be dropped as coming from
 * a "bad domain". In a Xen domain such pages are copied.
 */
static bool rmap_page_zero_copy_ok(const struct page *page)
{
	return !xen_domain() || !test_bit(PG_foreign, &page->flags);
}

/*
 * One frame: the header in the linear area, the payload as page fragments
 * of @fpages (from @po in the first) where the device takes them and
 * @zero_copy allows, else copied after the header from @piece.
 */
static struct sk_buff *rmap_alloc_frame(struct net_device *dev, const u8 *dst,
					const struct rmap_hdr *h, struct page **fpages,
					unsigned int po, const u8 *const *piece,
					unsigned int len, bool zero_copy)
{
	unsigned int linear, i, n = len ? DIV_ROUND_UP(po + len, PAGE_SIZE) : 0;
	struct sk_buff *skb;

	zero_copy = zero_copy && len && (dev->features & NETIF_F_SG) && n <= MAX_SKB_FRAGS;
	for (i = 0; zero_copy && i < n; i++)
		zero_copy = rmap_page_zero_copy_ok(fpages[i]);
	linear = RMAP_HDR_LEN + (zero_copy ? 0 : len);
	skb = alloc_skb(LL_RESERVED_SPACE(dev) + linear + dev->needed_tailroom,
			rmap_frame_gfp(h));
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb_reset_network_header(skb);
	skb_put_data(skb, h, RMAP_HDR_LEN);
	if (zero_copy) {
		unsigned int left = len;

		for (i = 0; i < n; i++) {
			unsigned int in = i ? 0 : po;
			unsigned int part = min_t(unsigned int, left, PAGE_SIZE - in);

			get_page(fpages[i]);
			skb_fill_page_desc(skb, i, fpages[i], in, part);
			left -= part;
		}
		skb->len += len;
		skb->data_len += len;
		skb->truesize += n * PAGE_SIZE;
	} else {
		for (i = 0; len; i++) {
			unsigned int part = min_t(unsigned int, len, PAGE_SIZE);

			skb_put_data(skb, piece[i], part);
			len -= part;
		}
	}
	skb->dev = dev;
	skb->protocol = rmap_ethertype;
	if (dev_hard_header(skb, dev, ntohs(rmap_ethertype), dst, dev->dev_addr, skb->len) < 0) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/* Whether tc (clsact) or netfilter filters frames leaving @dev. */
static bool rmap_egress_hooked(const struct net_device *dev)
{
#ifdef CONFIG_NET_CLS_ACT
	if (rcu_access_pointer(dev->miniq_egress))
		return true;
#endif
#ifdef CONFIG_NETFILTER_EGRESS
	if (rcu_access_pointer(dev->nf_hooks_egress))
		return true;
#endif
	return false;
}

/*
 * Whether the frames of a message may go straight to the driver as one
 * burst: only where dev_queue_xmit() would bypass the qdisc anyway (a
 * default, empty one), nobody taps the interface and no egress filter
 * (tc or netfilter) would see the frames. Any other qdisc
 * (netem, shaping, filters) sees every frame as before.
 */
static bool rmap_can_burst(struct net_device *dev, struct netdev_queue *txq)
{
	typeof(rcu_dereference_bh(txq->qdisc)) q = rcu_dereference_bh(txq->qdisc);

	return q && q->enqueue && (q->flags & TCQ_F_CAN_BYPASS) && qdisc_is_empty(q) &&
	       !dev->netdev_ops->ndo_select_queue && !dev_nit_active(dev) &&
	       !rmap_egress_hooked(dev);
}

/*
 * Hand @n frames to @dev. Where allowed, they go to the driver back to
 * back, each but the last marked as followed by more (xmit_more), so the
 * NIC is notified once per message instead of once per frame: on a
 * virtual NIC every notification is an exit to the hypervisor. What the
 * driver does not take then goes through dev_queue_xmit(). Returns the
 * frames queued.
 */
static unsigned int rmap_xmit(struct net_device *dev, struct sk_buff **skbs, unsigned int n)
{
	struct netdev_queue *txq;
	unsigned int i = 0, sent = 0;
	int cpu;

	local_bh_disable();
	cpu = smp_processor_id();
	txq = netdev_get_tx_queue(dev, cpu % dev->real_num_tx_queues);
	if (n > 1 && netif_running(dev) && netif_carrier_ok(dev) && rmap_can_burst(dev, txq)) {
		HARD_TX_LOCK(dev, txq, cpu);
		while (i < n && !netif_xmit_frozen_or_drv_stopped(txq)) {
			netdev_tx_t rc;

			skb_set_queue_mapping(skbs[i], txq - dev->_tx);
			rc = netdev_start_xmit(skbs[i], dev, txq, i + 1 < n);
			if (!dev_xmit_complete(rc))
				break;	/* not taken: it goes the usual way below */
			if (rc == NETDEV_TX_OK)
				sent++;
			i++;
		}
		HARD_TX_UNLOCK(dev, txq);
	}
	for (; i < n; i++) {
		if (dev_queue_xmit(skbs[i]) == NET_XMIT_SUCCESS)
			sent++;
	}
	local_bh_enable();
	return sent;
}

/* Frames handed to the driver at once, each batch as one burst. */
#define RMAP_XMIT_BATCH	16

/* A contiguous payload of @len bytes, cut in pieces of a page (struct rmap_frag_data). */
static void rmap_frame_pieces(const u8 **piece, const void *payload, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < RMAP_FRAME_PAGES; i++)
		piece[i] = i * PAGE_SIZE < len ? (const u8 *)payload + i * PAGE_SIZE : NULL;
}

/*
 * The pieces of a frame's payload (struct rmap_frag_data), mapped:
 * @len bytes at @at of a message that starts at @off in @pages, or in
 * @buf. Undone by rmap_frame_unmap().
 */
static void rmap_frame_map(const u8 **piece, struct page **pages, unsigned int off,
			   const void *buf, unsigned int at, unsigned int len)
{
	unsigned int i, pos = off + at;

	if (!pages) {
		rmap_frame_pieces(piece, len ? (const u8 *)buf + at : NULL, len);
		return;
	}
	for (i = 0; i < RMAP_FRAME_PAGES; i++)
		piece[i] = NULL;
	for (i = 0; i * PAGE_SIZE < len; i++)
		piece[i] = (const u8 *)kmap_local_page(pages[pos / PAGE_SIZE + i]) +
			   (i ? 0 : offset_in_page(pos));
}

static void rmap_frame_unmap(const u8 **piece, struct page **pages)
{
	int i;

	if (!pages)
		return;
	for (i = RMAP_FRAME_PAGES - 1; i >= 0; i--) {
		if (piece[i])
			kunmap_local(piece[i]);
	}
}

/*
 * Build the frame of @h's message whose payload starts at @at: sealed,
 * encrypted into a page of its own when payloads are (the caller's stay
 * as they are), else its pages attached as they are.
 */
static struct sk_buff *rmap_build_frame(struct net_device *dev, const u8 *dst,
					unsigned int tenant, const u8 *key, struct rmap_hdr *h,
					struct page **pages, unsigned int off, const void *buf,
					unsigned int at, unsigned int flen, bool encrypt)
{
	unsigned int pos = off + at;
	const u8 *piece[RMAP_FRAME_PAGES];
	struct page *crypt_page;
	struct sk_buff *skb;
	u8 *crypt;

	rmap_frame_map(piece, pages, off, buf, at, flen);
	if (!flen || !encrypt) {
		struct rmap_frag_data d = { .piece = piece };

		rmap_auth_seal_data(h, tenant, key, dst, dev->dev_addr, &d);
		h->crc = cpu_to_be32(rmap_frame_crc_data(h, &d));
		skb = rmap_alloc_frame(dev, dst, h, pages ? pages + pos / PAGE_SIZE : NULL,
				       offset_in_page(pos), piece, flen, !!pages);
		rmap_frame_unmap(piece, pages);
		return skb;
	}
	/* Encrypted frames carry at most a page (rmap_send()): one piece. */
	if (WARN_ON_ONCE(flen > PAGE_SIZE)) {
		rmap_frame_unmap(piece, pages);
		return NULL;
	}
	crypt_page = alloc_page(rmap_frame_gfp(h));
	if (!crypt_page) {
		rmap_frame_unmap(piece, pages);
		return NULL;
	}
	crypt = page_address(crypt_page);
	memcpy(crypt, piece[0], flen);
	rmap_frame_unmap(piece, pages);
	rmap_auth_seal_encrypted(h, tenant, key, dst, dev->dev_addr, crypt);
	rmap_frame_seal(h, crypt);
	rmap_frame_pieces(piece, crypt, flen);
	skb = rmap_alloc_frame(dev, dst, h, &crypt_page, 0, piece, flen, true);
	put_page(crypt_page);
	return skb;
}

/**
 * rmap_send() - send one message, in as few frames as the MTU allows
 * @dev: the interface to send on
 * @mtu: the largest frames to send (the device's, or less for a peer)
 * @dst: the destination MAC
 * @tenant: whose key the frames are sealed under
 * @key: our sealing key on @dev under it (a peer's tx_key), or NULL to
 *	derive it
 * @h: the message header; its fragment, authentication and CRC fields
 *	are filled here
 * @pages: the payload's pages, or NULL to copy it from @buf
 * @off: offset of the payload in @pages[0]
 * @buf: the payload when @pages is NULL
 * @len: payload bytes: a piece of one page, or whole pages from offset
 *	0, at most RMAP_MAX_PAYLOAD
 *
 * Never sleeps. A message that says which MTU we take gets @dev's. A
 * payload in pages is not copied where the device takes page fragments.
 * A frame that cannot be built or queued is lost like one dropped on the
 * wire: the sender's retransmission covers both.
 *
 * Return: frames queued, or a negative errno when none could be.
 */
int rmap_send(struct net_device *dev, unsigned int mtu, const u8 *dst, unsigned int tenant,
	      const u8 *key, struct rmap_hdr *h, struct page **pages, unsigned int off,
	      const void *buf, unsigned int len)
{
	struct sk_buff *skbs[RMAP_XMIT_BATCH];
	unsigned int i, size, count, at = 0, built = 0, sent = 0;
	bool encrypt = len && rmap_auth_encrypts();

	/* Refused before anything else: the frames would run past the pages. */
	if (len > RMAP_MAX_PAYLOAD || (pages && len && !rmap_data_shape_ok(off, len)))
		return -EMSGSIZE;
	size = rmap_frag_size(min(mtu, dev->mtu));
	if (!size)
		return -EMSGSIZE;
	/*
	 * A frame's payload that is copied (encrypted into a page of its
	 * own, or into the frame for a device that takes no page fragments,
	 * or in a Xen domain where a page being swapped out is copied)
	 * stays within a page: no allocation above order 0 per frame.
	 */
	if (encrypt || !(dev->features & NETIF_F_SG) || xen_domain())
		size = min_t(unsigned int, size, PAGE_SIZE);
	count = rmap_frag_count(len, size);
	if (WARN_ON_ONCE(count > RMAP_MAX_FRAGS))
		return -EMSGSIZE;
	rmap_hdr_set_mtu(h, dev->mtu);
	for (i = 0; i < count; i++) {
		unsigned int flen = rmap_frag_len(at, len, size);
		struct sk_buff *skb;

		rmap_frag_hdr(h, len, count, i, at, flen);
		skb = rmap_build_frame(dev, dst, tenant, key, h, pages, off, buf, at, flen,
				       encrypt);
		if (skb)
			skbs[built++] = skb;
		at += flen;
		if (built == RMAP_XMIT_BATCH || (i + 1 == count && built)) {
			sent += rmap_xmit(dev, skbs, built);
			built = 0;
		}
	}
	return sent ? sent : -ENOBUFS;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_send);

/**
 * rmap_peer_send() - rmap_send() to a peer, on its interface, in frames it takes, counted
 * @peer: the destination; its lock held
 * @h: the message header
 * @pages: the payload's pages, or NULL to copy it from @buf
 * @off: offset of the payload in @pages[0]
 * @buf: the payload when @pages is NULL
 * @len: payload bytes
 *
 * Frames sent, or the failure, go to the peer's counters; a failure is
 * otherwise a loss on the wire, which the requester's resend covers.
 */
void rmap_peer_send(struct rmap_peer *peer, struct rmap_hdr *h, struct page **pages,
		    unsigned int off, const void *buf, unsigned int len)
{
	struct net_device *dev;
	int sent = -ENETDOWN;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(&init_net, peer->ifindex);
	/* Renamed out of ifaces=, it is no longer ours to speak on. */
	if (dev && netif_running(dev) && rmap_iface_allowed(dev)) {
		/* Our address there changed: so did the key we seal with. */
		if (unlikely(!ether_addr_equal(peer->tx_key_mac, dev->dev_addr))) {
			ether_addr_copy(peer->tx_key_mac, dev->dev_addr);
			rmap_auth_key_for(peer->tenant, dev->dev_addr, 0, peer->tx_key);
		}
		sent = rmap_send(dev, rmap_peer_mtu(dev->mtu, peer->mtu), peer->mac,
				 peer->tenant, peer->tx_key, h, pages, off, buf, len);
	}
	rcu_read_unlock();
	if (sent < 0) {
		peer->stat[RMAP_PEER_TX_ERRORS]++;
		return;
	}
	peer->stat[RMAP_PEER_TX_FRAMES] += sent;
	peer->stat[RMAP_PEER_TX_BYTES] += sent * RMAP_HDR_LEN + len;
}

static struct packet_type rmap_packet_type = {
	.func = rmap_rcv,
};

/*
 * Announce ourselves at once on an interface we use that comes up, gets
 * its carrier back or changes its MTU, rather than at the next advert:
 * its peers are found, or told our new MTU, without delay.
 */
static int rmap_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	switch (event) {
	case NETDEV_UP:
	case NETDEV_CHANGE:
	case NETDEV_CHANGEMTU:
		if (rmap_iface_allowed(dev) && netif_running(dev) && netif_carrier_ok(dev))
			rmap_discover_announce(dev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block rmap_netdev_notifier = {
	.notifier_call = rmap_netdev_event,
};

/**
 * rmap_eth_init() - start receiving RMAP frames
 * @ethertype: the EtherType to claim
 * @ifaces: interfaces to use (validated by rmap_eth_ifaces_valid())
 *
 * Return: 0, or a negative errno.
 */
int rmap_eth_init(u16 ethertype, const char *ifaces)
{
	int err;

	rmap_rx_bufs = alloc_percpu(struct rmap_rx_buf);
	if (!rmap_rx_bufs)
		return -ENOMEM;
	strscpy(rmap_ifaces, ifaces, sizeof(rmap_ifaces));
	rmap_ethertype = htons(ethertype);
	rmap_packet_type.type = rmap_ethertype;
	dev_add_pack(&rmap_packet_type);
	err = register_netdevice_notifier(&rmap_netdev_notifier);
	if (err) {
		dev_remove_pack(&rmap_packet_type);
		free_percpu(rmap_rx_bufs);
	}
	return err;
}

/**
 * rmap_eth_exit() - stop receiving; no handler runs once this returns
 */
void rmap_eth_exit(void)
{
	unregister_netdevice_notifier(&rmap_netdev_notifier);
	/* Waits for the handlers running: none uses the buffers after. */
	dev_remove_pack(&rmap_packet_type);
	free_percpu(rmap_rx_bufs);
}
