/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Protocol counters declared the pre-BTF way, with struct bpf_map_def in the "maps"
 * section (libbpf 1.0 dropped this; uBPF and ebpf-for-windows still read it). Built with
 * and without -g: both must load, since legacy maps need no BTF.
 */
#include "bpfnet_common.h"

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") proto_count = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 256,
};

struct bpf_map_def SEC("maps") mark_by_ifindex = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 128,
	.map_flags = 1, /* BPF_F_NO_PREALLOC */
};

SEC("classifier")
int count_protocols(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *iph = data + sizeof(struct ethhdr);
	__u32 ifindex = skb->ifindex;
	__u32 proto;
	__u64 *count;
	__u32 *mark;

	if ((void *)(iph + 1) > data_end || skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	proto = iph->protocol;
	count = bpf_map_lookup_elem(&proto_count, &proto);
	if (count)
		__sync_fetch_and_add(count, 1);
	mark = bpf_map_lookup_elem(&mark_by_ifindex, &ifindex);
	if (mark)
		skb->mark = *mark;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
__u32 _version SEC("version") = 0x060100;
