/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet event logger: sends one event per sampled packet to user space through a ring
 * buffer. log_events reserves space, fills it and submits it (or discards it when the
 * packet turns out to be uninteresting); log_events_copy builds the event on the stack
 * and copies it with bpf_ringbuf_output. Both programs live in the same "tc" section, so
 * the loader must split the section by function symbols.
 */
#include "bpfnet_common.h"

struct event {
	__u64 ts_ns;
	__u32 len;
	__u32 ifindex;
	__u32 cpu;
	__u32 mark;
	__u16 protocol;
	__u8 kind;
	__u8 pad[5];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* Log one packet in sample_one_in (1 = all); set before loading. */
const volatile __u32 sample_one_in = 1;

/* Events that did not fit in the ring buffer. */
__u64 lost_events;

static __always_inline int sampled(void)
{
	return sample_one_in <= 1 || bpf_get_prandom_u32() % sample_one_in == 0;
}

static __always_inline void fill(struct event *e, struct __sk_buff *skb, __u8 kind)
{
	e->ts_ns = bpf_ktime_get_ns();
	e->len = skb->len;
	e->ifindex = skb->ifindex;
	e->cpu = bpf_get_smp_processor_id();
	e->mark = skb->mark;
	e->protocol = bpf_ntohs(skb->protocol);
	e->kind = kind;
}

SEC("tc")
int log_events(struct __sk_buff *skb)
{
	struct event *e;

	if (!sampled())
		return TC_ACT_OK;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return TC_ACT_OK;
	}
	fill(e, skb, 1);
	if (e->len == 0) {
		/* nothing worth logging */
		bpf_ringbuf_discard(e, 0);
		return TC_ACT_OK;
	}
	bpf_ringbuf_submit(e, 0);
	return TC_ACT_OK;
}

SEC("tc")
int log_events_copy(struct __sk_buff *skb)
{
	struct event e = {};

	if (!sampled())
		return TC_ACT_OK;
	fill(&e, skb, 2);
	if (bpf_ringbuf_output(&events, &e, sizeof(e), 0) != 0) {
		__sync_fetch_and_add(&lost_events, 1);
		bpf_printk("ringbuf full, len=%u cpu=%u", e.len, e.cpu);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
