/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lab 3: steer traffic for a pod at tcx ingress of the host NIC, in one of two ways:
 *
 *   use_peer = 0: bpf_redirect(pod_ifindex, 0), the packet is transmitted on the host end
 *                 of the pod's device pair (netkit_xmit), which hands it to the pod's end
 *                 through __netif_rx and the per-CPU backlog;
 *   use_peer = 1: bpf_redirect_peer(pod_ifindex, 0), the packet switches to the pod's end
 *                 and namespace and the receive path starts over in the same softirq
 *                 (skb_do_redirect: another round of __netif_receive_skb_core, no backlog).
 */
#include "../../include/bpfnet_lab.h"

/* The host end of the pod's pair (the bpfnet primary); set before loading. */
const volatile __u32 pod_ifindex = 0;

/* The pod's IPv4 address in host byte order (10.244.1.10 = 0x0af4010a). */
const volatile __u32 pod_ip = 0;

/* 1: bpf_redirect_peer, 0: bpf_redirect. */
const volatile __u32 use_peer = 0;

/* Packets steered to the pod (0) and left to the host stack (1). */
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

	if (!iph || iph->daddr != bpf_htonl(pod_ip)) {
		count(1);
		return TCX_NEXT;
	}
	count(0);
	if (use_peer)
		return bpf_redirect_peer(pod_ifindex, 0);
	return bpf_redirect(pod_ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
