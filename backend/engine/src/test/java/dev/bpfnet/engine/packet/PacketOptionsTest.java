package dev.bpfnet.engine.packet;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static dev.bpfnet.engine.packet.Specs.MAC_A;
import static dev.bpfnet.engine.packet.Specs.MAC_B;
import static dev.bpfnet.engine.packet.Specs.v4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * IPv4 and TCP options: written exactly as given by Pcap4J's builders (header length
 * fields and checksums follow), decoded back, checked for impossible layouts.
 */
class PacketOptionsTest {

	/** Router alert (RFC 2113), 4 bytes. */
	static final String ROUTER_ALERT = "94040000";

	/** MSS 1460, SACK permitted, timestamps 1/0, NOP, window scale 7: a Linux SYN. */
	static final String SYN_OPTIONS = "020405b4" + "0402" + "080a0000000100000000" + "01" + "030307";

	static PacketSpec spec(String ipOptions, String tcpOptions) {
		PacketSpec.Ipv4 ip = new PacketSpec.Ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 64, 0, 7, true, false, 0, null, null,
				PacketSpec.Options.hex("ipv4.options", ipOptions));
		PacketSpec.Tcp tcp = new PacketSpec.Tcp(40000, 80, 1, 0, PacketSpec.Tcp.SYN, 64240, null,
				PacketSpec.Options.hex("tcp.options", tcpOptions));
		return new PacketSpec(PacketSpec.Ethernet.of(MAC_A, MAC_B), null, ip, tcp, PacketSpec.Payload.EMPTY);
	}

	@Test
	void optionsAreWrittenAsGivenWithLengthsAndChecksumsFollowing() {
		PacketSpec s = spec(ROUTER_ALERT, SYN_OPTIONS);
		byte[] f = PacketFactory.build(s);
		assertThat(f).hasSize(14 + 24 + 40);
		assertThat(f[14] & 0x0F).as("IHL").isEqualTo(6);
		assertThat(HexFormat.of().formatHex(f, 34, 38)).isEqualTo(ROUTER_ALERT);
		assertThat((f[38 + 12] & 0xFF) >>> 4).as("TCP data offset").isEqualTo(10);
		assertThat(HexFormat.of().formatHex(f, 58, 78)).isEqualTo(SYN_OPTIONS);
		DecodedPacket d = PacketDecoder.decode(f, LinkType.ETHERNET);
		assertThat(d.problems()).isEmpty();
		assertThat(d.layer("IPv4").field("checksum").value()).endsWith("(correct)");
		assertThat(d.layer("IPv4").field("totalLength").value()).isEqualTo("64");
		assertThat(d.layer("IPv4").field("options").value()).isEqualTo(ROUTER_ALERT);
		assertThat(d.layer("TCP").field("checksum").value()).endsWith("(correct)");
		assertThat(d.layer("TCP").field("options").value()).isEqualTo(SYN_OPTIONS);
		assertThat(PacketLayout.of(s)).isEqualTo(new PacketLayout(14, 38, 78, 78));
		assertThat(PacketTemplate.of(s).newPacket()).isEqualTo(f);
	}

	@Test
	void optionsComeFromTheSpecMap() {
		PacketSpec s = PacketSpec.fromMap(Map.of("ethernet",
				Map.of("src", "02:00:00:00:00:01", "dst", "02:00:00:00:00:02"), "ipv4",
				Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "id", 7, "options", "94 04 00 00"), "tcp", Map.of("src",
						40000, "dst", 80, "seq", 1, "flags", List.of("syn"), "window", 64240, "options", SYN_OPTIONS)));
		assertThat(s).isEqualTo(spec(ROUTER_ALERT, SYN_OPTIONS));
	}

	@Test
	void impossibleOptionsNameTheFieldAndByte() {
		assertThatThrownBy(() -> PacketSpec.fromMap(
				Map.of("ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2", "protocol", 17, "options", "440c0500"))))
			.isInstanceOf(PacketSpecException.class)
			.hasMessage("packet.ipv4.options: option at byte 0 (type 68) has length 12, expected 2..4");
		assertThatThrownBy(() -> PacketSpec.fromMap(Map.of("ipv4", Map.of("src", "10.0.0.1", "dst", "10.0.0.2"), "tcp",
				Map.of("src", 1, "dst", 2, "options", "020405"))))
			.isInstanceOf(PacketSpecException.class)
			.hasMessage("packet.tcp.options: expected a multiple of 4 bytes (pad with 00, end of list), got 3");
		assertThatThrownBy(() -> PacketSpec.Options.hex("tcp.options", "01".repeat(44)))
			.hasMessage("tcp.options: expected at most 40 bytes, got 44");
		assertThatThrownBy(() -> PacketSpec.Options.hex("tcp.options", "010102"))
			.hasMessage("tcp.options: expected a multiple of 4 bytes (pad with 00, end of list), got 3");
		assertThatThrownBy(() -> PacketSpec.Options.hex("tcp.options", "01010102"))
			.hasMessage("tcp.options: option at byte 3 (type 2) has no length byte");
		assertThatThrownBy(() -> PacketSpec.Options.hex("ipv4.options", "zz")).hasMessage(
				"ipv4.options: 'z' is not a hex digit (0-9, a-f; spaces or colons may separate bytes), got \"zz\"");
		assertThatThrownBy(() -> PacketSpec.Options.hex("ipv4.options", "940400"))
			.hasMessage("ipv4.options: expected a multiple of 4 bytes (pad with 00, end of list), got 3");
		assertThatThrownBy(() -> PacketSpec.Options.hex("ipv4.options", "9404000"))
			.hasMessage("ipv4.options: expected an even number of hex digits, got \"9404000\"");
	}

}
