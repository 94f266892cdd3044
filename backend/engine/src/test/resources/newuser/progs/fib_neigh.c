// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c fib_neigh.c -o fib_neigh.o
// (written by hand outside the project, from the README and docs/ only: the new-user trial)
// tc program: bpf_fib_lookup in the skb's netns, then bpf_redirect_neigh (or bpf_redirect on success)
#include "common.h"
#include <linux/pkt_cls.h>
#define AF_INET 2

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} fib_rc SEC(".maps");

SEC("tc")
int fib_redirect(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	struct bpf_fib_lookup p = {};
	p.family = AF_INET;
	p.tos = ip->tos;
	p.l4_protocol = ip->protocol;
	p.tot_len = bpf_ntohs(ip->tot_len);
	p.ipv4_src = ip->saddr;
	p.ipv4_dst = ip->daddr;
	p.ifindex = skb->ingress_ifindex;
	long rc = bpf_fib_lookup(skb, &p, sizeof(p), 0);
	__u32 k = rc < 0 ? 7 : (rc > 6 ? 6 : rc);
	__u64 *c = bpf_map_lookup_elem(&fib_rc, &k);
	if (c)
		__sync_fetch_and_add(c, 1);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		__builtin_memcpy(eth->h_dest, p.dmac, 6);
		__builtin_memcpy(eth->h_source, p.smac, 6);
		return bpf_redirect(p.ifindex, 0);
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return bpf_redirect_neigh(p.ifindex, 0, 0, 0);
	return TC_ACT_OK;
}
char LICENSE[] SEC("license") = "GPL";
