/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lab 1: send what the pod transmits straight to the host NIC.
 *
 * The same routing code runs at two hooks: as the bpfnet (netkit) PEER program, inside the
 * pod's own transmit (netkit_xmit), and as a tcx INGRESS program on the host end of a veth
 * pair, after the packet went through the per-CPU backlog. It asks the FIB of the host
 * namespace for the next hop, rewrites the MACs and redirects to the egress device.
 */
#include "../../include/bpfnet_lab.h"

/* Host NIC used when the FIB has no answer; set before loading ("ifindex:node/ns/dev"). */
const volatile __u32 nic_ifindex = 0;

/* Packets redirected by the FIB answer (0) and by the fallback (1). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} redirected SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&redirected, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

/* Returns a redirect verdict, or -1 to let the packet continue. */
static __always_inline int route_to_nic(struct __sk_buff *skb)
{
	struct iphdr *iph = lab_ipv4(skb);
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth;
	long rc;

	if (!iph)
		return -1;
	fib.family = AF_INET;
	fib.tos = iph->tos;
	fib.l4_protocol = iph->protocol;
	fib.tot_len = bpf_ntohs(iph->tot_len);
	fib.ipv4_src = iph->saddr;
	fib.ipv4_dst = iph->daddr;
	fib.ifindex = skb->ingress_ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		/* lab_ipv4 checked the bounds of the Ethernet header */
		eth = (void *)(long)skb->data;
		if ((void *)(eth + 1) > (void *)(long)skb->data_end)
			return -1;
		__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
		count(0);
		return bpf_redirect(fib.ifindex, 0);
	}
	count(1);
	return bpf_redirect_neigh(nic_ifindex, 0, 0, 0);
}

SEC("netkit/peer")
int pod_egress(struct __sk_buff *skb)
{
	int rc = route_to_nic(skb);

	return rc < 0 ? NETKIT_PASS : rc;
}

SEC("tcx/ingress")
int host_ingress(struct __sk_buff *skb)
{
	int rc = route_to_nic(skb);

	return rc < 0 ? TCX_NEXT : rc;
}

char LICENSE[] SEC("license") = "GPL";
