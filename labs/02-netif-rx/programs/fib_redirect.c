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
	__u32 ifindex = lab_fib_rewrite(skb);

	if (!ifindex)
		goto pass;
	count(0);
	return bpf_redirect(ifindex, 0);
pass:
	count(1);
	return TCX_NEXT;
}

char LICENSE[] SEC("license") = "GPL";
