// SPDX-License-Identifier: GPL-2.0
/*
 * The peer table: every node we have heard from, found by MAC and tenant
 * (the key its frames are sealed under) under RCU from the receive path.
 * Peers that fall silent age out; servers that go quiet for longer than
 * the dead time are declared dead and every request to them fails, so
 * nothing waits on them forever.
 */
#include <linux/debugfs.h>
#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <memx/compat.h>

#include "rmap_proto.h"
#include "trace.h"

static DEFINE_HASHTABLE(rmap_peers, 6);
static DEFINE_SPINLOCK(rmap_peers_lock);	/* writers of the table */
/* Per tenant: one tenant's key holders cannot crowd another's peers out. */
static unsigned int rmap_nr_peers[RMAP_MAX_TENANTS];
static struct delayed_work rmap_ageing_work;

/*
 * Peers that left the table are remembered a while, the least recently
 * forgotten going first:
 * - the MTU they said they take: a quiet client that comes back is
 *   answered in frames as large as before, not in 1500-byte ones until
 *   it happens to solicit again;
 * - with a key, where their counters were, so that a frame captured
 *   before a peer was forgotten cannot be replayed once it is (a JOIN
 *   replayed to a server that forgot an idle client would replace that
 *   client's session).
 * Each tenant has a ring of its own: another tenant's key holder,
 * forgetting peers of its own by the thousand, cannot push ours out.
 */
#define RMAP_FORGOTTEN		1024

struct rmap_forgotten {
	struct hlist_node hnode;
	u8 mac[ETH_ALEN];
	u8 tenant;
	u16 mtu;		/* 0: never said */
	u64 epoch;
	u64 top;		/* 0: no counter taken */
};

static struct rmap_forgotten *rmap_forgotten;	/* RMAP_FORGOTTEN per tenant */
static DEFINE_HASHTABLE(rmap_forgotten_hash, 8);
static DEFINE_SPINLOCK(rmap_forgotten_lock);
static unsigned int rmap_forgotten_next[RMAP_MAX_TENANTS];

/* How often peers are checked for silence. */
#define RMAP_AGEING_MS	500

const char *const rmap_peer_stat_names[RMAP_PEER_STAT_NR] = {
	[RMAP_PEER_TX_FRAMES] = "tx_frames",
	[RMAP_PEER_TX_BYTES] = "tx_bytes",
	[RMAP_PEER_RX_FRAMES] = "rx_frames",
	[RMAP_PEER_RX_BYTES] = "rx_bytes",
	[RMAP_PEER_REQUESTS] = "requests",
	[RMAP_PEER_ANSWERED] = "answered",
	[RMAP_PEER_RETRANSMITS] = "retransmits",
	[RMAP_PEER_TIMEOUTS] = "timeouts",
	[RMAP_PEER_TX_ERRORS] = "tx_errors",
	[RMAP_PEER_SPURIOUS] = "spurious",
};

static u32 rmap_mac_hash(const u8 *mac, unsigned int tenant)
{
	return jhash(mac, ETH_ALEN, tenant);
}

/**
 * rmap_peer_lookup() - find a peer by MAC and tenant, under rcu_read_lock()
 * @mac: its address
 * @tenant: the tenant it speaks under
 *
 * Return: the peer, valid until rcu_read_unlock(), or NULL.
 */
struct rmap_peer *rmap_peer_lookup(const u8 *mac, unsigned int tenant)
{
	struct rmap_peer *peer;

	hash_for_each_possible_rcu(rmap_peers, peer, hnode, rmap_mac_hash(mac, tenant)) {
		if (ether_addr_equal(peer->mac, mac) && peer->tenant == tenant)
			return peer;
	}
	return NULL;
}

/**
 * rmap_peer_get_by_mac() - find a peer and take a reference
 * @mac: its address
 * @tenant: the tenant it speaks under
 *
 * Return: the peer, to be released with rmap_peer_put(), or NULL.
 */
struct rmap_peer *rmap_peer_get_by_mac(const u8 *mac, unsigned int tenant)
{
	struct rmap_peer *peer;

	rcu_read_lock();
	peer = rmap_peer_lookup(mac, tenant);
	if (peer && !refcount_inc_not_zero(&peer->ref))
		peer = NULL;
	rcu_read_unlock();
	return peer;
}
EXPORT_SYMBOL_GPL(rmap_peer_get_by_mac);

/**
 * rmap_peer_hold() - take another reference to a peer
 * @peer: a peer known to be valid (a handler's, or one already held)
 *
 * Return: @peer, or NULL when it is being freed.
 */
struct rmap_peer *rmap_peer_hold(struct rmap_peer *peer)
{
	return refcount_inc_not_zero(&peer->ref) ? peer : NULL;
}
EXPORT_SYMBOL_GPL(rmap_peer_hold);

/**
 * rmap_peer_mac() - a peer's address
 * @peer: a valid peer
 *
 * Return: its MAC, ETH_ALEN bytes that never change.
 */
const u8 *rmap_peer_mac(const struct rmap_peer *peer)
{
	return peer->mac;
}
EXPORT_SYMBOL_GPL(rmap_peer_mac);

/**
 * rmap_peer_tenant() - the tenant a peer speaks under
 * @peer: a valid peer
 *
 * Return: the tenant (rmap_tenant_name()), which never changes.
 */
unsigned int rmap_peer_tenant(const struct rmap_peer *peer)
{
	return peer->tenant;
}
EXPORT_SYMBOL_GPL(rmap_peer_tenant);

/* What @peer last advertised; its lock held. */
void rmap_peer_server_info(const struct rmap_peer *peer, struct rmap_server_info *info)
{
	ether_addr_copy(info->mac, peer->mac);
	info->tenant = peer->tenant;
	info->id = peer->server_id;
	info->capacity_pages = peer->capacity_pages;
	info->free_pages = peer->free_pages;
	info->load = peer->load;
}

/**
 * rmap_server_alive() - whether a server answers at an address now
 * @mac: its address
 * @tenant: the tenant it speaks under
 *
 * Return: true while the peer is in the table, a server, and not dead.
 */
bool rmap_server_alive(const u8 *mac, unsigned int tenant)
{
	struct rmap_peer *peer;
	bool alive = false;

	rcu_read_lock();
	peer = rmap_peer_lookup(mac, tenant);
	if (peer) {
		spin_lock_bh(&peer->lock);
		alive = peer->server && !peer->dead && !peer->unhashed;
		spin_unlock_bh(&peer->lock);
	}
	rcu_read_unlock();
	return alive;
}
EXPORT_SYMBOL_GPL(rmap_server_alive);

/**
 * rmap_servers() - the servers of a tenant alive now, as they last advertised
 * @tenant: the tenant
 * @info: filled with up to @max of them
 * @max: room in @info
 *
 * Return: how many were filled in.
 */
int rmap_servers(unsigned int tenant, struct rmap_server_info *info, int max)
{
	struct rmap_peer *peer;
	int bkt, n = 0;

	rcu_read_lock();
	hash_for_each_rcu(rmap_peers, bkt, peer, hnode) {
		if (n >= max)
			break;
		spin_lock_bh(&peer->lock);
		if (peer->tenant == tenant && peer->server && !peer->dead && !peer->unhashed)
			rmap_peer_server_info(peer, &info[n++]);
		spin_unlock_bh(&peer->lock);
	}
	rcu_read_unlock();
	return n;
}
EXPORT_SYMBOL_GPL(rmap_servers);

/**
 * rmap_server_view() - the @pos'th server of the table, for netlink's dump
 * @pos: from 0; the table may change between calls (a dump is not atomic)
 * @v: filled in
 *
 * Return: 0, or -ENOENT past the last server.
 */
int rmap_server_view(unsigned int pos, struct rmap_server_view *v)
{
	struct rmap_peer *peer;
	int bkt, err = -ENOENT;

	rcu_read_lock();
	hash_for_each_rcu(rmap_peers, bkt, peer, hnode) {
		spin_lock_bh(&peer->lock);
		if (!peer->server || peer->unhashed || pos--) {
			spin_unlock_bh(&peer->lock);
			continue;
		}
		rmap_peer_server_info(peer, &v->info);
		v->ifindex = peer->ifindex;
		v->dead = peer->dead;
		v->srtt_us = rmap_rtt_srtt(&peer->rtt);
		v->mtu = peer->mtu;
		v->age_ms = jiffies_to_msecs(jiffies - peer->last_rx);
		memcpy(v->stat, peer->stat, sizeof(v->stat));
		spin_unlock_bh(&peer->lock);
		err = 0;
		break;
	}
	rcu_read_unlock();
	return err;
}

static void rmap_peer_free_rcu(struct rcu_head *rcu)
{
	struct rmap_peer *peer = container_of(rcu, struct rmap_peer, rcu);

	rmap_respond_free_peer(peer);
	kfree_sensitive(peer);		/* its keys */
}

static struct rmap_forgotten *rmap_forgotten_find(const u8 *mac, unsigned int tenant)
{
	struct rmap_forgotten *f;

	hash_for_each_possible(rmap_forgotten_hash, f, hnode, rmap_mac_hash(mac, tenant)) {
		if (ether_addr_equal(f->mac, mac) && f->tenant == tenant)
			return f;
	}
	return NULL;
}

/* Remember a peer leaving the table: its MTU, where its counters were. */
static void rmap_forget(struct rmap_peer *peer)
{
	struct rmap_forgotten *f;
	unsigned int *next;
	u64 epoch, top;
	u16 mtu;

	spin_lock_bh(&peer->lock);
	epoch = peer->replay.epoch;
	top = peer->replay.top;
	mtu = peer->mtu;
	spin_unlock_bh(&peer->lock);
	if (!top && !mtu)
		return;
	spin_lock_bh(&rmap_forgotten_lock);
	/* Forgotten again: it moves to the ring's newest slot. */
	f = rmap_forgotten_find(peer->mac, peer->tenant);
	if (f)
		hash_del(&f->hnode);
	next = &rmap_forgotten_next[peer->tenant];
	f = &rmap_forgotten[peer->tenant * RMAP_FORGOTTEN + *next];
	*next = (*next + 1) % RMAP_FORGOTTEN;
	if (hash_hashed(&f->hnode))
		hash_del(&f->hnode);
	ether_addr_copy(f->mac, peer->mac);
	f->tenant = peer->tenant;
	hash_add(rmap_forgotten_hash, &f->hnode, rmap_mac_hash(f->mac, f->tenant));
	f->mtu = mtu;
	f->epoch = epoch;
	f->top = top;
	spin_unlock_bh(&rmap_forgotten_lock);
}

/* A new peer we forgot before takes up its MTU and counters where they were. */
static void rmap_remember(struct rmap_peer *peer)
{
	struct rmap_forgotten *f;
	bool known = false;

	spin_lock_bh(&rmap_forgotten_lock);
	f = rmap_forgotten_find(peer->mac, peer->tenant);
	if (f) {
		peer->mtu = f->mtu;
		if (f->top) {
			peer->replay.epoch = f->epoch;
			peer->replay.top = f->top;
			bitmap_fill(peer->replay.seen, RMAP_REPLAY_WINDOW);
			known = true;
		}
	}
	spin_unlock_bh(&rmap_forgotten_lock);
	if (known)
		rmap_auth_key_for(peer->tenant, peer->mac, peer->replay.epoch, peer->rx_key);
}

/**
 * rmap_peer_put() - drop a reference taken by rmap_peer_get_by_mac()
 * @peer: the peer
 */
void rmap_peer_put(struct rmap_peer *peer)
{
	if (refcount_dec_and_test(&peer->ref))
		call_rcu(&peer->rcu, rmap_peer_free_rcu);
}
EXPORT_SYMBOL_GPL(rmap_peer_put);

/**
 * rmap_peer_find_or_create() - the peer behind a frame, new if need be
 * @dev: the interface the frame came in on
 * @mac: its source address
 * @tenant: the tenant whose key sealed it
 * @limit: peers of @tenant the table may hold before this one is refused
 *	(RMAP_MAX_PEERS for servers, RMAP_MAX_CLIENT_PEERS for the others)
 *
 * Called under rcu_read_lock() from the receive path: allocates atomically
 * and refuses to grow the table past @limit, so a flood of forged source
 * addresses can neither exhaust memory nor keep servers out.
 *
 * Return: the peer, valid until rcu_read_unlock(), or NULL.
 */
struct rmap_peer *rmap_peer_find_or_create(const struct net_device *dev, const u8 *mac,
					   unsigned int tenant, unsigned int limit)
{
	struct rmap_peer *peer = rmap_peer_lookup(mac, tenant);
	u32 hash = rmap_mac_hash(mac, tenant);

	if (peer)
		return peer;
	if (!is_valid_ether_addr(mac) || READ_ONCE(rmap_nr_peers[tenant]) >= limit)
		return NULL;

	peer = kzalloc(sizeof(*peer), GFP_ATOMIC | __GFP_NOWARN);
	if (!peer)
		return NULL;
	ether_addr_copy(peer->mac, mac);
	peer->tenant = tenant;
	peer->ifindex = dev->ifindex;
	ether_addr_copy(peer->tx_key_mac, dev->dev_addr);
	rmap_auth_key_for(tenant, dev->dev_addr, 0, peer->tx_key);
	refcount_set(&peer->ref, 1);
	spin_lock_init(&peer->lock);
	peer->last_rx = jiffies;
	peer->last_answer = jiffies;
	rmap_request_init_peer(peer);
	if (rmap_respond_init_peer(peer)) {
		rmap_respond_free_peer(peer);
		kfree_sensitive(peer);
		return NULL;
	}

	spin_lock_bh(&rmap_peers_lock);
	/* Another CPU may have added it meanwhile. */
	if (rmap_peer_lookup(mac, tenant) || rmap_nr_peers[tenant] >= limit) {
		struct rmap_peer *other = rmap_peer_lookup(mac, tenant);

		spin_unlock_bh(&rmap_peers_lock);
		rmap_respond_free_peer(peer);
		kfree_sensitive(peer);
		return other;
	}
	rmap_remember(peer);
	hash_add_rcu(rmap_peers, &peer->hnode, hash);
	rmap_nr_peers[tenant]++;
	spin_unlock_bh(&rmap_peers_lock);
	pr_debug("peer %pM (%s) on %s\n", mac, rmap_tenant_name(tenant), dev->name);
	return peer;
}

/**
 * rmap_peer_next_ifindex() - the interface to reach a peer on, once heard
 * @own: the one it is reached on
 * @own_up: that one exists and runs
 * @heard: the one a valid frame of it came in on
 *
 * A peer moves only when its own interface is gone or down (a driver
 * reloaded, a VLAN or bond rebuilt): a frame in its name from another
 * LAN cannot pull it away while its own works.
 *
 * Return: @heard or @own.
 */
int rmap_peer_next_ifindex(int own, bool own_up, int heard)
{
	return own_up ? own : heard;
}
EXPORT_SYMBOL_IF_KUNIT(rmap_peer_next_ifindex);

/* Its lock held, under RCU: reach @peer through @dev from now on, if its own went. */
static void rmap_peer_heard_on(struct rmap_peer *peer, const struct net_device *dev)
{
	struct net_device *own;
	int next;

	if (dev->ifindex == peer->ifindex)
		return;
	own = dev_get_by_index_rcu(&init_net, peer->ifindex);
	next = rmap_peer_next_ifindex(peer->ifindex, own && netif_running(own), dev->ifindex);
	if (next == peer->ifindex)
		return;
	pr_info_ratelimited("peer %pM (%s) is now reached on %s\n", peer->mac,
			    rmap_tenant_name(peer->tenant), dev->name);
	peer->ifindex = next;
}

/**
 * rmap_peer_seen() - a valid frame came from this peer
 * @peer: the peer
 * @dev: the interface it came in on
 *
 * A peer declared dead comes back to life; one whose interface went
 * away or down is reached where it was heard.
 *
 * Context: rcu_read_lock() held.
 */
void rmap_peer_seen(struct rmap_peer *peer, const struct net_device *dev)
{
	struct rmap_server_info info;
	bool back = false;

	spin_lock_bh(&peer->lock);
	peer->last_rx = jiffies;
	rmap_peer_heard_on(peer, dev);
	if (peer->dead) {
		peer->dead = false;
		trace_rmap_peer_alive(peer);
		pr_info("peer %pM (%s) is back\n", peer->mac, rmap_tenant_name(peer->tenant));
		back = peer->server;
		rmap_peer_server_info(peer, &info);
	}
	spin_unlock_bh(&peer->lock);
	if (back)
		rmap_server_notify(RMAP_SERVER_BACK, &info);
}

/**
 * rmap_peer_fresh() - take a frame through its sender's replay window
 * @peer: the sender
 * @h: the frame's header, its tag verified
 *
 * Return: true when the frame is new (always, without a key); a replay
 * is counted, against the peer too.
 */
bool rmap_peer_fresh(struct rmap_peer *peer, const struct rmap_hdr *h)
{
	u64 epoch;
	bool fresh;

	if (!rmap_auth_on())
		return true;
	spin_lock_bh(&peer->lock);
	epoch = peer->replay.epoch;
	fresh = rmap_replay_accept(&peer->replay, be64_to_cpu(h->epoch), be64_to_cpu(h->counter));
	/* A peer new to us, or loaded again: its key is of its new epoch. */
	if (fresh && peer->replay.epoch != epoch)
		rmap_auth_key_for(peer->tenant, peer->mac, peer->replay.epoch, peer->rx_key);
	if (!fresh)
		peer->drop[RMAP_DROP_REPLAY]++;
	spin_unlock_bh(&peer->lock);
	if (!fresh)
		rmap_stat_drop(RMAP_DROP_REPLAY);
	return fresh;
}

/* Take a peer out of the table. Table lock held. */
static void rmap_peer_unhash(struct rmap_peer *peer)
{
	hash_del_rcu(&peer->hnode);
	rmap_nr_peers[peer->tenant]--;
}

/* Stop a peer taken out of the table: no new requests, none left pending. */
static void rmap_peer_release(struct rmap_peer *peer, int status)
{
	spin_lock_bh(&peer->lock);
	peer->unhashed = true;		/* refuses submits, keeps the timer off */
	spin_unlock_bh(&peer->lock);
	hrtimer_cancel(&peer->timer);
	rmap_request_fail_all(peer, status);
	rmap_peer_put(peer);
}

/**
 * rmap_peer_expired() - whether a peer should leave the table
 * @peer: the peer, its lock held
 * @now: the current jiffies
 * @timeout: how long a peer may stay silent (jiffies)
 *
 * A peer with requests queued or in flight stays: their own deadline
 * settles them first. A server that has answered a request is given
 * RMAP_ADV_MISSES of the intervals it advertises at, when that is longer.
 *
 * Return: true when the peer has been silent for longer than @timeout and
 * nothing waits on it.
 */
bool rmap_peer_expired(const struct rmap_peer *peer, unsigned long now,
		       unsigned long timeout)
{
	/*
	 * A server that says it advertises less often is given its misses,
	 * once it has answered us: a forged advertisement alone keeps no
	 * entry longer.
	 */
	if (peer->server && peer->stat[RMAP_PEER_ANSWERED]) {
		unsigned int ms = min(RMAP_ADV_MISSES * peer->adv_interval_ms, RMAP_MAX_SILENCE_MS);

		timeout = max(timeout, msecs_to_jiffies(ms));
	}
	return !peer->nr_inflight && list_empty(&peer->queue) &&
	       time_after(now, peer->last_rx + timeout);
}
EXPORT_SYMBOL_IF_KUNIT(rmap_peer_expired);

/* Every half second: expired peers leave the table. */
static void rmap_ageing(struct work_struct *work)
{
	unsigned long timeout = msecs_to_jiffies(rmap_peer_timeout_ms);
	struct rmap_peer *peer, *gone[16];
	struct hlist_node *tmp;
	static unsigned long last_run;
	unsigned long now = jiffies;
	unsigned int n = 0, i;
	bool paused;
	int bkt;

	/*
	 * Far later than scheduled: this node itself was stopped (a paused or
	 * migrating VM, a starved host), so peers' silence says nothing yet.
	 * Give their frames, queued meanwhile, a round to arrive.
	 */
	paused = last_run && time_after(now, last_run + msecs_to_jiffies(RMAP_AGEING_MS) +
					timeout / 2);
	last_run = now;
	if (paused)
		goto again;

	spin_lock_bh(&rmap_peers_lock);
	hash_for_each_safe(rmap_peers, bkt, tmp, peer, hnode) {
		bool idle;

		spin_lock(&peer->lock);
		idle = rmap_peer_expired(peer, jiffies, timeout);
		spin_unlock(&peer->lock);
		if (idle && n < ARRAY_SIZE(gone)) {
			rmap_peer_unhash(peer);
			/* Under the table's lock: a new entry for it remembers this. */
			rmap_forget(peer);
			gone[n++] = peer;
		}
	}
	spin_unlock_bh(&rmap_peers_lock);

	for (i = 0; i < n; i++) {
		/* A server leaving matters; a quiet client comes and goes. */
		if (gone[i]->server) {
			struct rmap_server_info info;

			pr_info("server %pM (%s) aged out\n", gone[i]->mac,
				rmap_tenant_name(gone[i]->tenant));
			spin_lock_bh(&gone[i]->lock);
			rmap_peer_server_info(gone[i], &info);
			spin_unlock_bh(&gone[i]->lock);
			rmap_server_notify(RMAP_SERVER_DOWN, &info);
		} else {
			pr_debug("peer %pM (%s) aged out\n", gone[i]->mac,
				 rmap_tenant_name(gone[i]->tenant));
		}
		rmap_peer_release(gone[i], -EHOSTDOWN);
	}
again:
	schedule_delayed_work(&rmap_ageing_work, msecs_to_jiffies(RMAP_AGEING_MS));
}

static int rmap_peers_show(struct seq_file *m, void *v)
{
	struct rmap_peer *peer;
	int bkt, i;

	seq_puts(m, "# mac ifindex role state age_ms server_id capacity_pages free_pages load srtt_us rto_us window inflight mtu");
	for (i = 0; i < RMAP_PEER_STAT_NR; i++)
		seq_printf(m, " %s", rmap_peer_stat_names[i]);
	seq_puts(m, " drops tenant\n");
	rcu_read_lock();
	hash_for_each_rcu(rmap_peers, bkt, peer, hnode) {
		spin_lock_bh(&peer->lock);
		seq_printf(m, "%pM %d %s %s %u %08x %llu %llu %u %u %u %u %u %u",
			   peer->mac, peer->ifindex, peer->server ? "server" : "node",
			   peer->dead ? "dead" : "alive",
			   jiffies_to_msecs(jiffies - peer->last_rx), peer->server_id,
			   peer->capacity_pages, peer->free_pages, peer->load,
			   rmap_rtt_srtt(&peer->rtt), rmap_rtt_rto(&peer->rtt),
			   peer->win.cwnd, peer->nr_inflight, peer->mtu);
		for (i = 0; i < RMAP_PEER_STAT_NR; i++)
			seq_printf(m, " %llu", peer->stat[i]);
		for (i = RMAP_DROP_NONE + 1; i < RMAP_DROP_NR; i++)
			seq_printf(m, " %s=%llu", rmap_drop_names[i], peer->drop[i]);
		seq_printf(m, " tenant=%s\n", rmap_tenant_name(peer->tenant));
		spin_unlock_bh(&peer->lock);
	}
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rmap_peers);

int rmap_peers_init(void)
{
	rmap_forgotten = kvcalloc(rmap_tenants_nr() * RMAP_FORGOTTEN, sizeof(*rmap_forgotten),
				  GFP_KERNEL);
	if (!rmap_forgotten)
		return -ENOMEM;
	debugfs_create_file("peers", 0444, rmap_debugfs, NULL, &rmap_peers_fops);
	INIT_DELAYED_WORK(&rmap_ageing_work, rmap_ageing);
	schedule_delayed_work(&rmap_ageing_work, msecs_to_jiffies(RMAP_AGEING_MS));
	return 0;
}

/* After the receive handler is gone: fail what is in flight, free all. */
void rmap_peers_exit(void)
{
	struct rmap_peer *peer;
	struct hlist_node *tmp;
	int bkt;

	cancel_delayed_work_sync(&rmap_ageing_work);
	for (;;) {
		struct rmap_peer *victim = NULL;

		spin_lock_bh(&rmap_peers_lock);
		hash_for_each_safe(rmap_peers, bkt, tmp, peer, hnode) {
			rmap_peer_unhash(peer);
			victim = peer;
			break;
		}
		spin_unlock_bh(&rmap_peers_lock);
		if (!victim)
			break;
		rmap_peer_release(victim, -ESHUTDOWN);
	}
	rcu_barrier();
	kvfree(rmap_forgotten);
	rmap_forgotten = NULL;
	hash_init(rmap_forgotten_hash);
}
