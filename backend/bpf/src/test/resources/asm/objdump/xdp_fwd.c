#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} tx_port SEC(".maps");

static __attribute__((noinline)) __u64 mix(__u64 a, __u64 b)
{
	a ^= b << 13;
	a *= 0x9e3779b97f4a7c15ULL;
	a -= b >> 7;
	return a % 1000003 + (a / 7);
}

SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	__u64 h = 0;
	#pragma unroll
	for (int i = 0; i < 6; i++)
		h = mix(h, eth->h_dest[i]);
	__u16 p = bpf_ntohs(eth->h_proto);
	if (p <= 0x5dc)
		return XDP_PASS;
	eth->h_proto = bpf_htons(p + 1);
	__u64 t = bpf_ktime_get_ns();
	if (t & 1)
		return bpf_redirect_map(&tx_port, (__u32)(h & 7), 0);
	__u32 v = (__u32)h;
	v = -v;
	return (int)(v >> 31) ? XDP_TX : XDP_ABORTED;
}
char _license[] SEC("license") = "GPL";
