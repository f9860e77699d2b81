/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel API of rmap_proto, for memx_server and memx_client.
 *
 * rmap_proto owns the wire: it finds peers (advertisements), sends requests
 * to them, fragments and reassembles, retransmits, matches answers, and
 * declares a peer dead after a bounded time. Upper layers hand it
 * preallocated requests and get each one back exactly once, through its
 * done() callback, with a status: nothing waits forever.
 */
#ifndef _MEMX_RMAP_H
#define _MEMX_RMAP_H

#include <linux/bitmap.h>
#include <linux/if_ether.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/types.h>
#include <memx/rmap_wire.h>

struct page;
struct rmap_frag_data;
struct rmap_peer;

/**
 * rmap_data_shape_ok() - whether data is what a READ or WRITE carries
 * @in_page: where the data starts in its first page
 * @len: its bytes
 *
 * Return: true for a piece of one page, or whole pages from a page
 * boundary, of at most RMAP_MAX_PAYLOAD bytes.
 */
static inline bool rmap_data_shape_ok(u64 in_page, u32 len)
{
	return len && len <= RMAP_MAX_PAYLOAD &&
	       (in_page + len <= PAGE_SIZE || (!in_page && PAGE_ALIGNED(len)));
}

/*
 * Which parts of one message arrived. Progress is kept per 64-byte
 * granule, so fragments cut for different MTUs may overlap; the caller
 * puts each fresh fragment's bytes where they belong.
 */
struct rmap_reasm {
	u32 total_len;
	u32 granules_left;
	unsigned long deadline;
	DECLARE_BITMAP(have, RMAP_MAX_PAYLOAD / RMAP_FRAG_ALIGN);
};

/**
 * struct rmap_req - one request to a peer, owned by the caller
 * @type: RMAP_PING, RMAP_READ, RMAP_WRITE, RMAP_DISCARD, RMAP_JOIN or RMAP_LEAVE
 * @session: session id at the peer (0 for PING and JOIN)
 * @body: type-specific header fields (page request, join); sent as given
 * @pages: data to send (WRITE, PING): @len bytes from @page_off in
 *	@pages[0], on into the next pages; the caller keeps them until
 *	done() runs
 * @page_off: offset of the data in @pages[0]
 * @resp_pages: where the answer's data goes (READ, PING), laid out the same way
 * @resp_off: offset in @resp_pages[0]
 * @len: bytes of data each way, 0 when none: a piece of one page
 *	(@page_off + @len at most PAGE_SIZE), or whole pages from offset 0,
 *	at most RMAP_MAX_PAYLOAD (PAGE_SIZE for a PING)
 * @done: called once, in softirq context, when the request completes
 * @priv: the caller's
 * @status: on completion: 0, -EREMOTEIO (the peer answered with an error,
 *	see @resp_status), -ETIMEDOUT (no answer before the deadline) or
 *	-EHOSTDOWN (the peer was declared dead)
 * @resp_status: the enum rmap_status the peer answered with
 * @resp: the header of the answer (JOIN's grant, for example)
 * @rtt_us: round trip of the answered attempt
 *
 * The fields after @rtt_us are rmap_proto's own.
 */
struct rmap_req {
	u8 type;
	u32 session;
	union {
		struct rmap_page_req page;
		struct rmap_join join;
		struct rmap_ping ping;
	} body;
	struct page **pages;
	unsigned int page_off;
	struct page **resp_pages;
	unsigned int resp_off;
	unsigned int len;
	void (*done)(struct rmap_req *req);
	void *priv;

	int status;
	u8 resp_status;
	struct rmap_hdr resp;
	u32 rtt_us;

	/* private to rmap_proto */
	struct list_head list;
	struct rmap_peer *peer;
	u32 seq;
	u16 tries;
	u16 cost;			/* window pages it holds (rmap_req_cost()) */
	ktime_t sent;			/* last (re)transmission */
	ktime_t expires;		/* retransmit after this */
	ktime_t deadline;		/* give up after this */
	struct rmap_reasm reasm;	/* the answer's data, as it arrives */
};

int rmap_submit(struct rmap_peer *peer, struct rmap_req *req);
bool rmap_cancel(struct rmap_req *req);

/*
 * Tenants: the keys of rmap_proto's key_file, each named there. Nodes
 * that share a key are one another's peers under it, and nobody else's:
 * a peer is an address under a tenant. Without keys there is one tenant,
 * "default", and every node of the LAN is a peer under it.
 */
#define RMAP_MAX_TENANTS	8
#define RMAP_TENANT_NAME_LEN	16

unsigned int rmap_tenants_nr(void);
int rmap_tenant_find(const char *name);
const char *rmap_tenant_name(unsigned int tenant);

/**
 * struct rmap_msg - a request from a peer, as a server gets it
 * @peer: the requester, valid while the handler runs
 * @hdr: the request's header (session, seq, page request or join); for
 *	rmap_server_ops.place, that of the fragment: frag_offset and
 *	frag_len say where its data goes in the message's
 * @data: rmap_server_ops.place: where the fragment's frag_len bytes of
 *	data lie (rmap_msg_copy() reads them)
 * @whole: rmap_server_ops.place: the pages the fragment touches have all
 *	their data now (else more of it is to come: a page is whole or
 *	half written)
 */
struct rmap_msg {
	struct rmap_peer *peer;
	const struct rmap_hdr *hdr;
	const struct rmap_frag_data *data;
	bool whole;
};

/**
 * struct rmap_server_ops - the memory server rmap_proto hands requests to
 * @place: a WRITE's fragment arrived with data not seen before: put it
 *	in place. Return RMAP_OK, or the status the request is answered
 *	with at once (its later fragments are then dropped). A write's
 *	data goes straight where it belongs, fragment by fragment: nothing
 *	is held back to be copied again. A page that has only part of a
 *	write's data (@whole false) must not be read as if whole: its
 *	write may never complete.
 * @serve: a whole request (a WRITE once all its data was placed): answer
 *	it with rmap_reply(), here or later (rmap_reply_later()).
 *
 * Both run in the receive path (softirq, never sleeping) with the
 * requester's state locked, so a peer's requests reach them one by one.
 */
struct rmap_server_ops {
	u8 (*place)(const struct rmap_msg *msg);
	void (*serve)(const struct rmap_msg *msg);
};

int rmap_serve(const struct rmap_server_ops *ops);
void rmap_serve_stop(void);
void rmap_reply(const struct rmap_msg *msg, u8 status, const void *body,
		struct page **pages, unsigned int off, unsigned int len);
void rmap_reply_later(struct rmap_peer *peer, const struct rmap_hdr *req, u8 status,
		      const void *body);
void rmap_msg_copy(const struct rmap_msg *msg, unsigned int from, void *to, unsigned int len);

/**
 * struct rmap_server_info - what a server last advertised
 * @mac: its address, for rmap_peer_get_by_mac()
 * @tenant: the tenant it was heard under
 * @id: the server instance's id, the same on each of its interfaces: a
 *	server reached through two NICs is two peers with one id and one
 *	memory to lend
 * @capacity_pages: pages it lends in all; 0 when it is leaving
 * @free_pages: pages not yet given to a session
 * @load: requests it served per second, recent average
 */
struct rmap_server_info {
	u8 mac[ETH_ALEN];
	u8 tenant;
	u32 id;
	u64 capacity_pages;
	u64 free_pages;
	u32 load;
};

int rmap_servers(unsigned int tenant, struct rmap_server_info *info, int max);
bool rmap_server_alive(const u8 *mac, unsigned int tenant);

/**
 * enum rmap_server_event - what rmap_server_notifier() callbacks are told
 * @RMAP_SERVER_UP: a server's first advertisement
 * @RMAP_SERVER_RESTARTED: a server advertises a new instance id: whatever
 *	it held for its clients is gone
 * @RMAP_SERVER_DOWN: a server left the peer table (silent too long)
 * @RMAP_SERVER_LEAVING: a server advertises no capacity: it is leaving,
 *	and its clients move what it holds for them elsewhere (one that
 *	lends again is told as @RMAP_SERVER_UP)
 * @RMAP_SERVER_DEAD: a server answered none of our requests for
 *	rmap_proto's dead_ms: requests to it fail until it is heard again
 * @RMAP_SERVER_BACK: a server found dead was heard again
 *
 * Callbacks get a const struct rmap_server_info * and run in atomic
 * context (the receive path, the ageing work or the request timer): they
 * must not sleep.
 */
enum rmap_server_event {
	RMAP_SERVER_UP,
	RMAP_SERVER_RESTARTED,
	RMAP_SERVER_DOWN,
	RMAP_SERVER_LEAVING,
	RMAP_SERVER_DEAD,
	RMAP_SERVER_BACK,
};

int rmap_server_notifier_register(struct notifier_block *nb);
int rmap_server_notifier_unregister(struct notifier_block *nb);

void rmap_advertise(u64 capacity_pages, u64 free_pages, u32 load);
void rmap_advertise_stop(void);
void rmap_solicit(void);

struct rmap_peer *rmap_peer_get_by_mac(const u8 *mac, unsigned int tenant);
struct rmap_peer *rmap_peer_hold(struct rmap_peer *peer);
void rmap_peer_put(struct rmap_peer *peer);
const u8 *rmap_peer_mac(const struct rmap_peer *peer);
unsigned int rmap_peer_tenant(const struct rmap_peer *peer);

#endif /* _MEMX_RMAP_H */
