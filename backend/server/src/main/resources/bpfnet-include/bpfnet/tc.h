/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfnet-lab: the one header an uploaded tc/netkit program needs. Compiled in the server's
 * clang sandbox with -nostdinc; the include path holds only this directory, the libbpf
 * headers (<bpf/...>) and the kernel uapi headers (<linux/...>, <asm/...>, <asm-generic/...>).
 *
 * The uapi headers of Debian bookworm are 6.1, older than tcx (6.6) and netkit (6.7): their
 * return codes are defined here with the values of include/uapi/linux/bpf.h.
 */
#ifndef BPFNET_TC_H
#define BPFNET_TC_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef TCX_NEXT
#define TCX_NEXT -1
#define TCX_PASS 0
#define TCX_DROP 2
#define TCX_REDIRECT 7
#endif

#ifndef NETKIT_NEXT
#define NETKIT_NEXT -1
#define NETKIT_PASS 0
#define NETKIT_DROP 2
#define NETKIT_REDIRECT 7
#endif

#ifndef AF_INET
#define AF_INET 2
#endif

/*
 * The IPv4 header of an Ethernet frame, or 0 when the frame is not IPv4 or too short: the
 * helper the lab programs use (labs/include/bpfnet_lab.h), so that a lab program uploads
 * with its include line changed to <bpfnet/tc.h>.
 */
static __always_inline struct iphdr *lab_ipv4(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	return iph;
}

#endif
