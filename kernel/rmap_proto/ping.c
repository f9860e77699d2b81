// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/rmap/ping: round trips through the whole protocol, from
 * one kernel to another (the "kernel RTT" of a page).
 *
 *   echo "52:54:00:4d:58:01 1000 4096" > /sys/kernel/debug/rmap/ping
 *   cat /sys/kernel/debug/rmap/ping
 *
 *   echo "52:54:00:4d:58:01 10 64 blue" > /sys/kernel/debug/rmap/ping
 *
 * The write sends COUNT pings of SIZE payload bytes (default 100 and 4096)
 * to a known peer (under the tenant named last, or the first of the key
 * file), one after another, checks that each payload comes back
 * intact, and returns when done; the read shows the figures.
 */
#include <linux/completion.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/etherdevice.h>
#include <linux/highmem.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "rmap_proto.h"

#define RMAP_PING_MAX_COUNT	100000

struct rmap_ping_ctx {
	struct rmap_req req;
	struct completion done;
};

static DEFINE_MUTEX(rmap_ping_mutex);
static char rmap_ping_result[320] = "no ping yet\n";

static void rmap_ping_done(struct rmap_req *req)
{
	complete(&container_of(req, struct rmap_ping_ctx, req)->done);
}

static int rmap_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return (x > y) - (x < y);
}

static void rmap_fill(struct page *page, unsigned int size, unsigned int seed)
{
	u8 *p = kmap_local_page(page);
	unsigned int i;

	for (i = 0; i < size; i++)
		p[i] = seed * 31 + i;
	kunmap_local(p);
}

static bool rmap_same(struct page *a, struct page *b, unsigned int size)
{
	u8 *pa = kmap_local_page(a), *pb = kmap_local_page(b);
	bool same = !memcmp(pa, pb, size);

	kunmap_local(pb);
	kunmap_local(pa);
	return same;
}

/* Ping @peer @count times; the figures go to rmap_ping_result. */
static int rmap_ping_run(struct rmap_peer *peer, unsigned int count, unsigned int size)
{
	unsigned int i, ok = 0, failed = 0, corrupt = 0;
	struct page *tx, *rx;
	struct rmap_ping_ctx *ctx;
	u64 retrans, sum = 0;
	u32 *rtt;
	int err = -ENOMEM;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	rtt = kvcalloc(count, sizeof(*rtt), GFP_KERNEL);
	tx = alloc_page(GFP_KERNEL);
	rx = alloc_page(GFP_KERNEL);
	if (!ctx || !rtt || !tx || !rx)
		goto out;

	spin_lock_bh(&peer->lock);
	retrans = peer->stat[RMAP_PEER_RETRANSMITS];
	spin_unlock_bh(&peer->lock);

	for (i = 0; i < count; i++) {
		rmap_fill(tx, size, i);
		memset(ctx, 0, sizeof(*ctx));
		init_completion(&ctx->done);
		ctx->req.type = RMAP_PING;
		ctx->req.pages = &tx;
		ctx->req.resp_pages = &rx;
		ctx->req.len = size;
		ctx->req.body.ping.sent_ns = cpu_to_be64(ktime_get_ns());
		ctx->req.done = rmap_ping_done;
		if (rmap_submit(peer, &ctx->req)) {
			failed++;
			break;
		}
		/*
		 * rmap_submit() promises done() within the dead time; should
		 * that fail, the request is taken back before it is freed.
		 */
		if (!wait_for_completion_timeout(&ctx->done,
						 msecs_to_jiffies(2 * rmap_dead_ms + 1000))) {
			if (rmap_cancel(&ctx->req)) {
				pr_err("ping to %pM: request never completed\n", peer->mac);
				err = -EIO;
				goto out;
			}
			wait_for_completion(&ctx->done);
		}
		if (ctx->req.status) {
			failed++;
			continue;
		}
		if (!rmap_same(tx, rx, size)) {
			corrupt++;
			continue;
		}
		rtt[ok++] = ctx->req.rtt_us;
		sum += ctx->req.rtt_us;
	}

	spin_lock_bh(&peer->lock);
	retrans = peer->stat[RMAP_PEER_RETRANSMITS] - retrans;
	spin_unlock_bh(&peer->lock);
	sort(rtt, ok, sizeof(*rtt), rmap_cmp_u32, NULL);
	snprintf(rmap_ping_result, sizeof(rmap_ping_result),
		 "peer %pM size %u sent %u answered %u failed %u corrupt %u retransmits %llu rtt_us min %u mean %llu p50 %u p99 %u max %u\n",
		 peer->mac, size, i, ok, failed, corrupt, retrans,
		 ok ? rtt[0] : 0, ok ? div_u64(sum, ok) : 0, ok ? rtt[ok / 2] : 0,
		 ok ? rtt[(ok * 99) / 100] : 0, ok ? rtt[ok - 1] : 0);
	err = 0;
out:
	if (rx)
		__free_page(rx);
	if (tx)
		__free_page(tx);
	kvfree(rtt);
	kfree(ctx);
	return err;
}

/* Words in @s, separated by white space. */
static int rmap_words(const char *s)
{
	int n = 0;

	for (;;) {
		s = skip_spaces(s);
		if (!*s)
			return n;
		n++;
		while (*s && !isspace(*s))
			s++;
	}
}

static ssize_t rmap_ping_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	unsigned int count = 100, size = PAGE_SIZE;
	struct rmap_peer *peer;
	char buf[64], macs[18], tenant[RMAP_TENANT_NAME_LEN + 1] = "";
	u8 mac[ETH_ALEN];
	int n, err, t = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	BUILD_BUG_ON(RMAP_TENANT_NAME_LEN != 16);	/* %16s below: one too many */
	n = sscanf(buf, "%17s %u %u %16s", macs, &count, &size, tenant);
	if (n < 1 || n != rmap_words(buf) || !mac_pton(macs, mac) || !count ||
	    count > RMAP_PING_MAX_COUNT || size > PAGE_SIZE ||
	    strlen(tenant) >= RMAP_TENANT_NAME_LEN)
		return -EINVAL;
	if (n == 4)
		t = rmap_tenant_find(tenant);
	if (t < 0)
		return t;

	peer = rmap_peer_get_by_mac(mac, t);
	if (!peer)
		return -EHOSTUNREACH;
	err = mutex_lock_interruptible(&rmap_ping_mutex);
	if (!err) {
		err = rmap_ping_run(peer, count, size);
		mutex_unlock(&rmap_ping_mutex);
	}
	rmap_peer_put(peer);
	return err ? err : len;
}

static ssize_t rmap_ping_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&rmap_ping_mutex);
	ret = simple_read_from_buffer(ubuf, len, ppos, rmap_ping_result,
				      strlen(rmap_ping_result));
	mutex_unlock(&rmap_ping_mutex);
	return ret;
}

static const struct file_operations rmap_ping_fops = {
	.owner = THIS_MODULE,
	.write = rmap_ping_write,
	.read = rmap_ping_read,
	.llseek = default_llseek,
};

int rmap_ping_init(struct dentry *dir)
{
	debugfs_create_file("ping", 0600, dir, NULL, &rmap_ping_fops);
	return 0;
}
