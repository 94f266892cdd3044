#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __s64);
} counts SEC(".maps");

SEC("socket")
int filter(struct __sk_buff *skb)
{
	if (load_half(skb, 12) != 0x0800)
		return 0;
	__u32 ihl = (load_byte(skb, 14) & 0xf) << 2;
	__u32 proto = load_byte(skb, 23);
	__u32 dport = load_half(skb, 14 + ihl + 2);
	__u32 key = proto;
	__s64 *v = bpf_map_lookup_elem(&counts, &key);
	if (!v) {
		__s64 one = 1;
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	} else {
		__sync_fetch_and_add(v, (__s64)load_word(skb, 26));
	}
	long long s = (long long)dport;
	if (s < 1024 && s >= -3)
		return -1;
	return (int)(dport >> 3) ^ (int)proto;
}
char _license[] SEC("license") = "GPL";
