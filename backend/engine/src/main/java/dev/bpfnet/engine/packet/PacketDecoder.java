package dev.bpfnet.engine.packet;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IcmpV6EchoReplyPacket;
import org.pcap4j.packet.IcmpV6EchoRequestPacket;
import org.pcap4j.packet.IllegalPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6ExtUnknownPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;

/**
 * Decodes a frame into named layers and fields with byte ranges, for showing a packet at
 * any hop (issue 5). Parsing is Pcap4J's ({@code EthernetPacket.newPacket} and the static
 * packet factories); the byte ranges and the checksum verdicts are computed here from the
 * header layouts, because Pcap4J does not report offsets.
 *
 * <p>
 * Never throws for bad input: a frame Pcap4J rejects, a layer it cannot parse
 * ({@code IllegalPacket}) or a length field larger than the bytes present becomes a
 * {@link DecodedPacket#problems() problem} naming the layer and its offset, and decoding
 * keeps what it could. Application payloads that Pcap4J guesses from a port (DNS on 53)
 * and fails to parse are shown as {@code Payload}, not as problems.
 *
 * <p>
 * Slow path (allocates freely): for the UI and tests, not for the per-packet datapath.
 */
public final class PacketDecoder {

	private static final int MAX_HEX = 256;

	private PacketDecoder() {
	}

	/** Decodes {@code frame} of the given link type. */
	public static DecodedPacket decode(byte[] frame, LinkType linkType) {
		List<DecodedPacket.Layer> layers = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		if (frame.length == 0) {
			problems.add("frame at offset 0: empty");
			return new DecodedPacket(linkType, 0, layers, problems);
		}
		Packet top;
		String first;
		try {
			if (linkType == LinkType.ETHERNET) {
				first = "Ethernet";
				top = EthernetPacket.newPacket(frame, 0, frame.length);
			}
			else {
				int version = (frame[0] & 0xFF) >>> 4;
				if (version == 4) {
					first = "IPv4";
					top = IpV4Packet.newPacket(frame, 0, frame.length);
				}
				else if (version == 6) {
					first = "IPv6";
					top = IpV6Packet.newPacket(frame, 0, frame.length);
				}
				else {
					problems.add("IP at offset 0: version " + version + ", expected 4 or 6");
					layers.add(payload("Payload", frame, 0, frame.length));
					return new DecodedPacket(linkType, frame.length, layers, problems);
				}
			}
		}
		catch (IllegalRawDataException | RuntimeException ex) {
			String detail = String.valueOf(ex.getMessage());
			int data = detail.indexOf(" data:");
			problems.add(firstLayerProblem(linkType, frame) + " (Pcap4J: "
					+ ((data > 0) ? detail.substring(0, data) : detail) + ")");
			layers.add(payload("Payload", frame, 0, frame.length));
			return new DecodedPacket(linkType, frame.length, layers, problems);
		}
		try {
			walk(frame, top, layers, problems);
		}
		catch (RuntimeException ex) {
			int at = layers.isEmpty() ? 0 : last(layers).offset() + last(layers).length();
			problems.add("decoding at offset " + at + " after " + (layers.isEmpty() ? first : last(layers).name())
					+ " failed: " + ex);
		}
		return new DecodedPacket(linkType, frame.length, layers, problems);
	}

	private static String firstLayerProblem(LinkType linkType, byte[] frame) {
		if (linkType == LinkType.ETHERNET) {
			return "Ethernet at offset 0: needs 14 bytes, " + frame.length + " present";
		}
		boolean v4 = ((frame[0] & 0xFF) >>> 4) == 4;
		int need = v4 ? Math.max(20, (frame[0] & 0x0F) * 4) : 40;
		return (v4 ? "IPv4" : "IPv6") + " at offset 0: needs " + need + " bytes, " + frame.length + " present";
	}

	private static void walk(byte[] frame, Packet top, List<DecodedPacket.Layer> layers, List<String> problems) {
		int off = 0;
		int ipOffset = -1;
		int l4Length = 0;
		String prev = null;
		for (Packet p = top; p != null; p = p.getPayload()) {
			if (p instanceof IllegalPacket || p.getHeader() == null) {
				int len = Math.min(p.length(), frame.length - off);
				boolean appData = "UDP".equals(prev) || "TCP".equals(prev) || prev != null && prev.endsWith("Echo");
				if (p instanceof IllegalPacket && !appData) {
					problems.add(expected(prev, frame, off) + " at offset " + off + ": malformed or truncated, " + len
							+ " bytes present");
					layers.add(payload("Malformed", frame, off, len));
				}
				else {
					layers.add(payload("Payload", frame, off, len));
				}
				return;
			}
			int hlen = p.getHeader().length();
			DecodedPacket.Layer layer;
			if (p instanceof EthernetPacket eth) {
				EthernetPacket.EthernetHeader h = eth.getHeader();
				layer = layer("Ethernet", off, hlen, f("dst", h.getDstAddr().toString(), off, 6),
						f("src", h.getSrcAddr().toString(), off + 6, 6),
						f("type", hex4(h.getType().value() & 0xFFFF) + " (" + h.getType().name() + ")", off + 12, 2));
			}
			else if (p instanceof Dot1qVlanTagPacket vlan) {
				Dot1qVlanTagPacket.Dot1qVlanTagHeader h = vlan.getHeader();
				layer = layer("802.1Q", off, hlen, f("pcp", Integer.toString(h.getPriority() & 0x7), off, 1),
						f("dei", Boolean.toString(h.getCfi()), off, 1),
						f("vid", Integer.toString(h.getVidAsInt()), off, 2),
						f("type", hex4(h.getType().value() & 0xFFFF) + " (" + h.getType().name() + ")", off + 2, 2));
			}
			else if (p instanceof ArpPacket arp) {
				ArpPacket.ArpHeader h = arp.getHeader();
				layer = layer("ARP", off, hlen,
						f("hardwareType", Integer.toString(h.getHardwareType().value()), off, 2),
						f("protocolType", hex4(h.getProtocolType().value() & 0xFFFF), off + 2, 2),
						f("hardwareSize", Integer.toString(h.getHardwareAddrLengthAsInt()), off + 4, 1),
						f("protocolSize", Integer.toString(h.getProtocolAddrLengthAsInt()), off + 5, 1),
						f("op", h.getOperation().value() + " (" + h.getOperation().name() + ")", off + 6, 2),
						f("senderMac", h.getSrcHardwareAddr().toString(), off + 8, 6),
						f("senderIp", addr(h.getSrcProtocolAddr()), off + 14, 4),
						f("targetMac", h.getDstHardwareAddr().toString(), off + 18, 6),
						f("targetIp", addr(h.getDstProtocolAddr()), off + 24, 4));
			}
			else if (p instanceof IpV4Packet ip) {
				IpV4Packet.IpV4Header h = ip.getHeader();
				ipOffset = off;
				int total = h.getTotalLengthAsInt();
				if (total > frame.length - off) {
					problems.add("IPv4 at offset " + off + ": total length " + total + " exceeds the "
							+ (frame.length - off) + " bytes present (truncated)");
				}
				l4Length = Math.min(total, frame.length - off) - hlen;
				int computed = ipv4HeaderChecksum(frame, off, hlen);
				List<DecodedPacket.Field> fs = new ArrayList<>(List.of(
						f("version", Integer.toString(h.getVersion().value()), off, 1),
						f("ihl", Integer.toString(h.getIhlAsInt()), off, 1),
						f("tos", hex2(h.getTos().value() & 0xFF), off + 1, 1),
						f("totalLength", Integer.toString(total), off + 2, 2),
						f("id", Integer.toString(h.getIdentificationAsInt()), off + 4, 2),
						f("df", Boolean.toString(h.getDontFragmentFlag()), off + 6, 1),
						f("mf", Boolean.toString(h.getMoreFragmentFlag()), off + 6, 1),
						f("fragmentOffset", Integer.toString(h.getFragmentOffset() * 8), off + 6, 2),
						f("ttl", Integer.toString(h.getTtlAsInt()), off + 8, 1),
						f("protocol", protocol(h.getProtocol().value() & 0xFF, h.getProtocol().name()), off + 9, 1),
						f("checksum", checksum(h.getHeaderChecksum() & 0xFFFF, computed), off + 10, 2),
						f("src", addr(h.getSrcAddr()), off + 12, 4), f("dst", addr(h.getDstAddr()), off + 16, 4)));
				if (hlen > 20) {
					fs.add(f("options", HexFormat.of().formatHex(frame, off + 20, off + hlen), off + 20, hlen - 20));
				}
				layer = new DecodedPacket.Layer("IPv4", off, hlen, fs);
			}
			else if (p instanceof IpV6Packet ip) {
				IpV6Packet.IpV6Header h = ip.getHeader();
				ipOffset = off;
				int payloadLength = h.getPayloadLengthAsInt();
				if (payloadLength > frame.length - off - 40) {
					problems.add("IPv6 at offset " + off + ": payload length " + payloadLength + " exceeds the "
							+ (frame.length - off - 40) + " bytes present (truncated)");
				}
				l4Length = Math.min(payloadLength, frame.length - off - 40);
				layer = layer("IPv6", off, hlen, f("version", "6", off, 1),
						f("trafficClass", hex2(h.getTrafficClass().value() & 0xFF), off, 2),
						f("flowLabel", hex5(h.getFlowLabel().value()), off + 1, 3),
						f("payloadLength", Integer.toString(payloadLength), off + 4, 2),
						f("nextHeader", protocol(h.getNextHeader().value() & 0xFF, h.getNextHeader().name()), off + 6,
								1),
						f("hopLimit", Integer.toString(h.getHopLimitAsInt()), off + 7, 1),
						f("src", addr(h.getSrcAddr()), off + 8, 16), f("dst", addr(h.getDstAddr()), off + 24, 16));
			}
			else if (p instanceof UdpPacket udp) {
				UdpPacket.UdpHeader h = udp.getHeader();
				int stored = h.getChecksum() & 0xFFFF;
				String verdict = (stored == 0 && ipOffset >= 0 && version(frame, ipOffset) == 4) ? hex4(0) + " (none)"
						: checksum(stored, l4Checksum(frame, ipOffset, off, l4Length, PacketSpec.PROTO_UDP, 6, true));
				layer = layer("UDP", off, hlen, f("src", Integer.toString(h.getSrcPort().valueAsInt()), off, 2),
						f("dst", Integer.toString(h.getDstPort().valueAsInt()), off + 2, 2),
						f("length", Integer.toString(h.getLengthAsInt()), off + 4, 2),
						f("checksum", verdict, off + 6, 2));
			}
			else if (p instanceof TcpPacket tcp) {
				TcpPacket.TcpHeader h = tcp.getHeader();
				int stored = h.getChecksum() & 0xFFFF;
				List<DecodedPacket.Field> fs = new ArrayList<>(List.of(
						f("src", Integer.toString(h.getSrcPort().valueAsInt()), off, 2),
						f("dst", Integer.toString(h.getDstPort().valueAsInt()), off + 2, 2),
						f("seq", Long.toString(h.getSequenceNumberAsLong()), off + 4, 4),
						f("ack", Long.toString(h.getAcknowledgmentNumberAsLong()), off + 8, 4),
						f("dataOffset", Integer.toString(h.getDataOffsetAsInt()), off + 12, 1),
						f("flags", tcpFlags(frame[off + 13] & 0xFF), off + 13, 1),
						f("window", Integer.toString(h.getWindowAsInt()), off + 14, 2),
						f("checksum",
								checksum(stored,
										l4Checksum(frame, ipOffset, off, l4Length, PacketSpec.PROTO_TCP, 16, false)),
								off + 16, 2),
						f("urgentPointer", Integer.toString(h.getUrgentPointerAsInt()), off + 18, 2)));
				if (hlen > 20) {
					fs.add(f("options", HexFormat.of().formatHex(frame, off + 20, off + hlen), off + 20, hlen - 20));
				}
				layer = new DecodedPacket.Layer("TCP", off, hlen, fs);
			}
			else if (p instanceof IcmpV4CommonPacket icmp) {
				IcmpV4CommonPacket.IcmpV4CommonHeader h = icmp.getHeader();
				int computed = Checksums
					.fold(Checksums.sum(frame, off, l4Length, 0) + (~Checksums.u16(frame, off + 2) & 0xFFFF));
				layer = layer("ICMPv4", off, hlen,
						f("type", h.getType().value() + " (" + h.getType().name() + ")", off, 1),
						f("code", Integer.toString(h.getCode().value()), off + 1, 1),
						f("checksum", checksum(h.getChecksum() & 0xFFFF, ~computed & 0xFFFF), off + 2, 2));
			}
			else if (p instanceof IcmpV6CommonPacket icmp) {
				IcmpV6CommonPacket.IcmpV6CommonHeader h = icmp.getHeader();
				layer = layer("ICMPv6", off, hlen,
						f("type", (h.getType().value() & 0xFF) + " (" + h.getType().name() + ")", off, 1),
						f("code", Integer.toString(h.getCode().value()), off + 1, 1),
						f("checksum",
								checksum(h.getChecksum() & 0xFFFF,
										l4Checksum(frame, ipOffset, off, l4Length, PacketSpec.PROTO_ICMPV6, 2, false)),
								off + 2, 2));
			}
			else if (p instanceof IcmpV4EchoPacket || p instanceof IcmpV4EchoReplyPacket
					|| p instanceof IcmpV6EchoRequestPacket || p instanceof IcmpV6EchoReplyPacket) {
				String name = (p instanceof IcmpV4EchoPacket || p instanceof IcmpV4EchoReplyPacket) ? "ICMPv4 Echo"
						: "ICMPv6 Echo";
				layer = layer(name, off, hlen, f("id", Integer.toString(Checksums.u16(frame, off)), off, 2),
						f("seq", Integer.toString(Checksums.u16(frame, off + 2)), off + 2, 2));
			}
			else if (p instanceof UnknownPacket || p instanceof IpV6ExtUnknownPacket) {
				// IpV6ExtUnknownPacket: Pcap4J's guess for any next header it does not
				// know
				layers.add(payload("Payload", frame, off, Math.min(p.length(), frame.length - off)));
				return;
			}
			else {
				String name = p.getClass().getSimpleName().replace("Packet", "");
				layer = layer(name, off, hlen,
						f("header", HexFormat.of().formatHex(frame, off, off + hlen), off, hlen));
			}
			layers.add(layer);
			prev = layer.name();
			off += hlen;
		}
	}

	private static DecodedPacket.Layer last(List<DecodedPacket.Layer> layers) {
		return layers.get(layers.size() - 1);
	}

	private static String expected(String prev, byte[] frame, int off) {
		return (prev == null) ? "layer" : "payload of " + prev;
	}

	private static int version(byte[] frame, int ipOffset) {
		return (frame[ipOffset] & 0xFF) >>> 4;
	}

	private static int ipv4HeaderChecksum(byte[] frame, int off, int hlen) {
		long sum = Checksums.sum(frame, off, hlen, 0) + (~Checksums.u16(frame, off + 10) & 0xFFFF);
		return ~Checksums.fold(sum) & 0xFFFF;
	}

	/**
	 * The correct checksum of a transport segment: sum with the stored value taken out.
	 */
	private static int l4Checksum(byte[] frame, int ipOffset, int off, int length, int protocol, int csumAt,
			boolean udp) {
		if (ipOffset < 0 || length < csumAt + 2 || off + length > frame.length) {
			return -1;
		}
		long sum = Checksums.pseudoHeaderSum(frame, ipOffset, protocol, length) + Checksums.sum(frame, off, length, 0)
				+ (~Checksums.u16(frame, off + csumAt) & 0xFFFF);
		int c = ~Checksums.fold(sum) & 0xFFFF;
		return (udp && c == 0) ? 0xFFFF : c;
	}

	private static String checksum(int stored, int computed) {
		if (computed < 0) {
			return hex4(stored) + " (unverified)";
		}
		return hex4(stored) + ((stored == computed) ? " (correct)" : " (wrong, expected " + hex4(computed) + ")");
	}

	private static String tcpFlags(int flags) {
		StringBuilder sb = new StringBuilder(hex2(flags)).append(" (");
		String[] names = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
		boolean any = false;
		for (int i = 0; i < 8; i++) {
			if ((flags & (1 << i)) != 0) {
				sb.append(any ? "," : "").append(names[i]);
				any = true;
			}
		}
		return sb.append(')').toString();
	}

	private static String protocol(int value, String name) {
		return value + " (" + name + ")";
	}

	private static DecodedPacket.Layer payload(String name, byte[] frame, int off, int len) {
		String hex = HexFormat.of().formatHex(frame, off, off + Math.min(len, MAX_HEX));
		if (len > MAX_HEX) {
			CRC32 crc = new CRC32();
			crc.update(frame, off, len);
			hex += "... (" + len + " bytes, crc32 " + Long.toHexString(crc.getValue()) + ")";
		}
		return layer(name, off, len, f("data", hex, off, len));
	}

	private static DecodedPacket.Layer layer(String name, int off, int len, DecodedPacket.Field... fields) {
		return new DecodedPacket.Layer(name, off, len, List.of(fields));
	}

	private static DecodedPacket.Field f(String name, String value, int off, int len) {
		return new DecodedPacket.Field(name, value, off, len);
	}

	private static String addr(InetAddress a) {
		return a.getHostAddress();
	}

	private static String hex2(int v) {
		return String.format("0x%02x", v);
	}

	private static String hex4(int v) {
		return String.format("0x%04x", v);
	}

	private static String hex5(int v) {
		return String.format("0x%05x", v);
	}

}
