// SPDX-License-Identifier: GPL-2.0
/*
 * The Ethernet boundary: which interfaces RMAP runs on, and the receive
 * handler for its EtherType. Runs in softirq: it never sleeps, and it
 * validates every frame before anything else sees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>

#include "rmap_proto.h"

#define RMAP_IFACES_LEN	256

static char rmap_ifaces[RMAP_IFACES_LEN];

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

/* Frames are taken from every Ethernet interface, or from those named. */
static bool rmap_iface_allowed(const struct net_device *dev)
{
	if (dev->type != ARPHRD_ETHER || (dev->flags & IFF_LOOPBACK))
		return false;
	return !rmap_ifaces[0] || rmap_iface_listed(rmap_ifaces, dev->name);
}

/**
 * rmap_eth_ifaces_valid() - check an interface list given as a parameter
 * @ifaces: comma-separated names, or empty for every Ethernet interface
 *
 * Return: true when the list is well formed and each name is an existing
 * Ethernet interface; otherwise the reason is logged.
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
		ok = dev && dev->type == ARPHRD_ETHER && !(dev->flags & IFF_LOOPBACK);
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

static int rmap_rcv(struct sk_buff *skb, struct net_device *dev,
		    struct packet_type *pt, struct net_device *orig_dev)
{
	enum rmap_drop why;

	if (skb->pkt_type == PACKET_OTHERHOST || !rmap_iface_allowed(dev))
		goto free;
	rmap_stat_add(RMAP_STAT_RX_FRAMES, 1);
	rmap_stat_add(RMAP_STAT_RX_BYTES, skb->len);

	/* The CRC covers the payload too: look at the frame in one piece. */
	if (skb_linearize(skb)) {
		why = RMAP_DROP_SHORT;
		goto drop;
	}
	why = rmap_frame_check(skb->data, skb->len);
	if (why != RMAP_DROP_NONE)
		goto drop;

	/* No session layer is attached yet: a valid frame has no taker. */
	rmap_stat_add(RMAP_STAT_RX_UNCLAIMED, 1);
	goto free;
drop:
	rmap_stat_drop(why);
free:
	kfree_skb(skb);
	return NET_RX_SUCCESS;
}

static struct packet_type rmap_packet_type = {
	.func = rmap_rcv,
};

/**
 * rmap_eth_init() - start receiving RMAP frames
 * @ethertype: the EtherType to claim
 * @ifaces: interfaces to use (validated by rmap_eth_ifaces_valid())
 *
 * Return: 0.
 */
int rmap_eth_init(u16 ethertype, const char *ifaces)
{
	strscpy(rmap_ifaces, ifaces, sizeof(rmap_ifaces));
	rmap_packet_type.type = htons(ethertype);
	dev_add_pack(&rmap_packet_type);
	return 0;
}

/**
 * rmap_eth_exit() - stop receiving; no handler runs once this returns
 */
void rmap_eth_exit(void)
{
	dev_remove_pack(&rmap_packet_type);
}
