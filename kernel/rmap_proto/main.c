// SPDX-License-Identifier: GPL-2.0
/*
 * rmap_proto: the RMAP protocol on raw Ethernet, for memx_server and
 * memx_client. This file checks the module parameters and starts the
 * pieces in order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_ether.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "rmap_proto.h"

static ushort ethertype = RMAP_ETHERTYPE;
module_param(ethertype, ushort, 0444);
MODULE_PARM_DESC(ethertype, "EtherType of RMAP frames (default 0x88B5)");

static char *ifaces = "";
module_param(ifaces, charp, 0444);
MODULE_PARM_DESC(ifaces, "Comma-separated interfaces to use, also ones that appear later (default: every Ethernet interface but bridge and bond ports)");

static char *key_file = "";
module_param(key_file, charp, 0444);
MODULE_PARM_DESC(key_file, "File of keys that authenticate every frame, one per line: 64 hexadecimal digits, alone or after a tenant's name (default: none, the LAN is trusted)");

static bool encrypt;
module_param(encrypt, bool, 0444);
MODULE_PARM_DESC(encrypt, "Encrypt page payloads too, with the key_file's key (default: no, frames are authenticated only)");

unsigned int rmap_dead_ms = 5000;
module_param_named(dead_ms, rmap_dead_ms, uint, 0444);
MODULE_PARM_DESC(dead_ms, "A request fails, and a silent peer is dead, after this long (100-600000, default 5000)");

unsigned int rmap_advert_ms = 1000;
module_param_named(advert_ms, rmap_advert_ms, uint, 0444);
MODULE_PARM_DESC(advert_ms, "Interval of a server's advertisements (100-60000, default 1000)");

unsigned int rmap_peer_timeout_ms = 3500;
module_param_named(peer_timeout_ms, rmap_peer_timeout_ms, uint, 0444);
MODULE_PARM_DESC(peer_timeout_ms, "A silent peer leaves the table after this long (at least 2 * advert_ms, default 3500)");

/* EtherTypes RMAP must never claim: they belong to protocols in the stack. */
static const u16 rmap_reserved_types[] = {
	ETH_P_IP, ETH_P_ARP, ETH_P_IPV6, ETH_P_8021Q, ETH_P_8021AD, ETH_P_AOE,
};

static bool rmap_ethertype_valid(u16 type)
{
	int i;

	if (type < ETH_P_802_3_MIN) {
		pr_err("ethertype=0x%04x is a length, not an EtherType (must be >= 0x%04x)\n",
		       type, ETH_P_802_3_MIN);
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(rmap_reserved_types); i++) {
		if (type == rmap_reserved_types[i]) {
			pr_err("ethertype=0x%04x belongs to another protocol\n", type);
			return false;
		}
	}
	return true;
}

static bool rmap_times_valid(void)
{
	if (rmap_dead_ms < 100 || rmap_dead_ms > 600000) {
		pr_err("dead_ms=%u: must be between 100 and 600000\n", rmap_dead_ms);
		return false;
	}
	if (rmap_advert_ms < 100 || rmap_advert_ms > 60000) {
		pr_err("advert_ms=%u: must be between 100 and 60000\n", rmap_advert_ms);
		return false;
	}
	if (rmap_peer_timeout_ms < 2 * rmap_advert_ms) {
		pr_err("peer_timeout_ms=%u: must be at least twice advert_ms (%u)\n",
		       rmap_peer_timeout_ms, rmap_advert_ms);
		return false;
	}
	return true;
}

static int __init rmap_init(void)
{
	int err;

	/* The wire's pages are the kernel's: frames are cut and copied by page. */
	BUILD_BUG_ON(PAGE_SIZE != RMAP_PAGE_SIZE);
	if (!rmap_ethertype_valid(ethertype) || !rmap_eth_ifaces_valid(ifaces) ||
	    !rmap_times_valid())
		return -EINVAL;
	err = rmap_auth_init(key_file, encrypt);
	if (err)
		return err;
	err = rmap_stats_init();
	if (err)
		goto no_stats;
	err = rmap_peers_init();
	if (err) {
		rmap_stats_exit();
		goto no_stats;
	}
	rmap_ping_init(rmap_debugfs);
	err = rmap_eth_init(ethertype, ifaces);
	if (err) {
		rmap_peers_exit();
		rmap_stats_exit();
		goto no_stats;
	}
	rmap_discover_init();
	err = rmap_nl_init();
	if (err) {
		rmap_discover_exit();
		rmap_eth_exit();
		rmap_peers_exit();
		rmap_stats_exit();
		goto no_stats;
	}
	pr_info("RMAP version %d on EtherType 0x%04x, interfaces: %s\n",
		RMAP_VERSION, ethertype, ifaces[0] ? ifaces : "all Ethernet");
	return 0;
no_stats:
	rmap_auth_exit();
	return err;
}

static void __exit rmap_exit(void)
{
	rmap_nl_exit();
	rmap_discover_exit();
	rmap_eth_exit();
	rmap_peers_exit();
	rmap_stats_exit();
	rmap_auth_exit();
}

module_init(rmap_init);
module_exit(rmap_exit);
MODULE_DESCRIPTION("RMAP: remote memory access protocol on raw Ethernet");
MODULE_VERSION(MEMX_VERSION);
MODULE_LICENSE("GPL");
