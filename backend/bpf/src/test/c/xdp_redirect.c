/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XDP port forwarding: each packet is sent out of the device that tx_ports holds for the
 * ingress ifindex (bpf_redirect_map on a DEVMAP), or passed to the stack when there is
 * none. Counts packets per verdict in a per-CPU array.
 */
#include "bpfnet_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} xdp_stats SEC(".maps");

SEC("xdp")
int xdp_forward(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 verdict;
	__u64 *count;

	if ((void *)(eth + 1) > data_end) {
		verdict = XDP_DROP;
	} else {
		verdict = bpf_redirect_map(&tx_ports, ctx->ingress_ifindex, XDP_PASS);
	}
	count = bpf_map_lookup_elem(&xdp_stats, &verdict);
	if (count)
		*count += 1;
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
