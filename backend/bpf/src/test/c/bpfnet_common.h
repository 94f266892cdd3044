/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared definitions for the bpfnet-lab test programs.
 *
 * Debian bookworm ships the 6.1 uapi headers, which predate tcx (6.6) and netkit (6.7):
 * their return codes are defined here with the values of include/uapi/linux/bpf.h.
 */
#ifndef BPFNET_COMMON_H
#define BPFNET_COMMON_H

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

#define ETH_HLEN_ 14
#define IP_CSUM_OFF (ETH_HLEN_ + __builtin_offsetof(struct iphdr, check))
#define IP_SRC_OFF (ETH_HLEN_ + __builtin_offsetof(struct iphdr, saddr))
#define IP_DST_OFF (ETH_HLEN_ + __builtin_offsetof(struct iphdr, daddr))

#endif
