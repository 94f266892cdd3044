#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pkt_count SEC(".maps");

__u64 seen_packets = 0;
volatile __u32 cfg = 7;

static __attribute__((noinline)) int account(struct __sk_buff *skb, int x)
{
	__u32 key = skb->len & 3;
	__u64 *v = bpf_map_lookup_elem(&pkt_count, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	return x * 3 + (int)skb->mark;
}

SEC("tc")
int prog(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	seen_packets++;
	__sync_fetch_and_or(&seen_packets, 4);
	__u64 old = __sync_fetch_and_add(&seen_packets, 2);
	__u64 c = __sync_val_compare_and_swap(&seen_packets, old, 9);
	__u64 x = __sync_lock_test_and_set(&seen_packets, c);
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > data_end)
			return TC_ACT_SHOT;
		__u32 s = bpf_ntohl(ip->saddr);
		if ((int)s < -5)
			return account(skb, s) + cfg;
		if (s & 0x4)
			return 2;
	}
	__u32 q = skb->len;
	q = q / (skb->mark | 1);
	q = q % 7;
	int sq = (int)skb->protocol;
	sq >>= 3;
	return bpf_redirect(q + sq + (int)x, 0);
}
char _license[] SEC("license") = "GPL";
