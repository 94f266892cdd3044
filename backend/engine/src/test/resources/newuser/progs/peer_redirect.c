// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c peer_redirect.c -o peer_redirect.o
// (written by hand outside the project, from the README and docs/ only: the new-user trial)
// tc ingress on a NIC: bpf_redirect_peer into a pod when the destination is in 10.1.0.0/16
#include "common.h"
#include <linux/pkt_cls.h>
volatile const __u32 pod_host_ifindex = 0;

SEC("tcx/ingress")
int to_pod(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TCX_NEXT;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TCX_NEXT;
	if ((bpf_ntohl(ip->daddr) & 0xffff0000) != 0x0a010000)
		return TCX_NEXT;
	return bpf_redirect_peer(pod_host_ifindex, 0);
}
char LICENSE[] SEC("license") = "GPL";
