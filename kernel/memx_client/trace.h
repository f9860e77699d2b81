/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of memx_client, in the "memx" system with rmap_proto's:
 * sessions opened and lost, extents placed, copied elsewhere and lost.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM memx

#if !defined(_MEMX_CLIENT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MEMX_CLIENT_TRACE_H

#include <linux/blkdev.h>
#include <linux/if_ether.h>
#include <linux/tracepoint.h>

#include "memx_client.h"

DECLARE_EVENT_CLASS(memx_session_class,
		    TP_PROTO(const struct memx_dev *dev, const struct memx_session *s),
		    TP_ARGS(dev, s),
		    TP_STRUCT__entry(__string(disk, dev->disk->disk_name)
				     __array(u8, mac, ETH_ALEN)
				     __field(u32, id)
				     __field(u64, pages)),
		    TP_fast_assign(__assign_str(disk, dev->disk->disk_name);
				   memcpy(__entry->mac, s->mac, ETH_ALEN);
				   __entry->id = s->id;
				   __entry->pages = s->pages;),
		    TP_printk("%s server=%pM session=%08x pages=%llu", __get_str(disk),
			      __entry->mac, __entry->id, __entry->pages));

/* A session opened on a server (a JOIN answered). */
DEFINE_EVENT(memx_session_class, memx_session_join,
	     TP_PROTO(const struct memx_dev *dev, const struct memx_session *s),
	     TP_ARGS(dev, s));

/*
 * A session its server no longer has (restart, lease ended), or one whose
 * LEAVE answer went missing: what it held there is gone.
 */
DEFINE_EVENT(memx_session_class, memx_session_lost,
	     TP_PROTO(const struct memx_dev *dev, const struct memx_session *s),
	     TP_ARGS(dev, s));

DECLARE_EVENT_CLASS(memx_extent_class,
		    TP_PROTO(const struct memx_dev *dev, unsigned int ext, unsigned int copies),
		    TP_ARGS(dev, ext, copies),
		    TP_STRUCT__entry(__string(disk, dev->disk->disk_name)
				     __field(unsigned int, ext)
				     __field(unsigned int, copies)),
		    TP_fast_assign(__assign_str(disk, dev->disk->disk_name);
				   __entry->ext = ext;
				   __entry->copies = copies;),
		    TP_printk("%s extent=%u copies=%u", __get_str(disk), __entry->ext,
			      __entry->copies));

/* An extent placed at its first write, on @copies servers. */
DEFINE_EVENT(memx_extent_class, memx_extent_placed,
	     TP_PROTO(const struct memx_dev *dev, unsigned int ext, unsigned int copies),
	     TP_ARGS(dev, ext, copies));

/* An extent with no copy left: its I/O fails. */
DEFINE_EVENT(memx_extent_class, memx_extent_lost,
	     TP_PROTO(const struct memx_dev *dev, unsigned int ext, unsigned int copies),
	     TP_ARGS(dev, ext, copies));

/*
 * A copy of an extent made on another server, from copy @from, in place
 * of the copy on @replaces (zeroes: none, a copy missing since
 * placement): moved off a leaving server, repaired, or balanced.
 */
TRACE_EVENT(memx_extent_copied,
	    TP_PROTO(const struct memx_dev *dev, unsigned int ext, const u8 *from,
		     const u8 *to, const u8 *replaces, const char *why),
	    TP_ARGS(dev, ext, from, to, replaces, why),
	    TP_STRUCT__entry(__string(disk, dev->disk->disk_name)
			     __field(unsigned int, ext)
			     __array(u8, from, ETH_ALEN)
			     __array(u8, to, ETH_ALEN)
			     __array(u8, replaces, ETH_ALEN)
			     __string(why, why)),
	    TP_fast_assign(__assign_str(disk, dev->disk->disk_name);
			   __entry->ext = ext;
			   memcpy(__entry->from, from, ETH_ALEN);
			   memcpy(__entry->to, to, ETH_ALEN);
			   memcpy(__entry->replaces, replaces, ETH_ALEN);
			   __assign_str(why, why);),
	    TP_printk("%s extent=%u from=%pM to=%pM replaces=%pM %s", __get_str(disk),
		      __entry->ext, __entry->from, __entry->to, __entry->replaces,
		      __get_str(why)));

#endif /* _MEMX_CLIENT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
