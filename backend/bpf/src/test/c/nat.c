/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Static NAT for one service address: on egress, packets to service_ip:service_port are
 * rewritten to a backend chosen from a BTF hash map; on ingress, replies from that
 * backend get the service address back as their source.
 *
 * Exercises the checksum helpers the kernel offers for this job: bpf_skb_pull_data (make
 * the headers linear), bpf_skb_load_bytes (read headers into the stack),
 * bpf_skb_store_bytes (write the new address), bpf_csum_diff (checksum delta of the
 * rewrite), bpf_l3_csum_replace and bpf_l4_csum_replace (with BPF_F_PSEUDO_HDR for TCP
 * and UDP, whose checksum covers the addresses).
 */
#include "bpfnet_common.h"

#define TCP_CSUM_OFF (ETH_HLEN_ + sizeof(struct iphdr) + __builtin_offsetof(struct tcphdr, check))
#define UDP_CSUM_OFF (ETH_HLEN_ + sizeof(struct iphdr) + __builtin_offsetof(struct udphdr, check))
#define L4_PORTS_OFF (ETH_HLEN_ + sizeof(struct iphdr))

/* The virtual service address and port, network byte order; set before loading. */
const volatile __be32 service_ip = __bpf_constant_htonl(0x0a600001);	/* 10.96.0.1 */
const volatile __be16 service_port = __bpf_constant_htons(80);

struct backend {
	__be32 addr;
	__be16 port;
	__u16 pad;
};

/* Backends by slot; the slot is the packet's source port modulo backend_count. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct backend);
} nat_backends SEC(".maps");

const volatile __u32 backend_count = 1;

__u64 rewritten;

struct l4_ports {
	__be16 source;
	__be16 dest;
};

struct rewrite_op {
	__u32 addr_off;
	__be32 old_addr;
	__be32 new_addr;
	__u32 port_off;
	__be16 old_port;
	__be16 new_port;
	__u8 proto;
};

/* Rewrites one address and port as op says, fixing the IPv4 and the TCP/UDP checksums. */
static __attribute__((noinline)) int rewrite(struct __sk_buff *skb, struct rewrite_op *op)
{
	__u32 l4_csum_off = op->proto == IPPROTO_TCP ? TCP_CSUM_OFF : UDP_CSUM_OFF;
	__s64 diff = bpf_csum_diff(&op->old_addr, sizeof(op->old_addr), &op->new_addr, sizeof(op->new_addr), 0);

	if (diff < 0)
		return -1;
	if (bpf_l4_csum_replace(skb, l4_csum_off, 0, diff, BPF_F_PSEUDO_HDR) < 0)
		return -1;
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, 0, diff, 0) < 0)
		return -1;
	if (bpf_skb_store_bytes(skb, op->addr_off, &op->new_addr, sizeof(op->new_addr), 0) < 0)
		return -1;
	if (op->old_port != op->new_port) {
		if (bpf_l4_csum_replace(skb, l4_csum_off, op->old_port, op->new_port, sizeof(op->new_port)) < 0)
			return -1;
		if (bpf_skb_store_bytes(skb, op->port_off, &op->new_port, sizeof(op->new_port), 0) < 0)
			return -1;
	}
	__sync_fetch_and_add(&rewritten, 1);
	return 0;
}

/* Reads the IPv4 header and the L4 ports; returns 0 for TCP or UDP without IP options. */
static __always_inline int load_headers(struct __sk_buff *skb, struct iphdr *iph, struct l4_ports *ports)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return -1;
	if (bpf_skb_pull_data(skb, ETH_HLEN_ + sizeof(*iph) + sizeof(*ports)) < 0)
		return -1;
	if (bpf_skb_load_bytes(skb, ETH_HLEN_, iph, sizeof(*iph)) < 0)
		return -1;
	if (iph->ihl != 5 || (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP))
		return -1;
	if (bpf_skb_load_bytes(skb, L4_PORTS_OFF, ports, sizeof(*ports)) < 0)
		return -1;
	return 0;
}

SEC("tc/egress")
int nat_egress(struct __sk_buff *skb)
{
	struct iphdr iph;
	struct l4_ports ports;
	struct backend *be;
	struct rewrite_op op = {};
	__u32 slot;

	if (load_headers(skb, &iph, &ports) != 0)
		return TC_ACT_OK;
	if (iph.daddr != service_ip || ports.dest != service_port)
		return TC_ACT_OK;
	slot = backend_count > 1 ? bpf_ntohs(ports.source) % backend_count : 0;
	be = bpf_map_lookup_elem(&nat_backends, &slot);
	if (!be)
		return TC_ACT_SHOT;
	op.addr_off = IP_DST_OFF;
	op.old_addr = iph.daddr;
	op.new_addr = be->addr;
	op.port_off = L4_PORTS_OFF + 2;
	op.old_port = ports.dest;
	op.new_port = be->port;
	op.proto = iph.protocol;
	if (rewrite(skb, &op))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

SEC("tc/ingress")
int nat_ingress(struct __sk_buff *skb)
{
	struct iphdr iph;
	struct l4_ports ports;
	struct backend *be;
	struct rewrite_op op = {};
	__u32 slot;

	if (load_headers(skb, &iph, &ports) != 0)
		return TC_ACT_OK;
	slot = backend_count > 1 ? bpf_ntohs(ports.dest) % backend_count : 0;
	be = bpf_map_lookup_elem(&nat_backends, &slot);
	if (!be || iph.saddr != be->addr || ports.source != be->port)
		return TC_ACT_OK;
	op.addr_off = IP_SRC_OFF;
	op.old_addr = iph.saddr;
	op.new_addr = service_ip;
	op.port_off = L4_PORTS_OFF;
	op.old_port = ports.source;
	op.new_port = service_port;
	op.proto = iph.protocol;
	if (rewrite(skb, &op))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
