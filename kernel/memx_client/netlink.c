// SPDX-License-Identifier: GPL-2.0
/*
 * memx_client's commands of the memx netlink family (rmap_proto owns it):
 * list and show devices, with the servers each one uses; add one and be
 * told its name; remove one. And its events: a device added, removed, or
 * changing state; a session a server lost.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/module.h>
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
			min_t(u64, atomic64_read(&dev->stat[MEMX_DEV_EXTENTS_LOST]), U32_MAX)))
		return -EMSGSIZE;
	return 0;
}

/* A device, its counters, and (@sessions) the servers it uses. */
static int memx_nl_put_dev(struct sk_buff *skb, struct memx_dev *dev, bool sessions)
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
	return sessions ? memx_sessions_each(dev, memx_nl_put_session, skb) : 0;
}

struct memx_nl_msg {
	struct sk_buff *skb;
	u32 portid;
	u32 seq;
	int flags;
	bool sessions;		/* one device shown: the servers it uses too */
	int err;
};

static int memx_nl_dev_msg(struct memx_dev *dev, void *arg)
{
	struct memx_nl_msg *m = arg;
	void *hdr = rmap_nl_put(m->skb, m->portid, m->seq, m->flags, MEMX_CMD_DEV_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (memx_nl_put_dev(m->skb, dev, m->sessions)) {
		genlmsg_cancel(m->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(m->skb, hdr);
	return 0;
}

/* A device with every session slot in use needs more than a page. */
#define MEMX_NL_DEV_SIZE	(2 * PAGE_SIZE)

static void memx_nl_dev_msg_new(struct genl_info *info, struct memx_nl_msg *m)
{
	*m = (struct memx_nl_msg){ .portid = info->snd_portid, .seq = info->snd_seq,
				   .sessions = true };
	m->skb = genlmsg_new(MEMX_NL_DEV_SIZE, GFP_KERNEL);
}

static int memx_nl_dev_get(struct sk_buff *skb, struct genl_info *info)
{
	struct memx_nl_msg m;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MEMX_A_DEV_NAME))
		return -EINVAL;
	memx_nl_dev_msg_new(info, &m);
	if (!m.skb)
		return -ENOMEM;
	err = memx_devices_call(-1, nla_data(info->attrs[MEMX_A_DEV_NAME]), memx_nl_dev_msg, &m);
	if (err) {
		if (err == -ENODEV)
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MEMX_A_DEV_NAME],
					    "no memx device of that name or label");
		nlmsg_free(m.skb);
		return err;
	}
	return genlmsg_reply(m.skb, info);
}

/* cb->args[0]: the next device's index. Devices without their sessions. */
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
		err = memx_devices_call(cb->args[0], NULL, memx_nl_dev_msg, &m);
		if (err == -EMSGSIZE)
			return rmap_nl_dump_end(skb);
		if (err == -EINTR)
			return err;
	}
	return skb->len;
}

/* memx_devices_add()'s @made: the answer, filled before anyone may remove it. */
static void memx_nl_dev_made(struct memx_dev *dev, void *arg)
{
	struct memx_nl_msg *m = arg;

	m->err = memx_nl_dev_msg(dev, m);
}

static int memx_nl_dev_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	unsigned int replicas = memx_replicas;
	struct memx_nl_msg m;
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
	/* The answer is ready before the device is made: once made, no error. */
	memx_nl_dev_msg_new(info, &m);
	if (!m.skb)
		return -ENOMEM;
	index = memx_devices_add(size / SZ_1M, tenant, replicas, label, memx_nl_dev_made, &m);
	if (index == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, a[MEMX_A_LABEL], "another device has that label");
	else if (index == -ENOSPC)
		NL_SET_ERR_MSG(info->extack, "all " __stringify(MEMX_MAX_DEVICES) " devices exist");
	if (index < 0) {
		nlmsg_free(m.skb);
		return index;
	}
	pr_info("memx%d: %llu MiB, tenant %s, %u %s%s%s (netlink)\n", index, size / SZ_1M,
		rmap_tenant_name(tenant), replicas, replicas == 1 ? "copy" : "copies",
		*label ? ", label " : "", label);
	/* A new device has no session yet: its answer always fits. */
	WARN_ON_ONCE(m.err);
	return genlmsg_reply(m.skb, info);
}

static int memx_nl_dev_del(struct sk_buff *skb, struct genl_info *info)
{
	int index;

	if (GENL_REQ_ATTR_CHECK(info, MEMX_A_DEV_NAME))
		return -EINVAL;
	index = memx_devices_remove(nla_data(info->attrs[MEMX_A_DEV_NAME]));
	if (index == -ENODEV)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MEMX_A_DEV_NAME],
				    "no memx device of that name or label");
	else if (index == -EBUSY)
		NL_SET_ERR_MSG(info->extack, "the device is open (swapon, mount or a program)");
	if (index < 0)
		return index;
	pr_info("memx%d: removed (netlink)\n", index);
	return 0;
}

static const struct rmap_nl_cmd memx_nl_cmds[] = {
	{ .cmd = MEMX_CMD_DEV_GET, .doit = memx_nl_dev_get, .dumpit = memx_nl_dev_dump },
	{ .cmd = MEMX_CMD_DEV_ADD, .doit = memx_nl_dev_add },
	{ .cmd = MEMX_CMD_DEV_DEL, .doit = memx_nl_dev_del },
};

/**
 * memx_nl_dev_event_new() - an event about a device, to send later
 * @dev: the device
 * @event: MEMX_EVENT_DEV_ADDED, _REMOVED or _STATE
 * @gfp: as rmap_nl_event_new() takes it
 * @hdr: for rmap_nl_event_send()
 *
 * Return: the event, or NULL (nobody listens, or no memory).
 */
struct sk_buff *memx_nl_dev_event_new(struct memx_dev *dev, u32 event, gfp_t gfp, void **hdr)
{
	struct sk_buff *skb = rmap_nl_event_new(event, gfp, hdr);

	if (skb && memx_nl_put_dev_brief(skb, dev)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/**
 * memx_nl_dev_event() - tell the events group about a device; best effort
 * @dev: the device
 * @event: MEMX_EVENT_DEV_ADDED, _REMOVED or _STATE
 * @gfp: as rmap_nl_event_new() takes it
 */
void memx_nl_dev_event(struct memx_dev *dev, u32 event, gfp_t gfp)
{
	void *hdr;
	struct sk_buff *skb = memx_nl_dev_event_new(dev, event, gfp, &hdr);

	if (skb)
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

	skb = rmap_nl_event_new(MEMX_EVENT_SESSION_LOST, GFP_NOWAIT, &hdr);
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
	return rmap_nl_register(memx_nl_cmds, ARRAY_SIZE(memx_nl_cmds), THIS_MODULE);
}

void memx_nl_exit(void)
{
	rmap_nl_unregister(memx_nl_cmds, ARRAY_SIZE(memx_nl_cmds));
}
