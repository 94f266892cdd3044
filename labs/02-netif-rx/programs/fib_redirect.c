/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lab 2: forward between two pods of a node without the host's IP layer. At tcx ingress of
 * the host end of pod A's veth, ask the host FIB for the next hop of the destination,
 * rewrite the MACs and bpf_redirect to the host end of pod B's veth (its egress). Packets
 * the FIB cannot place continue up the host stack (TCX_NEXT).
 */
#include "../../include/bpfnet_lab.h"

/* Packets redirected (0) and passed on (1). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tcx/ingress")
int pod_to_pod(struct __sk_buff *skb)
{
	struct iphdr *iph = lab_ipv4(skb);
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth;

	if (!iph)
		goto pass;
	fib.family = AF_INET;
	fib.tos = iph->tos;
	fib.l4_protocol = iph->protocol;
	fib.tot_len = bpf_ntohs(iph->tot_len);
	fib.ipv4_src = iph->saddr;
	fib.ipv4_dst = iph->daddr;
	fib.ifindex = skb->ingress_ifindex;
	if (bpf_fib_lookup(skb, &fib, sizeof(fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		goto pass;
	eth = (void *)(long)skb->data;
	if ((void *)(eth + 1) > (void *)(long)skb->data_end)
		goto pass;
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	count(0);
	return bpf_redirect(fib.ifindex, 0);
pass:
	count(1);
	return TCX_NEXT;
}

char LICENSE[] SEC("license") = "GPL";
