/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memx_server internals: sessions holding lent memory (store.c) and the
 * answers to clients' requests (serve.c).
 */
#ifndef _MEMX_SERVER_H
#define _MEMX_SERVER_H

#include <linux/etherdevice.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mm_types.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <memx/rmap.h>

/* Memory is set aside a chunk at a time, each in blocks of this order. */
#define MEMX_CHUNK_PAGES	256
#define MEMX_BLOCK_ORDER	4

struct memx_chunk {
	struct page *pages[MEMX_CHUNK_PAGES];
	u64 wseq[MEMX_CHUNK_PAGES];	/* of the last write applied; 0: none; | MEMX_PARTIAL */
	unsigned long index;		/* in its session */
	atomic_t releasing;		/* a whole-chunk DISCARD gave it back */
	struct llist_node release;
};

/*
 * Whom a session belongs to: a client's address under the tenant whose
 * key sealed its JOIN. Every request on the session must come from it:
 * one tenant cannot name another's sessions, even from the same address.
 */
struct memx_owner {
	u8 mac[ETH_ALEN] __aligned(2);	/* for ether_addr_equal() */
	u8 tenant;
};

static inline bool memx_owner_equal(const struct memx_owner *a, const struct memx_owner *b)
{
	return ether_addr_equal(a->mac, b->mac) && a->tenant == b->tenant;
}

/* The owner in one word: a session's, which a rebind changes, is read at once. */
static inline u64 memx_owner_key(const struct memx_owner *who)
{
	return ether_addr_to_u64(who->mac) | (u64)who->tenant << 48;
}

/*
 * What one client (an address under a tenant) holds here over all its
 * sessions, for its fair share. Under the store lock.
 */
struct memx_holder {
	struct hlist_node node;
	struct memx_owner owner;
	u64 held;			/* pages */
	unsigned int sessions;
	unsigned long last_want;	/* jiffies it last asked for more */
};

/* A session moves to another address of its client once the old one is quiet this long. */
#define MEMX_REBIND_QUIET_MS	1000

/* A client competes for memory for this long after it last asked for more. */
#define MEMX_SHARE_WANT_MS	2000

/*
 * A client's memory here. Found under RCU from the receive path; the
 * control path (process context) creates, grows and frees sessions.
 * A session's offsets only ever grow (end_chunks); a chunk inside them
 * is present until a DISCARD of all of it gives its memory back, after
 * which that range holds nothing for good.
 */
struct memx_session {
	struct hlist_node hnode;
	struct list_head list;
	u32 id;
	struct memx_owner owner;	/* under the store lock */
	u64 owner_key;			/* memx_owner_key(&owner), for the receive path */
	struct memx_holder *holder;	/* its client's totals */
	u64 client_id;			/* its client's, at JOIN: proves a rebind */
	u32 lease_ms;
	unsigned long last_used;	/* jiffies; written by the receive path */
	unsigned long end_chunks;	/* published with release semantics */
	unsigned long held_chunks;	/* present; under the store lock */
	struct xarray chunks;		/* by index; RCU readers */
	struct llist_head released;	/* chunks to free, from the receive path */
	/* Written under the owning peer's lock, read loosely for the counters. */
	u64 reads;
	u64 writes;
	u64 discards;
	u64 stale;
	u64 wseq_max;		/* highest write number taken */
	bool shed;		/* its client is asked to move it: the host needs memory */
};

/*
 * How far past the highest number taken a write's may jump: a client
 * numbers its writes one by one, so a bigger jump is a forgery that
 * would freeze the page (later writes would all look older).
 */
#define MEMX_WSEQ_JUMP		BIT_ULL(32)

/* Whether write number @w may be taken on @s; if so, it is noted. */
static inline bool memx_wseq_take(struct memx_session *s, u64 w)
{
	if (w > s->wseq_max + MEMX_WSEQ_JUMP)
		return false;
	s->wseq_max = max(s->wseq_max, w);
	return true;
}

/* Server-wide counters (debugfs stats). */
enum memx_srv_stat {
	MEMX_SRV_READS,
	MEMX_SRV_WRITES,
	MEMX_SRV_DISCARDS,
	MEMX_SRV_STALE_WRITES,	/* resends older than the page's last write */
	MEMX_SRV_PARTIAL_READS,	/* reads of a page a write has put only part of its data in */
	MEMX_SRV_JOINS,
	MEMX_SRV_LEAVES,
	MEMX_SRV_EXPIRED,
	MEMX_SRV_RELEASED,	/* chunks given back by whole-chunk DISCARDs */
	MEMX_SRV_FULL,		/* JOINs refused for want of room (E_NOSPC) */
	MEMX_SRV_LEAVING,	/* JOINs refused while leaving (E_LEAVING) */
	MEMX_SRV_RESERVE,	/* of those full: the host's reserve would be cut into */
	MEMX_SRV_SHARE,		/* of those full: the client holds its share already */
	MEMX_SRV_SHED,		/* sessions whose clients were asked to move them */
	MEMX_SRV_REBOUND,	/* sessions whose client now speaks from another address */
	MEMX_SRV_NO_SESSION,	/* requests naming a session not the sender's (E_SESSION) */
	MEMX_SRV_ERRORS,	/* other requests answered with an error status */
	MEMX_SRV_CTL_BUSY,	/* JOINs and LEAVEs refused: too many waiting */
	MEMX_SRV_STAT_NR,
};

void memx_srv_count(enum memx_srv_stat stat);
void memx_srv_add(enum memx_srv_stat stat, u64 n);
extern const char *const memx_srv_stat_names[MEMX_SRV_STAT_NR];
void memx_server_drain(bool leave);
void memx_server_status(u64 stat[MEMX_SRV_STAT_NR], u32 *load, bool *draining);

/* netlink.c: what this host lends, in the memx family. */
void memx_srv_nl_init(void);
void memx_srv_nl_exit(void);

/*
 * A page's write number with this bit: the write has put only part of
 * its data there so far (its other fragments are on their way, or will
 * never come): the page reads as an error, never half old, half new.
 * Write numbers stay far below it (memx_wseq_take()).
 */
#define MEMX_PARTIAL		BIT_ULL(63)

/*
 * Whether a write numbered @w may replace the one numbered @last (0:
 * none; MEMX_PARTIAL ignored). Numbers are 64 bits and start at 1: they
 * never wrap, so a page left alone while its session wrote billions of
 * others still takes its next write.
 */
static inline bool memx_write_is_current(u64 w, u64 last)
{
	return w >= (last & ~MEMX_PARTIAL);
}

/*
 * Whether a READ or WRITE of @size bytes at byte @off is one RMAP allows:
 * a piece of one page, or whole pages from a page boundary, at most
 * RMAP_MAX_PAYLOAD. Both come from the wire: summed in 64 bits, so that
 * no size can wrap past the check.
 */
static inline bool memx_data_range_ok(u64 off, u32 size)
{
	return rmap_data_shape_ok(offset_in_page(off), size);
}

/* store.c */
int memx_store_init(u64 capacity_pages);
void memx_store_exit(void);
void memx_store_sync(void);
struct memx_session *memx_session_find(u32 id, const struct memx_owner *who);
int memx_session_join(const struct memx_owner *who, u64 client_id, u64 pages, u32 lease_ms,
		      u32 *id, u64 *granted);
int memx_session_create(const struct memx_owner *who, u64 client_id, u64 pages, u32 lease_ms,
			struct memx_session **out);
int memx_session_grow(u32 id, const struct memx_owner *who, u64 pages, u64 *total);
bool memx_session_rebindable(u32 id, const struct memx_owner *who, u64 client_id);
int memx_session_rebind(u32 id, const struct memx_owner *who, u64 client_id, u64 *total,
			u32 *lease_ms, bool *leaving);
int memx_session_destroy(u32 id, const struct memx_owner *who);
void memx_sessions_expire(void);
u64 memx_session_pages(const struct memx_session *s);
u64 memx_session_held(const struct memx_session *s);
struct page *memx_session_page(struct memx_session *s, u64 index, u64 **wseq);
bool memx_session_release(struct memx_session *s, u64 index);
u64 memx_store_capacity(void);
u64 memx_store_granted(void);
unsigned int memx_store_sessions(void);
void memx_store_leave(bool leave);
bool memx_store_leaving(void);
unsigned int memx_store_evict(void);
u64 memx_store_reserve(u64 pages);
u64 memx_store_reserved(void);
u64 memx_store_client_max(u64 pages);
bool memx_share_ok(u64 held, u64 pages, u64 room, u64 lendable, unsigned int clients,
		   u64 client_max);
u64 memx_store_room(void);
u64 memx_store_shed(u64 pages);
u64 memx_store_shed_held(void);
void memx_store_show(struct seq_file *m);

/* serve.c */
int memx_serve_init(void);
void memx_serve_exit(void);

#endif /* _MEMX_SERVER_H */
