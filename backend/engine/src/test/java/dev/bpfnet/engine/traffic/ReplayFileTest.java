package dev.bpfnet.engine.traffic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ReplayFile}: link type conversions and every refusal of issue 5's bad-input list
 * (truncated file, unknown link type, snaplen shorter than the frame, oversized file),
 * each with a message naming the file and what is wrong. The inputs are written here byte
 * by byte as classic pcap files, the layout of pcap-savefile(5).
 */
class ReplayFileTest {

	@TempDir
	Path dir;

	static final byte[] IP = HexFormat.of()
		.parseHex("4500001c0001000040110000c0000202" + "0af4010a" + "9c401b58000800000000");

	/** A classic pcap file (microsecond, little-endian) with the given records. */
	static byte[] pcap(int linkType, int snaplen, int[] origLens, byte[]... frames) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
		h.putInt(0xa1b2c3d4)
			.putShort((short) 2)
			.putShort((short) 4)
			.putInt(0)
			.putInt(0)
			.putInt(snaplen)
			.putInt(linkType);
		out.writeBytes(h.array());
		for (int i = 0; i < frames.length; i++) {
			ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
			r.putInt(1_700_000_000 + i)
				.putInt(500 * i)
				.putInt(frames[i].length)
				.putInt((origLens != null) ? origLens[i] : frames[i].length);
			out.writeBytes(r.array());
			out.writeBytes(frames[i]);
		}
		return out.toByteArray();
	}

	Path write(String name, byte[] bytes) throws IOException {
		Path p = this.dir.resolve(name);
		Files.write(p, bytes);
		return p;
	}

	static ReplayFile read(Path p) {
		return ReplayFile.read(p, ReplayFile.Options.defaults());
	}

	@Test
	void rawIpGetsAZeroMacEthernetHeaderAndTimestampsKeepMicroseconds() throws IOException {
		ReplayFile f = read(write("raw.pcap", pcap(101, 65535, null, IP, IP)));
		assertThat(f.linkType()).isEqualTo(101);
		assertThat(f.frames()).hasSize(2);
		assertThat(HexFormat.of().formatHex(f.frames().get(0).data()))
			.isEqualTo("000000000000" + "000000000000" + "0800" + HexFormat.of().formatHex(IP));
		assertThat(f.frames().get(1).timeNs() - f.frames().get(0).timeNs()).isEqualTo(1_000_000_000L + 500_000L);
	}

	@Test
	void linuxCookedCapturesBecomeEthernetWithTheSenderMac() throws IOException {
		byte[] sll = HexFormat.of().parseHex("0004" + "0001" + "0006" + "020000000002" + "0000" + "0800");
		byte[] sll2 = HexFormat.of().parseHex("0800" + "0000" + "00000003" + "0001" + "04" + "06" + "0200000000020000");
		for (Object[] c : new Object[][] { { 113, sll }, { 276, sll2 } }) {
			byte[] frame = concat((byte[]) c[1], IP);
			ReplayFile f = read(write("cooked" + c[0] + ".pcap", pcap((int) c[0], 65535, null, frame)));
			assertThat(HexFormat.of().formatHex(f.frames().get(0).data())).as("link type %s", c[0])
				.isEqualTo("000000000000" + "020000000002" + "0800" + HexFormat.of().formatHex(IP));
		}
	}

	@Test
	void cookedFrameWithoutAnEtherTypeIsRefused() throws IOException {
		byte[] sll = HexFormat.of().parseHex("0000" + "0001" + "0006" + "020000000002" + "0000" + "0004");
		Path p = write("llc.pcap", pcap(113, 65535, null, concat(sll, IP)));
		assertThatThrownBy(() -> read(p)).isInstanceOf(ReplayException.class)
			.hasMessage(p + ": frame 0: Linux SLL protocol 0x0004 is not an EtherType"
					+ " (802.2/802.3 frames cannot be replayed)");
	}

	@Test
	void unknownLinkTypeIsRefusedByName() throws IOException {
		Path p = write("wifi.pcap", pcap(105, 65535, null, IP));
		assertThatThrownBy(() -> read(p)).isInstanceOf(ReplayException.class)
			.hasMessageStartingWith(p + ": link type 105 (")
			.hasMessageContaining("cannot be replayed; supported: 1 (Ethernet), 101 (raw IP)");
	}

	@Test
	void snaplenShorterThanTheFrameIsAnErrorUnlessTruncationIsAllowed() throws IOException {
		byte[] cut = java.util.Arrays.copyOf(concat(new byte[14], IP), 30);
		cut[12] = 0x08;
		Path p = write("short.pcap", pcap(1, 30, new int[] { 60 }, cut));
		assertThatThrownBy(() -> read(p)).isInstanceOf(ReplayException.class)
			.hasMessageStartingWith(p + ": frame 0: captured 30 of 60 bytes (snaplen 30)");
		ReplayFile f = ReplayFile.read(p, new ReplayFile.Options(ReplayFile.DEFAULT_MAX_BYTES, 10, true));
		assertThat(f.frames().get(0).truncated()).isTrue();
		assertThat(f.frames().get(0).data()).hasSize(30);
		assertThat(f.frames().get(0).originalLength()).isEqualTo(60);
	}

	@Test
	void truncatedFileNamesTheFrameThatIsCut() throws IOException {
		byte[] whole = pcap(101, 65535, null, IP, IP, IP);
		Path p = write("cut.pcap", java.util.Arrays.copyOf(whole, whole.length - 5));
		assertThatThrownBy(() -> read(p)).isInstanceOf(ReplayException.class)
			.hasMessageStartingWith(p + ": frame 2: ")
			.hasMessageContaining("truncated");
	}

	@Test
	void oversizedFileIsRefusedBeforeReading() throws IOException {
		Path p = this.dir.resolve("huge.pcap");
		try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
			f.write(pcap(1, 65535, null));
			f.setLength(2L << 30); // sparse: no 2 GB written
		}
		assertThatThrownBy(() -> read(p)).isInstanceOf(ReplayException.class)
			.hasMessage(p + ": 2147483648 bytes exceed the replay limit of 67108864 bytes");
	}

	@Test
	void tooManyFramesAndGarbageAndMissingFilesAreRefused() throws IOException {
		Path three = write("three.pcap", pcap(101, 65535, null, IP, IP, IP));
		assertThatThrownBy(() -> ReplayFile.read(three, new ReplayFile.Options(1 << 20, 2, false)))
			.hasMessage(three + ": more than 2 frames (the replay limit)");
		Path junk = write("junk.pcap", "not a capture at all, just text".getBytes());
		assertThatThrownBy(() -> read(junk)).isInstanceOf(ReplayException.class)
			.hasMessageStartingWith(junk + ": not a pcap or pcapng file libpcap can read: ");
		assertThatThrownBy(() -> read(this.dir.resolve("none.pcap"))).hasMessageEndingWith("none.pcap: no such file");
	}

	@Test
	void timingsSpaceTheFramesAsAsked() throws IOException {
		ReplayFile f = read(write("t.pcap", pcap(101, 65535, null, IP, IP, IP)));
		long gap = 1_000_500_000L;
		assertThat(ReplayTiming.original().times(f, 100)).containsExactly(100, 100 + gap, 100 + 2 * gap);
		assertThat(ReplayTiming.scale(0.5).times(f, 0)).containsExactly(0, gap / 2, gap);
		assertThat(ReplayTiming.rate(1000).times(f, 0)).containsExactly(0, 1_000_000, 2_000_000);
		assertThatThrownBy(() -> ReplayTiming.scale(0)).hasMessage("timing.factor: expected a number > 0, got 0.0");
		assertThatThrownBy(() -> ReplayTiming.rate(0)).hasMessage("timing.rate: expected >= 1 frame per second, got 0");
	}

	/**
	 * A capture whose first frame is dated 1970 (a device without a clock) before frames
	 * of 2023, scaled by 10: the gap overflowed the simulator's clock and the run failed
	 * with "cannot schedule an event at 9223372036854775807 ns (NO_TIME)". Refused before
	 * the run, naming the frame.
	 */
	@Test
	void aScaledGapPastTheSimulatorsClockIsRefusedNamingTheFrame() throws IOException {
		byte[] bytes = pcap(101, 65535, null, IP, IP);
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 0);
		Path p = write("epoch.pcap", bytes);
		ReplayFile f = read(p);
		assertThat(ReplayTiming.original().times(f, 0)[1]).isEqualTo(1_700_000_001_000_500_000L);
		assertThatThrownBy(() -> ReplayTiming.scale(10).times(f, 0)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage(p + ": frame 1 would be sent 1.70e+10 s after the first, past the simulator's clock"
					+ " (146 years); replay it with timing: rate, or cut the capture's time range (editcap -A/-B)");
		assertThat(ReplayTiming.rate(10).times(f, 0)).containsExactly(0, 100_000_000);
	}

	static byte[] concat(byte[] a, byte[] b) {
		byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, c, a.length, b.length);
		return c;
	}

	static List<byte[]> list(byte[]... frames) {
		return List.of(frames);
	}

}
