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
	__u32 ifindex = lab_fib_rewrite(skb);

	if (!ifindex)
		goto pass;
	count(0);
	if (use_peer)
		return bpf_redirect_peer(ifindex, 0);
	return bpf_redirect(ifindex, 0);
pass:
	count(1);
	return TCX_NEXT;
}

char LICENSE[] SEC("license") = "GPL";
