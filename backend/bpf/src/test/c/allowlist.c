/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Egress allow-list with a default drop: a packet leaves only when its (destination
 * address, protocol, destination port) is in the BTF hash map `allowed` and the entry has
 * not expired; expired entries are deleted on first use. Dropped packets are counted per
 * reason.
 *
 * The same policy runs as a tcx/egress program (TCX_PASS / TCX_DROP) and as a legacy
 * classifier (TC_ACT_OK / TC_ACT_SHOT). Built twice: with -g, and without -g to check
 * that the loader refuses BTF maps without BTF.
 */
#include "bpfnet_common.h"

struct allow_key {
	__be32 daddr;
	__be16 dport;
	__u8 proto;
	__u8 pad;
};

struct allow_entry {
	__u64 expires_ns;	/* 0 = never */
	__u64 hits;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct allow_key);
	__type(value, struct allow_entry);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} allowed SEC(".maps");

enum drop_reason {
	DROP_NOT_IPV4,
	DROP_MALFORMED,
	DROP_NOT_ALLOWED,
	DROP_EXPIRED,
	DROP_REASONS,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DROP_REASONS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Allow non-IPv4 traffic (ARP, IPv6) when non-zero; set before loading. */
const volatile __u8 allow_non_ip = 1;

static __always_inline int drop(__u32 reason)
{
	__u64 *count = bpf_map_lookup_elem(&drops, &reason);

	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

/* Returns 1 when the packet may pass. */
static __attribute__((noinline)) int policy(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct allow_key key = {};
	struct allow_entry *entry;

	if ((void *)(eth + 1) > data_end)
		return drop(DROP_MALFORMED);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return allow_non_ip ? 1 : drop(DROP_NOT_IPV4);
	if ((void *)(iph + 1) > data_end || iph->ihl != 5)
		return drop(DROP_MALFORMED);
	key.daddr = iph->daddr;
	key.proto = iph->protocol;
	if (iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) {
		/* the destination port is at the same offset in TCP and UDP */
		struct udphdr *l4 = (void *)(iph + 1);

		if ((void *)(l4 + 1) > data_end)
			return drop(DROP_MALFORMED);
		key.dport = l4->dest;
	}
	entry = bpf_map_lookup_elem(&allowed, &key);
	if (!entry)
		return drop(DROP_NOT_ALLOWED);
	if (entry->expires_ns && entry->expires_ns < bpf_ktime_get_ns()) {
		bpf_map_delete_elem(&allowed, &key);
		return drop(DROP_EXPIRED);
	}
	__sync_fetch_and_add(&entry->hits, 1);
	return 1;
}

SEC("tcx/egress")
int allowlist(struct __sk_buff *skb)
{
	return policy(skb) ? TCX_PASS : TCX_DROP;
}

SEC("classifier")
int allowlist_cls(struct __sk_buff *skb)
{
	return policy(skb) ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
