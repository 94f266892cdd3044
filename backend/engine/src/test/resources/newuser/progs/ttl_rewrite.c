// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c ttl_rewrite.c -o ttl_rewrite.o
// (written by hand outside the project, from the README and docs/ only: the new-user trial)
// tc program: decrement IPv4 TTL with bpf_l3_csum_replace, rewrite MACs, redirect to an ifindex
#include "common.h"
#include <stddef.h>
#include <linux/pkt_cls.h>
volatile const __u32 out_ifindex = 0;
volatile const __u8 new_dmac[6] = {0x02, 0, 0, 0, 0, 0x99};

#define IP_TTL_OFF (ETH_HLEN + offsetof(struct iphdr, ttl))
#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))

SEC("tc")
int ttl_rewrite(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (ip->ttl <= 1)
		return TC_ACT_SHOT;
	__u16 old = *(__u16 *)&ip->ttl;   /* ttl + protocol as one 16-bit word */
	__u8 ttl = ip->ttl - 1;
	__u16 new = old;
	((__u8 *)&new)[0] = ttl;
	bpf_skb_store_bytes(skb, IP_TTL_OFF, &ttl, 1, 0);
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old, new, 2);
	__u8 mac[6];
	for (int i = 0; i < 6; i++) mac[i] = new_dmac[i];
	bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_dest), mac, 6, 0);
	if (out_ifindex)
		return bpf_redirect(out_ifindex, 0);
	return TC_ACT_OK;
}
char LICENSE[] SEC("license") = "GPL";
