/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to rmap_proto: the frame codec, fragmentation and reassembly, and
 * the per-peer reliability state (RTT estimate, window). The KUnit suites in
 * tests/kunit/ use these through EXPORTED_FOR_KUNIT_TESTING.
 */
#ifndef _RMAP_PROTO_H
#define _RMAP_PROTO_H

#include <linux/types.h>
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
	RMAP_DROP_NR,
};

extern const char *const rmap_drop_names[RMAP_DROP_NR];

/* wire.c */
void rmap_hdr_init(struct rmap_hdr *h, enum rmap_type type, u32 session, u32 seq);
u32 rmap_frame_crc(const struct rmap_hdr *h, const void *payload);
void rmap_frame_seal(struct rmap_hdr *h, const void *payload);
enum rmap_drop rmap_frame_check(const void *frame, unsigned int len);
bool rmap_type_has_payload(unsigned int type);

/* frag.c */
unsigned int rmap_frag_size(unsigned int mtu);
unsigned int rmap_frag_count(unsigned int total_len, unsigned int frag_size);
void rmap_frag_hdr(struct rmap_hdr *h, unsigned int total_len,
		   unsigned int frag_size, unsigned int index);

#define RMAP_GRANULES	(RMAP_MAX_PAYLOAD / RMAP_FRAG_ALIGN)

/*
 * Reassembly of one message into a buffer its owner provides (for a read,
 * the destination page itself). Progress is kept per 8-byte granule, so
 * fragments cut for different MTUs may overlap, as long as they agree.
 */
struct rmap_reasm {
	u8 *buf;
	u16 total_len;
	u16 granules_left;
	unsigned long deadline;
	DECLARE_BITMAP(have, RMAP_GRANULES);
};

enum rmap_reasm_result {
	RMAP_REASM_MORE,	/* accepted; more fragments to come */
	RMAP_REASM_DONE,	/* accepted; the message is complete */
	RMAP_REASM_DUP,		/* nothing new in this fragment */
	RMAP_REASM_CONFLICT,	/* disagrees with what was received */
};

void rmap_reasm_start(struct rmap_reasm *r, void *buf, unsigned int total_len,
		      unsigned long deadline);
enum rmap_reasm_result rmap_reasm_add(struct rmap_reasm *r, const struct rmap_hdr *h,
				      const void *payload);
bool rmap_reasm_expired(const struct rmap_reasm *r, unsigned long now);

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

/* link.c: requests allowed in flight to one peer (AIMD). */
struct rmap_window {
	u16 cwnd;
	u16 max;
	u16 acked;		/* acks since cwnd last grew */
};

void rmap_window_init(struct rmap_window *w, u16 initial, u16 max);
void rmap_window_set_max(struct rmap_window *w, u16 max);
void rmap_window_ack(struct rmap_window *w);
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

#endif /* _RMAP_PROTO_H */
