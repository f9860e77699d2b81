/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The memx generic netlink family: what memxctl(8) speaks to the suite's
 * modules. rmap_proto owns the family (servers this host knows, and the
 * events about them); memx_client answers for its devices, memx_server
 * for what this host lends. A command whose module is not loaded gets
 * EOPNOTSUPP. Commands that change state need CAP_NET_ADMIN; the family
 * is in the initial network namespace only.
 *
 * docs/ABI/testing/netlink-memx describes each command and attribute.
 */
#ifndef _UAPI_LINUX_MEMX_H
#define _UAPI_LINUX_MEMX_H

#define MEMX_GENL_NAME		"memx"
#define MEMX_GENL_VERSION	1
#define MEMX_GENL_MCGRP_EVENTS	"events"
/* A device's label, and so a name a device is given by, at most (no NUL). */
#define MEMX_LABEL_MAX		32

enum memx_nl_cmd {
	MEMX_CMD_UNSPEC,
	MEMX_CMD_SERVER_GET,	/* dump: the servers this host has heard */
	MEMX_CMD_DEV_GET,	/* MEMX_A_DEV_NAME: one device; dump: all, without sessions */
	MEMX_CMD_DEV_ADD,	/* MEMX_A_SIZE [LABEL TENANT REPLICAS]: answered as DEV_GET */
	MEMX_CMD_DEV_DEL,	/* MEMX_A_DEV_NAME */
	MEMX_CMD_LENDER_GET,	/* what this host lends */
	MEMX_CMD_LENDER_SET,	/* MEMX_A_DRAIN */
	MEMX_CMD_EVENT,		/* multicast on "events": MEMX_A_EVENT and its object */
	__MEMX_CMD_MAX,
};

#define MEMX_CMD_MAX (__MEMX_CMD_MAX - 1)

enum memx_nl_attr {
	MEMX_A_UNSPEC,
	MEMX_A_PAD,
	/* A server, as this host knows it. */
	MEMX_A_SERVER_ID,	/* u32: the server instance, the same on all its NICs */
	MEMX_A_MAC,		/* binary, 6 bytes */
	MEMX_A_IFNAME,		/* string: the interface it is reached on */
	MEMX_A_TENANT,		/* string: the key's name (rmap_proto key_file) */
	MEMX_A_STATE,		/* string: "alive" or "dead"; "ok", "degraded" or "lost" */
	MEMX_A_CAPACITY,	/* u64, bytes it lends in all */
	MEMX_A_FREE,		/* u64, bytes not yet given to a session */
	MEMX_A_LOAD,		/* u32, requests served per second */
	MEMX_A_RTT_US,		/* u32, smoothed round trip */
	MEMX_A_MTU,		/* u32 */
	MEMX_A_AGE_MS,		/* u32, since it was last heard */
	MEMX_A_STATS,		/* nest of MEMX_A_STAT */
	MEMX_A_STAT,		/* nest: MEMX_A_STAT_NAME, MEMX_A_STAT_VALUE */
	MEMX_A_STAT_NAME,	/* string */
	MEMX_A_STAT_VALUE,	/* u64 */
	/* A device of memx_client. */
	MEMX_A_DEV_NAME,	/* string: "memx0" */
	MEMX_A_DEV_INDEX,	/* u32 */
	MEMX_A_SIZE,		/* u64, bytes, a multiple of 1 MiB */
	MEMX_A_LABEL,		/* string: /dev/disk/by-id/memx-LABEL */
	MEMX_A_REPLICAS,	/* u32: copies of each extent */
	MEMX_A_EXTENTS,		/* u32: extents (1 MiB) of the device, or placed on a server */
	MEMX_A_EXTENTS_PLACED,	/* u32: extents placed now */
	MEMX_A_EXTENTS_DEGRADED,	/* u32: short of copies at the last scan */
	MEMX_A_EXTENTS_LOST,	/* u32: lost every copy */
	MEMX_A_SESSION,		/* nest, one per server a device uses (SERVER_ID, MAC, ...) */
	MEMX_A_USED,		/* u64, bytes placed */
	/* What this host lends (memx_server). */
	MEMX_A_DRAIN,		/* u8: 1 while draining */
	MEMX_A_SESSIONS,	/* u32: clients' sessions held */
	/* Events. */
	MEMX_A_EVENT,		/* u32: enum memx_nl_event */
	__MEMX_A_MAX,
};

#define MEMX_A_MAX (__MEMX_A_MAX - 1)

enum memx_nl_event {
	MEMX_EVENT_UNSPEC,
	MEMX_EVENT_SERVER_UP,		/* a server lends (first heard, or again) */
	MEMX_EVENT_SERVER_RESTARTED,	/* a new instance: what it held is gone */
	MEMX_EVENT_SERVER_LEAVING,	/* it lends nothing more: clients move away */
	MEMX_EVENT_SERVER_DOWN,		/* silent too long: out of the table */
	MEMX_EVENT_SERVER_DEAD,		/* no answer for dead_ms to requests */
	MEMX_EVENT_SERVER_BACK,		/* a dead server was heard again */
	MEMX_EVENT_DEV_ADDED,
	MEMX_EVENT_DEV_REMOVED,
	MEMX_EVENT_DEV_STATE,		/* MEMX_A_STATE changed: ok, degraded or lost */
	MEMX_EVENT_SESSION_LOST,	/* a server no longer holds a device's session */
	__MEMX_EVENT_MAX,
};

#define MEMX_EVENT_MAX (__MEMX_EVENT_MAX - 1)

#endif /* _UAPI_LINUX_MEMX_H */
