package dev.bpfnet.engine.packet;

/**
 * The 5-tuple of an IPv4 or IPv6 packet, read with plain byte reads (no Pcap4J) so the
 * engine can key per-flow latency on the hot path. Addresses are stored as numbers: IPv4
 * in the low 32 bits of {@code srcLo}/{@code dstLo}, IPv6 as two 64-bit halves.
 *
 * <p>
 * Ports: UDP and TCP ports; for ICMP echo (v4 types 8/0, v6 types 128/129) the echo
 * identifier is the source port and the destination port is 0, as conntrack keys ICMP on
 * the id; other ICMP messages, non-first fragments and other protocols have both ports 0.
 * IPv6 extension headers (hop-by-hop, routing, fragment, destination options, AH) are
 * walked to the upper-layer header. Truncated headers yield {@code null}, never an
 * exception.
 *
 * @param version 4 or 6
 * @param protocol the upper-layer protocol number
 * @param srcHi upper 64 bits of an IPv6 source, 0 for IPv4
 * @param srcLo lower 64 bits of an IPv6 source, or the IPv4 source
 * @param dstHi upper 64 bits of an IPv6 destination, 0 for IPv4
 * @param dstLo lower 64 bits of an IPv6 destination, or the IPv4 destination
 * @param srcPort source port (or ICMP echo id), 0..65535
 * @param dstPort destination port, 0..65535
 */
public record FlowKey(int version, int protocol, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort,
		int dstPort) {

	/**
	 * The key of the IP packet starting at {@code l3Offset}, or {@code null} when the
	 * bytes there are not a complete IPv4/IPv6 header (and, for UDP/TCP/ICMP, the first 4
	 * or 8 bytes of the transport header).
	 */
	public static FlowKey of(byte[] frame, int l3Offset) {
		if (l3Offset < 0 || l3Offset >= frame.length) {
			return null;
		}
		int version = (frame[l3Offset] & 0xFF) >>> 4;
		if (version == 4) {
			int ihl = (frame[l3Offset] & 0x0F) * 4;
			if (ihl < 20 || l3Offset + ihl > frame.length) {
				return null;
			}
			int protocol = frame[l3Offset + 9] & 0xFF;
			long src = u32(frame, l3Offset + 12);
			long dst = u32(frame, l3Offset + 16);
			boolean laterFragment = (Checksums.u16(frame, l3Offset + 6) & 0x1FFF) != 0;
			return withPorts(frame, 4, protocol, 0, src, 0, dst, laterFragment ? -1 : l3Offset + ihl);
		}
		if (version == 6) {
			if (l3Offset + 40 > frame.length) {
				return null;
			}
			int next = frame[l3Offset + 6] & 0xFF;
			int at = l3Offset + 40;
			boolean laterFragment = false;
			while (next == 0 || next == 43 || next == 44 || next == 60 || next == 51) {
				if (at + 8 > frame.length) {
					return null;
				}
				int len;
				if (next == 44) {
					laterFragment = (Checksums.u16(frame, at + 2) & 0xFFF8) != 0;
					len = 8;
				}
				else if (next == 51) {
					len = ((frame[at + 1] & 0xFF) + 2) * 4;
				}
				else {
					len = ((frame[at + 1] & 0xFF) + 1) * 8;
				}
				next = frame[at] & 0xFF;
				at += len;
			}
			return withPorts(frame, 6, next, u64(frame, l3Offset + 8), u64(frame, l3Offset + 16),
					u64(frame, l3Offset + 24), u64(frame, l3Offset + 32), laterFragment ? -1 : at);
		}
		return null;
	}

	/**
	 * Where the IP header starts in a frame of the given link type, skipping 802.1Q and
	 * 802.1ad tags; -1 when the frame does not carry IPv4 or IPv6 (ARP) or is too short.
	 */
	public static int l3Offset(byte[] frame, LinkType linkType) {
		if (linkType == LinkType.RAW_IP) {
			return frame.length > 0 ? 0 : -1;
		}
		int at = 12;
		while (at + 2 <= frame.length) {
			int type = Checksums.u16(frame, at);
			if (type == 0x8100 || type == 0x88A8) {
				at += 4;
			}
			else {
				return (type == PacketSpec.ETHERTYPE_IPV4 || type == PacketSpec.ETHERTYPE_IPV6) ? at + 2 : -1;
			}
		}
		return -1;
	}

	private static FlowKey withPorts(byte[] frame, int version, int protocol, long srcHi, long srcLo, long dstHi,
			long dstLo, int l4) {
		int sport = 0;
		int dport = 0;
		if (l4 >= 0) {
			if (protocol == PacketSpec.PROTO_UDP || protocol == PacketSpec.PROTO_TCP) {
				if (l4 + 4 > frame.length) {
					return null;
				}
				sport = Checksums.u16(frame, l4);
				dport = Checksums.u16(frame, l4 + 2);
			}
			else if (protocol == PacketSpec.PROTO_ICMP || protocol == PacketSpec.PROTO_ICMPV6) {
				if (l4 + 8 > frame.length) {
					return null;
				}
				int type = frame[l4] & 0xFF;
				if (type == 8 || type == 0 || type == 128 || type == 129) {
					sport = Checksums.u16(frame, l4 + 4);
				}
			}
		}
		return new FlowKey(version, protocol, srcHi, srcLo, dstHi, dstLo, sport, dport);
	}

	private static long u32(byte[] b, int at) {
		return ((long) Checksums.u16(b, at) << 16) | Checksums.u16(b, at + 2);
	}

	private static long u64(byte[] b, int at) {
		return (u32(b, at) << 32) | u32(b, at + 4);
	}

	@Override
	public String toString() {
		return "FlowKey[" + protoName() + " " + addr(this.srcHi, this.srcLo) + ":" + this.srcPort + " -> "
				+ addr(this.dstHi, this.dstLo) + ":" + this.dstPort + "]";
	}

	private String protoName() {
		return switch (this.protocol) {
			case PacketSpec.PROTO_UDP -> "udp";
			case PacketSpec.PROTO_TCP -> "tcp";
			case PacketSpec.PROTO_ICMP -> "icmp";
			case PacketSpec.PROTO_ICMPV6 -> "icmpv6";
			default -> "proto " + this.protocol;
		};
	}

	private String addr(long hi, long lo) {
		if (this.version == 4) {
			return (lo >>> 24) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
		}
		StringBuilder sb = new StringBuilder("[");
		for (int i = 0; i < 8; i++) {
			long word = ((i < 4) ? hi >>> (48 - 16 * i) : lo >>> (48 - 16 * (i - 4))) & 0xFFFF;
			sb.append(i == 0 ? "" : ":").append(Long.toHexString(word));
		}
		return sb.append(']').toString();
	}

}
