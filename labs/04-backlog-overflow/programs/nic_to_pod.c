/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lab 4: at tcx ingress of the host NIC, send traffic for a pod to the host end of its veth,
 * found in the host FIB (bpf_fib_lookup, MACs rewritten):
 *
 *   use_peer = 0: bpf_redirect(ifindex, 0): veth_xmit hands the packet to the pod's end
 *                 through __netif_rx, i.e. the per-CPU backlog of the NIC's CPU;
 *   use_peer = 1: bpf_redirect_peer(ifindex, 0): the packet switches to the pod's end and is
 *                 received in the same softirq, without the backlog.
 */
#include "../../include/bpfnet_lab.h"

/* 1: bpf_redirect_peer, 0: bpf_redirect. */
const volatile __u32 use_peer = 0;

/* Packets steered (0) and left to the host stack (1). */
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
int nic_to_pod(struct __sk_buff *skb)
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
	if (use_peer)
		return bpf_redirect_peer(fib.ifindex, 0);
	return bpf_redirect(fib.ifindex, 0);
pass:
	count(1);
	return TCX_NEXT;
}

char LICENSE[] SEC("license") = "GPL";
