package dev.bpfnet.engine.packet;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;

import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IcmpV6EchoReplyPacket;
import org.pcap4j.packet.IcmpV6EchoRequestPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.factory.PacketFactories;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IcmpV6Code;
import org.pcap4j.packet.namednumber.IcmpV6Type;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpV4OptionType;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpOptionKind;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.packet.namednumber.UdpPort;
import org.pcap4j.util.MacAddress;

/**
 * Builds the bytes of a {@link PacketSpec} with Pcap4J's packet builders (lengths and
 * checksums computed at build unless the spec gives a checksum). Only
 * {@code org.pcap4j.packet} and {@code org.pcap4j.util} are used: nothing here loads
 * libpcap or needs a capture device.
 *
 * <p>
 * One deliberate difference from Pcap4J: a computed UDP checksum of 0 is written as
 * {@code 0xFFFF}, as RFC 768 and the kernel ({@code CSUM_MANGLED_0} in
 * {@code udp4_hwcsum}/{@code udp_v6_send_skb}) do, because 0 means "no checksum"; Pcap4J
 * 1.8.2 writes 0. Frames are not padded to 60 bytes: an skb is not, only the wire is.
 *
 * <p>
 * This is the slow, general path (a few µs and several allocations per frame). Sources
 * that send many packets with the same headers build a {@link PacketTemplate} once.
 */
public final class PacketFactory {

	private PacketFactory() {
	}

	/**
	 * The frame for {@code spec}: Ethernet or raw IP, as {@link PacketSpec#linkType()}.
	 */
	public static byte[] build(PacketSpec spec) {
		byte[] frame = toPcap4j(spec).getRawData();
		fixUdpZeroChecksum(spec, frame);
		return frame;
	}

	/** The Pcap4J packet for {@code spec} (the UDP zero checksum not yet fixed). */
	static Packet toPcap4j(PacketSpec spec) {
		Packet.Builder l3 = networkBuilder(spec);
		if (spec.ethernet() == null) {
			return l3.build();
		}
		PacketSpec.Ethernet eth = spec.ethernet();
		Packet.Builder inner = l3;
		EtherType outerType;
		if (spec.vlan() != null) {
			PacketSpec.Vlan vlan = spec.vlan();
			inner = new Dot1qVlanTagPacket.Builder().priority((byte) vlan.pcp())
				.cfi(vlan.dei())
				.vid((short) vlan.vid())
				.type(etherType(spec.innerEtherType()))
				.payloadBuilder(l3);
			outerType = etherType((eth.etherType() != null) ? eth.etherType() : PacketSpec.ETHERTYPE_VLAN);
		}
		else {
			outerType = etherType(spec.innerEtherType());
		}
		return new EthernetPacket.Builder().srcAddr(mac(eth.src()))
			.dstAddr(mac(eth.dst()))
			.type(outerType)
			.payloadBuilder(inner)
			.pad(new byte[0])
			.paddingAtBuild(false)
			.build();
	}

	private static Packet.Builder networkBuilder(PacketSpec spec) {
		Packet.Builder l4 = transportBuilder(spec);
		if (spec.network() instanceof PacketSpec.Arp arp) {
			return new ArpPacket.Builder().hardwareType(ArpHardwareType.ETHERNET)
				.protocolType(EtherType.IPV4)
				.hardwareAddrLength((byte) 6)
				.protocolAddrLength((byte) 4)
				.operation(arp.reply() ? ArpOperation.REPLY : ArpOperation.REQUEST)
				.srcHardwareAddr(mac(arp.senderMac()))
				.srcProtocolAddr(arp.senderIp())
				.dstHardwareAddr(mac(arp.targetMac()))
				.dstProtocolAddr(arp.targetIp());
		}
		if (spec.network() instanceof PacketSpec.Ipv4 ip) {
			IpV4Packet.Builder b = new IpV4Packet.Builder().version(IpVersion.IPV4)
				.ihl((byte) (5 + ip.options().length() / 4))
				.tos(IpV4Rfc791Tos.newInstance((byte) ip.tos()))
				.identification((short) ip.id())
				.reservedFlag(false)
				.dontFragmentFlag(ip.df())
				.moreFragmentFlag(ip.mf())
				.fragmentOffset((short) (ip.fragmentOffset() / 8))
				.ttl((byte) ip.ttl())
				.protocol(IpNumber.getInstance((byte) spec.ipProtocol()))
				.srcAddr(ip.src())
				.dstAddr(ip.dst())
				.options(ipv4Options(ip.options()))
				.padding(new byte[0])
				.payloadBuilder(l4)
				.correctLengthAtBuild(true)
				.paddingAtBuild(true)
				.correctChecksumAtBuild(ip.checksum() == null);
			if (ip.checksum() != null) {
				b.headerChecksum((short) (int) ip.checksum());
			}
			return b;
		}
		PacketSpec.Ipv6 ip = (PacketSpec.Ipv6) spec.network();
		return new IpV6Packet.Builder().version(IpVersion.IPV6)
			.trafficClass(IpV6SimpleTrafficClass.newInstance((byte) ip.trafficClass()))
			.flowLabel(IpV6SimpleFlowLabel.newInstance(ip.flowLabel()))
			.nextHeader(IpNumber.getInstance((byte) spec.ipProtocol()))
			.hopLimit((byte) ip.hopLimit())
			.srcAddr(ip.src())
			.dstAddr(ip.dst())
			.payloadBuilder(l4)
			.correctLengthAtBuild(true);
	}

	private static Packet.Builder transportBuilder(PacketSpec spec) {
		Packet.Builder payload = (spec.payload().length() == 0) ? null
				: new UnknownPacket.Builder().rawData(spec.payload().bytes());
		PacketSpec.Transport t = spec.transport();
		if (t == null) {
			return payload;
		}
		java.net.InetAddress src = (spec.network() instanceof PacketSpec.Ipv4 v4) ? v4.src()
				: ((PacketSpec.Ipv6) spec.network()).src();
		java.net.InetAddress dst = (spec.network() instanceof PacketSpec.Ipv4 v4) ? v4.dst()
				: ((PacketSpec.Ipv6) spec.network()).dst();
		if (t instanceof PacketSpec.Udp udp) {
			UdpPacket.Builder b = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) udp.srcPort()))
				.dstPort(UdpPort.getInstance((short) udp.dstPort()))
				.srcAddr(src)
				.dstAddr(dst)
				.payloadBuilder(payload)
				.correctLengthAtBuild(true)
				.correctChecksumAtBuild(udp.checksum() == null);
			if (udp.checksum() != null) {
				b.checksum((short) (int) udp.checksum());
			}
			return b;
		}
		if (t instanceof PacketSpec.Tcp tcp) {
			int f = tcp.flags();
			TcpPacket.Builder b = new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) tcp.srcPort()))
				.dstPort(TcpPort.getInstance((short) tcp.dstPort()))
				.sequenceNumber((int) tcp.seq())
				.acknowledgmentNumber((int) tcp.ack())
				.dataOffset((byte) (5 + tcp.options().length() / 4))
				// Pcap4J models the 6 bits before URG as "reserved"; the low two are CWR,
				// ECE
				.reserved((byte) (((f & PacketSpec.Tcp.CWR) != 0 ? 2 : 0) | ((f & PacketSpec.Tcp.ECE) != 0 ? 1 : 0)))
				.urg((f & PacketSpec.Tcp.URG) != 0)
				.ack((f & PacketSpec.Tcp.ACK) != 0)
				.psh((f & PacketSpec.Tcp.PSH) != 0)
				.rst((f & PacketSpec.Tcp.RST) != 0)
				.syn((f & PacketSpec.Tcp.SYN) != 0)
				.fin((f & PacketSpec.Tcp.FIN) != 0)
				.window((short) tcp.window())
				.urgentPointer((short) 0)
				.options(tcpOptions(tcp.options()))
				.padding(new byte[0])
				.srcAddr(src)
				.dstAddr(dst)
				.payloadBuilder(payload)
				.correctLengthAtBuild(true)
				.paddingAtBuild(true)
				.correctChecksumAtBuild(tcp.checksum() == null);
			if (tcp.checksum() != null) {
				b.checksum((short) (int) tcp.checksum());
			}
			return b;
		}
		PacketSpec.IcmpEcho echo = (PacketSpec.IcmpEcho) t;
		if (spec.network() instanceof PacketSpec.Ipv4) {
			Packet.Builder body = echo.reply()
					? new IcmpV4EchoReplyPacket.Builder().identifier((short) echo.id())
						.sequenceNumber((short) echo.seq())
						.payloadBuilder(payload)
					: new IcmpV4EchoPacket.Builder().identifier((short) echo.id())
						.sequenceNumber((short) echo.seq())
						.payloadBuilder(payload);
			IcmpV4CommonPacket.Builder b = new IcmpV4CommonPacket.Builder()
				.type(echo.reply() ? IcmpV4Type.ECHO_REPLY : IcmpV4Type.ECHO)
				.code(IcmpV4Code.NO_CODE)
				.payloadBuilder(body)
				.correctChecksumAtBuild(echo.checksum() == null);
			if (echo.checksum() != null) {
				b.checksum((short) (int) echo.checksum());
			}
			return b;
		}
		Packet.Builder body = echo.reply()
				? new IcmpV6EchoReplyPacket.Builder().identifier((short) echo.id())
					.sequenceNumber((short) echo.seq())
					.payloadBuilder(payload)
				: new IcmpV6EchoRequestPacket.Builder().identifier((short) echo.id())
					.sequenceNumber((short) echo.seq())
					.payloadBuilder(payload);
		IcmpV6CommonPacket.Builder b = new IcmpV6CommonPacket.Builder()
			.type(echo.reply() ? IcmpV6Type.ECHO_REPLY : IcmpV6Type.ECHO_REQUEST)
			.code(IcmpV6Code.NO_CODE)
			.srcAddr((Inet6Address) src)
			.dstAddr((Inet6Address) dst)
			.payloadBuilder(body)
			.correctChecksumAtBuild(echo.checksum() == null);
		if (echo.checksum() != null) {
			b.checksum((short) (int) echo.checksum());
		}
		return b;
	}

	private static void fixUdpZeroChecksum(PacketSpec spec, byte[] frame) {
		if (spec.transport() instanceof PacketSpec.Udp udp && udp.checksum() == null) {
			int csum = PacketLayout.of(spec).l4Offset() + 6;
			if (frame[csum] == 0 && frame[csum + 1] == 0) {
				frame[csum] = (byte) 0xFF;
				frame[csum + 1] = (byte) 0xFF;
			}
		}
	}

	/**
	 * The option items as Pcap4J objects, each parsed from its bytes by Pcap4J's static
	 * factory (unknown types become {@code UnknownIpV4Option}), so the builder writes the
	 * bytes exactly as given.
	 */
	private static List<IpV4Packet.IpV4Option> ipv4Options(PacketSpec.Options options) {
		List<IpV4Packet.IpV4Option> out = new ArrayList<>();
		byte[] b = options.bytes();
		int[] at = options.boundaries();
		for (int i = 0; i + 1 < at.length; i++) {
			out.add(PacketFactories.getFactory(IpV4Packet.IpV4Option.class, IpV4OptionType.class)
				.newInstance(b, at[i], at[i + 1] - at[i], IpV4OptionType.getInstance(b[at[i]])));
		}
		return out;
	}

	/** The TCP option items as Pcap4J objects (see {@link #ipv4Options}). */
	private static List<TcpPacket.TcpOption> tcpOptions(PacketSpec.Options options) {
		List<TcpPacket.TcpOption> out = new ArrayList<>();
		byte[] b = options.bytes();
		int[] at = options.boundaries();
		for (int i = 0; i + 1 < at.length; i++) {
			out.add(PacketFactories.getFactory(TcpPacket.TcpOption.class, TcpOptionKind.class)
				.newInstance(b, at[i], at[i + 1] - at[i], TcpOptionKind.getInstance(b[at[i]])));
		}
		return out;
	}

	static MacAddress mac(long value) {
		byte[] b = new byte[6];
		for (int i = 0; i < 6; i++) {
			b[i] = (byte) (value >>> (8 * (5 - i)));
		}
		return MacAddress.getByAddress(b);
	}

	private static EtherType etherType(int value) {
		return EtherType.getInstance((short) value);
	}

}
