// SPDX-License-Identifier: GPL-2.0
/*
 * memx_server's commands of the memx netlink family (rmap_proto owns it):
 * what this host lends, and leaving (drain) or lending again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <memx/netlink.h>

#include "memx_server.h"

static int memx_srv_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	u64 stat[MEMX_SRV_STAT_NR];
	struct sk_buff *msg;
	bool draining;
	void *hdr;
	u32 load;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = rmap_nl_put(msg, info->snd_portid, info->snd_seq, 0, MEMX_CMD_LENDER_GET);
	if (!hdr)
		goto full;
	memx_server_status(stat, &load, &draining);
	if (nla_put_u64_64bit(msg, MEMX_A_CAPACITY, memx_store_capacity() << PAGE_SHIFT,
			      MEMX_A_PAD) ||
	    nla_put_u64_64bit(msg, MEMX_A_USED, memx_store_granted() << PAGE_SHIFT,
			      MEMX_A_PAD) ||
	    nla_put_u64_64bit(msg, MEMX_A_FREE, memx_store_room() << PAGE_SHIFT, MEMX_A_PAD) ||
	    nla_put_u32(msg, MEMX_A_SESSIONS, memx_store_sessions()) ||
	    nla_put_u32(msg, MEMX_A_LOAD, load) ||
	    nla_put_u8(msg, MEMX_A_DRAIN, draining) ||
	    rmap_nl_put_stats(msg, memx_srv_stat_names, stat, MEMX_SRV_STAT_NR))
		goto full;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
full:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int memx_srv_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, MEMX_A_DRAIN))
		return -EINVAL;
	memx_server_drain(nla_get_u8(info->attrs[MEMX_A_DRAIN]));
	return 0;
}

static const struct rmap_nl_cmd memx_srv_nl_cmds[] = {
	{ .cmd = MEMX_CMD_LENDER_GET, .doit = memx_srv_nl_get },
	{ .cmd = MEMX_CMD_LENDER_SET, .doit = memx_srv_nl_set },
};

/* Without it memxctl cannot reach the server; the module works on. */
void memx_srv_nl_init(void)
{
	int err = rmap_nl_register(memx_srv_nl_cmds, ARRAY_SIZE(memx_srv_nl_cmds), THIS_MODULE);

	if (err)
		pr_warn("memxctl cannot reach this server: netlink registration failed: %d\n", err);
}

void memx_srv_nl_exit(void)
{
	rmap_nl_unregister(memx_srv_nl_cmds, ARRAY_SIZE(memx_srv_nl_cmds));
}
