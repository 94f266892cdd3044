/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-flow packet and byte counters: parse Ethernet / IPv4 / TCP or UDP and count each
 * 5-tuple in a BTF-defined hash map.
 *
 * Exercises: BTF maps (HASH, PERCPU_ARRAY), global data in .data, .rodata (a const
 * volatile knob set from Java) and .bss, a static subprogram (called through the .text
 * section symbol) and a global subprogram (called through its own symbol), and two
 * programs with the same code in different sections (tcx/ingress and tc/ingress).
 */
#include "bpfnet_common.h"

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
	__u64 last_seen_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

/* Count only every n-th packet per flow in the byte totals (1 = all); set before loading. */
const volatile __u32 sample_every = 1;

/* Bumped by every program run; read by the UI. */
__u64 seen_packets;

/* Packets that were not IPv4. */
__u64 non_ip_packets;

/* A non-zero initial value lands in .data. */
__u32 config_generation = 7;

/* Parses the IPv4 header and the L4 ports into key; returns 0 on success. */
static __attribute__((noinline)) int parse_ipv4(struct __sk_buff *skb, struct flow_key *key)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph;

	if ((void *)(eth + 1) > data_end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return -1;
	if (iph->ihl != 5)
		return -1;
	key->saddr = iph->saddr;
	key->daddr = iph->daddr;
	key->proto = iph->protocol;
	if (iph->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)(iph + 1);

		if ((void *)(tcp + 1) > data_end)
			return -1;
		key->sport = tcp->source;
		key->dport = tcp->dest;
	} else if (iph->protocol == IPPROTO_UDP) {
		struct udphdr *udp = (void *)(iph + 1);

		if ((void *)(udp + 1) > data_end)
			return -1;
		key->sport = udp->source;
		key->dport = udp->dest;
	}
	return 0;
}

/* Adds the packet to the per-CPU totals: slot 0 packets, slot 1 bytes. */
__attribute__((noinline)) int account(struct __sk_buff *skb)
{
	__u32 slot = 0;
	__u64 *v = bpf_map_lookup_elem(&totals, &slot);

	if (v)
		*v += 1;
	slot = 1;
	v = bpf_map_lookup_elem(&totals, &slot);
	if (v)
		*v += skb->len;
	return 0;
}

static __always_inline int count(struct __sk_buff *skb)
{
	struct flow_key key = {};
	struct flow_stats *stats;
	__u64 now = bpf_ktime_get_ns();

	__sync_fetch_and_add(&seen_packets, 1);
	account(skb);
	if (parse_ipv4(skb, &key) != 0) {
		__sync_fetch_and_add(&non_ip_packets, 1);
		return TCX_PASS;
	}
	stats = bpf_map_lookup_elem(&flows, &key);
	if (!stats) {
		struct flow_stats fresh = { .packets = 1, .bytes = skb->len, .last_seen_ns = now };

		bpf_map_update_elem(&flows, &key, &fresh, BPF_NOEXIST);
		return TCX_PASS;
	}
	stats->packets += 1;
	if (sample_every <= 1 || stats->packets % sample_every == 0)
		stats->bytes += skb->len;
	stats->last_seen_ns = now;
	return TCX_PASS;
}

SEC("tcx/ingress")
int count_flows(struct __sk_buff *skb)
{
	return count(skb);
}

SEC("tc/ingress")
int count_flows_tc(struct __sk_buff *skb)
{
	return count(skb);
}

char LICENSE[] SEC("license") = "GPL";
