// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c bad_verifier.c -o bad_verifier.o
// (written by hand outside the project, from the README and docs/ only: the new-user trial)
// reads the packet without a bounds check: the verifier must reject it
#include "common.h"
SEC("tcx/ingress")
int no_bounds(struct __sk_buff *skb)
{
	struct ethhdr *eth = (void *)(long)skb->data;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return TCX_DROP;
	return TCX_NEXT;
}
char LICENSE[] SEC("license") = "GPL";
