package dev.bpfnet.engine.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bpfnet.engine.traffic.ReplayFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Captures written by other tools, as a new user brings them: Wireshark's
 * {@code text2pcap} (Linux cooked SLL2 and raw IP, pcapng) and {@code editcap} (our pcap
 * converted to pcapng) are replayed through the topology and arrive at the pod as the
 * Ethernet frames {@link ReplayFile} promises. Skipped, with a message, only when the
 * Wireshark tools are not installed ({@code .ci/run} installs tshark, which brings them).
 */
class ExternalCapturesTest {

	@TempDir
	Path dir;

	static void run(String... cmd) {
		try {
			Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
			String out = new String(p.getInputStream().readAllBytes());
			assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
			assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
		}
		catch (IOException ex) {
			Assumptions.abort(cmd[0] + " is not installed (Wireshark's tools; .ci/run installs tshark): " + ex);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A text2pcap input: one packet per frame, "0000 xx xx ..." lines. */
	Path hexdump(String name, List<byte[]> frames) throws IOException {
		StringBuilder sb = new StringBuilder();
		for (byte[] f : frames) {
			for (int off = 0; off < f.length; off += 16) {
				sb.append(String.format("%04x ", off));
				for (int i = off; i < Math.min(off + 16, f.length); i++) {
					sb.append(String.format(" %02x", f[i] & 0xFF));
				}
				sb.append('\n');
			}
		}
		Path p = this.dir.resolve(name);
		Files.writeString(p, sb.toString());
		return p;
	}

	static List<byte[]> ipPackets() {
		List<byte[]> ip = new ArrayList<>();
		for (byte[] f : CaptureRoundTripTest.crafted()) {
			ip.add(Arrays.copyOfRange(f, 14, f.length));
		}
		return ip;
	}

	static List<String> podFrames(Path dir, Path pcap) {
		CaptureRoundTripTest.Run r = CaptureRoundTripTest.replay(Fixtures.twoNodes(true), pcap, dir, true);
		return CaptureRoundTripTest.hex(CaptureRoundTripTest.frames(r.files().get(0)));
	}

	@Test
	void linuxCookedSll2FromText2pcapArrivesAsEthernetWithTheSenderMac() throws IOException {
		List<byte[]> cooked = new ArrayList<>();
		List<String> expected = new ArrayList<>();
		for (byte[] ip : ipPackets()) {
			// protocol IPv4, reserved, ifindex 2, ARPHRD_ETHER, PACKET_OUTGOING, 6-byte
			// address
			byte[] sll2 = HexFormat.of()
				.parseHex("0800" + "0000" + "00000002" + "0001" + "04" + "06" + "0200000000020000");
			cooked.add(ReplayFileBytes.concat(sll2, ip));
			expected.add("000000000000" + "020000000002" + "0800" + HexFormat.of().formatHex(ip));
		}
		Path out = this.dir.resolve("sll2.pcapng");
		run("text2pcap", "-q", "-l", "276", hexdump("sll2.txt", cooked).toString(), out.toString());
		ReplayFile f = ReplayFile.read(out, ReplayFile.Options.defaults());
		assertThat(f.linkType()).isEqualTo(276);
		assertThat(podFrames(this.dir, out)).containsExactlyElementsOf(expected);
	}

	@Test
	void rawIpFromText2pcapAndOurPcapThroughEditcapReplayTheSameBytes() throws IOException {
		Path raw = this.dir.resolve("raw.pcapng");
		run("text2pcap", "-q", "-l", "101", hexdump("raw.txt", ipPackets()).toString(), raw.toString());
		List<String> expected = ipPackets().stream()
			.map(ip -> "000000000000000000000000" + "0800" + HexFormat.of().formatHex(ip))
			.toList();
		assertThat(podFrames(this.dir, raw)).containsExactlyElementsOf(expected);

		Path ours = CaptureRoundTripTest.craftedPcap(this.dir, CaptureRoundTripTest.crafted());
		Path converted = this.dir.resolve("converted.pcapng");
		run("editcap", "-F", "pcapng", ours.toString(), converted.toString());
		assertThat(Files.readAllBytes(converted)).startsWith((byte) 0x0a, (byte) 0x0d, (byte) 0x0d, (byte) 0x0a);
		assertThat(podFrames(this.dir, converted))
			.containsExactlyElementsOf(CaptureRoundTripTest.hex(CaptureRoundTripTest.crafted()));
	}

	/** Byte helpers. */
	static final class ReplayFileBytes {

		static byte[] concat(byte[] a, byte[] b) {
			byte[] c = Arrays.copyOf(a, a.length + b.length);
			System.arraycopy(b, 0, c, a.length, b.length);
			return c;
		}

	}

}
