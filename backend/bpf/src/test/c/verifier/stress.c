// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier test corpus: clang output for the patterns the verifier must follow (packet
 * ranges through a variable IP header length, a bounded packet loop, null checks on a
 * copy, a bpf-to-bpf call, ringbuf reserve/submit behind a .rodata switch, helpers that
 * change packet data). The BUG_* macros each break one rule.
 *
 * Rebuild (src/test/resources/verifier/objects, see CompiledVerdictsTest):
 *   for cpu in v1 v3; do clang -target bpf -mcpu=$cpu -O2 -g -I/usr/include/x86_64-linux-gnu \
 *       -DCFG_MODE=2 -c stress.c -o stress_$cpu.o; done
 *   clang ... -mcpu=v3 -DBUG_NO_UDP_CHECK -c stress.c -o bug_no_udp_check.o
 *   clang ... -mcpu=v3 -DBUG_NO_NULL_CHECK -c stress.c -o bug_no_null_check.o
 *   clang ... -mcpu=v3 -DCFG_MODE=2 -DBUG_NO_SUBMIT -c stress.c -o bug_no_submit.o
 *   clang ... -mcpu=v3 -DBUG_NO_SUBMIT -c stress.c -o rodata_prunes_no_submit.o
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u16);
	__type(value, __u32);
} ports SEC(".maps");

#ifndef CFG_MODE
#define CFG_MODE 1
#endif

const volatile __u32 cfg_mode = CFG_MODE;

struct event { __u32 saddr; __u16 sport, dport; __u8 buf[16]; };

static __noinline int bump(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);
	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return 1;
}

SEC("tc")
int parse_udp(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	__u32 ihl = ip->ihl * 4;
	if (ihl < sizeof(*ip))
		return TC_ACT_SHOT;
	struct udphdr *udp = (void *)ip + ihl;
#ifndef BUG_NO_UDP_CHECK
	if ((void *)(udp + 1) > data_end)
		return TC_ACT_OK;
#endif
	if (ip->protocol != IPPROTO_UDP)
		return TC_ACT_OK;
	__u16 dport = bpf_ntohs(udp->dest);
	__u32 *verdict = bpf_map_lookup_elem(&ports, &dport);
	bump(verdict ? 1 : 2);
	if (cfg_mode == 2) {
		struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (e) {
			e->saddr = ip->saddr;
			e->sport = udp->source;
			e->dport = udp->dest;
			__builtin_memset(e->buf, 0, sizeof(e->buf));
#ifndef BUG_NO_SUBMIT
			bpf_ringbuf_submit(e, 0);
#endif
		}
	}
	__u8 *p = data;
	__u32 sum = 0;
	for (int i = 0; i < 32; i++) {
		if ((void *)(p + i + 1) > data_end)
			break;
		sum += p[i];
	}
	skb->mark = sum;
#ifdef BUG_NO_NULL_CHECK
	return *verdict;
#else
	return verdict ? *verdict : TC_ACT_OK;
#endif
}

SEC("tc")
int rewrite(struct __sk_buff *skb)
{
	__u8 mac[6] = {1, 2, 3, 4, 5, 6};
	if (bpf_skb_store_bytes(skb, 0, mac, sizeof(mac), 0))
		return TC_ACT_SHOT;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	if (data + 14 > data_end)
		return TC_ACT_SHOT;
	__u8 buf[8];
	if (bpf_skb_load_bytes(skb, 6, buf, sizeof(buf)) < 0)
		return TC_ACT_SHOT;
	skb->cb[0] = buf[0];
	return bpf_redirect(skb->ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
