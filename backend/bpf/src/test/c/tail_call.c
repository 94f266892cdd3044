/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A dispatcher that tail-calls a per-protocol stage through a PROG_ARRAY whose slots are
 * filled at load time from the map definition (libbpf's `.values = { [i] = &prog }`), and
 * a legacy tc action that marks packets.
 */
#include "bpfnet_common.h"

#define STAGE_IPV4 0
#define STAGE_OTHER 1

int stage_ipv4(struct __sk_buff *skb);
int stage_other(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct __sk_buff *));
} jmp_table SEC(".maps") = {
	.values = {
		[STAGE_IPV4] = (void *)&stage_ipv4,
		[STAGE_OTHER] = (void *)&stage_other,
	},
};

/* Packets that fell through because the slot was empty. */
__u64 missed_tail_calls;

/* The mark set by the ipv4 stage; set before loading. */
const volatile __u32 ipv4_mark = 0x4;

SEC("tc")
int dispatch(struct __sk_buff *skb)
{
	__u32 stage = skb->protocol == bpf_htons(ETH_P_IP) ? STAGE_IPV4 : STAGE_OTHER;

	bpf_tail_call(skb, &jmp_table, stage);
	__sync_fetch_and_add(&missed_tail_calls, 1);
	return TC_ACT_OK;
}

SEC("tc")
int stage_ipv4(struct __sk_buff *skb)
{
	skb->mark = ipv4_mark;
	return TC_ACT_OK;
}

SEC("tc")
int stage_other(struct __sk_buff *skb)
{
	skb->mark = 0;
	return TC_ACT_UNSPEC;
}

SEC("action")
int mark_action(struct __sk_buff *skb)
{
	skb->mark |= 0x100;
	return TC_ACT_PIPE;
}

char LICENSE[] SEC("license") = "GPL";
