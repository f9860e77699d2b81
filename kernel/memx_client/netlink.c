// SPDX-License-Identifier: GPL-2.0
/*
 * memx_client's commands of the memx netlink family (rmap_proto owns it):
 * list and show devices, with the servers each one uses; add one and be
 * told its name; remove one. And its events: a device added, removed, or
 * changing state; a session a server lost.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/stringify.h>
#include <memx/netlink.h>

#include "memx_client.h"

static int memx_nl_put_session(const struct memx_session *s, void *arg)
{
	struct sk_buff *skb = arg;
	u64 n = atomic64_read(&s->answered);
	u64 used = atomic64_read(&s->used);
	struct nlattr *nest;
	const char *state;

	/* lost: the server no longer has it; down: the server is dead or gone. */
	if (atomic_read(&s->lost))
		state = "lost";
	else if (!rmap_server_alive(s->mac, s->dev->tenant))
		state = "down";
	else if (atomic_read(&s->leaving))
		state = "leaving";
	else
		state = "ok";
	nest = nla_nest_start(skb, MEMX_A_SESSION);
	if (!nest || nla_put_u32(skb, MEMX_A_SERVER_ID, s->server_id) ||
	    nla_put(skb, MEMX_A_MAC, ETH_ALEN, s->mac) ||
	    nla_put_string(skb, MEMX_A_STATE, state) ||
	    nla_put_u32(skb, MEMX_A_EXTENTS, used >> MEMX_EXTENT_SHIFT) ||
	    nla_put_u64_64bit(skb, MEMX_A_USED, used << PAGE_SHIFT, MEMX_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMX_A_CAPACITY, memx_session_held(s) << PAGE_SHIFT,
			      MEMX_A_PAD) ||
	    nla_put_u32(skb, MEMX_A_RTT_US,
			n ? div64_u64(atomic64_read(&s->rtt_us_sum), n) : 0))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The device's name and what it is, without its sessions (events). */
static int memx_nl_put_dev_brief(struct sk_buff *skb, struct memx_dev *dev)
{
	if (nla_put_string(skb, MEMX_A_DEV_NAME, dev->disk->disk_name) ||
	    nla_put_u32(skb, MEMX_A_DEV_INDEX, dev->index) ||
	    nla_put_u64_64bit(skb, MEMX_A_SIZE, dev->pages << PAGE_SHIFT, MEMX_A_PAD) ||
	    nla_put_string(skb, MEMX_A_LABEL, dev->label) ||
	    nla_put_string(skb, MEMX_A_TENANT, rmap_tenant_name(dev->tenant)) ||
	    nla_put_u32(skb, MEMX_A_REPLICAS, dev->replicas) ||
	    nla_put_string(skb, MEMX_A_STATE, memx_dev_state(dev)) ||
	    nla_put_u32(skb, MEMX_A_EXTENTS_DEGRADED, atomic_read(&dev->degraded)) ||
	    nla_put_u32(skb, MEMX_A_EXTENTS_LOST,
			atomic64_read(&dev->stat[MEMX_DEV_EXTENTS_LOST])))
		return -EMSGSIZE;
	return 0;
}

static int memx_nl_put_dev(struct sk_buff *skb, struct memx_dev *dev)
{
	u64 stat[MEMX_DEV_STAT_NR];
	int i;

	for (i = 0; i < MEMX_DEV_STAT_NR; i++)
		stat[i] = atomic64_read(&dev->stat[i]);
	if (memx_nl_put_dev_brief(skb, dev) ||
	    nla_put_u32(skb, MEMX_A_EXTENTS, dev->nr_extents) ||
	    nla_put_u32(skb, MEMX_A_EXTENTS_PLACED,
			stat[MEMX_DEV_PLACED] - stat[MEMX_DEV_RELEASED]) ||
	    rmap_nl_put_stats(skb, memx_dev_stat_names, stat, MEMX_DEV_STAT_NR))
		return -EMSGSIZE;
	return memx_sessions_each(dev, memx_nl_put_session, skb);
}

struct memx_nl_msg {
	struct sk_buff *skb;
	u32 portid;
	u32 seq;
	int flags;
};

static int memx_nl_dev_msg(struct memx_dev *dev, void *arg)
{
	struct memx_nl_msg *m = arg;
	void *hdr = rmap_nl_put(m->skb, m->portid, m->seq, m->flags, MEMX_CMD_DEV_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (memx_nl_put_dev(m->skb, dev)) {
		genlmsg_cancel(m->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(m->skb, hdr);
	return 0;
}

/* Answer @info with device @index as MEMX_CMD_DEV_GET shows it. */
static int memx_nl_reply_dev(struct genl_info *info, unsigned int index)
{
	struct memx_nl_msg m = { .portid = info->snd_portid, .seq = info->snd_seq };
	int err;

	/* A device using every session slot needs more than a page. */
	m.skb = genlmsg_new(4 * NLMSG_GOODSIZE, GFP_KERNEL);
	if (!m.skb)
		return -ENOMEM;
	err = memx_devices_call(index, memx_nl_dev_msg, &m);
	if (err) {
		nlmsg_free(m.skb);
		return err;
	}
	return genlmsg_reply(m.skb, info);
}

static int memx_nl_dev_index(struct genl_info *info)
{
	int index;

	if (GENL_REQ_ATTR_CHECK(info, MEMX_A_DEV_NAME))
		return -EINVAL;
	index = memx_devices_find(nla_data(info->attrs[MEMX_A_DEV_NAME]));
	if (index < 0)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MEMX_A_DEV_NAME],
				    "no memx device of that name or label");
	return index;
}

static int memx_nl_dev_get(struct sk_buff *skb, struct genl_info *info)
{
	int index = memx_nl_dev_index(info);

	return index < 0 ? index : memx_nl_reply_dev(info, index);
}

/* cb->args[0]: the next device's index. */
static int memx_nl_dev_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct memx_nl_msg m = {
		.skb = skb,
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
	};
	int err;

	for (; cb->args[0] < MEMX_MAX_DEVICES; cb->args[0]++) {
		err = memx_devices_call(cb->args[0], memx_nl_dev_msg, &m);
		if (err == -EMSGSIZE)
			break;
	}
	return skb->len;
}

static int memx_nl_dev_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	unsigned int replicas = memx_replicas;
	const char *label = "";
	int tenant = 0, index;
	u64 size;

	if (GENL_REQ_ATTR_CHECK(info, MEMX_A_SIZE))
		return -EINVAL;
	size = nla_get_u64(a[MEMX_A_SIZE]);
	if (!size || size % SZ_1M || size / SZ_1M > MEMX_MAX_SIZE_MB) {
		/* MEMX_MAX_SIZE_MB */
		NL_SET_ERR_MSG_ATTR(info->extack, a[MEMX_A_SIZE],
				    "a size is a whole number of MiB, from 1 MiB to 16 TiB");
		return -EINVAL;
	}
	if (a[MEMX_A_REPLICAS]) {
		replicas = nla_get_u32(a[MEMX_A_REPLICAS]);
		if (replicas > MEMX_MAX_REPLICAS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[MEMX_A_REPLICAS],
					    "at most " __stringify(MEMX_MAX_REPLICAS) " copies");
			return -EINVAL;
		}
	}
	if (a[MEMX_A_LABEL]) {
		label = nla_data(a[MEMX_A_LABEL]);
		if (!memx_label_ok(label)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[MEMX_A_LABEL],
					    "a label: 1 to " __stringify(MEMX_LABEL_LEN)
					    " of A-Z a-z 0-9 . _ -, not starting with '.'");
			return -EINVAL;
		}
	}
	if (a[MEMX_A_TENANT]) {
		tenant = rmap_tenant_find(nla_data(a[MEMX_A_TENANT]));
		if (tenant < 0) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[MEMX_A_TENANT],
					    "rmap_proto has no key of that name (key_file)");
			return -ENOENT;
		}
	}
	index = memx_devices_add(size / SZ_1M, tenant, replicas, label);
	if (index == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, a[MEMX_A_LABEL], "another device has that label");
	else if (index == -ENOSPC)
		NL_SET_ERR_MSG(info->extack, "all " __stringify(MEMX_MAX_DEVICES) " devices exist");
	if (index < 0)
		return index;
	pr_info("memx%d: %llu MiB, tenant %s, %u %s%s%s (netlink)\n", index, size / SZ_1M,
		rmap_tenant_name(tenant), replicas, replicas == 1 ? "copy" : "copies",
		*label ? ", label " : "", label);
	return memx_nl_reply_dev(info, index);
}

static int memx_nl_dev_del(struct sk_buff *skb, struct genl_info *info)
{
	int index = memx_nl_dev_index(info);
	int err;

	if (index < 0)
		return index;
	err = memx_devices_remove(index);
	if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack, "the device is open (swapon, mount or a program)");
	if (!err)
		pr_info("memx%d: removed (netlink)\n", index);
	return err;
}

static const struct rmap_nl_cmd memx_nl_cmds[] = {
	{ .cmd = MEMX_CMD_DEV_GET, .doit = memx_nl_dev_get, .dumpit = memx_nl_dev_dump },
	{ .cmd = MEMX_CMD_DEV_ADD, .doit = memx_nl_dev_add },
	{ .cmd = MEMX_CMD_DEV_DEL, .doit = memx_nl_dev_del },
};

/**
 * memx_nl_dev_event() - tell the events group about a device
 * @dev: the device
 * @event: MEMX_EVENT_DEV_ADDED, _REMOVED or _STATE
 *
 * Never sleeps; best effort.
 */
void memx_nl_dev_event(struct memx_dev *dev, u32 event)
{
	struct sk_buff *skb;
	void *hdr;

	skb = rmap_nl_event_new(event, &hdr);
	if (!skb)
		return;
	if (memx_nl_put_dev_brief(skb, dev)) {
		nlmsg_free(skb);
		return;
	}
	rmap_nl_event_send(skb, hdr);
}

/**
 * memx_nl_session_lost() - tell the events group a server lost a session
 * @s: the session; its device and server are named
 *
 * Never sleeps (called from completions); best effort.
 */
void memx_nl_session_lost(struct memx_session *s)
{
	struct sk_buff *skb;
	void *hdr;

	skb = rmap_nl_event_new(MEMX_EVENT_SESSION_LOST, &hdr);
	if (!skb)
		return;
	if (nla_put_string(skb, MEMX_A_DEV_NAME, s->dev->disk->disk_name) ||
	    nla_put_u32(skb, MEMX_A_SERVER_ID, s->server_id) ||
	    nla_put(skb, MEMX_A_MAC, ETH_ALEN, s->mac) ||
	    nla_put_u64_64bit(skb, MEMX_A_USED, atomic64_read(&s->used) << PAGE_SHIFT,
			      MEMX_A_PAD)) {
		nlmsg_free(skb);
		return;
	}
	rmap_nl_event_send(skb, hdr);
}

int memx_nl_init(void)
{
	return rmap_nl_register(memx_nl_cmds, ARRAY_SIZE(memx_nl_cmds));
}

void memx_nl_exit(void)
{
	rmap_nl_unregister(memx_nl_cmds, ARRAY_SIZE(memx_nl_cmds));
}
