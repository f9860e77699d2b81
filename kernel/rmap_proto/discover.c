// SPDX-License-Identifier: GPL-2.0
/*
 * Discovery. A node that lends memory broadcasts advertisements (its
 * capacity, free pages and load) on every RMAP interface, periodically and
 * at once to a node that solicits them. Every node keeps what it hears in
 * the peer table, where silent peers age out. Each tenant's nodes find
 * one another apart: a server advertises under each key it has.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/workqueue.h>

#include "rmap_proto.h"

static DEFINE_SPINLOCK(rmap_adv_lock);
static struct rmap_advert rmap_adv;	/* what we advertise, under the lock */
static bool rmap_advertising;
static u32 rmap_server_id;		/* new each time lending starts */
static struct delayed_work rmap_adv_work;
static ATOMIC_NOTIFIER_HEAD(rmap_server_chain);

/**
 * rmap_server_notifier_register() - be told when servers come, restart or go
 * @nb: its notifier_call gets an enum rmap_server_event and a const
 *	struct rmap_server_info *, in atomic context
 *
 * Return: 0.
 */
int rmap_server_notifier_register(struct notifier_block *nb)
{
	return atomic_notifier_chain_register(&rmap_server_chain, nb);
}
EXPORT_SYMBOL_GPL(rmap_server_notifier_register);

/**
 * rmap_server_notifier_unregister() - stop being told; waits for callbacks running
 * @nb: as registered
 *
 * Return: 0, or -ENOENT when @nb was not registered.
 */
int rmap_server_notifier_unregister(struct notifier_block *nb)
{
	return atomic_notifier_chain_unregister(&rmap_server_chain, nb);
}
EXPORT_SYMBOL_GPL(rmap_server_notifier_unregister);

/* Tell the upper layers about a server. Never sleeps. */
void rmap_server_notify(enum rmap_server_event event, const struct rmap_server_info *info)
{
	atomic_notifier_call_chain(&rmap_server_chain, event, (void *)info);
}

static bool rmap_is_advertising(void)
{
	bool on;

	spin_lock_bh(&rmap_adv_lock);
	on = rmap_advertising;
	spin_unlock_bh(&rmap_adv_lock);
	return on;
}

/* Discovery messages are one small frame: any MTU takes them. */
static void rmap_advert_send(struct net_device *dev, const u8 *dst, unsigned int tenant)
{
	struct rmap_hdr h;

	rmap_hdr_init(&h, RMAP_ADVERTISE, READ_ONCE(rmap_server_id), 0);
	spin_lock_bh(&rmap_adv_lock);
	h.adv = rmap_adv;
	spin_unlock_bh(&rmap_adv_lock);
	rmap_send(dev, dev->mtu, dst, tenant, NULL, &h, NULL, 0, NULL, 0);
}

static void rmap_solicit_send(struct net_device *dev, unsigned int tenant)
{
	struct rmap_hdr h;

	rmap_hdr_init(&h, RMAP_SOLICIT, 0, 0);
	rmap_send(dev, dev->mtu, dev->broadcast, tenant, NULL, &h, NULL, 0, NULL, 0);
}

/* Under each tenant's key, an advertisement or a solicitation on @dev. */
static void rmap_discover_send(struct net_device *dev, enum rmap_type type)
{
	unsigned int t;

	for (t = 0; t < rmap_tenants_nr(); t++) {
		if (type == RMAP_ADVERTISE)
			rmap_advert_send(dev, dev->broadcast, t);
		else
			rmap_solicit_send(dev, t);
	}
}

/* Send advertisements or solicitations on every usable interface. */
static void rmap_broadcast(enum rmap_type type)
{
	struct net_device *dev;

	rcu_read_lock();
	for_each_netdev_rcu(&init_net, dev) {
		if (rmap_iface_allowed(dev) && netif_running(dev) && netif_carrier_ok(dev))
			rmap_discover_send(dev, type);
	}
	rcu_read_unlock();
}

/**
 * rmap_discover_announce() - an interface we use came up or has a new MTU
 * @dev: the interface
 *
 * A solicitation finds the servers on its LAN at once and tells every
 * node our MTU (servers answer with adverts, which is harmless); an
 * advertisement tells our clients.
 */
void rmap_discover_announce(struct net_device *dev)
{
	rmap_discover_send(dev, RMAP_SOLICIT);
	if (rmap_is_advertising())
		rmap_discover_send(dev, RMAP_ADVERTISE);
}

static void rmap_advert_work(struct work_struct *work)
{
	if (!rmap_is_advertising())
		return;
	rmap_broadcast(RMAP_ADVERTISE);
	schedule_delayed_work(&rmap_adv_work, msecs_to_jiffies(rmap_advert_ms));
}

static u32 rmap_pages_to_mib(u64 pages)
{
	return min_t(u64, pages / RMAP_PAGES_PER_MIB, U32_MAX);
}

/**
 * rmap_advertise() - lend memory: advertise it, or update what is advertised
 * @capacity_pages: pages this node lends in all
 * @free_pages: pages not yet given to a session
 * @load: requests served per second, recent average
 *
 * The first call starts periodic advertisements, sent at once. Memory is
 * advertised in whole MiB (RMAP_PAGES_PER_MIB pages), rounded down. A
 * capacity of 0 says this node is leaving (clients move what it holds
 * for them): that, and lending again, are advertised at once too.
 */
void rmap_advertise(u64 capacity_pages, u64 free_pages, u32 load)
{
	u32 capacity = rmap_pages_to_mib(capacity_pages);
	bool start, now;

	spin_lock_bh(&rmap_adv_lock);
	now = !capacity != !be32_to_cpu(rmap_adv.capacity_mib);
	rmap_adv.capacity_mib = cpu_to_be32(capacity);
	rmap_adv.free_mib = cpu_to_be32(rmap_pages_to_mib(free_pages));
	rmap_adv.load = cpu_to_be32(load);
	rmap_adv.interval_ms = cpu_to_be16(rmap_advert_ms);
	rmap_adv.window = cpu_to_be16(RMAP_MAX_WINDOW_PAGES);
	start = !rmap_advertising;
	/*
	 * Each time lending starts, a new instance: clients learn that what
	 * a server module that was reloaded held for them is gone.
	 */
	if (start)
		WRITE_ONCE(rmap_server_id, get_random_u32() | 1);
	rmap_advertising = true;
	spin_unlock_bh(&rmap_adv_lock);
	if (start || now)
		mod_delayed_work(system_wq, &rmap_adv_work, 0);
}
EXPORT_SYMBOL_GPL(rmap_advertise);

/**
 * rmap_advertise_stop() - stop advertising; peers age this node out
 */
void rmap_advertise_stop(void)
{
	spin_lock_bh(&rmap_adv_lock);
	rmap_advertising = false;
	spin_unlock_bh(&rmap_adv_lock);
	cancel_delayed_work_sync(&rmap_adv_work);
}
EXPORT_SYMBOL_GPL(rmap_advertise_stop);

/**
 * rmap_solicit() - ask every node that lends memory to advertise now
 */
void rmap_solicit(void)
{
	rmap_broadcast(RMAP_SOLICIT);
}
EXPORT_SYMBOL_GPL(rmap_solicit);

/* A server's advertisement: record it, tell upper layers what changed. */
static void rmap_server_heard(struct rmap_peer *peer, const u8 *src, const struct rmap_hdr *h)
{
	u64 capacity = (u64)be32_to_cpu(h->adv.capacity_mib) * RMAP_PAGES_PER_MIB;
	u32 id = be32_to_cpu(h->session);
	u16 window = be16_to_cpu(h->adv.window);
	struct rmap_server_info info;
	int event = -1;

	spin_lock_bh(&peer->lock);
	if (peer->server && peer->server_id != id) {
		pr_info_ratelimited("server %pM (%s) restarted (id %08x -> %08x)\n", src,
				    rmap_tenant_name(peer->tenant), peer->server_id, id);
		event = RMAP_SERVER_RESTARTED;
	} else if (!peer->server) {
		pr_info("server %pM (%s) appeared: %llu pages\n", src,
			rmap_tenant_name(peer->tenant), capacity);
		event = RMAP_SERVER_UP;
	} else if (!capacity != !peer->capacity_pages) {
		pr_info_ratelimited("server %pM (%s) %s\n", src, rmap_tenant_name(peer->tenant),
				    capacity ? "lends again" : "is leaving");
		event = capacity ? RMAP_SERVER_UP : RMAP_SERVER_LEAVING;
	}
	peer->server = true;
	peer->server_id = id;
	peer->capacity_pages = capacity;
	peer->free_pages = (u64)be32_to_cpu(h->adv.free_mib) * RMAP_PAGES_PER_MIB;
	peer->load = be32_to_cpu(h->adv.load);
	peer->adv_window = window;
	peer->adv_interval_ms = be16_to_cpu(h->adv.interval_ms);
	if (window)
		rmap_window_set_max(&peer->win, min_t(u16, window, RMAP_MAX_WINDOW_PAGES));
	rmap_peer_server_info(peer, &info);
	spin_unlock_bh(&peer->lock);
	if (event >= 0)
		rmap_server_notify(event, &info);
}

/**
 * rmap_discover_rx() - an advertisement or a solicitation arrived
 * @dev: the interface it came in on
 * @src: its sender
 * @tenant: the tenant whose key sealed it
 * @h: its validated header
 */
void rmap_discover_rx(struct net_device *dev, const u8 *src, unsigned int tenant,
		      const struct rmap_hdr *h)
{
	bool serving = rmap_is_advertising();
	struct rmap_peer *peer;

	/* Only a server has a use for the nodes that solicit: its clients. */
	rcu_read_lock();
	if (h->type == RMAP_ADVERTISE)
		peer = rmap_peer_find_or_create(dev, src, tenant, RMAP_MAX_PEERS);
	else if (serving)
		peer = rmap_peer_find_or_create(dev, src, tenant, RMAP_MAX_CLIENT_PEERS);
	else
		peer = rmap_peer_lookup(src, tenant);
	if (peer && !rmap_peer_fresh(peer, h)) {
		rcu_read_unlock();
		return;
	}
	if (peer) {
		rmap_peer_seen(peer, dev);
		spin_lock_bh(&peer->lock);
		peer->mtu = rmap_hdr_mtu(h);
		peer->stat[RMAP_PEER_RX_FRAMES]++;
		peer->stat[RMAP_PEER_RX_BYTES] += RMAP_HDR_LEN;
		spin_unlock_bh(&peer->lock);
		if (h->type == RMAP_ADVERTISE)
			rmap_server_heard(peer, src, h);
	}
	rcu_read_unlock();

	/* With a key, only a solicitation known fresh (its sender's) is answered. */
	if (h->type == RMAP_SOLICIT && serving && (peer || !rmap_auth_on()))
		rmap_advert_send(dev, src, tenant);
}

int rmap_discover_init(void)
{
	INIT_DELAYED_WORK(&rmap_adv_work, rmap_advert_work);
	rmap_solicit();
	return 0;
}

void rmap_discover_exit(void)
{
	rmap_advertise_stop();
}
