package dev.bpfnet.engine.packet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

import static dev.bpfnet.engine.packet.Specs.MAC_A;
import static dev.bpfnet.engine.packet.Specs.MAC_B;
import static dev.bpfnet.engine.packet.Specs.v4;
import static dev.bpfnet.engine.packet.Specs.v6;
import static org.assertj.core.api.Assertions.assertThat;

class PacketFactoryTest {

	static Stream<PacketSpec> combinations() {
		List<PacketSpec> specs = new ArrayList<>();
		PacketSpec.Ethernet[] eths = { null, PacketSpec.Ethernet.of(MAC_A, MAC_B), PacketSpec.Ethernet.l3Mode() };
		PacketSpec.Network[] nets = {
				new PacketSpec.Ipv4(v4("10.0.0.1"), v4("192.168.7.9"), 17, 0xb8, 4242, true, false, 0, null, null),
				new PacketSpec.Ipv6(v6("fd00::1"), v6("2001:db8::7:1"), 3, 0x28, 0xabcde, null) };
		PacketSpec.Transport[] ts = { PacketSpec.Udp.of(40000, 5201),
				new PacketSpec.Tcp(33000, 80, 0xfedcba98L, 12345,
						PacketSpec.Tcp.SYN | PacketSpec.Tcp.ACK | PacketSpec.Tcp.ECE | PacketSpec.Tcp.CWR, 29200, null),
				new PacketSpec.IcmpEcho(false, 77, 3, null), new PacketSpec.IcmpEcho(true, 77, 4, null), null };
		PacketSpec.Payload[] payloads = { PacketSpec.Payload.EMPTY, PacketSpec.Payload.fill(33),
				PacketSpec.Payload.text("hello") };
		for (PacketSpec.Ethernet eth : eths) {
			for (boolean tagged : new boolean[] { false, true }) {
				if (tagged && eth == null) {
					continue;
				}
				PacketSpec.Vlan vlan = tagged ? new PacketSpec.Vlan(5, true, 100, null) : null;
				for (PacketSpec.Network net : nets) {
					for (PacketSpec.Transport t : ts) {
						for (PacketSpec.Payload p : payloads) {
							PacketSpec.Network n = net;
							if (t == null) {
								n = (net instanceof PacketSpec.Ipv4 ip)
										? new PacketSpec.Ipv4(ip.src(), ip.dst(), ip.ttl(), ip.tos(), ip.id(), ip.df(),
												ip.mf(), ip.fragmentOffset(), 253, null)
										: new PacketSpec.Ipv6(((PacketSpec.Ipv6) net).src(),
												((PacketSpec.Ipv6) net).dst(), 64, 0, 0, 253);
							}
							specs.add(new PacketSpec(eth, vlan, n, t, p));
						}
					}
				}
				specs.add(new PacketSpec(eth == null ? PacketSpec.Ethernet.of(MAC_A, MAC_B) : eth, vlan,
						new PacketSpec.Arp(false, MAC_A, v4("10.0.0.1"), 0, v4("10.0.0.2")), null, null));
				specs.add(new PacketSpec(eth == null ? PacketSpec.Ethernet.of(MAC_A, MAC_B) : eth, vlan,
						new PacketSpec.Arp(true, MAC_B, v4("10.0.0.2"), MAC_A, v4("10.0.0.1")), null, null));
			}
		}
		return specs.stream();
	}

	@ParameterizedTest
	@MethodSource("combinations")
	void buildsAndReparsesToTheSameFields(PacketSpec spec) throws Exception {
		byte[] frame = PacketFactory.build(spec);
		PacketLayout layout = PacketLayout.of(spec);
		assertThat(frame).hasSize(layout.length());
		Packet p = (spec.ethernet() == null)
				? ((spec.network() instanceof PacketSpec.Ipv4) ? IpV4Packet.newPacket(frame, 0, frame.length)
						: IpV6Packet.newPacket(frame, 0, frame.length))
				: EthernetPacket.newPacket(frame, 0, frame.length);
		if (spec.ethernet() != null) {
			EthernetPacket.EthernetHeader eh = p.get(EthernetPacket.class).getHeader();
			assertThat(eh.getSrcAddr()).isEqualTo(PacketFactory.mac(spec.ethernet().src()));
			assertThat(eh.getDstAddr()).isEqualTo(PacketFactory.mac(spec.ethernet().dst()));
			assertThat(eh.getType().value() & 0xFFFF)
				.isEqualTo(spec.vlan() != null ? 0x8100 : spec.network().etherType());
		}
		if (spec.vlan() != null) {
			Dot1qVlanTagPacket.Dot1qVlanTagHeader vh = p.get(Dot1qVlanTagPacket.class).getHeader();
			assertThat(vh.getPriority()).isEqualTo((byte) 5);
			assertThat(vh.getCfi()).isTrue();
			assertThat(vh.getVidAsInt()).isEqualTo(100);
			assertThat(vh.getType().value() & 0xFFFF).isEqualTo(spec.network().etherType());
		}
		int l3 = layout.l3Offset();
		if (spec.network() instanceof PacketSpec.Arp arp) {
			ArpPacket.ArpHeader ah = p.get(ArpPacket.class).getHeader();
			assertThat(ah.getOperation().value()).isEqualTo(arp.reply() ? (short) 2 : (short) 1);
			assertThat(ah.getSrcHardwareAddr()).isEqualTo(PacketFactory.mac(arp.senderMac()));
			assertThat(ah.getSrcProtocolAddr()).isEqualTo(arp.senderIp());
			assertThat(ah.getDstHardwareAddr()).isEqualTo(PacketFactory.mac(arp.targetMac()));
			assertThat(ah.getDstProtocolAddr()).isEqualTo(arp.targetIp());
			return;
		}
		byte[] pseudo;
		int l4Len = frame.length - layout.payloadOffset() + (layout.payloadOffset() - Math.max(layout.l4Offset(), 0));
		if (spec.network() instanceof PacketSpec.Ipv4 ip) {
			IpV4Packet.IpV4Header h = p.get(IpV4Packet.class).getHeader();
			assertThat(h.getSrcAddr()).isEqualTo(ip.src());
			assertThat(h.getDstAddr()).isEqualTo(ip.dst());
			assertThat(h.getTtlAsInt()).isEqualTo(ip.ttl());
			assertThat(h.getTos().value() & 0xFF).isEqualTo(ip.tos());
			assertThat(h.getIdentificationAsInt()).isEqualTo(ip.id());
			assertThat(h.getDontFragmentFlag()).isEqualTo(ip.df());
			assertThat(h.getProtocol().value() & 0xFF).isEqualTo(spec.ipProtocol());
			assertThat(h.getTotalLengthAsInt()).isEqualTo(frame.length - l3);
			assertThat(Specs.internetChecksum(Arrays.copyOfRange(frame, l3, l3 + 20))).as("IPv4 header checksum")
				.isZero();
			pseudo = ByteBuffer.allocate(12)
				.put(ip.src().getAddress())
				.put(ip.dst().getAddress())
				.put((byte) 0)
				.put((byte) spec.ipProtocol())
				.putShort((short) l4Len)
				.array();
		}
		else {
			PacketSpec.Ipv6 ip = (PacketSpec.Ipv6) spec.network();
			IpV6Packet.IpV6Header h = p.get(IpV6Packet.class).getHeader();
			assertThat(h.getSrcAddr()).isEqualTo(ip.src());
			assertThat(h.getDstAddr()).isEqualTo(ip.dst());
			assertThat(h.getHopLimitAsInt()).isEqualTo(ip.hopLimit());
			assertThat(h.getTrafficClass().value() & 0xFF).isEqualTo(ip.trafficClass());
			assertThat(h.getFlowLabel().value()).isEqualTo(ip.flowLabel());
			assertThat(h.getNextHeader().value() & 0xFF).isEqualTo(spec.ipProtocol());
			assertThat(h.getPayloadLengthAsInt()).isEqualTo(frame.length - l3 - 40);
			pseudo = ByteBuffer.allocate(40)
				.put(ip.src().getAddress())
				.put(ip.dst().getAddress())
				.putInt(l4Len)
				.put(new byte[3])
				.put((byte) spec.ipProtocol())
				.array();
		}
		byte[] segment = Arrays.copyOfRange(frame, Math.max(layout.l4Offset(), 0), frame.length);
		if (spec.transport() instanceof PacketSpec.Udp udp) {
			UdpPacket.UdpHeader h = p.get(UdpPacket.class).getHeader();
			assertThat(h.getSrcPort().valueAsInt()).isEqualTo(udp.srcPort());
			assertThat(h.getDstPort().valueAsInt()).isEqualTo(udp.dstPort());
			assertThat(h.getLengthAsInt()).isEqualTo(segment.length);
			assertThat(Specs.internetChecksum(pseudo, segment)).as("UDP checksum").isZero();
			assertThat(h.getChecksum()).isNotZero();
		}
		else if (spec.transport() instanceof PacketSpec.Tcp tcp) {
			TcpPacket.TcpHeader h = p.get(TcpPacket.class).getHeader();
			assertThat(h.getSrcPort().valueAsInt()).isEqualTo(tcp.srcPort());
			assertThat(h.getDstPort().valueAsInt()).isEqualTo(tcp.dstPort());
			assertThat(h.getSequenceNumberAsLong()).isEqualTo(tcp.seq());
			assertThat(h.getAcknowledgmentNumberAsLong()).isEqualTo(tcp.ack());
			assertThat(h.getSyn()).isTrue();
			assertThat(h.getAck()).isTrue();
			assertThat(h.getFin()).isFalse();
			assertThat(frame[layout.l4Offset() + 13] & 0xFF).as("flag byte")
				.isEqualTo(PacketSpec.Tcp.SYN | PacketSpec.Tcp.ACK | PacketSpec.Tcp.ECE | PacketSpec.Tcp.CWR);
			assertThat(h.getWindowAsInt()).isEqualTo(tcp.window());
			assertThat(Specs.internetChecksum(pseudo, segment)).as("TCP checksum").isZero();
		}
		else if (spec.transport() instanceof PacketSpec.IcmpEcho echo) {
			int id;
			int seq;
			if (spec.network() instanceof PacketSpec.Ipv4) {
				assertThat(p.get(IcmpV4CommonPacket.class).getHeader().getType().value())
					.isEqualTo(echo.reply() ? (byte) 0 : (byte) 8);
				if (echo.reply()) {
					id = p.get(IcmpV4EchoReplyPacket.class).getHeader().getIdentifierAsInt();
					seq = p.get(IcmpV4EchoReplyPacket.class).getHeader().getSequenceNumberAsInt();
				}
				else {
					id = p.get(IcmpV4EchoPacket.class).getHeader().getIdentifierAsInt();
					seq = p.get(IcmpV4EchoPacket.class).getHeader().getSequenceNumberAsInt();
				}
				assertThat(Specs.internetChecksum(segment)).as("ICMPv4 checksum").isZero();
			}
			else {
				assertThat(p.get(IcmpV6CommonPacket.class).getHeader().getType().value())
					.isEqualTo(echo.reply() ? (byte) 129 : (byte) 128);
				if (echo.reply()) {
					id = p.get(IcmpV6EchoReplyPacket.class).getHeader().getIdentifierAsInt();
					seq = p.get(IcmpV6EchoReplyPacket.class).getHeader().getSequenceNumberAsInt();
				}
				else {
					id = p.get(IcmpV6EchoRequestPacket.class).getHeader().getIdentifierAsInt();
					seq = p.get(IcmpV6EchoRequestPacket.class).getHeader().getSequenceNumberAsInt();
				}
				assertThat(Specs.internetChecksum(pseudo, segment)).as("ICMPv6 checksum").isZero();
			}
			assertThat(id).isEqualTo(echo.id());
			assertThat(seq).isEqualTo(echo.seq());
		}
		assertThat(Arrays.copyOfRange(frame, layout.payloadOffset(), frame.length)).isEqualTo(spec.payload().bytes());
		assertThat(PacketDecoder.decode(frame, spec.linkType()).problems()).isEmpty();
	}

	@Test
	void explicitChecksumsAreWrittenAsGiven() {
		PacketSpec spec = new PacketSpec(PacketSpec.Ethernet.of(MAC_A, MAC_B), null,
				new PacketSpec.Ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 64, 0, 1, true, false, 0, null, 0xdead),
				new PacketSpec.Udp(1, 2, 0xbeef), PacketSpec.Payload.hex("01 02"));
		byte[] frame = PacketFactory.build(spec);
		assertThat(Checksums.u16(frame, 24)).isEqualTo(0xdead);
		assertThat(Checksums.u16(frame, 40)).isEqualTo(0xbeef);
		DecodedPacket d = PacketDecoder.decode(frame, LinkType.ETHERNET);
		assertThat(d.layer("IPv4").field("checksum").value()).startsWith("0xdead (wrong, expected 0x");
		assertThat(d.layer("UDP").field("checksum").value()).startsWith("0xbeef (wrong, expected 0x");
	}

	@Test
	void l3ModeFramesHaveZeroMacs() {
		PacketSpec spec = new PacketSpec(PacketSpec.Ethernet.l3Mode(), null,
				PacketSpec.Ipv4.of(v4("10.0.0.1"), v4("10.0.0.2")), PacketSpec.Udp.of(1, 2), null);
		byte[] frame = PacketFactory.build(spec);
		assertThat(Arrays.copyOfRange(frame, 0, 12)).containsOnly(0);
		assertThat(Checksums.u16(frame, 12)).isEqualTo(0x0800);
		assertThat(frame).hasSize(14 + 20 + 8).as("not padded to 60 bytes");
	}

}
