// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -mcpu=v3 -c count_redirect.c -o count_redirect_v3.o (also)
// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c count_redirect.c -o count_redirect.o
// (written by hand outside the project, from the README and docs/ only: the new-user trial)
// tc program: counts packets per IPv4 destination in a hash map and redirects to a target ifindex
#include "common.h"
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} pkt_count SEC(".maps");

volatile const __u32 target_ifindex = 0;

SEC("tcx/ingress")
int count_and_redirect(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return TCX_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TCX_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TCX_PASS;
	__u32 key = ip->daddr;
	__u64 one = 1, *v = bpf_map_lookup_elem(&pkt_count, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&pkt_count, &key, &one, BPF_ANY);
	if (target_ifindex == 0)
		return TCX_NEXT;
	return bpf_redirect(target_ifindex, 0);
}
char LICENSE[] SEC("license") = "GPL";
