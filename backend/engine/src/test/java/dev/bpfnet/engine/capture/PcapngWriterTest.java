package dev.bpfnet.engine.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pcapng blocks, byte for byte (draft-ietf-opsawg-pcapng §4). */
class PcapngWriterTest {

	@Test
	void writesSectionInterfaceAndPacketBlocksWithPaddingAndLengths() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (PcapngWriter w = new PcapngWriter(out, "t")) {
			assertThat(w.addInterface(1, 65535, "a:in", null)).isZero();
			w.packet(0, 0x1_0000_0002L, new byte[] { 1, 2, 3, 4, 5 }, 0, 5, "skb 9");
		}
		String hex = HexFormat.of().formatHex(out.toByteArray());
		String shb = "0a0d0d0a" + "28000000" + "4d3c2b1a" + "0100" + "0000" + "ffffffffffffffff" + "0400" + "0100"
				+ "74000000" + "00000000" + "28000000";
		String idb = "01000000" + "28000000" + "0100" + "0000" + "ffff0000" + "0200" + "0400" + "613a696e" + "0900"
				+ "0100" + "09000000" + "00000000" + "28000000";
		String epb = "06000000" + "38000000" + "00000000" + "01000000" + "02000000" + "05000000" + "05000000"
				+ "0102030405000000" + "0100" + "0500" + "736b6220390000" + "00" + "00000000" + "38000000";
		assertThat(hex).isEqualTo(shb + idb + epb);
	}

	@Test
	void everyBlockIsAlignedAndFramedByItsLength() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (PcapngWriter w = new PcapngWriter(out, "bpfnet-lab")) {
			for (int i = 0; i < 3; i++) {
				w.addInterface(1, 262144, "dev" + i + ":out", "on dev" + i);
			}
			for (int n = 0; n < 70; n++) {
				w.packet(n % 3, n * 1000L, new byte[9000], 0, n * 97 % 9000, (n % 2 == 0) ? "skb " + n : null);
			}
		}
		ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
		List<Integer> types = new ArrayList<>();
		while (b.hasRemaining()) {
			int start = b.position();
			int type = b.getInt();
			int len = b.getInt();
			assertThat(len % 4).isZero();
			assertThat(b.getInt(start + len - 4)).isEqualTo(len);
			types.add(type);
			b.position(start + len);
		}
		assertThat(types).hasSize(1 + 3 + 70);
		assertThat(types.get(0)).isEqualTo(PcapngWriter.SHB);
	}

	@Test
	void packetOnAnUnknownInterfaceIsRefused() {
		try (PcapngWriter w = new PcapngWriter(new ByteArrayOutputStream(), "t")) {
			assertThatThrownBy(() -> w.packet(0, 0, new byte[1], 0, 1, null))
				.hasMessage("interfaceId: no interface 0 (have 0)");
		}
	}

}
