/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * RMAP wire format: the frames memx clients and servers exchange directly
 * on Ethernet, under their own EtherType. Every multi-byte field is big
 * endian. docs/rmap-protocol.md describes each message and state machine.
 */
#ifndef _MEMX_RMAP_WIRE_H
#define _MEMX_RMAP_WIRE_H

#include <linux/types.h>

/* A peer outside the kernel defines __packed as its compiler's packing. */

/* IEEE 802 "local experimental" EtherType; a module parameter may change it. */
#define RMAP_ETHERTYPE		0x88B5
#define RMAP_VERSION		3

/* RMAP's page: what READ, WRITE and DISCARD address and move. */
#define RMAP_PAGE_SIZE		4096
/*
 * Largest message payload: 32 pages, the most a client's block request
 * carries (128 KiB: what swap's clustered write-back and the block
 * layer's read-ahead send at once). A receiver refuses what is over it.
 */
#define RMAP_MAX_PAYLOAD	(32 * RMAP_PAGE_SIZE)
/*
 * Fragments start on this boundary, so reassembly can track them in
 * granules (2048 for the largest message).
 */
#define RMAP_FRAG_ALIGN		64
/*
 * Payload bytes in one frame, at most: a receiver takes each frame into
 * a per-CPU buffer set aside at load (which the per-CPU allocator keeps
 * below 32 KiB). MTUs past 16 KiB carry no more per frame.
 */
#define RMAP_MAX_FRAME_PAYLOAD	(4 * RMAP_PAGE_SIZE)
/* The smallest MTU RMAP runs on, and a bound on the fragments of a message. */
#define RMAP_MIN_MTU		576
#define RMAP_MAX_FRAGS		512

enum rmap_type {
	RMAP_ADVERTISE	= 1,	/* server -> all: I exist, here is my capacity */
	RMAP_SOLICIT	= 2,	/* client -> all: servers, advertise now */
	RMAP_JOIN	= 3,	/* client -> server: open a session */
	RMAP_LEAVE	= 4,	/* either side: close a session */
	RMAP_WRITE	= 5,	/* client -> server: store a page */
	RMAP_READ	= 6,	/* client -> server: send a page back */
	RMAP_READ_RESP	= 7,	/* server -> client: the page asked for */
	RMAP_ACK	= 8,	/* reply to JOIN, LEAVE, WRITE, DISCARD; status says how */
	RMAP_PING	= 9,	/* either side: echo request, carries a payload */
	RMAP_PONG	= 10,	/* echo reply, same payload */
	RMAP_DISCARD	= 11,	/* client -> server: forget pages */
	RMAP_TYPE_MAX	= RMAP_DISCARD,
};

enum rmap_status {
	RMAP_OK		= 0,
	RMAP_E_INVAL	= 1,	/* malformed or impossible request */
	RMAP_E_NOSPC	= 2,	/* server has no memory left for this */
	RMAP_E_SESSION	= 3,	/* no such session (expired, or server restarted) */
	RMAP_E_RANGE	= 4,	/* offset outside the session's memory */
	RMAP_E_BUSY	= 5,	/* try again later */
	RMAP_E_LEAVING	= 6,	/* server is leaving: move your pages elsewhere */
	RMAP_STATUS_MAX	= RMAP_E_LEAVING,
};

/* Header flags. */
#define RMAP_F_RETRANSMIT	0x01	/* a resend: no RTT sample from its answer */
#define RMAP_F_ENCRYPTED	0x02	/* the payload is ChaCha20 ciphertext (keyed frames) */
#define RMAP_F_ALL		(RMAP_F_RETRANSMIT | RMAP_F_ENCRYPTED)

/* RMAP_READ, RMAP_WRITE, RMAP_READ_RESP, RMAP_DISCARD, RMAP_ACK of those. */
struct rmap_page_req {
	__be64	offset;		/* byte offset in the session's memory */
	__be32	size;		/* bytes: see below */
	__be32	reserved;	/* zero */
	__be64	wseq;		/* WRITE, DISCARD: grows with each one on the session, from 1 */
};

/*
 * A READ or WRITE moves a piece of one page, or whole pages from a page
 * boundary: at most RMAP_MAX_PAYLOAD bytes, one message each way. A
 * DISCARD names whole pages, at most RMAP_MAX_DISCARD bytes of them.
 *
 * A server applies a WRITE or DISCARD to a page only if its wseq is not
 * below that of the last one applied there: a resend delayed in the
 * network cannot undo a later write. 64 bits never wrap in a session's
 * life, so the order is plain, not serial-number arithmetic.
 */
#define RMAP_MAX_DISCARD	(1024U * 1024)

/* Advertised memory is counted in MiB: 256 RMAP pages of 4 KiB. */
#define RMAP_PAGES_PER_MIB	256

/*
 * The mtu fields below say the largest Ethernet payload the sender takes
 * on the interface the frame left from. A node never sends a peer frames
 * larger than that (nor than its own MTU); before a peer has said, it
 * sends at most 1500 bytes, what every Ethernet interface takes.
 */

/* RMAP_ADVERTISE. The header's session field holds the server's instance id. */
struct rmap_advert {
	__be32	capacity_mib;	/* memory this server hands out in all */
	__be32	free_mib;	/* memory not yet given to a session */
	__be32	load;		/* requests served per second, recent average */
	__be16	interval_ms;	/* advertisements come at least this often */
	__be16	window;		/* pages of requests a client may keep in flight */
	__be16	mtu;		/* at least RMAP_MIN_MTU */
	__be16	reserved;	/* zero */
	__be32	reserved2;	/* zero */
};

/* RMAP_SOLICIT. */
struct rmap_solicit {
	__be16	mtu;		/* at least RMAP_MIN_MTU */
	__be16	reserved;	/* zero */
	__be32	reserved2;	/* zero */
	__be64	reserved3[2];	/* zero */
};

/* RMAP_JOIN request and its RMAP_ACK. */
struct rmap_join {
	__be64	pages;		/* memory asked for (request) or granted (ack) */
	__be32	lease_ms;	/* session ends after this long without traffic */
	__be16	mtu;		/* request: at least RMAP_MIN_MTU; ack: any */
	__be16	reserved;	/* zero */
	__be64	client_id;	/* stable per client: a rejoin replaces the old session */
};

/* RMAP_PING and RMAP_PONG. */
struct rmap_ping {
	__be64	sent_ns;	/* sender's clock, echoed back untouched */
	__be64	reserved;	/* zero */
	__be64	reserved2;	/* zero */
};

/* Bytes of the tag that authenticates a frame (a Poly1305 tag). */
#define RMAP_TAG_LEN	16

struct rmap_hdr {
	__u8	version;	/* RMAP_VERSION */
	__u8	type;		/* enum rmap_type */
	__u8	status;		/* enum rmap_status; RMAP_OK in requests */
	__u8	flags;		/* RMAP_F_* */
	__be32	session;	/* session id; 0 before JOIN, server id in ADVERTISE */
	__be32	seq;		/* request sequence number; replies echo it */
	__be16	frag_index;	/* this fragment: 0 .. frag_count - 1 */
	__be16	frag_count;	/* fragments in this message, 1 .. RMAP_MAX_FRAGS */
	__be32	frag_offset;	/* where this frame's payload goes in the message's */
	__be32	total_len;	/* payload bytes of the whole message */
	__be16	frag_len;	/* payload bytes in this frame */
	__be16	key_id;		/* the key that sealed the frame; 0: none */
	__be32	crc;		/* CRC32C of the frame: header (crc zero) and payload */
	__be64	counter;	/* sender's frame counter, for replay; 0 without a key */
	__be64	epoch;		/* random per load of the sender; names its key with its MAC */
	union {
		struct rmap_page_req	page;
		struct rmap_advert	adv;
		struct rmap_solicit	solicit;
		struct rmap_join	join;
		struct rmap_ping	ping;
	};
	__u8	tag[RMAP_TAG_LEN];	/* authenticates the frame; zero without a key */
} __packed;

#define RMAP_HDR_LEN	88

#ifdef __KERNEL__
static_assert(sizeof(struct rmap_page_req) == 24);
static_assert(sizeof(struct rmap_advert) == 24);
static_assert(sizeof(struct rmap_solicit) == 24);
static_assert(sizeof(struct rmap_join) == 24);
static_assert(sizeof(struct rmap_ping) == 24);
static_assert(sizeof(struct rmap_hdr) == RMAP_HDR_LEN);
#endif

#endif /* _MEMX_RMAP_WIRE_H */
