/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lab 5: an egress allow-list for a pod, run as the bpfnet (netkit) PEER program, i.e. in
 * the pod's own transmit. A UDP or TCP packet passes (NETKIT_PASS) when its destination
 * (address, port) is one of up to four entries set as .rodata before loading; everything
 * else is dropped (NETKIT_DROP) and counted. An unused entry has address 0.
 *
 * Note that NETKIT_NEXT would not drop: when the last program returns NEXT, netkit_xmit
 * treats it like PASS. The device's peer_policy only decides while no program is attached.
 */
#include "../../include/bpfnet_lab.h"

/* Allowed destinations: IPv4 address in host byte order (10.0.0.1 = 0x0a000001) and port. */
const volatile __u32 allow0_addr = 0;
const volatile __u32 allow0_port = 0;
const volatile __u32 allow1_addr = 0;
const volatile __u32 allow1_port = 0;
const volatile __u32 allow2_addr = 0;
const volatile __u32 allow2_port = 0;
const volatile __u32 allow3_addr = 0;
const volatile __u32 allow3_port = 0;

/* Packets passed (0), dropped as not allowed (1), dropped as not UDP/TCP over IPv4 (2). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

static __always_inline int verdict(__u32 slot, int code)
{
	__u64 *v = bpf_map_lookup_elem(&verdicts, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
	return code;
}

static __always_inline int match(__u32 addr, __u32 port, __u32 daddr, __u16 dport)
{
	return addr != 0 && addr == daddr && port == dport;
}

SEC("netkit/peer")
int pod_allowlist(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *iph = lab_ipv4(skb);
	struct udphdr *l4;
	__u32 daddr;
	__u16 dport;

	if (!iph || iph->ihl != 5 || (iph->protocol != IPPROTO_UDP && iph->protocol != IPPROTO_TCP))
		return verdict(2, NETKIT_DROP);
	/* the destination port is at the same offset in UDP and TCP */
	l4 = (void *)(iph + 1);
	if ((void *)(l4 + 1) > data_end)
		return verdict(2, NETKIT_DROP);
	daddr = bpf_ntohl(iph->daddr);
	dport = bpf_ntohs(l4->dest);
	if (match(allow0_addr, allow0_port, daddr, dport) || match(allow1_addr, allow1_port, daddr, dport) ||
	    match(allow2_addr, allow2_port, daddr, dport) || match(allow3_addr, allow3_port, daddr, dport))
		return verdict(0, NETKIT_PASS);
	return verdict(1, NETKIT_DROP);
}

char LICENSE[] SEC("license") = "GPL";
