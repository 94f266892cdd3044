/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared definitions for the lab programs (the .c files under labs/NN-slug/programs).
 *
 * Debian bookworm ships the 6.1 uapi headers, older than tcx (6.6) and netkit (6.7): their
 * return codes are defined here with the values of include/uapi/linux/bpf.h.
 */
#ifndef BPFNET_LAB_H
#define BPFNET_LAB_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef TCX_NEXT
#define TCX_NEXT -1
#define TCX_PASS 0
#define TCX_DROP 2
#define TCX_REDIRECT 7
#endif

#ifndef NETKIT_NEXT
#define NETKIT_NEXT -1
#define NETKIT_PASS 0
#define NETKIT_DROP 2
#define NETKIT_REDIRECT 7
#endif

#ifndef AF_INET
#define AF_INET 2
#endif

/* The IPv4 header of an Ethernet frame, or NULL when the frame is not IPv4 or too short. */
static __always_inline struct iphdr *lab_ipv4(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	return iph;
}

/*
 * bpf_fib_lookup for an IPv4 frame as it arrived on skb->ingress_ifindex; on success the
 * Ethernet addresses are rewritten to the next hop's and the egress ifindex is returned,
 * otherwise 0 (not IPv4, no route or neighbour, or a frame too short).
 */
static __always_inline __u32 lab_fib_rewrite(struct __sk_buff *skb)
{
	struct iphdr *iph = lab_ipv4(skb);
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth;

	if (!iph)
		return 0;
	fib.family = AF_INET;
	fib.tos = iph->tos;
	fib.l4_protocol = iph->protocol;
	fib.tot_len = bpf_ntohs(iph->tot_len);
	fib.ipv4_src = iph->saddr;
	fib.ipv4_dst = iph->daddr;
	fib.ifindex = skb->ingress_ifindex;
	if (bpf_fib_lookup(skb, &fib, sizeof(fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return 0;
	eth = (void *)(long)skb->data;
	if ((void *)(eth + 1) > (void *)(long)skb->data_end)
		return 0;
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	return fib.ifindex;
}

#endif
