/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bpfnet/netkit fast path of a pod: traffic leaving the pod is routed with
 * bpf_fib_lookup and sent straight to the host NIC (bpf_redirect with rewritten MACs, or
 * bpf_redirect_neigh when the neighbour is not resolved yet), falling back to the NIC
 * ifindex configured in .rodata; traffic arriving on the NIC for the pod enters the
 * pod's namespace with bpf_redirect_peer, skipping the host stack and the backlog queue.
 */
#include "bpfnet_common.h"

#ifndef AF_INET
#define AF_INET 2
#endif

/* Host NIC used when the FIB has no answer; set before loading. */
const volatile __u32 nic_ifindex = 2;

/* The netkit primary device of the pod, target of bpf_redirect_peer; set before loading. */
const volatile __u32 pod_ifindex = 3;

/* The pod's address, network byte order. */
const volatile __be32 pod_ip = 0;

/* Per-verdict counters: 0 fib redirect, 1 neigh redirect, 2 fallback, 3 peer redirect, 4 passed. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&verdicts, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

/*
 * netkit runs the PEER program when the pod transmits (pod -> host), in the pod's own
 * context, and the PRIMARY program when the host transmits into the pod (datapath.md 1.2).
 */
SEC("netkit/peer")
int pod_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct bpf_fib_lookup fib = {};
	long rc;

	if ((void *)(iph + 1) > data_end)
		return NETKIT_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return NETKIT_PASS;
	fib.family = AF_INET;
	fib.tos = iph->tos;
	fib.l4_protocol = iph->protocol;
	fib.tot_len = bpf_ntohs(iph->tot_len);
	fib.ipv4_src = iph->saddr;
	fib.ipv4_dst = iph->daddr;
	fib.ifindex = skb->ingress_ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
		bump(0);
		return bpf_redirect(fib.ifindex, 0);
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		struct bpf_redir_neigh nh = { .nh_family = AF_INET, .ipv4_nh = fib.ipv4_dst };

		bump(1);
		return bpf_redirect_neigh(fib.ifindex, &nh, sizeof(nh), 0);
	}
	bump(2);
	return bpf_redirect_neigh(nic_ifindex, 0, 0, 0);
}

SEC("netkit/primary")
int pod_ingress(struct __sk_buff *skb)
{
	/* The primary program sees traffic the host sends into the pod: let it through, counted. */
	bump(4);
	return NETKIT_PASS;
}

SEC("tcx/ingress")
int nic_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end)
		return TCX_NEXT;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->daddr != pod_ip)
		return TCX_NEXT;
	bump(3);
	return bpf_redirect_peer(pod_ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
