package dev.bpfnet.engine.packet;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static dev.bpfnet.engine.packet.Specs.MAC_A;
import static dev.bpfnet.engine.packet.Specs.MAC_B;
import static dev.bpfnet.engine.packet.Specs.v4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacketSpecParserTest {

	@Test
	void parsesAFullSpec() {
		PacketSpec spec = PacketSpec.fromMap(Map.of("ethernet",
				Map.of("src", "02:00:00:00:00:01", "dst", "02:00:00:00:00:02"), "vlan", Map.of("vid", 10, "pcp", 3),
				"ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "ttl", 5, "id", "0x1234", "df", false), "tcp",
				Map.of("src", 1, "dst", 2, "flags", List.of("syn", "ack"), "seq", 4000000000L), "payload",
				Map.of("hex", "de ad be ef")));
		assertThat(spec)
			.isEqualTo(new PacketSpec(PacketSpec.Ethernet.of(MAC_A, MAC_B), new PacketSpec.Vlan(3, false, 10, null),
					new PacketSpec.Ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 5, 0, 0x1234, false, false, 0, null, null),
					new PacketSpec.Tcp(1, 2, 4000000000L, 0, PacketSpec.Tcp.SYN | PacketSpec.Tcp.ACK, 65535, null),
					PacketSpec.Payload.hex("deadbeef")));
		PacketSpec icmp6 = PacketSpec.fromMap(Map.of("ipv6", Map.of("src", "fd00::1", "dst", "::ffff:10.0.0.1"), "icmp",
				Map.of("type", "echo-reply", "id", 1), "payload", Map.of("size", 3)));
		assertThat(icmp6.ipProtocol()).isEqualTo(58);
		assertThat(icmp6.payload().bytes()).containsExactly(0, 1, 2);
	}

	/**
	 * The fragment offset is in bytes, as Wireshark shows it and as a new user computes
	 * it (the second fragment of a 1500-byte MTU starts at 1480): it was taken in the
	 * header's 8-byte units, so 1480 sent offset 11840, and an offset that is not a
	 * multiple of 8 went unnoticed.
	 */
	@Test
	void fragmentOffsetIsInBytesAndAMultipleOfEight() {
		Map<String, Object> ip = Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "mf", true, "df", false, "fragmentOffset",
				1480);
		PacketSpec spec = PacketSpec.fromMap(Map.of("ipv4", ip, "udp", Map.of("src", 1, "dst", 2)));
		byte[] frame = PacketFactory.build(spec);
		// flags and offset: MF (0x2000) | 1480 / 8 = 185 (0x00b9)
		assertThat(((frame[6] & 0xFF) << 8) | (frame[7] & 0xFF)).isEqualTo(0x2000 | 185);
		DecodedPacket d = PacketDecoder.decode(frame, LinkType.RAW_IP);
		assertThat(d.toString()).contains("fragmentOffset", "1480");
		fails(Map.of("ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "fragmentOffset", 1481, "protocol", 17)),
				"packet.ipv4.fragmentOffset: expected a multiple of 8 bytes (the header counts 8-byte units), got 1481");
		fails(Map.of("ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "fragmentOffset", 65536, "protocol", 17)),
				"packet.ipv4.fragmentOffset: expected 0..65528, got 65536");
	}

	/**
	 * Hex as people copy it: {@code 0x1234} was refused as "expected an even number of
	 * hex digits" (it has six), {@code abz} got the same message although the problem is
	 * the z.
	 */
	@Test
	void hexTakesA0xPrefixAndNamesTheCharacterThatIsNotHex() {
		Map<String, Object> ip = Map.of("src", "10.0.0.1", "dst", "10.0.0.2");
		PacketSpec spec = PacketSpec
			.fromMap(Map.of("ipv4", ip, "udp", Map.of("src", 1, "dst", 2), "payload", Map.of("hex", "0xDEAD beef")));
		assertThat(spec.payload().bytes()).containsExactly(0xde, 0xad, 0xbe, 0xef);
		PacketSpec opts = PacketSpec.fromMap(
				Map.of("ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "protocol", 17, "options", "0x94040000")));
		assertThat(PacketFactory.build(opts)).hasSize(24);
		fails(Map.of("ipv4", ip, "udp", Map.of("src", 1, "dst", 2), "payload", Map.of("hex", "abz")),
				"packet.payload.hex: 'z' is not a hex digit (0-9, a-f; spaces or colons may separate bytes), got \"abz\"");
		fails(Map.of("ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "protocol", 17, "options", "94 04 00 0g")),
				"packet.ipv4.options: 'g' is not a hex digit (0-9, a-f; spaces or colons may separate bytes), got "
						+ "\"94 04 00 0g\"");
	}

	private static void fails(Map<String, ?> map, String message) {
		assertThatThrownBy(() -> PacketSpec.fromMap(map)).isInstanceOf(PacketSpecException.class).hasMessage(message);
	}

	@Test
	void errorsNameThePath() {
		Map<String, Object> ip = Map.of("src", "10.0.0.1", "dst", "10.0.0.2");
		fails(Map.of("ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "ttl", 300)),
				"packet.ipv4.ttl: expected 0..255, got 300");
		fails(Map.of("ipv4", Map.of("src", "10.0.0.01", "dst", "10.0.0.2")),
				"packet.ipv4.src: expected an IPv4 address like 10.0.0.1, got \"10.0.0.01\"");
		fails(Map.of("ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "tll", 3)),
				"packet.ipv4.tll: unknown field, expected one of src, dst, ttl, tos, id, df, mf, fragmentOffset, "
						+ "protocol, checksum, options");
		fails(Map.of("ipv4", ip, "udp", Map.of("src", 1)), "packet.udp.dst: required");
		fails(Map.of("ipv4", ip, "udp", Map.of("src", 1, "dst", 70000)),
				"packet.udp.dst: expected 0..65535, got 70000");
		fails(Map.of("ipv4", ip, "tcp", Map.of("src", 1, "dst", 2, "flags", "syn,fyn")),
				"packet.tcp.flags: expected flags among fin, syn, rst, psh, ack, urg, ece, cwr, got \"fyn\"");
		fails(Map.of("ipv4", ip, "udp", Map.of("src", 1, "dst", 2), "payload", Map.of("hex", "abc")),
				"packet.payload.hex: expected an even number of hex digits, got \"abc\"");
		fails(Map.of("ipv4", ip), "packet.ipv4.protocol: required when there is no transport layer");
		fails(Map.of("ipv4", ip, "ipv6", Map.of()), "packet: expected exactly one of arp, ipv4, ipv6, got 2");
		fails(Map.of("ethernet", Map.of("src", "02:00:00:00:00"), "ipv4", ip, "udp", Map.of("src", 1, "dst", 2)),
				"packet.ethernet.src: expected a MAC address like 02:00:00:00:00:01, got \"02:00:00:00:00\"");
		fails(Map.of("ipv4", ip, "vlan", Map.of("vid", 1), "udp", Map.of("src", 1, "dst", 2)),
				"packet.vlan: an 802.1Q tag needs an ethernet header");
		fails(Map.of("ipv6", Map.of("src", "example.com", "dst", "fd00::1"), "udp", Map.of("src", 1, "dst", 2)),
				"packet.ipv6.src: expected an IPv6 address like fd00::1, got \"example.com\"");
		fails(Map.of("ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "ttl", 1.5), "udp",
				Map.of("src", 1, "dst", 2)), "packet.ipv4.ttl: expected an integer, got 1.5");
	}

}
