// SPDX-License-Identifier: GPL-2.0
/*
 * The memx generic netlink family, one for the suite (memxctl(8) speaks
 * it). rmap_proto registers it and answers MEMX_CMD_SERVER_GET from the
 * peer table; the commands about devices and lending are answered by
 * memx_client and memx_server through handlers they register here, so
 * that the family outlives them and a command whose module is gone gets
 * EOPNOTSUPP. Events go to the "events" group: what the server notifier
 * chain says (this file is one more of its users), and what the upper
 * modules send.
 *
 * Not network-namespace aware: memx works in the initial namespace only,
 * and a user who made a namespace of their own does not see the family.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/netdevice.h>
#include <memx/netlink.h>

#include "rmap_proto.h"

static const struct nla_policy memx_nl_policy[MEMX_A_MAX + 1] = {
	/* A disk name (memxN) or a label. */
	[MEMX_A_DEV_NAME] = { .type = NLA_NUL_STRING, .len = MEMX_LABEL_MAX },
	[MEMX_A_SIZE] = { .type = NLA_U64 },
	[MEMX_A_LABEL] = { .type = NLA_NUL_STRING, .len = MEMX_LABEL_MAX },
	[MEMX_A_TENANT] = { .type = NLA_NUL_STRING, .len = RMAP_TENANT_NAME_LEN - 1 },
	[MEMX_A_REPLICAS] = NLA_POLICY_RANGE(NLA_U32, 1, 255),
	[MEMX_A_DRAIN] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* The upper modules' handlers, by command; NULL: its module is not loaded. */
static struct {
	const struct rmap_nl_cmd *cmd;
	struct module *owner;
} rmap_nl_cmds[MEMX_CMD_MAX + 1];
static DEFINE_SPINLOCK(rmap_nl_lock);	/* rmap_nl_cmds */

static struct genl_family memx_genl_family;

enum { RMAP_NL_EVENTS };

static const struct genl_multicast_group memx_nl_groups[] = {
	[RMAP_NL_EVENTS] = { .name = MEMX_GENL_MCGRP_EVENTS },
};

static bool rmap_nl_upper_cmd(unsigned int cmd)
{
	return cmd > MEMX_CMD_SERVER_GET && cmd < MEMX_CMD_EVENT;
}

/**
 * rmap_nl_register() - answer commands of the memx family
 * @cmds: a handler per command, for as long as they are registered
 * @n: how many
 * @owner: their module (THIS_MODULE): each run holds a reference on it
 *
 * Register once the module can no longer fail to load, and unregister
 * from its exit: no handler runs then, since each holds a reference.
 *
 * Return: 0, -EINVAL for a command that is not the upper modules', or
 * -EBUSY when another module answers one of them.
 */
int rmap_nl_register(const struct rmap_nl_cmd *cmds, unsigned int n, struct module *owner)
{
	unsigned int i;
	int err = 0;

	spin_lock(&rmap_nl_lock);
	for (i = 0; i < n && !err; i++) {
		if (!rmap_nl_upper_cmd(cmds[i].cmd))
			err = -EINVAL;
		else if (rmap_nl_cmds[cmds[i].cmd].cmd)
			err = -EBUSY;
	}
	for (i = 0; i < n && !err; i++) {
		rmap_nl_cmds[cmds[i].cmd].cmd = &cmds[i];
		rmap_nl_cmds[cmds[i].cmd].owner = owner;
	}
	spin_unlock(&rmap_nl_lock);
	return err;
}
EXPORT_SYMBOL_GPL(rmap_nl_register);

/**
 * rmap_nl_unregister() - stop answering
 * @cmds: what rmap_nl_register() was given (or nothing registered)
 * @n: how many
 */
void rmap_nl_unregister(const struct rmap_nl_cmd *cmds, unsigned int n)
{
	unsigned int i;

	spin_lock(&rmap_nl_lock);
	for (i = 0; i < n; i++) {
		if (rmap_nl_upper_cmd(cmds[i].cmd) && rmap_nl_cmds[cmds[i].cmd].cmd == &cmds[i])
			rmap_nl_cmds[cmds[i].cmd].cmd = NULL;
	}
	spin_unlock(&rmap_nl_lock);
}
EXPORT_SYMBOL_GPL(rmap_nl_unregister);

/**
 * rmap_nl_put() - start a message of the memx family
 * @skb: the message's buffer
 * @portid: whom it is for
 * @seq: the request's sequence number
 * @flags: netlink flags
 * @cmd: MEMX_CMD_*
 *
 * Return: the header to pass to genlmsg_end(), or NULL when @skb is full.
 */
void *rmap_nl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags, u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &memx_genl_family, flags, cmd);
}
EXPORT_SYMBOL_GPL(rmap_nl_put);

/**
 * rmap_nl_dump_put() - start one object's message of a dump
 * @skb: the dump's buffer
 * @cb: the dump
 * @cmd: MEMX_CMD_*
 *
 * Return: the header to pass to genlmsg_end(), or NULL when @skb is full.
 */
void *rmap_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return rmap_nl_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq, NLM_F_MULTI,
			   cmd);
}
EXPORT_SYMBOL_GPL(rmap_nl_dump_put);

/**
 * rmap_nl_put_stats() - counters, each with its name, in a MEMX_A_STATS nest
 * @skb: the message
 * @names: the counters' names
 * @values: their values
 * @n: how many
 *
 * Return: 0 or -EMSGSIZE.
 */
int rmap_nl_put_stats(struct sk_buff *skb, const char *const *names, const u64 *values,
		      unsigned int n)
{
	struct nlattr *stats, *stat;
	unsigned int i;

	stats = nla_nest_start(skb, MEMX_A_STATS);
	if (!stats)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		stat = nla_nest_start(skb, MEMX_A_STAT);
		if (!stat || nla_put_string(skb, MEMX_A_STAT_NAME, names[i]) ||
		    nla_put_u64_64bit(skb, MEMX_A_STAT_VALUE, values[i], MEMX_A_PAD)) {
			nla_nest_cancel(skb, stats);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, stat);
	}
	nla_nest_end(skb, stats);
	return 0;
}
EXPORT_SYMBOL_GPL(rmap_nl_put_stats);

/* An event's object is a few hundred bytes. */
#define RMAP_NL_EVENT_SIZE	512

/**
 * rmap_nl_event_new() - start an event for the "events" group
 * @event: MEMX_EVENT_*
 * @gfp: GFP_KERNEL where the caller may sleep; else GFP_NOWAIT, so that
 *	an event never takes the reserves that received frames (a swap
 *	device's answers) need
 * @hdr: set to the message's header, for rmap_nl_event_send()
 *
 * An event nobody listens to is not built.
 *
 * Return: the message to add the event's object to, or NULL (nobody
 * listens, or no memory: events are best effort).
 */
struct sk_buff *rmap_nl_event_new(u32 event, gfp_t gfp, void **hdr)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&memx_genl_family, &init_net, RMAP_NL_EVENTS))
		return NULL;
	skb = genlmsg_new(RMAP_NL_EVENT_SIZE, gfp | __GFP_NOWARN);
	if (!skb)
		return NULL;
	*hdr = rmap_nl_put(skb, 0, 0, 0, MEMX_CMD_EVENT);
	if (!*hdr || nla_put_u32(skb, MEMX_A_EVENT, event)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}
EXPORT_SYMBOL_GPL(rmap_nl_event_new);

/**
 * rmap_nl_event_send() - send an event rmap_nl_event_new() started
 * @skb: the event; consumed
 * @hdr: its header
 */
void rmap_nl_event_send(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&memx_genl_family, skb, 0, RMAP_NL_EVENTS, GFP_NOWAIT | __GFP_NOWARN);
}
EXPORT_SYMBOL_GPL(rmap_nl_event_send);

static int rmap_nl_put_server(struct sk_buff *skb, const struct rmap_server_info *info)
{
	if (nla_put_u32(skb, MEMX_A_SERVER_ID, info->id) ||
	    nla_put(skb, MEMX_A_MAC, ETH_ALEN, info->mac) ||
	    nla_put_string(skb, MEMX_A_TENANT, rmap_tenant_name(info->tenant)) ||
	    nla_put_u64_64bit(skb, MEMX_A_CAPACITY, info->capacity_pages << PAGE_SHIFT,
			      MEMX_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMX_A_FREE, info->free_pages << PAGE_SHIFT, MEMX_A_PAD) ||
	    nla_put_u32(skb, MEMX_A_LOAD, info->load))
		return -EMSGSIZE;
	return 0;
}

static int rmap_nl_put_view(struct sk_buff *skb, const struct rmap_server_view *v)
{
	char ifname[IFNAMSIZ] = "";
	struct net_device *dev;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(&init_net, v->ifindex);
	if (dev)
		strscpy(ifname, dev->name, sizeof(ifname));
	rcu_read_unlock();
	if (rmap_nl_put_server(skb, &v->info) ||
	    nla_put_string(skb, MEMX_A_IFNAME, ifname) ||
	    nla_put_string(skb, MEMX_A_STATE, v->dead ? "dead" : "alive") ||
	    nla_put_u32(skb, MEMX_A_RTT_US, v->srtt_us) ||
	    nla_put_u32(skb, MEMX_A_MTU, v->mtu) ||
	    nla_put_u32(skb, MEMX_A_AGE_MS, v->age_ms))
		return -EMSGSIZE;
	return rmap_nl_put_stats(skb, rmap_peer_stat_names, v->stat, RMAP_PEER_STAT_NR);
}

/**
 * rmap_nl_dump_end() - what a dumpit returns once it filled @skb
 * @skb: the dump's buffer
 *
 * Return: its length; or -EMSGSIZE when not even one object fitted,
 * since 0 would end the dump as if it were whole.
 */
int rmap_nl_dump_end(struct sk_buff *skb)
{
	return skb->len ? skb->len : -EMSGSIZE;
}
EXPORT_SYMBOL_GPL(rmap_nl_dump_end);

/*
 * cb->args[0]: the next server's place in the table. A server that comes
 * or goes between two parts of a dump may shift the others by one.
 */
static int rmap_nl_server_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rmap_server_view v;
	void *hdr;

	while (!rmap_server_view(cb->args[0], &v)) {
		hdr = rmap_nl_dump_put(skb, cb, MEMX_CMD_SERVER_GET);
		if (!hdr)
			return rmap_nl_dump_end(skb);
		if (rmap_nl_put_view(skb, &v)) {
			genlmsg_cancel(skb, hdr);
			return rmap_nl_dump_end(skb);
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
	}
	return skb->len;
}

/* The handler of @cmd, its module held; NULL when that module is not loaded. */
static const struct rmap_nl_cmd *rmap_nl_get(u8 cmd, struct module **owner)
{
	const struct rmap_nl_cmd *c = NULL;

	spin_lock(&rmap_nl_lock);
	if (rmap_nl_upper_cmd(cmd) && rmap_nl_cmds[cmd].cmd &&
	    try_module_get(rmap_nl_cmds[cmd].owner)) {
		c = rmap_nl_cmds[cmd].cmd;
		*owner = rmap_nl_cmds[cmd].owner;
	}
	spin_unlock(&rmap_nl_lock);
	return c;
}

static int rmap_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct rmap_nl_cmd *c;
	struct module *owner;
	int err = -EOPNOTSUPP;

	c = rmap_nl_get(info->genlhdr->cmd, &owner);
	if (!c) {
		GENL_SET_ERR_MSG(info, "the memx module that answers this is not loaded");
		return err;
	}
	if (c->doit)
		err = c->doit(skb, info);
	module_put(owner);
	return err;
}

static int rmap_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genlmsghdr *g = nlmsg_data(cb->nlh);
	const struct rmap_nl_cmd *c;
	struct module *owner;
	int err = -EOPNOTSUPP;

	c = rmap_nl_get(g->cmd, &owner);
	if (!c) {
		NL_SET_ERR_MSG(cb->extack, "the memx module that answers this is not loaded");
		return err;
	}
	if (c->dumpit)
		err = c->dumpit(skb, cb);
	module_put(owner);
	return err;
}

static const struct genl_small_ops memx_nl_ops[] = {
	{ .cmd = MEMX_CMD_SERVER_GET, .dumpit = rmap_nl_server_dump },
	{ .cmd = MEMX_CMD_DEV_GET, .doit = rmap_nl_doit, .dumpit = rmap_nl_dumpit },
	{ .cmd = MEMX_CMD_DEV_ADD, .doit = rmap_nl_doit, .flags = GENL_ADMIN_PERM },
	{ .cmd = MEMX_CMD_DEV_DEL, .doit = rmap_nl_doit, .flags = GENL_ADMIN_PERM },
	{ .cmd = MEMX_CMD_LENDER_GET, .doit = rmap_nl_doit },
	{ .cmd = MEMX_CMD_LENDER_SET, .doit = rmap_nl_doit, .flags = GENL_ADMIN_PERM },
};

static struct genl_family memx_genl_family __ro_after_init = {
	.name = MEMX_GENL_NAME,
	.version = MEMX_GENL_VERSION,
	.maxattr = MEMX_A_MAX,
	.policy = memx_nl_policy,
	.module = THIS_MODULE,
	.small_ops = memx_nl_ops,
	.n_small_ops = ARRAY_SIZE(memx_nl_ops),
	/* Handlers may wait on the network: never under the genetlink lock. */
	.parallel_ops = true,
	.mcgrps = memx_nl_groups,
	.n_mcgrps = ARRAY_SIZE(memx_nl_groups),
};

/* Server events, from the notifier chain: atomic context. */
static int rmap_nl_server_event(struct notifier_block *nb, unsigned long event, void *data)
{
	static const u32 events[] = {
		[RMAP_SERVER_UP] = MEMX_EVENT_SERVER_UP,
		[RMAP_SERVER_RESTARTED] = MEMX_EVENT_SERVER_RESTARTED,
		[RMAP_SERVER_DOWN] = MEMX_EVENT_SERVER_DOWN,
		[RMAP_SERVER_LEAVING] = MEMX_EVENT_SERVER_LEAVING,
		[RMAP_SERVER_DEAD] = MEMX_EVENT_SERVER_DEAD,
		[RMAP_SERVER_BACK] = MEMX_EVENT_SERVER_BACK,
	};
	struct sk_buff *skb;
	void *hdr;

	if (event >= ARRAY_SIZE(events))
		return NOTIFY_DONE;
	skb = rmap_nl_event_new(events[event], GFP_NOWAIT, &hdr);
	if (!skb)
		return NOTIFY_DONE;
	if (rmap_nl_put_server(skb, data)) {
		nlmsg_free(skb);
		return NOTIFY_DONE;
	}
	rmap_nl_event_send(skb, hdr);
	return NOTIFY_OK;
}

static struct notifier_block rmap_nl_server_nb = {
	.notifier_call = rmap_nl_server_event,
};

int rmap_nl_init(void)
{
	int err = genl_register_family(&memx_genl_family);

	if (err) {
		pr_err("cannot register the memx netlink family: %d\n", err);
		return err;
	}
	rmap_server_notifier_register(&rmap_nl_server_nb);
	return 0;
}

void rmap_nl_exit(void)
{
	rmap_server_notifier_unregister(&rmap_nl_server_nb);
	genl_unregister_family(&memx_genl_family);
}
