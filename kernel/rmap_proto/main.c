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
MODULE_PARM_DESC(ifaces, "Comma-separated interfaces to use (default: every Ethernet interface)");

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

static int __init rmap_init(void)
{
	int err;

	if (!rmap_ethertype_valid(ethertype))
		return -EINVAL;
	if (!rmap_eth_ifaces_valid(ifaces))
		return -EINVAL;
	err = rmap_stats_init();
	if (err)
		return err;
	err = rmap_eth_init(ethertype, ifaces);
	if (err) {
		rmap_stats_exit();
		return err;
	}
	pr_info("RMAP version %d on EtherType 0x%04x, interfaces: %s\n",
		RMAP_VERSION, ethertype, ifaces[0] ? ifaces : "all Ethernet");
	return 0;
}

static void __exit rmap_exit(void)
{
	rmap_eth_exit();
	rmap_stats_exit();
}

module_init(rmap_init);
module_exit(rmap_exit);
MODULE_DESCRIPTION("RMAP: remote memory access protocol on raw Ethernet");
MODULE_LICENSE("GPL");
