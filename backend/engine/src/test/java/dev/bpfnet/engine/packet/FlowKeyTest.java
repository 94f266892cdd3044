package dev.bpfnet.engine.packet;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static dev.bpfnet.engine.packet.Specs.MAC_A;
import static dev.bpfnet.engine.packet.Specs.MAC_B;
import static dev.bpfnet.engine.packet.Specs.v4;
import static dev.bpfnet.engine.packet.Specs.v6;
import static org.assertj.core.api.Assertions.assertThat;

class FlowKeyTest {

	private static FlowKey key(PacketSpec spec) {
		byte[] frame = PacketFactory.build(spec);
		int l3 = FlowKey.l3Offset(frame, spec.linkType());
		assertThat(l3).isEqualTo(PacketLayout.of(spec).l3Offset());
		return FlowKey.of(frame, l3);
	}

	@Test
	void ipv4UdpTcpIcmp() {
		PacketSpec.Ipv4 ip = PacketSpec.Ipv4.of(v4("10.0.0.1"), v4("192.168.1.2"));
		PacketSpec.Ethernet eth = PacketSpec.Ethernet.of(MAC_A, MAC_B);
		assertThat(
				key(new PacketSpec(eth, new PacketSpec.Vlan(0, false, 9, null), ip, PacketSpec.Udp.of(1234, 53), null)))
			.isEqualTo(new FlowKey(4, 17, 0, 0x0A000001L, 0, 0xC0A80102L, 1234, 53));
		assertThat(key(new PacketSpec(null, null, ip, new PacketSpec.Tcp(5, 6, 0, 0, 2, 0, null), null)).toString())
			.isEqualTo("FlowKey[tcp 10.0.0.1:5 -> 192.168.1.2:6]");
		assertThat(key(new PacketSpec(eth, null, ip, new PacketSpec.IcmpEcho(false, 99, 1, null), null)))
			.isEqualTo(new FlowKey(4, 1, 0, 0x0A000001L, 0, 0xC0A80102L, 99, 0));
	}

	@Test
	void ipv6() {
		PacketSpec spec = new PacketSpec(PacketSpec.Ethernet.l3Mode(), null,
				PacketSpec.Ipv6.of(v6("fd00::1"), v6("fd00::2:3")), PacketSpec.Udp.of(7, 8), null);
		assertThat(key(spec)).isEqualTo(
				new FlowKey(6, 17, 0xfd00_0000_0000_0000L, 1, 0xfd00_0000_0000_0000L, 0x0000_0000_0002_0003L, 7, 8));
		assertThat(key(spec).toString()).isEqualTo("FlowKey[udp [fd00:0:0:0:0:0:0:1]:7 -> [fd00:0:0:0:0:0:2:3]:8]");
	}

	@Test
	void nonIpAndTruncatedGiveNull() {
		PacketSpec arp = new PacketSpec(PacketSpec.Ethernet.of(MAC_A, MAC_B), null,
				new PacketSpec.Arp(false, MAC_A, v4("10.0.0.1"), 0, v4("10.0.0.2")), null, null);
		assertThat(FlowKey.l3Offset(PacketFactory.build(arp), LinkType.ETHERNET)).isEqualTo(-1);
		byte[] udp = PacketFactory.build(new PacketSpec(null, null, PacketSpec.Ipv4.of(v4("1.1.1.1"), v4("2.2.2.2")),
				PacketSpec.Udp.of(1, 2), null));
		for (int len = 0; len < 24; len++) {
			assertThat(FlowKey.of(Arrays.copyOf(udp, len), 0)).as("length " + len).isNull();
		}
		assertThat(FlowKey.of(udp, 0)).isNotNull();
	}

}
