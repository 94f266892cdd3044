// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c nk_verdicts.c -o nk_verdicts.o
// (written by hand outside the project, from the README and docs/ only: the new-user trial)
// netkit programs: verdict chosen by a rodata knob (0 PASS, 2 DROP, 7 REDIRECT, other values raw)
#include "common.h"
volatile const int verdict = NETKIT_PASS;
volatile const __u32 redirect_ifindex = 0;
volatile const __u32 redirect_flags = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __always_inline int decide(void)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&seen, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	if (verdict == NETKIT_REDIRECT)
		return bpf_redirect(redirect_ifindex, redirect_flags);
	return verdict;
}

SEC("netkit/primary")
int nk_primary(struct __sk_buff *skb) { return decide(); }

SEC("netkit/peer")
int nk_peer(struct __sk_buff *skb) { return decide(); }

char LICENSE[] SEC("license") = "GPL";
