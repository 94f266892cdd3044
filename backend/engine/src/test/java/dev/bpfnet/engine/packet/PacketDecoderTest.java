package dev.bpfnet.engine.packet;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static dev.bpfnet.engine.packet.Specs.MAC_A;
import static dev.bpfnet.engine.packet.Specs.MAC_B;
import static dev.bpfnet.engine.packet.Specs.v4;
import static org.assertj.core.api.Assertions.assertThat;

class PacketDecoderTest {

	private static PacketSpec udp(String dst, int dport) {
		return new PacketSpec(PacketSpec.Ethernet.of(MAC_A, MAC_B), null,
				new PacketSpec.Ipv4(v4("10.0.0.1"), v4(dst), 64, 0, 7, true, false, 0, null, null),
				PacketSpec.Udp.of(40000, dport), PacketSpec.Payload.text("ping"));
	}

	@Test
	void decodesLayersWithByteRanges() {
		DecodedPacket d = PacketDecoder.decode(PacketFactory.build(udp("10.0.0.2", 5201)), LinkType.ETHERNET);
		assertThat(d.problems()).isEmpty();
		assertThat(d.layers()).extracting(DecodedPacket.Layer::name)
			.containsExactly("Ethernet", "IPv4", "UDP", "Payload");
		assertThat(d.layer("Ethernet").field("type").value()).isEqualTo("0x0800 (IPv4)");
		assertThat(d.layer("IPv4").field("dst")).isEqualTo(new DecodedPacket.Field("dst", "10.0.0.2", 30, 4));
		assertThat(d.layer("IPv4").field("checksum").value()).endsWith("(correct)");
		assertThat(d.layer("UDP").offset()).isEqualTo(34);
		assertThat(d.layer("UDP").field("dst")).isEqualTo(new DecodedPacket.Field("dst", "5201", 36, 2));
		assertThat(d.layer("UDP").field("checksum").value()).endsWith("(correct)");
		assertThat(d.layer("Payload").field("data").value()).isEqualTo("70696e67");
	}

	@Test
	void natRewriteDiffListsExactlyTheRewrittenFields() {
		DecodedPacket before = PacketDecoder.decode(PacketFactory.build(udp("10.0.0.2", 5201)), LinkType.ETHERNET);
		DecodedPacket after = PacketDecoder.decode(PacketFactory.build(udp("10.96.0.10", 8080)), LinkType.ETHERNET);
		List<DecodedPacket.Change> changes = DecodedPacket.diff(before, after);
		assertThat(changes).extracting(c -> c.layer() + "." + c.field())
			.containsExactly("IPv4.checksum", "IPv4.dst", "UDP.dst", "UDP.checksum");
		assertThat(changes.get(1).before()).isEqualTo("10.0.0.2");
		assertThat(changes.get(1).after()).isEqualTo("10.96.0.10");
		assertThat(changes.get(1).offset()).isEqualTo(30);
		assertThat(changes.get(2).toString()).isEqualTo("UDP.dst: 5201 -> 8080");
		assertThat(DecodedPacket.diff(before, before)).isEmpty();
	}

	@Test
	void diffReportsAddedLayers() {
		DecodedPacket plain = PacketDecoder.decode(PacketFactory.build(udp("10.0.0.2", 5201)), LinkType.ETHERNET);
		PacketSpec s = udp("10.0.0.2", 5201);
		DecodedPacket tagged = PacketDecoder.decode(PacketFactory.build(new PacketSpec(s.ethernet(),
				new PacketSpec.Vlan(0, false, 7, null), s.network(), s.transport(), s.payload())), LinkType.ETHERNET);
		assertThat(DecodedPacket.diff(plain, tagged)).extracting(DecodedPacket.Change::toString)
			.startsWith("Ethernet.type: 0x0800 (IPv4) -> 0x8100 (IEEE 802.1Q VLAN-tagged frames)",
					"802.1Q.(layer): IPv4 -> 802.1Q");
	}

	@Test
	void truncatedFramesNameTheLayerAndOffset() {
		byte[] frame = PacketFactory.build(udp("10.0.0.2", 5201));
		assertThat(PacketDecoder.decode(Arrays.copyOf(frame, 10), LinkType.ETHERNET).problems())
			.containsExactly("Ethernet at offset 0: needs 14 bytes, 10 present (Pcap4J: The data is too short "
					+ "to build an Ethernet header(14 bytes).)");
		DecodedPacket shortIp = PacketDecoder.decode(Arrays.copyOf(frame, 30), LinkType.ETHERNET);
		assertThat(shortIp.problems())
			.containsExactly("payload of Ethernet at offset 14: malformed or truncated, " + "16 bytes present");
		assertThat(shortIp.layers()).extracting(DecodedPacket.Layer::name).containsExactly("Ethernet", "Malformed");
		DecodedPacket cut = PacketDecoder.decode(Arrays.copyOf(frame, 40), LinkType.ETHERNET);
		assertThat(cut.problems()).first()
			.isEqualTo("IPv4 at offset 14: total length 32 exceeds the 26 bytes present (truncated)");
		assertThat(PacketDecoder.decode(new byte[0], LinkType.RAW_IP).problems())
			.containsExactly("frame at offset 0: empty");
		assertThat(PacketDecoder.decode(new byte[] { 0x55, 1, 2 }, LinkType.RAW_IP).problems())
			.containsExactly("IP at offset 0: version 5, expected 4 or 6");
	}

	@Test
	void garbageNeverThrows() {
		Random random = new Random(42);
		byte[] valid = PacketFactory.build(udp("10.0.0.2", 5201));
		for (int i = 0; i < 5000; i++) {
			byte[] frame;
			if (i % 2 == 0) {
				frame = new byte[random.nextInt(100)];
				random.nextBytes(frame);
			}
			else {
				frame = Arrays.copyOf(valid, random.nextInt(valid.length + 1));
				if (frame.length > 0) {
					frame[random.nextInt(frame.length)] = (byte) random.nextInt();
				}
			}
			for (LinkType lt : LinkType.values()) {
				DecodedPacket d = PacketDecoder.decode(frame, lt);
				assertThat(d.length()).isEqualTo(frame.length);
				for (DecodedPacket.Layer layer : d.layers()) {
					assertThat(layer.offset() + layer.length()).isLessThanOrEqualTo(frame.length);
				}
			}
		}
	}

}
