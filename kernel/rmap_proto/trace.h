/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of rmap_proto, in the "memx" system shared with the other
 * memx modules: `trace-cmd record -e memx` shows requests sent, answered
 * and resent, and peers found dead or back.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM memx

#if !defined(_RMAP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _RMAP_TRACE_H

#include <linux/if_ether.h>
#include <linux/tracepoint.h>

#include "rmap_proto.h"

/* A request as it leaves, or as its answer completes it (status, rtt_us). */
DECLARE_EVENT_CLASS(rmap_req_class,
		    TP_PROTO(const struct rmap_peer *peer, const struct rmap_req *req),
		    TP_ARGS(peer, req),
		    TP_STRUCT__entry(__array(u8, mac, ETH_ALEN)
				     __field(u32, seq)
				     __field(u32, session)
				     __field(u32, len)
				     __field(u32, rtt_us)
				     __field(u16, tries)
				     __field(u8, type)
				     __field(u8, status)),
		    TP_fast_assign(memcpy(__entry->mac, peer->mac, ETH_ALEN);
				   __entry->seq = req->seq;
				   __entry->session = req->session;
				   __entry->len = req->len;
				   __entry->rtt_us = req->rtt_us;
				   __entry->tries = req->tries;
				   __entry->type = req->type;
				   __entry->status = req->resp_status;),
		    TP_printk("peer=%pM seq=%u type=%u session=%08x len=%u tries=%u status=%u rtt_us=%u",
			      __entry->mac, __entry->seq, __entry->type, __entry->session,
			      __entry->len, __entry->tries, __entry->status, __entry->rtt_us));

/* A request leaves for the first time. */
DEFINE_EVENT(rmap_req_class, rmap_send,
	     TP_PROTO(const struct rmap_peer *peer, const struct rmap_req *req),
	     TP_ARGS(peer, req));

/* A request leaves again: no answer within its timeout. */
DEFINE_EVENT(rmap_req_class, rmap_retransmit,
	     TP_PROTO(const struct rmap_peer *peer, const struct rmap_req *req),
	     TP_ARGS(peer, req));

/* The answer to a request, with the status the peer gave and the round trip. */
DEFINE_EVENT(rmap_req_class, rmap_answer,
	     TP_PROTO(const struct rmap_peer *peer, const struct rmap_req *req),
	     TP_ARGS(peer, req));

DECLARE_EVENT_CLASS(rmap_peer_class,
		    TP_PROTO(const struct rmap_peer *peer),
		    TP_ARGS(peer),
		    TP_STRUCT__entry(__array(u8, mac, ETH_ALEN)
				     __field(u8, tenant)
				     __field(bool, server)),
		    TP_fast_assign(memcpy(__entry->mac, peer->mac, ETH_ALEN);
				   __entry->tenant = peer->tenant;
				   __entry->server = peer->server;),
		    TP_printk("peer=%pM tenant=%u server=%u", __entry->mac, __entry->tenant,
			      __entry->server));

/* No answer for the dead time: the peer's requests fail. */
DEFINE_EVENT(rmap_peer_class, rmap_peer_dead,
	     TP_PROTO(const struct rmap_peer *peer),
	     TP_ARGS(peer));

/* A peer found dead is heard from again. */
DEFINE_EVENT(rmap_peer_class, rmap_peer_alive,
	     TP_PROTO(const struct rmap_peer *peer),
	     TP_ARGS(peer));

#endif /* _RMAP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
