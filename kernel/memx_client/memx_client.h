/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memx_client internals: the block device (dev.c) and the map of its
 * extents onto servers' memory (map.c).
 */
#ifndef _MEMX_CLIENT_H
#define _MEMX_CLIENT_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/blk-mq.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <memx/rmap.h>
#include <uapi/linux/memx.h>

/* A device is placed on servers an extent at a time: 1 MiB. */
#define MEMX_EXTENT_SHIFT	8
#define MEMX_EXTENT_PAGES	BIT(MEMX_EXTENT_SHIFT)
/*
 * Largest I/O, in pages: RMAP's largest message. Its pages in one extent
 * go as one RMAP request (a run), to each copy.
 */
#define MEMX_MAX_PAGES		(RMAP_MAX_PAYLOAD / PAGE_SIZE)
/* Runs of one I/O: it spans two extents at most. */
#define MEMX_MAX_RUNS		2
#define MEMX_QUEUE_DEPTH	64
#define MEMX_MAX_DEVICES	16
#define MEMX_LABEL_LEN		MEMX_LABEL_MAX	/* a device's label, without its NUL */
#define MEMX_MAX_SIZE_MB	(16U * 1024 * 1024)	/* 16 TiB */
#define MEMX_MAX_SERVERS	32
/* Load (requests per second) at which a server's room counts half. */
#define MEMX_LOAD_HALF		20000
/*
 * An extent names its session by a slot number of this many bits (0:
 * none). A device's sessions are preallocated; once all are taken, the
 * slot of one that is over, holding nothing and used by no request, is
 * taken again (memx_session_reclaim()).
 */
#define MEMX_SLOT_BITS		6
#define MEMX_MAX_SESSIONS	(BIT(MEMX_SLOT_BITS) - 1)
/* A page whose server was lost or silent is sent again for this long. */
#define MEMX_IO_RETRY_MS	30000
/* Copies of each extent, on as many servers, at most. */
#define MEMX_MAX_REPLICAS	2
/* Requests of one I/O: each run once per replica. */
#define MEMX_MAX_REQS		(MEMX_MAX_RUNS * MEMX_MAX_REPLICAS)

/* A synchronous control request (JOIN, LEAVE), preallocated per device. */
struct memx_ctl_req {
	struct rmap_req req;
	struct completion done;
};

/* This device's session on one server. */
struct memx_session {
	struct list_head list;
	spinlock_t peer_lock;		/* peer; held across submissions */
	struct rmap_peer *peer;		/* held; the server as RMAP knows it now */
	u8 mac[ETH_ALEN];
	u32 id;
	u32 server_id;			/* the server's instance, as it advertised */
	struct memx_dev *dev;
	unsigned int slot;		/* 1 + its index in session_store */
	u64 pages;			/* end of the session's offsets, from the server */
	u64 next;			/* first offset never given to an extent */
	atomic64_t used;		/* pages of extents placed there now */
	atomic64_t wseq;		/* numbers writes and discards, from 1 */
	/* Counters of requests (a run of pages each), updated from completions. */
	atomic64_t reads;
	atomic64_t writes;
	atomic64_t discards;
	atomic64_t errors;
	atomic64_t resends;		/* requests sent again after a lost server */
	atomic64_t rtt_us_sum;		/* of answered requests */
	atomic64_t answered;
	atomic_t srtt_us;		/* recent round trip, for the choice of replica */
	struct memx_ctl_req renew;	/* the lease's keep-alive */
	atomic_t renewing;
	atomic_t recheck;		/* answered E_SESSION: renew with our id (recheck_work) */
	u64 client_id;			/* what this server knows the device by */
	atomic_t lost;			/* the server no longer knows it, or we left */
	struct llist_head parked;	/* pages answered E_SESSION: the renewal decides */
	atomic_t leaving;		/* its server is leaving: move the extents */
	atomic_t inflight;		/* requests that may use it (memx_cmd_use()) */
	unsigned long down_since;	/* jiffies its server went silent; repair_work's */
	/* Seen over (lost, holding nothing) at over_gp's grace period; map_lock. */
	bool over;
	unsigned long over_gp;
};

/*
 * Where one extent lives: a word per replica, so that each is read and
 * changed at once: 0 until a write needs it (and again once a whole-extent
 * discard gave it back, or a failed write left that copy behind), else
 * the session's slot in the low MEMX_SLOT_BITS and the extent's first
 * page there, in extents, above. A session never hands out the same
 * offsets twice; a new session in a slot taken again does, so a word is
 * trusted only while its session is held (a request's use, a copy's pin:
 * memx_session_reclaim()).
 *
 * @state counts the writes and discards in flight to the extent; while
 * MEMX_EXT_COPYING is set, a copy of the extent is being made and new
 * writes wait, so that the copy misses none.
 */
struct memx_extent {
	unsigned long where[MEMX_MAX_REPLICAS];	/* published with release semantics */
	atomic_t state;
};

#define MEMX_EXT_PLACED		BIT(30)	/* where[] published: set with release */
#define MEMX_EXT_COPYING	BIT(29)
#define MEMX_EXT_LOST		BIT(28)	/* no copy left: said once */
#define MEMX_EXT_WRITERS	(MEMX_EXT_LOST - 1)

enum memx_dev_stat {
	MEMX_DEV_READS,
	MEMX_DEV_WRITES,
	MEMX_DEV_DISCARDS,
	MEMX_DEV_FLUSHES,
	MEMX_DEV_ERRORS,
	MEMX_DEV_ZERO_READS,	/* pages read from extents never written */
	MEMX_DEV_PLACED,	/* extents placed on a server */
	MEMX_DEV_RELEASED,	/* extents given back by whole-extent discards */
	MEMX_DEV_READ_FALLBACKS,	/* reads sent to another copy after a failure */
	MEMX_DEV_REPLICAS_DROPPED,	/* copies left behind by a write they missed */
	MEMX_DEV_REPLICAS_MADE,	/* copies made again from a surviving one */
	MEMX_DEV_PAGES_COPIED,	/* by those copies */
	MEMX_DEV_EXTENTS_LOST,	/* extents with no copy left */
	MEMX_DEV_EXTENTS_MOVED,	/* copies moved off a server that is leaving */
	MEMX_DEV_EXTENTS_BALANCED,	/* copies moved to even the servers' shares out */
	MEMX_DEV_STAT_NR,
};

struct memx_dev {
	int index;
	u64 pages;
	siphash_key_t id_key;		/* a session's client_id, per server */
	unsigned int tenant;		/* whose servers it uses, under whose key */
	unsigned int replicas;		/* copies of each extent it keeps */
	char label[MEMX_LABEL_LEN + 1];	/* its stable name, or "" */
	struct gendisk *disk;
	struct blk_mq_tag_set tag_set;

	struct memx_extent *extents;
	unsigned int nr_extents;
	struct mutex map_lock;		/* sessions list, placement, ctl */
	struct list_head sessions;
	/* Set up before any extent names them, and kept until exit. */
	struct memx_session *session_store;	/* MEMX_MAX_SESSIONS */
	unsigned int nr_sessions;
	unsigned long reclaims;			/* slots taken again (memx_session_reclaim()) */
	struct memx_ctl_req ctl;

	spinlock_t wait_lock;		/* waiting */
	struct list_head waiting;	/* writes to extents being placed */
	struct work_struct place_work;
	unsigned long full_since;	/* jiffies: no server had room since; place_work's */
	struct delayed_work renew_work;
	struct delayed_work recheck_work;
	struct delayed_work repair_work;
	struct memx_copy *copy;		/* repair_work's buffers */
	spinlock_t copies_lock;		/* dropping a copy, never the last */
	atomic_t degraded;		/* extents short of copies, at the last scan */
	atomic_t leaving;		/* extents with a copy on a leaving server, then */
	const char *state_said;		/* memx_dev_state() last told; repair_work's */
	bool leaving_said;		/* that those wait was said; repair_work's */
	u64 balance_next;		/* extent the balance looks at next; repair_work's */
	bool stopping;			/* under wait_lock: no more repair_work */

	atomic64_t stat[MEMX_DEV_STAT_NR];
	struct dentry *debugfs;
	bool claimed;			/* being removed: opens fail */
};

/* Where one RMAP request of a memx_cmd goes, and what it tried. */
struct memx_target {
	struct memx_cmd *cmd;		/* the request it is part of */
	struct llist_node park;		/* on sess->parked */
	struct memx_session *sess;
	unsigned long where;		/* the extent's word it was sent by */
	u64 page;			/* in the device: the first of its run */
	u8 replica;			/* index in the extent's where[] */
	u8 tried;			/* replicas a read has asked */
	bool ok;			/* this copy answered */
};

/* Per request (blk-mq PDU): everything a request needs, preallocated. */
struct memx_cmd {
	struct memx_dev *dev;
	struct list_head wait;
	unsigned long wait_since;	/* jiffies, when placement began */
	unsigned long deadline;		/* jiffies: stop resending failed pages */
	atomic_t pending;
	blk_status_t status;
	unsigned int nr;
	bool writing;			/* holds its extents' writer counts */
	/* Slots of the sessions its pages were aimed at: in use till it ends. */
	DECLARE_BITMAP(uses, MEMX_MAX_SESSIONS + 1);
	struct rmap_req reqs[MEMX_MAX_REQS];
	struct memx_target to[MEMX_MAX_REQS];
	struct page *pages[MEMX_MAX_PAGES];	/* its data, page by page */
};

extern struct workqueue_struct *memx_wq;
extern struct workqueue_struct *memx_repair_wq;
extern unsigned int memx_place_timeout_ms;
extern unsigned int memx_lease_ms;
extern unsigned int memx_replicas;
extern bool memx_balance;

/* control.c */
int memx_devices_add(unsigned int size_mb, unsigned int tenant, unsigned int replicas,
		     const char *label, void (*made)(struct memx_dev *dev, void *arg), void *arg);
int memx_devices_remove(const char *name);
int memx_devices_call(int index, const char *name, int (*fn)(struct memx_dev *dev, void *arg),
		      void *arg);
int memx_tenant_parse(const char *name);
void memx_control_init(struct dentry *debugfs);
int memx_control_publish(void);
void memx_control_exit(void);

/* dev.c */
struct memx_dev *memx_dev_create(int index, u64 pages, unsigned int tenant,
				 unsigned int replicas, const char *label);
int memx_dev_claim(struct memx_dev *dev);
void memx_dev_destroy(struct memx_dev *dev);
void memx_dev_dispatch(struct memx_cmd *cmd);
bool memx_cmd_hold(struct memx_cmd *cmd);
void memx_dev_exit(void);
void memx_dev_debugfs(struct memx_dev *dev, struct dentry *parent);

/* attrs.c */
extern const struct attribute_group *memx_disk_groups[];
bool memx_label_ok(const char *label);
const char *memx_dev_state(struct memx_dev *dev);

/* netlink.c: the devices in the memx family (<uapi/linux/memx.h>). */
int memx_nl_init(void);
void memx_nl_exit(void);
struct sk_buff *memx_nl_dev_event_new(struct memx_dev *dev, u32 event, gfp_t gfp, void **hdr);
void memx_nl_dev_event(struct memx_dev *dev, u32 event, gfp_t gfp);
void memx_nl_session_lost(struct memx_session *s);

/* dev.c's names of enum memx_dev_stat. */
extern const char *const memx_dev_stat_names[MEMX_DEV_STAT_NR];

/* map.c */
int memx_map_init(struct memx_dev *dev);
void memx_map_exit(struct memx_dev *dev);
int memx_session_submit(struct memx_session *s, struct rmap_req *req);
void memx_session_check(struct memx_session *s, const struct rmap_req *req);
void memx_session_recheck(struct memx_session *s);
void memx_session_unpark(struct memx_session *s, int status);
void memx_session_unpark_late(struct memx_session *s);
int memx_place_extent(struct memx_dev *dev, unsigned int ext);
int memx_place_replica(struct memx_dev *dev, const u32 *exclude, int nr_exclude, u32 only,
		       unsigned long *where);
const struct rmap_server_info *
memx_pick_server(struct memx_dev *dev, const struct rmap_server_info *srv, int n);
u32 memx_balance_pick(struct memx_dev *dev, const struct rmap_server_info *srv, int n, u32 *to);
void memx_place_work(struct work_struct *work);
void memx_place_kick(struct memx_dev *dev);
void memx_room_check(struct memx_dev *dev);
int memx_servers_known(struct memx_dev *dev, u64 *room);
void memx_renew_work(struct work_struct *work);
void memx_recheck_work(struct work_struct *work);
void memx_sessions_leave_moved(struct memx_dev *dev);
void memx_map_show(struct seq_file *m, struct memx_dev *dev);
u64 memx_session_held(const struct memx_session *s);
int memx_sessions_each(struct memx_dev *dev,
		       int (*fn)(const struct memx_session *s, void *arg), void *arg);
struct memx_session *memx_where_session(struct memx_dev *dev, unsigned long where);
struct memx_session *memx_session_reclaim(struct memx_dev *dev);
u64 memx_where_page(unsigned long where, u64 page);
bool memx_extent_drop(struct memx_dev *dev, u64 ext, unsigned int r, unsigned long where);

/* replica.c */
int memx_repair_init(struct memx_dev *dev);
void memx_repair_exit(struct memx_dev *dev);
void memx_repair_kick(struct memx_dev *dev);
void memx_repair_work(struct work_struct *work);
bool memx_extent_hold(struct memx_dev *dev, u64 ext);
void memx_extent_unhold(struct memx_dev *dev, u64 ext);
bool memx_extent_freeze(struct memx_extent *e);
void memx_extent_thaw(struct memx_dev *dev, struct memx_extent *e);

#endif /* _MEMX_CLIENT_H */
