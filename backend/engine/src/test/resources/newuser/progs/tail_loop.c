// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c tail_loop.c -o tail_loop.o
// (written by hand outside the project, from the README and docs/ only: the new-user trial)
// a program that tail-calls itself forever (its prog array is initialised with itself):
// the kernel stops the chain after MAX_TAIL_CALL_CNT (33) tail calls
#include "common.h"
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

int again(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__array(values, int (struct __sk_buff *));
} jmp SEC(".maps") = { .values = { [0] = (void *)&again } };

SEC("tcx/ingress")
int again(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *c = bpf_map_lookup_elem(&calls, &k);
	if (c)
		__sync_fetch_and_add(c, 1);
	bpf_tail_call(skb, &jmp, 0);
	return TCX_NEXT;
}
char LICENSE[] SEC("license") = "GPL";
