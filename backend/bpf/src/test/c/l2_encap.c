/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adds an Ethernet header to packets that arrive without one (an L3 device such as
 * netkit in L3 mode or an IP tunnel) so that an L2 program further on can parse them:
 * bpf_skb_change_head makes room, bpf_skb_store_bytes writes the header, and
 * bpf_skb_change_type marks the packet as addressed to this host.
 */
#include "bpfnet_common.h"

#ifndef PACKET_HOST
#define PACKET_HOST 0
#endif

/* Addresses of the synthesised header; set before loading. */
const volatile __u8 src_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
const volatile __u8 dst_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };

__u64 encapsulated;

SEC("classifier")
int add_eth_header(struct __sk_buff *skb)
{
	struct ethhdr eth;
	int i;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	/* volatile reads, one byte each: the values are set after compilation */
#pragma unroll
	for (i = 0; i < ETH_ALEN; i++) {
		eth.h_source[i] = src_mac[i];
		eth.h_dest[i] = dst_mac[i];
	}
	eth.h_proto = bpf_htons(ETH_P_IP);
	if (bpf_skb_change_head(skb, sizeof(eth), 0) != 0)
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0) != 0)
		return TC_ACT_SHOT;
	if (bpf_skb_change_type(skb, PACKET_HOST) != 0)
		return TC_ACT_SHOT;
	__sync_fetch_and_add(&encapsulated, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
