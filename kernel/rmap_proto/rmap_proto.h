/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to rmap_proto: the frame codec, fragmentation and reassembly, and
 * the per-peer reliability state (RTT estimate, window). The KUnit suites in
 * tests/kunit/ use these through EXPORTED_FOR_KUNIT_TESTING.
 */
#ifndef _RMAP_PROTO_H
#define _RMAP_PROTO_H

#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <memx/rmap.h>
#include <memx/rmap_wire.h>

/* Why a received frame was dropped; 0 means it was not. */
enum rmap_drop {
	RMAP_DROP_NONE = 0,
	RMAP_DROP_SHORT,	/* shorter than the RMAP header */
	RMAP_DROP_VERSION,	/* a protocol version we do not speak */
	RMAP_DROP_LENGTH,	/* a length beyond the frame or the limits */
	RMAP_DROP_CRC,		/* header or payload corrupted */
	RMAP_DROP_TYPE,		/* unknown type, status or flags */
	RMAP_DROP_FRAG,		/* fragment index, count or offset impossible */
	RMAP_DROP_SESSION,	/* no such session here */
	RMAP_DROP_DUP,		/* duplicate or stale */
	RMAP_DROP_CONFLICT,	/* overlapping fragments that disagree */
	RMAP_DROP_NETNS,	/* came in on an interface of another network namespace */
	RMAP_DROP_NOT_UNICAST,	/* a request sent to a group address */
	RMAP_DROP_OWN,		/* from our own address: looped back, or a replay of ours */
	RMAP_DROP_KEY,		/* sealed under another key, or unsealed where one is set */
	RMAP_DROP_AUTH,		/* its tag is wrong: forged or altered */
	RMAP_DROP_CLEAR,	/* a payload in the clear, while we encrypt */
	RMAP_DROP_REPLAY,	/* its counter was taken before, or is too old */
	RMAP_DROP_NR,
};

extern const char *const rmap_drop_names[RMAP_DROP_NR];

/* Pieces of a page a frame's payload may be in, at most. */
#define RMAP_FRAME_PAGES	(RMAP_MAX_FRAME_PAYLOAD / PAGE_SIZE)

/*
 * Where a frame's payload lies: contiguous at @flat; in pieces of a page
 * each at @piece (the last may be shorter: a message's pages, as sent);
 * or still in the skb it arrived in, from RMAP_HDR_LEN on (@skb), so that
 * it is copied once, straight to where it belongs.
 */
struct rmap_frag_data {
	const u8 *flat;
	const u8 *const *piece;
	struct sk_buff *skb;
};

/* wire.c */
void rmap_hdr_init(struct rmap_hdr *h, enum rmap_type type, u32 session, u32 seq);
void rmap_frag_data_copy(const struct rmap_frag_data *d, unsigned int from, void *to,
			 unsigned int len);
void rmap_frag_data_walk(const struct rmap_frag_data *d, unsigned int len,
			 void (*fn)(void *ctx, const u8 *p, unsigned int n), void *ctx);
u32 rmap_frame_crc_data(const struct rmap_hdr *h, const struct rmap_frag_data *d);
u32 rmap_frame_crc(const struct rmap_hdr *h, const void *payload);
void rmap_frame_seal(struct rmap_hdr *h, const void *payload);
enum rmap_drop rmap_frame_check_data(const struct rmap_hdr *h, unsigned int len,
				     const struct rmap_frag_data *d);
enum rmap_drop rmap_frame_check_sealed(const struct rmap_hdr *h, unsigned int len,
				       const struct rmap_frag_data *d);
enum rmap_drop rmap_frame_check(const void *frame, unsigned int len);
bool rmap_type_has_payload(unsigned int type);

/* Advertisements and solicitations: the only messages sent to everyone. */
static inline bool rmap_type_is_discovery(unsigned int type)
{
	return type == RMAP_ADVERTISE || type == RMAP_SOLICIT;
}

unsigned int rmap_hdr_mtu(const struct rmap_hdr *h);
void rmap_hdr_set_mtu(struct rmap_hdr *h, unsigned int mtu);

/* auth.c: sealed frames and replay windows. */
#define RMAP_KEY_LEN		32
/*
 * Counters a peer's frames may arrive out of order by. A sender's
 * counter is for all its frames, to every peer: a frame to us can be
 * overtaken by all it sent others meanwhile.
 */
#define RMAP_REPLAY_WINDOW	8192

struct rmap_replay {
	u64 epoch;		/* the sender's load these counters are of */
	u64 top;		/* highest counter taken; 0: none yet */
	DECLARE_BITMAP(seen, RMAP_REPLAY_WINDOW);
};

/* A tenant: a key, its name in the key file, and the id frames name it by. */
struct rmap_tenant {
	char name[RMAP_TENANT_NAME_LEN];
	u8 key[RMAP_KEY_LEN];
	u16 key_id;
};

int rmap_key_parse(const char *text, size_t len, u8 key[RMAP_KEY_LEN]);
int rmap_keys_parse(const char *text, size_t len, struct rmap_tenant *t, unsigned int max,
		    unsigned int *line);
void rmap_key_derive(const u8 cluster[RMAP_KEY_LEN], const u8 *mac, u64 epoch,
		     u8 out[RMAP_KEY_LEN]);
u16 rmap_key_id_of(const u8 cluster[RMAP_KEY_LEN]);
void rmap_frame_tag(u8 tag[RMAP_TAG_LEN], const u8 key[RMAP_KEY_LEN], const u8 *dst,
		    const u8 *src, const struct rmap_hdr *h, const void *payload);
void rmap_frame_tag_data(u8 tag[RMAP_TAG_LEN], const u8 key[RMAP_KEY_LEN], const u8 *dst,
			 const u8 *src, const struct rmap_hdr *h, const struct rmap_frag_data *d);
bool rmap_replay_accept(struct rmap_replay *r, u64 epoch, u64 counter);
bool rmap_auth_on(void);
int rmap_auth_tenant(const struct rmap_hdr *h);
void rmap_auth_key_for(unsigned int tenant, const u8 *mac, u64 epoch, u8 out[RMAP_KEY_LEN]);
void rmap_frame_crypt(const u8 key[RMAP_KEY_LEN], u64 counter, u8 *payload, unsigned int len);
bool rmap_auth_encrypts(void);
void rmap_auth_seal(struct rmap_hdr *h, unsigned int tenant, const u8 *key, const u8 *dst,
		    const u8 *src, const void *payload);
void rmap_auth_seal_data(struct rmap_hdr *h, unsigned int tenant, const u8 *key,
			 const u8 *dst, const u8 *src, const struct rmap_frag_data *d);
void rmap_auth_seal_encrypted(struct rmap_hdr *h, unsigned int tenant, const u8 *key,
			      const u8 *dst, const u8 *src, void *payload);
enum rmap_drop rmap_auth_check(const struct rmap_hdr *h, int tenant, const u8 *key,
			       const u8 *dst, const u8 *src, void *payload);
enum rmap_drop rmap_auth_check_data(const struct rmap_hdr *h, int tenant, const u8 *key,
				    const u8 *dst, const u8 *src, const struct rmap_frag_data *d,
				    u8 *plain);
void rmap_auth_use_keys(const struct rmap_tenant *t, unsigned int n, bool encrypt);
void rmap_auth_use_key(const u8 key[RMAP_KEY_LEN], bool encrypt);
int rmap_auth_init(const char *key_file, bool encrypt);
void rmap_auth_exit(void);

/* frag.c */
unsigned int rmap_frag_size(unsigned int mtu);
unsigned int rmap_peer_mtu(unsigned int dev_mtu, unsigned int peer_mtu);
unsigned int rmap_frag_len(unsigned int at, unsigned int total_len, unsigned int frag_size);
unsigned int rmap_frag_count(unsigned int total_len, unsigned int frag_size);
void rmap_frag_hdr(struct rmap_hdr *h, unsigned int total_len, unsigned int count,
		   unsigned int index, unsigned int offset, unsigned int len);

#define RMAP_GRANULES	(RMAP_MAX_PAYLOAD / RMAP_FRAG_ALIGN)

enum rmap_reasm_result {
	RMAP_REASM_MORE,	/* accepted; more fragments to come */
	RMAP_REASM_DONE,	/* accepted; the message is complete */
	RMAP_REASM_DUP,		/* nothing new in this fragment */
	RMAP_REASM_CONFLICT,	/* of a message of another length */
};

void rmap_reasm_start(struct rmap_reasm *r, unsigned int total_len, unsigned long deadline);
enum rmap_reasm_result rmap_reasm_add(struct rmap_reasm *r, const struct rmap_hdr *h);
bool rmap_reasm_has(const struct rmap_reasm *r, unsigned int from, unsigned int to);
bool rmap_reasm_expired(const struct rmap_reasm *r, unsigned long now);
void rmap_frag_to_pages(struct page **pages, unsigned int off, unsigned int at,
			const struct rmap_frag_data *d, unsigned int len);

/* link.c: round-trip estimate and retransmission timeout, microseconds. */
struct rmap_rtt {
	u32 srtt8;		/* smoothed RTT, scaled by 8 */
	u32 rttvar4;		/* mean deviation, scaled by 4 */
	u32 min_rto;
	u32 max_rto;
	u8 backoff;		/* consecutive timeouts: rto doubles each */
	bool sampled;
};

void rmap_rtt_init(struct rmap_rtt *r, u32 initial_rto, u32 min_rto, u32 max_rto);
void rmap_rtt_sample(struct rmap_rtt *r, u32 rtt);
void rmap_rtt_timeout(struct rmap_rtt *r);
u32 rmap_rtt_rto(const struct rmap_rtt *r);
u32 rmap_rtt_srtt(const struct rmap_rtt *r);

/* link.c: pages of requests allowed in flight to one peer (AIMD). */
struct rmap_window {
	u16 cwnd;
	u16 max;
	u16 acked;		/* pages acked since cwnd last grew */
};

void rmap_window_init(struct rmap_window *w, u16 initial, u16 max);
void rmap_window_set_max(struct rmap_window *w, u16 max);
void rmap_window_ack(struct rmap_window *w, unsigned int pages);
void rmap_window_loss(struct rmap_window *w);

/* Sequence numbers wrap: compare them as a signed distance. */
static inline bool rmap_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

/* stats.c: counters of the whole module (per peer ones come with peers). */
enum rmap_stat {
	RMAP_STAT_RX_FRAMES,
	RMAP_STAT_RX_BYTES,
	RMAP_STAT_RX_UNCLAIMED,	/* valid, but no session or handler wanted it */
	RMAP_STAT_NR,
};

void rmap_stat_add(enum rmap_stat stat, u64 n);
void rmap_stat_drop(enum rmap_drop why);
int rmap_stats_init(void);
void rmap_stats_exit(void);

/* eth.c: the Ethernet boundary. */
int rmap_eth_init(u16 ethertype, const char *ifaces);
void rmap_eth_exit(void);
bool rmap_eth_ifaces_valid(const char *ifaces);
bool rmap_iface_allowed(const struct net_device *dev);
int rmap_send(struct net_device *dev, unsigned int mtu, const u8 *dst, unsigned int tenant,
	      const u8 *key, struct rmap_hdr *h, struct page **pages, unsigned int off,
	      const void *buf, unsigned int len);

/* Settings of the module, fixed at load (main.c). */
extern unsigned int rmap_dead_ms;
extern unsigned int rmap_peer_timeout_ms;
extern unsigned int rmap_advert_ms;

/* Requests in flight per peer, at most: slots by sequence number. */
#define RMAP_MAX_WINDOW		64
/*
 * The window counts pages (a request without data counts one): 256 is
 * eight requests of 32 pages, as many as 64 of one. It starts with room
 * for one of the largest.
 */
#define RMAP_MAX_WINDOW_PAGES	256
#define RMAP_INITIAL_WINDOW	32
/* Multi-fragment requests a responder reassembles at once, per peer. */
#define RMAP_RX_SLOTS		16
#define RMAP_MAX_PEERS		256
/*
 * Peers first heard through a request (clients of ours, or anyone naming
 * itself one) may fill the table only this far: the rest is kept for
 * servers, so invented client addresses cannot lock a real server out.
 */
#define RMAP_MAX_CLIENT_PEERS	192
#define RMAP_MIN_RTO_US		200
#define RMAP_MAX_RTO_US		1000000
#define RMAP_INITIAL_RTO_US	100000
/* How late a retransmission may be, so that timers can be batched. */
#define RMAP_TIMER_SLACK_NS	(50 * NSEC_PER_USEC)
/* Tries a request gets before its deadline, at the longest backoff. */
#define RMAP_MIN_TRIES		16
/*
 * A server that has answered us is given this many of its advertised
 * intervals (at most the longest a server may advertise at) before it
 * ages out.
 */
#define RMAP_ADV_MISSES		3
#define RMAP_MAX_SILENCE_MS	(RMAP_ADV_MISSES * 60000)

enum rmap_peer_stat {
	RMAP_PEER_TX_FRAMES,
	RMAP_PEER_TX_BYTES,
	RMAP_PEER_RX_FRAMES,
	RMAP_PEER_RX_BYTES,
	RMAP_PEER_REQUESTS,
	RMAP_PEER_ANSWERED,
	RMAP_PEER_RETRANSMITS,
	RMAP_PEER_TIMEOUTS,	/* requests given up on */
	RMAP_PEER_TX_ERRORS,	/* frames the device or memory refused */
	RMAP_PEER_SPURIOUS,	/* resends whose original was answered after all */
	RMAP_PEER_STAT_NR,
};

/* In the order a slot is reused: free first, then answered, then busy. */
enum rmap_slot_state {
	RMAP_SLOT_FREE,
	RMAP_SLOT_DONE,		/* answered: late copies are duplicates */
	RMAP_SLOT_BUSY,		/* fragments arriving */
};

/*
 * A request from this peer arriving in fragments: a WRITE's go straight
 * to the server (rmap_server_ops.place), a PING's into @page.
 */
struct rmap_rx_slot {
	u32 seq;
	u8 type;
	u8 state;
	u8 status;			/* DONE: what a refused one was answered */
	unsigned long started;		/* jiffies */
	struct rmap_reasm reasm;
	struct page *page;
};

/*
 * A node we have heard from. Found under RCU from the receive path; every
 * field below @lock is protected by it. The table holds one reference,
 * each request in flight another.
 */
struct rmap_peer {
	struct hlist_node hnode;
	struct rcu_head rcu;
	refcount_t ref;
	u8 mac[ETH_ALEN];
	u8 tenant;			/* whose key its frames are sealed under */
	bool unhashed;			/* out of the table: refuse new requests */

	spinlock_t lock;		/* every field below */
	int ifindex;			/* the interface it is reached on */
	unsigned long last_rx;		/* jiffies of the last valid frame */
	unsigned long last_answer;	/* jiffies of the last answer to a request */
	bool dead;
	/* What its advertisements say, if it is a server. */
	bool server;
	u32 server_id;
	u64 capacity_pages;
	u64 free_pages;
	u32 load;
	u16 adv_window;
	u16 adv_interval_ms;		/* it advertises at least this often */
	u16 mtu;			/* what it says it takes; 0: not said yet */
	/* Sealing frames to it, checking and taking its frames once only. */
	u8 tx_key[RMAP_KEY_LEN];
	u8 tx_key_mac[ETH_ALEN];	/* our address tx_key was derived for */
	u8 rx_key[RMAP_KEY_LEN];	/* its key in the epoch of replay.epoch */
	struct rmap_replay replay;
	/* Requests to it. */
	u32 next_seq;
	unsigned int nr_inflight;
	unsigned int inflight_pages;	/* their cost, against win.cwnd */
	struct rmap_req *inflight[RMAP_MAX_WINDOW];
	struct list_head queue;		/* waiting for room in the window */
	struct hrtimer timer;		/* next retransmission or deadline */
	struct rmap_rtt rtt;
	struct rmap_window win;
	unsigned long win_hold_until;	/* jiffies: no second shrink before */
	/* Requests from it. */
	struct rmap_rx_slot slots[RMAP_RX_SLOTS];
	u64 stat[RMAP_PEER_STAT_NR];
	u64 drop[RMAP_DROP_NR];
};

extern const char *const rmap_peer_stat_names[RMAP_PEER_STAT_NR];

/* A server of the peer table, as netlink shows it. */
struct rmap_server_view {
	struct rmap_server_info info;
	int ifindex;
	bool dead;
	u32 srtt_us;
	u32 mtu;
	u32 age_ms;
	u64 stat[RMAP_PEER_STAT_NR];
};

/* eth.c, once struct rmap_peer is known */
void rmap_peer_send(struct rmap_peer *peer, struct rmap_hdr *h, struct page **pages,
		    unsigned int off, const void *buf, unsigned int len);

/* peer.c */
struct rmap_peer *rmap_peer_lookup(const u8 *mac, unsigned int tenant);
struct rmap_peer *rmap_peer_find_or_create(const struct net_device *dev, const u8 *mac,
					   unsigned int tenant, unsigned int limit);
void rmap_peer_seen(struct rmap_peer *peer, const struct net_device *dev);
int rmap_peer_next_ifindex(int own, bool own_up, int heard);
bool rmap_peer_fresh(struct rmap_peer *peer, const struct rmap_hdr *h);
bool rmap_peer_expired(const struct rmap_peer *peer, unsigned long now,
		       unsigned long timeout);
int rmap_server_view(unsigned int pos, struct rmap_server_view *v);
int rmap_peers_init(void);
void rmap_peers_exit(void);

/* netlink.c: the memx family; a user of the server notifier chain. */
int rmap_nl_init(void);
void rmap_nl_exit(void);

/* request.c */
void rmap_request_init_peer(struct rmap_peer *peer);
void rmap_request_rx(struct rmap_peer *peer, const struct rmap_hdr *h,
		     const struct rmap_frag_data *d);
void rmap_request_fail_all(struct rmap_peer *peer, int status);

/* respond.c */
void rmap_respond_rx(struct rmap_peer *peer, const struct rmap_hdr *h,
		     const struct rmap_frag_data *d);
bool rmap_serving(void);
int rmap_respond_init_peer(struct rmap_peer *peer);
void rmap_respond_free_peer(struct rmap_peer *peer);

/* discover.c */
void rmap_discover_rx(struct net_device *dev, const u8 *src, unsigned int tenant,
		      const struct rmap_hdr *h);
void rmap_discover_announce(struct net_device *dev);
void rmap_server_notify(enum rmap_server_event event, const struct rmap_server_info *info);
void rmap_peer_server_info(const struct rmap_peer *peer, struct rmap_server_info *info);
int rmap_discover_init(void);
void rmap_discover_exit(void);

/* ping.c */
int rmap_ping_init(struct dentry *dir);

/* stats.c */
extern struct dentry *rmap_debugfs;

#endif /* _RMAP_PROTO_H */
