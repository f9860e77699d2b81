// SPDX-License-Identifier: GPL-2.0
/*
 * memxctl: see and change memx through its netlink family
 * (<linux/memx.h>, docs/ABI/testing/netlink-memx, memxctl(8)).
 *
 * Exit status: 0 done; 1 the kernel refused or failed (the message says
 * why); 2 bad usage; 3 memx is not loaded here.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/memx.h>

#ifndef MEMX_VERSION
#define MEMX_VERSION "unknown"
#endif

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_NOT_LOADED = 3 };

static bool json;
static struct mnl_socket *nl;
static uint16_t family_id;
static uint32_t events_group;
static uint32_t portid;
static unsigned int seq;
static unsigned int objects;	/* printed so far by a listing */

static void __attribute__((noreturn, format(printf, 2, 3))) die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("memxctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void usage(FILE *out, int status)
{
	fputs("usage: memxctl [-j] COMMAND [ARGS]\n"
	      "\n"
	      "  servers                      the servers this host knows\n"
	      "  devices                      the memx devices of this host\n"
	      "  show DEVICE                  one device (memxN or its label): servers, counters\n"
	      "  add --size SIZE [--name LABEL] [--tenant NAME] [--replicas N]\n"
	      "                               a new device; prints it (SIZE: 512M, 4G, ... in bytes)\n"
	      "  remove DEVICE                remove a device that is not open\n"
	      "  server status                what this host lends (memx_server)\n"
	      "  server drain                 leave: clients move their pages away\n"
	      "  server lend                  lend again after a drain\n"
	      "  monitor [-c COUNT] [-t SECONDS]\n"
	      "                               print events as they happen\n"
	      "\n"
	      "  -j, --json      JSON output (monitor: one object per line)\n"
	      "  -h, --help      this text\n"
	      "  -V, --version   memxctl's version\n"
	      "\n"
	      "Exit status: 0 done, 1 refused by the kernel, 2 bad usage, 3 memx not loaded.\n",
	      out);
	exit(status);
}

/* Netlink plumbing. */

/*
 * How long to wait for an answer once the request is in. Most of a
 * command runs while the request is sent, bounded by the kernel's own
 * waits (a device removed leaves each of its servers within dead_ms).
 */
#define ANSWER_TIMEOUT_S	120

/* Requests are small; answers come a page or a few at a time. */
#define REQUEST_SIZE	4096
#define ANSWER_SIZE	65536

struct request {
	char buf[REQUEST_SIZE];
	struct nlmsghdr *nlh;
};

static struct nlmsghdr *msg_start(struct request *r, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr *g;

	r->nlh = mnl_nlmsg_put_header(r->buf);
	r->nlh->nlmsg_type = type;
	r->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(r->nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : MEMX_GENL_VERSION;
	return r->nlh;
}

static const char *ack_message;	/* the kernel's extended ack, if it gave one */
static char ack_buf[256];

static int ack_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0) {
		snprintf(ack_buf, sizeof(ack_buf), "%s", mnl_attr_get_str(a));
		ack_message = ack_buf;
	}
	return MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, sizeof(*err), ack_attr, NULL);
	if (!err->error)
		return MNL_CB_STOP;
	errno = -err->error;
	return MNL_CB_ERROR;
}

/* The end of a dump: its payload is the dump's status, then its ack TLVs. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	const int *status = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*status)) || !*status)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, sizeof(*status), ack_attr, NULL);
	errno = *status < 0 ? -*status : EPROTO;
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

/* With an array of its own, libmnl calls these only: each type needs one. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = noop_cb,
};

/* Send @nlh, run @cb on each answer until the ack; -1 with errno set on error. */
static int transact(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[ANSWER_SIZE];
	ssize_t n;
	int ret;

	ack_message = NULL;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die(EXIT_REFUSED, "netlink send: %s", strerror(errno));
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			die(EXIT_REFUSED, "no answer from the kernel in %d s", ANSWER_TIMEOUT_S);
		if (n < 0)
			die(EXIT_REFUSED, "netlink receive: %s", strerror(errno));
		ret = mnl_cb_run2(buf, n, nlh->nlmsg_seq, portid, cb, data, ctl_cbs,
				  NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret;
}

/* The kernel refused: say why, in its words when it gave them. */
static void __attribute__((noreturn)) refused(const char *what)
{
	if (errno == EOPNOTSUPP)
		die(EXIT_NOT_LOADED, "%s: %s", what,
		    ack_message ? ack_message : "the module that answers it is not loaded");
	if (errno == EPERM)
		die(EXIT_REFUSED, "%s: %s (CAP_NET_ADMIN is needed)", what, strerror(errno));
	die(EXIT_REFUSED, "%s: %s%s%s", what, strerror(errno), ack_message ? ": " : "",
	    ack_message ? ack_message : "");
}

static int group_cb(const struct nlattr *a, void *data)
{
	const struct nlattr *g;

	mnl_attr_for_each_nested(g, a) {
		const struct nlattr *x, *name = NULL, *id = NULL;

		mnl_attr_for_each_nested(x, g) {
			if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(x, MNL_TYPE_NUL_STRING) >= 0)
				name = x;
			if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID &&
			    mnl_attr_validate(x, MNL_TYPE_U32) >= 0)
				id = x;
		}
		if (name && id && !strcmp(mnl_attr_get_str(name), MEMX_GENL_MCGRP_EVENTS))
			events_group = mnl_attr_get_u32(id);
	}
	return MNL_CB_OK;
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
		family_id = mnl_attr_get_u16(a);
	if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
		group_cb(a, data);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, data);
}

static void connect_memx(void)
{
	struct timeval timeout = { .tv_sec = ANSWER_TIMEOUT_S };
	struct request r;
	int one = 1;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		die(EXIT_REFUSED, "netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die(EXIT_REFUSED, "netlink bind: %s", strerror(errno));
	portid = mnl_socket_get_portid(nl);
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	msg_start(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(r.nlh, CTRL_ATTR_FAMILY_NAME, MEMX_GENL_NAME);
	if (transact(r.nlh, family_cb, NULL) < 0 || !family_id) {
		if (errno == ENOENT)
			die(EXIT_NOT_LOADED, "memx is not loaded here (no \"%s\" netlink family): modprobe memx_client or memx_server; in a network namespace of its own it is not seen",
			    MEMX_GENL_NAME);
		refused("netlink family lookup");
	}
}

/* Attributes of one message, and of its nests. */

struct obj {
	const struct nlattr *a[MEMX_A_MAX + 1];
	const struct nlattr *sessions[64];
	unsigned int nr_sessions;
};

static int obj_attr(const struct nlattr *a, void *data)
{
	struct obj *o = data;
	unsigned int type = mnl_attr_get_type(a);

	if (type > MEMX_A_MAX)
		return MNL_CB_OK;	/* from a newer kernel */
	if (type == MEMX_A_SESSION) {
		if (o->nr_sessions < sizeof(o->sessions) / sizeof(o->sessions[0]))
			o->sessions[o->nr_sessions++] = a;
		return MNL_CB_OK;
	}
	o->a[type] = a;
	return MNL_CB_OK;
}

static void obj_parse_nest(const struct nlattr *nest, struct obj *o)
{
	memset(o, 0, sizeof(*o));
	mnl_attr_parse_nested(nest, obj_attr, o);
}

static void obj_parse(const struct nlmsghdr *nlh, struct obj *o)
{
	memset(o, 0, sizeof(*o));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), obj_attr, o);
}

/* The kernel's attributes are trusted to be of their documented size only once checked. */
static uint64_t get_u64(const struct obj *o, int type)
{
	const struct nlattr *a = o->a[type];

	return a && mnl_attr_get_payload_len(a) == 8 ? mnl_attr_get_u64(a) : 0;
}

static uint32_t get_u32(const struct obj *o, int type)
{
	const struct nlattr *a = o->a[type];

	return a && mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) : 0;
}

/* For a terminal, a string's control characters become '?'. */
static const char *printable(const char *s)
{
	static char ring[8][128];
	static unsigned int next;
	char *out = ring[next++ % 8];
	size_t i;

	for (i = 0; s[i] && i < sizeof(ring[0]) - 1; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[i] = '\0';
	return out;
}

static const char *get_str(const struct obj *o, int type)
{
	const struct nlattr *a = o->a[type];

	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return "";
	return json ? mnl_attr_get_str(a) : printable(mnl_attr_get_str(a));
}

static bool get_flag(const struct obj *o, int type)
{
	const struct nlattr *a = o->a[type];

	return a && mnl_attr_get_payload_len(a) == 1 && mnl_attr_get_u8(a);
}

static const char *get_mac(const struct obj *o, char buf[18])
{
	const struct nlattr *a = o->a[MEMX_A_MAC];
	const unsigned char *m;

	if (!a || mnl_attr_get_payload_len(a) != 6)
		return "";
	m = mnl_attr_get_payload(a);
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/* Output. */

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_key_str(const char *key, const char *value, bool comma)
{
	if (comma)
		putchar(',');
	json_str(key);
	putchar(':');
	json_str(value);
}

static void json_key_u64(const char *key, uint64_t value, bool comma)
{
	if (comma)
		putchar(',');
	json_str(key);
	printf(":%" PRIu64, value);
}

/* 1536 MiB as "1.5G": binary units, as free(1) -h and zramctl. */
static const char *human(uint64_t bytes, char buf[16])
{
	static const char units[] = "BKMGTPE";
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (!u)
		snprintf(buf, 16, "%" PRIu64 "B", bytes);
	else if (v < 10 && v != (uint64_t)v)
		snprintf(buf, 16, "%.1f%c", v, units[u]);
	else
		snprintf(buf, 16, "%.0f%c", v, units[u]);
	return buf;
}

static const char *human_us(uint32_t us, char buf[16])
{
	if (us < 1000)
		snprintf(buf, 16, "%uus", us);
	else
		snprintf(buf, 16, "%.1fms", us / 1000.0);
	return buf;
}

/* One MEMX_A_STAT nest: its name (NULL when it has none) and value. */
static const char *stat_read(const struct nlattr *stat, uint64_t *value)
{
	const struct nlattr *x;
	const char *name = NULL;

	*value = 0;
	mnl_attr_for_each_nested(x, stat) {
		if (mnl_attr_get_type(x) == MEMX_A_STAT_NAME &&
		    mnl_attr_validate(x, MNL_TYPE_NUL_STRING) >= 0)
			name = mnl_attr_get_str(x);
		if (mnl_attr_get_type(x) == MEMX_A_STAT_VALUE && mnl_attr_get_payload_len(x) == 8)
			*value = mnl_attr_get_u64(x);
	}
	return name;
}

static void json_stats(const struct obj *o, bool comma)
{
	const struct nlattr *stat;
	const char *name;
	bool first = true;
	uint64_t value;

	printf("%s\"counters\":{", comma ? "," : "");
	if (o->a[MEMX_A_STATS]) {
		mnl_attr_for_each_nested(stat, o->a[MEMX_A_STATS]) {
			name = stat_read(stat, &value);
			if (name) {
				json_key_u64(name, value, !first);
				first = false;
			}
		}
	}
	putchar('}');
}

static void text_stats(const struct obj *o)
{
	const struct nlattr *stat;
	const char *name;
	uint64_t value;

	if (!o->a[MEMX_A_STATS])
		return;
	puts("counters:");
	mnl_attr_for_each_nested(stat, o->a[MEMX_A_STATS]) {
		name = stat_read(stat, &value);
		if (name)
			printf("  %-20s %" PRIu64 "\n", name, value);
	}
}

/* A listing's objects: a JSON array, opened by the first. */
static void list_begin(void)
{
	objects = 0;
}

static void list_end(void)
{
	if (json)
		puts(objects ? "]" : "[]");
}

static void list_next(void)
{
	if (json)
		putchar(objects ? ',' : '[');
	objects++;
}

/* memxctl servers */

static int server_cb(const struct nlmsghdr *nlh, void *data)
{
	char mac[18], cap[16], free_[16], rtt[16], id[9];
	struct obj o;

	obj_parse(nlh, &o);
	snprintf(id, sizeof(id), "%08x", get_u32(&o, MEMX_A_SERVER_ID));
	list_next();
	if (json) {
		putchar('{');
		json_key_str("id", id, false);
		json_key_str("mac", get_mac(&o, mac), true);
		json_key_str("iface", get_str(&o, MEMX_A_IFNAME), true);
		json_key_str("tenant", get_str(&o, MEMX_A_TENANT), true);
		json_key_str("state", get_str(&o, MEMX_A_STATE), true);
		json_key_u64("capacity_bytes", get_u64(&o, MEMX_A_CAPACITY), true);
		json_key_u64("free_bytes", get_u64(&o, MEMX_A_FREE), true);
		json_key_u64("load", get_u32(&o, MEMX_A_LOAD), true);
		json_key_u64("rtt_us", get_u32(&o, MEMX_A_RTT_US), true);
		json_key_u64("mtu", get_u32(&o, MEMX_A_MTU), true);
		json_key_u64("heard_ms_ago", get_u32(&o, MEMX_A_AGE_MS), true);
		json_stats(&o, true);
		putchar('}');
		return MNL_CB_OK;
	}
	if (objects == 1)
		printf("%-8s  %-17s  %-8s  %-8s  %-5s  %8s  %8s  %7s  %8s  %5s\n", "ID", "MAC",
		       "IFACE", "TENANT", "STATE", "CAPACITY", "FREE", "LOAD/s", "RTT", "MTU");
	printf("%-8s  %-17s  %-8s  %-8s  %-5s  %8s  %8s  %7u  %8s  %5u\n", id, get_mac(&o, mac),
	       get_str(&o, MEMX_A_IFNAME), get_str(&o, MEMX_A_TENANT), get_str(&o, MEMX_A_STATE),
	       human(get_u64(&o, MEMX_A_CAPACITY), cap), human(get_u64(&o, MEMX_A_FREE), free_),
	       get_u32(&o, MEMX_A_LOAD), human_us(get_u32(&o, MEMX_A_RTT_US), rtt),
	       get_u32(&o, MEMX_A_MTU));
	return MNL_CB_OK;
}

/* A listing: a dump of @cmd, each object printed by @cb; @none when empty. */
static int cmd_list(uint8_t cmd, mnl_cb_t cb, const char *what, const char *none)
{
	struct request r;

	connect_memx();
	msg_start(&r, family_id, cmd, NLM_F_DUMP);
	list_begin();
	if (transact(r.nlh, cb, NULL) < 0)
		refused(what);
	list_end();
	if (!json && !objects)
		puts(none);
	return 0;
}

/* memxctl devices, show, add */

static void json_session(const struct nlattr *nest, bool comma)
{
	char mac[18], id[9];
	struct obj s;

	obj_parse_nest(nest, &s);
	snprintf(id, sizeof(id), "%08x", get_u32(&s, MEMX_A_SERVER_ID));
	printf("%s{", comma ? "," : "");
	json_key_str("server", id, false);
	json_key_str("mac", get_mac(&s, mac), true);
	json_key_str("state", get_str(&s, MEMX_A_STATE), true);
	json_key_u64("extents", get_u32(&s, MEMX_A_EXTENTS), true);
	json_key_u64("used_bytes", get_u64(&s, MEMX_A_USED), true);
	json_key_u64("held_bytes", get_u64(&s, MEMX_A_CAPACITY), true);
	json_key_u64("rtt_us", get_u32(&s, MEMX_A_RTT_US), true);
	putchar('}');
}

static void json_device(const struct obj *o, bool servers)
{
	unsigned int i;

	putchar('{');
	json_key_str("name", get_str(o, MEMX_A_DEV_NAME), false);
	json_key_str("label", get_str(o, MEMX_A_LABEL), true);
	json_key_u64("size_bytes", get_u64(o, MEMX_A_SIZE), true);
	json_key_str("tenant", get_str(o, MEMX_A_TENANT), true);
	json_key_u64("replicas", get_u32(o, MEMX_A_REPLICAS), true);
	json_key_str("state", get_str(o, MEMX_A_STATE), true);
	json_key_u64("extents", get_u32(o, MEMX_A_EXTENTS), true);
	json_key_u64("extents_placed", get_u32(o, MEMX_A_EXTENTS_PLACED), true);
	json_key_u64("extents_degraded", get_u32(o, MEMX_A_EXTENTS_DEGRADED), true);
	json_key_u64("extents_lost", get_u32(o, MEMX_A_EXTENTS_LOST), true);
	/* A listing has none: `show` has them. */
	if (servers) {
		printf(",\"servers\":[");
		for (i = 0; i < o->nr_sessions; i++)
			json_session(o->sessions[i], i);
		putchar(']');
	}
	json_stats(o, true);
	putchar('}');
}

static void text_device_row(const struct obj *o)
{
	char size[16];

	if (objects == 1)
		printf("%-7s  %-16s  %8s  %-8s  %6s  %-8s  %7s  %8s  %4s\n", "NAME", "LABEL", "SIZE",
		       "TENANT", "COPIES", "STATE", "PLACED", "DEGRADED", "LOST");
	printf("%-7s  %-16s  %8s  %-8s  %6u  %-8s  %7u  %8u  %4u\n", get_str(o, MEMX_A_DEV_NAME),
	       *get_str(o, MEMX_A_LABEL) ? get_str(o, MEMX_A_LABEL) : "-",
	       human(get_u64(o, MEMX_A_SIZE), size), get_str(o, MEMX_A_TENANT),
	       get_u32(o, MEMX_A_REPLICAS), get_str(o, MEMX_A_STATE),
	       get_u32(o, MEMX_A_EXTENTS_PLACED), get_u32(o, MEMX_A_EXTENTS_DEGRADED),
	       get_u32(o, MEMX_A_EXTENTS_LOST));
}

static int device_row_cb(const struct nlmsghdr *nlh, void *data)
{
	struct obj o;

	obj_parse(nlh, &o);
	list_next();
	if (json)
		json_device(&o, false);
	else
		text_device_row(&o);
	return MNL_CB_OK;
}

static void text_device(const struct obj *o)
{
	char size[16], used[16], held[16], rtt[16], mac[18];
	unsigned int i;

	printf("name:      %s\n", get_str(o, MEMX_A_DEV_NAME));
	printf("label:     %s\n", *get_str(o, MEMX_A_LABEL) ? get_str(o, MEMX_A_LABEL) : "-");
	printf("size:      %s (%" PRIu64 " bytes)\n", human(get_u64(o, MEMX_A_SIZE), size),
	       get_u64(o, MEMX_A_SIZE));
	printf("tenant:    %s\n", get_str(o, MEMX_A_TENANT));
	printf("copies:    %u of each extent\n", get_u32(o, MEMX_A_REPLICAS));
	printf("state:     %s\n", get_str(o, MEMX_A_STATE));
	printf("extents:   %u placed of %u (1 MiB each); %u short of copies, %u lost\n",
	       get_u32(o, MEMX_A_EXTENTS_PLACED), get_u32(o, MEMX_A_EXTENTS),
	       get_u32(o, MEMX_A_EXTENTS_DEGRADED), get_u32(o, MEMX_A_EXTENTS_LOST));
	printf("servers:   %u\n", o->nr_sessions);
	if (o->nr_sessions)
		printf("  %-8s  %-17s  %-7s  %7s  %8s  %8s  %8s\n", "SERVER", "MAC", "STATE",
		       "EXTENTS", "USED", "HELD", "RTT");
	for (i = 0; i < o->nr_sessions; i++) {
		struct obj s;

		obj_parse_nest(o->sessions[i], &s);
		printf("  %08x  %-17s  %-7s  %7u  %8s  %8s  %8s\n", get_u32(&s, MEMX_A_SERVER_ID),
		       get_mac(&s, mac), get_str(&s, MEMX_A_STATE), get_u32(&s, MEMX_A_EXTENTS),
		       human(get_u64(&s, MEMX_A_USED), used),
		       human(get_u64(&s, MEMX_A_CAPACITY), held),
		       human_us(get_u32(&s, MEMX_A_RTT_US), rtt));
	}
	text_stats(o);
}

static int device_cb(const struct nlmsghdr *nlh, void *data)
{
	struct obj o;

	obj_parse(nlh, &o);
	objects++;
	if (json) {
		json_device(&o, true);
		putchar('\n');
	} else if (data) {
		/* add: the new device, as devices lists it */
		text_device_row(&o);
	} else {
		text_device(&o);
	}
	return MNL_CB_OK;
}

static void check_name(const char *name)
{
	if (!*name || strlen(name) > MEMX_LABEL_MAX)
		die(EXIT_USAGE, "'%s': a device is named memxN or by its label (1 to 32 characters)",
		    name);
}

static int cmd_show(const char *name)
{
	struct request r;

	check_name(name);
	connect_memx();
	msg_start(&r, family_id, MEMX_CMD_DEV_GET, 0);
	mnl_attr_put_strz(r.nlh, MEMX_A_DEV_NAME, name);
	if (transact(r.nlh, device_cb, NULL) < 0)
		refused(name);
	return 0;
}

/* "4G", "512M", "1.5T"? No: whole numbers with a binary suffix, or bytes. */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

static bool parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int cmd_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "label", required_argument, NULL, 'n' },
		{ "tenant", required_argument, NULL, 't' },
		{ "replicas", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *label = NULL, *tenant = NULL;
	unsigned int replicas = 0;
	bool have_size = false;
	struct request r;
	uint64_t size = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:n:t:r:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!parse_size(optarg, &size) || !size)
				die(EXIT_USAGE, "--size %s: a size is a whole number with K, M, G or T (binary), or bytes: 512M, 4G",
				    optarg);
			have_size = true;
			break;
		case 'n':
			label = optarg;
			if (!*label || strlen(label) > MEMX_LABEL_MAX)
				die(EXIT_USAGE, "--name '%s': a label is 1 to 32 of A-Z a-z 0-9 . _ -",
				    label);
			break;
		case 't':
			tenant = optarg;
			if (!*tenant || strlen(tenant) > 15)
				die(EXIT_USAGE, "--tenant '%s': a tenant's name is 1 to 15 characters",
				    tenant);
			break;
		case 'r':
			if (!parse_uint(optarg, 255, &replicas) || !replicas)
				die(EXIT_USAGE, "--replicas %s: a number of copies, 1 or more",
				    optarg);
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc)
		die(EXIT_USAGE, "add: unexpected '%s'", argv[optind]);
	if (!have_size)
		die(EXIT_USAGE, "add: --size is needed (512M, 4G, ...)");
	connect_memx();
	msg_start(&r, family_id, MEMX_CMD_DEV_ADD, 0);
	mnl_attr_put_u64(r.nlh, MEMX_A_SIZE, size);
	if (label)
		mnl_attr_put_strz(r.nlh, MEMX_A_LABEL, label);
	if (tenant)
		mnl_attr_put_strz(r.nlh, MEMX_A_TENANT, tenant);
	if (replicas)
		mnl_attr_put_u32(r.nlh, MEMX_A_REPLICAS, replicas);
	objects = 0;
	if (transact(r.nlh, device_cb, "add") < 0)
		refused("add");
	return 0;
}

static int cmd_remove(const char *name)
{
	struct request r;

	check_name(name);
	connect_memx();
	msg_start(&r, family_id, MEMX_CMD_DEV_DEL, 0);
	mnl_attr_put_strz(r.nlh, MEMX_A_DEV_NAME, name);
	if (transact(r.nlh, NULL, NULL) < 0)
		refused(name);
	return 0;
}

/* memxctl server status, drain, lend */

static int lender_cb(const struct nlmsghdr *nlh, void *data)
{
	char cap[16], used[16], free_[16];
	struct obj o;

	obj_parse(nlh, &o);
	if (json) {
		putchar('{');
		json_key_u64("capacity_bytes", get_u64(&o, MEMX_A_CAPACITY), false);
		json_key_u64("used_bytes", get_u64(&o, MEMX_A_USED), true);
		json_key_u64("free_bytes", get_u64(&o, MEMX_A_FREE), true);
		json_key_u64("sessions", get_u32(&o, MEMX_A_SESSIONS), true);
		json_key_u64("load", get_u32(&o, MEMX_A_LOAD), true);
		printf(",\"draining\":%s", get_flag(&o, MEMX_A_DRAIN) ? "true" : "false");
		json_stats(&o, true);
		puts("}");
		return MNL_CB_OK;
	}
	printf("lends:     %s (%" PRIu64 " bytes)\n", human(get_u64(&o, MEMX_A_CAPACITY), cap),
	       get_u64(&o, MEMX_A_CAPACITY));
	printf("held:      %s for clients, %s free\n", human(get_u64(&o, MEMX_A_USED), used),
	       human(get_u64(&o, MEMX_A_FREE), free_));
	printf("sessions:  %u\n", get_u32(&o, MEMX_A_SESSIONS));
	printf("load:      %u requests/s\n", get_u32(&o, MEMX_A_LOAD));
	printf("state:     %s\n", get_flag(&o, MEMX_A_DRAIN) ?
	       "draining (clients move their pages away)" : "lending");
	text_stats(&o);
	return MNL_CB_OK;
}

static int cmd_server(int argc, char **argv)
{
	struct request r;

	if (argc != 2)
		die(EXIT_USAGE, "server: status, drain or lend");
	if (strcmp(argv[1], "status") && strcmp(argv[1], "drain") && strcmp(argv[1], "lend"))
		die(EXIT_USAGE, "server %s: status, drain or lend", argv[1]);
	connect_memx();
	if (!strcmp(argv[1], "status")) {
		msg_start(&r, family_id, MEMX_CMD_LENDER_GET, 0);
		if (transact(r.nlh, lender_cb, NULL) < 0)
			refused("server status");
		return 0;
	}
	msg_start(&r, family_id, MEMX_CMD_LENDER_SET, 0);
	mnl_attr_put_u8(r.nlh, MEMX_A_DRAIN, !strcmp(argv[1], "drain"));
	if (transact(r.nlh, NULL, NULL) < 0)
		refused(argv[1]);
	return 0;
}

/* memxctl monitor */

static const char *const event_names[] = {
	[MEMX_EVENT_SERVER_UP] = "server-up",
	[MEMX_EVENT_SERVER_RESTARTED] = "server-restarted",
	[MEMX_EVENT_SERVER_LEAVING] = "server-leaving",
	[MEMX_EVENT_SERVER_DOWN] = "server-down",
	[MEMX_EVENT_SERVER_DEAD] = "server-dead",
	[MEMX_EVENT_SERVER_BACK] = "server-back",
	[MEMX_EVENT_DEV_ADDED] = "device-added",
	[MEMX_EVENT_DEV_REMOVED] = "device-removed",
	[MEMX_EVENT_DEV_STATE] = "device-state",
	[MEMX_EVENT_SESSION_LOST] = "session-lost",
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	char when[32], mac[18], id[9], size[16];
	unsigned int *left = data;
	const char *name = "unknown";
	struct timespec ts;
	uint32_t event;
	struct obj o;

	obj_parse(nlh, &o);
	event = get_u32(&o, MEMX_A_EVENT);
	if (event < sizeof(event_names) / sizeof(event_names[0]) && event_names[event])
		name = event_names[event];
	clock_gettime(CLOCK_REALTIME, &ts);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", localtime(&ts.tv_sec));
	snprintf(id, sizeof(id), "%08x", get_u32(&o, MEMX_A_SERVER_ID));
	if (json) {
		putchar('{');
		json_key_str("time", when, false);
		json_key_str("event", name, true);
		if (o.a[MEMX_A_SERVER_ID]) {
			json_key_str("server", id, true);
			json_key_str("mac", get_mac(&o, mac), true);
		}
		if (o.a[MEMX_A_TENANT])
			json_key_str("tenant", get_str(&o, MEMX_A_TENANT), true);
		if (o.a[MEMX_A_DEV_NAME])
			json_key_str("device", get_str(&o, MEMX_A_DEV_NAME), true);
		if (o.a[MEMX_A_LABEL])
			json_key_str("label", get_str(&o, MEMX_A_LABEL), true);
		if (o.a[MEMX_A_STATE])
			json_key_str("state", get_str(&o, MEMX_A_STATE), true);
		if (o.a[MEMX_A_CAPACITY])
			json_key_u64("capacity_bytes", get_u64(&o, MEMX_A_CAPACITY), true);
		if (o.a[MEMX_A_USED])
			json_key_u64("used_bytes", get_u64(&o, MEMX_A_USED), true);
		if (o.a[MEMX_A_SIZE])
			json_key_u64("size_bytes", get_u64(&o, MEMX_A_SIZE), true);
		puts("}");
	} else {
		printf("%s  %-16s", when, name);
		if (o.a[MEMX_A_DEV_NAME])
			printf("  %s", get_str(&o, MEMX_A_DEV_NAME));
		if (o.a[MEMX_A_SERVER_ID])
			printf("  server %s (%s)", id, get_mac(&o, mac));
		if (o.a[MEMX_A_TENANT])
			printf("  tenant %s", get_str(&o, MEMX_A_TENANT));
		if (o.a[MEMX_A_STATE])
			printf("  %s", get_str(&o, MEMX_A_STATE));
		if (o.a[MEMX_A_CAPACITY])
			printf("  lends %s", human(get_u64(&o, MEMX_A_CAPACITY), size));
		if (o.a[MEMX_A_USED])
			printf("  held %s", human(get_u64(&o, MEMX_A_USED), size));
		putchar('\n');
	}
	fflush(stdout);
	if (*left && !--*left)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

static int cmd_monitor(int argc, char **argv)
{
	char buf[ANSWER_SIZE];
	unsigned int count = 0, seconds = 0;
	struct timespec start, now;
	int c, group;

	optind = 1;
	while ((c = getopt(argc, argv, "+c:t:")) != -1) {
		switch (c) {
		case 'c':
			if (!parse_uint(optarg, 1000000, &count) || !count)
				die(EXIT_USAGE, "monitor -c %s: a number of events, 1 or more", optarg);
			break;
		case 't':
			if (!parse_uint(optarg, 86400 * 365, &seconds) || !seconds)
				die(EXIT_USAGE, "monitor -t %s: seconds, 1 or more", optarg);
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc)
		die(EXIT_USAGE, "monitor: unexpected '%s'", argv[optind]);
	connect_memx();
	if (!events_group)
		die(EXIT_NOT_LOADED, "the memx family has no events group");
	group = events_group;
	if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		die(EXIT_REFUSED, "cannot listen to memx events: %s", strerror(errno));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* On stderr: stdout has the events only, for programs to read. */
	fputs("memxctl: listening to memx events (Ctrl-C ends)\n", stderr);
	while (!stop) {
		struct pollfd p = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
		int wait = 1000, ret;
		ssize_t n;

		if (seconds) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - start.tv_sec >= seconds)
				break;
		}
		if (poll(&p, 1, wait) <= 0)
			continue;
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				fputs("memxctl: events were lost (the kernel's queue overflowed)\n",
				      stderr);
				continue;
			}
			die(EXIT_REFUSED, "netlink receive: %s", strerror(errno));
		}
		ret = mnl_cb_run(buf, n, 0, 0, event_cb, &count);
		if (ret == MNL_CB_STOP)
			break;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			puts("memxctl " MEMX_VERSION);
			return 0;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind >= argc)
		usage(stderr, EXIT_USAGE);
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (strcmp(cmd, "servers") && strcmp(cmd, "devices") && strcmp(cmd, "show") &&
	    strcmp(cmd, "add") && strcmp(cmd, "remove") && strcmp(cmd, "server") &&
	    strcmp(cmd, "monitor"))
		die(EXIT_USAGE, "'%s' is not a command (memxctl --help lists them)", cmd);
	if ((!strcmp(cmd, "servers") || !strcmp(cmd, "devices")) && argc != 1)
		die(EXIT_USAGE, "%s takes no arguments", cmd);
	if ((!strcmp(cmd, "show") || !strcmp(cmd, "remove")) && argc != 2)
		die(EXIT_USAGE, "%s DEVICE: one device, memxN or its label", cmd);
	if (!strcmp(cmd, "servers"))
		return cmd_list(MEMX_CMD_SERVER_GET, server_cb, "servers", "no servers heard yet");
	if (!strcmp(cmd, "devices"))
		return cmd_list(MEMX_CMD_DEV_GET, device_row_cb, "devices",
				"no memx devices (memxctl add --size SIZE makes one)");
	if (!strcmp(cmd, "show"))
		return cmd_show(argv[1]);
	if (!strcmp(cmd, "add"))
		return cmd_add(argc, argv);
	if (!strcmp(cmd, "remove"))
		return cmd_remove(argv[1]);
	if (!strcmp(cmd, "server"))
		return cmd_server(argc, argv);
	return cmd_monitor(argc, argv);
}
