/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memx generic netlink family (<uapi/linux/memx.h>), as rmap_proto
 * offers it to memx_client and memx_server: they answer the commands of
 * their own objects through handlers they register, and build replies
 * and events with these helpers. rmap_proto answers for the servers it
 * knows and says what happens to them.
 */
#ifndef _MEMX_NETLINK_H
#define _MEMX_NETLINK_H

#include <net/genetlink.h>
#include <uapi/linux/memx.h>

/**
 * struct rmap_nl_cmd - how a module answers one command of the family
 * @cmd: the MEMX_CMD_* it answers
 * @doit: a request; replies with genlmsg_reply()
 * @dumpit: a dump, each object in a message of its own (rmap_nl_dump_put());
 *	keeps its place in cb->args only, since the module may go between
 *	two calls
 *
 * Handlers run in process context, several at once, and may sleep; the
 * family's policy has validated the attributes they get. Each holds a
 * reference on its module while it runs.
 */
struct rmap_nl_cmd {
	u8 cmd;
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
};

int rmap_nl_register(const struct rmap_nl_cmd *cmds, unsigned int n, struct module *owner);
void rmap_nl_unregister(const struct rmap_nl_cmd *cmds, unsigned int n);
void *rmap_nl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags, u8 cmd);
void *rmap_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);
int rmap_nl_dump_end(struct sk_buff *skb);
int rmap_nl_put_stats(struct sk_buff *skb, const char *const *names, const u64 *values,
		      unsigned int n);
struct sk_buff *rmap_nl_event_new(u32 event, gfp_t gfp, void **hdr);
void rmap_nl_event_send(struct sk_buff *skb, void *hdr);

#endif /* _MEMX_NETLINK_H */
